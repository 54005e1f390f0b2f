#include "fetch/fetcher.h"

#include "fetch/curl_common.h"

namespace mmaudit::fetch {

const char* FetchErrorName(FetchError e) {
  switch (e) {
    case FetchError::kNone: return "none";
    case FetchError::kInvalidUrl: return "invalid-url";
    case FetchError::kUnsupportedScheme: return "unsupported-scheme";
    case FetchError::kDns: return "dns";
    case FetchError::kConnect: return "connect";
    case FetchError::kTimeout: return "timeout";
    case FetchError::kTooLarge: return "too-large";
    case FetchError::kTooManyRedirects: return "too-many-redirects";
    case FetchError::kTls: return "tls";
    case FetchError::kProtocol: return "protocol";
    case FetchError::kBlocked: return "blocked-address";
    case FetchError::kOther: return "other";
  }
  return "other";
}

std::string Response::Header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

std::string Response::MediaType() const {
  return internal::MediaTypeOf(Header("content-type"));
}

}  // namespace mmaudit::fetch
