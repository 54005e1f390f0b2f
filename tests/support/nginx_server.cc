#include "tests/support/nginx_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "core/text.h"
#include "tests/support/fixture_server.h"
#include "tests/support/subprocess.h"

namespace mmaudit::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kReadyPath = "/__mmaudit_nginx_ready";
constexpr const char* kSyncPath = "/__mmaudit_nginx_sync";
constexpr const char* kCannedPrefix = "/__mmaudit_canned/";

bool WriteWhole(const fs::path& p, const std::string& data) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
  return static_cast<bool>(out);
}

// A double-quoted nginx string taken literally by directives without variables.
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A double-quoted nginx string for directives that expand variables: "$" becomes ${mmaudit_dollar}.
std::string QuoteValue(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '$') {
      out += "${mmaudit_dollar}";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool Executable(const std::string& path) { return !path.empty() && access(path.c_str(), X_OK) == 0; }

// A port the kernel says is free right now (it may be taken again before nginx binds it).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

// A plain HTTP/1.0 GET on a fresh connection; the whole response, headers included.
bool HttpGet(int port, const std::string& target, std::string* response, int timeout_ms = 1000) {
  response->clear();
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return false;
  }
  const std::string request = "GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nConnection: close\r\n\r\n";
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return false;
  }
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) response->append(buf, static_cast<std::size_t>(n));
  close(fd);
  return n == 0;
}

// Undoes the \xHH escapes of log_format escape=default.
std::string Unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && std::isxdigit(static_cast<unsigned char>(s[i + 2])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 3]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 2, 2)), nullptr, 16));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

std::vector<NginxRequest> ParseAccessLog(const std::string& log) {
  std::vector<NginxRequest> out;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = SplitTabs(line);
    if (f.size() != 5) continue;
    NginxRequest r;
    r.method = Unescape(f[0]);
    r.target = Unescape(f[1]);
    const std::size_t q = r.target.find('?');
    r.path = r.target.substr(0, q);
    if (q != std::string::npos) r.query = r.target.substr(q + 1);
    r.status = std::atoi(f[2].c_str());
    r.connection = std::strtoull(f[3].c_str(), nullptr, 10);
    r.connection_requests = std::strtoull(f[4].c_str(), nullptr, 10);
    out.push_back(std::move(r));
  }
  return out;
}

// Directives that make nginx send exactly `content_type`. "MEDIA; charset=X" goes through the
// charset module (default_type MEDIA; charset X) rather than into default_type whole: nginx then
// still knows the media type, so gzip_types matches it as for any page with that charset.
std::string TypeDirectives(const std::string& content_type) {
  const std::size_t semi = content_type.find(';');
  if (semi != std::string::npos) {
    const std::string media(text::Trim(std::string_view(content_type).substr(0, semi)));
    const std::string param(text::Trim(std::string_view(content_type).substr(semi + 1)));
    if (text::AsciiLower(param).rfind("charset=", 0) == 0) {
      const std::string charset = param.substr(8);
      if (!media.empty() && !charset.empty() && charset.find_first_of(" ;\"\\'") == std::string::npos &&
          media + "; charset=" + charset == content_type)
        return "types { } default_type " + Quote(media) + "; charset " + Quote(charset) + "; charset_types " +
               Quote(media) + "; ";
    }
  }
  return "types { } default_type " + Quote(content_type) + "; charset off; ";
}

