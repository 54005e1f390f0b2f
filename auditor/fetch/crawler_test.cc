// The crawler's politeness and resilience over real loopback HTTP: retries, Retry-After, per-host
// limits, Crawl-delay, cookies, robots.txt failure modes, include/exclude and depth.
#include "fetch/crawler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "facts/extract.h"
#include "tests/support/fixture_server.h"

namespace mmaudit::fetch {
namespace {

// A sink that extracts links the way the audit does and remembers what it saw.
class LinkSink final : public CrawlSink {
 public:
  SinkResult OnResponse(const Response& r, const CrawlEntry&) override {
    facts::PageFacts f = facts::ExtractPage(r);
    SinkResult out;
    out.page_type = f.page_type;
    for (const auto& l : f.links.links)
      if (l.kind == facts::LinkKind::kInternal) out.links.push_back(l.href);
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(r.final_url);
    return out;
  }
  std::mutex mu;
  std::vector<std::string> seen;
};

std::string Page(const std::vector<std::string>& links) {
  std::string body = "<!doctype html><title>p</title>";
  for (const auto& l : links) body += "<a href=\"" + l + "\">" + l + "</a>";
  return body;
}

class CrawlerTest : public ::testing::Test {
 protected:
  void Serve(const std::string& path, std::string body, int status = 200) {
    server.Route(path, [body, status](const httplib::Request&, httplib::Response& res) {
      res.status = status;
      res.set_content(body, "text/html");
    });
  }
  void Start() {
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
    options.fetch.user_agent = "mmaudit-test";
    options.fetch.total_timeout_ms = 5000;
    options.use_sitemaps = false;
  }
  CrawlResult Run(std::vector<std::string> seeds = {"/"}) {
    for (auto& s : seeds) s = server.Url(s);
    NullProgress progress;
    return Crawl(seeds, options, sink, progress);
  }
  const CrawlEntry* Entry(const CrawlResult& r, const std::string& path) {
    for (const auto& e : r.entries)
      if (e.url == server.Url(path)) return &e;
    return nullptr;
  }
  int Requests(const std::string& path) {
    int n = 0;
    for (const auto& r : server.Requests()) n += r.path == path;
    return n;
  }

  testing::FixtureServer server{""};
  CrawlOptions options;
  LinkSink sink;
};

TEST_F(CrawlerTest, RetriesA503HonouringRetryAfter) {
  std::atomic<int> calls{0};
  server.Route("/busy", [&calls](const httplib::Request&, httplib::Response& res) {
    if (calls++ == 0) {
      res.status = 503;
      res.set_header("Retry-After", "1");
      res.set_content("busy", "text/plain");
    } else {
      res.set_content("<title>ok</title>", "text/html");
    }
  });
  Start();
  const CrawlResult r = Run({"/busy"});
  const CrawlEntry* e = Entry(r, "/busy");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->state, "fetched");
  EXPECT_EQ(e->status, 200);
  EXPECT_EQ(e->retries, 1);
  const auto reqs = server.Requests();
  std::vector<double> at;
  for (const auto& q : reqs)
    if (q.path == "/busy") at.push_back(q.at_ms);
  ASSERT_EQ(at.size(), 2u);
  EXPECT_GE(at[1] - at[0], 900);
}

TEST_F(CrawlerTest, GivesUpOnARetryAfterLongerThanTheBound) {
  server.Route("/maintenance", [](const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "3600");
    res.set_content("later", "text/plain");
  });
  Start();
  const CrawlResult r = Run({"/maintenance"});
  EXPECT_EQ(Entry(r, "/maintenance")->status, 429);
  EXPECT_EQ(Requests("/maintenance"), 1);
}

