// The crawl of tests/crawl_test.cc over the same fixture site, served by a real nginx instead of
// the embedded fixture server: HTML arrives gzip-compressed (chunked), connections are kept alive
// and reused, redirects and error pages come from nginx, and nginx's access log says what the
// crawler asked for. Skipped when nginx is not installed (ci/setup installs nginx-light).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "pipeline/audit.h"
#include "tests/support/crawl_shop.h"
#include "tests/support/nginx_server.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

class NginxCrawl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::NginxServer::FindBinary().empty())
      GTEST_SKIP() << "nginx is not installed (ci/setup installs nginx-light)";
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

  // The statuses nginx logged for `target` (path and "?query"), in order.
  std::vector<int> Logged(const std::vector<testing::NginxRequest>& log, const std::string& target) {
    std::vector<int> out;
    for (const auto& req : log)
      if (req.target == target) out.push_back(req.status);
    return out;
  }

  testing::NginxServer server{testing::SourcePath("fixtures/shops/crawl/site")};
};

TEST_F(NginxCrawl, FindsEveryReachablePageAndFetchesNothingDisallowed) {
  const report::AuditResult r = Run();
  const std::vector<testing::NginxRequest> log = server.RequestedPaths();
  ASSERT_FALSE(log.empty()) << "nginx logged nothing\n" << server.Config();
  for (const auto& req : log) {
    EXPECT_NE(req.path.rfind("/private/secret", 0), 0u) << "fetched a disallowed URL " << req.target;
    EXPECT_EQ(req.query.find("sort="), std::string::npos) << "fetched a disallowed URL " << req.target;
    EXPECT_FALSE(req.path.size() >= 4 && req.path.compare(req.path.size() - 4, 4, ".pdf") == 0)
        << "fetched a disallowed URL " << req.target;
    EXPECT_EQ(req.method, "GET") << req.target;
  }
  testing::ExpectEveryReachablePageAndTheSkipReasons(r, url);
  for (const char* path : {"/", "/about", "/c/jackets", "/c/jackets?page=2", "/c/boots", "/p/alpha-jacket",
                           "/p/beta-boots", "/p/gamma-gloves", "/ru/kurtki", "/pl/kurtki", "/private/press-kit",
                           "/events/", "/c/sale", "/calendar/"})
    EXPECT_EQ(Logged(log, path), std::vector<int>{200}) << path << " as nginx saw it";
}

TEST_F(NginxCrawl, FetchesAUrlOnceHoweverItsLinksAreDressedUp) {
  Run();
  int alpha = 0;
  for (const auto& req : server.RequestedPaths()) alpha += req.path == "/p/alpha-jacket";
  EXPECT_EQ(alpha, 1) << "tracking parameters, fragments and percent-encoding must not make new URLs";
}

TEST_F(NginxCrawl, ReadsRobotsAndTheSitemapIndexWithAGzippedChild) {
  // The .gz child comes as application/gzip bytes without Content-Encoding (no gzip_static), while
  // the XML sitemaps above gzip_min_length come gzip-encoded: the crawler must handle both.
  testing::ExpectRobotsAndSitemaps(Run());
  const auto log = server.RequestedPaths();
  EXPECT_EQ(Logged(log, "/robots.txt"), std::vector<int>{200});
  EXPECT_EQ(Logged(log, "/sitemap-products.xml.gz"), std::vector<int>{200});
}

TEST_F(NginxCrawl, RecordsRedirectChainsAndStopsALoop) {
  testing::ExpectRedirectChainAndLoop(Run(), url);
  const auto log = server.RequestedPaths();
  EXPECT_FALSE(Logged(log, "/old-sale").empty());
  for (int status : Logged(log, "/old-sale")) EXPECT_EQ(status, 301);
  for (int status : Logged(log, "/sale-2023")) EXPECT_EQ(status, 302);
  EXPECT_LE(Logged(log, "/loop-a").size() + Logged(log, "/loop-b").size(), 6u) << "the loop was not stopped";
}

