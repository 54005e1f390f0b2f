#include "fetch/curl_common.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <set>

#include "core/text.h"
#include "core/url.h"
#include "fetch/network_guard.h"

namespace mmaudit::fetch::internal {
namespace {

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  if (t->received + n > t->max_body) {
    t->too_large = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  if (!t->store_limit_asked) {
    t->store_limit_asked = true;
    if (t->store_limit) t->store_max = t->store_limit(*t);
  }
  t->received += n;
  if (t->body.size() < t->store_max)
    t->body.append(data, static_cast<size_t>(std::min<std::uint64_t>(n, t->store_max - t->body.size())));
  if (t->cut_at > 0 && t->body.size() >= t->cut_at) {
    t->body.resize(static_cast<size_t>(t->cut_at));
    t->cut = true;
    return 0;  // enough read: libcurl stops with CURLE_WRITE_ERROR, which ReadTransfer forgives
  }
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  t->header_bytes += n;
  if (t->header_bytes > t->max_header_bytes) {
    t->headers_too_large = true;
    return 0;  // headers that never end: libcurl stops with CURLE_WRITE_ERROR
  }
  std::string_view line(data, n);
  if (text::StartsWith(line, "HTTP/")) {
    t->headers.clear();  // a new response (1xx, or the next hop)
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  if (t->headers.size() < 500)  // a header flood is cut, not stored
    t->headers.emplace_back(text::AsciiLower(text::Trim(line.substr(0, colon))),
                            std::string(text::Trim(line.substr(colon + 1))));
  return n;
}

// Counts the body bytes on the wire (dlnow is before content decoding) against the limit.
int OnProgress(void* user, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (dlnow > 0 && static_cast<std::uint64_t>(dlnow) > t->max_download) {
    t->download_too_large = true;
    return 1;  // CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

// Opens every socket libcurl connects, after judging its address when private networks are denied.
curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, struct curl_sockaddr* a) {
  auto* t = static_cast<Transfer*>(user);
  if (t->deny_private) {
    if (auto why = PrivateAddressReason(&a->addr, a->addrlen)) {
      t->blocked = *why;
      return CURL_SOCKET_BAD;  // libcurl tries the next address, or fails with CURLE_COULDNT_CONNECT
    }
  }
  return socket(a->family, a->socktype, a->protocol);
}

FetchError Classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return FetchError::kDns;
    case CURLE_COULDNT_CONNECT: return FetchError::kConnect;
    case CURLE_OPERATION_TIMEDOUT: return FetchError::kTimeout;
    case CURLE_FILESIZE_EXCEEDED: return FetchError::kTooLarge;
    case CURLE_UNSUPPORTED_PROTOCOL: return FetchError::kUnsupportedScheme;
    case CURLE_URL_MALFORMAT: return FetchError::kInvalidUrl;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER: return FetchError::kTls;
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return FetchError::kProtocol;
    default: return FetchError::kOther;
  }
}

std::string HttpVersionName(long v) {
  switch (v) {
    case CURL_HTTP_VERSION_1_0: return "1.0";
    case CURL_HTTP_VERSION_1_1: return "1.1";
    case CURL_HTTP_VERSION_2_0: return "2";
    case CURL_HTTP_VERSION_3: return "3";
    default: return "";
  }
}

}  // namespace

void ConfigureEasy(CURL* easy, const std::string& url, const FetchOptions& o, Transfer* t, long timeout_ms) {
  t->max_body = o.max_body_bytes;
  curl_easy_reset(easy);
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, o.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl decodes
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, o.connect_timeout_ms);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : o.total_timeout_ms);
  if (o.low_speed_bytes_per_s > 0 && o.low_speed_time_s > 0) {
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, o.low_speed_bytes_per_s);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, o.low_speed_time_s);
  }
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o.max_download_bytes));
  t->max_download = o.max_download_bytes;
  t->cut_at = o.cut_body_bytes;
  t->cut = false;
  t->max_header_bytes = o.max_header_bytes;
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, t);
  t->deny_private = o.deny_private_networks;
  t->blocked.clear();
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, t);
  curl_slist_free_all(t->resolve);
  t->resolve = nullptr;
  for (const std::string& entry : o.resolve) t->resolve = curl_slist_append(t->resolve, entry.c_str());
  if (t->resolve != nullptr) curl_easy_setopt(easy, CURLOPT_RESOLVE, t->resolve);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);  // prefer multiplexing on an HTTP/2 connection
  curl_slist_free_all(t->request_headers);
  t->request_headers = nullptr;
  // Credentials go to the audited origins only; a redirect's next hop is configured (and judged)
  // anew, and libcurl never passes basic auth on to another host by itself.
  curl_easy_setopt(easy, CURLOPT_UNRESTRICTED_AUTH, 0L);
  const Credentials& c = o.credentials;
  const bool credentials = c.Any() && c.AppliesTo(url);
  auto user_sets = [&](std::string_view name) {
    return credentials && std::any_of(c.headers.begin(), c.headers.end(),
                                      [&](const auto& h) { return text::EqualsIgnoreCase(h.first, name); });
  };
  if (!user_sets("Accept"))
    t->request_headers = curl_slist_append(
        t->request_headers, "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
  if (!user_sets("Accept-Language"))
    t->request_headers = curl_slist_append(t->request_headers, "Accept-Language: en;q=0.9,*;q=0.5");
  if (credentials) {
    // "Name;" is libcurl's way to send a header with an empty value ("Name:" would remove it).
    for (const auto& [name, value] : c.headers)
      t->request_headers =
          curl_slist_append(t->request_headers, (value.empty() ? name + ";" : name + ": " + value).c_str());
    const std::string cookie = c.CookieHeaderFor(url, static_cast<std::int64_t>(std::time(nullptr)));
    if (!cookie.empty()) curl_easy_setopt(easy, CURLOPT_COOKIE, cookie.c_str());  // merged with the jar's
    if (c.basic) {
      curl_easy_setopt(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      curl_easy_setopt(easy, CURLOPT_USERNAME, c.basic->first.c_str());
      curl_easy_setopt(easy, CURLOPT_PASSWORD, c.basic->second.c_str());
    }
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->request_headers);
}

std::string ReadTransfer(CURL* easy, CURLcode code, Transfer* t, const FetchOptions& o, Response* r) {
  long status = 0, version = 0, header_bytes = 0;
  curl_off_t body_bytes = 0, ttfb_us = 0, total_us = 0, pretransfer_us = 0, connect_us = 0, lookup_us = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
  curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &body_bytes);
  curl_easy_getinfo(easy, CURLINFO_HEADER_SIZE, &header_bytes);
  curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &ttfb_us);
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_us);
  curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
  curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl_easy_getinfo(easy, CURLINFO_NAMELOOKUP_TIME_T, &lookup_us);
  r->status = static_cast<int>(status);
  r->http_version = HttpVersionName(version);
  r->headers = std::move(t->headers);
  r->transfer_bytes += static_cast<std::uint64_t>(header_bytes) + static_cast<std::uint64_t>(body_bytes);
  r->body_transfer_bytes = static_cast<std::uint64_t>(body_bytes);
  r->ttfb_ms = static_cast<double>(ttfb_us) / 1000.0;
  r->wait_ms = ttfb_us > pretransfer_us ? static_cast<double>(ttfb_us - pretransfer_us) / 1000.0 : 0;
  r->connect_ms = connect_us > lookup_us ? static_cast<double>(connect_us - lookup_us) / 1000.0 : 0;
  r->total_ms += static_cast<double>(total_us) / 1000.0;
  r->body = std::move(t->body);
  r->decoded_bytes = std::max<std::uint64_t>(t->received, r->body.size());
  r->body_cut = t->cut;
  if (code == CURLE_WRITE_ERROR && t->cut) code = CURLE_OK;  // stopped on purpose, with what was wanted
  if (code != CURLE_OK) {
    if (!t->blocked.empty()) {
      r->error = FetchError::kBlocked;
      r->error_message = "refused to connect: " + t->blocked + " and --deny-private-networks is set";
    } else if (t->headers_too_large) {
      r->error = FetchError::kTooLarge;
      r->error_message = "response headers exceed the limit of " + std::to_string(o.max_header_bytes) + " bytes";
    } else if (t->too_large) {
      r->error = FetchError::kTooLarge;
      r->error_message = "decoded response body exceeds the limit of " + std::to_string(o.max_body_bytes) +
                         " bytes (--max-body)";
    } else if (t->download_too_large || code == CURLE_FILESIZE_EXCEEDED) {
      r->error = FetchError::kTooLarge;
      r->error_message = "response body exceeds the limit of " + std::to_string(o.max_download_bytes) +
                         " bytes on the wire (--max-download)";
    } else {
      r->error = Classify(code);
      r->error_message = t->errbuf[0] ? t->errbuf : curl_easy_strerror(code);
    }
    return {};
  }
  const bool is_redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  char* location = nullptr;
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location);
  return is_redirect && location != nullptr ? std::string(location) : std::string();
}

