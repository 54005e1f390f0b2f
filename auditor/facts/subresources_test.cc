#include "facts/subresources.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>

#include "core/url.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

const Viewport kPhone;  // 412 x 823 at 1.75

TEST(MediaQueries, MatchThePhoneAndNotPrintOrWideScreens) {
  EXPECT_TRUE(MediaMatches("", kPhone));
  EXPECT_TRUE(MediaMatches("all", kPhone));
  EXPECT_TRUE(MediaMatches("screen and (max-width: 600px)", kPhone));
  EXPECT_FALSE(MediaMatches("print", kPhone));
  EXPECT_FALSE(MediaMatches("(min-width: 1024px)", kPhone));
  EXPECT_FALSE(MediaMatches("only screen and (min-width: 48em)", kPhone));  // 768 px
  EXPECT_TRUE(MediaMatches("print, (max-width: 412px)", kPhone));
  EXPECT_TRUE(MediaMatches("not print", kPhone));
  EXPECT_FALSE(MediaMatches("not all and (orientation: portrait)", kPhone));
  EXPECT_TRUE(MediaMatches("(min-resolution: 1.5dppx)", kPhone));
  EXPECT_FALSE(MediaMatches("(-webkit-min-device-pixel-ratio: 2)", kPhone));
  EXPECT_TRUE(MediaMatches("(width >= 400px)", kPhone));
  EXPECT_FALSE(MediaMatches("(600px <= width < 900px)", kPhone));
  EXPECT_FALSE(MediaMatches("(hover: hover)", kPhone));
  EXPECT_TRUE(MediaMatches("(prefers-color-scheme: light) and (pointer: coarse)", kPhone));
  EXPECT_TRUE(MediaMatches("(some-future-feature: 3)", kPhone));  // undecided features match
  EXPECT_TRUE(MediaMatches("(min-width: 1000px)", Viewport{1350, 940, 1}));
}

TEST(Srcset, ParsesCandidatesWithCommasInUrlsAndDropsInvalidOnes) {
  const auto c = ParseSrcset(" a.jpg 400w,b,c.jpg 2x , /img/d.jpg?x=1,2 1.5x, e.jpg 10q, f.jpg");
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].url, "a.jpg");
  EXPECT_EQ(c[0].width, 400);
  EXPECT_EQ(c[0].descriptor, "400w");
  EXPECT_EQ(c[1].url, "b,c.jpg");
  EXPECT_EQ(c[1].density, 2);
  EXPECT_EQ(c[2].url, "/img/d.jpg?x=1,2");
  EXPECT_EQ(c[2].density, 1.5);
  EXPECT_EQ(c[3].url, "f.jpg");  // e.jpg's "10q" is no descriptor
  EXPECT_EQ(c[3].descriptor, "");
}

TEST(Srcset, PicksTheSmallestCandidateDenseEnoughForThePhone) {
  const auto c = ParseSrcset("s.jpg 400w, m.jpg 800w, l.jpg 1600w");
  // 412 px wide slot at DPR 1.75 needs 721 px: 800w (1.94x) is the least that suffices.
  EXPECT_EQ(c[ChooseSrcsetCandidate(c, 412, kPhone)].url, "m.jpg");
  // A half-width slot needs 361 px: 400w.
  EXPECT_EQ(c[ChooseSrcsetCandidate(c, 206, kPhone)].url, "s.jpg");
  // None dense enough for a huge slot: the largest.
  EXPECT_EQ(c[ChooseSrcsetCandidate(c, 2000, kPhone)].url, "l.jpg");
  const auto x = ParseSrcset("a.jpg, b.jpg 2x, c.jpg 3x");
  EXPECT_EQ(x[ChooseSrcsetCandidate(x, 412, kPhone)].url, "b.jpg");
  EXPECT_EQ(x[ChooseSrcsetCandidate(x, 412, Viewport{1350, 940, 1})].url, "a.jpg");
}

TEST(Sizes, EvaluatesConditionsAndLengthsOnThePhone) {
  EXPECT_EQ(SizesSlotWidth("", kPhone), 412);
  EXPECT_EQ(SizesSlotWidth("(min-width: 1024px) 33vw, (min-width: 600px) 50vw, 100vw", kPhone), 412);
  EXPECT_EQ(SizesSlotWidth("(max-width: 480px) 50vw, 800px", kPhone), 206);
  EXPECT_EQ(SizesSlotWidth("(min-width: 800px) 400px, 300px", kPhone), 300);
  EXPECT_EQ(SizesSlotWidth("calc(100vw - 32px)", kPhone), 380);
  EXPECT_EQ(SizesSlotWidth("(max-width: 600px) calc(50vw + 1em), 10px", kPhone), 222);
  EXPECT_EQ(SizesSlotWidth("auto, 20rem", kPhone), 320);
  EXPECT_EQ(SizesSlotWidth("garbage((", kPhone), 412);
}

