// The page JSON writer (report::PageToJson), the one place every page string goes into the report.
#include <gtest/gtest.h>

#include <string>

#include "core/text.h"
#include "facts/extract.h"
#include "report/result.h"
#include "tests/support/test_paths.h"

namespace mmaudit::report {
namespace {

// A fact holding bytes that are not UTF-8 (a cut inside a character, a header byte never decoded)
// must not make the report unreadable: a JSON reader refuses such bytes.
TEST(PageJson, WritesEveryStringAsValidUtf8EvenWhenAFactIsNot) {
  PageResult page;
  page.audited = page.facts.fetched = page.facts.parsed = true;
  page.facts.meta.has_title = true;
  page.facts.meta.title = "Buty m\xC4\x99skie \xC4";  // cut inside "ę"
  page.facts.http.x_robots_tag = "server said \xFF\xFE here";  // header bytes, never decoded
  const std::string json = PageToJson(page);
  EXPECT_TRUE(text::IsValidUtf8(json));
  EXPECT_NE(json.find("Buty m\xC4\x99skie \xEF\xBF\xBD"), std::string::npos);  // U+FFFD in its place
  EXPECT_NE(json.find("server said \xEF\xBF\xBD\xEF\xBF\xBD here"), std::string::npos);
}

// Found by the extract_page fuzz target: an unknown <meta charset> label with a byte outside
// ASCII ("win\xF9ows-1251") went into a page note as it was, before any decoding.
TEST(PageJson, AnUnknownMetaCharsetLabelWithABrokenByteGivesValidJson) {
  fetch::Response r;
  r.requested_url = r.final_url = "https://shop.example/p/1";
  r.status = 200;
  r.headers = {{"content-type", "text/html"}};
  r.body = testing::ReadFixture("fixtures/fuzz-regressions/extract-page-unknown-meta-charset-label-not-utf8.html");
  r.decoded_bytes = r.body.size();
  PageResult page;
  page.facts = facts::ExtractPage(r);
  ASSERT_FALSE(page.facts.notes.empty());
  EXPECT_EQ(page.facts.notes.back().code, "charset-unknown");
  EXPECT_EQ(page.facts.notes.back().message, "unknown charset \"win\xEF\xBF\xBDows-1251\" in <meta>");
  EXPECT_TRUE(text::IsValidUtf8(page.facts.meta.charset_declared));
  EXPECT_TRUE(text::IsValidUtf8(PageToJson(page)));
}

}  // namespace
}  // namespace mmaudit::report
