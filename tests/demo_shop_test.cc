// The demo storefront, audited end to end over real loopback HTTP with libcurl: fetch, facts,
// rules, JSON. The JSON must match fixtures/shops/demo/expected.json and the report schema, and the
// server must have seen no order placed.
#include <gtest/gtest.h>
#include <rapidjson/writer.h>
#include <set>
#include <functional>
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <cmath>
#include <map>
#include <optional>
#include <sstream>

#include "core/embedded.h"
#include "core/text.h"
#include "pipeline/audit.h"
#include "report/html.h"
#include "tests/support/fixture_server.h"
#include "tests/support/json_subset.h"
#include "tests/support/report_json.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

using testing::WithoutTimings;

class DemoShop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new testing::FixtureServer(testing::SourcePath("fixtures/shops/demo/site"));
    std::string error;
    ASSERT_TRUE(server->Start(&error)) << error;
    std::istringstream pages(testing::ReadFixture("fixtures/shops/demo/pages.txt"));
    std::vector<std::string> urls;
    for (std::string line; std::getline(pages, line);)
      if (!text::Trim(line).empty()) urls.push_back(server->Url(std::string(text::Trim(line))));
    urls_ = new std::vector<std::string>(std::move(urls));
    json = new std::string(Audit(/*measure_load=*/true));
  }
  // The demo's pages audited as `mmaudit audit --no-crawl --checkout-ignore-robots` does.
  static std::string Audit(bool measure_load, std::optional<double> server_time_ms = std::nullopt) {
    pipeline::AuditOptions options;
    options.device = *fetch::FindDevice("moto-g-power");
    options.fetch.user_agent = options.device.user_agent;
    options.catalogue = rules::DefaultCatalogue();
    options.crawl.follow_links = false;  // exactly the listed pages, as `mmaudit audit --no-crawl`
    options.crawl.use_sitemaps = false;
    options.checkout_ignore_robots = true;  // as ci/demo: the demo's robots.txt keeps crawlers out of the checkout
    options.measure_load = measure_load;
    options.server_time_ms = server_time_ms;
    NullProgress progress;
    return report::ToJson(pipeline::AuditSite(*urls_, options, progress));
  }
  static void TearDownTestSuite() {
    delete server;
    delete json;
    delete urls_;
  }

  static testing::FixtureServer* server;
  static std::string* json;
  static std::vector<std::string>* urls_;
};
testing::FixtureServer* DemoShop::server = nullptr;
std::string* DemoShop::json = nullptr;
std::vector<std::string>* DemoShop::urls_ = nullptr;


// The page object with its findings re-keyed by rule id, so expectations can name rules.
rapidjson::Value Keyed(const rapidjson::Value& page, rapidjson::Document::AllocatorType& a) {
  rapidjson::Value out(page, a);
  rapidjson::Value findings(rapidjson::kObjectType);
  for (const auto& f : page["findings"].GetArray())
    findings.AddMember(rapidjson::Value(f["rule_id"].GetString(), a), rapidjson::Value(f, a), a);
  out["findings"] = findings;
  return out;
}

TEST_F(DemoShop, AuditFindsTheFactsAndFindingsOfExpectedJson) {
  rapidjson::Document actual, expected;
  actual.Parse(json->c_str());
  ASSERT_FALSE(actual.HasParseError());
  expected.Parse(testing::ReadFixture("fixtures/shops/demo/expected.json").c_str());
  ASSERT_FALSE(expected.HasParseError());
  std::string why;
  EXPECT_TRUE(testing::JsonSubset(expected["summary"], actual["summary"], "summary", &why)) << why;
  why.clear();
  EXPECT_TRUE(testing::JsonSubset(expected["checkout"], actual["checkout"], "checkout", &why)) << why;
  for (const auto& [path, want] : expected["pages"].GetObject()) {
    const std::string url = server->Url(path.GetString());
    const rapidjson::Value* page = nullptr;
    for (const auto& p : actual["pages"].GetArray())
      if (url == p["url"].GetString()) page = &p;
    ASSERT_NE(page, nullptr) << "no page " << url;
    const rapidjson::Value keyed = Keyed(*page, actual.GetAllocator());
    why.clear();
    EXPECT_TRUE(testing::JsonSubset(want, keyed, std::string("pages[") + path.GetString() + "]", &why)) << why;
  }
}

TEST_F(DemoShop, FetchesEveryPageAsAPhoneAndPlacesNoOrder) {
  const auto requests = server->Requests();
  EXPECT_GE(requests.size(), 12u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "GET") << r.path;
    EXPECT_NE(r.user_agent.find("Mobile"), std::string::npos);
  }
  EXPECT_TRUE(server->OrderAttempts().empty());
}

TEST_F(DemoShop, TheSameSiteGivesTheSameJsonButForTimings) {
  // Without the load measurement; the server-response-time rule still reads the server time, which
  // on a busy machine can cross its threshold, so the time is fixed as --server-time-ms does.
  testing::ExpectSameReport(WithoutTimings(Audit(/*measure_load=*/false, 100)), WithoutTimings(Audit(/*measure_load=*/false, 100)));
}

