#include "perf/lantern.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "perf/throttling.h"

// Every expected value below is worked out by hand from Lantern's model as perf/lantern.h states
// it. Mobile: RTT 150 ms (one way 75), 1638.4 Kbit/s = 1677721.6 bit/s, so one request alone may
// have floor(1677721.6 / 8 × 0.150 / 1460) = 21 segments in flight per round trip, two requests
// floor(10.77) = 10 each, three floor(7.18) = 7 each. A fresh HTTPS connection costs DNS (2 RTT =
// 300) + SYN, SYN-ACK, ACK+request (3 × 75 = 225) + TLS (150) = 675 ms until the request is out;
// the first byte comes back after the server time (30 ms by default) and one more way (75): 780.
// A warm HTTP/1.1 connection: 75 + 30 + 75 = 180 ms to the first byte. The first byte brings the
// current window (10 × 1460 = 14600 bytes); each following round trip doubles the window up to
// the cap.
namespace mmaudit::perf {
namespace {

using facts::ResourceRecord;
using facts::ResourceType;

constexpr double kTolerance = 0.5;

ResourceRecord Record(const std::string& url, ResourceType type, std::uint64_t bytes,
                      const std::string& origin = "https://shop.test") {
  ResourceRecord r;
  r.url = url;
  r.type = type;
  r.status = 200;
  r.origin = origin;
  r.http_version = "1.1";
  r.transfer_bytes = bytes;
  r.decoded_bytes = bytes;
  return r;
}

ResourceRecord Document(std::uint64_t bytes = 14336) {
  return Record("https://shop.test/", ResourceType::kDocument, bytes);
}

ResourceRecord Stylesheet(const std::string& url, std::uint64_t bytes,
                          const std::string& origin = "https://shop.test") {
  ResourceRecord r = Record(url, ResourceType::kStylesheet, bytes, origin);
  r.render_blocking = true;
  r.in_head = true;
  return r;
}

ResourceRecord Image(const std::string& url, std::uint64_t bytes, bool above_fold) {
  ResourceRecord r = Record(url, ResourceType::kImage, bytes);
  r.above_fold = above_fold;
  r.display_width = 400;
  r.display_height = 300;
  return r;
}

// No CPU cost at all: the network alone decides.
CpuCosts NoCpu() { return CpuCosts{0, 0, 0, 0, 0}; }

// Parse at 1 ms/KB and style/layout at 0.01 ms per element, nothing else.
CpuCosts ParseAndLayoutOnly() {
  CpuCosts costs = NoCpu();
  costs.html_parse_ms_per_kb = 1.0;
  costs.style_layout_ms_per_element = 0.01;
  return costs;
}

PageShape ThousandElements() {
  PageShape shape;
  shape.element_count = 1000;
  return shape;
}

facts::PagePerformance Load(const std::vector<ResourceRecord>& records,
                           const Throttling& t = Mobile(), const CpuCosts& costs = NoCpu(),
                           const PageShape& shape = {}) {
  facts::PagePerformance p;
  Simulate(records, shape, t, &p, costs);
  return p;
}

// Simulates the whole graph and returns the timing of the node of records[record].
NodeTiming FullTiming(const std::vector<ResourceRecord>& records, std::size_t record) {
  const Graph g = BuildGraph(records, PageShape{}, NoCpu());
  const SimulationResult sim = SimulateGraph(g, std::vector<bool>(g.nodes.size(), true), Mobile());
  return sim.timings[g.node_of_record[record]];
}

TEST(LanternSimulation, LoadsALone14KbHttpsDocumentInOneWindowAfterAFreshConnection) {
  // 14336 bytes <= the first window of 14600: DNS 300 + handshake 225 + TLS 150 + server 30 +
  // response 75 = 780 ms, no further round trip. Parse and paint cost nothing here.
  const auto p = Load({Document()});
  EXPECT_TRUE(p.fcp.available);
  EXPECT_NEAR(p.fcp.optimistic_ms, 780, kTolerance);
  EXPECT_NEAR(p.fcp.pessimistic_ms, 780, kTolerance);
  EXPECT_NEAR(p.fcp.value_ms, 780, kTolerance);
  EXPECT_EQ(p.device, "mobile");
}

TEST(LanternSimulation, NeedsMoreRoundTripsForALargerDocumentInSlowStart) {
  // 50000 bytes: 14600 at the first byte (780), then windows of 20 (29200, total 43800) and
  // min(40, 21) = 21 segments (30660): two more round trips, 780 + 300 = 1080.
  EXPECT_NEAR(Load({Document(50000)}).fcp.value_ms, 1080, kTolerance);
}

TEST(LanternSimulation, TakesTheServerTimeFromTheMeasuredTtfbLessTheConnectionsRoundTrips) {
  // Measured TTFB 230 ms over a 50 ms network on HTTPS: 230 − 3 × 50 = 80 ms of server time,
  // so the first byte arrives at 675 + 80 + 75 = 830.
  std::vector<ResourceRecord> records = {Document()};
  records[0].ttfb_ms = 230;
  PageShape shape;
  shape.observed_rtt_ms = 50;
  EXPECT_NEAR(Load(records, Mobile(), NoCpu(), shape).fcp.value_ms, 830, kTolerance);
  const auto times = ServerTimes(records, 50);
  ASSERT_EQ(times.size(), 1u);
  EXPECT_NEAR(times[0].second, 80, 1e-9);
  // Unknown TTFB: Lantern's default of 30 ms.
  EXPECT_NEAR(ServerTimes({Document()}, 0)[0].second, 30, 1e-9);
}

TEST(LanternSimulation, UsesAFixedServerTimeInsteadOfTheMeasuredOneWhenGiven) {
  // Two fetches of the same page that waited 30 and 400 ms: with a fixed 80 ms server time both
  // simulate as the measured 230 ms TTFB above did (675 + 80 + 75 = 830).
  std::vector<ResourceRecord> fast = {Document()}, slow = {Document()};
  fast[0].wait_ms = 30;
  slow[0].wait_ms = 400;
  PageShape shape;
  shape.server_response_ms = 80;
  EXPECT_NEAR(Load(fast, Mobile(), NoCpu(), shape).fcp.value_ms, 830, kTolerance);
  EXPECT_NEAR(Load(slow, Mobile(), NoCpu(), shape).fcp.value_ms, 830, kTolerance);
  shape.server_response_ms.reset();
  EXPECT_GT(Load(slow, Mobile(), NoCpu(), shape).fcp.value_ms, Load(fast, Mobile(), NoCpu(), shape).fcp.value_ms);
}

TEST(LanternSimulation, AddsParseAndFirstPaintOnTheSlowedDownMainThread) {
  // Parse 14 KB at 1 ms/KB = 14 ms × 4 = 56; first paint 1000 elements × 0.01 = 10 ms of layout,
  // slowed by 4 × 0.5 = 20. FCP 780 + 56 + 20 = 856.
  const CpuCosts costs = ParseAndLayoutOnly();
  const PageShape shape = ThousandElements();
  const auto p = Load({Document()}, Mobile(), costs, shape);
  EXPECT_NEAR(p.fcp.value_ms, 856, kTolerance);
  // Speed Index. Pessimistic: the first paint (836-856) and the late layout (856-876, 10 ms × 2)
  // weigh log2(20) each: 866. Optimistic, the load observed on a lab machine (desktop network,
  // CPU 1×): document 230, parse 14, paint 5 (249), late layout 5 (254): 251.5. Mobile
  // coefficients: 1.4 × 251.5 + 0.4 × 866 = 698.5, below FCP, so the FCP: 856.
  EXPECT_NEAR(p.speed_index.optimistic_ms, 251.5, kTolerance);
  EXPECT_NEAR(p.speed_index.pessimistic_ms, 866, kTolerance);
  EXPECT_NEAR(p.speed_index.value_ms, 856, kTolerance);
  // The score leaves CLS out: Lighthouse's 10/25/30/10 over 75.
  EXPECT_NEAR(p.performance_score,
              (10 * p.fcp.score + 25 * p.lcp.score + 30 * p.tbt.score + 10 * p.speed_index.score) / 75,
              1e-12);
}

TEST(LanternSimulation, IsFasterOnDesktopThanOnMobile) {
  // Desktop: RTT 40: DNS 80 + 60 + TLS 40 + 30 + 20 = 230; parse 14 × 1 = 14; paint 10 × 0.5 = 5.
  // FCP 249 against mobile's 856.
  const CpuCosts costs = ParseAndLayoutOnly();
  const PageShape shape = ThousandElements();
  const auto desktop = Load({Document()}, Desktop(), costs, shape);
  EXPECT_NEAR(desktop.fcp.value_ms, 249, kTolerance);
  EXPECT_EQ(desktop.device, "desktop");
  // Speed Index at RTT 40: coefficients 0.5 + 0.9 / 12 = 0.575 and 0.5 − 0.1 / 12 = 0.491667;
  // observed and throttled layouts both end at 249 and 254 (5 ms each): 1.066667 × 251.5 = 268.27.
  EXPECT_NEAR(desktop.speed_index.value_ms, 268.27, kTolerance);
  EXPECT_LT(desktop.fcp.value_ms, Load({Document()}, Mobile(), costs, shape).fcp.value_ms);
}

TEST(LanternSimulation, ReusesTheDocumentsWarmConnectionForAStylesheetOnTheSameOrigin) {
  // Document 0-780; the stylesheet (10000 bytes, one window) on the warm connection: 180 → 960.
  const auto p = Load({Document(), Stylesheet("https://shop.test/a.css", 10000)});
  EXPECT_NEAR(p.fcp.value_ms, 960, kTolerance);
}

TEST(LanternSimulation, OpensANewConnectionForAStylesheetOnASecondOrigin) {
  // New host: DNS 300 + 225 + TLS 150 + 30 + 75 = 780 after the document's 780: 1560.
  const auto p = Load({Document(), Stylesheet("https://cdn.test/a.css", 10000, "https://cdn.test")});
  EXPECT_NEAR(p.fcp.value_ms, 1560, kTolerance);
}

TEST(LanternSimulation, SendsHttp2RequestsOneAfterAnotherOnTheWarmConnectionWithoutTtfb) {
  // Three render-blocking 10000-byte scripts on the document's HTTP/2 origin, one connection.
  // Document: 780, 264 bytes of its last window left over. Script 1: no TTFB, 9736 bytes, one
  // round trip with a window of 20 (29200) → 930, 19464 bytes over. Script 2: covered by the
  // overflow → 930, 9464 over. Script 3: 536 bytes, one round trip → 1080.
  std::vector<ResourceRecord> records = {Document()};
  for (const char* name : {"a", "b", "c"}) {
    ResourceRecord r = Record(std::string("https://shop.test/") + name + ".js", ResourceType::kScript,
                              10000);
    r.render_blocking = true;
    records.push_back(r);
  }
  for (auto& r : records) r.http_version = "2";
  EXPECT_NEAR(Load(records).fcp.value_ms, 1080, kTolerance);
  // The same on HTTP/1.1: three requests at once (7 segments each). The first on the warm
  // connection: 180 → 960; the others on new connections of a resolved host: 225 + 150 + 30 + 75 =
  // 480 → 1260.
  for (auto& r : records) r.http_version = "1.1";
  EXPECT_NEAR(Load(records).fcp.value_ms, 1260, kTolerance);
}

TEST(LanternSimulation, LetsABodyScriptCompeteOnlyInThePessimisticFcpGraph) {
  // Optimistic: document + stylesheet (warm, 180) → 960. Pessimistic: the synchronous body script
  // (High priority) starts with the stylesheet at 780 on a new connection of a resolved host:
  // 225 + 150 + 30 + 75 = 480 → 1260. FCP = (960 + 1260) / 2 = 1110.
  ResourceRecord script = Record("https://shop.test/body.js", ResourceType::kScript, 10000);
  const auto p = Load({Document(), Stylesheet("https://shop.test/a.css", 10000), script});
  EXPECT_NEAR(p.fcp.optimistic_ms, 960, kTolerance);
  EXPECT_NEAR(p.fcp.pessimistic_ms, 1260, kTolerance);
  EXPECT_NEAR(p.fcp.value_ms, 1110, kTolerance);
}

TEST(LanternSimulation, SharesTheBandwidthBetweenTwoParallelDownloads) {
  // Two 60000-byte stylesheets from 780, 10 segments each. A (warm): 180 + 4 round trips of
  // 14600 = 780 → ends 1560. B (new connection, DNS cached): 480 to the first byte; by 1560 it has
  // 58400 bytes and has overshot by 150 ms; alone now (window 20), one more round trip: 1560 + 150
  // + 150 = 1860. Alone, A would have needed windows 10, 20, 21: 780 + 180 + 300 = 1260.
  const std::vector<ResourceRecord> records = {Document(), Stylesheet("https://shop.test/a.css", 60000),
                                               Stylesheet("https://shop.test/b.css", 60000)};
  const NodeTiming a = FullTiming(records, 1);
  const NodeTiming b = FullTiming(records, 2);
  EXPECT_NEAR(a.start_ms, 780, kTolerance);
  EXPECT_NEAR(a.end_ms, 1560, kTolerance);
  EXPECT_NEAR(b.end_ms, 1860, kTolerance);
  EXPECT_NEAR(Load(records).fcp.value_ms, 1860, kTolerance);
  EXPECT_NEAR(Load({Document(), Stylesheet("https://shop.test/a.css", 60000)}).fcp.value_ms, 1260,
              kTolerance);
}

TEST(LanternSimulation, DoesNotDelayFcpForADeferredImage) {
  ResourceRecord lazy = Image("https://shop.test/big.jpg", 400000, false);
  lazy.lazy = true;
  lazy.deferred = true;
  const auto p = Load({Document(), lazy});
  EXPECT_NEAR(p.fcp.value_ms, 780, kTolerance);
  EXPECT_NEAR(p.lcp.value_ms, 780, kTolerance);
}

TEST(LanternSimulation, EndsLcpWithTheAboveTheFoldImage) {
  // Image of 20000 bytes on the warm connection from 780: 180 → 14600, one more round trip → 1110.
  const auto p = Load({Document(), Image("https://shop.test/hero.jpg", 20000, true)});
  EXPECT_EQ(p.lcp_kind, "image");
  EXPECT_EQ(p.lcp_url, "https://shop.test/hero.jpg");
  EXPECT_NEAR(p.fcp.value_ms, 780, kTolerance);
  EXPECT_NEAR(p.lcp.optimistic_ms, 1110, kTolerance);
  EXPECT_NEAR(p.lcp.pessimistic_ms, 1110, kTolerance);
  EXPECT_NEAR(p.lcp.value_ms, 1110, kTolerance);
}

TEST(LanternSimulation, LetsAnImageThatArrivesFirstCompeteOnlyInThePessimisticLcpGraph) {
  // A 10000-byte below-the-fold image (Low) and the 60000-byte hero (High) both start at 780.
  // Optimistic graph, the hero alone on the warm connection: 180, windows 10, 20, 21 (74460
  // bytes): 780 + 480 = 1260. Full load: the Low image on a new connection (480) ends at 1260;
  // meanwhile the hero, at 10 segments, has 58400 bytes and 150 ms of overshoot; alone, one more
  // round trip: 1560. The Low image ended before the hero, so it is in the pessimistic graph,
  // which replays the full load: 1560. LCP = (1260 + 1560) / 2 = 1410.
  const auto p = Load({Document(), Image("https://shop.test/below.jpg", 10000, false),
                       Image("https://shop.test/hero.jpg", 60000, true)});
  EXPECT_EQ(p.lcp_url, "https://shop.test/hero.jpg");
  EXPECT_NEAR(p.lcp.optimistic_ms, 1260, kTolerance);
  EXPECT_NEAR(p.lcp.pessimistic_ms, 1560, kTolerance);
  EXPECT_NEAR(p.lcp.value_ms, 1410, kTolerance);
}

TEST(LanternSimulation, TakesTheFirstPaintAsLcpWhenTheLargestElementIsText) {
  const auto p = Load({Document(), Image("https://shop.test/footer.jpg", 20000, false)});
  EXPECT_EQ(p.lcp_kind, "text");
  EXPECT_EQ(p.lcp_url, "");
  EXPECT_NEAR(p.lcp.value_ms, p.fcp.value_ms, 1e-9);
  EXPECT_NEAR(p.lcp.value_ms, 780, kTolerance);
}

TEST(LanternSimulation, PrefersAHeroHintOverALargerImageAsTheLcpCandidate) {
  ResourceRecord big = Image("https://shop.test/big.jpg", 1000, true);
  big.display_width = 1000;
  ResourceRecord hero = Image("https://shop.test/hero.jpg", 1000, true);
  hero.hero_hint = true;
  ResourceRecord small = Image("https://shop.test/small.jpg", 1000, true);
  small.display_width = 0;
  small.display_height = 0;
  small.intrinsic_width = 100;
  small.intrinsic_height = 100;
  EXPECT_EQ(LcpCandidate({Document(), big, hero}), 2u);
  EXPECT_EQ(LcpCandidate({Document(), big, small}), 1u);
  ResourceRecord failed = hero;
  failed.status = 0;
  EXPECT_EQ(LcpCandidate({Document(), big, failed}), 1u);
  EXPECT_EQ(LcpCandidate({Document()}), kNoNode);
}

TEST(LanternSimulation, CountsSevenHundredFiftyMsOfBlockingForOne200MsScriptOnMobile) {
  // An async script of 200 KB at 1 ms/KB: a 200 ms task, 800 ms at 4×. It arrives at 780 + 180 =
  // 960 and runs 960-1760, after FCP (780) and ending Interactive: 800 − 50 = 750 ms blocking.
  ResourceRecord script = Record("https://shop.test/app.js", ResourceType::kScript, 10000);
  script.decoded_bytes = 200 * 1024;
  script.async = true;
  CpuCosts costs = NoCpu();
  costs.script_ms_per_kb = 1.0;
  const auto p = Load({Document(), script}, Mobile(), costs);
  EXPECT_NEAR(p.fcp.value_ms, 780, kTolerance);
  EXPECT_NEAR(p.tbt.optimistic_ms, 750, kTolerance);
  EXPECT_NEAR(p.tbt.pessimistic_ms, 750, kTolerance);
  EXPECT_NEAR(p.tbt.value_ms, 750, kTolerance);
  // Desktop: a 200 ms task blocks 150 ms.
  EXPECT_NEAR(Load({Document(), script}, Desktop(), costs).tbt.value_ms, 150, kTolerance);
}

TEST(LanternSimulation, FollowsTheCriticalChainThroughImportsToFonts) {
  // Document 0-780 → a.css (5000 bytes, warm) 780-960 → @import b.css 960-1140 → first paint at
  // 1140 → font (20000 bytes: first byte 180, one more round trip) 1140-1470.
  ResourceRecord b = Stylesheet("https://shop.test/b.css", 5000);
  b.initiator = "https://shop.test/a.css";
  b.via = "css-import";
  ResourceRecord font = Record("https://shop.test/f.woff2", ResourceType::kFont, 20000);
  font.initiator = "https://shop.test/b.css";
  font.via = "font-face";
  ResourceRecord image = Image("https://shop.test/below.jpg", 3000, false);
  const auto p = Load({Document(), Stylesheet("https://shop.test/a.css", 5000), b, font, image});
  EXPECT_NEAR(p.fcp.value_ms, 1140, kTolerance);
  ASSERT_EQ(p.chain.depth, 4u);
  ASSERT_EQ(p.chain.longest.size(), 4u);
  EXPECT_EQ(p.chain.longest[0].url, "https://shop.test/");
  EXPECT_EQ(p.chain.longest[1].url, "https://shop.test/a.css");
  EXPECT_EQ(p.chain.longest[2].url, "https://shop.test/b.css");
  EXPECT_EQ(p.chain.longest[3].url, "https://shop.test/f.woff2");
  EXPECT_NEAR(p.chain.longest[2].start_ms, 960, kTolerance);
  EXPECT_NEAR(p.chain.longest[3].start_ms, 1140, kTolerance);
  EXPECT_NEAR(p.chain.longest[3].end_ms, 1470, kTolerance);
  EXPECT_EQ(p.chain.longest[3].transfer_bytes, 20000u);
  EXPECT_NEAR(p.chain.duration_ms, 1470, kTolerance);
}

TEST(LanternSimulation, CostsNothingForAFailedResource) {
  ResourceRecord failed = Stylesheet("https://cdn.test/a.css", 90000, "https://cdn.test");
  failed.status = 0;
  const auto p = Load({Document(), failed});
  EXPECT_NEAR(p.fcp.value_ms, 780, kTolerance);
  EXPECT_EQ(p.chain.depth, 1u);
}

TEST(LanternSimulation, GivesTheSameNumbersForTheSameInput) {
  std::vector<ResourceRecord> records = {Document(60000), Stylesheet("https://shop.test/a.css", 30000),
                                         Image("https://shop.test/hero.jpg", 90000, true)};
  const auto a = Load(records, Mobile(), CpuCosts{});
  const auto b = Load(records, Mobile(), CpuCosts{});
  EXPECT_EQ(a.fcp.value_ms, b.fcp.value_ms);
  EXPECT_EQ(a.lcp.value_ms, b.lcp.value_ms);
  EXPECT_EQ(a.speed_index.value_ms, b.speed_index.value_ms);
  EXPECT_EQ(a.performance_score, b.performance_score);
  EXPECT_GE(a.lcp.value_ms, a.fcp.value_ms);
  EXPECT_GE(a.speed_index.value_ms, a.fcp.value_ms);
  EXPECT_GT(a.performance_score, 0);
  EXPECT_LE(a.performance_score, 1);
}

TEST(LanternSimulation, LeavesTheMetricsUnavailableWithoutRecords) {
  facts::PagePerformance p;
  Simulate({}, PageShape{}, Mobile(), &p);
  EXPECT_FALSE(p.fcp.available);
  EXPECT_FALSE(p.lcp.available);
  EXPECT_EQ(p.device, "mobile");
}

TEST(LanternServerTimes, TakeTheWaitLessOneHandshakeRoundTripWhenTheFetchMeasuredThem) {
  // A real site 80 ms away: a fresh connection's handshake took 80 ms; the document waited 200 ms
  // after sending its request (server 120 ms + one 80 ms round trip), a reused-connection
  // stylesheet 100 ms (server 20 ms). Its TTFB counted DNS, TCP and TLS too and is not used.
  std::vector<ResourceRecord> records(2);
  records[0].url = "https://shop.example/";
  records[0].origin = "https://shop.example";
  records[0].status = 200;
  records[0].ttfb_ms = 450;
  records[0].wait_ms = 200;
  records[0].connect_ms = 80;
  records[1].url = "https://shop.example/a.css";
  records[1].origin = "https://shop.example";
  records[1].status = 200;
  records[1].ttfb_ms = 100;
  records[1].wait_ms = 100;
  const auto times = ServerTimes(records, 0);
  ASSERT_EQ(times.size(), 1u);
  EXPECT_DOUBLE_EQ(times[0].second, 70);  // the median of 120 and 20
}

}  // namespace
}  // namespace mmaudit::perf
