#include "fetch/curl_fetcher.h"

#include <curl/curl.h>

#include <mutex>

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
  internal::Request request;  // (Perform reports a handle libcurl could not create)
  request.url = requested;
  return internal::Perform(impl_->easy, request, impl_->options);
}

}  // namespace mmaudit::fetch
