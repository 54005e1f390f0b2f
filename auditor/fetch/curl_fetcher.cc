#include "fetch/curl_fetcher.h"

#include <curl/curl.h>

#include <chrono>
#include <mutex>
#include <set>

#include "core/text.h"
#include "core/url.h"

namespace mmaudit::fetch {
namespace {

struct Transfer {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::uint64_t max_body = 0;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  if (t->body.size() + n > t->max_body) {
    t->too_large = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  t->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  std::string_view line(data, n);
  if (text::StartsWith(line, "HTTP/")) {
    t->headers.clear();  // a new response (1xx, or the next hop)
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  t->headers.emplace_back(text::AsciiLower(text::Trim(line.substr(0, colon))),
                          std::string(text::Trim(line.substr(colon + 1))));
  return n;
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
  for (int hop = 0;; ++hop) {
    const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started).count();
    const long remaining_ms = o.total_timeout_ms - static_cast<long>(elapsed_ms);
    if (remaining_ms <= 0) {
      r.error = FetchError::kTimeout;
      r.error_message = "timed out after " + std::to_string(o.total_timeout_ms) + " ms following redirects";
      return r;
    }
    seen.insert(current);
    Transfer t;
    t.max_body = o.max_body_bytes;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_reset(easy);
    curl_easy_setopt(easy, CURLOPT_URL, current.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, o.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl can decode
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, o.connect_timeout_ms);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, remaining_ms);
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o.max_body_bytes));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    struct curl_slist* req_headers = nullptr;
    req_headers = curl_slist_append(req_headers, "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    req_headers = curl_slist_append(req_headers, "Accept-Language: en;q=0.9,*;q=0.5");
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, req_headers);

    const CURLcode code = curl_easy_perform(easy);
    curl_slist_free_all(req_headers);

    long status = 0, version = 0;
    curl_off_t body_bytes = 0, ttfb_us = 0, total_us = 0;
    long header_bytes = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
    curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &body_bytes);
    curl_easy_getinfo(easy, CURLINFO_HEADER_SIZE, &header_bytes);
    curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &ttfb_us);
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_us);
    r.final_url = current;
    r.status = static_cast<int>(status);
    r.http_version = HttpVersionName(version);
    r.headers = std::move(t.headers);
    r.transfer_bytes += static_cast<std::uint64_t>(header_bytes) + static_cast<std::uint64_t>(body_bytes);
    r.body_transfer_bytes = static_cast<std::uint64_t>(body_bytes);
    r.ttfb_ms = static_cast<double>(ttfb_us) / 1000.0;
    r.total_ms += static_cast<double>(total_us) / 1000.0;

    if (code != CURLE_OK) {
      if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
        r.error = FetchError::kTooLarge;
        r.error_message = "response body exceeds the limit of " + std::to_string(o.max_body_bytes) + " bytes";
      } else {
        r.error = Classify(code);
        r.error_message = std::string(errbuf[0] ? errbuf : curl_easy_strerror(code));
      }
      r.body = std::move(t.body);
      r.decoded_bytes = r.body.size();
      return r;
    }

    char* location = nullptr;
    curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location);
    const bool is_redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    if (!is_redirect || location == nullptr) {
      r.body = std::move(t.body);
      r.decoded_bytes = r.body.size();
      return r;
    }
    auto next = url::Normalize(location);
    r.redirects.push_back({current, static_cast<int>(status), next ? *next : std::string(location)});
    if (!next || !url::IsHttp(*next)) {
      r.error = FetchError::kUnsupportedScheme;
      r.error_message = "redirect to a URL that is not http(s): " + std::string(location);
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
