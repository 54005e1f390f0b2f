#include "facts/image_header.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

std::string Be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string Be16(std::uint32_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }
std::string Le16(std::uint32_t v) { return {static_cast<char>(v), static_cast<char>(v >> 8)}; }
std::string Le24(std::uint32_t v) { return Le16(v) + static_cast<char>(v >> 16); }
std::string Le32(std::uint32_t v) { return Le24(v) + static_cast<char>(v >> 24); }
std::string Box(std::string_view type, const std::string& body) { return Be32(8 + body.size()) + std::string(type) + body; }
std::string FullBox(std::string_view type, int version, const std::string& body) {
  return Box(type, std::string(1, static_cast<char>(version)) + std::string(3, '\0') + body);
}

std::string Png(std::uint32_t w, std::uint32_t h) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + Be32(13) + "IHDR" + Be32(w) + Be32(h) + std::string("\x08\x06\0\0\0", 5);
}
// SOI, an APP0, a DHT (C4, which is no frame), then SOF2 (progressive).
std::string Jpeg(std::uint32_t w, std::uint32_t h) {
  return std::string("\xFF\xD8", 2) + "\xFF\xE0" + Be16(16) + std::string("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14) +
         "\xFF\xFF\xC4" + Be16(5) + std::string("\0\0\0", 3) + "\xFF\xC2" + Be16(17) + "\x08" + Be16(h) + Be16(w) +
         std::string("\x03\x01\x22\0\x02\x11\x01\x03\x11\x01", 10);
}
std::string Gif(std::uint32_t w, std::uint32_t h) { return "GIF89a" + Le16(w) + Le16(h) + std::string("\xF7\0\0", 3); }
std::string Riff(const std::string& chunk) { return "RIFF" + Le32(4 + chunk.size()) + "WEBP" + chunk; }
std::string WebpLossy(std::uint32_t w, std::uint32_t h) {
  const std::string data = std::string("\x10\x02\x00\x9D\x01\x2A", 6) + Le16(w | 0x4000) + Le16(h) + "xx";
  return Riff("VP8 " + Le32(data.size()) + data);
}
std::string WebpLossless(std::uint32_t w, std::uint32_t h) {
  const std::string data = "\x2F" + Le32((w - 1) | (h - 1) << 14) + "x";
  return Riff("VP8L" + Le32(data.size()) + data);
}
std::string WebpExtended(std::uint32_t w, std::uint32_t h) {
  const std::string data = std::string(4, '\x10') + Le24(w - 1) + Le24(h - 1);
  return Riff("VP8X" + Le32(data.size()) + data);
}
std::string Ispe(std::uint32_t w, std::uint32_t h) { return FullBox("ispe", 0, Be32(w) + Be32(h)); }
// ftyp, then meta with pitm (item 2), iinf omitted, iprp: ipco [colr, ispe small, ispe big] and
// ipma giving item 1 the big one and the primary item 2 the small one.
std::string Avif(const std::string& brand = "avif") {
  const std::string ftyp = Box("ftyp", brand + Be32(0) + "mif1" + "miaf");
  const std::string ipco = Box("ipco", Box("colr", "nclx0000000") + Ispe(320, 240) + Ispe(1920, 1080));
  const std::string ipma = FullBox("ipma", 0, Be32(2) + Be16(1) + "\x01" + "\x83" + Be16(2) + "\x02" + "\x81\x02");
  const std::string meta = FullBox("meta", 0, FullBox("hdlr", 0, std::string(20, '\0')) + FullBox("pitm", 0, Be16(2)) +
                                                  Box("iprp", ipco + ipma));
  return ftyp + meta + Box("mdat", "....");
}

void ExpectImage(const std::optional<ImageInfo>& info, const std::string& format, int w, int h) {
  ASSERT_TRUE(info.has_value()) << format;
  EXPECT_EQ(info->format, format);
  EXPECT_EQ(info->width, w) << format;
  EXPECT_EQ(info->height, h) << format;
}

TEST(ImageHeader, ReadsThePngSizeFromIhdr) { ExpectImage(ReadImageHeader(Png(640, 480)), "png", 640, 480); }

TEST(ImageHeader, ReadsJpegSizeFromTheFirstFrameMarkerSkippingHuffmanTables) {
  ExpectImage(ReadImageHeader(Jpeg(1200, 800)), "jpeg", 1200, 800);
}

TEST(ImageHeader, ReadsTheGifLogicalScreen) { ExpectImage(ReadImageHeader(Gif(88, 31)), "gif", 88, 31); }

TEST(ImageHeader, ReadsAllThreeWebpChunkKinds) {
  ExpectImage(ReadImageHeader(WebpLossy(550, 368)), "webp", 550, 368);  // the scale bits are ignored
  ExpectImage(ReadImageHeader(WebpLossless(1000, 16383)), "webp", 1000, 16383);
  ExpectImage(ReadImageHeader(WebpExtended(4000, 3000)), "webp", 4000, 3000);
}

TEST(ImageHeader, ReadsThePrimaryAvifItemsSizeThroughIpma) {
  ExpectImage(ReadImageHeader(Avif()), "avif", 320, 240);
}

TEST(ImageHeader, FallsBackToTheLargestIspeWithoutAnAssociation) {
  const std::string ftyp = Box("ftyp", std::string("avif") + Be32(0) + "mif1");
  const std::string meta = FullBox("meta", 0, Box("iprp", Box("ipco", Ispe(64, 64) + Ispe(800, 600))));
  ExpectImage(ReadImageHeader(ftyp + meta), "avif", 800, 600);
}

TEST(ImageHeader, CallsAnIsoImageWithoutAnAvifBrandHeif) {
  std::string heic = Avif("heic");
  heic.replace(16, 4, "heix");  // no "avif" among the compatible brands either
  ExpectImage(ReadImageHeader(heic), "heif", 320, 240);
}

TEST(ImageHeader, RefusesIsoFilesOfOtherBrands) {
  std::string mp4 = Avif();
  mp4.replace(8, 4, "isom");
  mp4.replace(16, 8, "iso2mp41");
  EXPECT_FALSE(ReadImageHeader(mp4).has_value());
}

TEST(ImageHeader, ReadsSvgWidthAndHeightInPxOrUnitless) {
  ExpectImage(ReadImageHeader(R"(<svg xmlns="http://www.w3.org/2000/svg" width="120px" height='40'></svg>)"), "svg", 120, 40);
}

TEST(ImageHeader, ReadsSvgSizeFromTheViewBoxAfterAPrologWhenWidthIsAPercentage) {
  const std::string svg =
      "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- logo -->\n<!DOCTYPE svg [ <!ENTITY a \"b>\"> ]>\n"
      "<svg width=\"100%\" viewBox=\"0 0 300,150\"><rect/></svg>";
  ExpectImage(ReadImageHeader(svg), "svg", 300, 150);
}

TEST(ImageHeader, DerivesTheMissingSvgSideFromTheViewBoxAspect) {
  ExpectImage(ReadImageHeader(R"(<svg width="200" viewBox="0 0 100 50"/>)"), "svg", 200, 100);
}

TEST(ImageHeader, GivesZeroSizeForAnSvgThatNamesNone) {
  ExpectImage(ReadImageHeader("<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0'/></svg>"), "svg", 0, 0);
}

TEST(ImageHeader, RefusesHtmlAndOtherBytes) {
  EXPECT_FALSE(ReadImageHeader("<!doctype html><html><svg width=10 height=10></svg>").has_value());
  EXPECT_FALSE(ReadImageHeader("").has_value());
  EXPECT_FALSE(ReadImageHeader("BM6\0\0\0").has_value());
  EXPECT_FALSE(ReadImageHeader("<svgfoo width=1 height=1>").has_value());
}

TEST(ImageHeader, RefusesEveryTruncationOfEveryFormatWithoutReadingPastTheEnd) {
  // Every prefix shorter than the bytes holding the size must be refused (and, under ASan, must
  // not read past its end: each prefix is copied into its own exact-size buffer).
  struct Case {
    std::string bytes;
    std::size_t size_end;  // the size is fully read from the first size_end bytes
  };
  const Case cases[] = {
      {Png(1, 1), 24},          {Jpeg(1, 1), 2 + 18 + 8 + 2 + 7}, {Gif(1, 1), 10},
      {WebpLossy(1, 1), 30},    {WebpLossless(1, 1), 25},          {WebpExtended(1, 1), 30},
      {Avif(), Avif().size() - 12},  // everything but mdat
  };
  for (const Case& c : cases) {
    for (std::size_t n = 0; n < c.size_end; ++n) {
      const std::unique_ptr<char[]> buf(new char[n + 1]);
      std::memcpy(buf.get(), c.bytes.data(), n);
      EXPECT_FALSE(ReadImageHeader(std::string_view(buf.get(), n)).has_value()) << c.bytes.substr(0, 4) << " cut at " << n;
    }
    EXPECT_TRUE(ReadImageHeader(std::string_view(c.bytes).substr(0, c.size_end)).has_value()) << c.bytes.substr(0, 4);
  }
  const std::string svg = R"(<svg width="10" height="10">)";
  for (std::size_t n = 0; n < svg.size(); ++n) EXPECT_FALSE(ReadImageHeader(svg.substr(0, n)).has_value()) << n;
}

TEST(ImageHeader, SurvivesHostileBoxSizesAndMarkerLengths) {
  // A JPEG segment claiming 65535 bytes, an ISO box of size 1 with a 64-bit size past the end, a
  // box of size 3 (smaller than its header), an ipma with a huge entry count.
  EXPECT_FALSE(ReadImageHeader(std::string("\xFF\xD8\xFF\xE1\xFF\xFF", 6) + "abc").has_value());
  const std::string ftyp = Box("ftyp", std::string("avif") + Be32(0));
  EXPECT_FALSE(ReadImageHeader(ftyp + Be32(1) + "meta" + Be32(0xFFFFFFFF) + Be32(0xFFFFFFFF) + "x").has_value());
  EXPECT_FALSE(ReadImageHeader(ftyp + Be32(3) + "meta").has_value());
  const std::string ipma = FullBox("ipma", 0, Be32(0xFFFFFFFF) + Be16(1) + "\xFF" + "\x01");
  const std::string meta = FullBox("meta", 0, FullBox("pitm", 0, Be16(1)) + Box("iprp", Box("ipco", Ispe(5, 6)) + ipma));
  ExpectImage(ReadImageHeader(ftyp + meta), "avif", 5, 6);  // the cut ipma is left for the largest ispe
  EXPECT_FALSE(ReadImageHeader(Png(0, 10)).has_value());
  EXPECT_FALSE(ReadImageHeader(Png(0x80000000, 10)).has_value());
}

TEST(ImageHeader, SurvivesRandomlyCorruptedHeadersOfEveryFormat) {
  // Deterministic corruption (run under ASan to see a stray read): every size read must stay in
  // bounds and within the accepted range, whatever the bytes say.
  const std::string seeds[] = {Png(3, 4), Jpeg(3, 4), Gif(3, 4), WebpLossy(3, 4), WebpLossless(3, 4),
                               WebpExtended(3, 4), Avif(), "<svg width='3' viewBox='0 0 3 4'>"};
  std::uint32_t state = 12345;
  auto next = [&] { return state = state * 1103515245u + 12345u; };
  for (const std::string& seed : seeds) {
    for (int round = 0; round < 2000; ++round) {
      std::string b = seed;
      const int flips = 1 + next() % 4;
      for (int f = 0; f < flips; ++f) b[next() % b.size()] = static_cast<char>(next() >> 16);
      b.resize(next() % (b.size() + 1));
      const std::unique_ptr<char[]> buf(new char[b.size() + 1]);
      std::memcpy(buf.get(), b.data(), b.size());
      if (const auto info = ReadImageHeader(std::string_view(buf.get(), b.size()))) {
        EXPECT_GE(info->width, 0);
        EXPECT_LE(info->width, 1 << 30);
        EXPECT_GE(info->height, 0);
      }
    }
  }
}

TEST(ImageHeader, NamesFormatsFromMediaTypes) {
  EXPECT_EQ(ImageFormatFromMediaType("image/webp"), "webp");
  EXPECT_EQ(ImageFormatFromMediaType("Image/JPG; charset=x"), "jpeg");
  EXPECT_EQ(ImageFormatFromMediaType("image/svg+xml"), "svg");
  EXPECT_EQ(ImageFormatFromMediaType("text/html"), "");
}

TEST(ImageHeader, ReadsTheSvgFilesOfTheFixtureShops) {
  std::size_t read = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testing::SourcePath("fixtures/shops"))) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".svg" && ext != ".png" && ext != ".jpg" && ext != ".webp" && ext != ".gif") continue;
    const std::string rel = std::filesystem::relative(entry.path(), testing::SourcePath("")).string();
    const auto info = ReadImageHeader(testing::ReadFixture(rel));
    ASSERT_TRUE(info.has_value()) << rel;
    EXPECT_GT(info->width, 0) << rel;
    EXPECT_GT(info->height, 0) << rel;
    ++read;
  }
  EXPECT_GT(read, 5u);
  ExpectImage(ReadImageHeader(testing::ReadFixture("fixtures/shops/shopify/site/cdn/shop/files/summit-shell-jacket.svg")),
              "svg", 600, 600);
}

// Found by fuzzing (docs/fuzzing.md): width="100" with a viewBox of aspect 2:222222222 made a height of
// 1.1e10, cast to int (undefined behaviour) although each attribute was within bounds.
TEST(ImageHeader, RefusesAnSvgWhoseSideDerivedFromTheViewBoxAspectIsOutOfRange) {
  EXPECT_FALSE(
      ReadImageHeader(testing::ReadFixture("fixtures/fuzz-regressions/image-header-svg-derived-height-overflow.svg"))
          .has_value());
  EXPECT_FALSE(ReadImageHeader(R"(<svg width="100" viewBox="0 0 2 222222222">)").has_value());
  EXPECT_FALSE(ReadImageHeader(R"(<svg height="100" viewBox="0 0 222222222 2">)").has_value());
  ExpectImage(ReadImageHeader(R"(<svg width="100" viewBox="0 0 2 4">)"), "svg", 100, 200);
}

}  // namespace
}  // namespace mmaudit::facts