std::vector<std::string> CookieLines(CURLSH* share) {
  std::vector<std::string> out;
  CURL* reader = share != nullptr ? curl_easy_init() : nullptr;
  if (reader == nullptr) return out;
  curl_easy_setopt(reader, CURLOPT_SHARE, share);
  struct curl_slist* list = nullptr;
  if (curl_easy_getinfo(reader, CURLINFO_COOKIELIST, &list) == CURLE_OK) {
    for (struct curl_slist* i = list; i != nullptr; i = i->next) out.emplace_back(i->data);
    curl_slist_free_all(list);
  }
  curl_easy_cleanup(reader);
  return out;
}

std::string MediaTypeOf(std::string_view content_type) {
  const auto semi = content_type.find(';');
  if (semi != std::string_view::npos) content_type = content_type.substr(0, semi);
  return text::AsciiLower(text::Trim(content_type));
}

std::optional<Request> FirstHop(const Request& request, Response* r) {
  r->requested_url = request.url;
  r->final_url = request.url;
  auto normalized = url::Normalize(request.url);
  if (!normalized || !url::Parse(*normalized)) {
    r->error = FetchError::kInvalidUrl;
    r->error_message = "not a valid absolute URL: " + request.url;
    return std::nullopt;
  }
  if (!url::IsHttp(*normalized)) {
    r->error = FetchError::kUnsupportedScheme;
    r->error_message = "only http:// and https:// URLs can be fetched: " + request.url;
    return std::nullopt;
  }
  Request hop = request;
  hop.url = *normalized;
  return hop;
}

