#include "perf/budget.h"

#include <gtest/gtest.h>

#include <string>

#include "perf/weight.h"
#include "tests/support/test_paths.h"

namespace mmaudit::perf {
namespace {

using facts::BudgetResult;
using facts::ResourceRecord;
using facts::ResourceType;

std::string ErrorOf(const std::string& fixture) {
  std::string error;
  EXPECT_FALSE(ParseBudgets(testing::ReadFixture("fixtures/budgets/" + fixture), &error).has_value()) << fixture;
  return error;
}

TEST(ParseBudgets, ReadsPathsOptionsAndEveryKindOfBudget) {
  std::string error;
  const auto budgets = ParseBudgets(testing::ReadFixture("fixtures/budgets/valid.json"), &error);
  ASSERT_TRUE(budgets.has_value()) << error;
  ASSERT_EQ(budgets->size(), 3u);
  EXPECT_EQ((*budgets)[0].path, "/");  // no path: every page, as Lighthouse
  EXPECT_EQ((*budgets)[1].path, "/product*");
  EXPECT_EQ((*budgets)[1].first_party_hostnames, (std::vector<std::string>{"*.shop.com", "img.shop-cdn.com"}));
  ASSERT_EQ((*budgets)[1].resource_sizes.size(), 3u);
  EXPECT_EQ((*budgets)[1].resource_sizes[2].resource_type, "third-party");
  EXPECT_EQ((*budgets)[1].resource_sizes[0].budget, 20);
  ASSERT_EQ((*budgets)[1].timings.size(), 4u);
  EXPECT_EQ((*budgets)[1].timings[2].metric, "interactive");
  EXPECT_EQ((*budgets)[2].path, "/checkout$");
}

TEST(ParseBudgets, NamesWhatIsWrongInABrokenFile) {
  EXPECT_EQ(ErrorOf("not-json.json").rfind("budget file is not valid JSON: ", 0), 0u);
  EXPECT_EQ(ErrorOf("not-array.json"), "budget file is not an array of budgets");
  EXPECT_EQ(ErrorOf("unknown-resource-type.json"),
            "budgets[0].resourceSizes[1].resourceType: unknown resource type 'scripts' (valid: total, document, "
            "script, stylesheet, image, media, font, other, third-party)");
  EXPECT_EQ(ErrorOf("budget-not-number.json"), "budgets[1].timings[0].budget: not a number ('2s')");
  EXPECT_EQ(ErrorOf("duplicate-type.json"), "budgets[0].resourceCounts: duplicate resource type 'font'");
  EXPECT_EQ(ErrorOf("bad-path.json"),
            "budgets[0].path: invalid path '/a*b*' (robots.txt format: starts with '/', at most one '*', '$' only "
            "at the end)");
  EXPECT_EQ(ErrorOf("unknown-property.json"), "budgets[0]: unrecognized properties: sizes");
  EXPECT_EQ(ErrorOf("unknown-metric.json").rfind("budgets[0].timings[0].metric: unknown timing metric "
                                                 "'time-to-first-byte' (valid: first-contentful-paint, ",
                                                 0),
            0u);
  EXPECT_EQ(ErrorOf("bad-hostname.json"),
            "budgets[0].options.firstPartyHostnames: 'https://shop.com' is not a hostname (no scheme, port or path; "
            "'*.' only in front)");
}

// Found by the budget fuzz target: 58 KB of nested arrays overflowed the stack in RapidJSON's
// recursive parser. Every JSON file mmaudit reads is now parsed iteratively.
TEST(ParseBudgets, RefusesArraysNestedThousandsDeepWithoutOverflowingTheStack) {
  std::string error;
  EXPECT_FALSE(ParseBudgets(testing::ReadFixture("fixtures/fuzz-regressions/budget-nested-arrays-overflow-the-stack.json"), &error)
                   .has_value());
  EXPECT_FALSE(error.empty());
  const std::string deep = "[{\"resourceCounts\": " + std::string(200'000, '[') + std::string(200'000, ']') + "}]";
  error.clear();
  EXPECT_FALSE(ParseBudgets(deep, &error).has_value());
  EXPECT_EQ(error.rfind("budgets[0].resourceCounts", 0), 0u) << error;
}

TEST(ParseBudgets, RejectsPathsThatAreNotRobotsTxtStyle) {
  std::string error;
  EXPECT_FALSE(ParseBudgets(R"([{"path": "product"}])", &error));  // no leading slash
  EXPECT_FALSE(ParseBudgets(R"([{"path": "/a$b"}])", &error));     // '$' not at the end
  EXPECT_FALSE(ParseBudgets(R"([{"path": "/a$$"}])", &error));     // two '$'
  EXPECT_TRUE(ParseBudgets(R"([{"path": "/*.php$"}])", &error)) << error;
  EXPECT_TRUE(ParseBudgets("[]", &error)) << error;  // no budgets is valid
  EXPECT_FALSE(ParseBudgets(R"([{"timings": [{"metric": "speed-index", "budget": 1},
                                             {"metric": "speed-index", "budget": 2}]}])", &error));
  EXPECT_EQ(error, "budgets[0].timings: duplicate timing metric 'speed-index'");
}

TEST(UrlMatchesBudgetPath, FollowsLighthousesFourCases) {
  // No special character: prefix of path + query.
  EXPECT_TRUE(UrlMatchesBudgetPath("https://s.com/", "/"));
  EXPECT_TRUE(UrlMatchesBudgetPath("https://s.com/cats/1", "/cat"));
  EXPECT_FALSE(UrlMatchesBudgetPath("https://s.com/dog", "/cat"));
  EXPECT_TRUE(UrlMatchesBudgetPath("https://s.com/search?q=x", "/search?q"));
  // '$' only: exactly the path (+ query).
  EXPECT_TRUE(UrlMatchesBudgetPath("https://s.com/cat", "/cat$"));
  EXPECT_FALSE(UrlMatchesBudgetPath("https://s.com/cats", "/cat$"));
  EXPECT_FALSE(UrlMatchesBudgetPath("https://s.com/cat?x=1", "/cat$"));
  // '*' only: starts with the part before, contains the part after somewhere later.
  EXPECT_TRUE(UrlMatchesBudgetPath("https://s.com/vendor.abc.chunk.js", "/vendor*chunk"));
  EXPECT_FALSE(UrlMatchesBudgetPath("https://s.com/chunk/vendor", "/vendor*chunk"));
  // '*' and '$': starts with the part before, ends with the part after.
  EXPECT_TRUE(UrlMatchesBudgetPath("https://s.com/vendor.1.chunk.js", "/vendor*chunk.js$"));
  EXPECT_FALSE(UrlMatchesBudgetPath("https://s.com/vendor.1.chunk.js.map", "/vendor*chunk.js$"));
  EXPECT_FALSE(UrlMatchesBudgetPath("not a url", "/"));
}

class CheckBudgetsOnAProductPage : public ::testing::Test {
 protected:
  static ResourceRecord Rec(const std::string& url, ResourceType type, std::uint64_t kib, bool third_party) {
    ResourceRecord r;
    r.url = url;
    r.type = type;
    r.status = 200;
    r.transfer_bytes = kib * 1024;
    r.third_party = third_party;
    r.origin = OriginOf(url);
    return r;
  }
  // document 10 KiB + app.js 30 KiB + tag.js 10 KiB (third party) + p.jpg 50 KiB (third party by
  // registrable domain, first party by the budget's firstPartyHostnames) = 100 KiB in 4 requests.
  std::vector<ResourceRecord> records = {
      Rec("https://www.shop.com/product/42", ResourceType::kDocument, 10, false),
      Rec("https://static.shop.com/app.js", ResourceType::kScript, 30, false),
      Rec("https://cdn.vendor.net/tag.js", ResourceType::kScript, 10, true),
      Rec("https://img.shop-cdn.com/p.jpg", ResourceType::kImage, 50, true),
  };
  facts::WeightSummary summary = Summarize(records);
  facts::PagePerformance metrics;
  Budgets budgets = *ParseBudgets(testing::ReadFixture("fixtures/budgets/valid.json"), nullptr);

  void SetUp() override {
    metrics.fcp.available = true;
    metrics.fcp.value_ms = 2500;
    metrics.speed_index.available = true;
    metrics.speed_index.value_ms = 2900;
  }
};

TEST_F(CheckBudgetsOnAProductPage, AppliesTheLastMatchingBudgetLineByLine) {
  const std::vector<BudgetResult> lines =
      CheckBudgets(budgets, "https://www.shop.com/product/42?c=1", summary, records, metrics);
  ASSERT_EQ(lines.size(), 8u);
  for (const auto& l : lines) EXPECT_EQ(l.path, "/product*");
  // script: 30 + 10 = 40 KiB > 20; the note names the largest script.
  EXPECT_EQ(lines[0].name, "script");
  EXPECT_EQ(lines[0].unit, "KiB");
  EXPECT_DOUBLE_EQ(lines[0].actual, 40);
  EXPECT_TRUE(lines[0].over);
  EXPECT_EQ(lines[0].note, "largest: https://static.shop.com/app.js (30 KiB)");
  // image: 50 KiB <= 100.
  EXPECT_DOUBLE_EQ(lines[1].actual, 50);
  EXPECT_FALSE(lines[1].over);
  // third-party by firstPartyHostnames: only tag.js, 10 KiB: not over a budget of 10 (equal).
  EXPECT_EQ(lines[2].name, "third-party");
  EXPECT_DOUBLE_EQ(lines[2].actual, 10);
  EXPECT_FALSE(lines[2].over);
  EXPECT_EQ(lines[3].kind, "resourceCounts");
  EXPECT_EQ(lines[3].unit, "requests");
  EXPECT_DOUBLE_EQ(lines[3].actual, 1);
  EXPECT_FALSE(lines[3].over);
  // Timings: FCP 2500 > 2000; LCP not estimated; interactive unsupported; SI 2900 <= 3000.
  EXPECT_EQ(lines[4].name, "first-contentful-paint");
  EXPECT_DOUBLE_EQ(lines[4].actual, 2500);
  EXPECT_TRUE(lines[4].over);
  EXPECT_EQ(lines[5].note, "not estimated for this page");
  EXPECT_FALSE(lines[5].over);
  EXPECT_EQ(lines[6].name, "interactive");
  EXPECT_EQ(lines[6].note, "not supported: mmaudit does not estimate interactive (it needs a browser)");
  EXPECT_FALSE(lines[6].over);
  EXPECT_FALSE(lines[7].over);
  EXPECT_EQ(lines[7].unit, "ms");
}

TEST_F(CheckBudgetsOnAProductPage, FallsBackToTheCatchAllBudgetElsewhere) {
  const auto home = CheckBudgets(budgets, "https://www.shop.com/", summary, records, metrics);
  ASSERT_EQ(home.size(), 2u);
  EXPECT_EQ(home[0].name, "total");
  EXPECT_DOUBLE_EQ(home[0].actual, 100);  // 10 + 30 + 10 + 50 KiB
  EXPECT_FALSE(home[0].over);
  EXPECT_DOUBLE_EQ(home[1].actual, 4);
  // "/checkout$" matches only the exact path, and wins there as the later budget.
  const auto checkout = CheckBudgets(budgets, "https://www.shop.com/checkout", summary, records, metrics);
  ASSERT_EQ(checkout.size(), 1u);
  EXPECT_EQ(checkout[0].name, "total-blocking-time");
  EXPECT_EQ(CheckBudgets(budgets, "https://www.shop.com/checkout?step=2", summary, records, metrics).size(), 2u);
  EXPECT_TRUE(CheckBudgets({}, "https://www.shop.com/", summary, records, metrics).empty());
}

}  // namespace
}  // namespace mmaudit::perf
