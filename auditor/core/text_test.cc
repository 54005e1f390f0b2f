#include "core/text.h"

#include <gtest/gtest.h>

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

TEST(Text, GlobMatchesStarsAndQuestionMarksWithoutBlowingUp) {
  EXPECT_TRUE(GlobMatch("/p/*", "/p/trail-runner"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("/c/*/page-?", "/c/shoes/page-2"));
  EXPECT_FALSE(GlobMatch("/c/*/page-?", "/c/shoes/page-12"));
  EXPECT_FALSE(GlobMatch("/p/*", "/c/p/x"));
  EXPECT_TRUE(GlobMatch("*calendar*", "/events/calendar?month=2031-01"));
  const std::string many_a(20000, 'a');
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*b", many_a));  // would be exponential with naive recursion
}

}  // namespace
}  // namespace mmaudit::text
