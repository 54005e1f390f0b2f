#include "facts/mobile_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "core/text.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

const Viewport kPhone;  // 412 x 823

MobileDom Dom(const std::string& fixture, const std::string& url = "https://shop.example/p/boots") {
  const html::Document doc = testing::ParseFixture("fixtures/pages/mobile/" + fixture);
  Context ctx;
  ctx.base_url = url;
  return ExtractMobileDom(doc, ctx);
}

MobileLayoutFacts Read(const std::string& fixture) { return ReadMobileLayout(Dom(fixture), kPhone); }

// Characters of text below `px`, summed over the runs.
std::size_t CharsBelow(const MobileLayoutFacts& f, double px) {
  std::size_t n = 0;
  for (const auto& r : f.font_sizes)
    if (r.px < px) n += r.chars;
  return n;
}

const FontSizeRun* RunAt(const MobileLayoutFacts& f, double px) {
  for (const auto& r : f.font_sizes)
    if (r.px == px) return &r;
  return nullptr;
}

TEST(MobileCss, LengthsResolveAgainstTheFontAndTheViewport) {
  EXPECT_EQ(CssLengthPx("12px", 16, kPhone), 12);
  EXPECT_EQ(CssLengthPx("0.5em", 20, kPhone), 10);
  EXPECT_EQ(CssLengthPx("0.625rem", 20, kPhone), 10);
  EXPECT_EQ(CssLengthPx("150%", 10, kPhone), 15);
  EXPECT_EQ(CssLengthPx("9pt", 16, kPhone), 12);
  EXPECT_EQ(CssLengthPx("100vw", 16, kPhone), 412);
  EXPECT_EQ(CssLengthPx("0", 16, kPhone), 0);
  EXPECT_FALSE(CssLengthPx("auto", 16, kPhone).has_value());
  EXPECT_FALSE(CssLengthPx("calc(100% - 2px)", 16, kPhone).has_value());
  EXPECT_FALSE(CssLengthPx("12", 16, kPhone).has_value());
  EXPECT_FALSE(CssLengthPx("1e999px", 16, kPhone).has_value());
  EXPECT_FALSE(CssLengthPx("99999999999px", 16, kPhone).has_value());
  EXPECT_FALSE(CssLengthPx("1000em", 1e6, kPhone).has_value());
}

TEST(MobileCss, KeepsRulesForThePhoneAndDropsStateSelectorsAndOtherMedia) {
  const auto rules = ParseLayoutCss(
      "@charset 'utf-8'; @import url(x.css);\n"
      "a, .b:hover, .c::before { width: 10px }\n"
      "@media (min-width: 1024px) { .desk { width: 2000px } }\n"
      "@media screen and (max-width: 600px) { @supports (display: grid) { #m .n > p { font: 11px/2 serif !important } } }\n"
      "@font-face { font-family: X; src: url(x.woff2) }\n"
      "@keyframes k { from { width: 0 } }\n"
      ".color { color: red }\n"
      "div { padding: 1px 2px; overflow: hidden auto }",
      kPhone);
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].selector, "a");
  EXPECT_EQ(rules[0].specificity, 1);
  EXPECT_EQ(rules[1].selector, "#m .n > p");
  EXPECT_EQ(rules[1].specificity, 10101);
  ASSERT_EQ(rules[1].declarations.size(), 1u);
  EXPECT_EQ(rules[1].declarations[0], (std::pair<std::string, std::string>{"font-size", "11px"}));
  EXPECT_TRUE(rules[1].important[0]);
  EXPECT_EQ(rules[2].declarations.size(), 5u);  // four paddings and overflow-x
  EXPECT_EQ(rules[2].declarations[1], (std::pair<std::string, std::string>{"padding-right", "2px"}));
  EXPECT_EQ(rules[2].declarations[4], (std::pair<std::string, std::string>{"overflow-x", "hidden"}));
}

