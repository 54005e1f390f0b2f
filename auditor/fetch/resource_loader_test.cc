// ResourceLoader over real loopback HTTP (tests/support/fixture_server.h): exact byte accounting,
// one fetch per URL per loader (across calls and threads), bodies kept by type, failures as entries.
#include "fetch/resource_loader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "fetch/gzip_estimate.h"
#include "tests/support/fixture_server.h"

namespace mmaudit::fetch {
namespace {

// 30000 bytes of plausible CSS: numbered rules, so it compresses well but not to nothing.
std::string Stylesheet() {
  std::string css;
  for (int i = 0; css.size() < 30000; ++i)
    css += ".item-" + std::to_string(i) + "{margin:" + std::to_string(i % 17) + "px;color:#" +
           std::to_string(100 + i % 900) + "}\n";
  css.resize(30000);
  return css;
}

// One gzip member holding `data`.
std::string Gzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// What libcurl counts as the header bytes of a cpp-httplib "200 OK" with these headers.
std::uint64_t HeaderBytes(const Response& r) {
  std::uint64_t n = std::string("HTTP/1.1 200 OK\r\n").size() + 2;
  for (const auto& [name, value] : r.headers) n += name.size() + 2 + value.size() + 2;
  return n;
}

class ResourceLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    css = Stylesheet();
    gzipped = Gzip(css);
    Serve("/style.css", css, "text/css");
    Serve("/style-gz.css", gzipped, "text/css", {{"Content-Encoding", "gzip"}});
    Serve("/app.js", "function add(a, b) { return a + b; }\n", "application/javascript");
    for (int i = 0; i < 200000; ++i) image.push_back(static_cast<char>((i * 7919) % 251));
    Serve("/photo.png", image, "image/png");
    Serve("/font.woff2", image, "font/woff2");
    for (int i = 0; i < 12; ++i) Serve("/r" + std::to_string(i) + ".css", ".r" + std::to_string(i) + "{}", "text/css");
    server.Route("/old", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/older", 301); });
    server.Route("/older", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/style.css", 302);
    });
    server.Route("/slow", [this](const httplib::Request&, httplib::Response& res) {
      std::unique_lock<std::mutex> lock(gate_mu);
      gate_cv.wait_for(lock, std::chrono::seconds(10), [this] { return gate_open; });
      res.set_content("late", "text/plain");
    });
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
    options.fetch.user_agent = "mmaudit-test";
    options.fetch.total_timeout_ms = 5000;
  }
  void TearDown() override { OpenGate(); }

  // Serves `body` with a Content-Length and no compression of the server's own.
  void Serve(const std::string& path, const std::string& body, const std::string& type,
             std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto data = std::make_shared<std::string>(body);
    server.Route(path, [data, type, headers](const httplib::Request&, httplib::Response& res) {
      for (const auto& [name, value] : headers) res.set_header(name, value);
      res.set_content_provider(data->size(), type, [data](size_t offset, size_t length, httplib::DataSink& sink) {
        sink.write(data->data() + offset, std::min(length, data->size() - offset));
        return true;
      });
    });
  }
  std::size_t Hits(const std::string& path) const {
    std::size_t n = 0;
    for (const auto& r : server.Requests()) n += r.path == path;
    return n;
  }
  void OpenGate() {
    {
      std::lock_guard<std::mutex> lock(gate_mu);
      gate_open = true;
    }
    gate_cv.notify_all();
  }

  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool gate_open = false;
  testing::FixtureServer server{""};
  ResourceLoaderOptions options;
  std::string css, gzipped, image;
};

TEST_F(ResourceLoaderTest, CountsAnUncompressedStylesheetByteForByteAndEstimatesWhatGzipWouldSend) {
  ResourceLoader loader(options);
  const auto entries = loader.LoadAll({server.Url("/style.css")});
  ASSERT_EQ(entries.size(), 1u);
  const LoadedResource& e = *entries[0];
  ASSERT_TRUE(e.response.ok()) << e.response.error_message;
  EXPECT_EQ(e.response.status, 200);
  EXPECT_EQ(e.response.Header("content-encoding"), "");
  EXPECT_EQ(e.response.decoded_bytes, 30000u);
  EXPECT_EQ(e.response.body_transfer_bytes, 30000u);
  EXPECT_EQ(e.response.transfer_bytes, HeaderBytes(e.response) + 30000u);
  EXPECT_EQ(e.response.body, css);  // a stylesheet keeps its body
  EXPECT_FALSE(e.body_trimmed);
  EXPECT_EQ(e.gzip_estimate_bytes, DeflatedSize(css));
  EXPECT_GT(e.gzip_estimate_bytes, 0u);
  EXPECT_LT(e.gzip_estimate_bytes, 30000u / 3);
}