bool ConfigureHop(CURL* h, const Request& hop, const FetchOptions& o, Clock::time_point started, Transfer* t,
                  Response* r) {
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  const long remaining_ms = o.total_timeout_ms - static_cast<long>(elapsed_ms);
  if (remaining_ms <= 0) {
    r->error = FetchError::kTimeout;
    r->error_message = "timed out after " + std::to_string(o.total_timeout_ms) + " ms following redirects";
    return false;
  }
  ConfigureEasy(h, hop.url, o, t, remaining_ms);
  if (hop.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(hop.body.size()));
    curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, hop.body.c_str());
    // No "Expect: 100-continue" for bodies over 1 KiB: servers that ignore it cost a second's wait.
    t->request_headers = curl_slist_append(t->request_headers, "Expect:");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, t->request_headers);
  }
  if (!hop.referer.empty()) curl_easy_setopt(h, CURLOPT_REFERER, hop.referer.c_str());
  return true;
}

std::optional<Request> NextHop(const Request& hop, const std::string& location, const FetchOptions& o,
                               std::set<std::string>* seen, Response* r) {
  seen->insert(hop.method + " " + hop.url);
  r->body.clear();  // a redirect's body is not the page
  r->decoded_bytes = 0;
  auto next = url::Normalize(location);
  r->redirects.push_back({hop.url, r->status, next ? *next : location});
  if (!next || !url::IsHttp(*next)) {
    r->error = FetchError::kUnsupportedScheme;
    r->error_message = "redirect to a URL that is not http(s): " + location;
    return std::nullopt;
  }
  const bool keep_method = r->status == 307 || r->status == 308;
  Request following;
  following.method = keep_method ? hop.method : "GET";
  following.body = keep_method ? hop.body : std::string();
  following.url = *next;
  following.referer = hop.referer;
  if (seen->count(following.method + " " + following.url) != 0) {
    r->error = FetchError::kTooManyRedirects;
    r->error_message = "redirect loop: " + *next + " was already visited";
    return std::nullopt;
  }
  if (static_cast<int>(r->redirects.size()) > o.max_redirects) {
    r->error = FetchError::kTooManyRedirects;
    r->error_message = "more than " + std::to_string(o.max_redirects) + " redirects";
    return std::nullopt;
  }
  return following;
}

Response Perform(CURL* easy, const Request& request, const FetchOptions& o, CURLSH* cookie_share,
                 const std::function<void(const Request&)>& on_hop) {
  Response r;
  std::optional<Request> hop = FirstHop(request, &r);
  const auto started = Clock::now();
  std::set<std::string> seen;
  while (hop) {
    // A handle of this hop's own when cookies are shared (see the header), else `easy`.
    std::unique_ptr<CURL, void (*)(CURL*)> own(cookie_share != nullptr ? curl_easy_init() : nullptr, curl_easy_cleanup);
    CURL* h = cookie_share != nullptr ? own.get() : easy;
    if (h == nullptr) {
      r.error = FetchError::kOther;
      r.error_message = "libcurl could not create a handle";
      return r;
    }
    Transfer t;
    if (!ConfigureHop(h, *hop, o, started, &t, &r)) return r;
    if (cookie_share != nullptr) {
      curl_easy_setopt(h, CURLOPT_SHARE, cookie_share);
      curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");  // switches the cookie engine on
    }
    if (on_hop) on_hop(*hop);
    const CURLcode code = curl_easy_perform(h);
    r.final_url = hop->url;
    const std::string location = ReadTransfer(h, code, &t, o, &r);
    if (!r.ok() || location.empty()) return r;
    hop = NextHop(*hop, location, o, &seen, &r);
  }
  return r;
}

}  // namespace mmaudit::fetch::internal
