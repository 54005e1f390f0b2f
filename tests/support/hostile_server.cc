#include "tests/support/hostile_server.h"

#include <arpa/inet.h>
#include <brotli/encode.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstring>
#include <functional>

namespace mmaudit::testing {
namespace {

constexpr const char* kHead =
    "<!doctype html><html lang=en><head><meta charset=utf-8>"
    "<meta name=viewport content=\"width=device-width, initial-scale=1\">";

std::string Page(const std::string& title, const std::string& body) {
  return std::string(kHead) + "<title>" + title + "</title></head><body><h1>" + title + "</h1>" + body + "</body></html>";
}

// One connection's socket, with sends that give up when the peer goes away or the server stops.
class Conn {
 public:
  Conn(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}

  // Sends all of `data`; false when the peer closed, the connection failed or the server stops.
  bool Send(std::string_view data) {
    while (!data.empty()) {
      if (stop_) return false;
      pollfd p{fd_, POLLOUT, 0};
      const int ready = poll(&p, 1, 100);
      if (ready < 0) return false;
      if (ready == 0) continue;
      if ((p.revents & (POLLERR | POLLHUP)) != 0) return false;
      const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  bool Chunk(std::string_view data) {
    if (data.empty()) return true;
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return Send(size) && Send(data) && Send("\r\n");
  }
  // Waits `ms`, or less when the peer closes or the server stops; false then.
  bool Wait(int ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) {
      if (stop_) return false;
      pollfd p{fd_, POLLIN | POLLRDHUP, 0};
      if (poll(&p, 1, 50) > 0) {
        if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return false;
        char sink[512];
        if (recv(fd_, sink, sizeof sink, MSG_DONTWAIT) == 0) return false;
      }
    }
    return true;
  }
  // Reads the request head; returns the request target's path ("" when none came).
  std::string ReadRequestPath() {
    std::string head;
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
      if (stop_) return "";
      pollfd p{fd_, POLLIN, 0};
      const int ready = poll(&p, 1, 100);
      if (ready < 0) return "";
      if (ready == 0) continue;
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return "";
      head.append(buf, static_cast<std::size_t>(n));
    }
    const auto sp1 = head.find(' ');
    const auto sp2 = sp1 == std::string::npos ? sp1 : head.find(' ', sp1 + 1);
    if (sp2 == std::string::npos) return "";
    std::string target = head.substr(sp1 + 1, sp2 - sp1 - 1);
    const auto q = target.find('?');
    return q == std::string::npos ? target : target.substr(0, q);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  const std::atomic<bool>& stop_;
};

std::string Head(int status, const std::string& reason, const std::string& headers) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n" + headers + "Connection: close\r\n\r\n";
}

bool SendPage(Conn& c, const std::string& body, const std::string& type = "text/html; charset=utf-8",
              const std::string& extra = "") {
  return c.Send(Head(200, "OK", "Content-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
                                    extra) +
                body);
}

// Sends `total` bytes of HTML (a page start, then `filler` repeated) as chunks, compressed by
// `compress` (which is given each input piece and whether it is the last, and returns output).
bool StreamHtml(Conn& c, std::uint64_t total, const std::string& filler,
                const std::function<std::string(std::string_view, bool)>& compress) {
  const std::string start = Page("Big", "<p>");
  std::string block;
  while (block.size() < (1u << 20)) block += filler;
  block.resize(1u << 20);
  std::uint64_t sent = 0;
  if (!c.Chunk(compress(start, false))) return false;
  sent += start.size();
  while (sent < total) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), total - sent));
    sent += n;
    if (!c.Chunk(compress(std::string_view(block).substr(0, n), sent >= total))) return false;
  }
  return c.Send("0\r\n\r\n");
}

std::string Identity(std::string_view in, bool) { return std::string(in); }

// A gzip stream compressor for StreamHtml.
struct Gzip {
  z_stream z{};
  explicit Gzip(int level = Z_BEST_COMPRESSION) { deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY); }
  ~Gzip() { deflateEnd(&z); }
  std::string operator()(std::string_view in, bool last) {
    std::string out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    char buf[65536];
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      deflate(&z, last ? Z_FINISH : Z_SYNC_FLUSH);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0);
    return out;
  }
};