TEST_F(NginxCrawl, RecordsErrorPagesWithoutAuditingThem) {
  const report::AuditResult r = Run();
  const report::PageResult* gone = Page(r, "/gone");
  ASSERT_NE(gone, nullptr);
  EXPECT_FALSE(gone->audited);
  EXPECT_EQ(gone->facts.error_code, "http-status");
  EXPECT_EQ(gone->facts.http.status, 404);
  EXPECT_EQ(Entries(r).at(server.Url("/broken"))->status, 500);
  const auto log = server.RequestedPaths();
  EXPECT_FALSE(Logged(log, "/gone").empty());
  for (int status : Logged(log, "/gone")) EXPECT_EQ(status, 404);
  EXPECT_FALSE(Logged(log, "/broken").empty());
  for (int status : Logged(log, "/broken")) EXPECT_EQ(status, 500);
}

TEST_F(NginxCrawl, EscapesTheCalendarTrapAndSaysWhy) {
  const report::AuditResult r = Run();
  int calendar_requests = 0;
  for (const auto& req : server.RequestedPaths()) calendar_requests += req.path.rfind("/calendar/", 0) == 0;
  EXPECT_LE(calendar_requests, 30);  // 15 path segments at most, one query variant each
  bool trap = false;
  for (const auto& e : r.crawl->crawl.entries) trap = trap || e.reason.rfind("trap:", 0) == 0;
  EXPECT_TRUE(trap);
}

TEST_F(NginxCrawl, DecodesRussianAndPolishPagesFromTheirDeclaredCharsets) {
  const report::AuditResult r = Run();
  testing::ExpectRussianAndPolishDecoded(r, url);
  EXPECT_EQ(Page(r, "/ru/kurtki")->facts.http.content_type, "text/html");  // the page's <meta charset> decides
  const report::PageResult* pl = Page(r, "/pl/kurtki");
  EXPECT_EQ(pl->facts.http.content_type, "text/html; charset=iso-8859-2");
  EXPECT_EQ(pl->facts.http.content_encoding, "gzip");  // the canned body is gzipped like any page
}

TEST_F(NginxCrawl, GetsHtmlGzippedOverReusedConnections) {
  const report::AuditResult r = Run();
  for (const char* path : {"/", "/about", "/p/alpha-jacket", "/c/jackets"}) {
    const report::PageResult* page = Page(r, path);
    ASSERT_NE(page, nullptr) << path;
    EXPECT_EQ(page->facts.http.status, 200) << path;
    EXPECT_EQ(page->facts.http.content_encoding, "gzip") << path;
    EXPECT_GT(page->facts.http.body_transfer_bytes, 0u) << path;
    EXPECT_LT(page->facts.http.body_transfer_bytes, page->facts.http.decoded_bytes) << path;
    EXPECT_EQ(page->facts.http.gzip_estimate_bytes, 0u) << path << ": it came compressed";
    EXPECT_EQ(page->facts.http.http_version, "1.1") << path;
  }
  const report::PageResult* home = Page(r, "/");
  EXPECT_GT(home->facts.http.decoded_bytes, 1000u);
  EXPECT_NE(home->facts.meta.title, "");

  std::map<std::uint64_t, std::uint64_t> per_connection;  // $connection -> most $connection_requests
  std::set<std::uint64_t> connections;
  for (const auto& req : server.RequestedPaths()) {
    connections.insert(req.connection);
    per_connection[req.connection] = std::max(per_connection[req.connection], req.connection_requests);
  }
  std::uint64_t most = 0;
  for (const auto& [connection, requests] : per_connection) most = std::max(most, requests);
  EXPECT_GT(most, 1u) << "no connection served more than one request: keep-alive was not used";
  std::size_t requests = server.RequestedPaths().size();
  EXPECT_LT(connections.size(), requests) << connections.size() << " connections for " << requests << " requests";
}

}  // namespace
}  // namespace mmaudit
