// ParseSitemap: urlset and sitemapindex XML, gzip, namespaces, limits, bombs and bad input.
#include "fetch/sitemap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/support/test_paths.h"

namespace mmaudit::fetch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::vector<std::string> Locs(const Sitemap& sitemap) {
  std::vector<std::string> locs;
  for (const SitemapEntry& e : sitemap.urls) locs.push_back(e.loc);
  return locs;
}

// Compresses what `next` produces (it fills a buffer and returns false when done) into one gzip
// member, streaming, so that a huge input never exists in memory.
template <typename Next>
std::string GzipStream(Next next, int level = Z_DEFAULT_COMPRESSION) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out;
  std::string in;
  std::vector<unsigned char> buf(1 << 16);
  bool more = true;
  while (more) {
    in.clear();
    more = next(&in);
    zs.next_in = reinterpret_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    const int flush = more ? Z_NO_FLUSH : Z_FINISH;
    int rc = Z_OK;
    do {
      zs.next_out = buf.data();
      zs.avail_out = static_cast<uInt>(buf.size());
      rc = deflate(&zs, flush);
      out.append(reinterpret_cast<const char*>(buf.data()), buf.size() - zs.avail_out);
    } while (zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  }
  deflateEnd(&zs);
  return out;
}

std::string Gzip(const std::string& data) {
  bool given = false;
  return GzipStream([&](std::string* in) {
    if (!given) *in = data;
    given = true;
    return false;
  });
}

// Peak resident memory of this process in KiB (Linux), or -1.
long PeakRssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

constexpr const char* kUrlsetOpen = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";

std::string UrlsetWith(int n) {
  std::string xml = kUrlsetOpen;
  for (int i = 0; i < n; ++i) xml += "<url><loc>https://shop.example/p/" + std::to_string(i) + "</loc></url>\n";
  return xml + "</urlset>\n";
}

TEST(SitemapTest, ReadsTheUrlsAndLastmodOfAUrlset) {
  const Sitemap sitemap = ParseSitemap(mmaudit::testing::ReadFixture("fixtures/sitemaps/urlset.xml"));
  EXPECT_FALSE(sitemap.is_index);
  EXPECT_FALSE(sitemap.truncated);
  EXPECT_THAT(sitemap.errors, IsEmpty());
  ASSERT_THAT(sitemap.urls, SizeIs(3));
  EXPECT_EQ(sitemap.urls[0].loc, "https://shop.example/");
  EXPECT_EQ(sitemap.urls[0].lastmod, "2024-05-01");
  EXPECT_EQ(sitemap.urls[1].lastmod, "2024-05-02T10:00:00+00:00");
  EXPECT_EQ(sitemap.urls[2].lastmod, "");
  EXPECT_THAT(sitemap.sitemaps, IsEmpty());
}

TEST(SitemapTest, TrimsLocDecodesEntitiesAndReadsCdata) {
  const Sitemap sitemap = ParseSitemap(mmaudit::testing::ReadFixture("fixtures/sitemaps/urlset.xml"));
  EXPECT_THAT(Locs(sitemap), ElementsAre("https://shop.example/", "https://shop.example/products/linen-shirt?colour=blue&size=m",
                                         "https://shop.example/cart?from=sitemap&x=1"));
}

TEST(SitemapTest, IgnoresTheLocOfExtensionsSuchAsImages) {
  const Sitemap sitemap = ParseSitemap(mmaudit::testing::ReadFixture("fixtures/sitemaps/urlset.xml"));
  for (const SitemapEntry& e : sitemap.urls) EXPECT_THAT(e.loc, ::testing::Not(HasSubstr("cdn.")));
}

TEST(SitemapTest, ReadsTheChildSitemapsOfASitemapIndex) {
  const Sitemap index = ParseSitemap(mmaudit::testing::ReadFixture("fixtures/sitemaps/index.xml"));
  EXPECT_TRUE(index.is_index);
  EXPECT_THAT(index.sitemaps, ElementsAre("https://shop.example/sitemap-products.xml.gz",
                                          "https://shop.example/sitemap-pages.xml"));
  EXPECT_THAT(index.urls, IsEmpty());
  EXPECT_THAT(index.errors, IsEmpty());
}

