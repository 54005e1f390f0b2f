#include "tests/support/fixture_server.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/text.h"

namespace mmaudit::testing {
namespace {

// Applies a canned ".http" response: "STATUS REASON\nHeader: value\n...\n\nbody".
void ApplyCanned(const std::string& canned, httplib::Response& res) {
  std::size_t pos = 0;
  auto next_line = [&](std::string* line) {
    if (pos >= canned.size()) return false;
    std::size_t end = canned.find('\n', pos);
    if (end == std::string::npos) end = canned.size();
    *line = canned.substr(pos, end - pos);
    if (!line->empty() && line->back() == '\r') line->pop_back();
    pos = end + 1;
    return true;
  };
  std::string line;
  next_line(&line);
  res.status = std::atoi(line.c_str());
  std::string content_type = "text/plain";
  while (next_line(&line) && !line.empty()) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name(text::Trim(std::string_view(line).substr(0, colon)));
    const std::string value(text::Trim(std::string_view(line).substr(colon + 1)));
    if (text::AsciiLower(name) == "content-type") content_type = value;
    else res.set_header(name, value);
  }
  // Sent byte for byte as written: cpp-httplib compresses a text body set with set_content when the
  // client accepts br or gzip (a canned gzip body would go out encoded twice), but never a body
  // given by a content provider of known length.
  auto body = std::make_shared<const std::string>(pos < canned.size() ? canned.substr(pos) : std::string());
  if (body->empty()) {
    res.set_content(std::string(), content_type);
    return;
  }
  res.set_content_provider(body->size(), content_type,
                           [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             return sink.write(body->data() + offset, length);
                           });
}

}  // namespace

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

std::string RawQuery(const httplib::Request& req) {
  const auto q = req.target.find('?');
  return q == std::string::npos ? std::string() : req.target.substr(q + 1);
}

std::string ContentTypeFor(const std::string& path) {
  const std::string ext = text::AsciiLower(std::filesystem::path(path).extension().string());
  if (ext == ".html" || ext == ".htm") return "text/html";  // the page's own <meta charset> decides
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js") return "application/javascript";
  if (ext == ".json") return "application/json";
  if (ext == ".xml") return "application/xml";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".gif") return "image/gif";
  if (ext == ".webp") return "image/webp";
  if (ext == ".avif") return "image/avif";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".pdf") return "application/pdf";
  if (ext == ".gz") return "application/gzip";
  return "application/octet-stream";
}

FixtureServer::FixtureServer(std::string site_root) : root_(std::move(site_root)) {
  if (root_.empty()) return;
  const std::filesystem::path flow_json = std::filesystem::path(root_).parent_path() / "flow.json";
  std::error_code ec;
  if (std::filesystem::is_regular_file(flow_json, ec)) flow_ = CheckoutFlow::Load(flow_json.string(), root_, &flow_error_);
}

FixtureServer::~FixtureServer() { Stop(); }

void FixtureServer::Route(const std::string& path, Handler handler) { routes_.emplace_back(path, std::move(handler)); }

bool FixtureServer::Start(std::string* error, int port) {
  if (!flow_error_.empty()) {
    *error = flow_error_;
    return false;
  }
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  server_.Get(".*", handler);
  server_.Post(".*", handler);
  server_.Put(".*", handler);
  server_.Delete(".*", handler);
  server_.Options(".*", handler);
  server_.set_keep_alive_max_count(1000);
  // httplib serves each keep-alive connection on one pool thread until the connection idles out
  // (5 s). A crawl plus its subresource loader keeps more connections open than httplib's default
  // pool of 8 threads, and a ninth connection would wait those 5 s: give it room, as a production
  // server has.
  server_.new_task_queue = [] { return new httplib::ThreadPool(64); };
  if (port == 0) {
    port_ = server_.bind_to_any_port("127.0.0.1");
  } else {
    port_ = server_.bind_to_port("127.0.0.1", port) ? port : -1;
  }
  if (port_ <= 0) {
    *error = "cannot bind 127.0.0.1" + (port ? ":" + std::to_string(port) : std::string());
    return false;
  }
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // cpp-httplib 0.11 has no wait_until_ready(); poll until the accept loop runs.
  for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return true;
}

