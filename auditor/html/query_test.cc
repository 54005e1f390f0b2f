#include "html/query.h"

#include <gtest/gtest.h>

#include <string>

#include "core/text.h"
#include "html/document.h"

namespace mmaudit::html {
namespace {

// The first element with id `id`, or nullptr.
const GumboNode* ById(const Document& doc, std::string_view id) {
  const GumboNode* found = nullptr;
  Walk(doc.document(), [&](const GumboNode* n, std::size_t) {
    if (AttrOr(n, "id") != id) return Visit::kContinue;
    found = n;
    return Visit::kStop;
  });
  return found;
}

TEST(Query, TellsTextNonRenderedAndBlockNodesApart) {
  const Document doc = Document::Parse(
      "<html><head><title>T</title></head><body><div id=d>a<span id=s>b</span>c<p id=p>d</p>e"
      "<script id=js>x</script><noscript id=ns>y</noscript><template id=t>z</template></div></body></html>");
  const GumboNode* div = ById(doc, "d");
  ASSERT_NE(div, nullptr);
  const auto child = [&](unsigned i) { return static_cast<const GumboNode*>(div->v.element.children.data[i]); };

  EXPECT_TRUE(IsTextNode(child(0)));
  EXPECT_FALSE(IsTextNode(div));
  EXPECT_FALSE(IsTextNode(nullptr));

  EXPECT_TRUE(IsNonRendered(FindFirst(doc.root(), GUMBO_TAG_HEAD)));
  EXPECT_TRUE(IsNonRendered(ById(doc, "js")));
  EXPECT_TRUE(IsNonRendered(ById(doc, "ns")));
  EXPECT_TRUE(IsNonRendered(ById(doc, "t")));  // Gumbo's template node
  EXPECT_FALSE(IsNonRendered(div));
  EXPECT_FALSE(IsNonRendered(child(0)));

  EXPECT_TRUE(IsBlock(div));
  EXPECT_TRUE(IsBlock(ById(doc, "p")));
  EXPECT_FALSE(IsBlock(ById(doc, "s")));
  EXPECT_FALSE(IsBlock(child(0)));

  EXPECT_FALSE(PreviousSiblingIsBlock(child(0)));  // "a": first child
  EXPECT_FALSE(PreviousSiblingIsBlock(child(2)));  // "c" after <span>
  EXPECT_TRUE(PreviousSiblingIsBlock(child(4)));   // "e" after <p>
}

TEST(Query, HiddenSelfLooksAtTheElementAndHiddenByMarkupAlsoAtItsAncestors) {
  const Document doc = Document::Parse(
      "<div id=a hidden><p id=a1>x</p></div><div id=b aria-hidden=TRUE></div>"
      "<div id=c style='Display : None'></div><div id=d style='visibility:hidden'></div>"
      "<div id=e aria-hidden=false style='display:block'></div><template><p id=t>x</p></template>");
  for (const char* id : {"a", "b", "c", "d"}) {
    EXPECT_TRUE(IsHiddenSelf(ById(doc, id))) << id;
    EXPECT_TRUE(IsHiddenByMarkup(ById(doc, id))) << id;
  }
  EXPECT_FALSE(IsHiddenSelf(ById(doc, "e")));
  EXPECT_FALSE(IsHiddenByMarkup(ById(doc, "e")));
  EXPECT_FALSE(IsHiddenSelf(ById(doc, "a1")));
  EXPECT_TRUE(IsHiddenByMarkup(ById(doc, "a1")));
  EXPECT_FALSE(IsHiddenSelf(ById(doc, "t")));
  EXPECT_TRUE(IsHiddenByMarkup(ById(doc, "t")));
}

TEST(Query, TextSeparatesBlocksJoinsInlineElementsAndSkipsNonRenderedSubtrees) {
  const Document doc = Document::Parse(
      "<div id=d>Foo<b>bar</b><p>baz</p><script>x()</script><template>tpl</template><ul><li>one</li>"
      "<li>two</li></ul><span hidden>shown</span></div>");
  const GumboNode* div = ById(doc, "d");
  EXPECT_EQ(Text(div), "Foobar baz one two shown");  // hidden text counts; see VisibleText
  EXPECT_EQ(Text(div, 5), "Foob");                   // " Foobar" cut to max_bytes
}

TEST(Query, LabelTextLeavesOutWrappedControlsAndBreaksAtEveryTextNode) {
  const Document doc = Document::Parse(
      "<label id=l>State <b>*</b><select><option>Alabama</option><option>Alaska</option></select>"
      "<textarea>typed</textarea><datalist><option>x</option></datalist><span>(required)</span></label>"
      "<span id=s>Expiry<span>for card 2</span></span>");
  const GumboNode* label = ById(doc, "l");
  EXPECT_EQ(LabelText(label), "State * (required)");
  EXPECT_EQ(LabelText(ById(doc, "s")), "Expiry for card 2");
  EXPECT_EQ(Text(ById(doc, "s")), "Expiryfor card 2");
  EXPECT_EQ(Text(label), "State * Alabama Alaska typed x (required)");
}

TEST(Query, BoundedTextChargesEveryVisitedNodeToTheBudget) {
  const Document doc = Document::Parse("<div id=d>one<span>two</span><p>three</p></div>");
  const GumboNode* div = ById(doc, "d");
  std::size_t budget = 100;
  EXPECT_EQ(BoundedText(div, 1024, &budget), "onetwo three");
  EXPECT_EQ(budget, 100u - 6u);  // div, "one", span, "two", p, "three"

  budget = 3;  // div, "one", span: the read stops before "two"
  EXPECT_EQ(BoundedText(div, 1024, &budget), "one");
  EXPECT_EQ(budget, 0u);
  EXPECT_EQ(BoundedText(div, 1024, &budget), "");

  budget = 100;  // the text node crossing max_bytes is kept whole
  EXPECT_EQ(BoundedText(div, 2, &budget), "one");
}

TEST(Query, BoundedTextStaysLinearOnDeepNesting) {
  constexpr std::size_t kLevels = 5'000;
  std::string page = "<body>";
  for (std::size_t i = 0; i < kLevels; ++i) page += "<div>w";
  const Document doc = Document::Parse(page);
  // Reading every element's text would visit ~kLevels^2 / 2 nodes; one shared budget caps it.
  std::size_t budget = 10'000;
  std::size_t reads = 0;
  Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (Is(n, GUMBO_TAG_DIV)) {
      BoundedText(n, 1 << 20, &budget);
      ++reads;
    }
    return Visit::kContinue;
  });
  EXPECT_EQ(reads, kLevels);
  EXPECT_EQ(budget, 0u);
}

