#include "fetch/resource_loader.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <exception>
#include <future>
#include <limits>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/text.h"
#include "fetch/curl_common.h"
#include "fetch/curl_fetcher.h"
#include "fetch/gzip_estimate.h"

namespace mmaudit::fetch {
namespace {

using Entry = std::shared_ptr<const LoadedResource>;
using internal::Transfer;

// CSS, JS, HTML, JSON, SVG, XML: what a server ought to compress.
bool IsTextMediaType(const std::string& t) {
  static const std::set<std::string> kText = {"application/javascript", "application/x-javascript",
                                              "application/ecmascript", "application/json", "application/xml"};
  return text::StartsWith(t, "text/") || text::EndsWith(t, "+xml") || text::EndsWith(t, "+json") ||
         kText.count(t) != 0;
}

bool NeedsGzipEstimate(const std::string& media_type, std::string_view content_encoding) {
  const std::string encoding = text::AsciiLower(text::Trim(content_encoding));
  return IsTextMediaType(media_type) && (encoding.empty() || encoding == "identity");
}

// How much of a decoded body of this media type an entry keeps.
std::uint64_t KeepBytes(const std::string& media_type, const ResourceLoaderOptions& o) {
  if (media_type == "text/css") return o.keep_css_bytes;
  if (text::StartsWith(media_type, "image/")) return o.keep_image_bytes;
  return 0;
}

std::string_view HeaderIn(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

// The finished response as an entry: the gzip estimate from the whole body, then the body trimmed.
Entry MakeEntry(Response r, const ResourceLoaderOptions& o) {
  auto e = std::make_shared<LoadedResource>();
  const std::string media = r.MediaType();
  if (r.ok() && r.body.size() == r.decoded_bytes && NeedsGzipEstimate(media, r.Header("content-encoding")))
    e->gzip_estimate_bytes = DeflatedSize(r.body);
  const std::uint64_t keep = KeepBytes(media, o);
  if (r.body.size() > keep) {
    r.body.resize(static_cast<std::size_t>(keep));
    r.body.shrink_to_fit();
  }
  e->body_trimmed = r.body.size() < r.decoded_bytes;
  e->response = std::move(r);
  return e;
}

Entry ErrorEntry(const std::string& url, FetchError error, const std::string& message) {
  auto e = std::make_shared<LoadedResource>();
  e->response.requested_url = url;
  e->response.final_url = url;
  e->response.error = error;
  e->response.error_message = message;
  return e;
}

}  // namespace

struct ResourceLoader::Impl {
  // A URL this call fetches itself, for the input slots that name it.
  struct Owned {
    std::promise<Entry> promise;  // published in `cache` unless the cache was full
    std::vector<std::size_t> slots;
    internal::Request hop;        // the hop to send next
    std::set<std::string> seen;   // the chain's hops so far
    Response response;
    internal::Clock::time_point started;  // when its first hop was sent: queueing is not its time
    bool begun = false;
    CURL* easy = nullptr;         // while a hop is in flight
    std::unique_ptr<Transfer> transfer;
  };

  explicit Impl(ResourceLoaderOptions o) : options(std::move(o)) {
    GlobalInit();
    share = curl_share_init();
    if (share != nullptr) {
      // Connections are not shared between threads (libcurl does not support it); each multi handle
      // of the pool keeps its own, and is reused by later calls. DNS and TLS sessions are shared.
      curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Impl::Lock);
      curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Impl::Unlock);
      curl_share_setopt(share, CURLSHOPT_USERDATA, this);
      curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
      curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
  }

  ~Impl() {
    for (CURLM* m : idle_multis) curl_multi_cleanup(m);
    if (share != nullptr) curl_share_cleanup(share);
  }

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->share_locks[static_cast<std::size_t>(data) % CURL_LOCK_DATA_LAST].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->share_locks[static_cast<std::size_t>(data) % CURL_LOCK_DATA_LAST].unlock();
  }

