#include "facts/sd_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "facts/extract.h"
#include "html/document.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kDir = "fixtures/pages/structured-data/";

PageFacts Page(const std::string& fixture) {
  fetch::Response r;
  r.requested_url = r.final_url = "https://shop.example/p/1";
  r.status = 200;
  r.headers = {{"content-type", "text/html; charset=utf-8"}};
  r.body = testing::ReadFixture(kDir + fixture);
  r.decoded_bytes = r.body.size();
  return ExtractPage(r);
}

// "error Product offers.price" per issue, in order.
std::vector<std::string> Keys(const std::vector<SdIssue>& issues, const std::string& severity = "") {
  std::vector<std::string> out;
  for (const SdIssue& i : issues)
    if (severity.empty() || i.severity == severity) out.push_back(i.severity + " " + i.type + " " + i.property);
  return out;
}

const SdIssue* Find(const std::vector<SdIssue>& issues, const std::string& property) {
  for (const SdIssue& i : issues)
    if (i.property == property) return &i;
  return nullptr;
}

TEST(SdValidation, AValidProductPassesEveryCheck) {
  const PageFacts p = Page("a-valid-product-passes-every-check.html");
  EXPECT_THAT(Keys(p.structured_data.issues), IsEmpty());
  EXPECT_EQ(p.commerce.visible_price_value, 249.0);
  EXPECT_EQ(p.reviews.visible_rating_value, 4.5);
}

TEST(SdValidation, AProductWithEveryKindOfErrorIsFlagged) {
  const PageFacts p = Page("a-product-with-every-kind-of-error-is-flagged.html");
  const std::vector<SdIssue>& issues = p.structured_data.issues;
  // Block 1: every error names its property and block, in property order.
  const std::vector<std::string> errors = Keys(issues, "error");
  ASSERT_GE(errors.size(), 9u);
  EXPECT_THAT(std::vector<std::string>(errors.begin(), errors.begin() + 9),
              ElementsAre("error Product name", "error Product image", "error Product offers.price",
                          "error Product offers.priceCurrency", "error Product offers.availability",
                          "error Product aggregateRating.ratingValue", "error Product aggregateRating.ratingCount",
                          "error Product review.author", "error Product review.reviewRating.ratingValue"));
  const SdIssue* comma = Find(issues, "offers.price");
  ASSERT_NE(comma, nullptr);
  EXPECT_EQ(comma->where, "JSON-LD block 1");
  EXPECT_THAT(comma->message, HasSubstr("decimal comma"));
  EXPECT_THAT(comma->message, HasSubstr("\"12.50\""));
  EXPECT_THAT(Find(issues, "aggregateRating.ratingValue")->message, HasSubstr("outside the rating scale 1 to 5"));
  // Block 2, "Free Sample": a zero price, a price with a sign, a lower-case code, an AggregateOffer
  // without lowPrice and currency.
  std::vector<std::string> block2;
  for (const SdIssue& i : issues)
    if (i.severity == "error" && i.where == "JSON-LD block 2 (\"Free Sample\")") block2.push_back(i.property + ": " + i.message);
  EXPECT_THAT(block2, ElementsAre(HasSubstr("offers.price: must be greater than 0"),
                                  HasSubstr("offers.price: \"$19.99\" is not a number"),
                                  HasSubstr("offers.priceCurrency: \"usd\" is not an ISO 4217"),
                                  "offers.lowPrice: required property missing",
                                  "offers.priceCurrency: required property missing"));
  // Block 3: a name alone is not a product snippet.
  EXPECT_EQ(errors.back(), "error Product offers");
  EXPECT_EQ(issues.back().severity, "warning");  // then the consistency warnings
  EXPECT_THAT(Keys(issues, "warning"), ::testing::Contains("warning Product offers.priceValidUntil"));
}