TEST(HtmlLength, ReadsAttributesAsBrowsersDo) {
  EXPECT_EQ(ParseHtmlLength(std::string_view("600px")), 600);
  EXPECT_EQ(ParseHtmlLength(std::string_view("12.7")), 12);
  EXPECT_FALSE(ParseHtmlLength(std::string_view("auto")).has_value());
  EXPECT_FALSE(ParseHtmlLength(std::nullopt).has_value());
}

struct Expected {
  std::string url;  // relative to https://shop.example
  ResourceType type;
  std::string via;
  bool render_blocking;
  bool deferred;
  std::string srcset_choice;
};

TEST(Subresources, FindsEveryKindOfReferenceOnceInDocumentOrder) {
  const html::Document doc = testing::ParseFixture("fixtures/pages/subresources/every-kind.html");
  Context ctx;
  ctx.base_url = "https://shop.example/p/trail-runner";
  const std::vector<ResourceRef> refs = ExtractSubresources(doc, ctx, kPhone);
  using T = ResourceType;
  const std::vector<Expected> expected = {
      {"/fonts/shop.woff2", T::kFont, "preload", false, false, ""},
      {"/img/lcp-800.jpg", T::kImage, "preload", false, false, "800w"},
      {"/css/main.css", T::kStylesheet, "stylesheet", true, false, ""},
      {"/css/print.css", T::kStylesheet, "stylesheet", false, false, ""},
      {"/css/desktop.css", T::kStylesheet, "stylesheet", false, false, ""},
      {"/favicon-32.png", T::kImage, "icon", false, false, ""},
      {"/js/app.mjs", T::kScript, "preload", false, false, ""},
      {"/css/theme.css", T::kStylesheet, "css-import", true, false, ""},
      {"/img/promo-bg.png", T::kImage, "css-url", false, false, ""},
      {"/js/sync.js", T::kScript, "script", true, false, ""},
      {"/js/async.js", T::kScript, "script", false, false, ""},
      {"/js/defer.js", T::kScript, "script", false, false, ""},
      {"/img/logo.svg", T::kImage, "img", false, false, ""},
      {"/img/side-2x.webp", T::kImage, "picture-source", false, false, "2x"},
      {"/img/og-hero.jpg", T::kImage, "img", false, false, ""},
      {"/img/inline-bg.jpg", T::kImage, "css-url", false, false, ""},
      {"/img/lazy-below.jpg", T::kImage, "img", false, false, ""},  // lazy, but within Chrome's lazy-load margin
      {"/img/unsized.png", T::kImage, "img", false, false, ""},
      {"/img/lazy-far.jpg", T::kImage, "img", false, false, ""},  // also loaded eagerly further down
      {"https://www.youtube.com/embed/abc", T::kOther, "iframe", false, false, ""},  // lazy, within the 3000 px margin
      {"/img/poster.jpg", T::kImage, "video-poster", false, false, ""},
      {"/css/late.css", T::kStylesheet, "stylesheet", false, false, ""},
      {"/js/footer.js", T::kScript, "script", false, false, ""},
  };
  std::string got;
  for (const auto& r : refs) got += r.url + " " + r.via + "\n";
  ASSERT_EQ(refs.size(), expected.size()) << got;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const Expected& e = expected[i];
    const std::string url = e.url[0] == '/' ? "https://shop.example" + e.url : e.url;
    SCOPED_TRACE(url);
    EXPECT_EQ(refs[i].url, url);
    EXPECT_EQ(ResourceTypeName(refs[i].type), std::string(ResourceTypeName(e.type)));
    EXPECT_EQ(refs[i].via, e.via);
    EXPECT_EQ(refs[i].render_blocking, e.render_blocking);
    EXPECT_EQ(refs[i].deferred, e.deferred);
    EXPECT_EQ(refs[i].srcset_choice, e.srcset_choice);
    EXPECT_EQ(refs[i].order, i);
    EXPECT_EQ(refs[i].initiator, "");
  }
}

