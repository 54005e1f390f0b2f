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
  easy_ = curl_easy_init();
}

Session::~Session() {
  if (easy_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(easy_));
}

Response Session::Send(const std::string& method, const std::string& url, const std::string& body,
                       const std::string& referer) {
  if (easy_ == nullptr) {
    Response r;
    r.requested_url = r.final_url = url;
    r.error = FetchError::kOther;
    r.error_message = "libcurl could not create a handle";
    return r;
  }
  internal::Request request;
  request.method = method;
  request.url = url;
  request.body = body;
  request.referer = referer;
  // An empty cookie file turns the engine on, once: curl_easy_reset keeps the engine and its cookies
  // (and setting it again on every transfer leaks in libcurl 7.88).
  auto cookies_on = [this](CURL* easy) {
    if (cookies_on_) return;
    curl_easy_setopt(easy, CURLOPT_COOKIEFILE, "");
    cookies_on_ = true;
  };
  auto log = [this](const internal::Request& hop) { sent_.push_back({hop.method, hop.url, hop.body.size()}); };
  return internal::Perform(static_cast<CURL*>(easy_), request, options_, cookies_on, log);
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

std::vector<std::string> Session::Cookies() const {
  std::vector<std::string> out;
  if (easy_ == nullptr) return out;
  struct curl_slist* list = nullptr;
  if (curl_easy_getinfo(static_cast<CURL*>(easy_), CURLINFO_COOKIELIST, &list) != CURLE_OK) return out;
  for (struct curl_slist* i = list; i != nullptr; i = i->next) out.emplace_back(i->data);
  curl_slist_free_all(list);
  return out;
}

}  // namespace mmaudit::fetch
