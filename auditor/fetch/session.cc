#include "fetch/session.h"

#include <curl/curl.h>

#include "fetch/curl_common.h"
#include "fetch/curl_fetcher.h"

namespace mmaudit::fetch {

std::string UrlEncodeForm(const std::vector<std::pair<std::string, std::string>>& fields) {
  auto encode = [](const std::string& s, std::string* out) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.' || c == '*') {
        out->push_back(static_cast<char>(c));
      } else if (c == ' ') {
        out->push_back('+');
      } else {
        out->push_back('%');
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
      }
    }
  };
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    encode(name, &out);
    out.push_back('=');
    encode(value, &out);
  }
  return out;
}

Session::Session(FetchOptions options) : options_(std::move(options)) {
  GlobalInit();
  CURLSH* share = curl_share_init();
  if (share != nullptr) {
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  }
  share_ = share;
}

Session::~Session() {
  if (share_ != nullptr) curl_share_cleanup(static_cast<CURLSH*>(share_));
}

Response Session::Send(const std::string& method, const std::string& url, const std::string& body,
                       const std::string& referer) {
  internal::Request request;  // (without a share, Perform reports a handle libcurl could not create)
  request.method = method;
  request.url = url;
  request.body = body;
  request.referer = referer;
  auto log = [this](const internal::Request& hop) { sent_.push_back({hop.method, hop.url, hop.body.size()}); };
  return internal::Perform(nullptr, request, options_, static_cast<CURLSH*>(share_), log);
}

Response Session::Get(const std::string& url, const std::string& referer) { return Send("GET", url, "", referer); }

Response Session::Submit(const FormSubmission& form) {
  const std::string encoded = UrlEncodeForm(form.fields);
  if (form.method == "post") return Send("POST", form.action, encoded, form.referer);
  std::string target = form.action.substr(0, form.action.find('#'));
  target = target.substr(0, target.find('?'));
  if (!encoded.empty()) target += "?" + encoded;
  return Send("GET", target, "", form.referer);
}

void Session::AddCookies(const std::vector<std::string>& lines) {
  if (share_ == nullptr || lines.empty()) return;
  CURL* easy = curl_easy_init();
  if (easy == nullptr) return;
  curl_easy_setopt(easy, CURLOPT_SHARE, static_cast<CURLSH*>(share_));
  for (const std::string& line : lines) curl_easy_setopt(easy, CURLOPT_COOKIELIST, line.c_str());
  curl_easy_cleanup(easy);
}

std::vector<std::string> Session::Cookies() const { return internal::CookieLines(static_cast<CURLSH*>(share_)); }

}  // namespace mmaudit::fetch
