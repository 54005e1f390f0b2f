#include "facts/css_refs.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace mmaudit::facts {
namespace {

constexpr const char* kSheet = "https://cdn.shop.example/css/main.css";

TEST(CssRefs, ReadsImportsInOrderWithTheirMediaLists) {
  const CssRefs r = ParseCssRefs(
      "@charset \"utf-8\";\n/* base */ @import url(base.css);\n@import 'print.css' print;\n"
      "@layer reset;\n@import url(\"/theme.css\") layer(theme) screen and (min-width: 900px);\n"
      "@IMPORT \"https://fonts.example/f.css\";",
      kSheet);
  ASSERT_EQ(r.imports.size(), 4u);
  EXPECT_EQ(r.imports[0].url, "https://cdn.shop.example/css/base.css");
  EXPECT_EQ(r.imports[0].media, "");
  EXPECT_EQ(r.imports[1].url, "https://cdn.shop.example/css/print.css");
  EXPECT_EQ(r.imports[1].media, "print");
  EXPECT_EQ(r.imports[2].url, "https://cdn.shop.example/theme.css");
  EXPECT_EQ(r.imports[2].media, "screen and (min-width: 900px)");
  EXPECT_EQ(r.imports[3].url, "https://fonts.example/f.css");
  EXPECT_TRUE(r.urls.empty());  // an @import's url() is no background image
}

TEST(CssRefs, IgnoresImportsAfterAnotherRuleAsBrowsersDo) {
  const CssRefs r = ParseCssRefs("body{margin:0}\n@import url(late.css);", kSheet);
  EXPECT_TRUE(r.imports.empty());
}

TEST(CssRefs, FindsUrlsWithTheirPropertyAndMediaOutsideFontFaces) {
  const CssRefs r = ParseCssRefs(
      ".hero{background:#000 URL( '../img/hero.jpg' ) no-repeat}\n"
      "@media (min-width: 1024px) { @media print { .x { background-image: url(wide.png) } } }\n"
      ".icon{mask:url(data:image/svg+xml;base64,AAAA)}\n"
      ".f{filter:url(#blur)} .g{cursor:url(\"a\\\"b.cur\"), auto}\n"
      ".h{background:url(sprite\\ 1.png)} /* url(commented.png) */ .s::after{content:\"url(nope.png)\"}",
      kSheet);
  ASSERT_EQ(r.urls.size(), 4u);
  EXPECT_EQ(r.urls[0].url, "https://cdn.shop.example/img/hero.jpg");
  EXPECT_EQ(r.urls[0].property, "background");
  EXPECT_TRUE(r.urls[0].media.empty());
  EXPECT_EQ(r.urls[1].url, "https://cdn.shop.example/css/wide.png");
  EXPECT_EQ(r.urls[1].property, "background-image");
  EXPECT_EQ(r.urls[1].media, (std::vector<std::string>{"(min-width: 1024px)", "print"}));
  EXPECT_EQ(r.urls[2].url, "https://cdn.shop.example/css/a%22b.cur");
  EXPECT_EQ(r.urls[2].property, "cursor");
  EXPECT_EQ(r.urls[3].url, "https://cdn.shop.example/css/sprite%201.png");
}

TEST(CssRefs, ChoosesTheFirstFontSourceChromeCanUse) {
  const CssRefs r = ParseCssRefs(
      "@font-face{font-family:\"Shop Sans\";src:url(f.eot);src:local('Shop Sans'),url(f.svg#s) format('svg'),"
      "url(f.woff2) format(\"woff2\"),url(f.woff) format('woff');font-display:Swap;}\n"
      "@font-face { font-family: Icons; src: url(icons.ttf) }\n"
      "@font-face { font-family: Inline; src: url(data:font/woff2;base64,AAAA) format('woff2'), url(x.woff) }\n"
      "@font-face { font-family: Old; src: url(old.eot) format('embedded-opentype') }\n"
      ".x{font-family:'Shop Sans'}",
      kSheet);
  ASSERT_EQ(r.font_faces.size(), 4u);
  EXPECT_EQ(r.font_faces[0].family, "Shop Sans");
  EXPECT_EQ(r.font_faces[0].font_display, "swap");
  EXPECT_EQ(r.font_faces[0].url, "https://cdn.shop.example/css/f.woff2");
  EXPECT_EQ(r.font_faces[0].format, "woff2");
  EXPECT_EQ(r.font_faces[1].url, "https://cdn.shop.example/css/icons.ttf");
  EXPECT_EQ(r.font_faces[1].format, "");
  EXPECT_EQ(r.font_faces[1].font_display, "");
  EXPECT_EQ(r.font_faces[2].url, "");  // the data: source is used, nothing to fetch
  EXPECT_EQ(r.font_faces[3].url, "");  // no source Chrome reads
  EXPECT_TRUE(r.urls.empty());
}

TEST(CssRefs, KeepsWhatWasReadFromCutOrBrokenCss) {
  const CssRefs r = ParseCssRefs("}}} .a{background:url(a.png)} @font-face{font-family:X;src:url(x.woff2", kSheet);
  ASSERT_EQ(r.urls.size(), 1u);
  ASSERT_EQ(r.font_faces.size(), 1u);
  EXPECT_EQ(r.font_faces[0].url, "https://cdn.shop.example/css/x.woff2");
  EXPECT_TRUE(ParseCssRefs("@import url(", kSheet).imports.empty());
  EXPECT_TRUE(ParseCssRefs("a{b:url('x", kSheet).urls.size() <= 1);
  EXPECT_TRUE(ParseCssRefs("/* never closed url(a.png)", kSheet).urls.empty());
}

TEST(CssRefs, UndoesEscapes) {
  EXPECT_EQ(CssUnescape("a\\62 c"), "abc");
  EXPECT_EQ(CssUnescape("\\\"q\\\""), "\"q\"");
  EXPECT_EQ(CssUnescape("\\e9t\\E9 "), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(CssUnescape("end\\"), "end");
}

TEST(CssRefs, SurvivesRandomCssSoup) {
  // Deterministic soup of the characters the scanner acts on (run under ASan for stray reads).
  const std::string alphabet = "url(\\\"'){};:,@import font-face media/* */#data:a.png format(woff2)\n";
  std::uint32_t state = 777;
  for (int round = 0; round < 3000; ++round) {
    std::string css;
    const std::size_t len = (state = state * 1103515245u + 12345u) % 200;
    for (std::size_t i = 0; i < len; ++i) css += alphabet[((state = state * 1103515245u + 12345u) >> 16) % alphabet.size()];
    const CssRefs r = ParseCssRefs(css, kSheet);
    for (const auto& u : r.urls) EXPECT_EQ(u.url.rfind("https://", 0), 0u) << css;
  }
}

TEST(CssRefs, StaysLinearAndBoundedOnHostileInput) {
  std::string hostile;
  for (int k = 0; k < 20000; ++k) hostile += "@media a{";
  for (int k = 0; k < 200000; ++k) hostile += "url(a)";
  hostile += std::string(200000, '/') + std::string(100000, '{') + std::string(100000, '"');
  // Linear means: about as long as a plain stylesheet of the same size, read here on the same
  // machine (a quadratic scan would take hundreds of times longer), not a wall-clock limit.
  std::string plain;
  while (plain.size() < hostile.size()) plain += ".card{color:#333;margin:0 auto;background:url(/img/bg.png)}\n";
  const auto plain_start = std::chrono::steady_clock::now();
  const CssRefs p = ParseCssRefs(plain, kSheet);
  const auto start = std::chrono::steady_clock::now();
  const CssRefs r = ParseCssRefs(hostile, kSheet);
  const auto end = std::chrono::steady_clock::now();
  const double plain_s = std::chrono::duration<double>(start - plain_start).count();
  const double s = std::chrono::duration<double>(end - start).count();
  EXPECT_EQ(p.urls.size(), kMaxCssRefs);
  EXPECT_LE(r.urls.size(), kMaxCssRefs);
  EXPECT_EQ(r.urls.size(), kMaxCssRefs);
  EXPECT_LT(s, 10 * plain_s) << "hostile " << s << " s, plain " << plain_s << " s";
}

TEST(CssRefs, KeepsTheSelectorOfTheRuleAroundEachUrlAndTheFontFamiliesInUse) {
  const CssRefs refs = ParseCssRefs(
      "@font-face{font-family:\"Shop Sans\";src:url(/f.woff2) format(\"woff2\")}\n"
      ".hero, #promo > .banner { background: url(/hero.jpg) }\n"
      "@media (min-width: 1px) { nav a:hover { background-image: url(/a.png) } }\n"
      "body { font: 16px/1.5 \"Shop Sans\", sans-serif; }",
      "https://shop.example/css/main.css");
  ASSERT_EQ(refs.urls.size(), 2u);
  EXPECT_EQ(refs.urls[0].selector, ".hero, #promo > .banner");
  EXPECT_EQ(refs.urls[1].selector, "nav a:hover");
  EXPECT_NE(refs.font_declarations.find("shop sans"), std::string::npos);
  EXPECT_EQ(refs.font_declarations.find("f.woff2"), std::string::npos);  // @font-face itself is not a use
}

TEST(SelectorMayMatch, NeedsEveryTagClassAndIdOfEveryCompoundOnThePage) {
  const std::vector<std::string> hooks = {"#promo", ".banner", ".card", "a", "div", "nav"};  // sorted
  EXPECT_TRUE(SelectorMayMatch("#promo > .banner", hooks));
  EXPECT_TRUE(SelectorMayMatch(".missing, nav a:hover", hooks));  // one selector of the list is enough
  EXPECT_TRUE(SelectorMayMatch("div.card[data-x=\"a,b\"]::before", hooks));
  EXPECT_FALSE(SelectorMayMatch(".hero", hooks));
  EXPECT_FALSE(SelectorMayMatch("div.card.hero", hooks));  // every class must be there
  EXPECT_FALSE(SelectorMayMatch("section", hooks));
  EXPECT_FALSE(SelectorMayMatch(".missing .card", hooks));  // an ancestor's class is missing
  EXPECT_TRUE(SelectorMayMatch(".card nav", hooks));         // both present: how they nest is not checked
}

}  // namespace
}  // namespace mmaudit::facts