TEST_F(CrawlerTest, KeepsToThePerHostLimit) {
  std::atomic<int> now{0}, peak{0};
  std::vector<std::string> links;
  for (int i = 0; i < 8; ++i) links.push_back("/slow/" + std::to_string(i));
  Serve("/", Page(links));
  for (int i = 0; i < 8; ++i)
    server.Route("/slow/" + std::to_string(i), [&](const httplib::Request&, httplib::Response& res) {
      const int n = ++now;
      int p = peak.load();
      while (n > p && !peak.compare_exchange_weak(p, n)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      --now;
      res.set_content("<title>slow</title>", "text/html");
    });
  Start();
  options.concurrency = 8;
  options.per_host = 2;
  const CrawlResult r = Run();
  EXPECT_EQ(r.fetched, 9u);
  EXPECT_LE(peak.load(), 2);
  EXPECT_GE(peak.load(), 1);
}

TEST_F(CrawlerTest, WaitsTheCrawlDelayBetweenRequestsToAHost) {
  Serve("/robots.txt", "User-agent: *\nCrawl-delay: 0.2\n");
  Serve("/", Page({"/a", "/b", "/c"}));
  for (const char* p : {"/a", "/b", "/c"}) Serve(p, "<title>x</title>");
  Start();
  const CrawlResult r = Run();
  ASSERT_EQ(r.robots.size(), 1u);
  EXPECT_EQ(r.robots[0].crawl_delay, 0.2);
  std::vector<double> at;
  for (const auto& q : server.Requests())
    if (q.path != "/robots.txt") at.push_back(q.at_ms);
  ASSERT_EQ(at.size(), 4u);
  for (std::size_t i = 1; i < at.size(); ++i) EXPECT_GE(at[i] - at[i - 1], 190) << i;
}

TEST_F(CrawlerTest, StartsAtMostMaxRateRequestsPerSecondToAHost) {
  Serve("/", Page({"/a", "/b", "/c"}));
  for (const char* p : {"/a", "/b", "/c"}) Serve(p, "<title>x</title>");
  Start();
  options.max_rate = 10;
  Run();
  std::vector<double> at;
  for (const auto& q : server.Requests())
    if (q.path != "/robots.txt") at.push_back(q.at_ms);
  ASSERT_EQ(at.size(), 4u);
  for (std::size_t i = 1; i < at.size(); ++i) EXPECT_GE(at[i] - at[i - 1], 90) << i;
}

TEST_F(CrawlerTest, AtMaxUrlsNewUrlsAreCountedNotKeptAndTheLimitIsRecorded) {
  std::vector<std::string> links;
  for (int i = 0; i < 30; ++i) links.push_back("/p" + std::to_string(i));
  Serve("/", Page(links));
  Start();
  options.max_urls = 10;
  const CrawlResult r = Run();
  EXPECT_EQ(r.entries.size(), 10u);
  EXPECT_EQ(r.skipped_unrecorded, 21u);  // the start URL and 9 links are kept; 21 links are counted
  ASSERT_EQ(r.limits_hit.size(), 1u);
  EXPECT_EQ(r.limits_hit[0], "max-urls");
}

TEST_F(CrawlerTest, KeepsOneCookieEngineForTheWholeCrawl) {
  server.Route("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Set-Cookie", "session=abc123; Path=/");
    res.set_content(Page({"/a"}), "text/html");
  });
  Serve("/a", "<title>a</title>");
  Start();
  Run();
  bool sent = false;
  for (const auto& q : server.Requests())
    if (q.path == "/a") sent = q.cookie.find("session=abc123") != std::string::npos;
  EXPECT_TRUE(sent);
}

TEST_F(CrawlerTest, AServerErrorOnRobotsTxtDisallowsAllButTheStartUrls) {
  Serve("/robots.txt", "oops", 500);
  Serve("/", Page({"/a"}));
  Serve("/a", "<title>a</title>");
  Start();
  const CrawlResult r = Run();
  EXPECT_EQ(r.robots[0].mode, "disallow-all");
  EXPECT_EQ(Entry(r, "/")->state, "fetched");
  EXPECT_EQ(Entry(r, "/a")->reason, "robots.txt: disallow-all");
  EXPECT_EQ(Requests("/a"), 0);
}

TEST_F(CrawlerTest, AMissingRobotsTxtAllowsEverything) {
  Serve("/", Page({"/a"}));
  Serve("/a", "<title>a</title>");
  Start();
  const CrawlResult r = Run();
  EXPECT_EQ(r.robots[0].mode, "allow-all");
  EXPECT_EQ(r.robots[0].status, 404);
  EXPECT_EQ(Entry(r, "/a")->state, "fetched");
}

TEST_F(CrawlerTest, IgnoreRobotsFetchesWhatRobotsTxtForbidsAndSaysSo) {
  Serve("/robots.txt", "User-agent: *\nDisallow: /\n");
  Serve("/", Page({"/a"}));
  Serve("/a", "<title>a</title>");
  Start();
  options.ignore_robots = true;
  const CrawlResult r = Run();
  EXPECT_EQ(r.robots[0].mode, "ignored");
  EXPECT_EQ(Requests("/robots.txt"), 0);
  EXPECT_EQ(Entry(r, "/a")->state, "fetched");
}