TEST(SitemapTest, InflatesAGzippedSitemapToTheSameEntries) {
  const std::string gz = mmaudit::testing::ReadFixture("fixtures/sitemaps/urlset.xml.gz");
  ASSERT_GE(gz.size(), 2u);
  ASSERT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  const Sitemap zipped = ParseSitemap(gz);
  const Sitemap plain = ParseSitemap(mmaudit::testing::ReadFixture("fixtures/sitemaps/urlset.xml"));
  EXPECT_THAT(zipped.errors, IsEmpty());
  EXPECT_EQ(Locs(zipped), Locs(plain));
  EXPECT_EQ(zipped.urls[1].lastmod, plain.urls[1].lastmod);
}

TEST(SitemapTest, ReadsConcatenatedGzipMembersAsOneDocument) {
  const std::string xml = UrlsetWith(3);
  const std::size_t half = xml.size() / 2;
  const Sitemap sitemap = ParseSitemap(Gzip(xml.substr(0, half)) + Gzip(xml.substr(half)));
  EXPECT_THAT(sitemap.errors, IsEmpty());
  EXPECT_THAT(sitemap.urls, SizeIs(3));
}

TEST(SitemapTest, MatchesElementsByLocalNameWhateverTheNamespacePrefix) {
  const Sitemap prefixed = ParseSitemap(
      "<sm:urlset xmlns:sm=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
      "<sm:url><sm:loc>https://shop.example/a</sm:loc><sm:lastmod>2024-01-01</sm:lastmod></sm:url>"
      "</sm:urlset>");
  EXPECT_THAT(prefixed.errors, IsEmpty());
  EXPECT_THAT(Locs(prefixed), ElementsAre("https://shop.example/a"));
  EXPECT_EQ(prefixed.urls[0].lastmod, "2024-01-01");

  const Sitemap no_namespace = ParseSitemap("<urlset><url><loc>https://shop.example/b</loc></url></urlset>");
  EXPECT_THAT(Locs(no_namespace), ElementsAre("https://shop.example/b"));

  // An undeclared prefix (common in hand-made files) is tolerated.
  const Sitemap undeclared = ParseSitemap(
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>https://shop.example/c</loc>"
      "<image:image><image:loc>https://cdn.example/c.jpg</image:loc></image:image></url></urlset>");
  EXPECT_THAT(undeclared.errors, IsEmpty());
  EXPECT_THAT(Locs(undeclared), ElementsAre("https://shop.example/c"));
}

TEST(SitemapTest, StopsAtMaxUrlsAndSaysItWasTruncated) {
  SitemapLimits limits;
  limits.max_urls = 10;
  const Sitemap cut = ParseSitemap(UrlsetWith(25), limits);
  EXPECT_TRUE(cut.truncated);
  EXPECT_THAT(cut.urls, SizeIs(10));
  EXPECT_EQ(cut.urls.back().loc, "https://shop.example/p/9");
  EXPECT_THAT(cut.errors, IsEmpty());

  const Sitemap exact = ParseSitemap(UrlsetWith(10), limits);
  EXPECT_FALSE(exact.truncated);
  EXPECT_THAT(exact.urls, SizeIs(10));

  const Sitemap text = ParseSitemap("https://shop.example/1\nhttps://shop.example/2\nhttps://shop.example/3\n",
                                    SitemapLimits{1 << 20, 2});
  EXPECT_TRUE(text.truncated);
  EXPECT_THAT(text.urls, SizeIs(2));
}

TEST(SitemapTest, StopsReadingAPlainFileAtTheDecodedLimit) {
  const Sitemap sitemap = ParseSitemap(UrlsetWith(1000), SitemapLimits{4096, 50000});
  EXPECT_TRUE(sitemap.truncated);
  EXPECT_GT(sitemap.urls.size(), 10u);
  EXPECT_LT(sitemap.urls.size(), 4096u / 40);
  EXPECT_THAT(sitemap.errors, IsEmpty());  // a cut document is not an XML error
}

// 200 MB of XML-ish text compressed to a few hundred KiB, generated streaming.
const std::string& GzipBomb() {
  static const std::string bomb = [] {
    const std::string first = std::string(kUrlsetOpen) + "<url><loc>https://shop.example/</loc></url>\n";
    const std::string filler(1 << 20, ' ');
    int pieces = 0;
    return GzipStream(
        [&](std::string* in) {
          *in = pieces == 0 ? first : filler;
          return ++pieces < 200;
        },
        Z_BEST_SPEED);
  }();
  return bomb;
}

