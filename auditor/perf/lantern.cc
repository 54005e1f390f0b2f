#include "perf/lantern.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <map>
#include <utility>

#include "perf/curves.h"

namespace mmaudit::perf {
namespace {

using facts::ResourceRecord;
using facts::ResourceType;

// Lantern's constants (core/lib/lantern/simulator/*.js).
constexpr double kSegmentBytes = 1460;              // TCP_SEGMENT_SIZE
constexpr int kInitialCongestionWindow = 10;        // INITIAL_CONGESTION_WINDOW
constexpr double kDefaultServerResponseMs = 30;     // DEFAULT_SERVER_RESPONSE_TIME
constexpr double kDnsRttMultiplier = 2;             // DNS_RESOLUTION_RTT_MULTIPLIER
constexpr std::size_t kConnectionsPerOrigin = 6;    // CONNECTIONS_PER_ORIGIN
constexpr std::size_t kMaxConcurrentRequests = 10;  // DEFAULT_MAXIMUM_CONCURRENT_REQUESTS
constexpr double kLayoutTaskMultiplier = 0.5;       // DEFAULT_LAYOUT_TASK_MULTIPLIER
constexpr double kMaxCpuTaskMs = 10000;             // DEFAULT_MAXIMUM_CPU_TASK_DURATION
constexpr double kLongTaskMs = 50;                  // TBT's BLOCKING_TIME_THRESHOLD
constexpr double kInteractiveCpuMs = 20;            // Interactive's CRITICAL_LONG_TASK_THRESHOLD
constexpr double kInfinity = std::numeric_limits<double>::infinity();

double Kb(std::uint64_t bytes) { return static_cast<double>(bytes) / 1024.0; }

bool Failed(const ResourceRecord& r) { return r.status == 0; }

std::string HostOf(const std::string& origin) {
  std::string host = origin;
  const auto scheme = host.find("://");
  if (scheme != std::string::npos) host.erase(0, scheme + 3);
  const auto port = host.rfind(':');
  if (port != std::string::npos && host.find(']', port) == std::string::npos) host.erase(port);
  return host;
}

bool IsHttps(const ResourceRecord& r) {
  const std::string& s = r.origin.empty() ? r.url : r.origin;
  return s.rfind("https:", 0) == 0;
}

bool IsHighOrAbove(Priority p) { return p == Priority::kVeryHigh || p == Priority::kHigh; }

// Lantern's NetworkNode.hasRenderBlockingPriority: VeryHigh, or a High script.
bool HasRenderBlockingPriority(const GraphNode& n) {
  return n.priority == Priority::kVeryHigh ||
         (n.priority == Priority::kHigh && n.type == ResourceType::kScript);
}

bool IsLowPriorityImage(const GraphNode& n) {
  return !n.cpu && n.type == ResourceType::kImage &&
         (n.priority == Priority::kLow || n.priority == Priority::kVeryLow);
}

// Chrome's priority for a request, as it would end up in the network log.
Priority PriorityOf(const ResourceRecord& r, bool lcp) {
  switch (r.type) {
    case ResourceType::kDocument:
      return Priority::kVeryHigh;
    case ResourceType::kStylesheet:
      return r.render_blocking ? Priority::kVeryHigh : Priority::kVeryLow;
    case ResourceType::kFont:
      return Priority::kVeryHigh;
    case ResourceType::kScript:
      if (r.render_blocking || r.fetchpriority_high) return Priority::kHigh;
      return (r.async || r.defer) ? Priority::kLow : Priority::kHigh;
    case ResourceType::kImage:
      return (lcp || r.fetchpriority_high || r.above_fold) ? Priority::kHigh : Priority::kLow;
    default:
      return Priority::kLow;
  }
}

// Lantern's PriorityStartTimePenalty in seconds, applied to the discovery order.
double StartPenalty(Priority p) {
  switch (p) {
    case Priority::kVeryHigh: return 0;
    case Priority::kHigh: return 0.25;
    case Priority::kMedium: return 0.5;
    case Priority::kLow: return 1;
    case Priority::kVeryLow: return 2;
  }
  return 1;
}

double StartPosition(const GraphNode& n) {
  const double order = static_cast<double>(n.order);
  return n.cpu ? order : order + StartPenalty(n.priority) * 1e6;
}

// ---- Lantern's TCP connection ----

struct Connection {
  double rtt = 0, throughput = 0, server_ms = 0;
  bool ssl = true, h2 = false, warmed = false, in_use = false;
  int congestion_window = kInitialCongestionWindow;
  double h2_overflow_bytes = 0;
};

struct Download {
  double time_elapsed = 0;
  double bytes = 0;
  double extra_bytes = 0;
  int congestion_window = 0;
};

int MaxCongestionWindow(const Connection& c) {
  const double bytes_per_round_trip = c.throughput / 8 * (c.rtt / 1000);
  return static_cast<int>(std::floor(bytes_per_round_trip / kSegmentBytes));
}

// How far a download of `bytes_to_download` gets on `c` within `max_time_ms`, `time_already_ms`
// into it: the handshake (DNS, SYN, SYN-ACK, ACK+request, TLS with false start) and the server's
// time until the first byte, then one congestion window per round trip, doubling up to the
// window the connection's bandwidth share allows.
Download SimulateDownload(const Connection& c, double bytes_to_download, double time_already_ms,
                          double max_time_ms, double dns_ms) {
  if (c.warmed && c.h2) bytes_to_download -= c.h2_overflow_bytes;
  const double one_way = c.rtt / 2;
  const int max_window = MaxCongestionWindow(c);
  double handshake_and_request = one_way;
  if (!c.warmed) handshake_and_request = dns_ms + 3 * one_way + (c.ssl ? c.rtt : 0);
  double ttfb = handshake_and_request + c.server_ms + one_way;
  if (c.warmed && c.h2) ttfb = 0;
  const double ttfb_left = std::max(ttfb - time_already_ms, 0.0);
  const double max_download_time = max_time_ms - ttfb_left;

  int window = std::min(c.congestion_window, max_window);
  double total = 0;
  if (ttfb_left > 0) total = window * kSegmentBytes;
  double download_time = 0;
  double remaining = bytes_to_download - total;
  while (remaining > 0 && download_time <= max_download_time) {
    download_time += c.rtt;
    window = std::max(std::min(max_window, window * 2), 1);
    const double in_window = window * kSegmentBytes;
    total += in_window;
    remaining -= in_window;
  }
  Download d;
  d.time_elapsed = ttfb_left + download_time;
  d.extra_bytes = c.h2 ? std::max(total - bytes_to_download, 0.0) : 0;
  d.bytes = std::max(std::min(total, bytes_to_download), 0.0);
  d.congestion_window = window;
  return d;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// ---- The simulation ----

enum class State { kWaiting, kReady, kRunning, kDone };

struct NodeRun {
  State state = State::kWaiting;
  std::size_t deps_left = 0;
  double start = 0, end = 0;
  double elapsed = 0, overshoot = 0, bytes_done = 0, estimate = 0, dns_ms = 0;
  Connection* connection = nullptr;
};

class Simulator {
 public:
  Simulator(const Graph& g, const std::vector<bool>& in, const Throttling& t)
      : g_(g), in_(in), t_(t), runs_(g.nodes.size()), dependents_(g.nodes.size()) {
    throughput_ = t.ThroughputBitsPerSecond();
    const double per_request = 1000 / t.rtt_ms * kSegmentBytes * 8;
    const double saturated = per_request > 0 ? std::floor(throughput_ / per_request) : 1e9;
    max_requests_ = static_cast<std::size_t>(
        std::max(1.0, std::min(saturated, static_cast<double>(kMaxConcurrentRequests))));
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      if (!in_[i]) continue;
      const GraphNode& n = g.nodes[i];
      for (std::size_t d : n.deps) {
        if (!in_[d]) continue;
        dependents_[d].push_back(i);
        ++runs_[i].deps_left;
      }
      if (!n.cpu && !pools_.count(n.origin)) {
        Connection c;
        c.rtt = t.rtt_ms;
        c.throughput = throughput_;
        c.server_ms = n.server_ms;
        c.ssl = n.https;
        c.h2 = n.h2;
        pools_[n.origin].assign(n.h2 ? 1 : kConnectionsPerOrigin, c);
      }
    }
  }

  SimulationResult Run() {
    MarkReady(g_.document);
    double now = 0;
    std::size_t iterations = 0;
    while (!ready_.empty() || !running_.empty()) {
      const std::vector<std::size_t> ready = ready_;
      for (std::size_t i : ready) TryStart(i, now);
      if (running_.empty() || ++iterations > 100000) break;  // cannot happen on a valid graph
      const std::size_t in_flight = network_running_;
      if (in_flight > 0) {
        for (auto& [origin, conns] : pools_)
          for (Connection& c : conns)
            if (c.in_use) c.throughput = throughput_ / static_cast<double>(in_flight);
      }
      double step = kInfinity;
      for (std::size_t i : running_) step = std::min(step, Estimate(i));
      if (!std::isfinite(step)) break;
      now += step;
      const std::vector<std::size_t> running = running_;
      for (std::size_t i : running) Progress(i, step, now);
    }
    SimulationResult result;
    result.timings.resize(g_.nodes.size());
    for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
      if (runs_[i].state != State::kDone) continue;
      result.timings[i] = {true, runs_[i].start, runs_[i].end};
      result.time_ms = std::max(result.time_ms, runs_[i].end);
    }
    return result;
  }

