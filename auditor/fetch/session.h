// A browsing session, for walking a checkout the way one shopper does: one cookie engine for all
// requests (the cart lives in a session cookie), GETs and form submissions, redirects followed by
// hand and recorded (see internal::Perform: a POST answered with 303 continues as a GET), and a log
// of every request sent, so a report can show exactly what the walk did.
//
// Session does not decide what is safe to submit: its caller (the checkout walk) does, before it
// calls Submit. A Session must be used from one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fetch/fetcher.h"

namespace mmaudit::fetch {

// A form as a browser would submit it.
struct FormSubmission {
  std::string method = "get";  // "get" or "post" (as in the form's method attribute, lower case)
  std::string action;          // absolute URL
  std::vector<std::pair<std::string, std::string>> fields;  // in document order; names may repeat
  std::string referer;         // the page the form is on
};

// One request the session sent (each hop of a redirect chain is one).
struct SentRequest {
  std::string method;  // "GET" or "POST"
  std::string url;
  std::size_t body_bytes = 0;
};

// application/x-www-form-urlencoded: names and values percent-encoded, spaces as "+".
std::string UrlEncodeForm(const std::vector<std::pair<std::string, std::string>>& fields);

class Session {
 public:
  explicit Session(FetchOptions options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // GET `url` (absolute), with the session's cookies. Failures come back in Response::error.
  Response Get(const std::string& url, const std::string& referer = "");
  // Submits `form`: a GET with the fields as the query (replacing the action's query, as browsers
  // do), or a POST with an urlencoded body. Failures come back in Response::error.
  Response Submit(const FormSubmission& form);

  // Every request sent so far, in order.
  const std::vector<SentRequest>& sent() const { return sent_; }
  // The session's cookies as libcurl keeps them (Netscape cookie-file lines).
  std::vector<std::string> Cookies() const;
  // Adds cookies in that form (e.g. the crawl's jar, fetch::CrawlResult::cookies) to the session's
  // jar; lines libcurl cannot read are ignored.
  void AddCookies(const std::vector<std::string>& lines);

 private:
  Response Send(const std::string& method, const std::string& url, const std::string& body,
                const std::string& referer);

  FetchOptions options_;
  void* share_ = nullptr;  // CURLSH*, owned: the session's cookies, connections and DNS cache
  std::vector<SentRequest> sent_;
};

}  // namespace mmaudit::fetch