TEST(SitemapTest, StopsInflatingAGzipBombAtTheDecodedLimitQuicklyAndInBoundedMemory) {
  const std::string& bomb = GzipBomb();
  ASSERT_LT(bomb.size(), 2u << 20);
  const long rss_before = PeakRssKiB();
  const auto start = std::chrono::steady_clock::now();
  const Sitemap sitemap = ParseSitemap(bomb);  // default limits: 50 MB decoded
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(sitemap.truncated);
  EXPECT_THAT(Locs(sitemap), ElementsAre("https://shop.example/"));
  EXPECT_THAT(sitemap.errors, IsEmpty());
  EXPECT_LT(elapsed, std::chrono::seconds(20));  // generous: sanitizer builds are slow
  if (rss_before > 0) {
    EXPECT_LT(PeakRssKiB() - rss_before, 100 * 1024) << "KiB of peak memory added";
  }
}

TEST(SitemapTest, KeepsUrlsFromAGzipBombOnlyUpToTheDecodedLimit) {
  const std::string url = "<url><loc>https://shop.example/p</loc></url>\n";
  std::string block;
  while (block.size() < (1 << 20)) block += url;
  int pieces = 0;
  const std::string bomb = GzipStream(
      [&](std::string* in) {
        *in = pieces == 0 ? std::string(kUrlsetOpen) : block;
        return ++pieces < 200;
      },
      Z_BEST_SPEED);
  const Sitemap sitemap = ParseSitemap(bomb, SitemapLimits{1 << 20, 1u << 30});
  EXPECT_TRUE(sitemap.truncated);
  EXPECT_GT(sitemap.urls.size(), 1000u);
  EXPECT_LE(sitemap.urls.size(), (1u << 20) / url.size());
}

TEST(SitemapTest, KeepsTheUrlsBeforeAnXmlErrorAndReportsItsLine) {
  const Sitemap sitemap = ParseSitemap(
      "<urlset>\n"
      "<url><loc>https://shop.example/ok</loc></url>\n"
      "<url><loc>https://shop.example/broken</url>\n"
      "</urlset>\n");
  EXPECT_THAT(Locs(sitemap), ElementsAre("https://shop.example/ok"));
  EXPECT_THAT(sitemap.errors, ElementsAre("XML error at line 3: mismatched tag"));
  EXPECT_FALSE(sitemap.truncated);
}

TEST(SitemapTest, ReportsAnUnclosedDocumentAndEntriesWithoutLoc) {
  const Sitemap sitemap = ParseSitemap(
      "<urlset>\n<url><lastmod>2024-01-01</lastmod></url>\n<url><loc>https://shop.example/a</loc></url>\n");
  EXPECT_THAT(Locs(sitemap), ElementsAre("https://shop.example/a"));
  EXPECT_THAT(sitemap.errors, ElementsAre("line 2: <url> without <loc>", "XML error at line 4: no element found"));
}

TEST(SitemapTest, RefusesEntityDeclarationsSoBillionLaughsCannotStart) {
  std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE urlset [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i < 10; ++i) {
    xml += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) xml += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    xml += "\">\n";
  }
  xml += "]>\n<urlset><url><loc>https://shop.example/&lol9;</loc></url></urlset>\n";
  const Sitemap sitemap = ParseSitemap(xml);
  EXPECT_THAT(sitemap.urls, IsEmpty());
  EXPECT_THAT(sitemap.errors, ElementsAre("line 3: entity declarations are not allowed in a sitemap"));
}

TEST(SitemapTest, ReadsATextSitemapWithOneUrlPerLine) {
  const Sitemap sitemap = ParseSitemap(
      "\xEF\xBB\xBFhttps://shop.example/a\r\n"
      "\r\n"
      "  https://shop.example/b?x=1&y=2  \r\n"
      "ftp://shop.example/c\r\n"
      "HTTP://shop.example/d");
  EXPECT_FALSE(sitemap.is_index);
  EXPECT_THAT(Locs(sitemap), ElementsAre("https://shop.example/a", "https://shop.example/b?x=1&y=2",
                                         "HTTP://shop.example/d"));
  EXPECT_THAT(sitemap.errors, ElementsAre("line 4: not an http(s) URL: \"ftp://shop.example/c\""));
}

TEST(SitemapTest, ReadsAGzippedTextSitemap) {
  const Sitemap sitemap = ParseSitemap(Gzip("https://shop.example/a\nhttps://shop.example/b\n"));
  EXPECT_THAT(Locs(sitemap), ElementsAre("https://shop.example/a", "https://shop.example/b"));
  EXPECT_THAT(sitemap.errors, IsEmpty());
}

