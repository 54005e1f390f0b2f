#include <gtest/gtest.h>

#include "core/text.h"
#include "facts/extract.h"
#include "html/query.h"
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

// Found by the extract_page fuzz target: a page read as UTF-16 (its byte order mark) whose <title>
// never ends, so the title is cut at 4 KiB, which fell inside a three-byte character. A cut text
// must still be valid UTF-8.
TEST(ExtractPage, CutsAnOverlongTitleBetweenCharacters) {
  const PageFacts f = ExtractPage(
      Html(testing::ReadFixture("fixtures/fuzz-regressions/extract-page-title-cut-inside-a-character.html"), "text/html"));
  ASSERT_TRUE(f.parsed);
  EXPECT_GT(f.meta.title.size(), 4000u);
  EXPECT_LE(f.meta.title.size(), 4096u);
  EXPECT_TRUE(text::IsValidUtf8(f.meta.title));
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

// A caller that reads more from the same parse gets the DOM and the context once, for parsed pages
// only.
TEST(ExtractPage, HandsTheParsedDocumentToACallerThatAsksForIt) {
  int calls = 0;
  std::string title, base;
  ExtractOptions options;
  options.with_document = [&](const html::Document& doc, const Context& ctx) {
    ++calls;
    title = html::Text(html::FindFirst(doc.root(), GUMBO_TAG_TITLE));
    base = ctx.base_url;
  };
  fetch::Response page = Html("<!doctype html><title>Koszyk</title><p>x");
  page.final_url = "https://sklep.example/koszyk";
  ExtractPage(page, options);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(title, "Koszyk");
  EXPECT_EQ(base, "https://sklep.example/koszyk");
  ExtractPage(Html("{}", "application/json"), options);
  ExtractPage(Html("<h1>gone</h1>", "text/html", 404), options);
  EXPECT_EQ(calls, 1);
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

TEST(ExtractPage, ReplacesBytesThatAreNotTheDeclaredUtf8AndSaysSo) {
  const char raw[] = "<title>Caf\xE9 \xFF\xFE ok</title>\0<p>x</p>";
  PageFacts f = ExtractPage(Html(std::string(raw, sizeof raw - 1)));
  EXPECT_TRUE(f.parsed);
  EXPECT_EQ(f.meta.invalid_utf8_replaced, 3u);  // the NUL byte is dropped, not replaced
  EXPECT_EQ(f.meta.title, "Caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD ok");
  ASSERT_EQ(f.notes.size(), 2u);
  EXPECT_EQ(f.notes[0].code, "invalid-bytes");
  EXPECT_EQ(f.notes[1].code, "charset-mismatch");
}

TEST(ExtractPage, DecodesTheDeclaredCharsetBeforeParsing) {
  // "Кроссовки" in windows-1251.
  PageFacts f = ExtractPage(Html("<title>\xCA\xF0\xEE\xF1\xF1\xEE\xE2\xEA\xE8</title>", "text/html; charset=windows-1251"));
  EXPECT_EQ(f.meta.title, "Кроссовки");
  EXPECT_EQ(f.meta.charset_http, "windows-1251");
  EXPECT_EQ(f.meta.charset_used, "windows-1251");
  EXPECT_EQ(f.meta.charset_source, "http");
  EXPECT_TRUE(f.notes.empty());
}

TEST(ExtractPage, SurvivesHtmlNestedTenThousandLevelsDeep) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "<div>";
  deep += "<a href=\"tel:+4930123\">call</a>";
  ExtractOptions unlimited;
  unlimited.max_dom_depth = 0;
  PageFacts f = ExtractPage(Html("<!doctype html><title>deep</title>" + deep), unlimited);
  EXPECT_TRUE(f.parsed);
  EXPECT_EQ(f.links.tel, 1u);
  EXPECT_GT(f.meta.max_depth, 10000u);
}

TEST(ExtractPage, FlattensNestingPastTheDomDepthLimitWithANoteAndKeepsTheContent) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "<div>";
  deep += "<a href=\"tel:+4930123\">call</a>";
  PageFacts f = ExtractPage(Html("<!doctype html><title>deep</title>" + deep));
  EXPECT_TRUE(f.parsed);
  EXPECT_EQ(f.links.tel, 1u);
  EXPECT_LE(f.meta.max_depth, 512u + 3u);
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_EQ(f.notes[0].code, "limit-dom-depth");
  EXPECT_EQ(f.notes[0].message, "elements nest deeper than 512 levels: 9489 elements past that depth were read as "
                                "siblings at that depth (--max-dom-depth)");
}

TEST(ExtractPage, KeepsAtMostMaxLinksAndNotesTheRest) {
  std::string body = "<!doctype html><title>links</title>";
  for (int i = 0; i < 30; ++i) body += "<a href=\"/p" + std::to_string(i) + "\">p</a>";
  ExtractOptions o;
  o.max_links = 10;
  PageFacts f = ExtractPage(Html(body), o);
  EXPECT_EQ(f.links.total, 30u);
  EXPECT_EQ(f.links.links.size(), 10u);
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_EQ(f.notes[0].message, "the page has 30 links; only the first 10 were read and followed (--max-links)");
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

TEST(PageType, RecognisesTheDemoShopPagesWithConfidenceAndEvidence) {
  struct Case {
    const char* file;
    const char* path;
    const char* type;
  } cases[] = {
      {"index.html", "/", "home"},
      {"c/running-shoes.html", "/c/running-shoes", "category"},
      {"p/trail-runner-x.html", "/p/trail-runner-x", "product"},
      {"p/city-walker.html", "/p/city-walker", "product"},
      {"p/kids-sprint.html", "/p/kids-sprint", "product"},
      {"faq.html", "/faq", "faq"},
      {"stores.html", "/stores", "store-locator"},
      {"guides/how-to-lace-running-shoes.html", "/guides/how-to-lace-running-shoes", "guide"},
      {"cart.html", "/cart", "cart"},
      {"checkout.html", "/checkout", "checkout"},
      {"checkout/shipping.html", "/checkout/shipping", "checkout"},
      {"checkout/payment.html", "/checkout/payment", "checkout"},
  };
  for (const Case& c : cases) {
    fetch::Response r = Html(testing::ReadFixture(std::string("fixtures/shops/demo/site/") + c.file));
    r.requested_url = r.final_url = std::string("http://127.0.0.1:8080") + c.path;
    const PageFacts f = ExtractPage(r);
    EXPECT_EQ(f.page_type, c.type) << c.file;
    EXPECT_EQ(f.page_type_source, "classifier") << c.file;
    // Every demo page has a URL word or root plus markup or DOM cues that agree.
    EXPECT_GE(f.page_type_confidence, 0.6) << c.file;
    EXPECT_LE(f.page_type_confidence, 1.0) << c.file;
    EXPECT_GE(f.page_type_evidence.size(), 2u) << c.file;
    EXPECT_LE(f.page_type_evidence.size(), 6u) << c.file;
  }
}

TEST(PageType, IsLeftEmptyForPagesThatCannotBeAudited) {
  const PageFacts f = ExtractPage(Html("<h1>gone</h1>", "text/html", 404));
  EXPECT_EQ(f.page_type, "");
  EXPECT_EQ(f.page_type_confidence, 0);
  EXPECT_TRUE(f.page_type_evidence.empty());
  EXPECT_EQ(f.page_type_source, "");
}

}  // namespace
}  // namespace mmaudit::facts