class EveryKind : public ::testing::Test {
 protected:
  const ResourceRef& Find(const std::string& path) {
    for (const auto& r : refs)
      if (r.url == "https://shop.example" + path) return r;
    ADD_FAILURE() << path << " not found";
    static const ResourceRef none;
    return none;
  }
  html::Document doc = testing::ParseFixture("fixtures/pages/subresources/every-kind.html");
  std::vector<ResourceRef> refs = [this] {
    Context ctx;
    ctx.base_url = "https://shop.example/p/trail-runner";
    return ExtractSubresources(doc, ctx, kPhone);
  }();
};

TEST_F(EveryKind, MergesThePreloadAndTheImgOfTheLcpImage) {
  const ResourceRef& lcp = Find("/img/lcp-800.jpg");
  EXPECT_TRUE(lcp.preload);
  EXPECT_TRUE(lcp.fetchpriority_high);
  EXPECT_TRUE(lcp.hero_hint);
  EXPECT_TRUE(lcp.above_fold);
  EXPECT_TRUE(lcp.sized);
  EXPECT_EQ(lcp.display_width, 412);  // 1600 x 900 scaled to the viewport
  EXPECT_EQ(lcp.display_height, 232);
  EXPECT_EQ(lcp.estimated_top, kHeaderHeightPx);  // right under the header
}

TEST_F(EveryKind, StacksTheStaticLayoutDownThePage) {
  EXPECT_EQ(Find("/img/logo.svg").estimated_top, 0);  // in the header
  EXPECT_FALSE(Find("/img/logo.svg").deferred);     // lazy but above the fold
  // Header 56 + hero 232 + h1 one line 24 and its font and margin 34 + the paragraph's three
  // lines 72 and its margin 16.
  EXPECT_EQ(Find("/img/side-2x.webp").estimated_top, 56 + 232 + 24 + BlockExtraPx(GUMBO_TAG_H1) + 72 + 16);
  EXPECT_EQ(Find("/img/og-hero.jpg").estimated_top, 434 + 412);
  EXPECT_FALSE(Find("/img/og-hero.jpg").above_fold);  // 846 px: just below the 823 px screen
  EXPECT_TRUE(Find("/img/og-hero.jpg").hero_hint);  // it is the og:image
  EXPECT_FALSE(Find("/img/lazy-below.jpg").above_fold);
  EXPECT_FALSE(Find("/img/unsized.png").sized);
  EXPECT_EQ(Find("/img/unsized.png").display_width, 0);
  EXPECT_FALSE(Find("/img/lazy-far.jpg").lazy);  // an eager copy wins
}

TEST_F(EveryKind, KeepsFontDisplayAndScriptFlags) {
  EXPECT_EQ(Find("/fonts/shop.woff2").font_display, "swap");
  EXPECT_TRUE(Find("/fonts/shop.woff2").in_head);
  EXPECT_TRUE(Find("/js/app.mjs").module);
  EXPECT_TRUE(Find("/js/async.js").async);
  EXPECT_TRUE(Find("/js/defer.js").defer);
  EXPECT_FALSE(Find("/js/footer.js").in_head);
}

TEST(Subresources, SkipsNonHttpAndUnresolvableReferencesAndSurvivesEmptyPages) {
  Context ctx;
  ctx.base_url = "https://shop.example/";
  const html::Document doc = html::Document::Parse(
      "<img src='blob:https://shop.example/1'><img src='javascript:alert(1)'><img src='ftp://x/y.png'>"
      "<script src=''></script><link rel=stylesheet href='  '><iframe src='about:blank'></iframe>");
  EXPECT_TRUE(ExtractSubresources(doc, ctx, kPhone).empty());
  EXPECT_TRUE(ExtractSubresources(html::Document::Parse(""), ctx, kPhone).empty());
}

TEST(Subresources, StaysLinearOnDeepAndWideHostilePages) {
  std::string page;
  for (int i = 0; i < 5000; ++i) page += "<div class=hero>";
  for (int i = 0; i < 20000; ++i) page += "<img src=/i" + std::to_string(i) + ".jpg srcset='a 1x,b 2x,c 3x'>";
  page += "<picture>" + std::string(20000, 'x');
  for (int i = 0; i < 2000; ++i) page += "<source srcset=s" + std::to_string(i) + " media='print'>";
  for (int i = 0; i < 2000; ++i) page += "<img src=p" + std::to_string(i) + ">";
  Context ctx;
  ctx.base_url = "https://shop.example/";
  // Linear means: about as long as a plain page with as many images, timed here on the same machine
  // and build (a quadratic walk over 5000 levels would take thousands of times longer), not a
  // wall-clock limit.
  std::string plain;
  for (int i = 0; i < 24000; ++i) plain += "<p>Item</p><img src=/i" + std::to_string(i) + ".jpg>";
  const html::Document plain_doc = html::Document::Parse(plain);
  const html::Document doc = html::Document::Parse(page);
  const auto plain_start = std::chrono::steady_clock::now();
  const auto plain_refs = ExtractSubresources(plain_doc, ctx, kPhone);
  const auto start = std::chrono::steady_clock::now();
  const auto refs = ExtractSubresources(doc, ctx, kPhone);
  const auto end = std::chrono::steady_clock::now();
  const double plain_s = std::chrono::duration<double>(start - plain_start).count();
  const double s = std::chrono::duration<double>(end - start).count();
  EXPECT_EQ(plain_refs.size(), 24000u);
  EXPECT_EQ(refs.size(), 1u + 2000u);  // every srcset picks b (2x); each picture img its src
  EXPECT_LT(s, 20 * plain_s) << "hostile " << s << " s, plain " << plain_s << " s";
}

}  // namespace
}  // namespace mmaudit::facts

