// NginxServer: serves a fixture site (the layout FixtureServer reads, see fixture_server.h) through a
// real nginx on 127.0.0.1, so tests meet real gzip, chunked responses and keep-alive connections.
//
// Start() converts the site into a temp directory (TempDir()): regular files are copied as they
// are; each canned "X.http" becomes a `location = /X` block (301/302/303/307/308 with a Location:
// `return CODE URL`, nginx writing its own small body; 200: the body file served with `alias`;
// other statuses of 300-599: `error_page CODE` to an internal location serving the body, then
// `return CODE`, so the client gets that status with the canned body; anything else: `return CODE
// "body"`). The canned Content-Type reaches the client exactly: "MEDIA; charset=X" through
// `default_type MEDIA; charset X;` (so gzip_types still sees MEDIA), any other value through
// default_type. Other canned headers become `add_header ... always`. Each "DIR/_wildcard.html"
// answers every path under /DIR/ that no file answers. It then writes nginx.conf (gzip on, keep-alive, access log with the connection
// serial number) and runs nginx as a child process in the foreground (daemon off, no master
// process), bound to a free loopback port. The destructor stops it (SIGTERM, then SIGKILL); the
// child also gets SIGTERM if the test process dies (PR_SET_PDEATHSIG).
//
// Not thread-safe: use one NginxServer from one thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mmaudit::testing {

// One line of nginx's access log.
struct NginxRequest {
  std::string method;
  std::string target;  // as sent: path and "?query", percent-encoding kept
  std::string path;    // target before "?"
  std::string query;   // target after "?", "" when none
  int status = 0;
  std::uint64_t connection = 0;           // nginx's connection serial number ($connection)
  std::uint64_t connection_requests = 0;  // the request's number on that connection, from 1
};

class NginxServer {
 public:
  explicit NginxServer(std::string site_root);
  ~NginxServer();  // stops nginx
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  // The nginx binary: $MMAUDIT_NGINX, else /usr/sbin/nginx, /usr/local/sbin/nginx or nginx on
  // PATH; "" when there is none (tests then skip).
  static std::string FindBinary();

  // Converts the site, starts nginx on a free port and waits (at most 5 s a try, a few tries when
  // the port turns out to be taken) until it answers. Returns false with *error otherwise; when
  // nginx is not installed *error says so.
  bool Start(std::string* error);
  // Stops nginx (SIGTERM, waits up to 5 s, then SIGKILL). Safe to call twice.
  void Stop();

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" + path.
  std::string Url(const std::string& path = "/") const;
  // The directory holding nginx.conf, the converted site and the logs.
  const std::string& dir() const { return dir_; }
  // The generated configuration, for failure messages.
  std::string Config() const;

  // Every request nginx has logged so far, in order. First makes sure nginx has logged every
  // request it has answered (a marker request round trip), so call it after the client is done.
  std::vector<NginxRequest> RequestedPaths();

 private:
  bool Convert(std::string* error);
  std::string BuildConfig(int port) const;
  bool Launch(int port, std::string* error, bool* port_taken);
  std::string ReadLogs() const;

  struct Canned {
    std::string path;  // "/X"
    int status = 0;
    std::string content_type;
    std::string location;
    std::vector<std::pair<std::string, std::string>> headers;  // the others, to add as they are
    std::string body_file;  // absolute; "" for redirects
    bool encoded = false;   // the canned response carries its own Content-Encoding
  };

  std::string site_root_;
  std::string binary_;
  std::string dir_;
  std::string docroot_;
  std::string token_;
  std::vector<Canned> canned_;
  std::vector<std::string> wildcard_dirs_;  // "/calendar/"
  std::vector<std::string> modules_missing_;  // "uwsgi", "scgi", ... (from nginx -V)
  pid_t pid_ = -1;
  int port_ = 0;
  int sync_counter_ = 0;
};

}  // namespace mmaudit::testing