TEST_F(ResourceLoaderTest, CountsTheGzipStreamOnTheWireAndTheWholeStylesheetDecoded) {
  ResourceLoader loader(options);
  const auto entries = loader.LoadAll({server.Url("/style-gz.css")});
  const LoadedResource& e = *entries.at(0);
  ASSERT_TRUE(e.response.ok()) << e.response.error_message;
  EXPECT_EQ(e.response.Header("content-encoding"), "gzip");
  EXPECT_EQ(e.response.body_transfer_bytes, gzipped.size());
  EXPECT_EQ(e.response.decoded_bytes, 30000u);
  EXPECT_EQ(e.response.transfer_bytes, HeaderBytes(e.response) + gzipped.size());
  EXPECT_EQ(e.response.body, css);
  EXPECT_EQ(e.gzip_estimate_bytes, 0u);  // it was compressed already
}

TEST_F(ResourceLoaderTest, FetchesAUrlNamedTwiceInOneCallAndAgainInTheNextCallOnce) {
  ResourceLoader loader(options);
  const auto first = loader.LoadAll({server.Url("/style.css"), server.Url("/app.js"), server.Url("/style.css")});
  const auto second = loader.LoadAll({server.Url("/app.js"), server.Url("/style.css")});
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(first[0], first[2]);  // the same shared entry
  EXPECT_EQ(second[1], first[0]);
  EXPECT_EQ(second[0], first[1]);
  EXPECT_EQ(Hits("/style.css"), 1u);
  EXPECT_EQ(Hits("/app.js"), 1u);
  EXPECT_EQ(loader.transfers(), 2u);
}

TEST_F(ResourceLoaderTest, FourThreadsNamingOverlappingUrlsFetchEachUrlExactlyOnce) {
  options.concurrency = 2;
  ResourceLoader loader(options);
  std::vector<std::vector<std::string>> lists(4);
  for (int t = 0; t < 4; ++t)
    for (int i = 0; i < 8; ++i) lists[t].push_back(server.Url("/r" + std::to_string((t * 2 + i) % 12) + ".css"));
  std::vector<std::vector<std::shared_ptr<const LoadedResource>>> results(4);
  std::mutex mu;
  std::condition_variable cv;
  int ready = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      {  // start together, so the calls overlap
        std::unique_lock<std::mutex> lock(mu);
        ++ready;
        cv.notify_all();
        cv.wait(lock, [&] { return ready == 4; });
      }
      results[t] = loader.LoadAll(lists[t]);
    });
  for (auto& th : threads) th.join();
  std::map<std::string, std::shared_ptr<const LoadedResource>> by_url;
  for (int t = 0; t < 4; ++t) {
    ASSERT_EQ(results[t].size(), lists[t].size());
    for (std::size_t i = 0; i < lists[t].size(); ++i) {
      const auto& e = results[t][i];
      ASSERT_TRUE(e && e->response.ok()) << lists[t][i];
      EXPECT_EQ(e->response.status, 200);
      auto [it, fresh] = by_url.emplace(lists[t][i], e);
      EXPECT_EQ(it->second, e) << lists[t][i] << " got two different entries";
    }
  }
  EXPECT_EQ(by_url.size(), 12u);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(Hits("/r" + std::to_string(i) + ".css"), 1u) << i;
  EXPECT_EQ(loader.transfers(), 12u);
}

TEST_F(ResourceLoaderTest, KeepsTheStartOfAnImageAndNothingOfAFontButCountsBothWhole) {
  options.keep_image_bytes = 1000;
  ResourceLoader loader(options);
  const auto entries = loader.LoadAll({server.Url("/photo.png"), server.Url("/font.woff2"), server.Url("/app.js")});
  const LoadedResource& png = *entries.at(0);
  ASSERT_TRUE(png.response.ok()) << png.response.error_message;
  EXPECT_EQ(png.response.body, image.substr(0, 1000));
  EXPECT_EQ(png.response.decoded_bytes, 200000u);
  EXPECT_EQ(png.response.body_transfer_bytes, 200000u);
  EXPECT_TRUE(png.body_trimmed);
  EXPECT_EQ(png.gzip_estimate_bytes, 0u);  // not text
  const LoadedResource& font = *entries.at(1);
  ASSERT_TRUE(font.response.ok()) << font.response.error_message;
  EXPECT_TRUE(font.response.body.empty());
  EXPECT_EQ(font.response.decoded_bytes, 200000u);
  EXPECT_TRUE(font.body_trimmed);
  const LoadedResource& js = *entries.at(2);
  ASSERT_TRUE(js.response.ok()) << js.response.error_message;
  EXPECT_TRUE(js.response.body.empty());  // a script is measured, not kept
  EXPECT_EQ(js.response.decoded_bytes, 37u);
  EXPECT_EQ(js.gzip_estimate_bytes, DeflatedSize("function add(a, b) { return a + b; }\n"));
}

