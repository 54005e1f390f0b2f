#include <gtest/gtest.h>

#include "facts/extract.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

TEST(LocalFacts, FindsStoresAndPhoneNumbersThatAreNotTapToCallInARussianStorePage) {
  auto doc = testing::ParseFixture("fixtures/pages/local/store-ru.html");
  Context ctx{"https://sportmir.example/stores"};
  StructuredData sd = ExtractStructuredData(doc, ctx);
  LinkFacts links = ExtractLinks(doc, ctx);
  LocalFacts f = ExtractLocal(doc, sd, links, ctx);
  EXPECT_EQ(f.local_business_items, 1u);
  EXPECT_EQ(f.with_address, 1u);
  EXPECT_EQ(f.with_hours, 1u);
  EXPECT_EQ(f.with_telephone, 1u);
  EXPECT_EQ(f.with_geo, 0u);
  // The hotline is plain text; the store number is linked; the SKU, price and date are not phones.
  ASSERT_EQ(f.unlinked_phones.size(), 1u);
  EXPECT_EQ(f.unlinked_phones[0], "+7 (800) 555-35-35");
  EXPECT_TRUE(f.store_locator_cue);  // "Адреса магазинов"
  EXPECT_TRUE(f.pickup_cue);         // "Самовывоз"
  EXPECT_EQ(links.maps, 1u);         // yandex.ru/maps
}

TEST(MediaFacts, CountsVideoEmbedsGuidesManualsAndPlugins) {
  auto doc = testing::ParseFixture("fixtures/shops/demo/site/guides/how-to-lace-running-shoes.html");
  Context ctx{"http://127.0.0.1/guides/how-to-lace-running-shoes"};
  StructuredData sd = ExtractStructuredData(doc, ctx);
  LinkFacts links = ExtractLinks(doc, ctx);
  MediaFacts f = ExtractMedia(doc, sd, links, ctx);
  EXPECT_EQ(f.video_elements, 1u);
  EXPECT_EQ(f.video_objects, 1u);
  EXPECT_EQ(f.how_to_items, 1u);
  EXPECT_TRUE(f.guide_cue);
  EXPECT_EQ(f.plugins, 0u);

  auto product = testing::ParseFixture("fixtures/shops/demo/site/p/city-walker.html");
  StructuredData psd = ExtractStructuredData(product, ctx);
  LinkFacts plinks = ExtractLinks(product, ctx);
  MediaFacts pm = ExtractMedia(product, psd, plinks, ctx);
  EXPECT_EQ(pm.video_embeds, 1u);  // youtube-nocookie iframe
  EXPECT_EQ(pm.video_objects, 0u);
}

TEST(NavigationFacts, FindsBreadcrumbsAndSiteSearch) {
  auto doc = testing::ParseFixture("fixtures/shops/demo/site/index.html");
  Context ctx{"http://127.0.0.1/"};
  StructuredData sd = ExtractStructuredData(doc, ctx);
  FormFacts forms = ExtractForms(doc, ctx);
  NavigationFacts n = ExtractNavigation(doc, sd, forms, ctx);
  EXPECT_TRUE(n.search_action);
  EXPECT_TRUE(n.search_form);
  auto links = testing::ParseFixture("fixtures/pages/links/mixed.html");
  EXPECT_TRUE(ExtractNavigation(links, StructuredData{}, FormFacts{}, ctx).breadcrumb_visible);
}

}  // namespace
}  // namespace mmaudit::facts