 private:
  void MarkReady(std::size_t i) {
    runs_[i].state = State::kReady;
    const double pos = StartPosition(g_.nodes[i]);
    auto at = std::find_if(ready_.begin(), ready_.end(), [&](std::size_t other) {
      return StartPosition(g_.nodes[other]) > pos;
    });
    ready_.insert(at, i);
  }

  void TryStart(std::size_t i, double now) {
    const GraphNode& n = g_.nodes[i];
    NodeRun& r = runs_[i];
    if (n.cpu) {
      if (cpu_running_) return;
      cpu_running_ = true;
    } else {
      if (network_running_ >= max_requests_) return;
      Connection* best = nullptr;
      for (Connection& c : pools_[n.origin])
        if (!c.in_use && (!best || c.congestion_window > best->congestion_window)) best = &c;
      if (!best) return;
      best->in_use = true;
      r.connection = best;
      ++network_running_;
      r.dns_ms = DnsTime(n.host, now);
    }
    ready_.erase(std::find(ready_.begin(), ready_.end(), i));
    r.state = State::kRunning;
    r.start = now;
    running_.push_back(i);
  }

  // Lantern's DNSCache: 2 RTT per host, less when a lookup of the same host is already under way.
  double DnsTime(const std::string& host, double requested_at) {
    double t = t_.rtt_ms * kDnsRttMultiplier;
    auto it = resolved_at_.find(host);
    if (it != resolved_at_.end()) t = std::min(std::max(it->second - requested_at, 0.0), t);
    const double at = requested_at + t;
    if (it == resolved_at_.end()) resolved_at_[host] = at;
    else it->second = std::min(it->second, at);
    return t;
  }

