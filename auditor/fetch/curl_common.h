// Internal to fetch/: what CurlFetcher (easy interface) and the Crawler (multi interface) share:
// configuring an easy handle for one GET, and reading the finished transfer into a Response.
#pragma once

#include <curl/curl.h>

#include <string>
#include <utility>
#include <vector>

#include "fetch/fetcher.h"

namespace mmaudit::fetch::internal {

// The buffers one transfer writes into; must outlive the transfer.
struct Transfer {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // of the last response
  std::uint64_t max_body = 0;
  bool too_large = false;
  char errbuf[CURL_ERROR_SIZE] = {0};
  struct curl_slist* request_headers = nullptr;  // owned; freed by ~Transfer
  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() { curl_slist_free_all(request_headers); }
};

// Resets `easy` and sets it up for a GET of `url` with the options' identity, encodings, timeouts
// and limits, writing into `t`. Redirects are not followed (callers record each hop). `timeout_ms`
// overrides options.total_timeout_ms when positive.
void ConfigureEasy(CURL* easy, const std::string& url, const FetchOptions& options, Transfer* t, long timeout_ms = 0);

// Fills `r` from a finished transfer: status, version, headers, body, byte counts and timings of
// this hop (adding to r->transfer_bytes and r->total_ms), and an error for a failed one. Returns the
// redirect target when the response is a redirect with a Location (else "").
std::string ReadTransfer(CURL* easy, CURLcode code, Transfer* t, const FetchOptions& options, Response* r);

}  // namespace mmaudit::fetch::internal
