// Internal to fetch/: what CurlFetcher (easy interface) and the Crawler (multi interface) share:
// configuring an easy handle for one GET, and reading the finished transfer into a Response.
#pragma once

#include <curl/curl.h>

#include <functional>
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

// A request as first sent: a GET, or a POST of an urlencoded form.
struct Request {
  std::string method = "GET";  // "GET" or "POST"
  std::string url;             // absolute
  std::string body;            // POST only, application/x-www-form-urlencoded
  std::string referer;         // sent as Referer when not empty
};

// Sends `request` on `easy` and follows redirects by hand, recording each hop in the Response, as
// CurlFetcher documents: http(s) only, at most options.max_redirects hops, a loop is an error, the
// whole chain within options.total_timeout_ms. After a 303, and after a 301 or 302 answering a POST,
// the next hop is a GET without a body (as browsers do); 307 and 308 repeat the method and body.
// With `cookie_share` (a CURLSH sharing cookies, and best also connections and DNS), each hop runs
// on a new easy handle attached to it with the cookie engine on, and `easy` is not used: libcurl
// 7.88 leaks the cookie-file list of a handle that is reset and reused. Without it, every hop reuses
// `easy`; with neither (a handle or share libcurl could not create) the Response is an error.
// `on_hop`, when set, is told each request as it is sent. Never throws.
Response Perform(CURL* easy, const Request& request, const FetchOptions& options, CURLSH* cookie_share = nullptr,
                 const std::function<void(const Request&)>& on_hop = nullptr);

// The cookies `share` holds, as Netscape cookie-file lines; empty when it holds none or libcurl
// cannot read them.
std::vector<std::string> CookieLines(CURLSH* share);

}  // namespace mmaudit::fetch::internal
