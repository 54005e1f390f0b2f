#include <gtest/gtest.h>

#include "facts/extract.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

fetch::Response Html(std::string body, std::string content_type = "text/html; charset=utf-8", int status = 200) {
  fetch::Response r;
  r.requested_url = r.final_url = "https://shop.example/p/1";
  r.status = status;
  r.headers = {{"content-type", std::move(content_type)}};
  r.body = std::move(body);
  r.decoded_bytes = r.body.size();
  return r;
}

TEST(ExtractPage, RecordsANetworkFailureWithoutParsing) {
  fetch::Response r;
  r.requested_url = r.final_url = "http://unreachable.invalid/";
  r.error = fetch::FetchError::kDns;
  r.error_message = "Could not resolve host";
  PageFacts f = ExtractPage(r);
  EXPECT_FALSE(f.fetched);
  EXPECT_FALSE(f.parsed);
  EXPECT_EQ(f.error_code, "fetch");
  EXPECT_EQ(f.error, "dns: Could not resolve host");
}

TEST(ExtractPage, RefusesErrorStatusesNonHtmlAndEmptyBodies) {
  EXPECT_EQ(ExtractPage(Html("<h1>gone</h1>", "text/html", 404)).error_code, "http-status");
  EXPECT_EQ(ExtractPage(Html("<h1>oops</h1>", "text/html", 500)).error_code, "http-status");
  PageFacts pdf = ExtractPage(Html("%PDF-1.7", "application/pdf"));
  EXPECT_EQ(pdf.error_code, "not-html");
  EXPECT_NE(pdf.error.find("application/pdf"), std::string::npos);
  EXPECT_EQ(ExtractPage(Html("  \n ")).error_code, "empty-body");
}

TEST(ExtractPage, SniffsHtmlWhenTheServerSendsNoContentType) {
  fetch::Response r = Html("<!doctype html><title>x</title>");
  r.headers.clear();
  PageFacts f = ExtractPage(r);
  EXPECT_TRUE(f.parsed);
  EXPECT_EQ(f.meta.title, "x");
}

TEST(ExtractPage, ReplacesInvalidUtf8AndNulBytesAndSaysSo) {
  const char raw[] = "<title>Caf\xE9 \xFF\xFE ok</title>\0<p>x</p>";
  PageFacts f = ExtractPage(Html(std::string(raw, sizeof raw - 1)));
  EXPECT_TRUE(f.parsed);
  EXPECT_EQ(f.meta.invalid_utf8_replaced, 4u);
  EXPECT_EQ(f.meta.title, "Caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD ok");
  ASSERT_FALSE(f.notes.empty());
  EXPECT_EQ(f.notes[0].code, "invalid-utf8");
}

TEST(ExtractPage, SaysPlainlyThatOtherCharsetsAreNotDecodedYet) {
  PageFacts f = ExtractPage(Html("<title>x</title>", "text/html; charset=windows-1251"));
  ASSERT_FALSE(f.notes.empty());
  EXPECT_EQ(f.notes.back().code, "charset-not-decoded");
  EXPECT_EQ(f.meta.charset_http, "windows-1251");
}

TEST(ExtractPage, SurvivesHtmlNestedTenThousandLevelsDeep) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "<div>";
  deep += "<a href=\"tel:+4930123\">call</a>";
  PageFacts f = ExtractPage(Html("<!doctype html><title>deep</title>" + deep));
  EXPECT_TRUE(f.parsed);
  EXPECT_EQ(f.links.tel, 1u);
  EXPECT_GT(f.meta.max_depth, 10000u);
}

TEST(ExtractPage, EstimatesGzipSavingsOnlyForUncompressedResponses) {
  const std::string body = "<!doctype html><title>t</title>" + std::string(5000, 'a');
  PageFacts plain = ExtractPage(Html(body));
  EXPECT_GT(plain.http.gzip_estimate_bytes, 0u);
  EXPECT_LT(plain.http.gzip_estimate_bytes, 200u);
  fetch::Response gz = Html(body);
  gz.headers.emplace_back("content-encoding", "gzip");
  EXPECT_EQ(ExtractPage(gz).http.gzip_estimate_bytes, 0u);
}

TEST(GuessPageType, RecognisesTheDemoShopPages) {
  struct Case {
    const char* file;
    const char* path;
    const char* type;
  } cases[] = {
      {"index.html", "/", "home"},
      {"c/running-shoes.html", "/c/running-shoes", "category"},
      {"p/trail-runner-x.html", "/p/trail-runner-x", "product"},
      {"p/city-walker.html", "/p/city-walker", "product"},
      {"faq.html", "/faq", "faq"},
      {"stores.html", "/stores", "store-locator"},
      {"guides/how-to-lace-running-shoes.html", "/guides/how-to-lace-running-shoes", "guide"},
      {"cart.html", "/cart", "cart"},
      {"checkout.html", "/checkout", "checkout"},
  };
  for (const Case& c : cases) {
    fetch::Response r = Html(testing::ReadFixture(std::string("fixtures/shops/demo/site/") + c.file));
    r.requested_url = r.final_url = std::string("http://127.0.0.1:8080") + c.path;
    EXPECT_EQ(ExtractPage(r).page_type, c.type) << c.file;
  }
}

}  // namespace
}  // namespace mmaudit::facts