TEST_F(DemoShop, WithAFixedServerTimeTheLoadedSiteGivesTheSameJsonButForTimings) {
  // --server-time-ms: the simulated metrics, their scores and the site scores depend on bytes only.
  const std::string first = Audit(/*measure_load=*/true, 200);
  testing::ExpectSameReport(WithoutTimings(first), WithoutTimings(Audit(/*measure_load=*/true, 200)));
  EXPECT_NE(first.find("\"server_time_ms\": 200"), std::string::npos) << "the settings record the fixed server time";
  EXPECT_NE(first.find("\"largest-contentful-paint\""), std::string::npos);
  EXPECT_NE(first.find("ms to first byte, as set by --server-time-ms"), std::string::npos)
      << "the server-response-time rule reads the fixed time too, on pages whose load was measured";
}

TEST_F(DemoShop, EverySiteScoreCanBeRecomputedFromItsTrace) {
  rapidjson::Document d;
  d.Parse(json->c_str());
  ASSERT_FALSE(d.HasParseError());
  const auto& summary = d["summary"];
  const auto& scores = summary["scores"]["moments"];
  auto recompute = [](const rapidjson::Value& trace) {
    double sum = 0, weight = 0;
    for (const auto& p : trace["parts"].GetArray()) {
      sum += p["score"].GetDouble() * p["weight"].GetDouble();
      weight += p["weight"].GetDouble();
    }
    return std::round(sum / weight);
  };
  std::set<std::string> kinds;
  for (const auto& t : summary["score_trace"]["moments"].GetArray()) {
    const std::string id = t["id"].GetString();
    if (t["score"].IsNull()) {
      EXPECT_TRUE(scores[id.c_str()].IsNull()) << id;
      continue;
    }
    EXPECT_NEAR(recompute(t), t["score"].GetDouble(), 1) << id;  // parts are written rounded to 0.01
    EXPECT_EQ(t["score"].GetDouble(), scores[id.c_str()].GetDouble()) << id;
    for (const auto& p : t["parts"].GetArray()) kinds.insert(p["kind"].GetString());
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"pages", "site", "checkout"}));
  EXPECT_EQ(recompute(summary["score_trace"]["overall"]), summary["scores"]["overall"].GetDouble());
}

TEST_F(DemoShop, TheReportExplainsTheFourMomentScoresInWords) {
  rapidjson::Document d;
  d.Parse(json->c_str());
  ASSERT_FALSE(d.HasParseError());
  std::map<std::string, const rapidjson::Value*> by_moment;
  for (const auto& e : d["summary"]["explanations"].GetArray()) by_moment[e["moment"].GetString()] = &e;
  for (const char* m : {"know", "go", "do", "buy"}) {
    ASSERT_TRUE(by_moment.count(m)) << m;
    const auto& e = *by_moment[m];
    ASSERT_TRUE(e["score"].IsNumber()) << m;
    const std::string text = e["text"].GetString();
    EXPECT_NE(text.find("scores " + std::to_string(e["score"].GetInt()) + " of 100"), std::string::npos) << text;
    EXPECT_NE(text.find("?"), std::string::npos) << "the category's question: " << text;
  }
  // The demo has product pages without reviews: the know explanation names the coverage rule first.
  const auto& know = *by_moment["know"];
  ASSERT_FALSE(know["losses"].Empty());
  EXPECT_STREQ(know["losses"][0]["rule_id"].GetString(), "review-coverage");
  std::string html, error;
  ASSERT_TRUE(report::RenderHtml(*json, &html, &error)) << error;
  EXPECT_NE(html.find("Scores explained"), std::string::npos);
  EXPECT_NE(html.find("Many product pages show no reviews"), std::string::npos);
  EXPECT_NE(html.find("How this score was computed"), std::string::npos);
}

TEST_F(DemoShop, ReportJsonValidatesAgainstTheSchema) { EXPECT_EQ(testing::ReportSchemaError(*json), ""); }

TEST_F(DemoShop, HtmlReportRendersFromTheJsonWithOnlyItsOwnScriptAndNoRemoteLoads) {
  std::string html, error;
  ASSERT_TRUE(report::RenderHtml(*json, &html, &error)) << error;
  const std::string lower = text::AsciiLower(html);
  // One script, the search box's, and the CSP allows exactly its text.
  const std::size_t open = lower.find("<script>");
  ASSERT_NE(open, std::string::npos);
  EXPECT_EQ(lower.find("<script", open + 1), std::string::npos);
  const std::string script = html.substr(open + 8, html.find("</script>", open) - open - 8);
  EXPECT_NE(html.find("script-src '" + report::CspSha256(script) + "'"), std::string::npos);
  EXPECT_NE(lower.find("content-security-policy"), std::string::npos);
  EXPECT_EQ(lower.find(" src=\"http"), std::string::npos);
  EXPECT_NE(html.find("Trail Runner X"), std::string::npos);
  // The load was measured: the weight of the median page of each type as stacked bars.
  EXPECT_NE(html.find("Weight on a phone"), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"stack\""), std::string::npos);
}

}  // namespace
}  // namespace mmaudit