TEST(MobileCss, BrokenCssYieldsWhatCouldBeRead) {
  for (const char* css : {"", "{", "}}}", "a { width: ", "a { font-size: 10px", "@media (max-width: 600px) { a { width: 1px",
                          "\"unterminated", "/* open comment", "a[href=\"}\"] { width: 1px }", "::: { width: 1px }"})
    EXPECT_NO_FATAL_FAILURE(ParseLayoutCss(css, kPhone)) << css;
  EXPECT_EQ(ParseLayoutCss("a { font-size: 10px", kPhone).size(), 1u);
  EXPECT_EQ(ParseLayoutCss("a[href=\"}\"] { width: 1px }", kPhone).size(), 1u);
}

TEST(MobileDomExtraction, KeepsRenderedElementsTheirTextAndTheSheetsInDocumentOrder) {
  const MobileDom dom = Dom("small-text.html");
  ASSERT_EQ(dom.sheets.size(), 3u);
  EXPECT_EQ(dom.sheets[0].href, "https://shop.example/css/site.css");
  EXPECT_EQ(dom.sheets[1].media, "print");
  EXPECT_EQ(dom.sheets[2].href, "");
  EXPECT_NE(dom.sheets[2].css.find(".legal"), std::string::npos);
  std::set<std::string> tags;
  for (const auto& n : dom.nodes) tags.insert(n.tag);
  EXPECT_TRUE(tags.count("body") && tags.count("p") && tags.count("span"));
  EXPECT_FALSE(tags.count("script") || tags.count("title") || tags.count("meta") || tags.count("head"));
  const auto legal = std::find_if(dom.nodes.begin(), dom.nodes.end(), [](const auto& n) {
    return std::find(n.classes.begin(), n.classes.end(), "legal") != n.classes.end();
  });
  ASSERT_NE(legal, dom.nodes.end());
  EXPECT_EQ(legal->text_chars, 19u);  // "Prices include VAT."; the span's text is its own
  EXPECT_EQ(legal->text, "Prices include VAT.");
  EXPECT_FALSE(dom.truncated);
}

// A paragraph of 15 x "Доставка по всей России" (23 characters) with line breaks and double spaces:
// every character counts, and the text kept is a whole-character prefix of at most 160 bytes.
TEST(MobileDomExtraction, LongTextIsCountedWholeAndKeptAsAValidUtf8Prefix) {
  const MobileDom dom = Dom("long-text-ru.html");
  const auto p = std::find_if(dom.nodes.begin(), dom.nodes.end(), [](const auto& n) { return n.tag == "p"; });
  ASSERT_NE(p, dom.nodes.end());
  EXPECT_EQ(p->text_chars, 15u * 23u + 14u);
  EXPECT_LE(p->text.size(), 161u);
  EXPECT_GE(p->text.size(), 158u);
  EXPECT_TRUE(text::IsValidUtf8(p->text)) << p->text;
  std::string whole;
  for (int i = 0; i < 15; ++i) whole += i ? " Доставка по всей России" : "Доставка по всей России";
  EXPECT_EQ(whole.substr(0, p->text.size()), p->text);
}

// Element text made of words between single spaces is copied sixteen bytes at a time. What is kept
// and counted is what the whole text gives collapsed: every character counted, and the text kept up
// to 160 bytes with the character that crosses byte 160 (here a four-byte emoji at bytes 158-161)
// kept whole. Text nodes of one element are joined by one space.
TEST(MobileDomExtraction, WordsBetweenSingleSpacesAreKeptAndCountedAsTheCollapsedText) {
  const MobileDom dom = Dom("long-text-words.html");
  auto with_class = [&](const std::string& c) -> const MobileNode* {
    for (const MobileNode& n : dom.nodes)
      if (std::find(n.classes.begin(), n.classes.end(), c) != n.classes.end()) return &n;
    return nullptr;
  };
  const std::string sentence = "Zamów do 14:00 — wyślemy dziś. Free returns within 30 days 🚚 on every order.";
  std::string whole = "Dostawa:";
  for (int i = 0; i < 4; ++i) whole += " " + sentence;
  const MobileNode* words = with_class("words");
  ASSERT_NE(words, nullptr);
  EXPECT_EQ(words->text_chars, text::CodePointCount(whole));
  EXPECT_EQ(words->text, whole.substr(0, 162));
  EXPECT_EQ(words->text.substr(158), "🚚");
  const MobileNode* nodes = with_class("nodes");
  ASSERT_NE(nodes, nullptr);
  EXPECT_EQ(nodes->text, "Zamów do 14:00 wyślemy dziś.");
  EXPECT_EQ(nodes->text_chars, text::CodePointCount("Zamów do 14:00 wyślemy dziś."));
}

