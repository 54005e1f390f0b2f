#include "report/portfolio.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/support/test_paths.h"

namespace mmaudit::report {
namespace {

// A report JSON as the portfolio reads it: summary scores, pages, gates, top findings, categories.
std::string Report(int overall, int know, int pages, const std::string& gates = "") {
  return R"({"summary":{"pages_audited":)" + std::to_string(pages) + R"(,"pages_failed":1,"scores":{"overall":)" +
         std::to_string(overall) + R"(,"moments":{"know":)" + std::to_string(know) +
         R"(,"buy":70}},"top_findings":[{"failure_title":"Product page shows <no> reviews"},{"failure_title":"B"},)"
         R"({"failure_title":"C"},{"failure_title":"D"}]},"gates":)" +
         (gates.empty() ? std::string("null") : R"({"verdict":")" + gates + R"("})") +
         R"(,"categories":{"list":[{"id":"know","title":"I want to know"},{"id":"buy","title":"I want to buy"}]},)"
         R"("site":{"start_urls":["https://a.example/"]}})";
}

PortfolioSite Site(const std::string& name, std::string json, int exit_code = 0) {
  PortfolioSite s;
  s.name = name;
  s.start_url = "https://" + name + "/";
  s.dir = "sites/" + name;
  s.report_html = json.empty() ? "" : "report.html";
  s.report_json = std::move(json);
  s.exit_code = exit_code;
  return s;
}

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_FALSE(d.HasParseError());
  return d;
}

TEST(Portfolio, RanksSitesByOverallScoreWithUnscoredSitesLastAndTiesByName) {
  const std::vector<PortfolioSite> sites = {Site("c-shop", Report(70, 60, 5)), Site("dead", "", 3),
                                            Site("b-shop", Report(91, 80, 9)), Site("a-shop", Report(70, 50, 4)),
                                            Site("empty", Report(0, 0, 0), 3)};
  const auto d = Parse(PortfolioJson(sites, "2026-11-23T00:00:00Z"));
  const auto& list = d["sites"];
  ASSERT_EQ(list.Size(), 5u);
  const char* order[] = {"b-shop", "a-shop", "c-shop", "dead", "empty"};
  for (unsigned i = 0; i < 5; ++i) EXPECT_STREQ(list[i]["name"].GetString(), order[i]) << i;
  EXPECT_EQ(list[0]["rank"].GetInt(), 1);
  EXPECT_EQ(list[2]["rank"].GetInt(), 3);
  EXPECT_TRUE(list[3]["rank"].IsNull());
  EXPECT_STREQ(list[3]["status"].GetString(), "failed");
  EXPECT_STREQ(list[4]["status"].GetString(), "nothing-audited");
  EXPECT_EQ(list[0]["overall"].GetInt(), 91);
  EXPECT_EQ(list[0]["moments"]["know"].GetInt(), 80);
  EXPECT_EQ(list[0]["top_fixes"].Size(), 3u);
  EXPECT_STREQ(list[0]["report_html"].GetString(), "sites/b-shop/report.html");
  EXPECT_TRUE(list[3]["report_html"].IsNull());
  ASSERT_EQ(d["categories"].Size(), 2u);
  EXPECT_STREQ(d["categories"][1]["title"].GetString(), "I want to buy");
}

TEST(Portfolio, AFailedGateOrABrokenReportShowsInTheSitesStatus) {
  const std::vector<PortfolioSite> sites = {Site("gated", Report(80, 80, 3, "fail"), 1), Site("broken", "{not json"),
                                            Site("passing", Report(60, 60, 3, "pass"))};
  const auto d = Parse(PortfolioJson(sites, ""));
  EXPECT_STREQ(d["sites"][0]["status"].GetString(), "gate-failed");
  EXPECT_STREQ(d["sites"][0]["gates"].GetString(), "fail");
  EXPECT_STREQ(d["sites"][1]["status"].GetString(), "audited");
  EXPECT_STREQ(d["sites"][2]["status"].GetString(), "failed");
  EXPECT_STREQ(d["sites"][2]["error"].GetString(), "its report.json does not parse");
}

TEST(PortfolioHtml, EscapesNamesAndFindingsAndLinksOnlyToItsOwnRelativePaths) {
  std::vector<PortfolioSite> sites = {Site("<script>alert(1)</script>", Report(90, 90, 3)),
                                      Site("evil", Report(80, 80, 3))};
  sites[1].dir = "javascript:alert(1)//";
  std::string html, error;
  ASSERT_TRUE(RenderPortfolioHtml(PortfolioJson(sites, "now"), &html, &error)) << error;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Product page shows &lt;no&gt; reviews"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), html.find("javascript:alert(1)//"));  // shown as text only
  EXPECT_EQ(html.find("href=\"javascript"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("<th title=\"I want to know\">know</th>"), std::string::npos);
}

TEST(PortfolioHtml, RefusesJsonThatIsNotAPortfolio) {
  std::string html, error;
  EXPECT_FALSE(RenderPortfolioHtml("{\"sites\":[]}", &html, &error));
  EXPECT_FALSE(RenderPortfolioHtml("[", &html, &error));
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace mmaudit::report
