// The crawler over real loopback HTTP against fixtures/shops/crawl: robots.txt groups and
// wildcards, a sitemap index with a gzipped child, redirects and a loop, error pages, pages in
// windows-1251 and ISO-8859-2, a calendar trap, duplicate URLs, and a disallowed section the
// server must never be asked for.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <map>
#include <set>

#include "pipeline/audit.h"
#include "tests/support/crawl_shop.h"
#include "tests/support/fixture_server.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

class Crawl : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
  }

  report::AuditResult Run(pipeline::AuditOptions o = testing::CrawlShopOptions()) {
    NullProgress progress;
    return pipeline::AuditSite({server.Url("/")}, o, progress);
  }

  std::map<std::string, const fetch::CrawlEntry*> Entries(const report::AuditResult& r) {
    return testing::EntriesByUrl(r);
  }
  const report::PageResult* Page(const report::AuditResult& r, const std::string& path) {
    return testing::PageAt(r, server.Url(path));
  }
  testing::UrlOf url = [this](const std::string& path) { return server.Url(path); };

  testing::FixtureServer server{testing::SourcePath("fixtures/shops/crawl/site")};
};

TEST_F(Crawl, FindsEveryReachablePageAndFetchesNothingDisallowed) {
  const report::AuditResult r = Run();
  for (const auto& req : server.Requests()) {
    EXPECT_NE(req.path.rfind("/private/secret", 0), 0u) << "fetched a disallowed URL " << req.path;
    EXPECT_EQ(req.query.find("sort="), std::string::npos) << "fetched a disallowed URL " << req.path << "?" << req.query;
    EXPECT_NE(req.path, "/docs/size-chart.pdf");
    EXPECT_EQ(req.method, "GET");
  }
  testing::ExpectEveryReachablePageAndTheSkipReasons(r, url);
}

TEST_F(Crawl, FetchesAUrlOnceHoweverItsLinksAreDressedUp) {
  Run();
  int alpha = 0;
  for (const auto& req : server.Requests()) alpha += req.path == "/p/alpha-jacket";
  EXPECT_EQ(alpha, 1) << "tracking parameters, fragments and percent-encoding must not make new URLs";
}

TEST_F(Crawl, ReadsRobotsGroupsAndTheSitemapIndexWithAGzippedChild) {
  testing::ExpectRobotsAndSitemaps(Run());
}

TEST_F(Crawl, RecordsRedirectChainsAndStopsALoop) {
  testing::ExpectRedirectChainAndLoop(Run(), url);
}

TEST_F(Crawl, RecordsErrorPagesWithoutAuditingThem) {
  const report::AuditResult r = Run();
  const report::PageResult* gone = Page(r, "/gone");
  ASSERT_NE(gone, nullptr);
  EXPECT_FALSE(gone->audited);
  EXPECT_EQ(gone->facts.error_code, "http-status");
  EXPECT_EQ(Entries(r).at(server.Url("/broken"))->status, 500);
}

TEST_F(Crawl, EscapesTheCalendarTrapAndSaysWhy) {
  const report::AuditResult r = Run();
  int calendar_requests = 0;
  for (const auto& req : server.Requests()) calendar_requests += req.path.rfind("/calendar/", 0) == 0;
  EXPECT_LE(calendar_requests, 30);  // 15 path segments at most, one query variant each
  bool trap = false;
  for (const auto& e : r.crawl->crawl.entries) trap = trap || e.reason.rfind("trap:", 0) == 0;
  EXPECT_TRUE(trap);
}

TEST_F(Crawl, DecodesRussianAndPolishPagesFromTheirDeclaredCharsets) {
  testing::ExpectRussianAndPolishDecoded(Run(), url);
}

TEST_F(Crawl, ClassifiesPagesAndSamplesPerType) {
  const report::AuditResult all = Run();
  EXPECT_EQ(Page(all, "/p/beta-boots")->facts.page_type, "product");
  EXPECT_EQ(Page(all, "/")->facts.page_type, "home");
  pipeline::AuditOptions o = testing::CrawlShopOptions();
  o.sample_per_type = 1;
  const report::AuditResult sampled = Run(o);
  int products = 0;
  for (const auto& p : sampled.pages) products += p.facts.page_type == "product";
  EXPECT_EQ(products, 1);
  EXPECT_GE(sampled.crawl->sampled_out, 2u);
}

TEST_F(Crawl, StopsAtMaxPagesAndSaysSo) {
  pipeline::AuditOptions o = testing::CrawlShopOptions();
  o.crawl.max_pages = 3;
  o.crawl.use_sitemaps = false;
  const report::AuditResult r = Run(o);
  EXPECT_EQ(r.crawl->crawl.fetched + r.crawl->crawl.failed, 3u);
  bool said = false;
  for (const auto& e : r.crawl->crawl.entries) said = said || e.reason == "max-pages 3";
  EXPECT_TRUE(said);
}

TEST_F(Crawl, PageTypeOverridesWinOverTheClassifier) {
  pipeline::AuditOptions o = testing::CrawlShopOptions();
  o.page_type_overrides = {{"/about", "faq"}};
  EXPECT_EQ(Page(Run(o), "/about")->facts.page_type, "faq");
}

TEST_F(Crawl, TheCliCrawlsAndWritesTheSiteSection) {
  const std::string out = testing::TempDir();
  testing::RunResult run = testing::RunMmaudit({"audit", server.Url("/"), "--out-dir", out, "--concurrency", "4"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::ifstream in(out + "/report.json");
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_TRUE(d.IsObject());
  ASSERT_TRUE(d["site"].IsObject());
  EXPECT_GE(d["site"]["urls"].Size(), 20u);
  EXPECT_FALSE(d["site"]["settings"]["ignore_robots"].GetBool());
  EXPECT_EQ(d["site"]["counts"]["fetched"].GetUint() + d["site"]["counts"]["failed"].GetUint(),
            d["pages"].Size() + 0u + 4u /* redirect hops are fetched but are not pages */);
}

}  // namespace
}  // namespace mmaudit