struct Brotli {
  BrotliEncoderState* s = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
  Brotli() {
    BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, 5);
    BrotliEncoderSetParameter(s, BROTLI_PARAM_LGWIN, 24);
  }
  ~Brotli() { BrotliEncoderDestroyInstance(s); }
  std::string operator()(std::string_view in, bool last) {
    std::string out;
    std::size_t avail_in = in.size();
    const auto* next_in = reinterpret_cast<const uint8_t*>(in.data());
    const BrotliEncoderOperation op = last ? BROTLI_OPERATION_FINISH : BROTLI_OPERATION_FLUSH;
    for (;;) {
      std::size_t avail_out = 0;
      if (!BrotliEncoderCompressStream(s, op, &avail_in, &next_in, &avail_out, nullptr, nullptr)) break;
      std::size_t size = 0;
      const uint8_t* data = BrotliEncoderTakeOutput(s, &size);
      out.append(reinterpret_cast<const char*>(data), size);
      if (avail_in == 0 && !BrotliEncoderHasMoreOutput(s) && (!last || BrotliEncoderIsFinished(s))) break;
    }
    return out;
  }
};

const std::string kCp1251 = "\xcf\xf0\xe8\xe2\xe5\xf2, \xec\xe8\xf0";  // "Привет, мир" in windows-1251

}  // namespace

HostileServer::HostileServer(Options options) : options_(std::move(options)) {}

HostileServer::~HostileServer() { Stop(); }

std::string HostileServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

bool HostileServer::Start(std::string* error) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(listen_fd_, 64) != 0) {
    *error = std::string("bind/listen: ") + std::strerror(errno);
    close(listen_fd_);
    listen_fd_ = -1;
    return false;
  }
  socklen_t len = sizeof a;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return true;
}

void HostileServer::Stop() {
  if (listen_fd_ < 0) return;
  stop_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : workers_) t.join();
  workers_.clear();
  close(listen_fd_);
  listen_fd_ = -1;
}

void HostileServer::AcceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] {
      Serve(fd);
      {
        std::lock_guard<std::mutex> l(mu_);
        open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
      }
      close(fd);
    });
  }
}

