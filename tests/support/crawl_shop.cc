#include "tests/support/crawl_shop.h"

#include <gtest/gtest.h>

namespace mmaudit::testing {

pipeline::AuditOptions CrawlShopOptions() {
  pipeline::AuditOptions o;
  o.device = *fetch::FindDevice("moto-g-power");
  o.fetch.user_agent = o.device.user_agent;
  o.fetch.connect_timeout_ms = 2000;
  o.fetch.total_timeout_ms = 5000;
  o.catalogue = rules::DefaultCatalogue();
  o.crawl.concurrency = 4;
  o.crawl.per_host = 4;
  o.checkout = "off";  // these tests count the crawler's own requests; the checkout walk has tests of its own
  return o;
}

std::map<std::string, const fetch::CrawlEntry*> EntriesByUrl(const report::AuditResult& r) {
  std::map<std::string, const fetch::CrawlEntry*> out;
  for (const auto& e : r.crawl->crawl.entries) out[e.url] = &e;
  return out;
}

const report::PageResult* PageAt(const report::AuditResult& r, const std::string& url) {
  for (const auto& p : r.pages)
    if (p.facts.http.final_url == url) return &p;
  return nullptr;
}

void ExpectEveryReachablePageAndTheSkipReasons(const report::AuditResult& r, const UrlOf& url) {
  const auto entries = EntriesByUrl(r);
  for (const char* path : {"/", "/about", "/c/jackets", "/c/jackets?page=2", "/c/boots", "/p/alpha-jacket",
                           "/p/beta-boots", "/p/gamma-gloves", "/ru/kurtki", "/pl/kurtki", "/private/press-kit",
                           "/events/", "/c/sale", "/calendar/"}) {
    auto it = entries.find(url(path));
    if (it == entries.end()) {
      ADD_FAILURE() << path << " was not found";
      continue;
    }
    EXPECT_EQ(it->second->state, "fetched") << path << ": " << it->second->reason;
  }
  auto reason = [&](const std::string& u) {
    auto it = entries.find(u);
    return it == entries.end() ? std::string("(not seen)") : it->second->reason;
  };
  EXPECT_EQ(entries.at(url("/p/gamma-gloves"))->via, "sitemap");  // linked from nowhere
  EXPECT_EQ(reason(url("/private/secret-launch")), "robots.txt: Disallow: /private/");
  EXPECT_EQ(reason(url("/private/secret-product")), "robots.txt: Disallow: /private/");
  EXPECT_EQ(reason(url("/c/jackets?sort=price")), "robots.txt: Disallow: /*?sort=");
  EXPECT_EQ(reason("https://www.instagram.com/balticgear"), "out of scope");
}

void ExpectRobotsAndSitemaps(const report::AuditResult& r) {
  ASSERT_EQ(r.crawl->crawl.robots.size(), 1u);
  const auto& robots = r.crawl->crawl.robots[0];
  EXPECT_EQ(robots.mode, "parsed");
  EXPECT_EQ(robots.crawl_delay, 0.01);
  EXPECT_EQ(robots.sitemaps, std::vector<std::string>{"/sitemap_index.xml"});
  EXPECT_EQ(r.crawl->crawl.sitemaps.size(), 3u);
  EXPECT_TRUE(r.crawl->crawl.sitemap_errors.empty());
}

void ExpectRedirectChainAndLoop(const report::AuditResult& r, const UrlOf& url) {
  const auto entries = EntriesByUrl(r);
  EXPECT_EQ(entries.at(url("/old-sale"))->state, "redirect");
  EXPECT_EQ(entries.at(url("/old-sale"))->status, 301);
  EXPECT_EQ(entries.at(url("/sale-2023"))->via, "redirect");
  const report::PageResult* sale = PageAt(r, url("/c/sale"));
  ASSERT_NE(sale, nullptr);
  ASSERT_EQ(sale->facts.http.redirects.size(), 2u);
  EXPECT_EQ(sale->facts.http.requested_url, url("/old-sale"));
  EXPECT_EQ(sale->facts.http.redirects[0].status, 301);
  EXPECT_EQ(sale->facts.http.redirects[0].location, url("/sale-2023"));
  EXPECT_EQ(sale->facts.http.redirects[1].status, 302);
  EXPECT_EQ(sale->facts.http.redirects[1].location, url("/c/sale"));
  EXPECT_NE(entries.at(url("/loop-b"))->reason.find("redirect loop"), std::string::npos);
}

void ExpectRussianAndPolishDecoded(const report::AuditResult& r, const UrlOf& url) {
  const report::PageResult* ru = PageAt(r, url("/ru/kurtki"));
  ASSERT_NE(ru, nullptr);
  EXPECT_EQ(ru->facts.meta.title, "Куртки — Baltic Gear");
  const report::PageResult* pl = PageAt(r, url("/pl/kurtki"));
  ASSERT_NE(pl, nullptr);
  EXPECT_EQ(pl->facts.meta.title, "Kurtki - Baltic Gear");
  EXPECT_NE(pl->facts.meta.meta_description.find("Kurtki"), std::string::npos);
  EXPECT_EQ(pl->facts.meta.charset_http, "iso-8859-2");
}

}  // namespace mmaudit::testing