  double CpuTotal(const GraphNode& n) const {
    const double m = t_.cpu_slowdown * (n.layout ? kLayoutTaskMultiplier : 1.0);
    return std::min(std::round(n.cpu_ms * m), kMaxCpuTaskMs);
  }

  double Estimate(std::size_t i) {
    const GraphNode& n = g_.nodes[i];
    NodeRun& r = runs_[i];
    if (n.cpu) {
      r.estimate = CpuTotal(n) - r.elapsed;
    } else {
      const Download d = SimulateDownload(*r.connection, static_cast<double>(n.bytes) - r.bytes_done,
                                          r.elapsed, kInfinity, r.dns_ms);
      r.estimate = d.time_elapsed + r.overshoot;
    }
    return r.estimate;
  }

  void Progress(std::size_t i, double step, double now) {
    const GraphNode& n = g_.nodes[i];
    NodeRun& r = runs_[i];
    const bool finished = r.estimate == step;
    if (n.cpu) {
      if (finished) {
        cpu_running_ = false;
        Complete(i, now);
      } else {
        r.elapsed += step;
      }
      return;
    }
    Connection& c = *r.connection;
    const Download d = SimulateDownload(c, static_cast<double>(n.bytes) - r.bytes_done, r.elapsed,
                                        step - r.overshoot, r.dns_ms);
    c.congestion_window = d.congestion_window;
    if (c.h2) c.h2_overflow_bytes = d.extra_bytes;
    if (finished) {
      c.warmed = true;
      c.in_use = false;
      r.connection = nullptr;
      --network_running_;
      Complete(i, now);
    } else {
      r.elapsed += d.time_elapsed;
      r.overshoot += d.time_elapsed - step;
      r.bytes_done += d.bytes;
    }
  }

