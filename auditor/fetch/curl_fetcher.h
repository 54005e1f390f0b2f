// Fetcher over libcurl's easy interface. One CurlFetcher owns one CURL easy handle (so connections
// are reused between fetches) and must be used from one thread at a time.
//
// Behaviour: GET only; http and https only (also for redirects); Accept-Encoding offers every
// encoding this libcurl decodes (gzip, br, zstd on Debian 12); redirects are followed by hand so each
// hop is recorded, up to FetchOptions::max_redirects, and a loop is reported as kTooManyRedirects;
// a decoded body over max_body_bytes aborts the transfer with kTooLarge.
#pragma once

#include <memory>

#include "fetch/fetcher.h"

namespace mmaudit::fetch {

class CurlFetcher final : public Fetcher {
 public:
  explicit CurlFetcher(FetchOptions options);
  ~CurlFetcher() override;
  CurlFetcher(const CurlFetcher&) = delete;
  CurlFetcher& operator=(const CurlFetcher&) = delete;

  Response Fetch(const std::string& url) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Call once before any thread starts (curl_global_init is not thread-safe). Idempotent.
void GlobalInit();

}  // namespace mmaudit::fetch
