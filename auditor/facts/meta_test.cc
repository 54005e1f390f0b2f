#include <gtest/gtest.h>

#include "facts/extract.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

using testing::ParseFixture;

TEST(MetaFacts, ReadsTitleDescriptionCanonicalRobotsAndHreflangFromACompleteHead) {
  auto doc = ParseFixture("fixtures/pages/head/complete.html");
  Context ctx{"https://sklep.example/pl/buty-trekkingowe?utm_source=x"};
  MetaFacts m = ExtractMeta(doc, ctx);
  EXPECT_TRUE(m.has_doctype);
  EXPECT_EQ(m.lang, "pl-PL");
  EXPECT_EQ(m.title, "Buty trekkingowe męskie – Sklep Górski");  // whitespace collapsed, <svg><title> ignored
  EXPECT_EQ(m.meta_description, "Wodoodporne buty trekkingowe z membraną. Darmowa dostawa od 199 zł i 30 dni na zwrot.");
  EXPECT_EQ(m.charset_declared, "utf-8");
  EXPECT_EQ(m.robots_meta, "index, follow, max-snippet:-1");
  EXPECT_EQ(m.theme_color, "#1d4d2b");
  EXPECT_EQ(m.base_href, "https://sklep.example/pl/");
  EXPECT_EQ(m.canonical, "https://sklep.example/pl/buty-trekkingowe?utm_source=x");  // fragment dropped
  ASSERT_EQ(m.hreflang.size(), 3u);
  EXPECT_EQ(m.hreflang[1].lang, "de-DE");
  EXPECT_EQ(m.hreflang[1].href, "https://sklep.example/de/trekkingschuhe");
  EXPECT_EQ(m.manifest, "https://sklep.example/pl/manifest.webmanifest");
}

TEST(MetaFacts, ReportsWhatABareLegacyPageLacks) {
  auto doc = ParseFixture("fixtures/pages/head/bare.html");
  MetaFacts m = ExtractMeta(doc, Context{"https://old.example/p"});
  EXPECT_FALSE(m.has_doctype);
  EXPECT_FALSE(m.has_title);
  EXPECT_FALSE(m.has_meta_description);
  EXPECT_EQ(m.lang, "");
  EXPECT_EQ(m.charset_declared, "windows-1250");
  EXPECT_EQ(m.robots_meta, "noindex, nofollow");
}

TEST(Viewport, ParsesTheStandardMobileViewport) {
  ViewportFacts v = ParseViewport("width=device-width, initial-scale=1");
  EXPECT_TRUE(v.present);
  EXPECT_EQ(v.width, "device-width");
  EXPECT_EQ(v.initial_scale, 1.0);
  EXPECT_FALSE(v.maximum_scale.has_value());
  EXPECT_FALSE(v.user_scalable_no);
}

TEST(Viewport, AcceptsSemicolonsAndSpacesAndFindsZoomBlocking) {
  ViewportFacts v = ParseViewport(" width = 1024 ; initial-scale=0.5;maximum-scale=1.0, user-scalable=0 ");
  EXPECT_EQ(v.width, "1024");
  EXPECT_EQ(v.initial_scale, 0.5);
  EXPECT_EQ(v.maximum_scale, 1.0);
  EXPECT_TRUE(v.user_scalable_no);
  EXPECT_EQ(v.properties.size(), 4u);
}

TEST(Viewport, IsAbsentWhenThePageHasNoViewportMeta) {
  auto doc = ParseFixture("fixtures/pages/resources/mixed.html");
  EXPECT_FALSE(ExtractViewport(doc).present);
  auto bare = ParseFixture("fixtures/pages/head/bare.html");
  ViewportFacts v = ExtractViewport(bare);
  EXPECT_TRUE(v.present);
  EXPECT_TRUE(v.user_scalable_no);
}

}  // namespace
}  // namespace mmaudit::facts