  void Complete(std::size_t i, double now) {
    runs_[i].state = State::kDone;
    runs_[i].end = now;
    running_.erase(std::find(running_.begin(), running_.end(), i));
    for (std::size_t d : dependents_[i])
      if (--runs_[d].deps_left == 0) MarkReady(d);
  }

  const Graph& g_;
  const std::vector<bool>& in_;
  const Throttling& t_;
  std::vector<NodeRun> runs_;
  std::vector<std::vector<std::size_t>> dependents_;
  std::map<std::string, std::vector<Connection>> pools_;
  std::map<std::string, double> resolved_at_;
  std::vector<std::size_t> ready_, running_;
  std::size_t network_running_ = 0, max_requests_ = 1;
  bool cpu_running_ = false;
  double throughput_ = 0;
};

// ---- Metrics ----

struct Estimate {
  double optimistic = 0, pessimistic = 0, value = 0;
};

void Fill(const Estimate& e, const ScoreCurve& curve, facts::MetricEstimate* m) {
  m->available = true;
  m->optimistic_ms = e.optimistic;
  m->pessimistic_ms = e.pessimistic;
  m->value_ms = e.value;
  m->score = LogNormalScore(e.value, curve.p10, curve.median);
}

std::vector<bool> Only(const Graph& g, std::initializer_list<std::size_t> nodes) {
  std::vector<bool> in(g.nodes.size(), false);
  for (std::size_t n : nodes)
    if (n != kNoNode) in[n] = true;
  return in;
}

// Lantern's LargestContentfulPaint estimate: the last end among nodes other than low-priority images.
double LcpEstimate(const Graph& g, const SimulationResult& sim) {
  double t = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (sim.timings[i].simulated && !IsLowPriorityImage(g.nodes[i]))
      t = std::max(t, sim.timings[i].end_ms);
  return t;
}

// Interactive's last long task: the end of the last CPU node longer than 50 ms.
double LastLongTaskEnd(const Graph& g, const SimulationResult& sim) {
  double t = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const NodeTiming& nt = sim.timings[i];
    if (g.nodes[i].cpu && nt.simulated && nt.end_ms - nt.start_ms > kLongTaskMs)
      t = std::max(t, nt.end_ms);
  }
  return t;
}

// TBTUtils.calculateSumOfBlockingTime over the simulated CPU nodes of at least 50 ms.
double BlockingTime(const Graph& g, const SimulationResult& sim, double from, double to) {
  if (to <= from) return 0;
  double sum = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const NodeTiming& nt = sim.timings[i];
    if (!g.nodes[i].cpu || !nt.simulated) continue;
    const double duration = nt.end_ms - nt.start_ms;
    if (duration < kLongTaskMs || nt.end_ms < from || nt.start_ms > to) continue;
    const double clipped = std::min(nt.end_ms, to) - std::max(nt.start_ms, from);
    if (clipped >= kLongTaskMs) sum += clipped - kLongTaskMs;
  }
  return sum;
}

// SpeedIndex.computeLayoutBasedSpeedIndex: the ends of layout tasks weighted by log2(duration).
double LayoutBasedSpeedIndex(const Graph& g, const SimulationResult& sim, double fcp) {
  double weighted = 0, total = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const NodeTiming& nt = sim.timings[i];
    if (!g.nodes[i].cpu || !g.nodes[i].layout || !nt.simulated) continue;
    const double duration = nt.end_ms - nt.start_ms;
    const double w = duration > 0 ? std::max(std::log2(duration), 0.0) : 0.0;
    weighted += w * std::max(nt.end_ms, fcp);
    total += w;
  }
  return total > 0 ? weighted / total : fcp;
}

