// Internal to fetch/: what CurlFetcher (easy interface) and the Crawler (multi interface) share:
// configuring an easy handle for one GET, and reading the finished transfer into a Response.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fetch/fetcher.h"

namespace mmaudit::fetch::internal {

// The buffers one transfer writes into; must outlive the transfer.
struct Transfer {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // of the last response
  std::uint64_t max_body = 0;        // decoded bytes beyond this abort the transfer (kTooLarge)
  std::uint64_t received = 0;        // decoded body bytes received, stored or not
  // When set, asked once as the body starts (the final response's headers are in `headers`) how
  // many body bytes to store; the rest is counted in `received` but not kept.
  std::function<std::uint64_t(const Transfer&)> store_limit;
  std::uint64_t store_max = std::numeric_limits<std::uint64_t>::max();
  bool store_limit_asked = false;
  bool too_large = false;
  std::uint64_t cut_at = 0;          // when positive: stop, successfully, after this many stored bytes
  bool cut = false;                  // it did
  std::uint64_t max_download = std::numeric_limits<std::uint64_t>::max();  // body bytes on the wire
  bool download_too_large = false;   // aborted: more than max_download bytes on the wire
  std::uint64_t max_header_bytes = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t header_bytes = 0;    // of every response of the transfer (1xx included)
  bool headers_too_large = false;    // aborted: more than max_header_bytes of headers
  bool deny_private = false;         // refuse sockets to private addresses (network_guard.h)
  std::string blocked;               // why a socket was refused, "" when none was
  char errbuf[CURL_ERROR_SIZE] = {0};
  struct curl_slist* request_headers = nullptr;  // owned; freed by ~Transfer
  struct curl_slist* resolve = nullptr;          // owned; CURLOPT_RESOLVE entries
  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    curl_slist_free_all(request_headers);
    curl_slist_free_all(resolve);
  }
};

// Resets `easy` and sets it up for a GET of `url` with the options' identity, encodings, timeouts
// and limits, writing into `t`. Redirects are not followed (callers record each hop). `timeout_ms`
// overrides options.total_timeout_ms when positive. When `url` is on one of options.credentials'
// origins, the request carries its headers (a user's Accept or Accept-Language replaces ours), its
// cookies (CURLOPT_COOKIE, merged with a cookie engine's) and basic auth; otherwise none of them.
// CURLOPT_UNRESTRICTED_AUTH is off, so even a handle that follows redirects itself sends no basic
// auth to another host (custom headers and CURLOPT_COOKIE it would: such callers must not follow).
// Only http and https are allowed, for the request and any redirect libcurl follows itself
// (CURLOPT_PROTOCOLS_STR, CURLOPT_REDIR_PROTOCOLS_STR). The limits of options (max_body_bytes
// decoded, max_download_bytes on the wire, max_header_bytes) abort the transfer; with
// options.deny_private_networks every socket's address is judged before it connects.
void ConfigureEasy(CURL* easy, const std::string& url, const FetchOptions& options, Transfer* t, long timeout_ms = 0);

// Fills `r` from a finished transfer: status, version, headers, body (decoded_bytes counts what was
// received, stored or not), byte counts and timings of this hop (adding to r->transfer_bytes and
// r->total_ms), and an error for a failed one. Returns the redirect target when the response is a
// redirect with a Location (else "").
std::string ReadTransfer(CURL* easy, CURLcode code, Transfer* t, const FetchOptions& options, Response* r);

// A request as first sent: a GET, or a POST of an urlencoded form.
struct Request {
  std::string method = "GET";  // "GET" or "POST"
  std::string url;             // absolute
  std::string body;            // POST only, application/x-www-form-urlencoded
  std::string referer;         // sent as Referer when not empty
};

// The media type of a Content-Type value, lower case, without parameters ("text/html").
std::string MediaTypeOf(std::string_view content_type);

// The steps of a redirect chain followed by hand, for Perform (easy interface) and for callers that
// run each hop on the multi interface.
using Clock = std::chrono::steady_clock;

// Starts the Response of `request`: requested_url and final_url, and the normalised first hop, or
// nullopt with r's error set when the URL is not a valid absolute http(s) URL.
std::optional<Request> FirstHop(const Request& request, Response* r);

// Sets up `h` (reset) for `hop` with what remains since `started` of options.total_timeout_ms: the
// GET or POST, the referer. Returns false with r's error set when no time remains.
bool ConfigureHop(CURL* h, const Request& hop, const FetchOptions& options, Clock::time_point started, Transfer* t,
                  Response* r);

// After `hop` (already read into `r` by ReadTransfer) answered with a redirect to `location`:
// records it in r->redirects, drops the redirect's body, and returns the next hop by browsers' rules
// for the method, or nullopt with r's error set (not http(s), a loop, more than max_redirects).
// `seen` holds the hops of this chain so far.
std::optional<Request> NextHop(const Request& hop, const std::string& location, const FetchOptions& options,
                               std::set<std::string>* seen, Response* r);

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
