#include "core/text.h"

#include <gtest/gtest.h>

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

// A backtracking matcher would need longer than the age of the universe for these; a linear one
// answers at once. Not timed here (speed targets live in bench/): a regression runs into ctest's
// timeout instead.
TEST(GlobMatch, FinishesAPathologicalPattern) {
  const std::string path(200'000, 'a');
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*b", path));
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*a*b", path));
  EXPECT_TRUE(GlobMatch("*a*a*a*a*a*a", path));
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

TEST(Text, ComparesIgnoringAsciiCaseWithoutCopies) {
  EXPECT_TRUE(EqualsIgnoreCase("BUTTON", "button"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_FALSE(EqualsIgnoreCase("buttons", "button"));
  EXPECT_FALSE(EqualsIgnoreCase("ÉTÉ", "été"));  // ASCII letters only, as AsciiLower
  EXPECT_TRUE(ContainsIgnoreCase("product-Description__body", "description"));
  EXPECT_TRUE(ContainsIgnoreCase("Spec", "spec"));
  EXPECT_TRUE(ContainsIgnoreCase("anything", ""));
  EXPECT_FALSE(ContainsIgnoreCase("spe", "spec"));
  EXPECT_FALSE(ContainsIgnoreCase("", "a"));
  // The same answers as lower-casing both sides first.
  for (std::string_view hay : {"Add-To-Cart", "CART/ADD?id=1", "x", "", "add_to_carT", "ÄddToCart"})
    for (std::string_view needle : {"cart/add", "add-to-cart", "addtocart", "add_to_cart", "t", ""})
      EXPECT_EQ(ContainsIgnoreCase(hay, needle), Contains(AsciiLower(hay), AsciiLower(needle))) << hay << " " << needle;
}

TEST(Text, WordAtATimePathsMatchByteByByteReferences) {
  // CollapseWhitespace, FoldCase and CodePointCount take 8 ASCII bytes at a time; random texts
  // over an alphabet dense in spaces, capitals and multi-byte characters must read as a plain
  // byte-by-byte reading does.
  auto reference_collapse = [](std::string_view s) {
    std::string out;
    bool pending = false;
    for (std::size_t i = 0; i < s.size();) {
      const bool nbsp = static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() &&
                        static_cast<unsigned char>(s[i + 1]) == 0xA0;
      if (nbsp || s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v') {
        pending = !out.empty();
        i += nbsp ? 2 : 1;
        continue;
      }
      if (pending) out += ' ';
      pending = false;
      out += s[i++];
    }
    return out;
  };
  auto reference_lower_ascii = [](std::string_view s) {  // FoldCase on ASCII text
    std::string out(s);
    for (char& c : out) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    return out;
  };
  const std::vector<std::string> alphabet = {"a", "Z", "A", "@", "[", "`", "{", " ", " ", "  ", "\t", "\n",
                                             "\xC2\xA0", "\xC2", "\x01", "\x7F", "é", "Ä", "€", "9"};
  unsigned seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7FFF;
  };
  for (int round = 0; round < 20000; ++round) {
    std::string s, ascii, folded_by_piece;
    const unsigned len = next() % 40;
    for (unsigned k = 0; k < len; ++k) {
      const std::string& piece = alphabet[next() % alphabet.size()];
      s += piece;
      if (static_cast<unsigned char>(piece[0]) < 0x80) ascii += piece;
      folded_by_piece += FoldCase(piece);  // pieces end where characters do (but a lone 0xC2)
    }
    ASSERT_EQ(CollapseWhitespace(s), reference_collapse(s)) << s;
    ASSERT_EQ(FoldCase(ascii), reference_lower_ascii(ascii)) << ascii;
    ASSERT_EQ(FoldCase(s), folded_by_piece) << s;
    std::string in_place = s;
    FoldInPlace(&in_place);
    ASSERT_EQ(in_place, folded_by_piece) << s;
    std::size_t points = 0;
    for (unsigned char c : s) points += (c & 0xC0) != 0x80;
    ASSERT_EQ(CodePointCount(s), points) << s;
  }
}

TEST(Text, FindsTheFirstByteInARange) {
  EXPECT_EQ(FindByteInRange("no digits here at all, none", 0, '0', '9'), 27u);
  EXPECT_EQ(FindByteInRange("price: from 129,90", 0, '0', '9'), 12u);
  EXPECT_EQ(FindByteInRange("12 and 34", 1, '0', '9'), 1u);
  EXPECT_EQ(FindByteInRange("12 and 34", 2, '0', '9'), 7u);
  EXPECT_EQ(FindByteInRange("", 0, '0', '9'), 0u);
  // Every byte value at every offset of a longer text (two blocks of 16, one of 8, single bytes),
  // against a plain scan.
  for (int lo_hi : {0x3039, 0x2839, 0x0000, 0x7F7F, 0x2020}) {
    const char lo = static_cast<char>(lo_hi >> 8), hi = static_cast<char>(lo_hi & 0xFF);
    for (int b = 0; b < 256; ++b)
      for (std::size_t at = 0; at < 41; ++at) {
        std::string s(41, 'x');
        if (lo <= 'x' && 'x' <= hi) s.assign(41, '\xE9');
        s[at] = static_cast<char>(b);
        const bool in = static_cast<char>(b) >= lo && static_cast<char>(b) <= hi;
        EXPECT_EQ(FindByteInRange(s, 0, lo, hi), in ? at : 41u) << b << " at " << at;
      }
  }
}

TEST(Text, AppendsOnlyWhatFitsCutBetweenCharacters) {
  std::string out = "ab";
  AppendUtf8Prefix("c\xC5\x9B" "d", 4, &out);  // "cś" would make 5 bytes: only "c" fits
  EXPECT_EQ(out, "abc");
  AppendUtf8Prefix("x", 4, &out);
  EXPECT_EQ(out, "abcx");
  AppendUtf8Prefix("yz", 4, &out);  // full: nothing
  EXPECT_EQ(out, "abcx");
  out = "abcdef";
  AppendUtf8Prefix("g", 4, &out);  // already over: left as it is
  EXPECT_EQ(out, "abcdef");
}

}  // namespace
}  // namespace mmaudit::text