TEST_F(CrawlerTest, IncludeExcludeAndMaxDepthLimitTheCrawl) {
  Serve("/", Page({"/p/1", "/blog/1", "/p/deep"}));
  Serve("/p/1", "<title>p1</title>");
  Serve("/blog/1", "<title>b1</title>");
  Serve("/p/deep", Page({"/p/deeper"}));
  Serve("/p/deeper", "<title>deeper</title>");
  Start();
  options.include = {"/p/*"};
  options.exclude = {"*deep*"};
  const CrawlResult r = Run();
  EXPECT_EQ(Entry(r, "/p/1")->state, "fetched");
  EXPECT_EQ(Entry(r, "/blog/1")->reason, "not included by --include");
  EXPECT_EQ(Entry(r, "/p/deep")->reason, "excluded by --exclude *deep*");

  options.include.clear();
  options.exclude.clear();
  options.max_depth = 1;
  const CrawlResult shallow = Run();
  EXPECT_EQ(Entry(shallow, "/p/deep")->state, "fetched");
  EXPECT_EQ(Entry(shallow, "/p/deeper")->reason, "max-depth 1");
}

TEST_F(CrawlerTest, FollowsAStartUrlThatRedirectsToAnotherHost) {
  // 127.0.0.1 and localhost are different hosts to the crawler, as shop.com and www.shop.com are.
  server.Route("/", [this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Host").rfind("127.0.0.1", 0) == 0) {
      res.set_redirect("http://localhost:" + std::to_string(server.port()) + "/", 301);
    } else {
      res.set_content(Page({"/a"}), "text/html");
    }
  });
  Serve("/a", "<title>a</title>");
  Start();
  const CrawlResult r = Run();
  const std::string www = "http://localhost:" + std::to_string(server.port());
  const CrawlEntry* home = nullptr;
  const CrawlEntry* a = nullptr;
  for (const auto& e : r.entries) {
    if (e.url == www + "/") home = &e;
    if (e.url == www + "/a") a = &e;
  }
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(home->state, "fetched");
  ASSERT_NE(a, nullptr) << "links on the new host are in scope";
  EXPECT_EQ(a->state, "fetched");
  // The new host's robots.txt was fetched during the crawl, as a transfer of its own.
  ASSERT_EQ(r.robots.size(), 2u);
  EXPECT_EQ(r.robots[1].url, www + "/robots.txt");
  EXPECT_EQ(r.robots[1].mode, "allow-all");
}

TEST_F(CrawlerTest, ObeysTheRobotsTxtOfAHostMetDuringTheCrawl) {
  server.Route("/", [this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Host").rfind("127.0.0.1", 0) == 0) {
      res.set_redirect("http://localhost:" + std::to_string(server.port()) + "/", 301);
    } else {
      res.set_content(Page({"/open", "/closed/x"}), "text/html");
    }
  });
  server.Route("/robots.txt", [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Host").rfind("localhost", 0) == 0)
      res.set_content("User-agent: *\nDisallow: /closed/\n", "text/plain");
    else
      res.status = 404;
  });
  Serve("/open", "<title>open</title>");
  Serve("/closed/x", "<title>closed</title>");
  Start();
  const CrawlResult r = Run();
  EXPECT_EQ(Requests("/closed/x"), 0);
  EXPECT_EQ(Requests("/open"), 1);
  bool said = false;
  for (const auto& e : r.entries) said = said || e.reason == "robots.txt: Disallow: /closed/";
  EXPECT_TRUE(said);
}

TEST(RetryAfter, ReadsSecondsAndHttpDates) {
  EXPECT_EQ(ParseRetryAfter("120", 0), 120000);
  EXPECT_EQ(ParseRetryAfter(" 0 ", 0), 0);
  // 2026-11-22T16:00:00Z is 1795363200.
  EXPECT_EQ(ParseRetryAfter("Sun, 22 Nov 2026 16:00:10 GMT", 1795363200), 10000);
  EXPECT_EQ(ParseRetryAfter("Sun, 22 Nov 2026 15:00:00 GMT", 1795363200), 0);  // in the past
  EXPECT_FALSE(ParseRetryAfter("soon", 0).has_value());
  EXPECT_FALSE(ParseRetryAfter("", 0).has_value());
}

}  // namespace
}  // namespace mmaudit::fetch