void FixtureServer::Stop() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string FixtureServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<RecordedRequest> FixtureServer::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool FixtureServer::IsOrderAttempt(const RecordedRequest& r) {
  if (r.method != "POST") return false;
  const std::string p = text::AsciiLower(r.path);
  if (text::Contains(p, "/cart")) return false;  // add to cart, update cart, discount codes
  for (const char* w : {"complete", "place", "order", "pay", "submit", "confirm"})
    if (text::Contains(p, w)) return true;
  return false;
}

std::vector<RecordedOrder> FixtureServer::Orders() const { return flow_ ? flow_->Recorded("order") : std::vector<RecordedOrder>{}; }

std::vector<RecordedOrder> FixtureServer::Subscriptions() const {
  return flow_ ? flow_->Recorded("subscription") : std::vector<RecordedOrder>{};
}

std::vector<RecordedRequest> FixtureServer::OrderAttempts() const {
  std::vector<RecordedRequest> out;
  for (const auto& r : Requests())
    if (IsOrderAttempt(r)) out.push_back(r);
  return out;
}

void FixtureServer::Handle(const httplib::Request& req, httplib::Response& res) {
  {
    RecordedRequest r;
    r.method = req.method;
    r.path = req.path;
    r.query = RawQuery(req);
    r.body = req.body;
    r.user_agent = req.get_header_value("User-Agent");
    r.accept_encoding = req.get_header_value("Accept-Encoding");
    r.cookie = req.get_header_value("Cookie");
    for (const auto& [name, value] : req.headers) r.headers.emplace_back(text::AsciiLower(name), value);
    r.at_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(std::move(r));
  }
  for (const auto& [path, handler] : routes_)
    if (path == req.path) {
      handler(req, res);
      return;
    }
  if (flow_ && flow_->Handle(req, res)) return;
  ServeFile(req.path, res);
}

void FixtureServer::ServeFile(const std::string& path, httplib::Response& res) {
  namespace fs = std::filesystem;
  if (root_.empty() || path.empty() || path[0] != '/' || text::Contains(path, "..")) {
    res.status = 404;
    res.set_content("<!doctype html><title>Not found</title><h1>Not found</h1>", "text/html; charset=utf-8");
    return;
  }
  const fs::path root(root_);
  const std::string rel = path.substr(1);
  std::string body;
  // A canned response: "a/b.http" for "/a/b", or "a/b/index.http" for "/a/b/" and "/a/b".
  for (const fs::path& canned : {root / (rel + ".http"), root / rel / "index.http"})
    if (ReadWholeFile(canned.string(), &body)) {
      ApplyCanned(body, res);
      return;
    }
  const std::vector<fs::path> candidates =
      rel.empty() ? std::vector<fs::path>{root / "index.html"}
                  : std::vector<fs::path>{root / (rel + ".html"), root / rel / "index.html", root / rel};
  for (const fs::path& p : candidates) {
    if (flow_ && flow_->ServesFile(p.string())) continue;  // reachable only through its routes
    if (ReadWholeFile(p.string(), &body)) {
      res.status = 200;
      const std::string type = ContentTypeFor(p.string());
      res.set_content(body, flow_ && type == "text/html" ? flow_->html_content_type() : type);
      return;
    }
  }
  // A "_wildcard.html" answers for every path below its folder that has no file of its own.
  for (fs::path dir = fs::path(rel).parent_path();; dir = dir.parent_path()) {
    if (ReadWholeFile((root / dir / "_wildcard.html").string(), &body)) {
      res.status = 200;
      res.set_content(body, "text/html; charset=utf-8");
      return;
    }
    if (dir.empty() || dir == dir.parent_path()) break;
  }
  res.status = 404;
  res.set_content("<!doctype html><title>Not found</title><h1>Not found</h1>", "text/html; charset=utf-8");
}

}  // namespace mmaudit::testing