// 320 characters of body text; under 12 px from inline CSS: p.note (11 px, from the font
// shorthand), .legal and its span (10 px) and .badge (0.5em = 8 px, in a matching @media). The
// desktop-only .specs rule and the :hover rule do not count; hidden and scripted text is not read.
TEST(MobileLayout, FontSizesFromInlineCssAndStyleAttributes) {
  const MobileLayoutFacts f = Read("small-text.html");
  EXPECT_TRUE(f.read);
  EXPECT_EQ(f.css_read, "inline");
  EXPECT_EQ(f.text_chars, 320u);
  EXPECT_EQ(CharsBelow(f, 12), 44u + 47u + 3u);
  const FontSizeRun* legal = RunAt(f, 10);
  ASSERT_NE(legal, nullptr);
  EXPECT_EQ(legal->chars, 47u);
  EXPECT_EQ(legal->element, "div.legal");
  EXPECT_EQ(legal->source, ".legal { font-size: 10px }");
  ASSERT_NE(RunAt(f, 11), nullptr);
  EXPECT_EQ(RunAt(f, 11)->source, "p.note { font-size: 11px }");
  ASSERT_NE(RunAt(f, 32), nullptr);
  EXPECT_EQ(RunAt(f, 32)->source, "browser default for <h1>");
  // One linked sheet can match the phone (the print one cannot); it was not read, and the facts say so.
  EXPECT_EQ(f.linked_stylesheets, 1u);
  EXPECT_EQ(f.linked_stylesheets_read, 0u);
  EXPECT_NE(f.linked_css_note.find("not read"), std::string::npos) << f.linked_css_note;
}

// With the linked sheet (and the sheet it @imports) the fine print is 0.625rem = 10 px and the h1
// 11 px; the print sheet is never asked for.
TEST(MobileLayout, LinkedStylesheetsAndTheirImportsCountWhenFetched) {
  const std::string site = testing::ReadFixture("fixtures/pages/mobile/small-text-site.css");
  const std::string base = testing::ReadFixture("fixtures/pages/mobile/small-text-base.css");
  std::vector<std::string> asked;
  const MobileLayoutFacts f = ReadMobileLayout(Dom("small-text.html"), kPhone, [&](const std::string& url) -> const std::string* {
    asked.push_back(url);
    if (url == "https://shop.example/css/site.css") return &site;
    if (url == "https://shop.example/css/base.css") return &base;
    return nullptr;
  });
  EXPECT_EQ(asked, (std::vector<std::string>{"https://shop.example/css/site.css", "https://shop.example/css/base.css"}));
  EXPECT_EQ(f.css_read, "inline+linked");
  EXPECT_EQ(f.linked_stylesheets_read, 1u);
  EXPECT_EQ(f.linked_css_note, "");
  EXPECT_EQ(CharsBelow(f, 12), 44u + 47u + 3u + 41u + 11u);
  ASSERT_NE(RunAt(f, 11), nullptr);
  // A linked sheet that could not be fetched is said so.
  const MobileLayoutFacts missing = ReadMobileLayout(Dom("small-text.html"), kPhone, [](const std::string&) -> const std::string* { return nullptr; });
  EXPECT_EQ(missing.linked_css_note, "1 of 1 linked stylesheets could not be fetched");
}