TEST(SdValidation, PricesAndRatingsThatDisagreeWithThePageAreWarnings) {
  const PageFacts p = Page("a-product-with-every-kind-of-error-is-flagged.html");
  ASSERT_GE(p.structured_data.issues.size(), 2u);
  const SdIssue& price = p.structured_data.issues[p.structured_data.issues.size() - 2];
  const SdIssue& rating = p.structured_data.issues.back();
  EXPECT_EQ(price.property, "offers.price");
  EXPECT_THAT(price.message, HasSubstr("12.5 differs from the first price shown on the page, 14.99"));
  EXPECT_EQ(rating.type, "AggregateRating");
  EXPECT_THAT(rating.message, HasSubstr("3.9 of 5"));

  CommerceFacts commerce;
  ReviewFacts reviews;
  commerce.price = 100;
  commerce.visible_price_value = 100.9;  // within 1%
  reviews.rating_value = 4.46;
  reviews.visible_rating_value = 4.5;  // rounded for display
  EXPECT_THAT(CheckSdConsistency(StructuredData{}, commerce, reviews), IsEmpty());
  commerce.visible_price_value = 101.5;
  reviews.best_rating = 10;
  reviews.visible_rating_value = 4.5;  // 9 of 10
  EXPECT_EQ(CheckSdConsistency(StructuredData{}, commerce, reviews).size(), 2u);
  commerce.visible_price_value.reset();
  reviews.visible_rating_value.reset();
  EXPECT_THAT(CheckSdConsistency(StructuredData{}, commerce, reviews), IsEmpty());
}

TEST(SdValidation, AMicrodataProductIsValidatedLikeJsonLd) {
  const PageFacts p = Page("a-microdata-product-is-validated-like-json-ld.html");
  const std::vector<SdIssue>& issues = p.structured_data.issues;
  EXPECT_THAT(Keys(issues, "error"), IsEmpty());
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues.front().where, "microdata item 1 (\"Demo Sklep\")");
  EXPECT_EQ(Keys(issues).front(), "warning Organization logo");
  const SdIssue* brand = Find(issues, "brand");
  ASSERT_NE(brand, nullptr);
  EXPECT_EQ(brand->where, "microdata item 2 (@id \"urn:sku:CZ-17\")");
  EXPECT_EQ(Find(issues, "gtin"), nullptr);  // sku is an identifier
  // "CZ-17 129,90 zł" is 129.90, not 17129.90: the markup and the page agree.
  EXPECT_EQ(p.commerce.visible_price_value, 129.9);
  EXPECT_EQ(Find(issues, "offers.availability"), nullptr);
}

TEST(SdValidation, AStoreWithoutAnAddressIsAnError) {
  const PageFacts p = Page("a-store-without-an-address-is-an-error.html");
  EXPECT_THAT(Keys(p.structured_data.issues),
              ElementsAre("error LocalBusiness address", "warning LocalBusiness geo",
                          "warning LocalBusiness openingHoursSpecification"));
  EXPECT_EQ(p.structured_data.issues.front().where, "JSON-LD block 1 (\"Demo Mode Mitte\")");
  EXPECT_EQ(p.local.local_business_items, 2u);  // the shared type list still serves ExtractLocal
}

TEST(SdValidation, ABreadcrumbNeedsWholeNumberPositionsAndLinks) {
  const PageFacts p = Page("a-breadcrumb-needs-whole-number-positions-and-links.html");
  EXPECT_THAT(Keys(p.structured_data.issues),
              ElementsAre("error BreadcrumbList itemListElement[2].position",
                          "error BreadcrumbList itemListElement[2].item",
                          "error BreadcrumbList itemListElement[3].position",
                          "error BreadcrumbList itemListElement[4].position"));
  EXPECT_THAT(p.structured_data.issues[0].message, HasSubstr("\"second\" is not a whole number"));
}

