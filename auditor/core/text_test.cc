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