bool IsRedirectWithLocation(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

NginxServer::NginxServer(std::string site_root) : site_root_(std::move(site_root)) {}

NginxServer::~NginxServer() { Stop(); }

std::string NginxServer::FindBinary() {
  if (const char* env = std::getenv("MMAUDIT_NGINX"); env != nullptr && *env != '\0')
    return Executable(env) ? env : "";
  for (const char* p : {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"})
    if (Executable(p)) return p;
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest(path);
    while (!rest.empty()) {
      const std::size_t colon = rest.find(':');
      const std::string dir(rest.substr(0, colon));
      if (!dir.empty() && Executable(dir + "/nginx")) return dir + "/nginx";
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  return "";
}

bool NginxServer::Start(std::string* error) {
  binary_ = FindBinary();
  if (binary_.empty()) {
    *error = "nginx is not installed (looked at $MMAUDIT_NGINX, /usr/sbin/nginx and PATH; ci/setup installs "
             "nginx-light)";
    return false;
  }
  // Modules built out (--without-http_uwsgi_module ...) reject their *_temp_path directives.
  modules_missing_.clear();
  if (FILE* p = popen(("'" + binary_ + "' -V 2>&1").c_str(), "r")) {
    std::string v;
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) v.append(buf, n);
    pclose(p);
    for (const char* m : {"proxy", "fastcgi", "uwsgi", "scgi"})
      if (text::Contains(v, std::string("--without-http_") + m + "_module")) modules_missing_.push_back(m);
  }
  dir_ = TempDir();
  if (text::Contains(dir_, "$") || text::Contains(dir_, "\"")) {
    *error = "temp dir " + dir_ + " is not usable in nginx.conf";
    return false;
  }
  docroot_ = dir_ + "/site";
  std::random_device rd;
  token_ = "mmaudit-nginx-" + std::to_string(getpid()) + "-" + std::to_string(rd());
  if (!Convert(error)) return false;

  constexpr int kTries = 6;
  std::string last;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    const int port = FreePort();
    if (port == 0) {
      *error = "cannot find a free port on 127.0.0.1";
      return false;
    }
    bool taken = false;
    if (Launch(port, &last, &taken)) {
      port_ = port;
      return true;
    }
    if (!taken) break;
  }
  *error = "nginx did not start: " + last + "\n--- nginx.conf ---\n" + Config();
  return false;
}

bool NginxServer::Convert(std::string* error) {
  canned_.clear();
  wildcard_dirs_.clear();
  std::error_code ec;
  if (!fs::is_directory(site_root_, ec)) {
    *error = "no site at " + site_root_;
    return false;
  }
  fs::create_directories(docroot_, ec);
  for (auto it = fs::recursive_directory_iterator(site_root_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const fs::path rel = fs::relative(it->path(), site_root_, ec);
    const std::string rel_str = rel.generic_string();
    if (rel.extension() != ".http") {
      fs::create_directories((fs::path(docroot_) / rel).parent_path(), ec);
      fs::copy_file(it->path(), fs::path(docroot_) / rel, fs::copy_options::overwrite_existing, ec);
      if (ec) {
        *error = "cannot copy " + it->path().string() + ": " + ec.message();
        return false;
      }
      if (rel.filename() == "_wildcard.html") {
        const std::string d = rel.parent_path().generic_string();
        wildcard_dirs_.push_back(d.empty() ? "/" : "/" + d + "/");
      }
      continue;
    }
    // A canned response: "STATUS REASON", header lines, a blank line, the body.
    std::string raw;
    if (!ReadWholeFile(it->path().string(), &raw)) {
      *error = "cannot read " + it->path().string();
      return false;
    }
    Canned c;
    c.path = "/" + rel_str.substr(0, rel_str.size() - 5);
    std::size_t pos = 0;
    auto next_line = [&](std::string* line) {
      if (pos >= raw.size()) return false;
      std::size_t end = raw.find('\n', pos);
      if (end == std::string::npos) end = raw.size();
      *line = raw.substr(pos, end - pos);
      if (!line->empty() && line->back() == '\r') line->pop_back();
      pos = end + 1;
      return true;
    };
    std::string line;
    next_line(&line);
    c.status = std::atoi(line.c_str());
    if (c.status < 100 || c.status > 599) {
      *error = it->path().string() + ": bad status line \"" + line + "\"";
      return false;
    }
    c.content_type = "text/plain";  // as FixtureServer
    while (next_line(&line) && !line.empty()) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      const std::string name(text::Trim(std::string_view(line).substr(0, colon)));
      const std::string value(text::Trim(std::string_view(line).substr(colon + 1)));
      const std::string lower = text::AsciiLower(name);
      if (lower == "content-type") c.content_type = value;
      else if (lower == "location" && IsRedirectWithLocation(c.status)) c.location = value;
      else if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection" ||
               lower == "keep-alive" || lower == "date" || lower == "server")
        continue;  // nginx's own
      else {
        if (lower == "content-encoding") c.encoded = true;
        c.headers.emplace_back(name, value);
      }
    }
    if (c.location.empty()) {
      c.body_file = dir_ + "/canned/" + std::to_string(canned_.size()) + ".body";
      if (!WriteWhole(c.body_file, pos < raw.size() ? raw.substr(pos) : std::string())) {
        *error = "cannot write " + c.body_file;
        return false;
      }
    }
    canned_.push_back(std::move(c));
  }
  if (ec) {
    *error = "cannot read the site " + site_root_ + ": " + ec.message();
    return false;
  }
  return true;
}

std::string NginxServer::BuildConfig(int port) const {
  std::ostringstream c;
  const std::string d = dir_;
  c << "# Generated by tests/support/nginx_server.cc from " << site_root_ << "\n"
    << "daemon off;\nmaster_process off;\n";
  if (geteuid() == 0) c << "user root;\n";  // the temp paths are chowned to this user
  c << "pid " << Quote(d + "/nginx.pid") << ";\n"
    << "lock_file " << Quote(d + "/nginx.lock") << ";\n"
    << "error_log " << Quote(d + "/error.log") << " notice;\n"
    << "events { worker_connections 512; }\n"
    << "http {\n"
    << "  types {\n"
    << "    text/html html htm; text/css css; text/plain txt; application/xml xml; application/gzip gz;\n"
    << "    application/javascript js; application/json json; application/pdf pdf; image/png png;\n"
    << "    image/jpeg jpg jpeg; image/gif gif; image/webp webp; image/avif avif; image/svg+xml svg;\n"
    << "    font/woff2 woff2;\n"
    << "  }\n"
    << "  default_type application/octet-stream;\n"
    << "  log_format mmaudit escape=default\n"
    << "    '$request_method\\t$request_uri\\t$status\\t$connection\\t$connection_requests';\n"
    << "  access_log " << Quote(d + "/access.log") << " mmaudit;\n"
    << "  client_body_temp_path " << Quote(d + "/tmp/client_body") << ";\n";
  for (const char* m : {"proxy", "fastcgi", "uwsgi", "scgi"}) {
    bool missing = false;
    for (const auto& x : modules_missing_) missing = missing || x == m;
    if (!missing) c << "  " << m << "_temp_path " << Quote(d + "/tmp/" + m) << ";\n";
  }
  // No gzip_static: a .gz file is served as application/gzip bytes, never with Content-Encoding.
  c << "  gzip on;\n  gzip_types text/css application/xml text/plain;\n  gzip_min_length 256;\n"
    << "  keepalive_timeout 30;\n  keepalive_requests 1000;\n"
    << "  absolute_redirect off;\n"  // Location headers exactly as the canned files write them
    << "  geo $mmaudit_dollar { default \"$\"; }\n"
    // try_files "$uri" must only find files: a directory without index.html is not an answer.
    << "  map $uri $mmaudit_file_uri { volatile; \"~/$\" /.mmaudit-no-such-file; default $uri; }\n"
    << "  server {\n"
    << "    listen 127.0.0.1:" << port << ";\n"
    << "    root " << Quote(docroot_) << ";\n";
  bool root_wildcard = false;
  for (const auto& w : wildcard_dirs_) root_wildcard = root_wildcard || w == "/";
  c << "    location / { try_files $uri.html $uri/index.html $mmaudit_file_uri "
    << (root_wildcard ? "/_wildcard.html" : "=404") << "; }\n";
  for (const auto& w : wildcard_dirs_) {
    if (w == "/") continue;
    c << "    location " << Quote(w) << " { try_files $uri.html $uri/index.html $mmaudit_file_uri "
      << QuoteValue(w + "_wildcard.html") << "; }\n"
      << "    location = " << Quote(w + "_wildcard.html") << " { }\n";
  }
  c << "    location = " << kReadyPath << " { access_log off; default_type text/plain; return 200 \"" << token_
    << "\"; }\n"
    << "    location = " << kSyncPath << " { return 204; }\n";
  for (std::size_t i = 0; i < canned_.size(); ++i) {
    const Canned& k = canned_[i];
    std::string add_headers;
    for (const auto& [name, value] : k.headers)
      add_headers += "add_header " + Quote(name) + " " + QuoteValue(value) + " always; ";
    if (k.encoded) add_headers += "gzip off; ";
    const std::string serve_body = TypeDirectives(k.content_type) + add_headers + "alias " + Quote(k.body_file) + ";";
    c << "    location = " << Quote(k.path) << " { ";
    if (!k.location.empty()) {
      // A redirect: nginx writes its own small HTML body.
      c << add_headers << "return " << k.status << " " << QuoteValue(k.location) << "; }\n";
    } else if (k.status == 200) {
      c << serve_body << " }\n";
    } else if (k.status >= 300 && k.status != 304 && k.status != 444 && k.status != 499) {
      // nginx keeps the status through error_page, and the internal location sends the body.
      const std::string internal = kCannedPrefix + std::to_string(i);
      c << "error_page " << k.status << " " << internal << "; return " << k.status << "; }\n"
        << "    location = " << internal << " { internal; " << serve_body << " }\n";
    } else {
      // 1xx/2xx other than 200, and 304: nginx's return with the body as text.
      std::string body;
      ReadWholeFile(k.body_file, &body);
      c << TypeDirectives(k.content_type) << add_headers << "return " << k.status;
      if (!body.empty() && k.status != 204 && k.status != 304) c << " " << QuoteValue(body);
      c << "; }\n";
    }
  }
  c << "  }\n}\n";
  return c.str();
}

std::string NginxServer::Config() const {
  std::string s;
  ReadWholeFile(dir_ + "/nginx.conf", &s);
  return s;
}

std::string NginxServer::ReadLogs() const {
  std::string out, s;
  if (ReadWholeFile(dir_ + "/stderr.log", &s) && !s.empty()) out += "--- stderr ---\n" + s;
  if (ReadWholeFile(dir_ + "/error.log", &s) && !s.empty()) out += "--- error.log ---\n" + s;
  return out;
}

bool NginxServer::Launch(int port, std::string* error, bool* port_taken) {
  *port_taken = false;
  const std::string conf = dir_ + "/nginx.conf";
  if (!WriteWhole(conf, BuildConfig(port))) {
    *error = "cannot write " + conf;
    return false;
  }
  std::error_code ec;
  fs::create_directories(dir_ + "/tmp", ec);
  fs::remove(dir_ + "/error.log", ec);
  const std::string prefix = dir_ + "/";
  const std::string error_log = dir_ + "/error.log";
  const std::string stderr_log = dir_ + "/stderr.log";
  std::vector<std::string> args = {binary_, "-p", prefix, "-e", error_log, "-c", conf};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const int out_fd = open(stderr_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || null_fd < 0) {
    if (out_fd >= 0) close(out_fd);
    if (null_fd >= 0) close(null_fd);
    *error = "cannot open " + stderr_log;
    return false;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // Only async-signal-safe calls until exec. nginx gets SIGTERM if the test process dies.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD}) signal(sig, SIG_DFL);
    dup2(null_fd, 0);
    dup2(out_fd, 1);
    dup2(out_fd, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_fd);
  close(null_fd);
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  pid_ = pid;

  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      const std::string logs = ReadLogs();
      *port_taken = text::Contains(logs, "Address already in use");
      *error = "nginx exited (" +
               (WIFEXITED(status) ? "status " + std::to_string(WEXITSTATUS(status))
                                  : "signal " + std::to_string(WTERMSIG(status))) +
               ") on port " + std::to_string(port) + "\n" + logs;
      return false;
    }
    std::string response;
    // The token tells our nginx from whatever else may have grabbed the port.
    if (HttpGet(port, kReadyPath, &response, 500) && text::Contains(response, token_)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Stop();
  *error = "nginx did not answer on 127.0.0.1:" + std::to_string(port) + " within 5 s\n" + ReadLogs();
  return false;
}

void NginxServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string NginxServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<NginxRequest> NginxServer::RequestedPaths() {
  // nginx writes an access log line just after the response's last byte, so a client that is done
  // may be a hair ahead of the log. nginx runs one event loop (no workers): once a later request
  // of ours is logged, every request answered before it is too.
  if (pid_ > 0) {
    const std::string query = "n=" + std::to_string(++sync_counter_);
    std::string response;
    HttpGet(port_, std::string(kSyncPath) + "?" + query, &response);
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    for (;;) {
      std::string log;
      ReadWholeFile(dir_ + "/access.log", &log);
      bool seen = false;
      for (const auto& r : ParseAccessLog(log)) seen = seen || (r.path == kSyncPath && r.query == query);
      if (seen || Clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  std::string log;
  ReadWholeFile(dir_ + "/access.log", &log);
  std::vector<NginxRequest> out;
  for (auto& r : ParseAccessLog(log))
    if (r.path != kSyncPath) out.push_back(std::move(r));
  return out;
}

}  // namespace mmaudit::testing