TEST_F(ResourceLoaderTest, GivesA404ARefusedPortAndAnInvalidUrlTheirEntriesAndGoesOn) {
  testing::FixtureServer closed("");
  std::string error;
  ASSERT_TRUE(closed.Start(&error)) << error;
  const std::string dead = closed.Url("/gone.css");
  closed.Stop();  // the port is now closed: connecting is refused
  ResourceLoader loader(options);
  const auto entries =
      loader.LoadAll({server.Url("/missing.css"), dead, "not a url", "ftp://example.com/a.css", server.Url("/style.css")});
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_TRUE(entries[0]->response.ok());
  EXPECT_EQ(entries[0]->response.status, 404);
  EXPECT_EQ(entries[1]->response.error, FetchError::kConnect) << entries[1]->response.error_message;
  EXPECT_EQ(entries[2]->response.error, FetchError::kInvalidUrl);
  EXPECT_EQ(entries[3]->response.error, FetchError::kUnsupportedScheme);
  EXPECT_EQ(entries[3]->response.requested_url, "ftp://example.com/a.css");
  ASSERT_TRUE(entries[4]->response.ok());
  EXPECT_EQ(entries[4]->response.decoded_bytes, 30000u);
  EXPECT_EQ(loader.transfers(), 3u);  // the invalid URLs were never sent
}

TEST_F(ResourceLoaderTest, GivesUpOnASlowUrlWithinTheTimeoutAndFinishesTheOthers) {
  options.fetch.total_timeout_ms = 300;
  ResourceLoader loader(options);
  const auto start = std::chrono::steady_clock::now();
  const auto entries = loader.LoadAll({server.Url("/slow"), server.Url("/style.css")});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  OpenGate();
  EXPECT_EQ(entries.at(0)->response.error, FetchError::kTimeout) << entries[0]->response.error_message;
  EXPECT_TRUE(entries.at(1)->response.ok()) << entries[1]->response.error_message;
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
}

TEST_F(ResourceLoaderTest, StartsNothingMoreOnceTheCallsBudgetIsSpent) {
  // One transfer at a time and a 200 ms budget: the slow URL holds the only slot past the budget
  // (its own timeout is 400 ms), so the two URLs queued behind it are never started.
  options.concurrency = 1;
  options.fetch.total_timeout_ms = 400;
  options.call_budget_ms = 200;
  ResourceLoader loader(options);
  const auto entries = loader.LoadAll({server.Url("/slow"), server.Url("/style.css"), server.Url("/font.woff2")});
  OpenGate();
  EXPECT_EQ(entries.at(0)->response.error, FetchError::kTimeout);
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(entries.at(i)->response.error, FetchError::kTimeout);
    EXPECT_NE(entries.at(i)->response.error_message.find("not fetched"), std::string::npos)
        << entries[i]->response.error_message;
  }
  EXPECT_EQ(loader.transfers(), 1u);
}

TEST_F(ResourceLoaderTest, FollowsRedirectsAndRecordsEachHop) {
  ResourceLoader loader(options);
  const auto entries = loader.LoadAll({server.Url("/old")});
  const Response& r = entries.at(0)->response;
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.requested_url, server.Url("/old"));
  EXPECT_EQ(r.final_url, server.Url("/style.css"));
  ASSERT_EQ(r.redirects.size(), 2u);
  EXPECT_EQ(r.redirects[0].url, server.Url("/old"));
  EXPECT_EQ(r.redirects[0].status, 301);
  EXPECT_EQ(r.redirects[0].location, server.Url("/older"));
  EXPECT_EQ(r.redirects[1].status, 302);
  EXPECT_EQ(r.redirects[1].location, server.Url("/style.css"));
  EXPECT_EQ(r.decoded_bytes, 30000u);
  EXPECT_EQ(r.body_transfer_bytes, 30000u);  // the final response's body
  EXPECT_GT(r.transfer_bytes, HeaderBytes(r) + 30000u);  // and every hop's headers and bodies
  EXPECT_EQ(loader.transfers(), 3u);
}

}  // namespace
}  // namespace mmaudit::fetch
