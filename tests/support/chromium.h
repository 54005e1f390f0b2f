// Headless Chromium (Debian's `chromium` package) for tests that look at the HTML report as a
// browser renders it, without puppeteer or node: one Chromium process per page load, observed
// through its command-line outputs.
//   * --dump-dom: the DOM after the page loaded (scripts, had any run, would have changed it);
//   * --enable-logging=stderr --v=0: every console message, as "CONSOLE" lines on stderr (Chromium
//     logs them without their level, so callers see all console messages, errors or not);
//   * --screenshot: a PNG of the window;
//   * --proxy-server pointing at a RecordingProxy with --proxy-bypass-list="<-loopback>": every
//     HTTP(S) request the page makes, even to localhost, reaches the proxy and is recorded.
// Each run gets a fresh --user-data-dir (removed afterwards), runs in its own process group, and is
// killed with that whole group when it exits or when its timeout passes, so no Chromium outlives a
// run, even a failing one.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mmaudit::testing {

// The Chromium binary to use: $MMAUDIT_CHROMIUM when set, else the first of "chromium" and
// "chromium-browser" on PATH that is executable. Returns "" when there is none.
std::string FindChromium();

struct ChromiumRun {
  bool started = false;    // false when fork or exec failed (see `error`)
  bool timed_out = false;  // true when the timeout passed and the process group was killed
  int exit_code = -1;      // -1 when it did not exit normally
  double wall_ms = 0;      // from start to exit (or kill)
  std::string out;         // stdout (the DOM with --dump-dom)
  std::string err;         // stderr (Chromium's log)
  std::string error;       // why it did not start, when !started

  // The console messages in `err`: each CONSOLE log line's text from the message's opening quote on,
  // e.g. "\"boom\", source: file:///tmp/x.html (1)". Empty when the page logged nothing.
  std::vector<std::string> ConsoleMessages() const;
};

// Runs `binary` headless on `url` with the common flags (--headless --no-sandbox --disable-gpu
// --disable-background-networking --disable-component-update --no-first-run, logging to stderr,
// a fresh user data dir), `extra` flags, and a proxy at 127.0.0.1:`proxy_port` for every request
// when `proxy_port` is non-zero. Never blocks longer than `timeout_s` (plus a moment to reap).
ChromiumRun RunChromium(const std::string& binary, const std::string& url, const std::vector<std::string>& extra,
                        int proxy_port, int timeout_s);

// A loopback HTTP proxy that records the request line of every connection (absolute-form GETs and
// CONNECT tunnels alike) and answers each with 404 (502 for CONNECT), never forwarding anything.
class RecordingProxy {
 public:
  RecordingProxy() = default;
  ~RecordingProxy();  // stops and joins
  RecordingProxy(const RecordingProxy&) = delete;
  RecordingProxy& operator=(const RecordingProxy&) = delete;

  // Binds 127.0.0.1 on a free port and starts accepting in a background thread. Returns false
  // with *error when the socket cannot be bound.
  bool Start(std::string* error);
  int port() const { return port_; }
  // The request lines seen so far ("GET http://host/path HTTP/1.1", "CONNECT host:443 HTTP/1.1");
  // kNoRequestLine for a connection closed before it sent one.
  static constexpr const char* kNoRequestLine = "(connection without a request line)";
  std::vector<std::string> Requests() const;
  // Requests() less the browser's own service traffic (IsBrowserServiceRequest) and connections that
  // sent no request (preconnects): what a page asked for.
  std::vector<std::string> PageRequests() const;
  void Clear();

 private:
  void Loop();
  int fd_ = -1;
  int port_ = 0;
  bool stop_ = false;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
};

// Whether `request_line` goes to one of the Google service hosts that Chromium itself contacts at
// start-up even with background networking and component updates disabled (the update service,
// sign-in): hosts under google.com, googleapis.com and gvt1.com. No page under test refers to them,
// so they are told apart from the page's requests by host.
bool IsBrowserServiceRequest(const std::string& request_line);

struct PngInfo {
  bool valid = false;  // the file exists and starts with the PNG signature and an IHDR chunk
  std::uint64_t bytes = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// The size and dimensions of the PNG at `path`, from its header.
PngInfo ReadPngInfo(const std::string& path);

}  // namespace mmaudit::testing
