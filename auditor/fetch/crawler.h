// The site crawler: a whole storefront as a phone sees it. From start URLs (and the sitemaps that
// robots.txt names, or /sitemap.xml) it fetches pages with libcurl's multi interface, N transfers
// at a time with a per-host limit, follows links within scope, obeys robots.txt (RFC 9309) and
// Crawl-delay, retries 429/503 with backoff, records redirect chains, guards against crawler traps,
// and hands every fetched page to a CrawlSink on a pool of worker threads while transfers go on.
//
// Memory: the crawler keeps one small CrawlEntry per URL seen (skipped URLs are capped at
// CrawlOptions::max_recorded_skips) and never a page body beyond the sink call.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.h"
#include "fetch/fetcher.h"

namespace mmaudit::fetch {

enum class Scope {
  kHost,    // only the start URLs' hosts
  kDomain,  // any host under the start URLs' registrable domains (Public Suffix List)
};

// Every limit has a safe default; the CLI exposes them.
struct CrawlOptions {
  FetchOptions fetch;                       // identity, timeouts and size limits per request
  std::string robots_token = "mmaudit";     // our product token in robots.txt user-agent lines
  int concurrency = 8;                      // transfers in flight
  int per_host = 6;                         // transfers in flight per host
  std::size_t max_pages = 500;              // URLs fetched (pages, redirects and failures alike)
  // Distinct URLs the crawl keeps track of (found on pages, in sitemaps, by redirects); beyond, new
  // URLs are only counted as skipped ("max-urls"), so a page of unique links cannot grow memory.
  std::size_t max_urls = 100'000;
  // The whole crawl's time, robots.txt and sitemaps included. When it runs out, transfers in flight
  // are ended as failed and URLs still waiting are skipped, both with the reason "max-crawl-time";
  // pages already fetched are still audited. 0: no limit.
  long max_crawl_time_ms = 30L * 60 * 1000;
  int max_depth = -1;                       // link hops from a start URL; -1 means no limit
  Scope scope = Scope::kHost;
  std::vector<std::string> include;         // globs on path?query; when given, a URL must match one
  std::vector<std::string> exclude;         // globs on path?query; a match is skipped
  bool ignore_robots = false;               // explicit opt-out, recorded in the report
  bool use_sitemaps = true;
  bool follow_links = true;
  bool strip_tracking = true;               // drop utm_*, gclid, fbclid ... before deduplicating
  double delay_ms = 0;                      // between request starts to one host (Crawl-delay may raise it)
  double max_rate = 50;                     // request starts per second to one host (0: no limit); raises delay_ms
  int max_retries = 2;                      // for 429 and 503
  long max_retry_wait_ms = 30'000;          // a longer Retry-After gives up
  std::size_t max_url_length = 2048;        // crawler-trap guards ...
  std::size_t max_query_variants = 25;      // distinct query strings per path
  std::size_t max_path_segments = 15;
  std::size_t max_sitemap_files = 50;
  std::size_t max_sitemap_urls = 50'000;    // over all sitemaps
  std::size_t max_recorded_skips = 10'000;  // skipped URLs listed in the report; beyond, only counted
  int worker_threads = 0;                   // page workers; 0 means one per core
};

// One URL the crawl saw.
struct CrawlEntry {
  std::string url;
  int depth = 0;
  std::string via;          // "seed", "link", "sitemap", "redirect"
  std::string parent;       // the page or sitemap it was found on ("" for seeds)
  std::string state;        // "fetched", "redirect", "failed", "skipped"
  int status = 0;           // HTTP status, 0 when none
  std::string reason;       // for skipped: why ("robots.txt: Disallow: /x", "max-pages" ...); for failed: the error
  std::string page_type;    // what the sink said it is
  int retries = 0;
};

struct RobotsRecord {
  std::string url;
  int status = 0;
  std::string mode;                       // "parsed", "allow-all", "disallow-all", "ignored"
  std::optional<double> crawl_delay;
  std::vector<std::string> sitemaps;
  std::vector<std::string> problems;
};

struct CrawlResult {
  std::vector<CrawlEntry> entries;        // in discovery order
  std::vector<RobotsRecord> robots;       // one per host
  std::vector<std::string> sitemaps;      // sitemap files read
  std::vector<std::string> sitemap_errors;
  std::size_t fetched = 0, failed = 0, skipped = 0, skipped_unrecorded = 0;
  // The crawl-wide limits that stopped part of the crawl, in the order first hit: "max-pages",
  // "max-urls", "max-crawl-time", "max-sitemap-files", "max-sitemap-urls".
  std::vector<std::string> limits_hit;
  // The crawl's cookie jar when it ended (Netscape cookie-file lines), for the checkout walk to go on
  // with the same cookies (fetch::Session::AddCookies). Not written to the report.
  std::vector<std::string> cookies;
};

// What the sink tells the crawler about one fetched response.
struct SinkResult {
  std::vector<std::string> links;  // absolute URLs to consider following
  std::string page_type;
};

// Receives every fetched response. Called from several worker threads at once: implementations
// must be thread-safe. Must not throw.
class CrawlSink {
 public:
  virtual ~CrawlSink() = default;
  // `response.redirects` holds the chain that led here and `response.requested_url` its start.
  virtual SinkResult OnResponse(const Response& response, const CrawlEntry& entry) = 0;
};

// Crawls from `seeds` (absolute http(s) URLs). Seeds are fetched even when robots.txt disallows
// them, because the user asked for them; their robots verdict is recorded on the response. Never
// throws; returns when the frontier is empty or a limit is reached.
CrawlResult Crawl(const std::vector<std::string>& seeds, const CrawlOptions& options, CrawlSink& sink,
                  Progress& progress);

// Milliseconds to wait from a Retry-After value (delta-seconds or an HTTP-date), or nullopt.
std::optional<long> ParseRetryAfter(const std::string& value, long now_epoch_seconds);

}  // namespace mmaudit::fetch