TEST(Query, VisibleTextSkipsHeadNonRenderedAndSelfHiddenSubtrees) {
  const Document doc = Document::Parse(
      "<html><head><title>Title</title></head><body><h1>Shoes</h1><span>No</span><span>reviews</span>"
      "<div hidden>secret <p>deep</p></div><p aria-hidden=true>aria</p><p style='display:none'>none</p>"
      "<noscript>js</noscript><template>tpl</template><p>Free<br>shipping</p></body></html>");
  EXPECT_EQ(VisibleText(doc.root(), 1 << 20), "Shoes Noreviews Free shipping");
  EXPECT_EQ(VisibleText(doc.root(), 1 << 20, WordBreaks::kAtEveryTextNode), "Shoes No reviews Free shipping");
  EXPECT_EQ(VisibleText(doc.root(), 5), "Shoes");  // stops after the node crossing max_bytes
}

// The folded readings equal folding the plain ones, for both word-break modes and for limits that
// stop each mode at a different node.
TEST(Query, FoldedVisibleTextEqualsFoldingVisibleText) {
  const Document doc = Document::Parse(
      "<html><body><H1>ZAŻÓŁĆ Gęślą</H1><span>ÀB</span><span>ΣΩ</span><b>4</b>.5 &nbsp; Ёлка\u00a0X"
      "<div hidden>secret</div><p> Free&nbsp;&nbsp;SHIPPING </p><ul><li>İstanbul</li><li>€5</li></ul>"
      "</body></html>");
  for (std::size_t max : {std::size_t{1} << 20, std::size_t{3}, std::size_t{12}, std::size_t{20}, std::size_t{33}}) {
    const std::string blocks = text::FoldCase(VisibleText(doc.root(), max));
    const std::string every = text::FoldCase(VisibleText(doc.root(), max, WordBreaks::kAtEveryTextNode));
    EXPECT_EQ(FoldedVisibleText(doc.root(), max), blocks) << max;
    EXPECT_EQ(FoldedVisibleText(doc.root(), max, WordBreaks::kAtEveryTextNode), every) << max;
    const FoldedVisibleTexts both = FoldedVisibleTextBothBreaks(doc.root(), max);
    EXPECT_EQ(both.at_blocks, blocks) << max;
    EXPECT_EQ(both.at_every_text_node, every) << max;
  }
}

// The main landmark's slice of the page text is the landmark's own visible text: the first <main>
// or role=main element, ending where its subtree ends, empty when it hides itself.
TEST(Query, MainTextIsTheFirstMainLandmarksSliceOfThePageText) {
  auto main_of = [](const char* html) {
    const Document doc = Document::Parse(html);
    const FoldedVisibleTexts both = FoldedVisibleTextBothBreaks(doc.root(), 1 << 20);
    return std::string(text::Trim(both.main_text()));
  };
  EXPECT_EQ(main_of("<body><nav>Menu</nav><main><h1>Shoes</h1><p>€5 <b>€6</b></p></main><footer>Foot</footer>"),
                    "shoes €5 €6");
  EXPECT_EQ(main_of("<body><div>Menu</div><div ROLE=Main><p>Cart</p></div><main>Second</main>"), "cart");
  EXPECT_EQ(main_of("<body><p>Menu</p><main hidden>Secret</main><p>After</p>"), "");
  EXPECT_EQ(main_of("<body><p>No landmark</p>"), "");
  const Document none = Document::Parse("<body><p>No landmark</p>");
  EXPECT_EQ(FoldedVisibleTextBothBreaks(none.root(), 1 << 20).main_begin, std::string::npos);
  // The text of a landmark that runs to the end of the page, cut where the page text is cut.
  EXPECT_EQ(main_of("<body><p>Menu</p><main><p>Deep <span>end</span>"), "deep end");
}

// Text cuts the raw text at max_bytes, even inside a character, before collapsing.
TEST(Query, TextCutsRawBytesBeforeCollapsingBetweenCharacters) {
  const Document doc = Document::Parse("<html><body><p>ab  cd</p><p>é f</p></body></html>");
  const GumboNode* body = FindFirst(doc.root(), GUMBO_TAG_BODY);
  EXPECT_EQ(Text(body), "ab cd é f");
  EXPECT_EQ(Text(body, 4), "ab");            // raw "  ab" (<body> and <p> break before it)
  EXPECT_EQ(Text(body, 9), "ab cd");         // raw "  ab  cd "
  EXPECT_EQ(Text(body, 10), "ab cd");        // not inside "é" (found by fuzzing: a title cut there)
  EXPECT_EQ(Text(body, 11), "ab cd é");
}

}  // namespace
}  // namespace mmaudit::html