facts::CriticalChain Chain(const Graph& g, const std::vector<ResourceRecord>& records,
                           const SimulationResult& sim) {
  // Members: the document, render-blocking resources, and stylesheets and fonts loaded by a member
  // stylesheet. Parents: the initiating member, else the document.
  const std::size_t n = g.nodes.size();
  std::vector<std::size_t> parent(n, kNoNode);
  std::vector<bool> member(n, false);
  std::map<std::string, std::size_t> member_by_url;
  member[g.document] = true;
  member_by_url[g.nodes[g.document].url] = g.document;
  for (std::size_t i = 0; i < n; ++i) {
    const GraphNode& node = g.nodes[i];
    if (node.cpu || i == g.document) continue;
    const ResourceRecord& r = records[node.record];
    auto init = r.initiator.empty() ? member_by_url.end() : member_by_url.find(r.initiator);
    const bool loaded_by_member = init != member_by_url.end() &&
                                  (r.type == ResourceType::kStylesheet || r.type == ResourceType::kFont);
    if (!r.render_blocking && !loaded_by_member) continue;
    member[i] = true;
    parent[i] = init != member_by_url.end() ? init->second : g.document;
    member_by_url.emplace(node.url, i);
  }
  std::size_t last = g.document;
  for (std::size_t i = 0; i < n; ++i)
    if (member[i] && sim.timings[i].simulated && sim.timings[i].end_ms > sim.timings[last].end_ms)
      last = i;
  facts::CriticalChain chain;
  for (std::size_t i = last; i != kNoNode; i = parent[i]) {
    const GraphNode& node = g.nodes[i];
    chain.longest.push_back({node.url, sim.timings[i].start_ms, sim.timings[i].end_ms, node.bytes});
  }
  std::reverse(chain.longest.begin(), chain.longest.end());
  chain.depth = chain.longest.size();
  chain.duration_ms = sim.timings[last].end_ms - sim.timings[g.document].start_ms;
  return chain;
}

}  // namespace

Throttling ObservedLoad() {
  Throttling t = Desktop();
  t.name = "observed";
  return t;
}

std::vector<std::pair<std::string, double>> ServerTimes(const std::vector<ResourceRecord>& records,
                                                        double observed_rtt_ms) {
  std::vector<double> handshakes;
  for (const ResourceRecord& r : records)
    if (!Failed(r) && r.connect_ms > 0) handshakes.push_back(r.connect_ms);
  const double rtt = handshakes.empty() ? observed_rtt_ms : Median(handshakes);
  std::map<std::string, std::vector<double>> samples;
  for (const ResourceRecord& r : records) {
    if (Failed(r)) continue;
    auto& s = samples[r.origin];
    if (r.wait_ms > 0) {
      s.push_back(std::max(r.wait_ms - rtt, 0.0));
    } else if (r.ttfb_ms > 0) {
      const double connection_rtts = IsHttps(r) ? 3 : 2;
      s.push_back(std::max(r.ttfb_ms - observed_rtt_ms * connection_rtts, 0.0));
    }
  }
  std::vector<std::pair<std::string, double>> out;
  for (auto& [origin, s] : samples) {
    const double median = s.empty() ? 0 : Median(s);
    out.emplace_back(origin, median > 0 ? median : kDefaultServerResponseMs);
  }
  return out;
}

std::size_t LcpCandidate(const std::vector<ResourceRecord>& records) {
  std::size_t best = kNoNode;
  double best_area = 0;
  bool best_hero = false;
  for (std::size_t i = 1; i < records.size(); ++i) {
    const ResourceRecord& r = records[i];
    if (r.type != ResourceType::kImage || Failed(r) || r.deferred || !r.above_fold) continue;
    double area = static_cast<double>(r.display_width) * r.display_height;
    if (area <= 0) area = static_cast<double>(r.intrinsic_width) * r.intrinsic_height;
    if (area <= 0 && !r.hero_hint) continue;
    const bool better = best == kNoNode || (r.hero_hint && !best_hero) ||
                        (r.hero_hint == best_hero && area > best_area);
    if (!better) continue;
    best = i;
    best_area = area;
    best_hero = r.hero_hint;
  }
  return best;
}

