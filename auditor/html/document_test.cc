// FlattenDeepNesting and ParseLimits::max_depth: markup nested past the limit is flattened before
// Gumbo sees it (whose tree building is quadratic in the nesting), keeping the content.
#include "html/document.h"

#include <gtest/gtest.h>

#include "html/query.h"

namespace mmaudit::html {
namespace {

std::string Nested(int depth, const std::string& inside) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "<div>";
  s += inside;
  for (int i = 0; i < depth; ++i) s += "</div>";
  return s;
}

TEST(FlattenDeepNesting, LeavesMarkupWithinTheLimitUnchanged) {
  std::string html = "<html><body><p>one<p>two<ul><li>a<li>b</ul><br><img src=x>" + Nested(10, "<a href=/x>x</a>") +
                     "<script>if (a<b) { '<div><div><div>' }</script><!-- <div><div><div> --></body></html>";
  const std::string before = html;
  EXPECT_EQ(FlattenDeepNesting(&html, 12), 0u);
  EXPECT_EQ(html, before);
}

TEST(FlattenDeepNesting, MakesElementsPastTheLimitSiblingsAtTheLimitAndKeepsTheirContent) {
  std::string html = Nested(5, "<span class=s>deep text</span>");
  EXPECT_EQ(FlattenDeepNesting(&html, 3), 3u);  // two divs and the span
  EXPECT_EQ(html, "<div><div><div><div></div><div></div><span class=s>deep text</span></div></div></div>");
}

TEST(FlattenDeepNesting, CountsNeitherVoidNorSelfClosingNorOptionalEndElements) {
  std::string html = "<div><br><img src=a><svg/><p>x<li>y<div>z</div></div>";
  EXPECT_EQ(FlattenDeepNesting(&html, 2), 0u);
}

TEST(FlattenDeepNesting, IgnoresTagsInsideQuotedAttributesAndRawText) {
  std::string html = "<div title=\"<div><div><div>\"><textarea><div><div><div></textarea>ok</div>";
  EXPECT_EQ(FlattenDeepNesting(&html, 1), 0u);
}

TEST(Document, AHundredThousandLevelsDeepParsesAtTheDefaultLimitAndKeepsTheDeepestLink) {
  const Document doc = Document::Parse("<!doctype html><html><body>" + Nested(100'000, "<a href=\"/deepest\">Deepest</a>") +
                                       "</body></html>");
  EXPECT_EQ(doc.flattened_tags(), 100'000u - 512u + 1u);  // the divs past 512, and the link's <a>
  EXPECT_LE(doc.max_depth(), 512u + 3u);                  // html, body, 512 divs and the link
  ASSERT_EQ(FindAll(doc.root(), GUMBO_TAG_A).size(), 1u);
  std::string text;
  Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (n->type == GUMBO_NODE_TEXT) text += n->v.text.text;
    return Visit::kContinue;
  });
  EXPECT_EQ(text, "Deepest");
}

TEST(Document, NoLimitParsesTheNestingAsWritten) {
  ParseLimits limits;
  limits.max_depth = 0;
  const Document doc = Document::Parse(Nested(600, "x"), limits);
  EXPECT_EQ(doc.flattened_tags(), 0u);
  EXPECT_GE(doc.max_depth(), 600u);
}

}  // namespace
}  // namespace mmaudit::html
