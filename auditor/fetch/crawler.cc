#include "fetch/crawler.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
#include "core/url.h"
#include "fetch/curl_common.h"
#include "fetch/curl_fetcher.h"
#include "fetch/robots.h"
#include "fetch/sitemap.h"

namespace mmaudit::fetch {
namespace {

using Clock = std::chrono::steady_clock;

// Path extensions that are never storefront pages; links to them are recorded, not fetched.
bool IsNonPageExtension(std::string_view path, std::string* ext) {
  const auto dot = path.rfind('.');
  const auto slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return false;
  const std::string e = text::AsciiLower(path.substr(dot));
  static const std::set<std::string> kNonPages = {
      ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".ico", ".bmp", ".tif", ".tiff",
      ".mp4", ".webm", ".mov", ".avi", ".mp3", ".wav", ".ogg", ".zip", ".gz", ".rar", ".7z", ".tar",
      ".exe", ".dmg", ".apk", ".css", ".js", ".mjs", ".json", ".xml", ".txt", ".csv", ".xls", ".xlsx",
      ".doc", ".docx", ".ppt", ".pptx", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".rss", ".atom"};
  if (kNonPages.count(e) == 0) return false;
  *ext = e;
  return true;
}

std::size_t PathSegments(std::string_view path) {
  std::size_t n = 0;
  for (char c : path) n += c == '/';
  return n;
}

// A small pool of threads running sink calls, with a queue in and a queue out.
class WorkerPool {
 public:
  struct Job {
    std::size_t index;
    Response response;
    CrawlEntry entry;
  };
  struct Done {
    std::size_t index;
    SinkResult result;
  };

  // `wake` is called from a worker after each finished job, to wake the fetch loop.
  WorkerPool(int threads, CrawlSink& sink, std::function<void()> wake) : sink_(sink), wake_(std::move(wake)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void Submit(Job job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(job));
      ++in_flight_;
    }
    cv_.notify_one();
  }

  std::vector<Done> TakeDone() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Done> out;
    out.swap(done_);
    in_flight_ -= out.size();
    return out;
  }

  std::size_t in_flight() {
    std::lock_guard<std::mutex> lock(mu_);
    return in_flight_;
  }

 private:
  void Run() {
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (stop_ && jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      SinkResult result = sink_.OnResponse(job.response, job.entry);
      job.response = Response();  // free the body before waiting for the lock
      {
        std::lock_guard<std::mutex> lock(mu_);
        done_.push_back({job.index, std::move(result)});
      }
      wake_();
    }
  }

  CrawlSink& sink_;
  std::function<void()> wake_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  std::vector<Done> done_;
  std::size_t in_flight_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

// A URL waiting for its host's robots.txt before it can be admitted.
struct Parked {
  std::string url;
  int depth = 0;
  std::string via, parent;
  std::optional<std::size_t> parent_index;
};

struct HostState {
  std::deque<std::size_t> queue;  // entry indices waiting
  int active = 0;
  Clock::time_point next_start{};
  double delay_ms = 0;
  std::unique_ptr<Robots> robots;  // null while robots.txt is being fetched
  std::vector<Parked> parked;      // URLs found while it was
  bool robots_started = false;
};

struct ActiveTransfer {
  CURL* easy = nullptr;
  internal::Transfer transfer;
  std::size_t index = 0;
  std::string host;
  bool robots = false;  // a robots.txt fetch for `host`, not a page
};

class Crawler {
 public:
  Crawler(const CrawlOptions& o, CrawlSink& sink, Progress& progress)
      : o_(o), sink_(sink), progress_(progress) {}

  CrawlResult Run(const std::vector<std::string>& seeds);

