#include "core/text.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace mmaudit::text {
namespace {

TEST(Text, FoldsCaseForPolishRussianGermanAndFrenchCues) {
  EXPECT_EQ(FoldCase("ZŁÓŻ ZAMÓWIENIE"), "złóż zamówienie");
  EXPECT_EQ(FoldCase("Оформить Заказ"), "оформить заказ");
  EXPECT_EQ(FoldCase("ЁЛКА"), "ёлка");
  EXPECT_EQ(FoldCase("Häufige FRAGEN"), "häufige fragen");
  EXPECT_EQ(FoldCase("ÉPUISÉ"), "épuisé");
  EXPECT_EQ(FoldCase("ĄĆĘŃŚŹ"), "ąćęńśź");
}

TEST(Text, ValidatesAndSanitizesUtf8) {
  EXPECT_TRUE(IsValidUtf8("zażółć gęślą jaźń"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  std::size_t replaced = 0;
  EXPECT_EQ(SanitizeUtf8(std::string("a\xFF" "b\0c", 5), &replaced), "a\xEF\xBF\xBD" "bc");
  EXPECT_EQ(replaced, 2u);
}

TEST(Text, CollapsesWhitespaceIncludingNoBreakSpaces) {
  EXPECT_EQ(CollapseWhitespace("  a \n\t b\xC2\xA0\xC2\xA0" "c  "), "a b c");
}

TEST(Text, TruncatesByCodePoints) {
  EXPECT_EQ(Truncate("żółw", 2), "żó…");
  EXPECT_EQ(Truncate("abc", 5), "abc");
  EXPECT_EQ(CodePointCount("żółw"), 4u);
}

}  // namespace
}  // namespace mmaudit::text

namespace mmaudit::text {
namespace {

TEST(GlobMatch, MatchesStarsAndQuestionMarksOverTheWholePath) {
  struct Case {
    const char* pattern;
    const char* path;
    bool match;
  } cases[] = {
      {"/produkt/*", "/produkt/buty-123", true},
      {"/produkt/*", "/produkty/buty-123", false},
      {"/produkt/*", "/pl/produkt/buty-123", false},
      {"*/produkt/*", "/pl/produkt/buty-123", true},
      {"*", "", true},
      {"", "", true},
      {"", "/", false},
      {"?", "", false},
      {"**", "/anything", true},
      {"/c/*/page-?", "/c/shoes/page-2", true},
      {"/c/*/page-?", "/c/shoes/page-12", false},
      {"/p/*/reviews", "/p/x/y/reviews", true},
      {"*.html", "/a/b.html", true},
      {"*.html", "/a/b.htm", false},
      {"/search?q=*", "/search?q=boots", true},
      {"/товар/?", "/товар/я", true},
      {"/P/*", "/p/x", false},
      {"a*b*c", "abxbxc", true},
      {"a*b*c", "abxbxd", false},
      {"*a*a*a*a*a*b", "aaaaaaaaaab", true},
  };
  for (const Case& c : cases) EXPECT_EQ(GlobMatch(c.pattern, c.path), c.match) << c.pattern << " ~ " << c.path;
}

TEST(GlobMatch, FinishesAPathologicalPatternQuickly) {
  const std::string path(200'000, 'a');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*b", path));
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*a*b", path));
  EXPECT_TRUE(GlobMatch("*a*a*a*a*a*a", path));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  EXPECT_LT(ms.count(), 2000);
}

// Appending pieces one by one collapses like collapsing their concatenation.
TEST(Text, WhitespaceCollapserMatchesCollapsingTheConcatenation) {
  const std::vector<std::vector<std::string>> cases = {
      {"  a  b ", " c", "", "\t\n", "d\xC2\xA0", "\xC2\xA0" "e f  "},
      {"x\xC2y", " \xC2\xA0 ", "z"},
      {"", " ", ""},
      {"one two three", " four", "five six  seven\r\n"},
      {"a", " ", "b", "\xC2\xA0", "c ", " d", "\xC2\xA0", "e\xC2\xA0"},
  };
  for (const auto& pieces : cases) {
    WhitespaceCollapser c, precollapsed;
    CollapsedPiece piece;
    std::string all;
    for (const std::string& p : pieces) {
      c.Append(p);
      WhitespaceCollapser::Collapse(p, &piece);  // collapsed once, appended as if whole
      precollapsed.Append(piece);
      all += p;
    }
    EXPECT_EQ(c.Take(), CollapseWhitespace(all));
    EXPECT_EQ(precollapsed.Take(), CollapseWhitespace(all));
  }
  WhitespaceCollapser c;
  c.Append("a");
  c.AppendSpace();
  c.AppendSpace();
  c.Append("b");
  c.AppendSpace();
  EXPECT_EQ(c.Take(), "a b");
}

TEST(Text, SanitizeUtf8KeepsValidTextAndReplacesTheRest) {
  std::size_t replaced = 99;
  EXPECT_EQ(SanitizeUtf8("plain ascii text, long enough for words", &replaced), "plain ascii text, long enough for words");
  EXPECT_EQ(replaced, 0u);
  EXPECT_EQ(SanitizeUtf8(std::string("abcdefgh\0ijklmnop", 17), &replaced), "abcdefghijklmnop");
  EXPECT_EQ(replaced, 1u);
  EXPECT_EQ(SanitizeUtf8("zażółć\xFFgęślą\xC3", &replaced), "zażółć\xEF\xBF\xBDgęślą\xEF\xBF\xBD");
  EXPECT_EQ(replaced, 2u);
  EXPECT_TRUE(IsValidUtf8("0123456789abcdefЁлка"));
  EXPECT_FALSE(IsValidUtf8("0123456789abcdef\xED\xA0\x80"));
}

TEST(Text, AppendFoldedAppends) {
  std::string out = "Keep ";
  AppendFolded("ZAŻÓŁĆ İ Ÿ", &out);
  EXPECT_EQ(out, "Keep zażółć i ÿ");
}

}  // namespace
}  // namespace mmaudit::text
