#include "tests/support/chromium.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mmaudit::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool IsExecutable(const std::string& p) { return !p.empty() && access(p.c_str(), X_OK) == 0 && fs::is_regular_file(p); }

}  // namespace

std::string FindChromium() {
  if (const char* env = std::getenv("MMAUDIT_CHROMIUM"); env != nullptr && *env != '\0')
    return IsExecutable(env) ? std::string(env) : std::string();
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser"}) {
    std::istringstream in(dirs);
    for (std::string dir; std::getline(in, dir, ':');) {
      if (dir.empty()) continue;
      const std::string candidate = dir + "/" + name;
      if (IsExecutable(candidate)) return candidate;
    }
  }
  return "";
}

std::vector<std::string> ChromiumRun::ConsoleMessages() const {
  std::vector<std::string> messages;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    const std::size_t tag = line.find(":CONSOLE");
    if (tag == std::string::npos || line.find(']', tag) == std::string::npos) continue;
    messages.push_back(line.substr(line.find(']', tag) + 1));
  }
  return messages;
}

ChromiumRun RunChromium(const std::string& binary, const std::string& url, const std::vector<std::string>& extra,
                        int proxy_port, int timeout_s) {
  ChromiumRun run;
  char pattern[] = "/tmp/mmaudit-chromium-XXXXXX";
  const char* made = mkdtemp(pattern);
  if (made == nullptr) {
    run.error = "mkdtemp failed";
    return run;
  }
  const fs::path dir = made;
  const std::string out_path = (dir / "stdout").string(), err_path = (dir / "stderr").string();

  std::vector<std::string> args = {binary,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--no-first-run",
                                   "--no-default-browser-check",
                                   "--disable-extensions",
                                   "--hide-scrollbars",
                                   "--disable-sync",
                                   "--disable-default-apps",
                                   "--no-pings",
                                   "--disable-breakpad",
                                   "--disable-domain-reliability",
                                   "--disable-client-side-phishing-detection",
                                   "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate",
                                   "--enable-logging=stderr",
                                   "--v=0",
                                   "--user-data-dir=" + (dir / "profile").string()};
  if (proxy_port != 0) {
    args.push_back("--proxy-server=http://127.0.0.1:" + std::to_string(proxy_port));
    args.push_back("--proxy-bypass-list=<-loopback>");
  }
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(url);
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    run.error = std::string("fork failed: ") + std::strerror(errno);
    fs::remove_all(dir);
    return run;
  }
  if (pid == 0) {
    setpgid(0, 0);
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int er = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || er < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(er, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also in the parent, so the group exists before any kill below
  run.started = true;

  // Wait for the exit without reaping (WNOWAIT), so the group id cannot be reused before the
  // group, with every helper Chromium left in it (renderer, GPU, zygote), is killed; then reap.
  const auto deadline = start + std::chrono::seconds(timeout_s);
  for (;;) {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) break;
    if (info.si_pid == pid) break;
    if (Clock::now() >= deadline) {
      run.timed_out = true;
      break;
    }
    usleep(20000);
  }
  run.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  kill(-pid, SIGKILL);
  int status = 0;
  if (waitpid(pid, &status, 0) == pid && !run.timed_out && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (run.exit_code == 127) {
    run.started = false;
    run.error = "could not execute " + binary;
  }
  run.out = Slurp(out_path);
  run.err = Slurp(err_path);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return run;
}

RecordingProxy::~RecordingProxy() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

bool RecordingProxy::Start(std::string* error) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd_, 64) != 0 ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    *error = std::string("bind/listen: ") + std::strerror(errno);
    return false;
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Loop(); });
  return true;
}

void RecordingProxy::Loop() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
    }
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    // Read the request line (bounded in size and time), record it, answer and close.
    std::string head;
    const auto until = Clock::now() + std::chrono::seconds(2);
    while (head.find("\r\n") == std::string::npos && head.size() < 8192 && Clock::now() < until) {
      pollfd q{c, POLLIN, 0};
      if (poll(&q, 1, 100) <= 0) continue;
      char buf[2048];
      const ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      head.append(buf, static_cast<std::size_t>(n));
    }
    const std::string line = head.substr(0, head.find("\r\n"));
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(line.empty() ? kNoRequestLine : line);
    }
    const char* reply = line.rfind("CONNECT ", 0) == 0
                            ? "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    (void)send(c, reply, std::strlen(reply), MSG_NOSIGNAL);
    close(c);
  }
}

std::vector<std::string> RecordingProxy::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<std::string> RecordingProxy::PageRequests() const {
  // A connection that sends no request asks for nothing: Chromium opens such preconnects to its
  // proxy at times and closes them unused.
  std::vector<std::string> page;
  for (const auto& r : Requests())
    if (r != kNoRequestLine && !IsBrowserServiceRequest(r)) page.push_back(r);
  return page;
}

bool IsBrowserServiceRequest(const std::string& request_line) {
  // "METHOD TARGET VERSION": TARGET is "http://host[:port]/path" or, for CONNECT, "host:port".
  const std::size_t sp = request_line.find(' ');
  if (sp == std::string::npos) return false;
  std::string target = request_line.substr(sp + 1, request_line.find(' ', sp + 1) - sp - 1);
  if (const std::size_t scheme = target.find("://"); scheme != std::string::npos) target = target.substr(scheme + 3);
  std::string host = target.substr(0, target.find_first_of(":/?"));
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string domain : {"google.com", "googleapis.com", "gvt1.com"}) {
    if (host == domain) return true;
    if (host.size() > domain.size() && host.compare(host.size() - domain.size(), domain.size(), domain) == 0 &&
        host[host.size() - domain.size() - 1] == '.')
      return true;
  }
  return false;
}

void RecordingProxy::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
}

PngInfo ReadPngInfo(const std::string& path) {
  PngInfo info;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return info;
  info.bytes = fs::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  unsigned char h[24] = {};
  in.read(reinterpret_cast<char*>(h), sizeof h);
  if (in.gcount() != static_cast<std::streamsize>(sizeof h)) return info;
  static const unsigned char kSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (std::memcmp(h, kSig, 8) != 0 || std::memcmp(h + 12, "IHDR", 4) != 0) return info;
  auto be32 = [](const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
  };
  info.width = be32(h + 16);
  info.height = be32(h + 20);
  info.valid = true;
  return info;
}

}  // namespace mmaudit::testing
