#include "perf/throttling.h"

namespace mmaudit::perf {
namespace {

Throttling Preset(const char* name, double rtt_ms, double throughput_kbps, double cpu_slowdown,
                  ScoreCurve fcp, ScoreCurve lcp, ScoreCurve tbt, ScoreCurve speed_index) {
  Throttling t;
  t.name = name;
  t.rtt_ms = rtt_ms;
  t.throughput_kbps = throughput_kbps;
  t.cpu_slowdown = cpu_slowdown;
  t.fcp = fcp;
  t.lcp = lcp;
  t.tbt = tbt;
  t.speed_index = speed_index;
  return t;
}

}  // namespace

Throttling Mobile() {
  return Preset("mobile", 150, 1.6 * 1024, 4, {1800, 3000}, {2500, 4000}, {200, 600}, {3387, 5800});
}

Throttling Desktop() {
  return Preset("desktop", 40, 10 * 1024, 1, {934, 1600}, {1200, 2400}, {150, 350}, {1311, 2300});
}

Throttling ThrottlingFor(const std::string& device_name) {
  return device_name == "desktop" ? Desktop() : Mobile();
}

}  // namespace mmaudit::perf