Graph BuildGraph(const std::vector<ResourceRecord>& records, const PageShape& shape,
                 const CpuCosts& costs) {
  Graph g;
  g.node_of_record.assign(records.size(), kNoNode);
  if (records.empty()) return g;
  std::map<std::string, double> server;
  for (auto& [origin, ms] : ServerTimes(records, shape.observed_rtt_ms))
    server[origin] = shape.server_response_ms ? *shape.server_response_ms : ms;
  std::map<std::string, bool> origin_h2;  // Lantern: the origin's first request decides
  for (const ResourceRecord& r : records)
    if (!Failed(r)) origin_h2.emplace(r.origin, r.http_version == "2");
  g.lcp_image = kNoNode;
  const std::size_t lcp_record = LcpCandidate(records);
  std::size_t cpu_order = records.size();

  auto add_network = [&](std::size_t rec, std::vector<std::size_t> deps) {
    const ResourceRecord& r = records[rec];
    GraphNode n;
    n.deps = std::move(deps);
    n.order = rec;
    n.record = rec;
    n.url = r.url;
    n.origin = r.origin;
    n.host = HostOf(r.origin);
    n.https = IsHttps(r);
    n.h2 = origin_h2[r.origin];
    n.bytes = r.transfer_bytes;
    n.server_ms = server.count(r.origin) ? server[r.origin] : kDefaultServerResponseMs;
    n.render_blocking = rec == 0 || r.render_blocking;
    n.priority = rec == 0 ? Priority::kVeryHigh : PriorityOf(r, rec == lcp_record);
    n.type = rec == 0 ? ResourceType::kDocument : r.type;
    g.node_of_record[rec] = g.nodes.size();
    g.nodes.push_back(std::move(n));
    return g.nodes.size() - 1;
  };
  auto add_cpu = [&](CpuKind kind, double ms, bool layout, std::vector<std::size_t> deps) {
    GraphNode n;
    n.cpu = true;
    n.cpu_kind = kind;
    n.cpu_ms = ms;
    n.layout = layout;
    n.deps = std::move(deps);
    n.order = cpu_order++;
    g.nodes.push_back(std::move(n));
    return g.nodes.size() - 1;
  };

  g.document = add_network(0, {});
  g.parse = add_cpu(CpuKind::kParseHtml,
                    costs.task_ms + Kb(records[0].decoded_bytes) * costs.html_parse_ms_per_kb +
                        Kb(shape.inline_script_bytes) * costs.script_ms_per_kb,
                    false, {g.document});

  // Network nodes that do not wait for style: everything named by the document, and stylesheets
  // imported by stylesheets. Records come in discovery order, so an initiator precedes what it loads.
  std::map<std::string, std::size_t> by_url;
  std::vector<std::size_t> after_style;  // records fetched once styles are computed
  auto initiator_node = [&](const ResourceRecord& r) {
    auto it = r.initiator.empty() ? by_url.end() : by_url.find(r.initiator);
    return it == by_url.end() ? g.document : it->second;
  };
  for (std::size_t i = 1; i < records.size(); ++i) {
    const ResourceRecord& r = records[i];
    if (Failed(r) || r.deferred) continue;
    if (!r.initiator.empty() && r.type != ResourceType::kStylesheet) {
      after_style.push_back(i);
      continue;
    }
    by_url.emplace(r.url, add_network(i, {initiator_node(r)}));
  }
  // Scripts: render-blocking ones evaluate before the first paint, the others after their arrival.
  std::vector<std::size_t> paint_deps = {g.parse};
  double css_kb = Kb(shape.inline_style_bytes);
  std::vector<std::size_t> late_scripts;
  for (std::size_t i = 1; i < records.size(); ++i) {
    const std::size_t node = g.node_of_record[i];
    if (node == kNoNode) continue;
    const ResourceRecord& r = records[i];
    if (r.type == ResourceType::kStylesheet && r.render_blocking) {
      paint_deps.push_back(node);
      css_kb += Kb(r.decoded_bytes);
    } else if (r.type == ResourceType::kScript) {
      if (r.render_blocking) {
        paint_deps.push_back(add_cpu(CpuKind::kScript,
                                     costs.task_ms + Kb(r.decoded_bytes) * costs.script_ms_per_kb,
                                     false, {node, g.parse}));
      } else {
        late_scripts.push_back(i);
      }
    }
  }
  const double style_layout =
      static_cast<double>(shape.element_count) * costs.style_layout_ms_per_element;
  g.first_paint = add_cpu(CpuKind::kFirstPaint,
                          costs.task_ms + style_layout + css_kb * costs.css_parse_ms_per_kb, true,
                          paint_deps);
  for (std::size_t i : after_style)
    by_url.emplace(records[i].url, add_network(i, {initiator_node(records[i]), g.first_paint}));
  std::vector<std::size_t> late_deps = {g.first_paint};
  for (std::size_t i : late_scripts) {
    const ResourceRecord& r = records[i];
    late_deps.push_back(add_cpu(CpuKind::kScript,
                                costs.task_ms + Kb(r.decoded_bytes) * costs.script_ms_per_kb, false,
                                {g.node_of_record[i], g.parse}));
  }
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (!g.nodes[i].cpu) late_deps.push_back(i);
  std::sort(late_deps.begin(), late_deps.end());
  late_deps.erase(std::unique(late_deps.begin(), late_deps.end()), late_deps.end());
  g.late_layout = add_cpu(CpuKind::kLateLayout, costs.task_ms + style_layout, true, late_deps);
  if (lcp_record != kNoNode) g.lcp_image = g.node_of_record[lcp_record];
  return g;
}

