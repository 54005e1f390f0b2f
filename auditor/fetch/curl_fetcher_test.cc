// CurlFetcher against a real loopback HTTP server (tests/support/fixture_server.h).
#include "fetch/curl_fetcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "fetch/devices.h"
#include "tests/support/fixture_server.h"

namespace mmaudit::fetch {
namespace {

class CurlFetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server.Route("/page", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<!doctype html><title>Page</title>" + std::string(20000, 'x'), "text/html; charset=utf-8");
    });
    server.Route("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("<h1>Not found</h1>", "text/html");
    });
    server.Route("/broken", [](const httplib::Request&, httplib::Response& res) {
      res.status = 500;
      res.set_content("<h1>Internal error</h1>", "text/html");
    });
    server.Route("/image", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string("\x89PNG\r\n\x1a\n", 8), "image/png");
    });
    server.Route("/empty", [](const httplib::Request&, httplib::Response& res) { res.set_content("", "text/html"); });
    server.Route("/huge", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(3 << 20, 'a'), "application/octet-stream");
    });
    server.Route("/r1", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/r2", 301); });
    server.Route("/r2", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/page", 302); });
    server.Route("/loop-a", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop-b", 302); });
    server.Route("/loop-b", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop-a", 302); });
    server.Route("/to-ftp", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("ftp://127.0.0.1/file", 302);
    });
    server.Route("/to-file", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("file:///etc/passwd", 302);
    });
    server.Route("/to-gopher", [this](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("gopher://127.0.0.1:" + std::to_string(server.port()) + "/1", 302);
    });
    server.Route("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.set_content("late", "text/plain");
    });
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
    options.user_agent = FindDevice("moto-g-power")->user_agent;
    options.connect_timeout_ms = 2000;
    options.total_timeout_ms = 5000;
    options.max_body_bytes = 1 << 20;
  }

  testing::FixtureServer server{""};
  FetchOptions options;
};

TEST_F(CurlFetcherTest, FetchesAPageCompressedAsAPhoneAndRecordsBytesAndTimings) {
  CurlFetcher fetcher(options);
  Response r = fetcher.Fetch(server.Url("/page"));
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.MediaType(), "text/html");
  EXPECT_EQ(r.body.size(), 20034u);
  EXPECT_EQ(r.decoded_bytes, 20034u);
  // The server compressed it (gzip or br), so the wire carried far fewer bytes than were decoded.
  EXPECT_FALSE(r.Header("content-encoding").empty());
  EXPECT_LT(r.body_transfer_bytes, 2000u);
  EXPECT_GT(r.transfer_bytes, r.body_transfer_bytes);  // headers count too
  EXPECT_GT(r.total_ms, 0);
  EXPECT_EQ(r.http_version, "1.1");
  const auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].user_agent.find("moto g power"), std::string::npos);
  EXPECT_NE(requests[0].accept_encoding.find("gzip"), std::string::npos);
  EXPECT_NE(requests[0].accept_encoding.find("br"), std::string::npos);
  EXPECT_NE(requests[0].accept_encoding.find("zstd"), std::string::npos);
}

TEST_F(CurlFetcherTest, RecordsErrorStatusesAsResponsesNotFailures) {
  CurlFetcher fetcher(options);
  Response missing = fetcher.Fetch(server.Url("/missing"));
  EXPECT_TRUE(missing.ok());
  EXPECT_EQ(missing.status, 404);
  Response broken = fetcher.Fetch(server.Url("/broken"));
  EXPECT_EQ(broken.status, 500);
  Response empty = fetcher.Fetch(server.Url("/empty"));
  EXPECT_EQ(empty.status, 200);
  EXPECT_TRUE(empty.body.empty());
  EXPECT_EQ(fetcher.Fetch(server.Url("/image")).MediaType(), "image/png");
}

TEST_F(CurlFetcherTest, FollowsAndRecordsARedirectChain) {
  CurlFetcher fetcher(options);
  Response r = fetcher.Fetch(server.Url("/r1"));
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.final_url, server.Url("/page"));
  ASSERT_EQ(r.redirects.size(), 2u);
  EXPECT_EQ(r.redirects[0].status, 301);
  EXPECT_EQ(r.redirects[0].location, server.Url("/r2"));
  EXPECT_EQ(r.redirects[1].status, 302);
}

