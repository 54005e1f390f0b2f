// The report JSON writer: every string comes out valid UTF-8 (PageToJson), and site.urls comes from a
// SiteEntrySource (what a merge uses instead of holding every URL entry in memory) with the same
// bytes as from crawl.entries, and a source that fails leaves no report behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text.h"
#include "facts/extract.h"
#include "report/result.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit::report {
namespace {

class VectorSource final : public SiteEntrySource {
 public:
  VectorSource(std::vector<fetch::CrawlEntry> entries, std::size_t fail_after)
      : entries_(std::move(entries)), fail_after_(fail_after) {}
  bool ForEach(const std::function<void(const fetch::CrawlEntry&)>& each, std::string* error) const override {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (i == fail_after_) {
        *error = "the disk went away";
        return false;
      }
      each(entries_[i]);
    }
    return true;
  }

 private:
  std::vector<fetch::CrawlEntry> entries_;
  std::size_t fail_after_;
};

AuditResult WithEntries(int n) {
  AuditResult r;
  r.generated_at = "2026-11-23T00:00:00Z";
  SiteSection site;
  site.start_urls = {"https://shop.example/"};
  for (int i = 0; i < n; ++i) {
    fetch::CrawlEntry e;
    e.url = "https://shop.example/p/" + std::to_string(i);
    e.state = i % 3 == 0 ? "fetched" : "skipped";
    e.status = i % 3 == 0 ? 200 : 0;
    e.reason = i % 3 == 0 ? "" : "max-pages";
    e.page_type = "product";
    e.depth = 1;
    site.crawl.entries.push_back(e);
  }
  r.crawl = std::move(site);
  return r;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SiteEntrySource, GivesTheSameReportAsTheEntriesInMemoryEveryTimeItIsWritten) {
  const AuditResult in_memory = WithEntries(50);
  AuditResult streamed = WithEntries(0);
  streamed.crawl->entry_source = std::make_shared<VectorSource>(in_memory.crawl->crawl.entries, SIZE_MAX);
  const std::string expected = ToJson(in_memory);
  EXPECT_NE(expected.find("https://shop.example/p/49"), std::string::npos);
  EXPECT_EQ(ToJson(streamed), expected);
  EXPECT_EQ(ToJson(streamed), expected);  // read again for a second report (the gates' rewrite)
  const std::string path = testing::TempDir() + "/streamed.json";
  std::string error;
  ASSERT_TRUE(WriteJsonFile(streamed, path, &error)) << error;
  EXPECT_EQ(Slurp(path), expected);
}

TEST(SiteEntrySource, ASourceThatFailsLeavesNoReportFileAndSaysWhy) {
  const AuditResult in_memory = WithEntries(20);
  AuditResult streamed = WithEntries(0);
  streamed.crawl->entry_source = std::make_shared<VectorSource>(in_memory.crawl->crawl.entries, 7);
  const std::string path = testing::TempDir() + "/failed.json";
  std::string error;
  EXPECT_FALSE(WriteJsonFile(streamed, path, &error));
  EXPECT_NE(error.find("the disk went away"), std::string::npos) << error;
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

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
  PageResult page;
  page.facts = facts::ExtractPage(testing::FixturePage(
      "https://shop.example/p/1", "fixtures/fuzz-regressions/extract-page-unknown-meta-charset-label-not-utf8.html",
      "text/html"));
  ASSERT_FALSE(page.facts.notes.empty());
  EXPECT_EQ(page.facts.notes.back().code, "charset-unknown");
  EXPECT_EQ(page.facts.notes.back().message, "unknown charset \"win\xEF\xBF\xBDows-1251\" in <meta>");
  EXPECT_TRUE(text::IsValidUtf8(page.facts.meta.charset_declared));
  EXPECT_TRUE(text::IsValidUtf8(PageToJson(page)));
}

// Found by the extract_page fuzz target (a 22 s unit): nested microdata items named by many
// itemprop names each, shared by all of them, so writing them as a tree multiplied them. The
// 4.6 KB page gave 240 MB of page JSON; the cap on property values bounds it.
TEST(PageJson, MicrodataItemsSharedByManyNamesGiveABoundedPageJson) {
  PageResult page;
  page.facts = facts::ExtractPage(testing::FixturePage(
      "https://shop.example/p/1", "fixtures/fuzz-regressions/extract-page-microdata-items-shared-by-many-names.html",
      "text/html"));
  ASSERT_EQ(page.facts.structured_data.errors.size(), 1u);
  EXPECT_EQ(page.facts.structured_data.errors[0].message, "more than 5000 microdata properties; the rest were ignored");
  const std::string json = PageToJson(page);
  EXPECT_LT(json.size(), 1024u * 1024u);
  EXPECT_TRUE(text::IsValidUtf8(json));
}

}  // namespace
}  // namespace mmaudit::report