SimulationResult SimulateGraph(const Graph& graph, const std::vector<bool>& include,
                               const Throttling& t) {
  // Close the node set over dependencies (Lantern's cloneWithRelationships keeps what an included
  // node depends on), walking from the highest index down.
  std::vector<bool> in(graph.nodes.size(), false);
  for (std::size_t i = 0; i < include.size() && i < in.size(); ++i) in[i] = include[i];
  if (!in.empty()) in[graph.document] = true;
  std::vector<std::size_t> stack;
  for (std::size_t i = 0; i < in.size(); ++i)
    if (in[i]) stack.push_back(i);
  while (!stack.empty()) {
    const std::size_t i = stack.back();
    stack.pop_back();
    for (std::size_t d : graph.nodes[i].deps)
      if (!in[d]) {
        in[d] = true;
        stack.push_back(d);
      }
  }
  if (graph.nodes.empty()) return {};
  return Simulator(graph, in, t).Run();
}

void Simulate(const std::vector<ResourceRecord>& records, const PageShape& shape,
              const Throttling& t, facts::PagePerformance* out, const CpuCosts& costs) {
  out->device = t.name;
  if (records.empty()) return;
  const Graph g = BuildGraph(records, shape, costs);
  const std::size_t n = g.nodes.size();

  // The full graph stands in for Lantern's observed load: what it finishes before a paint is what
  // a pessimistic graph of that paint includes.
  const SimulationResult full = SimulateGraph(g, std::vector<bool>(n, true), t);

  // FCP. Optimistic: the document, its parse, render-blocking resources and their CPU, the first
  // paint. Pessimistic: also the other requests of render-blocking priority that do not wait for
  // the first paint (synchronous body scripts, preloaded fonts), competing for the network.
  std::vector<bool> fcp_opt_in = Only(g, {g.first_paint});
  std::vector<bool> fcp_pess_in = fcp_opt_in;
  for (std::size_t i = 0; i < n; ++i) {
    const GraphNode& node = g.nodes[i];
    if (node.cpu || !HasRenderBlockingPriority(node)) continue;
    const auto& deps = node.deps;
    if (std::find(deps.begin(), deps.end(), g.first_paint) == deps.end()) fcp_pess_in[i] = true;
  }
  const SimulationResult fcp_opt = SimulateGraph(g, fcp_opt_in, t);
  const SimulationResult fcp_pess = SimulateGraph(g, fcp_pess_in, t);
  Estimate fcp;
  fcp.optimistic = fcp_opt.time_ms;
  fcp.pessimistic = fcp_pess.time_ms;
  fcp.value = 0.5 * fcp.optimistic + 0.5 * fcp.pessimistic;
  Fill(fcp, t.fcp, &out->fcp);

  // LCP. Text: the first paint, as Lantern's LCP graph is then the FCP graph. Image: optimistic,
  // the FCP graph plus the image; pessimistic, the pessimistic FCP graph plus everything the full
  // load finishes (or starts, for CPU) before the image has arrived.
  Estimate lcp = fcp;
  if (g.lcp_image != kNoNode) {
    out->lcp_kind = "image";
    out->lcp_url = g.nodes[g.lcp_image].url;
    std::vector<bool> opt_in = fcp_opt_in;
    opt_in[g.lcp_image] = true;
    std::vector<bool> pess_in = fcp_pess_in;
    pess_in[g.lcp_image] = true;
    const double cutoff = full.timings[g.lcp_image].end_ms;
    for (std::size_t i = 0; i < n; ++i) {
      const NodeTiming& nt = full.timings[i];
      if (g.nodes[i].cpu ? nt.start_ms < cutoff : nt.end_ms <= cutoff) pess_in[i] = true;
    }
    lcp.optimistic = LcpEstimate(g, SimulateGraph(g, opt_in, t));
    lcp.pessimistic = LcpEstimate(g, SimulateGraph(g, pess_in, t));
    lcp.value = std::max(0.5 * lcp.optimistic + 0.5 * lcp.pessimistic, fcp.value);
  } else {
    out->lcp_kind = "text";
    out->lcp_url.clear();
  }
  Fill(lcp, t.lcp, &out->lcp);

  // Interactive, for TBT's window. Optimistic graph: CPU work over 20 ms and the scripts and
  // high-priority requests that are not images; pessimistic: everything.
  std::vector<bool> tti_opt_in(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    const GraphNode& node = g.nodes[i];
    tti_opt_in[i] = node.cpu ? node.cpu_ms > kInteractiveCpuMs
                             : node.type != ResourceType::kImage &&
                                   (node.type == ResourceType::kScript || IsHighOrAbove(node.priority));
  }
  const SimulationResult tti_opt_sim = SimulateGraph(g, tti_opt_in, t);
  const double tti_opt = std::max(lcp.optimistic, LastLongTaskEnd(g, tti_opt_sim));
  const double tti_pess = std::max(lcp.pessimistic, LastLongTaskEnd(g, full));

  // TBT on the full load, between FCP and Interactive (Lantern pairs the opposite estimates).
  Estimate tbt;
  tbt.optimistic = BlockingTime(g, full, fcp.pessimistic, tti_opt);
  tbt.pessimistic = BlockingTime(g, full, fcp.optimistic, tti_pess);
  tbt.value = 0.5 * tbt.optimistic + 0.5 * tbt.pessimistic;
  Fill(tbt, t.tbt, &out->tbt);

  // Speed Index: Lantern's coefficients scaled by RTT (1.4 / 0.4 at 150 ms, towards 0.5 / 0.5 at
  // 30 ms). Lantern's optimistic term is the Speed Index observed in the unthrottled load, which
  // we do not have: the layout-based Speed Index of the full graph on a lab machine (ObservedLoad)
  // stands in for it. Pessimistic: the layout-based Speed Index of the throttled full load.
  const double multiplier = std::max((t.rtt_ms - 30) / (150 - 30), 0.0);
  const double si_opt_coef = 0.5 + (1.4 - 0.5) * multiplier;
  const double si_pess_coef = 0.5 + (0.4 - 0.5) * multiplier;
  const SimulationResult observed = SimulateGraph(g, std::vector<bool>(n, true), ObservedLoad());
  Estimate si;
  si.optimistic = LayoutBasedSpeedIndex(g, observed, observed.timings[g.first_paint].end_ms);
  si.pessimistic = LayoutBasedSpeedIndex(g, full, fcp.pessimistic);
  si.value = std::max(si_opt_coef * si.optimistic + si_pess_coef * si.pessimistic, fcp.value);
  Fill(si, t.speed_index, &out->speed_index);

  // Lighthouse v10+ weights FCP 10, LCP 25, TBT 30, SI 10, CLS 25; without CLS, over 75.
  out->performance_score = (10 * out->fcp.score + 25 * out->lcp.score + 30 * out->tbt.score +
                            10 * out->speed_index.score) / 75;
  out->chain = Chain(g, records, full);
}

}  // namespace mmaudit::perf