TEST_F(CurlFetcherTest, StopsARedirectLoopAndARedirectToAnotherScheme) {
  CurlFetcher fetcher(options);
  Response loop = fetcher.Fetch(server.Url("/loop-a"));
  EXPECT_EQ(loop.error, FetchError::kTooManyRedirects);
  EXPECT_NE(loop.error_message.find("loop"), std::string::npos);
  Response ftp = fetcher.Fetch(server.Url("/to-ftp"));
  EXPECT_EQ(ftp.error, FetchError::kUnsupportedScheme);
  options.max_redirects = 1;
  CurlFetcher strict(options);
  EXPECT_EQ(strict.Fetch(server.Url("/r1")).error, FetchError::kTooManyRedirects);
}

TEST_F(CurlFetcherTest, RefusesARedirectToFileOrGopherWithAClearError) {
  CurlFetcher fetcher(options);
  const Response file = fetcher.Fetch(server.Url("/to-file"));
  EXPECT_EQ(file.error, FetchError::kUnsupportedScheme);
  EXPECT_EQ(file.error_message, "redirect to a URL that is not http(s): file:///etc/passwd");
  EXPECT_TRUE(file.body.empty());
  const Response gopher = fetcher.Fetch(server.Url("/to-gopher"));
  EXPECT_EQ(gopher.error, FetchError::kUnsupportedScheme);
  EXPECT_NE(gopher.error_message.find("redirect to a URL that is not http(s): gopher://127.0.0.1:"), std::string::npos)
      << gopher.error_message;
  // A start URL that is not http(s) is refused before any transfer.
  EXPECT_EQ(fetcher.Fetch("file:///etc/passwd").error, FetchError::kUnsupportedScheme);
}

TEST_F(CurlFetcherTest, CutsABodyAtTheCutLengthAsASuccess) {
  options.cut_body_bytes = 1000;
  CurlFetcher fetcher(options);
  const Response r = fetcher.Fetch(server.Url("/huge"));
  EXPECT_TRUE(r.ok()) << r.error_message;
  EXPECT_TRUE(r.body_cut);
  EXPECT_EQ(r.body.size(), 1000u);
}

TEST_F(CurlFetcherTest, AbortsABodyOverTheDownloadLimitOnTheWire) {
  options.max_body_bytes = 10 << 20;
  options.max_download_bytes = 100'000;
  CurlFetcher fetcher(options);
  const Response r = fetcher.Fetch(server.Url("/huge"));
  EXPECT_EQ(r.error, FetchError::kTooLarge);
  EXPECT_NE(r.error_message.find("100000 bytes on the wire (--max-download)"), std::string::npos) << r.error_message;
}

TEST_F(CurlFetcherTest, AbortsABodyOverTheSizeLimitWithAClearError) {
  CurlFetcher fetcher(options);
  Response r = fetcher.Fetch(server.Url("/huge"));
  EXPECT_EQ(r.error, FetchError::kTooLarge);
  EXPECT_NE(r.error_message.find("1048576 bytes"), std::string::npos) << r.error_message;
  EXPECT_LE(r.body.size(), options.max_body_bytes);
}

TEST_F(CurlFetcherTest, ReportsAnUnreachableHostAndATimeout) {
  CurlFetcher fetcher(options);
  testing::FixtureServer closed("");
  std::string error;
  ASSERT_TRUE(closed.Start(&error)) << error;
  const std::string dead = closed.Url("/");
  closed.Stop();  // the port is now closed: connecting is refused
  Response r = fetcher.Fetch(dead);
  EXPECT_EQ(r.error, FetchError::kConnect) << r.error_message;

  options.total_timeout_ms = 300;
  CurlFetcher impatient(options);
  // The route answers after 1500 ms: a timeout error (not "late") shows the 300 ms limit held.
  Response slow = impatient.Fetch(server.Url("/slow"));
  EXPECT_EQ(slow.error, FetchError::kTimeout);
  EXPECT_EQ(slow.body, "");
}

TEST_F(CurlFetcherTest, RefusesSchemesOtherThanHttp) {
  CurlFetcher fetcher(options);
  EXPECT_EQ(fetcher.Fetch("file:///etc/passwd").error, FetchError::kUnsupportedScheme);
  EXPECT_EQ(fetcher.Fetch("gopher://127.0.0.1/").error, FetchError::kUnsupportedScheme);
  EXPECT_EQ(fetcher.Fetch("not a url").error, FetchError::kInvalidUrl);
  EXPECT_TRUE(server.Requests().empty());
}

}  // namespace
}  // namespace mmaudit::fetch