  // A multi handle for one call, with the connections earlier calls left open in it.
  CURLM* AcquireMulti() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!idle_multis.empty()) {
        CURLM* m = idle_multis.back();
        idle_multis.pop_back();
        return m;
      }
    }
    CURLM* m = curl_multi_init();
    if (m == nullptr) return nullptr;
    curl_multi_setopt(m, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, static_cast<long>(std::max(8, 2 * Concurrency())));
    return m;
  }

  void ReleaseMulti(CURLM* m) {
    std::lock_guard<std::mutex> lock(mu);
    idle_multis.push_back(m);
  }

  int Concurrency() const { return std::max(1, options.concurrency); }

  void Complete(Owned* job, std::vector<Entry>* out) {
    Entry e = MakeEntry(std::move(job->response), options);
    for (std::size_t slot : job->slots) (*out)[slot] = e;
    job->promise.set_value(std::move(e));
  }

  // Sends the job's next hop on `multi`; on failure to start, completes it with the error.
  // Returns whether a transfer is now in flight.
  bool Start(CURLM* multi, Owned* job, std::vector<Entry>* out) {
    CURL* easy = curl_easy_init();  // a new handle per transfer (libcurl 7.88 leaks on reused ones)
    if (easy == nullptr) {
      job->response.error = FetchError::kOther;
      job->response.error_message = "libcurl could not create a handle";
      Complete(job, out);
      return false;
    }
    job->transfer = std::make_unique<Transfer>();
    if (!job->begun) {
      job->begun = true;
      job->started = internal::Clock::now();
    }
    if (!internal::ConfigureHop(easy, job->hop, options.fetch, job->started, job->transfer.get(), &job->response)) {
      curl_easy_cleanup(easy);
      Complete(job, out);
      return false;
    }
    // Store only what the entry keeps, except a text body sent uncompressed, whose gzip estimate
    // needs all of it.
    job->transfer->store_limit = [this](const Transfer& t) {
      const std::string media = internal::MediaTypeOf(HeaderIn(t.headers, "content-type"));
      if (NeedsGzipEstimate(media, HeaderIn(t.headers, "content-encoding")))
        return std::numeric_limits<std::uint64_t>::max();
      return KeepBytes(media, options);
    };
    // Over plain http no connection is ever multiplexed, but libcurl 7.88 with PIPEWAIT holds every
    // other transfer to a host until the first response there has told it so: a slow first response
    // would stall the rest. Over https, ALPN settles it with the handshake.
    if (text::StartsWithIgnoreCase(job->hop.url, "http://")) curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 0L);
    if (share != nullptr) curl_easy_setopt(easy, CURLOPT_SHARE, share);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, job);
    job->response.final_url = job->hop.url;
    if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
      curl_easy_cleanup(easy);
      job->response.error = FetchError::kOther;
      job->response.error_message = "libcurl could not start the transfer";
      Complete(job, out);
      return false;
    }
    job->easy = easy;
    transfers.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  // Fetches every job on one multi handle, up to Concurrency() transfers at once.
  void Fetch(std::vector<std::unique_ptr<Owned>>& jobs, std::vector<Entry>* out) {
    CURLM* multi = AcquireMulti();
    if (multi == nullptr) {
      for (auto& job : jobs) {
        job->response.error = FetchError::kOther;
        job->response.error_message = "libcurl could not create a multi handle";
        Complete(job.get(), out);
      }
      return;
    }
    // Whatever happens, no easy handle outlives this call and the multi handle goes back idle.
    struct Cleanup {
      CURLM* multi;
      std::vector<std::unique_ptr<Owned>>& jobs;
      Impl* impl;
      ~Cleanup() {
        for (auto& job : jobs) {
          if (job->easy == nullptr) continue;
          curl_multi_remove_handle(multi, job->easy);
          curl_easy_cleanup(job->easy);
          job->easy = nullptr;
        }
        impl->ReleaseMulti(multi);
      }
    } cleanup{multi, jobs, this};

    std::deque<Owned*> ready;
    for (auto& job : jobs) ready.push_back(job.get());
    int active = 0;
    const auto deadline = internal::Clock::now() + std::chrono::milliseconds(options.call_budget_ms);
    while (!ready.empty() || active > 0) {
      while (active < Concurrency() && !ready.empty()) {
        Owned* job = ready.front();
        ready.pop_front();
        if (options.call_budget_ms > 0 && internal::Clock::now() >= deadline) {
          job->response.error = FetchError::kTimeout;
          job->response.error_message = "not fetched: the page's resources took longer than " +
                                        std::to_string(options.call_budget_ms / 1000) + " s in all";
          Complete(job, out);
          continue;
        }
        if (Start(multi, job, out)) ++active;
      }
      if (active == 0) continue;
      int running = 0;
      curl_multi_perform(multi, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL* easy = msg->easy_handle;  // `msg` dies with the removal below
        const CURLcode code = msg->data.result;
        Owned* job = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &job);
        curl_multi_remove_handle(multi, easy);
        const std::string location = internal::ReadTransfer(easy, code, job->transfer.get(), options.fetch, &job->response);
        curl_easy_cleanup(easy);
        job->easy = nullptr;
        job->transfer.reset();
        --active;
        if (job->response.ok() && !location.empty()) {
          if (auto next = internal::NextHop(job->hop, location, options.fetch, &job->seen, &job->response)) {
            job->hop = std::move(*next);
            ready.push_front(job);
            continue;
          }
        }
        Complete(job, out);
      }
      if (active > 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
  }

  void LoadAll(const std::vector<std::string>& urls, std::vector<Entry>* out) {
    std::vector<std::unique_ptr<Owned>> mine;
    std::unordered_map<std::string, std::size_t> mine_index;  // by URL, into `mine`
    std::vector<std::pair<std::size_t, std::shared_future<Entry>>> waits;  // measured or in flight elsewhere
    for (std::size_t i = 0; i < urls.size(); ++i) {
      internal::Request request;
      request.url = urls[i];
      Response first;
      std::optional<internal::Request> hop = internal::FirstHop(request, &first);
      if (!hop) {  // fails fast, and is not worth a place in the cache
        (*out)[i] = MakeEntry(std::move(first), options);
        continue;
      }
      if (auto it = mine_index.find(hop->url); it != mine_index.end()) {
        mine[it->second]->slots.push_back(i);
        continue;
      }
      auto job = std::make_unique<Owned>();
      {
        std::lock_guard<std::mutex> lock(mu);
        if (auto it = cache.find(hop->url); it != cache.end()) {
          waits.emplace_back(i, it->second);
          continue;
        }
        if (cache.size() < options.max_entries) cache.emplace(hop->url, job->promise.get_future().share());
      }
      mine_index.emplace(hop->url, mine.size());
      job->slots.push_back(i);
      job->response = std::move(first);
      job->hop = std::move(*hop);
      mine.push_back(std::move(job));
    }
    // Our own transfers first, so a caller waiting for one of them never waits on us waiting.
    if (!mine.empty()) Fetch(mine, out);
    for (auto& [slot, future] : waits) {
      try {
        (*out)[slot] = future.get();
      } catch (const std::exception& e) {  // the fetching call failed before it finished
        (*out)[slot] = ErrorEntry(urls[slot], FetchError::kOther, std::string("the resource loader failed: ") + e.what());
      }
    }
  }

  const ResourceLoaderOptions options;
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
  std::mutex mu;  // guards cache and idle_multis; never held during network I/O
  std::unordered_map<std::string, std::shared_future<Entry>> cache;  // by normalised URL
  std::vector<CURLM*> idle_multis;
  std::atomic<std::size_t> transfers{0};
};

ResourceLoader::ResourceLoader(ResourceLoaderOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

ResourceLoader::~ResourceLoader() = default;

std::vector<std::shared_ptr<const LoadedResource>> ResourceLoader::LoadAll(const std::vector<std::string>& urls) {
  std::vector<Entry> out(urls.size());
  try {
    impl_->LoadAll(urls, &out);
  } catch (const std::exception& e) {
    for (std::size_t i = 0; i < out.size(); ++i)
      if (!out[i]) out[i] = ErrorEntry(urls[i], FetchError::kOther, std::string("the resource loader failed: ") + e.what());
  }
  return out;
}

std::size_t ResourceLoader::transfers() const { return impl_->transfers.load(std::memory_order_relaxed); }

}  // namespace mmaudit::fetch