TEST(SdValidation, FaqPagesNeedQuestionsWithAnswers) {
  const html::Document doc = html::Document::Parse(R"(<script type="application/ld+json">
    {"@type": "FAQPage", "mainEntity": [
      {"@type": "Question", "name": "Do you ship abroad?", "acceptedAnswer": {"@type": "Answer", "text": "Yes."}},
      {"@type": "Question", "name": "Can I return?"},
      {"@type": "Question", "acceptedAnswer": {"@type": "Answer"}}, "free text"]}</script>
    <script type="application/ld+json">{"@type": "FAQPage"}</script>)");
  const StructuredData sd = ExtractStructuredData(doc, Context{"https://shop.example/faq"});
  EXPECT_THAT(Keys(ValidateStructuredData(sd)),
              ElementsAre("error FAQPage mainEntity[2].acceptedAnswer", "error FAQPage mainEntity[3].name",
                          "error FAQPage mainEntity[3].acceptedAnswer.text", "error FAQPage mainEntity[4]",
                          "error FAQPage mainEntity"));
}

TEST(SdValidation, StandaloneReviewsAndRatingsMustSayWhatTheyRate) {
  const html::Document doc = html::Document::Parse(R"(<script type="application/ld+json">
    [{"@type": "Review", "author": "Ola", "reviewRating": {"@type": "Rating", "ratingValue": 9, "bestRating": 10},
      "datePublished": "2026-01-01"},
     {"@type": "AggregateRating", "ratingValue": "4.2", "ratingCount": "12.5", "itemReviewed": {"@type": "Thing", "name": "x"}},
     {"@type": "Offer", "price": "15", "priceCurrency": "PLN", "availability": "schema:InStock", "priceValidUntil": "2027-01-01"}]
    </script>)");
  const StructuredData sd = ExtractStructuredData(doc, Context{"https://shop.example/"});
  EXPECT_THAT(Keys(ValidateStructuredData(sd)),
              ElementsAre("error Review itemReviewed", "error AggregateRating ratingCount"));
}

TEST(SdValidation, ValueTablesAcceptSchemaOrgForms) {
  EXPECT_TRUE(IsIso4217Currency("EUR"));
  EXPECT_TRUE(IsIso4217Currency("PLN"));
  EXPECT_FALSE(IsIso4217Currency("eur"));
  EXPECT_FALSE(IsIso4217Currency("ABC"));  // shaped like a code, but none: the table is embedded
  EXPECT_FALSE(IsIso4217Currency("zł"));
  EXPECT_EQ(ItemAvailabilityName("https://schema.org/InStock"), "InStock");
  EXPECT_EQ(ItemAvailabilityName(" http://schema.org/OutOfStock/ "), "OutOfStock");
  EXPECT_EQ(ItemAvailabilityName("schema:PreOrder"), "PreOrder");
  EXPECT_EQ(ItemAvailabilityName("BackOrder"), "BackOrder");
  EXPECT_EQ(ItemAvailabilityName("in stock"), "");
  EXPECT_EQ(ItemAvailabilityName("https://example.com/InStock"), "");
  EXPECT_TRUE(IsLocalBusinessType("ClothingStore"));
  EXPECT_FALSE(IsLocalBusinessType("Organization"));
}

TEST(SdValidation, VisiblePricesAndRatingsAreReadFromText) {
  EXPECT_EQ(FirstPriceValue("only €1,299.00 today"), 1299.0);
  EXPECT_EQ(FirstPriceValue("cena 1 299,00 zł"), 1299.0);
  EXPECT_EQ(FirstPriceValue("sku cz-17 129,90 zł"), 129.9);
  EXPECT_EQ(FirstPriceValue("3 items from 19.99 eur"), 19.99);
  EXPECT_EQ(FirstPriceValue("no price here, 5 kroków"), std::nullopt);
  EXPECT_EQ(FindVisibleRating("rated 4.5 out of 5 by 12"), std::make_pair(4.5, 5.0));
  EXPECT_EQ(FindVisibleRating("ocena 4,5/5"), std::make_pair(4.5, 5.0));
  EXPECT_EQ(FindVisibleRating("\xE2\x98\x85 4.8 (120)"), std::make_pair(4.8, 5.0));
  EXPECT_EQ(FindVisibleRating("8 von 10 kunden"), std::make_pair(8.0, 10.0));
  EXPECT_EQ(FindVisibleRating("delivered 3/5/2026"), std::nullopt);
  EXPECT_EQ(FindVisibleRating("7 out of 5"), std::nullopt);
}

}  // namespace
}  // namespace mmaudit::facts