void HostileServer::Serve(int fd) {
  Conn c(fd, stop_);
  const std::string path = c.ReadRequestPath();
  if (path.empty()) return;
  const std::string html = "text/html; charset=utf-8";

  if (path == "/") {
    std::string body = "<p>A small shop.</p><a href=\"/ok/a\">First product</a> <a href=\"/ok/b\">Second product</a> "
                       "<a href=\"/ok/c\">Third product</a>";
    for (const auto& l : options_.links) body += " <a href=\"" + l + "\">" + l + "</a>";
    SendPage(c, Page("Hostile shop", body));
  } else if (path.rfind("/ok/", 0) == 0) {
    SendPage(c, Page("Good page " + path.substr(4), "<p>This page is fine. <a href=\"/\">Home</a></p>"));
  } else if (path.rfind("/l/", 0) == 0 || path.rfind("/s/", 0) == 0) {
    SendPage(c, Page("Linked " + path.substr(3), "<p>A linked page.</p>"));
  } else if (path == "/robots.txt") {
    std::string sitemap = options_.sitemap.empty() ? "" : "Sitemap: " + Url("/sitemap.xml") + "\n";
    if (options_.robots != "huge") {
      SendPage(c, "User-agent: *\nAllow: /\n" + sitemap, "text/plain");
      return;
    }
    const std::string tail = "User-agent: *\nDisallow: /ok/\n";
    const std::uint64_t total = 10'000'000;
    if (!c.Send(Head(200, "OK", "Content-Type: text/plain\r\nContent-Length: " + std::to_string(total) + "\r\n"))) return;
    std::string start = "User-agent: *\nAllow: /\n" + sitemap;
    std::string line = "# padding padding padding padding padding padding padding padding padding\n";
    std::string block;
    while (block.size() < 65536) block += line;
    std::uint64_t sent = 0;
    if (!c.Send(start)) return;
    sent += start.size();
    while (sent + tail.size() < total) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), total - tail.size() - sent));
      if (!c.Send(std::string_view(block).substr(0, n))) return;
      sent += n;
    }
    c.Send(tail);
  } else if (path == "/sitemap.xml" || path.rfind("/sitemap-nest/", 0) == 0) {
    if (options_.sitemap.empty()) {
      c.Send(Head(404, "Not Found", "Content-Type: text/plain\r\nContent-Length: 9\r\n") + "not found");
      return;
    }
    int n = path == "/sitemap.xml" ? 0 : std::atoi(path.c_str() + 14);
    std::string body = "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">";
    body += "<sitemap><loc>" + Url(path) + "</loc></sitemap>";  // itself
    body += "<sitemap><loc>" + Url("/sitemap-nest/" + std::to_string(n + 1)) + "</loc></sitemap>";
    if (n == 0) body += "<sitemap><loc>" + Url("/sitemap-million.xml") + "</loc></sitemap>";
    body += "</sitemapindex>";
    SendPage(c, body, "application/xml");
  } else if (path == "/sitemap-million.xml") {
    if (!c.Send(Head(200, "OK", "Content-Type: application/xml\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n")))
      return;
    Gzip gz(Z_BEST_SPEED);
    std::string piece = "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    const std::string prefix = "<url><loc>" + Url("/s/");
    char number[16];
    for (int i = 0; i < 1'000'000; ++i) {
      piece += prefix;
      piece.append(number, static_cast<std::size_t>(std::snprintf(number, sizeof number, "%d", i)));
      piece += "</loc></url>\n";
      if (piece.size() >= (1u << 20)) {
        if (!c.Chunk(gz(piece, false))) return;
        piece.clear();
      }
    }
    piece += "</urlset>\n";
    if (!c.Chunk(gz(piece, true))) return;
    c.Send("0\r\n\r\n");
  } else if (path == "/drip") {
    if (!c.Send(Head(200, "OK", "Content-Type: text/html\r\nContent-Length: 1000\r\n"))) return;
    const std::string body = Page("Drip", std::string(1000, 'x'));
    for (std::size_t i = 0; i < 1000 && c.Send(body.substr(i, 1)) && c.Wait(1000); ++i) {
    }
  } else if (path == "/endless-headers") {
    if (!c.Send("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")) return;
    const std::string pad(80, 'h');
    for (std::uint64_t i = 0; c.Send("X-Pad-" + std::to_string(i) + ": " + pad + "\r\n"); ++i) {
    }
  } else if (path == "/endless-chunked") {
    if (!c.Send(Head(200, "OK", "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n"))) return;
    if (!c.Chunk(Page("Endless", ""))) return;
    std::string block;
    while (block.size() < 65536) block += "<p>more and more and more</p>\n";
    while (c.Chunk(block)) {
    }
  } else if (path == "/gzip-bomb") {
    if (!c.Send(Head(200, "OK", "Content-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n")))
      return;
    Gzip gz;
    StreamHtml(c, 1ull << 30, " ", std::ref(gz));
  } else if (path == "/brotli-bomb") {
    if (!c.Send(Head(200, "OK", "Content-Type: text/html\r\nContent-Encoding: br\r\nTransfer-Encoding: chunked\r\n")))
      return;
    Brotli br;
    StreamHtml(c, 1ull << 30, " ", std::ref(br));
  } else if (path == "/loop-a" || path == "/loop-b") {
    c.Send(Head(302, "Found", "Location: " + std::string(path == "/loop-a" ? "/loop-b" : "/loop-a") + "\r\nContent-Length: 0\r\n"));
  } else if (path.rfind("/chain/", 0) == 0) {
    const int n = std::atoi(path.c_str() + 7);
    if (n >= 50) SendPage(c, Page("End of the chain", ""));
    else c.Send(Head(302, "Found", "Location: /chain/" + std::to_string(n + 1) + "\r\nContent-Length: 0\r\n"));
  } else if (path == "/cl-short") {
    c.Send(Head(200, "OK", "Content-Type: text/html\r\nContent-Length: 100000\r\n") + Page("Short", std::string(1000, 'x')));
  } else if (path == "/cl-long") {
    const std::string body = Page("Long", std::string(5000, 'x'));
    c.Send(Head(200, "OK", "Content-Type: text/html\r\nContent-Length: 200\r\n") + body);
  } else if (path == "/reset") {
    if (!c.Send(Head(200, "OK", "Content-Type: text/html\r\nContent-Length: 100000\r\n") + Page("Reset", std::string(5000, 'x'))))
      return;
    c.Wait(100);
    linger l{1, 0};  // close with a TCP RST
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  } else if (path == "/empty") {
    c.Send(Head(200, "OK", "Content-Type: text/html\r\nContent-Length: 0\r\n"));
  } else if (path == "/charset-unknown") {
    SendPage(c, Page("Charset", "<p>" + kCp1251 + "</p>"), "text/html; charset=x-unknown-42");
  } else if (path == "/charset-wrong") {
    SendPage(c, Page("Charset", "<p>" + kCp1251 + "</p>"), "text/html; charset=utf-8");
  } else if (path == "/big" || path == "/big-chunked") {
    const std::uint64_t total = 50ull << 20;
    if (path == "/big") {
      if (!c.Send(Head(200, "OK", "Content-Type: text/html\r\nContent-Length: " + std::to_string(total) + "\r\n"))) return;
      const std::string start = Page("Big", "<p>");
      std::string block;
      while (block.size() < 65536) block += "<span>big page</span>\n";
      std::uint64_t sent = start.size();
      if (!c.Send(start)) return;
      while (sent < total) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), total - sent));
        if (!c.Send(std::string_view(block).substr(0, n))) return;
        sent += n;
      }
    } else {
      if (!c.Send(Head(200, "OK", "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n"))) return;
      StreamHtml(c, total, "<span>big page</span>\n", Identity);
    }
  } else if (path == "/deep") {
    std::string body = Page("Deep", "");
    body.resize(body.size() - std::string("</body></html>").size());
    if (!c.Send(Head(200, "OK", "Content-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n")) ||
        !c.Chunk(body))
      return;
    std::string opens, closes;
    for (int i = 0; i < 1000; ++i) opens += "<div>";
    for (int i = 0; i < 1000; ++i) closes += "</div>";
    for (int i = 0; i < 100; ++i)
      if (!c.Chunk(opens)) return;
    if (!c.Chunk("<a href=\"/ok/deep\">Deepest link</a>")) return;
    for (int i = 0; i < 100; ++i)
      if (!c.Chunk(closes)) return;
    if (c.Chunk("</body></html>")) c.Send("0\r\n\r\n");
  } else if (path == "/links") {
    if (!c.Send(Head(200, "OK", "Content-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n")) ||
        !c.Chunk(std::string(kHead) + "<title>Links</title></head><body>"))
      return;
    std::string piece;
    for (int i = 0; i < 100'000; ++i) {
      piece += "<a href=\"/l/" + std::to_string(i) + "\">Link " + std::to_string(i) + "</a>\n";
      if (piece.size() > 65536) {
        if (!c.Chunk(piece)) return;
        piece.clear();
      }
    }
    if (c.Chunk(piece + "</body></html>")) c.Send("0\r\n\r\n");
  } else if (path == "/long-line") {
    const std::string start = std::string(kHead) + "<title>Long line</title></head><body><p>";
    const std::string end = "</p></body></html>";
    const std::uint64_t total = 10'000'000;
    if (!c.Send(Head(200, "OK", "Content-Type: text/html; charset=utf-8\r\nContent-Length: " + std::to_string(total) + "\r\n")) ||
        !c.Send(start))
      return;
    std::string block;
    while (block.size() < 65536) block += "word ";
    std::uint64_t sent = start.size();
    while (sent + end.size() < total) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), total - end.size() - sent));
      if (!c.Send(std::string_view(block).substr(0, n))) return;
      sent += n;
    }
    c.Send(end);
  } else if (path == "/bad-bytes") {
    std::string nul(1, '\0');
    std::string body = Page("Bad \xff\xfe bytes", "<p>nul " + nul + " here \xc3\x28 and \xe2\x82 and \xf0\x90\x80 end</p>"
                                                 "<a href=\"/ok/\xff" + nul + "x\">odd link</a>");
    SendPage(c, body, "text/html; charset=utf-8");
  } else if (path == "/microdata-bomb") {
    // Items shared by eight itemprop names each, nested 10 levels (8^10 items met by a tree walk),
    // then 500 nested itemprop elements around one 5 MB text node (each would copy it whole).
    std::string shared = "<div itemscope itemtype=\"https://schema.org/Product\"><span itemprop=name>Sprint</span>";
    for (int i = 0; i < 10; ++i)
      shared += "<div itemprop=\"a b c d e f g h\" itemscope itemtype=\"https://schema.org/Thing\"><span itemprop=name>x</span>";
    for (int i = 0; i < 11; ++i) shared += "</div>";
    std::string texts = "<div itemscope itemtype=\"https://schema.org/Product\">";
    for (int i = 0; i < 500; ++i) texts += "<span itemprop=description>";
    std::string word = "bieg ";
    while (texts.size() < 5'000'000) texts += word;
    for (int i = 0; i < 500; ++i) texts += "</span>";
    SendPage(c, Page("Microdata bomb", shared + texts + "</div>"), "text/html; charset=utf-8");
  } else if (path == "/json-ld-bomb") {
    // {"a":{"a": ... 1}}: 6 bytes a level, 833,333 levels, 4,999,999 bytes.
    const std::size_t depth = 833'333;
    if (!c.Send(Head(200, "OK", "Content-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n")) ||
        !c.Chunk(std::string(kHead) + "<title>JSON-LD bomb</title><script type=\"application/ld+json\">"))
      return;
    std::string open, close(65536, '}');
    while (open.size() < 65536) open += "{\"a\":";
    const std::size_t per_chunk = open.size() / 5;
    for (std::size_t sent = 0; sent < depth; sent += per_chunk)
      if (!c.Chunk(std::string_view(open).substr(0, 5 * std::min(per_chunk, depth - sent)))) return;
    if (!c.Chunk("1")) return;
    for (std::size_t sent = 0; sent < depth; sent += close.size())
      if (!c.Chunk(std::string_view(close).substr(0, std::min(close.size(), depth - sent)))) return;
    if (c.Chunk("</script></head><body><h1>JSON-LD bomb</h1></body></html>")) c.Send("0\r\n\r\n");
  } else if (path == "/cookies") {
    std::string headers = "Content-Type: text/html\r\n";
    for (int i = 0; i < 10'000; ++i)
      headers += "Set-Cookie: flood" + std::to_string(i) + "=" + std::string(32, 'c') + "; Path=/\r\n";
    SendPage(c, Page("Cookies", ""), "text/html", headers.substr(std::string("Content-Type: text/html\r\n").size()));
  } else if (path.rfind("/trap/", 0) == 0) {
    std::string body;
    for (int i = 0; i < 200; ++i) body += "<a href=\"" + path + "-" + std::to_string(i) + "\">Next " + std::to_string(i) + "</a>\n";
    SendPage(c, Page("Trap", body));
  } else if (path == "/to-file") {
    c.Send(Head(302, "Found", "Location: file:///etc/passwd\r\nContent-Length: 0\r\n"));
  } else if (path == "/to-gopher") {
    c.Send(Head(302, "Found", "Location: gopher://127.0.0.1:" + std::to_string(port_) + "/1\r\nContent-Length: 0\r\n"));
  } else if (path == "/silent") {
    while (c.Wait(1000)) {
    }
  } else {
    c.Send(Head(404, "Not Found", "Content-Type: text/plain\r\nContent-Length: 9\r\n") + "not found");
  }
}

}  // namespace mmaudit::testing