TEST(MobileLayout, TapTargetsWithDeclaredSizesCountPaddingAndBoxSizing) {
  const MobileLayoutFacts f = Read("tap-targets.html");
  // Not counted: the hidden link, and checkboxes tapped through their labels.
  EXPECT_EQ(f.tap_targets, 7u);
  std::map<std::string, std::pair<std::optional<double>, std::optional<double>>> sizes;
  for (const auto& t : f.sized_tap_targets) sizes[t.element] = {t.width_px, t.height_px};
  // The inline .text-link's height does not apply, and button.full's percentages are unknown.
  ASSERT_EQ(sizes.size(), 5u);
  EXPECT_EQ(sizes["a.icon"], std::make_pair(std::optional<double>(20), std::optional<double>(20)));
  EXPECT_EQ(sizes["button.buy"], std::make_pair(std::optional<double>(), std::optional<double>(48)));
  EXPECT_EQ(sizes["input.qty"], std::make_pair(std::optional<double>(60), std::optional<double>(30)));
  EXPECT_EQ(sizes["a.big"], std::make_pair(std::optional<double>(), std::optional<double>(48)));
  EXPECT_EQ(sizes["a"], std::make_pair(std::optional<double>(), std::optional<double>(12)));
  EXPECT_EQ(f.sized_tap_targets[0].label, "Cart");
  EXPECT_EQ(f.sized_tap_targets[1].label, "Add to cart");
}

TEST(MobileLayout, FixedWidthsWiderThanThePhoneButNotCappedOrScrolledOnes) {
  const MobileLayoutFacts f = Read("wide.html");
  std::vector<std::pair<std::string, double>> wide;
  for (const auto& e : f.wide_elements) wide.emplace_back(e.element, e.px);
  EXPECT_EQ(wide, (std::vector<std::pair<std::string, double>>{
                      {"img", 1200}, {"div.container", 980}, {"table", 800}, {"div.banner", 440}}));
  EXPECT_EQ(f.wide_elements[1].detail, "width: 980px (.container in CSS)");
  EXPECT_EQ(f.wide_elements[0].detail, "width=\"1200\" attribute with no CSS width");
  // With a stylesheet left unread, width attributes are not judged: it may well cap them.
  MobileDom dom = Dom("wide.html");
  dom.sheets.push_back({"https://shop.example/css/theme.css", "", ""});
  const MobileLayoutFacts unread = ReadMobileLayout(dom, kPhone);
  ASSERT_EQ(unread.wide_elements.size(), 2u);
  EXPECT_EQ(unread.wide_elements[0].element, "div.container");
}

TEST(MobileLayout, SidewaysScrollFromVwPlusMarginOverflowScrollAndLongNowrapText) {
  const MobileLayoutFacts f = Read("scroll.html");
  ASSERT_EQ(f.scroll_risks.size(), 3u);
  EXPECT_EQ(f.scroll_risks[0].element, "body");
  EXPECT_EQ(f.scroll_risks[0].detail, "overflow-x: scroll (body in CSS)");
  EXPECT_EQ(f.scroll_risks[1].element, "div.hero");
  EXPECT_EQ(f.scroll_risks[1].detail, "width: 100vw (.hero in CSS) plus margin-left: 20px");
  EXPECT_EQ(f.scroll_risks[2].element, "div.ticker");
  EXPECT_GT(f.scroll_risks[2].px, 412);
}

TEST(MobileLayout, OverlaysOnLoadWithTheirShareAndCuesButNotHiddenOrContainedOnes) {
  const MobileLayoutFacts f = Read("overlays.html");
  ASSERT_EQ(f.overlays.size(), 4u);
  EXPECT_EQ(f.overlays[0].element, "div#signup.newsletter");
  EXPECT_EQ(f.overlays[0].cover_share, 1);
  EXPECT_TRUE(f.overlays[0].cues.empty());
  EXPECT_EQ(f.overlays[1].element, "div.cookies");
  EXPECT_EQ(f.overlays[1].cover_share, 0.6);
  EXPECT_EQ(f.overlays[1].cues, (std::vector<std::string>{"cookie_notice"}));
  EXPECT_EQ(f.overlays[2].element, "div.app-banner");
  EXPECT_EQ(f.overlays[2].cover_share, 0.3);
  EXPECT_EQ(f.overlays[2].cues, (std::vector<std::string>{"app_install"}));
  EXPECT_TRUE(f.overlays[2].app_store_link);
  EXPECT_EQ(f.overlays[2].text, "Get the app Open");  // as written; cues are matched case-folded
  EXPECT_EQ(f.overlays[3].element, "div.toast");
  EXPECT_LT(f.overlays[3].cover_share, 0.05);
}