namespace mmaudit::facts {
namespace {

TEST(Subresources, AreFilledByExtractPageForTheOptionsViewport) {
  fetch::Response r;
  r.requested_url = r.final_url = "https://shop.example/";
  r.status = 200;
  r.headers = {{"content-type", "text/html; charset=utf-8"}};
  r.body = "<!doctype html><head><base href='https://cdn.example/s/'>"
           "<link rel=stylesheet href=wide.css media='(min-width: 1000px)'></head>"
           "<body><img src=a.jpg srcset='a-1x.jpg 1x, a-2x.jpg 2x'>";
  const PageFacts phone = ExtractPage(r);
  ASSERT_EQ(phone.subresources.size(), 2u);
  EXPECT_EQ(phone.subresources[0].url, "https://cdn.example/s/wide.css");  // against <base href>
  EXPECT_FALSE(phone.subresources[0].render_blocking);
  EXPECT_EQ(phone.subresources[1].url, "https://cdn.example/s/a-2x.jpg");
  ExtractOptions desktop;
  desktop.viewport = Viewport{1350, 940, 1};
  const PageFacts wide = ExtractPage(r, desktop);
  ASSERT_EQ(wide.subresources.size(), 2u);
  EXPECT_TRUE(wide.subresources[0].render_blocking);
  EXPECT_EQ(wide.subresources[1].url, "https://cdn.example/s/a-1x.jpg");
}

}  // namespace
}  // namespace mmaudit::facts

namespace mmaudit::facts {
namespace {

TEST(Subresources, GivesOnlyDistinctHttpUrlsForEveryFixturePage) {
  std::size_t pages = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testing::SourcePath("fixtures"))) {
    if (entry.path().extension() != ".html") continue;
    const std::string rel = std::filesystem::relative(entry.path(), testing::SourcePath("")).string();
    const html::Document doc = testing::ParseFixture(rel);
    Context ctx;
    ctx.base_url = "https://shop.example/a/b.html";
    const auto refs = ExtractSubresources(doc, ctx, kPhone);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < refs.size(); ++i) {
      EXPECT_TRUE(url::IsHttp(refs[i].url)) << rel << ": " << refs[i].url;
      EXPECT_TRUE(seen.insert(refs[i].url).second) << rel << ": " << refs[i].url;
      EXPECT_EQ(refs[i].order, i);
      EXPECT_FALSE(refs[i].via.empty());
    }
    ++pages;
  }
  EXPECT_GT(pages, 20u);
}

}  // namespace
}  // namespace mmaudit::facts

namespace mmaudit::facts {
namespace {

TEST(Subresources, HintsTheHeroByOgImageSrcFallbackAndAncestorNames) {
  Context ctx;
  ctx.base_url = "https://shop.example/";
  const html::Document doc = html::Document::Parse(
      "<head><meta property='og:image' content='https://shop.example/big.jpg'></head><body>"
      "<img src=big.jpg srcset='small.jpg 400w, big.jpg 2000w' sizes='50vw'>"
      "<div id=HomeBanner><section><div><img src=deep.jpg></div></section></div>"
      "<div class=banner><section><div><p><img src=too-deep.jpg></p></div></section></div>");
  const auto refs = ExtractSubresources(doc, ctx, kPhone);
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_EQ(refs[0].url, "https://shop.example/small.jpg");  // 400w is 1.94x of a 206 px slot
  EXPECT_TRUE(refs[0].hero_hint);                            // its src is the og:image
  EXPECT_TRUE(refs[1].hero_hint);                            // "banner" three levels up
  EXPECT_FALSE(refs[2].hero_hint);                           // four levels up is too far
}

}  // namespace
}  // namespace mmaudit::facts