TEST(SitemapTest, AnHtmlPageServedAsASitemapIsAnErrorWithNoEntries) {
  const Sitemap html = ParseSitemap(
      "<!DOCTYPE html>\n<html lang=en><head><title>404 Not Found</title></head>"
      "<body><a href=\"https://shop.example/\">Home</a></body></html>");
  EXPECT_THAT(html.urls, IsEmpty());
  EXPECT_THAT(html.sitemaps, IsEmpty());
  ASSERT_THAT(html.errors, SizeIs(1));
  EXPECT_THAT(html.errors[0], HasSubstr("XML error at line 2"));

  const Sitemap xhtml = ParseSitemap(
      "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><url><loc>https://shop.example/x</loc></url></body></html>");
  EXPECT_THAT(xhtml.urls, IsEmpty());
  EXPECT_THAT(xhtml.errors, ElementsAre("root element <html> is neither <urlset> nor <sitemapindex>"));
}

TEST(SitemapTest, PlainTextThatIsNoListOfUrlsIsAnError) {
  const Sitemap sitemap = ParseSitemap("Service Unavailable\n");
  EXPECT_THAT(sitemap.urls, IsEmpty());
  EXPECT_THAT(sitemap.errors, ElementsAre("line 1: not an http(s) URL: \"Service Unavailable\"",
                                          "not a sitemap: neither XML nor a list of URLs"));
}

TEST(SitemapTest, CorruptOrTruncatedGzipIsAnError) {
  const Sitemap garbage = ParseSitemap(std::string("\x1f\x8b\x08\x00garbage garbage", 19));
  EXPECT_THAT(garbage.urls, IsEmpty());
  ASSERT_THAT(garbage.errors, SizeIs(1));
  EXPECT_THAT(garbage.errors[0], HasSubstr("gzip"));

  const std::string gz = Gzip(UrlsetWith(200));
  const Sitemap cut = ParseSitemap(std::string_view(gz).substr(0, gz.size() / 2));
  EXPECT_FALSE(cut.urls.empty());
  EXPECT_LT(cut.urls.size(), 200u);
  ASSERT_THAT(cut.errors, SizeIs(1));
  EXPECT_THAT(cut.errors[0], HasSubstr("gzip data ends early"));
}

TEST(SitemapTest, EmptyInputIsAnError) {
  EXPECT_THAT(ParseSitemap("").errors, ElementsAre("empty sitemap"));
  EXPECT_THAT(ParseSitemap(" \n\t\n").errors, ElementsAre("empty sitemap"));
  EXPECT_THAT(ParseSitemap("\xEF\xBB").errors, SizeIs(2));  // half a BOM is just bytes
}

TEST(SitemapTest, AcceptsABomAndWhitespaceBeforeTheXmlDeclaration) {
  const Sitemap sitemap =
      ParseSitemap("\xEF\xBB\xBF\n\n  " + UrlsetWith(2));
  EXPECT_THAT(sitemap.errors, IsEmpty());
  EXPECT_THAT(sitemap.urls, SizeIs(2));
}

TEST(SitemapTest, SurvivesDeeplyNestedElements) {
  std::string xml = "<urlset><url><loc>https://shop.example/a</loc></url>";
  for (int i = 0; i < 100000; ++i) xml += "<x>";
  const Sitemap sitemap = ParseSitemap(xml);
  EXPECT_THAT(Locs(sitemap), ElementsAre("https://shop.example/a"));
  EXPECT_THAT(sitemap.errors, SizeIs(1));
}

TEST(SitemapTest, NeverCrashesOnRandomBytes) {
  std::mt19937 rng(20240501);
  const std::string alphabet = "<>/=\"'&;#:![]? \n\rabcdlourtsemap\x1f\x8b\xEF\xBB\xBF\x00";
  for (int round = 0; round < 300; ++round) {
    std::string bytes = round % 3 == 0 ? UrlsetWith(3) : "";
    const std::size_t n = rng() % 400;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = alphabet[rng() % alphabet.size()];
      if (!bytes.empty() && rng() % 4 == 0) bytes[rng() % bytes.size()] = c;
      else bytes.push_back(c);
    }
    const Sitemap sitemap = ParseSitemap(round % 5 == 0 ? Gzip(bytes) : bytes, SitemapLimits{1 << 16, 100});
    EXPECT_LE(sitemap.urls.size(), 100u);
  }
}

TEST(SitemapTest, CapsTheListOfErrors) {
  std::string xml = "<urlset>\n";
  for (int i = 0; i < 100; ++i) xml += "<url></url>\n";
  const Sitemap sitemap = ParseSitemap(xml + "</urlset>");
  ASSERT_THAT(sitemap.errors, SizeIs(21));
  EXPECT_EQ(sitemap.errors.back(), "... and 80 more errors");
}

}  // namespace
}  // namespace mmaudit::fetch
