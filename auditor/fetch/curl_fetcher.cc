#include "fetch/curl_fetcher.h"

#include <curl/curl.h>

#include <chrono>
#include <mutex>
#include <set>

#include "core/url.h"
#include "fetch/curl_common.h"

namespace mmaudit::fetch {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlFetcher::Impl {
  FetchOptions options;
  CURL* easy = nullptr;
};

CurlFetcher::CurlFetcher(FetchOptions options) : impl_(std::make_unique<Impl>()) {
  GlobalInit();
  impl_->options = std::move(options);
  impl_->easy = curl_easy_init();
}

CurlFetcher::~CurlFetcher() {
  if (impl_->easy != nullptr) curl_easy_cleanup(impl_->easy);
}

Response CurlFetcher::Fetch(const std::string& requested) {
  Response r;
  r.requested_url = requested;
  r.final_url = requested;
  const FetchOptions& o = impl_->options;
  CURL* easy = impl_->easy;
  if (easy == nullptr) {
    r.error = FetchError::kOther;
    r.error_message = "libcurl could not create a handle";
    return r;
  }
  auto normalized = url::Normalize(requested);
  if (!normalized || !url::Parse(*normalized)) {
    r.error = FetchError::kInvalidUrl;
    r.error_message = "not a valid absolute URL: " + requested;
    return r;
  }
  if (!url::IsHttp(*normalized)) {
    r.error = FetchError::kUnsupportedScheme;
    r.error_message = "only http:// and https:// URLs can be fetched: " + requested;
    return r;
  }

  const auto started = std::chrono::steady_clock::now();
  std::set<std::string> seen;
  std::string current = *normalized;
  for (;;) {
    const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started).count();
    const long remaining_ms = o.total_timeout_ms - static_cast<long>(elapsed_ms);
    if (remaining_ms <= 0) {
      r.error = FetchError::kTimeout;
      r.error_message = "timed out after " + std::to_string(o.total_timeout_ms) + " ms following redirects";
      return r;
    }
    seen.insert(current);
    internal::Transfer t;
    internal::ConfigureEasy(easy, current, o, &t, remaining_ms);
    const CURLcode code = curl_easy_perform(easy);
    r.final_url = current;
    const std::string location = internal::ReadTransfer(easy, code, &t, o, &r);
    if (!r.ok() || location.empty()) return r;
    r.body.clear();  // a redirect's body is not the page
    r.decoded_bytes = 0;
    auto next = url::Normalize(location);
    r.redirects.push_back({current, r.status, next ? *next : location});
    if (!next || !url::IsHttp(*next)) {
      r.error = FetchError::kUnsupportedScheme;
      r.error_message = "redirect to a URL that is not http(s): " + location;
      return r;
    }
    if (seen.count(*next) != 0) {
      r.error = FetchError::kTooManyRedirects;
      r.error_message = "redirect loop: " + *next + " was already visited";
      return r;
    }
    if (static_cast<int>(r.redirects.size()) > o.max_redirects) {
      r.error = FetchError::kTooManyRedirects;
      r.error_message = "more than " + std::to_string(o.max_redirects) + " redirects";
      return r;
    }
    current = *next;
  }
}

}  // namespace mmaudit::fetch