TEST(MobileLayout, AResponsivePageHasNothingToReport) {
  const MobileLayoutFacts f = Read("responsive.html");
  EXPECT_EQ(CharsBelow(f, 12), 0u);
  EXPECT_TRUE(f.wide_elements.empty());
  EXPECT_TRUE(f.scroll_risks.empty());
  for (const auto& t : f.sized_tap_targets) EXPECT_GE(*t.height_px, 48) << t.element;
  ASSERT_EQ(f.overlays.size(), 1u);
  EXPECT_LT(f.overlays[0].cover_share, 0.1);
}

TEST(MobileLayout, ExtractPageFillsTheFactsFromInlineCss) {
  const fetch::Response r = testing::FixturePage("https://shop.example/", "fixtures/pages/mobile/overlays.html");
  const PageFacts p = ExtractPage(r);
  EXPECT_TRUE(p.mobile.read);
  EXPECT_EQ(p.mobile.overlays.size(), 4u);
  EXPECT_FALSE(p.mobile_dom.nodes.empty());  // kept for MeasureLoad
  ExtractOptions no_load;
  no_load.find_subresources = false;
  const PageFacts q = ExtractPage(r, no_load);
  EXPECT_EQ(q.mobile.overlays.size(), 4u);
  EXPECT_TRUE(q.mobile_dom.nodes.empty());
}

TEST(MobileLayout, HostileMarkupAndDeepNestingNeverCrash) {
  std::string html = "<style>div div div div { width: 999px } ";
  for (int i = 0; i < 200; ++i) html += ".c" + std::to_string(i) + " .x .y .z > a ~ b + i { font-size: 1px } ";
  html += "</style><body>";
  for (int i = 0; i < 3000; ++i) html += "<div class=c" + std::to_string(i % 200) + ">";
  html += "text";
  for (int i = 0; i < 1100; ++i) html += "<div style='font-size: larger; width: 9999999999px'><span style='font-size:3em'>x";
  const html::Document doc = html::Document::Parse(html);
  Context ctx;
  ctx.base_url = "https://shop.example/";
  const MobileLayoutFacts f = ReadMobileLayout(ExtractMobileDom(doc, ctx), kPhone);
  EXPECT_TRUE(f.read);
  EXPECT_LE(f.wide_elements.size(), kMaxMobileItems);
  for (const auto& r : f.font_sizes) EXPECT_LE(r.px, kMaxCssLengthPx);
}

TEST(MobileLexicon, EveryConceptHasPhrasesInNineLanguages) {
  const Lexicon& lex = Lexicon::Embedded("rules/mobile-lexicon.json");
  EXPECT_EQ(lex.Concepts(), (std::vector<std::string>{"age_gate", "app_install", "cookie_notice", "legal_notice"}));
  const std::vector<std::string> nine = {"de", "en", "es", "fr", "it", "nl", "pl", "pt", "ru"};
  for (const std::string& c : lex.Concepts()) EXPECT_EQ(lex.Languages(c), nine) << c;
  EXPECT_TRUE(lex.Matches("app_install", "pobierz aplikację i zyskaj rabat"));
  EXPECT_TRUE(lex.Matches("cookie_notice", "wir verwenden cookies"));
  EXPECT_TRUE(lex.Matches("age_gate", "вам есть 18 лет?"));
  // Mobile concepts stay out of the page-wide lexicon.
  EXPECT_TRUE(Lexicon::Default().Languages("app_install").empty());
}

}  // namespace
}  // namespace mmaudit::facts
