// The network boundary: what one fetch returns (Response) and the Fetcher interface that
// CurlFetcher implements. Everything above fetch/ sees pages only as Responses, so extractor and rule
// tests build Responses directly and integration tests use real loopback servers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fetch/credentials.h"

namespace mmaudit::fetch {

// Limits and identity for one fetch. Defaults are the documented CLI defaults.
struct FetchOptions {
  std::string user_agent;                 // sent as User-Agent; see devices.h
  long connect_timeout_ms = 10'000;       // TCP (+TLS) connect
  long total_timeout_ms = 30'000;         // whole transfer including redirects
  std::uint64_t max_body_bytes = 10ull << 20;  // decoded body; larger bodies abort with kTooLarge
  // Body bytes on the wire (before gzip/br/zstd are undone); more abort with kTooLarge, whether a
  // Content-Length announced them or they just kept coming.
  std::uint64_t max_download_bytes = 10ull << 20;
  // Status line and header lines of one response; more (headers that never end) abort with kTooLarge.
  std::uint64_t max_header_bytes = 256u << 10;
  // When positive, only this many decoded body bytes are read: the transfer then ends as a success
  // with Response::body_cut set (for robots.txt, of which only the first 512 KiB count).
  std::uint64_t cut_body_bytes = 0;
  int max_redirects = 10;
  long low_speed_bytes_per_s = 1000;      // abort a transfer slower than this ...
  long low_speed_time_s = 15;             // ... for this many seconds (a server dripping bytes)
  // Headers, cookies and basic auth sent only to credentials.origins (see credentials.h); every
  // request of a run (pages, robots.txt, sitemaps, subresources, the checkout Session) applies them.
  Credentials credentials;
  // --deny-private-networks: refuse to connect to loopback, private (RFC 1918, fc00::/7), link-local
  // and unspecified addresses. Judged on the address each socket is about to connect to, after DNS
  // resolution (fetch/network_guard.h), so a host name that resolves (or rebinds) to such an address
  // is refused too; the response's error is kBlocked.
  bool deny_private_networks = false;
  // CURLOPT_RESOLVE entries ("host:port:address"): pins a host name to an address without DNS. For
  // tests (a name that resolves to 127.0.0.1); not a user option.
  std::vector<std::string> resolve;
};

// One hop of a redirect chain.
struct Redirect {
  std::string url;     // the URL that answered with a redirect
  int status = 0;      // 301, 302, 303, 307 or 308
  std::string location;  // the absolute URL it pointed to
};

enum class FetchError {
  kNone,
  kInvalidUrl,       // not an absolute http(s) URL
  kUnsupportedScheme,
  kDns,              // host not found
  kConnect,          // refused or unreachable
  kTimeout,
  kTooLarge,         // body over max_body_bytes
  kTooManyRedirects, // chain longer than max_redirects, or a loop
  kTls,
  kProtocol,         // malformed HTTP, bad content encoding, reset connection ...
  kBlocked,          // the resolved address is private and deny_private_networks is set
  kOther,
};

// Stable machine-readable name ("dns", "timeout" ...) used in reports.
const char* FetchErrorName(FetchError e);

// Everything one fetch learned. On failure `error` is set and `error_message` says why in words a
// user understands; the other fields hold whatever was learned before the failure.
struct Response {
  std::string requested_url;
  std::string final_url;                  // after redirects
  std::vector<Redirect> redirects;        // in order; empty when none
  int status = 0;                         // final HTTP status, 0 when no response
  std::string http_version;               // "1.1", "2" ...
  std::vector<std::pair<std::string, std::string>> headers;  // final response; names lower case
  std::string body;                       // decoded (gzip/br/zstd undone)
  std::uint64_t transfer_bytes = 0;       // bytes on the wire for all hops: headers + encoded bodies
  std::uint64_t body_transfer_bytes = 0;  // encoded body bytes of the final response
  std::uint64_t decoded_bytes = 0;        // == body.size() unless the body was cut
  bool body_cut = false;                  // FetchOptions::cut_body_bytes ended the transfer early
  double ttfb_ms = 0;                     // final response: request start to first byte
  // Final response: from the request sent to its first byte (the server's time plus one round
  // trip), and the TCP handshake (one round trip; 0 on a reused connection). 0 when unknown.
  double wait_ms = 0;
  double connect_ms = 0;
  double total_ms = 0;                    // all hops, end to end
  bool from_file = false;                 // read from disk (--file): no network facts
  // What robots.txt said of this URL, when the crawler checked: nullopt when not checked.
  std::optional<bool> robots_allowed;
  std::string robots_rule;                // the deciding rule, e.g. "Disallow: /checkout"
  FetchError error = FetchError::kNone;
  std::string error_message;

  bool ok() const { return error == FetchError::kNone; }
  // The first header value with this (lower-case) name, or "".
  std::string Header(const std::string& name) const;
  // The media type of Content-Type, lower case, without parameters ("text/html").
  std::string MediaType() const;
};

// Fetches one URL with GET. Implementations are not required to be thread-safe: use one Fetcher per
// thread. Fetch never throws; failures come back in Response::error.
class Fetcher {
 public:
  virtual ~Fetcher() = default;
  virtual Response Fetch(const std::string& url) = 0;
};

}  // namespace mmaudit::fetch