 private:
  // Admission of a URL into the crawl; records a skip reason when it is not fetched.
  void Consider(const std::string& raw, int depth, const std::string& via, const std::string& parent,
                std::optional<std::size_t> parent_index);
  // A link to an admitted URL found again: the entry keeps the shallowest, then alphabetically first,
  // page that links to it, so the report does not depend on which transfer finished first.
  void Reparent(const std::string& url, int depth, const std::string& via, const std::string& parent);
  void Skip(CrawlEntry entry, const std::string& reason);
  void LimitHit(const std::string& limit);
  bool TimeUp();
  // Ends the transfers in flight and skips every URL still waiting, when the crawl's time is up.
  void StopForTime(CURLM* multi);
  HostState& Host(const std::string& host);
  void LoadRobots(const std::string& scheme_host, HostState* hs);
  void ApplyRobots(const std::string& origin, HostState* hs, const Response& r);
  // Considers again the URLs parked while `origin`'s robots.txt was on its way.
  void Release(const std::string& origin);
  void ReadSitemaps(const std::vector<std::string>& seed_roots);
  bool InScope(const url::Parts& p) const;
  bool StartNext(CURLM* multi);
  void Finish(CURL* easy, CURLcode code);
  void Deliver(std::size_t index, Response response);
  void Absorb(const WorkerPool::Done& done);
  std::vector<fetch::Redirect> ChainTo(std::size_t index, std::string* start) const;

