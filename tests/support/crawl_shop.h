// The crawl fixture shop (fixtures/shops/crawl) and what every crawl of it must find, whichever
// server serves it: tests/crawl_test.cc (the embedded fixture server) and tests/nginx_crawl_test.cc
// (nginx) share these expectations and add their own server-side checks.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "pipeline/audit.h"

namespace mmaudit::testing {

// Turns a path of the shop ("/p/alpha-jacket") into the URL of the server under test.
using UrlOf = std::function<std::string(const std::string& path)>;

// The audit options both crawl tests use: the default device and rules, concurrency 4.
pipeline::AuditOptions CrawlShopOptions();

// The crawl's entries by URL.
std::map<std::string, const fetch::CrawlEntry*> EntriesByUrl(const report::AuditResult& r);
// The audited page whose final URL is `url`, or nullptr.
const report::PageResult* PageAt(const report::AuditResult& r, const std::string& url);

// Every reachable page was fetched (the sitemap-only one too), and the disallowed, off-site and
// disallowed-by-wildcard URLs were skipped with the right reason.
void ExpectEveryReachablePageAndTheSkipReasons(const report::AuditResult& r, const UrlOf& url);
// robots.txt was parsed for our group (crawl-delay, relative sitemap) and the three sitemap files
// (an index, a plain child and a gzipped child) were read without error.
void ExpectRobotsAndSitemaps(const report::AuditResult& r);
// /old-sale → /sale-2023 → /c/sale was recorded hop by hop, and the /loop-a ↔ /loop-b loop stopped.
void ExpectRedirectChainAndLoop(const report::AuditResult& r, const UrlOf& url);
// The windows-1251 page (meta charset) and the ISO-8859-2 page (HTTP charset) were decoded.
void ExpectRussianAndPolishDecoded(const report::AuditResult& r, const UrlOf& url);

}  // namespace mmaudit::testing
