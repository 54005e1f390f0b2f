// HostileServer: a loopback HTTP/1.1 server on raw sockets that misbehaves on purpose, for the
// hostile-server suite (tests/hostile_server_test.cc). cpp-httplib cannot lie about a length, stall
// inside the headers or reset a connection mid-body; this server does, one endpoint per misbehaviour.
// It binds 127.0.0.1 only, at a free port. Big bodies are generated while they are sent, never held
// in memory: a client that stops reading (closes, or hits its limit) ends the generation.
//
// Well-behaved paths:
//   /            a small storefront page linking to /ok/a, /ok/b and to every path in Options::links
//   /ok/<x>      a small valid page (the "other pages" a crawl must still audit)
//   /l/<x>       a tiny valid page (targets of /links)
//   /robots.txt  "Allow: /" with a Sitemap line when Options::sitemap is set; Options::robots picks a
//                hostile one
//   /sitemap.xml 404 unless Options::sitemap is set
// Misbehaving paths (each answered with "Connection: close"):
//   /drip                 200 with Content-Length 1000, then one body byte per second
//   /endless-headers      a status line, then header lines for ever, never the blank line
//   /endless-chunked      a chunked HTML body that never ends
//   /gzip-bomb            Content-Encoding: gzip; 1 GB of HTML decoded from about 1 MB
//   /brotli-bomb          Content-Encoding: br; 1 GB of HTML decoded from a few KB
//   /loop-a, /loop-b      redirects to each other
//   /chain/<n>            redirects to /chain/<n+1> until /chain/50, a page
//   /cl-short             Content-Length 100000, 1000 bytes sent, then the connection closes
//   /cl-long              Content-Length 200, a body of 5000 bytes sent
//   /reset                Content-Length 100000, 5000 bytes, then a TCP reset
//   /empty                200 text/html with an empty body
//   /charset-unknown      declares charset=x-unknown-42, body in windows-1251
//   /charset-wrong        declares charset=utf-8, body in windows-1251
//   /big                  a 50 MB page with its Content-Length
//   /big-chunked          a 50 MB page, chunked (no length announced)
//   /deep                 elements nested 100,000 levels deep
//   /links                100,000 links to /l/<n>
//   /long-line            one 10,000,000-byte line of text
//   /bad-bytes            invalid UTF-8 sequences and NUL bytes in the markup
//   /json-ld-bomb         a JSON-LD block of 5 MB nested 2.5 million levels deep
//   /microdata-bomb       microdata items shared by 8 itemprop names, nested 10 levels, and 500
//                         nested itemprop elements around one 5 MB text
//   /cookies              10,000 Set-Cookie headers
//   /trap/<n>             a page linking to 200 new unique /trap/ URLs, for ever
//   /to-file, /to-gopher  302 to file:///etc/passwd and to gopher://127.0.0.1:<port>/
//   /silent               accepts, reads the request, never answers
// Hostile robots.txt (Options::robots = "huge"): 10 MB, whose last line disallows /ok/.
// Hostile sitemaps (Options::sitemap = "bomb"): /sitemap.xml is an index listing itself,
// /sitemap-nest/1 (which lists /sitemap-nest/2, and so on) and /sitemap-million.xml, a gzip-encoded
// urlset of 1,000,000 URLs.
//
// Thread-safety: set options before Start(); Stop() (also run by the destructor) ends every
// connection and joins every thread.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mmaudit::testing {

class HostileServer {
 public:
  struct Options {
    std::vector<std::string> links;  // paths the index links to, after /ok/a and /ok/b
    std::string robots = "normal";   // "normal" or "huge"
    std::string sitemap;             // "" (404) or "bomb"
  };

  explicit HostileServer(Options options);
  ~HostileServer();
  HostileServer(const HostileServer&) = delete;
  HostileServer& operator=(const HostileServer&) = delete;

  // Binds 127.0.0.1 at a free port and starts accepting. False with *error set on failure.
  bool Start(std::string* error);
  void Stop();

  int port() const { return port_; }
  std::string Url(const std::string& path) const;  // "http://127.0.0.1:PORT" + path

 private:
  void AcceptLoop();
  void Serve(int fd);

  Options options_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> open_fds_;         // connections in flight, shut down by Stop()
  std::vector<std::thread> workers_;  // one per connection
};

}  // namespace mmaudit::testing