  const CrawlOptions& o_;
  CrawlSink& sink_;
  Progress& progress_;
  CrawlResult result_;
  std::vector<std::optional<std::size_t>> parent_of_;  // per entry
  std::unordered_set<std::string> seen_;
  std::unordered_map<std::string, std::size_t> entry_of_;  // admitted URL -> its entry
  std::unordered_map<std::string, std::size_t> query_variants_;
  std::map<std::string, HostState> hosts_;             // by scheme://host:port
  std::vector<std::string> host_order_;                // round robin
  std::size_t rr_ = 0;
  bool loop_running_ = false;
  std::set<std::string> scope_;                        // hosts or registrable domains
  std::size_t admitted_ = 0;                           // URLs queued or fetched (for max_pages)
  std::vector<std::unique_ptr<ActiveTransfer>> active_;
  std::unique_ptr<WorkerPool> pool_;
  CURLSH* share_ = nullptr;
  std::unique_ptr<CurlFetcher> side_fetcher_;          // sitemaps
  std::unique_ptr<CurlFetcher> robots_fetcher_;        // robots.txt (the first 512 KiB only)
  FetchOptions robots_fetch_;                          // for robots.txt on the multi handle
  Clock::time_point deadline_ = Clock::time_point::max();
  bool time_up_ = false;
  struct Delayed {
    Clock::time_point at;
    std::size_t index;
  };
  std::vector<Delayed> delayed_;                       // retries waiting for their time
};

HostState& Crawler::Host(const std::string& key) {
  auto it = hosts_.find(key);
  if (it != hosts_.end()) return it->second;
  HostState& hs = hosts_[key];
  host_order_.push_back(key);
  hs.delay_ms = std::max(o_.delay_ms, o_.max_rate > 0 ? 1000.0 / o_.max_rate : 0.0);
  // Before the fetch loop runs (start URLs, sitemaps) robots.txt is read at once. A host first met
  // during the crawl gets its robots.txt as one more transfer, and its URLs wait in `parked`, so
  // the transfers in flight never stall on it.
  if (!loop_running_ || o_.ignore_robots) LoadRobots(key, &hs);
  return hs;
}

void Crawler::LoadRobots(const std::string& origin, HostState* hs) {
  if (o_.ignore_robots) {
    ApplyRobots(origin, hs, Response());
    return;
  }
  ApplyRobots(origin, hs, robots_fetcher_->Fetch(origin + "/robots.txt"));
}

void Crawler::ApplyRobots(const std::string& origin, HostState* hs, const Response& r) {
  RobotsRecord rec;
  rec.url = origin + "/robots.txt";
  if (o_.ignore_robots) {
    hs->robots = std::make_unique<Robots>(Robots::AllowAll());
    rec.mode = "ignored";
    result_.robots.push_back(std::move(rec));
    return;
  }
  rec.status = r.status;
  hs->robots = std::make_unique<Robots>(Robots::FromResponse(r, o_.robots_token));
  if (!r.ok()) rec.problems.push_back(std::string(FetchErrorName(r.error)) + ": " + r.error_message);
  rec.mode = hs->robots->mode();
  rec.crawl_delay = hs->robots->crawl_delay();
  rec.sitemaps = hs->robots->sitemaps();
  rec.problems.insert(rec.problems.end(), hs->robots->problems().begin(), hs->robots->problems().end());
  if (rec.crawl_delay) hs->delay_ms = std::max(hs->delay_ms, *rec.crawl_delay * 1000.0);
  result_.robots.push_back(std::move(rec));
}

void Crawler::Release(const std::string& origin) {
  std::vector<Parked> parked;
  parked.swap(hosts_[origin].parked);
  for (const Parked& p : parked) Consider(p.url, p.depth, p.via, p.parent, p.parent_index);
}

bool Crawler::InScope(const url::Parts& p) const {
  if (o_.scope == Scope::kHost) return scope_.count(p.host) != 0;
  return scope_.count(url::RegistrableDomain(p.host)) != 0;
}

void Crawler::LimitHit(const std::string& limit) {
  if (std::find(result_.limits_hit.begin(), result_.limits_hit.end(), limit) == result_.limits_hit.end())
    result_.limits_hit.push_back(limit);
}

bool Crawler::TimeUp() {
  if (!time_up_ && Clock::now() >= deadline_) {
    time_up_ = true;
    LimitHit("max-crawl-time");
  }
  return time_up_;
}

void Crawler::StopForTime(CURLM* multi) {
  const std::string reason = "max-crawl-time: the crawl's time limit of " + std::to_string(o_.max_crawl_time_ms) +
                             " ms ran out";
  for (auto& t : active_) {
    curl_multi_remove_handle(multi, t->easy);
    curl_easy_cleanup(t->easy);
    if (t->robots) continue;
    --hosts_[t->host].active;
    CrawlEntry& e = result_.entries[t->index];
    e.state = "failed";
    e.reason = reason + " before this page was fetched";
    ++result_.failed;
    progress_.Finished(e.url, false);
  }
  active_.clear();
  auto skip_waiting = [&](std::size_t index) {
    CrawlEntry& e = result_.entries[index];
    e.state = "skipped";
    e.reason = reason;
    ++result_.skipped;
  };
  for (auto& [key, hs] : hosts_) {
    for (std::size_t index : hs.queue) skip_waiting(index);
    hs.queue.clear();
    result_.skipped += hs.parked.size();  // found while robots.txt was on its way: counted, not listed
    result_.skipped_unrecorded += hs.parked.size();
    hs.parked.clear();
    if (!hs.robots) hs.robots = std::make_unique<Robots>(Robots::DisallowAll());  // nothing more is fetched
  }
  for (const Delayed& d : delayed_) skip_waiting(d.index);
  delayed_.clear();
}

void Crawler::Skip(CrawlEntry entry, const std::string& reason) {
  ++result_.skipped;
  entry.state = "skipped";
  entry.reason = reason;
  result_.entries.push_back(std::move(entry));
  parent_of_.push_back(std::nullopt);
}

void Crawler::Consider(const std::string& raw, int depth, const std::string& via, const std::string& parent,
                       std::optional<std::size_t> parent_index) {
  // Most links arrive already normalised (the sink resolves them with url::Resolve) and were seen
  // before: answer those without parsing them again, since this runs on the fetch loop's thread.
  if (seen_.count(raw) != 0) return Reparent(raw, depth, via, parent);
  auto normalized = url::Normalize(raw);
  if (!normalized || !url::IsHttp(*normalized)) return;  // mailto:, javascript: ... are not URLs to crawl
  std::string u = o_.strip_tracking ? url::StripTrackingParams(*normalized) : *normalized;
  if (seen_.count(u) != 0) return Reparent(u, depth, via, parent);
  if (seen_.size() >= o_.max_urls || time_up_) {
    // Not remembered: counting it is all a crawl at its limit does.
    LimitHit(time_up_ ? "max-crawl-time" : "max-urls");
    ++result_.skipped;
    ++result_.skipped_unrecorded;
    return;
  }
  seen_.insert(u);
  CrawlEntry e;
  e.url = u;
  e.depth = depth;
  e.via = via;
  e.parent = parent;
  const auto parts = url::Parse(u);
  if (!parts) return;
  const bool seed = via == "seed";
  const std::string path_query = parts->path + (parts->query.empty() ? "" : "?" + parts->query);
  std::string ext;
  const auto skip = [&](const std::string& reason) {
    // Bound the record of skipped URLs: a crawler trap can produce millions of them.
    if (result_.skipped - result_.skipped_unrecorded >= o_.max_recorded_skips) {
      ++result_.skipped;
      ++result_.skipped_unrecorded;
      return;
    }
    Skip(std::move(e), reason);
  };
  if (!seed && !InScope(*parts)) return skip("out of scope");
  if (u.size() > o_.max_url_length) return skip("trap: URL longer than " + std::to_string(o_.max_url_length));
  if (PathSegments(parts->path) > o_.max_path_segments)
    return skip("trap: more than " + std::to_string(o_.max_path_segments) + " path segments");
  if (!parts->query.empty()) {
    const std::string key = parts->host + ":" + std::to_string(parts->port) + parts->path;
    if (++query_variants_[key] > o_.max_query_variants)
      return skip("trap: more than " + std::to_string(o_.max_query_variants) + " query variants of " + parts->path);
  }
  if (!seed && !o_.include.empty()) {
    bool any = false;
    for (const auto& g : o_.include) any = any || text::GlobMatch(g, path_query);
    if (!any) return skip("not included by --include");
  }
  for (const auto& g : o_.exclude)
    if (text::GlobMatch(g, path_query)) return skip("excluded by --exclude " + g);
  if (!seed && IsNonPageExtension(parts->path, &ext)) return skip("not a page (" + ext + ")");
  if (o_.max_depth >= 0 && depth > o_.max_depth) return skip("max-depth " + std::to_string(o_.max_depth));
  // Checked before robots.txt is looked up, so a crawl at its limit fetches no new robots.txt.
  if (admitted_ >= o_.max_pages) {
    LimitHit("max-pages");
    return skip("max-pages " + std::to_string(o_.max_pages));
  }
  const std::string origin = parts->scheme + "://" + parts->host + ":" + std::to_string(parts->port);
  HostState& hs = Host(origin);
  if (!hs.robots) {
    seen_.erase(u);  // it is considered again when robots.txt has arrived
    if (!parts->query.empty()) --query_variants_[parts->host + ":" + std::to_string(parts->port) + parts->path];
    hs.parked.push_back({u, depth, via, parent, parent_index});
    return;
  }
  if (!seed && !o_.ignore_robots) {
    const RobotsVerdict v = hs.robots->Check(path_query);
    if (!v.allowed) return skip("robots.txt: " + (v.rule.empty() ? hs.robots->mode() : v.rule));
  }
  ++admitted_;
  entry_of_.emplace(u, result_.entries.size());
  result_.entries.push_back(std::move(e));
  parent_of_.push_back(parent_index);
  hs.queue.push_back(result_.entries.size() - 1);
  progress_.Planned(admitted_);
}

void Crawler::Reparent(const std::string& url, int depth, const std::string& via, const std::string& parent) {
  if (via != "link") return;
  auto it = entry_of_.find(url);
  if (it == entry_of_.end()) return;
  CrawlEntry& e = result_.entries[it->second];
  if (e.via != "link") return;  // seeds, sitemap URLs and redirect targets keep how they were found
  if (depth < e.depth || (depth == e.depth && parent < e.parent)) {
    e.depth = depth;
    e.parent = parent;
  }
}

void Crawler::ReadSitemaps(const std::vector<std::string>& roots) {
  std::deque<std::pair<std::string, int>> files;  // url, nesting level
  std::set<std::string> queued;
  for (const auto& r : result_.robots)
    for (const auto& s : r.sitemaps)
      if (queued.insert(s).second) files.emplace_back(s, 0);
  if (files.empty())
    for (const auto& root : roots)
      if (queued.insert(root + "/sitemap.xml").second) files.emplace_back(root + "/sitemap.xml", 0);
  std::size_t urls = 0;
  SitemapLimits limits;
  while (!files.empty()) {
    if (result_.sitemaps.size() >= o_.max_sitemap_files) {
      LimitHit("max-sitemap-files");
      result_.sitemap_errors.push_back(std::to_string(files.size()) + " more sitemap files not read: max-sitemap-files " +
                                       std::to_string(o_.max_sitemap_files));
      break;
    }
    if (TimeUp()) {
      result_.sitemap_errors.push_back(std::to_string(files.size()) + " more sitemap files not read: max-crawl-time");
      break;
    }
    auto [file, level] = files.front();
    files.pop_front();
    auto resolved = url::Resolve(roots.empty() ? file : roots.front() + "/", file);
    if (!resolved || !url::IsHttp(*resolved)) {
      result_.sitemap_errors.push_back(file + ": not an http(s) URL");
      continue;
    }
    const Response r = side_fetcher_->Fetch(*resolved);
    if (!r.ok() || r.status >= 400) {
      // A missing /sitemap.xml fallback is normal; a sitemap named in robots.txt is worth reporting.
      if (level > 0 || queued.size() > roots.size() || r.status != 404)
        result_.sitemap_errors.push_back(*resolved + ": " + (r.ok() ? "HTTP " + std::to_string(r.status) : r.error_message));
      continue;
    }
    result_.sitemaps.push_back(*resolved);
    limits.max_urls = std::min<std::size_t>(50'000, o_.max_sitemap_urls - std::min(urls, o_.max_sitemap_urls));
    const Sitemap sm = ParseSitemap(r.body, limits);
    for (const auto& e : sm.errors) result_.sitemap_errors.push_back(*resolved + ": " + e);
    if (sm.truncated) {
      LimitHit("max-sitemap-urls");
      result_.sitemap_errors.push_back(
          *resolved + ": " +
          (sm.urls.size() + sm.sitemaps.size() >= limits.max_urls
               ? "more than " + std::to_string(limits.max_urls) + " entries"
               : "more than " + std::to_string(limits.max_decoded_bytes) + " decoded bytes") +
          "; only the entries before the limit were read");
    }
    // The protocol wants absolute locations; relative ones are resolved against the sitemap, as
    // search engines tolerate.
    if (sm.is_index) {
      for (const auto& child : sm.sitemaps) {
        const std::string abs = url::Resolve(*resolved, child).value_or(child);
        if (level < 2 && queued.insert(abs).second) files.emplace_back(abs, level + 1);
      }
      continue;
    }
    for (const auto& entry : sm.urls) {
      if (urls >= o_.max_sitemap_urls) {
        LimitHit("max-sitemap-urls");
        break;
      }
      ++urls;
      Consider(url::Resolve(*resolved, entry.loc).value_or(entry.loc), 1, "sitemap", *resolved, std::nullopt);
    }
  }
}

std::vector<fetch::Redirect> Crawler::ChainTo(std::size_t index, std::string* start) const {
  std::vector<fetch::Redirect> chain;
  std::size_t i = index;
  *start = result_.entries[index].url;
  while (result_.entries[i].via == "redirect" && parent_of_[i]) {
    const std::size_t p = *parent_of_[i];
    chain.push_back({result_.entries[p].url, result_.entries[p].status, result_.entries[i].url});
    *start = result_.entries[p].url;
    i = p;
    if (chain.size() > 64) break;
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

bool Crawler::StartNext(CURLM* multi) {
  if (time_up_) return false;
  for (auto& [key, hs] : hosts_) {
    if (hs.robots || hs.robots_started) continue;
    hs.robots_started = true;
    if (o_.fetch.credentials.Any() && o_.fetch.credentials.AppliesTo(key + "/robots.txt")) {
      // libcurl would follow robots.txt's redirects with the custom headers and cookies to any
      // host; the side fetcher follows them by hand, judging each hop (fetch/credentials.h).
      LoadRobots(key, &hs);
      Release(key);
      return true;
    }
    auto t = std::make_unique<ActiveTransfer>();
    t->easy = curl_easy_init();
    t->host = key;
    t->robots = true;
    if (t->easy == nullptr) {
      ApplyRobots(key, &hs, Response());  // an error response: disallow all, as for 5xx
      Release(key);
      return true;
    }
    internal::ConfigureEasy(t->easy, key + "/robots.txt", robots_fetch_, &t->transfer);
    curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 1L);  // RFC 9309: follow up to 5 redirects
    curl_easy_setopt(t->easy, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t.get());
    if (curl_multi_add_handle(multi, t->easy) != CURLM_OK) {
      curl_easy_cleanup(t->easy);
      ApplyRobots(key, &hs, Response());
      Release(key);
      return true;
    }
    active_.push_back(std::move(t));
    return true;
  }
  const auto now = Clock::now();
  for (std::size_t tries = 0; tries < host_order_.size(); ++tries) {
    const std::string& key = host_order_[rr_ % host_order_.size()];
    ++rr_;
    HostState& hs = hosts_[key];
    if (hs.queue.empty() || hs.active >= o_.per_host || now < hs.next_start) continue;
    const std::size_t index = hs.queue.front();
    hs.queue.pop_front();
    auto t = std::make_unique<ActiveTransfer>();
    // A new easy handle per transfer: connections live in the multi handle's cache, so nothing is
    // lost, and libcurl 7.88 leaks the cookie-file list of a handle that is reset and reused.
    t->easy = curl_easy_init();
    t->index = index;
    if (t->easy == nullptr) {
      CrawlEntry& e = result_.entries[index];
      e.state = "failed";
      e.reason = "libcurl could not create a transfer";
      ++result_.failed;
      return true;
    }
    t->host = key;
    internal::ConfigureEasy(t->easy, result_.entries[index].url, o_.fetch, &t->transfer);
    // The share holds the crawl's one cookie jar, so every handle sends what any page set.
    curl_easy_setopt(t->easy, CURLOPT_SHARE, share_);
    curl_easy_setopt(t->easy, CURLOPT_COOKIEFILE, "");  // switches the cookie engine on
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t.get());
    if (curl_multi_add_handle(multi, t->easy) != CURLM_OK) {
      curl_easy_cleanup(t->easy);
      CrawlEntry& e = result_.entries[index];
      e.state = "failed";
      e.reason = "libcurl could not start the transfer";
      ++result_.failed;
      return true;
    }
    ++hs.active;
    hs.next_start = now + std::chrono::microseconds(static_cast<long long>(hs.delay_ms * 1000));
    active_.push_back(std::move(t));
    return true;
  }
  return false;
}

void Crawler::Deliver(std::size_t index, Response response) {
  CrawlEntry& e = result_.entries[index];
  std::string start;
  response.redirects = ChainTo(index, &start);
  response.requested_url = start;
  response.final_url = e.url;
  const auto parts = url::Parse(e.url);
  if (parts) {
    auto it = hosts_.find(parts->scheme + "://" + parts->host + ":" + std::to_string(parts->port));
    if (it != hosts_.end() && it->second.robots && !o_.ignore_robots) {
      const RobotsVerdict v =
          it->second.robots->Check(parts->path + (parts->query.empty() ? "" : "?" + parts->query));
      response.robots_allowed = v.allowed;
      response.robots_rule = v.rule;
    }
  }
  pool_->Submit({index, std::move(response), e});
}

void Crawler::Finish(CURL* easy, CURLcode code) {
  ActiveTransfer* raw = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, &raw);
  auto it = std::find_if(active_.begin(), active_.end(), [&](const auto& p) { return p.get() == raw; });
  if (it == active_.end()) return;
  std::unique_ptr<ActiveTransfer> t = std::move(*it);
  active_.erase(it);
  if (t->robots) {
    Response r;
    internal::ReadTransfer(easy, code, &t->transfer, robots_fetch_, &r);
    curl_easy_cleanup(easy);
    ApplyRobots(t->host, &hosts_[t->host], r);
    Release(t->host);
    return;
  }
  HostState& hs = hosts_[t->host];
  --hs.active;
  CrawlEntry& e = result_.entries[t->index];
  Response r;
  r.final_url = e.url;
  const std::string location = internal::ReadTransfer(easy, code, &t->transfer, o_.fetch, &r);
  curl_easy_cleanup(easy);
  e.status = r.status;

  // 429 and 503 ask us to come back later: honour Retry-After, up to a bound.
  if (r.ok() && (r.status == 429 || r.status == 503) && e.retries < o_.max_retries) {
    const auto wait = ParseRetryAfter(r.Header("retry-after"), static_cast<long>(std::time(nullptr)));
    const long ms = wait.value_or(1000L << e.retries);
    if (ms <= o_.max_retry_wait_ms) {
      ++e.retries;
      delayed_.push_back({Clock::now() + std::chrono::milliseconds(ms), t->index});
      return;
    }
  }
  if (!r.ok()) {
    e.state = "failed";
    e.reason = std::string(FetchErrorName(r.error)) + ": " + r.error_message;
    ++result_.failed;
    Deliver(t->index, std::move(r));  // the sink records the failure as a page error
    return;
  }
  ++result_.fetched;
  if (!location.empty()) {
    e.state = "redirect";
    auto target = url::Resolve(e.url, location);
    std::string start;
    const auto chain = ChainTo(t->index, &start);
    if (!target) {
      e.reason = "redirect to an invalid URL: " + location;
    } else if (!url::IsHttp(*target)) {
      // Only http and https are fetched: a redirect to file:, gopher: ... is refused, and is this
      // URL's error.
      --result_.fetched;
      ++result_.failed;
      e.state = "failed";
      r.error = FetchError::kUnsupportedScheme;
      r.error_message = "redirect to a URL that is not http(s): " + *target;
      e.reason = std::string(FetchErrorName(r.error)) + ": " + r.error_message;
      r.redirects.clear();
      Deliver(t->index, std::move(r));
      return;
    } else if (static_cast<int>(chain.size()) + 1 > o_.fetch.max_redirects) {
      e.reason = "more than " + std::to_string(o_.fetch.max_redirects) + " redirects";
    } else {
      const std::string next = o_.strip_tracking ? url::StripTrackingParams(*target) : *target;
      bool loop = next == e.url;
      for (const auto& hop : chain) loop = loop || hop.url == next;
      // A start URL that redirects to another host (http → https, shop.com → www.shop.com) moves
      // the crawl there: the target's host joins the scope.
      std::size_t root = t->index;
      while (result_.entries[root].via == "redirect" && parent_of_[root]) root = *parent_of_[root];
      if (result_.entries[root].via == "seed") {
        if (auto tp = url::Parse(next))
          scope_.insert(o_.scope == Scope::kHost ? tp->host : url::RegistrableDomain(tp->host));
      }
      if (loop) {
        e.reason = "redirect loop back to " + next;
      } else {
        e.reason = "redirects to " + next;
        const std::string from = e.url;  // Consider may grow entries and move `e`
        Consider(next, e.depth, "redirect", from, t->index);
      }
    }
    progress_.Finished(result_.entries[t->index].url, true);
    return;
  }
  e.state = "fetched";
  Deliver(t->index, std::move(r));
}

void Crawler::Absorb(const WorkerPool::Done& done) {
  CrawlEntry& e = result_.entries[done.index];
  e.page_type = done.result.page_type;
  progress_.Finished(e.url, e.state == "fetched");
  if (!o_.follow_links || e.state != "fetched") return;
  const std::string parent = e.url;
  const int depth = e.depth + 1;
  for (const std::string& link : done.result.links) Consider(link, depth, "link", parent, std::nullopt);
}

CrawlResult Crawler::Run(const std::vector<std::string>& seeds) {
  GlobalInit();
  if (o_.max_crawl_time_ms > 0) deadline_ = Clock::now() + std::chrono::milliseconds(o_.max_crawl_time_ms);
  FetchOptions side = o_.fetch;
  side.max_body_bytes = std::max<std::uint64_t>(side.max_body_bytes, 60ull << 20);  // gzip sitemaps
  side.max_download_bytes = std::max<std::uint64_t>(side.max_download_bytes, 60ull << 20);
  side_fetcher_ = std::make_unique<CurlFetcher>(side);
  // Only the first 512 KiB of a robots.txt count: a bigger one is cut there, not failed (which
  // would disallow the whole host).
  robots_fetch_ = o_.fetch;
  robots_fetch_.cut_body_bytes = kRobotsMaxBytes + 1;
  robots_fetcher_ = std::make_unique<CurlFetcher>(robots_fetch_);
  std::vector<std::string> roots;
  for (const auto& s : seeds) {
    auto n = url::Normalize(s);
    auto p = n ? url::Parse(*n) : std::nullopt;
    if (!p) continue;
    scope_.insert(o_.scope == Scope::kHost ? p->host : url::RegistrableDomain(p->host));
    const std::string root = p->scheme + "://" + p->host +
                             ((p->scheme == "http" && p->port == 80) || (p->scheme == "https" && p->port == 443)
                                  ? ""
                                  : ":" + std::to_string(p->port));
    if (std::find(roots.begin(), roots.end(), root) == roots.end()) roots.push_back(root);
  }
  for (const auto& s : seeds) Consider(s, 0, "seed", "", std::nullopt);
  if (o_.use_sitemaps) ReadSitemaps(roots);

  share_ = curl_share_init();
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(o_.per_host));
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(o_.concurrency));
  const int workers = o_.worker_threads > 0 ? o_.worker_threads
                                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // curl_multi_wakeup is thread-safe: a finished page wakes the loop at once instead of at the
  // next poll timeout, so parsing never waits on the network loop.
  pool_ = std::make_unique<WorkerPool>(workers, sink_, [multi] { curl_multi_wakeup(multi); });

  loop_running_ = true;
  for (;;) {
    if (!time_up_ && TimeUp()) StopForTime(multi);
    // Retries whose time has come go back to the front of their host's queue.
    const auto now = Clock::now();
    for (auto it = delayed_.begin(); it != delayed_.end();) {
      if (it->at <= now) {
        const auto parts = url::Parse(result_.entries[it->index].url);
        hosts_[parts->scheme + "://" + parts->host + ":" + std::to_string(parts->port)].queue.push_front(it->index);
        it = delayed_.erase(it);
      } else {
        ++it;
      }
    }
    // Keep transfers in flight, but not more pages waiting for workers than they can take.
    while (static_cast<int>(active_.size()) < o_.concurrency && pool_->in_flight() < static_cast<std::size_t>(workers) * 8 &&
           StartNext(multi)) {
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode code = msg->data.result;
      curl_multi_remove_handle(multi, easy);
      Finish(easy, code);
    }
    for (const auto& done : pool_->TakeDone()) Absorb(done);

    bool queued = !delayed_.empty();
    for (const auto& [key, hs] : hosts_) queued = queued || !hs.queue.empty() || !hs.parked.empty();
    if (!queued && active_.empty() && pool_->in_flight() == 0) break;
    // Sleep until a socket is ready, a worker finishes (curl_multi_wakeup), or a delayed request
    // or a host's politeness delay may be due.
    curl_multi_poll(multi, nullptr, 0, 50, nullptr);
  }
  pool_.reset();
  curl_multi_cleanup(multi);
  // Keep the jar's cookies for whoever goes on browsing the site (the checkout walk).
  result_.cookies = internal::CookieLines(share_);
  curl_share_cleanup(share_);
  progress_.Done();
  return std::move(result_);
}

}  // namespace

std::optional<long> ParseRetryAfter(const std::string& value, long now_epoch_seconds) {
  const std::string v(text::Trim(value));
  if (v.empty()) return std::nullopt;
  if (v.find_first_not_of("0123456789") == std::string::npos) {
    if (v.size() > 9) return std::nullopt;
    return std::stol(v) * 1000;
  }
  std::tm tm{};
  // IMF-fixdate, e.g. "Wed, 21 Oct 2026 07:28:00 GMT".
  if (strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return std::nullopt;
  const long when = static_cast<long>(timegm(&tm));
  return std::max(0L, when - now_epoch_seconds) * 1000;
}

CrawlResult Crawl(const std::vector<std::string>& seeds, const CrawlOptions& options, CrawlSink& sink,
                  Progress& progress) {
  Crawler c(options, sink, progress);
  return c.Run(seeds);
}

}  // namespace mmaudit::fetch
