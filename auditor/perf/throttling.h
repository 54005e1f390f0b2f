// The throttling presets the simulated load times are computed under (perf/lantern.h), with the
// score curves of the device: Lighthouse's "mobileSlow4G" and "desktopDense4G" settings
// (core/config/constants.js) and the log-normal control points of its metric audits.
#pragma once

#include <string>

namespace mmaudit::perf {

// A log-normal score curve: score 0.9 at p10, 0.5 at the median (perf::LogNormalScore).
struct ScoreCurve {
  double p10 = 0;
  double median = 0;
};

struct Throttling {
  std::string name;               // "mobile" or "desktop"
  double rtt_ms = 0;              // round trip added to every exchange
  double throughput_kbps = 0;     // Kbit/s, 1 Kbit = 1024 bit, as Lighthouse counts
  double cpu_slowdown = 1;        // main-thread slowdown of the simulated device
  ScoreCurve fcp, lcp, tbt, speed_index;

  // Throughput in bits per second (throughput_kbps × 1024), Lantern's unit.
  double ThroughputBitsPerSecond() const { return throughput_kbps * 1024.0; }
};

// Lighthouse's default mobile run: RTT 150 ms, 1638.4 Kbit/s, CPU 4×; curves FCP 1800/3000,
// LCP 2500/4000, TBT 200/600, Speed Index 3387/5800 ms.
Throttling Mobile();
// Lighthouse's desktop preset: RTT 40 ms, 10240 Kbit/s, CPU 1×; curves FCP 934/1600,
// LCP 1200/2400, TBT 150/350, Speed Index 1311/2300 ms.
Throttling Desktop();
// Desktop() for "desktop", Mobile() for any other name (the phone is the default device).
Throttling ThrottlingFor(const std::string& device_name);

}  // namespace mmaudit::perf
