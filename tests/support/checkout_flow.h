// CheckoutFlow: the scripted shop behind a fixture storefront, read from fixtures/shops/NAME/flow.json
// (beside site/). It gives each client a session (a cookie set on first contact) holding flags such
// as "cart" or "address", and answers requests by method and path: serve a page, redirect, set or
// clear flags, validate POSTed form fields and re-serve the step page with visible errors, and record
// every request that reaches a route marked as order placement or subscription. The format is
// documented in fixtures/README.md ("Scripted checkout flows").
//
// Thread-safety: Load() once; Handle() may then be called from many threads at once.
#pragma once

#include <httplib.h>

#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mmaudit::testing {

// A request that reached a route recorded as "order" (places an order, pays) or "subscription".
struct RecordedOrder {
  std::string kind;     // "order" or "subscription"
  std::string method;
  std::string path;
  std::string query;    // raw, without "?"
  std::string body;
  std::vector<std::pair<std::string, std::string>> fields;  // query and body, decoded, in order
  std::string session;  // the session id, "" when the client sent none
  bool accepted = false;  // it passed the route's guards and validation (an order was placed)
};

// Decoded name/value pairs of an application/x-www-form-urlencoded string ("a=1&b=x+y").
std::vector<std::pair<std::string, std::string>> ParseUrlEncoded(std::string_view s);

class CheckoutFlow {
 public:
  CheckoutFlow();
  ~CheckoutFlow();
  CheckoutFlow(const CheckoutFlow&) = delete;
  CheckoutFlow& operator=(const CheckoutFlow&) = delete;

  // Reads `flow_json`; files named by routes are relative to `site_root`. Returns nullptr with
  // *error ("flow.json: ...") when the file is not valid.
  static std::unique_ptr<CheckoutFlow> Load(const std::string& flow_json, const std::string& site_root,
                                            std::string* error);

  // Makes sure the client has a session (setting the cookie on `res` when it had none), then answers
  // the request when a route matches. Returns false when no route matches: the caller serves files.
  bool Handle(const httplib::Request& req, httplib::Response& res);

  // True when `file` (a path under the site root) is served by a route, so it must not also be
  // reachable as a static file.
  bool ServesFile(const std::string& file) const;

  // The Content-Type for HTML pages: "text/html; charset=CHARSET" when flow.json names a charset,
  // else "text/html" (the page's own <meta charset> decides).
  const std::string& html_content_type() const { return html_content_type_; }

  std::vector<RecordedOrder> Recorded(const std::string& kind) const;
  std::size_t route_count() const;

  // A field that failed validation and the message shown for it.
  struct Failure {
    std::string field;
    std::string message;
  };

 private:
  struct Route;
  struct Rule;
  struct Request;

  bool Matches(const Route& route, const Request& r) const;
  void Answer(const Route& route, Request& r, httplib::Response& res);
  void ServeRouteFile(const std::string& file, int status, const std::vector<Failure>& failed,
                      httplib::Response& res) const;
  void Redirect(const std::string& location, int status, const Request& r, httplib::Response& res) const;
  std::string SessionOf(const httplib::Request& req, httplib::Response& res);

  std::string site_root_;
  std::string cookie_name_ = "session";
  std::string charset_;
  std::string html_content_type_ = "text/html";
  std::string errors_list_ = "<ul class=\"errors\" role=\"alert\">{items}</ul>";
  std::string errors_item_ = "<li>{message}</li>";
  std::string errors_field_ = "<div class=\"field-error\">{message}</div>";
  std::vector<std::unique_ptr<Route>> routes_;
  std::set<std::string> served_files_;  // canonical paths of files that routes serve

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::set<std::string>> sessions_;  // id -> flags
  std::vector<RecordedOrder> recorded_;
  std::mt19937_64 session_ids_;  // session ids, random like a real shop's
};

}  // namespace mmaudit::testing
