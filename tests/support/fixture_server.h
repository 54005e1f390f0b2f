// FixtureServer: an embedded HTTP server (cpp-httplib) that serves a test storefront on 127.0.0.1
// at a free port, for tests and for ci/demo. It binds loopback only.
//
// Site layout (fixtures/shops/NAME/site/): "/" serves index.html; "/a/b" serves a/b.html, else
// a/b/index.html, else the file a/b itself, with a Content-Type from its extension. A file
// "a/b.http" (or "a/b/index.http", for a path ending in "/") is a canned response and wins over the rest: its first line is "STATUS REASON", then
// header lines, a blank line and the body (the format is documented in fixtures/README.md); it is
// sent byte for byte as written (binary bodies too), never compressed by the server. Other text
// files are compressed (br or gzip) when the client accepts it, as cpp-httplib does.
// A file "DIR/_wildcard.html" answers every path under DIR that nothing else answers (for
// crawler traps). The query string is ignored when finding files.
//
// A shop with a fixtures/shops/NAME/flow.json beside its site/ folder also runs that scripted
// checkout (tests/support/checkout_flow.h): sessions in a cookie, routes by method and path, form
// validation, redirects. Its routes are tried after Route() handlers and before the files.
//
// Every request is recorded. Requests that would place an order (a POST whose path looks like order
// placement or payment) are counted separately so tests can assert there were none; a flow's routes
// marked as order placement or subscription record every request that reaches them (Orders(),
// Subscriptions()).
//
// Thread-safety: Route() must be called before Start(); everything else may be called from any
// thread while the server runs.
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/checkout_flow.h"

namespace mmaudit::testing {

struct RecordedRequest {
  std::string method;
  std::string path;
  std::string query;  // raw, without "?"
  std::string body;
  std::string user_agent;
  std::string accept_encoding;
  std::string cookie;
  // Every request header as received (names lower case; repeated headers each once), for tests of
  // what a request carried (credentials, custom headers).
  std::vector<std::pair<std::string, std::string>> headers;
  double at_ms = 0;  // when it arrived, in ms since the server started
};

class FixtureServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  // `site_root` may be "" for a server with programmatic routes only. A flow.json in the folder
  // above `site_root` is loaded; when it is invalid, Start() fails with its error.
  explicit FixtureServer(std::string site_root);
  ~FixtureServer();  // stops the server and joins its thread
  FixtureServer(const FixtureServer&) = delete;
  FixtureServer& operator=(const FixtureServer&) = delete;

  // A handler for requests to exactly `path` (any method), tried before the files.
  void Route(const std::string& path, Handler handler);

  // Binds 127.0.0.1 on a free port (or `port` when non-zero) and starts serving in a background
  // thread. Returns false with *error when binding fails.
  bool Start(std::string* error, int port = 0);
  void Stop();

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" + path.
  std::string Url(const std::string& path = "/") const;

  std::vector<RecordedRequest> Requests() const;
  // Requests that look like placing an order or paying: a POST to a path containing "complete",
  // "place", "order", "pay" or "submit" (case-insensitive), except add-to-cart and cart updates.
  std::vector<RecordedRequest> OrderAttempts() const;
  // Whether a request matches the rule of OrderAttempts.
  static bool IsOrderAttempt(const RecordedRequest& r);

  // Requests that reached a flow route marked "record": "order" (placing an order or paying), or
  // "record": "subscription" (a newsletter sign-up), whether or not they passed validation. Empty
  // for a shop without flow.json.
  std::vector<RecordedOrder> Orders() const;
  std::vector<RecordedOrder> Subscriptions() const;
  // The shop's flow, or nullptr when it has no flow.json.
  const CheckoutFlow* flow() const { return flow_.get(); }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res);
  void ServeFile(const std::string& path, httplib::Response& res);

  std::string root_;
  std::unique_ptr<CheckoutFlow> flow_;
  std::string flow_error_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::vector<std::pair<std::string, Handler>> routes_;
  mutable std::mutex mu_;
  std::vector<RecordedRequest> requests_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// Content-Type for a file name, by extension ("text/html; charset=utf-8" for .html).
std::string ContentTypeFor(const std::string& path);

// The whole file at `path` into *out; false when it is not a readable regular file.
bool ReadWholeFile(const std::string& path, std::string* out);

// The request's raw query string, without "?" ("" when there is none).
std::string RawQuery(const httplib::Request& req);

}  // namespace mmaudit::testing
