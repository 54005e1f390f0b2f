// A Lantern-like load simulator (after Lighthouse core/lib/lantern): the page's resources become a
// dependency graph of network and CPU nodes, which is simulated under a throttling preset to
// estimate First Contentful Paint, Largest Contentful Paint, Speed Index and Total Blocking Time
// the way Lighthouse's simulated throttling does, without a browser or a trace.
// Pure: no I/O, no clock, no globals; the same input always gives the same output.
// The model, its constants and its known differences from Lantern: perf/SIMULATION.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "facts/performance.h"
#include "perf/throttling.h"

namespace mmaudit::perf {

// What the CPU model needs to know about the document itself (from its DOM, by the caller).
struct PageShape {
  std::size_t element_count = 0;        // DOM elements of the document
  std::uint64_t inline_script_bytes = 0;  // decoded bytes of classic inline <script>s
  std::uint64_t inline_style_bytes = 0;   // decoded bytes of <style> elements
  // The RTT of the network the resources were measured over (0 on loopback or when unknown): it is
  // subtracted from each measured TTFB to leave the server's own response time (see ServerTimes).
  double observed_rtt_ms = 0;
  // When set, every origin's server response time is this instead of the one measured (ServerTimes),
  // so the simulated metrics depend only on the bytes: reproducible reports (--server-time-ms).
  std::optional<double> server_response_ms;
};

// Main-thread costs in milliseconds on an unthrottled desktop-class CPU; the simulator multiplies
// them by Throttling::cpu_slowdown (layout work by half of it, as Lantern). One struct so that a
// calibration run can tune them. Sources, approximate by nature:
// - script_ms_per_kb = 1.0: parse + compile + first evaluation of decoded JavaScript, about 1 MB/s
//   on a desktop CPU, i.e. ~4 s per MB at 4× — the order of magnitude of "The cost of JavaScript"
//   (Addy Osmani, V8 blog/web.dev, 2017-2019: ~1 s per decompressed MB for parse/compile on a
//   mid-range phone, several times more with execution) and of Lighthouse's bootup-time readings.
// - html_parse_ms_per_kb = 0.15: Chrome's HTML tokenizer + tree builder at roughly 6-7 MB/s on a
//   desktop CPU ("ParseHTML" slices in desktop traces of large pages: ~15 ms per 100 KB).
// - css_parse_ms_per_kb = 0.1: style sheet parsing (Blink's CSS parser at ~10 MB/s), charged to
//   the first style/layout task together with the inline <style> bytes.
// - style_layout_ms_per_element = 0.012: style recalculation + layout + paint per DOM element
//   (~18 ms for Lighthouse's 1500-element dom-size median-to-poor boundary on desktop; web.dev
//   "Avoid an excessive DOM size" and "Reduce the scope and complexity of style calculations").
// - task_ms = 1.0: the fixed cost of a main-thread task (scheduling, microtasks, GC share), Lantern
//   ignores trace tasks below 10 ms of toplevel work, so small tasks still cost about this much.
struct CpuCosts {
  double html_parse_ms_per_kb = 0.15;
  double css_parse_ms_per_kb = 0.1;
  double script_ms_per_kb = 1.0;
  double style_layout_ms_per_element = 0.012;
  double task_ms = 1.0;
};

// Chrome's request priorities as Lantern reads them from the network log.
enum class Priority { kVeryHigh, kHigh, kMedium, kLow, kVeryLow };

enum class CpuKind {
  kParseHtml,    // the document's parse, with its inline scripts
  kScript,       // parse + compile + evaluate one external script
  kFirstPaint,   // style, first layout and paint (needs every render-blocking resource)
  kLateLayout,   // the relayout once images and fonts have arrived
};

struct GraphNode {
  bool cpu = false;
  std::vector<std::size_t> deps;   // indices of nodes that must complete before this one starts
  std::size_t order = 0;           // discovery order; ties in the ready queue go to lower orders
  // Network nodes:
  std::size_t record = 0;          // index into the records given to BuildGraph
  std::string url, origin, host;
  bool https = false, h2 = false;
  std::uint64_t bytes = 0;         // transfer bytes
  double server_ms = 0;            // the server's response time for the node's origin
  bool render_blocking = false;
  Priority priority = Priority::kLow;
  facts::ResourceType type = facts::ResourceType::kOther;
  // CPU nodes:
  CpuKind cpu_kind = CpuKind::kParseHtml;
  double cpu_ms = 0;               // duration before the CPU slowdown
  bool layout = false;             // performs layout: Lantern slows it by half the CPU slowdown
};

inline constexpr std::size_t kNoNode = static_cast<std::size_t>(-1);

// The page's dependency graph. nodes[0] is the document; every dependency index is lower than the
// node's own index, so the graph is acyclic by construction.
struct Graph {
  std::vector<GraphNode> nodes;
  std::size_t document = 0;
  std::size_t parse = kNoNode, first_paint = kNoNode, late_layout = kNoNode;
  std::size_t lcp_image = kNoNode;  // the LCP candidate's network node; kNoNode for text
  std::vector<std::size_t> node_of_record;  // record index -> node; kNoNode when not in the graph
};

// The server response time of each origin of `records` (origin -> ms), as Lantern's network
// analysis: the median over the origin's measured records of their server time, floored at 0;
// 30 ms (Lantern's DEFAULT_SERVER_RESPONSE_TIME) for an origin without one or with a result of 0.
// A record's server time is its wait (request sent to first byte, ResourceRecord::wait_ms) minus
// one round trip, the round trip being the median TCP handshake (connect_ms) of the page's fresh
// connections, else observed_rtt_ms; for a record without a measured wait, its TTFB minus the
// round trips of a fresh connection: observed_rtt_ms × (2, or 3 with TLS).
std::vector<std::pair<std::string, double>> ServerTimes(
    const std::vector<facts::ResourceRecord>& records, double observed_rtt_ms);

// Index of the LCP candidate among `records`: the largest above-the-fold, non-deferred, fetched
// image by display area (intrinsic area when the display size is unknown), hero_hint images first;
// kNoNode when there is none (the LCP is then a text block).
std::size_t LcpCandidate(const std::vector<facts::ResourceRecord>& records);

// The dependency graph of a load: the document (records[0]); its parse; every fetched, non-deferred
// subresource, depending on the document or on the stylesheet that loads it (fonts and CSS images
// also wait for the first style pass); one CPU node per script; the first paint after the parse,
// the render-blocking stylesheets and the render-blocking scripts' evaluation; a late layout after
// everything. Records with status 0 and deferred records are left out. Requires records non-empty.
Graph BuildGraph(const std::vector<facts::ResourceRecord>& records, const PageShape& shape,
                 const CpuCosts& costs);

// The simulated start and end of one node, in ms from navigation start.
struct NodeTiming {
  bool simulated = false;  // false for nodes outside the simulated subgraph
  double start_ms = 0, end_ms = 0;
};

struct SimulationResult {
  double time_ms = 0;                // when the last node of the subgraph completed
  std::vector<NodeTiming> timings;   // one per graph node
};

// Simulates the subgraph of `graph` made of the nodes with include[i] true plus, transitively,
// their dependencies (the document always), under `t`: Lantern's TCP model (slow start from 10
// segments of 1460 bytes, window capped at the connection's share of bandwidth × RTT, DNS 2 RTT per
// host, handshake 1.5 RTT, TLS 1 RTT), 6 connections per HTTP/1.1 origin and one per HTTP/2 origin
// (warm: no TTFB), at most 10 requests in flight (fewer on thin links), bandwidth divided equally
// among requests in flight, CPU nodes one at a time with the slowdown (layout at half), each rounded
// to whole ms and capped at 10 s.
SimulationResult SimulateGraph(const Graph& graph, const std::vector<bool>& include,
                               const Throttling& t);

// The stand-in for the unthrottled load Lighthouse observes before simulating (its "observed"
// Speed Index): the desktop network (RTT 40 ms, 10240 Kbit/s) with an unthrottled CPU, named
// "observed".
Throttling ObservedLoad();

// Fills out->fcp, lcp, speed_index, tbt, performance_score, lcp_kind, lcp_url and chain from
// `records` (records[0] the document, its ttfb_ms measured), and sets out->device to t.name; leaves
// every other field alone. Failed records (status 0) cost nothing. An empty `records` leaves the
// metrics unavailable. performance_score is Lighthouse's v10+ weighting (FCP 10, LCP 25, TBT 30,
// SI 10, CLS 25) renormalised over the four metrics estimated here, as CLS is not measured.
void Simulate(const std::vector<facts::ResourceRecord>& records, const PageShape& shape,
              const Throttling& t, facts::PagePerformance* out,
              const CpuCosts& costs = CpuCosts{});

}  // namespace mmaudit::perf
