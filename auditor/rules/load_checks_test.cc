// The load rules of rules/speed.json on pages whose PageFacts::performance is written by hand, the
// way pipeline/load.h fills it. The measurement itself is tested over loopback in tests/load_test.cc.
#include <gtest/gtest.h>

#include "rules/catalogue.h"
#include "rules/scoring.h"

namespace mmaudit::rules {
namespace {

const RuleSpec& Rule(const std::string& id) {
  static const Catalogue cat = DefaultCatalogue();
  const RuleSpec* r = cat.Find(id);
  if (r == nullptr) throw std::runtime_error("no rule " + id);
  return *r;
}

facts::PageFacts Measured(const std::string& device = "mobile") {
  facts::PageFacts p;
  p.fetched = p.parsed = true;
  p.http.final_url = "https://shop.example/p/1";
  p.performance.measured = true;
  p.performance.device = device;
  return p;
}

TEST(LoadRules, AreNotApplicableWithTheReasonWhenTheLoadWasNotMeasured) {
  facts::PageFacts p;
  p.fetched = p.parsed = true;
  p.performance.not_measured_reason = "resources not fetched (--no-resources)";
  for (const char* id : {"largest-contentful-paint", "total-byte-weight", "modern-image-formats", "performance-budget"}) {
    const Finding f = Evaluate(Rule(id), p);
    EXPECT_EQ(f.status, Status::kNotApplicable) << id;
    EXPECT_NE(f.display_value.find("--no-resources"), std::string::npos) << id << ": " << f.display_value;
  }
}

TEST(LoadRules, ScoreTheSameLcpOnTheDesktopCurveWhenTheDeviceIsDesktop) {
  // 2500 ms is the phone curve's p10 (score 0.9) but past the desktop curve's median (2400: 0.5).
  facts::PageFacts phone = Measured("mobile"), desktop = Measured("desktop");
  for (facts::PageFacts* p : {&phone, &desktop}) {
    p->performance.lcp.available = true;
    p->performance.lcp.value_ms = 2500;
  }
  const Finding on_phone = Evaluate(Rule("largest-contentful-paint"), phone);
  const Finding on_desktop = Evaluate(Rule("largest-contentful-paint"), desktop);
  ASSERT_TRUE(on_phone.score && on_desktop.score);
  EXPECT_NEAR(*on_phone.score, 0.9, 0.001);
  EXPECT_LT(*on_desktop.score, 0.5);
  EXPECT_NE(on_desktop.threshold.find("1200"), std::string::npos) << on_desktop.threshold;
}

TEST(LoadRules, TextCompressionOfSubresourcesLeavesTheDocumentToItsOwnRule) {
  facts::PageFacts p = Measured();
  facts::Opportunity op;
  op.id = "uses-text-compression";
  op.title = "Enable text compression";
  op.items = {{"https://shop.example/p/1", 9000, ""}};
  op.bytes_saved = 9000;
  op.ms_saved = 350;
  p.performance.opportunities = {op};
  EXPECT_EQ(Evaluate(Rule("uses-text-compression"), p).status, Status::kPass);

  p.performance.opportunities[0].items.push_back({"https://shop.example/app.css", 3000, ""});
  p.performance.opportunities[0].bytes_saved = 12000;
  const Finding f = Evaluate(Rule("uses-text-compression"), p);
  EXPECT_EQ(f.status, Status::kFail);
  ASSERT_EQ(f.details.size(), 1u);
  EXPECT_EQ(f.details[0], "https://shop.example/app.css");
  EXPECT_NE(f.display_value.find("3 KiB"), std::string::npos) << f.display_value;  // not 12
}

TEST(LoadRules, BudgetFailsOnAnyLineOverAndListsIt) {
  facts::PageFacts p = Measured();
  EXPECT_EQ(Evaluate(Rule("performance-budget"), p).status, Status::kNotApplicable);
  p.performance.budget = {{"/*", "resourceSizes", "script", 100, 80, "KiB", false, ""},
                          {"/*", "resourceCounts", "total", 10, 12, "requests", true, ""}};
  const Finding f = Evaluate(Rule("performance-budget"), p);
  EXPECT_EQ(f.status, Status::kFail);
  ASSERT_EQ(f.details.size(), 1u);
  EXPECT_EQ(f.details[0], "resourceCounts total: 12 requests over 10 requests");
  p.performance.budget[1].over = false;
  EXPECT_EQ(Evaluate(Rule("performance-budget"), p).status, Status::kPass);
}

// Each load rule of rules/speed.json on two measured loads: a fast, lean page (metrics under their
// good thresholds, 900 KiB, no opportunity, every budget line kept) passes, and a slow, heavy one
// (metrics well past their medians, 6 MiB, one of each opportunity, a budget line over) fails.
// The cases of fixtures/rule-cases/ point here for these rules.
TEST(LoadRules, EachPassesOnAFastLeanLoadAndFailsOnASlowHeavyOne) {
  facts::PageFacts fast = Measured(), slow = Measured();
  auto metric = [](double ms) {
    facts::MetricEstimate m;
    m.available = true;
    m.value_ms = m.optimistic_ms = m.pessimistic_ms = ms;
    return m;
  };
  fast.performance.fcp = metric(1200);
  fast.performance.lcp = metric(1900);
  fast.performance.speed_index = metric(2400);
  fast.performance.tbt = metric(90);
  fast.performance.weight.total = {24, 900u * 1024, 2100u * 1024};
  fast.performance.budget = {{"/*", "resourceSizes", "total", 1500, 900, "KiB", false, ""}};
  slow.performance.fcp = metric(6500);
  slow.performance.lcp = metric(9800);
  slow.performance.speed_index = metric(12500);
  slow.performance.tbt = metric(1800);
  slow.performance.weight.total = {140, 6144u * 1024, 11000u * 1024};
  slow.performance.budget = {{"/*", "resourceSizes", "total", 1500, 6144, "KiB", true, ""}};
  // The rule and the perf/opportunities.h opportunity it reports.
  const std::vector<std::pair<std::string, std::string>> opportunity_rules = {
      {"uses-text-compression", "uses-text-compression"}, {"uses-responsive-images", "uses-responsive-images"},
      {"modern-image-formats", "modern-image-formats"},   {"lcp-lazy-loaded", "lcp-lazy-loaded"},
      {"offscreen-images", "offscreen-images"},           {"uses-long-cache-ttl", "uses-long-cache-ttl"},
      {"load-redirects", "redirects"},                    {"third-party-origins", "third-party-origins"},
      {"font-display", "font-display"}};
  for (const auto& [rule, id] : opportunity_rules) {
    facts::Opportunity op;
    op.id = id;
    op.title = id;
    op.bytes_saved = 40000;
    op.ms_saved = 600;
    op.items = {{"https://cdn.shop.example/assets/" + id, 40000, ""}};
    slow.performance.opportunities.push_back(op);
  }
  std::vector<std::string> rules = {"first-contentful-paint", "largest-contentful-paint", "speed-index",
                                    "total-blocking-time", "total-byte-weight", "performance-budget"};
  for (const auto& [rule, id] : opportunity_rules) rules.push_back(rule);
  for (const std::string& id : rules) {
    EXPECT_EQ(Evaluate(Rule(id), fast).status, Status::kPass) << id << ": " << Evaluate(Rule(id), fast).display_value;
    EXPECT_EQ(Evaluate(Rule(id), slow).status, Status::kFail) << id << ": " << Evaluate(Rule(id), slow).display_value;
  }
}

}  // namespace
}  // namespace mmaudit::rules
