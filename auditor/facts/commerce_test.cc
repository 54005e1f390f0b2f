#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/text.h"
#include "facts/extract.h"
#include "html/document.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

CommerceFacts ExtractFixture(const std::string& fixture, const std::string& base_url = "https://shop.example/p") {
  const html::Document doc = mmaudit::testing::ParseFixture(fixture);
  const Context ctx{base_url, &Lexicon::Default()};
  return ExtractCommerce(doc, ExtractStructuredData(doc, ctx), ExtractForms(doc, ctx), ctx);
}

TEST(Commerce, ReadsAnEnglishProductPageFromMarkupAndDom) {
  const CommerceFacts f = ExtractFixture("fixtures/pages/commerce/product-en.html");
  EXPECT_TRUE(f.product_markup);
  EXPECT_EQ(f.product_name, "Trail Runner X");
  EXPECT_EQ(f.offers, 2u);
  EXPECT_EQ(f.price, 129.9);  // from the first offer's priceSpecification
  EXPECT_EQ(f.currency, "EUR");
  EXPECT_EQ(f.availability, "InStock");
  EXPECT_TRUE(f.visible_price);  // "€" "129" ".90" in three elements
  EXPECT_TRUE(f.add_to_cart);
  EXPECT_EQ(f.add_to_cart_evidence, "Add to cart");
  EXPECT_TRUE(f.buy_now_control);
  EXPECT_GT(f.description_chars, 150u);  // the visible block is longer than the markup text
  EXPECT_TRUE(f.specs_table);
  EXPECT_TRUE(f.shipping_info);
  EXPECT_TRUE(f.returns_info);
  // Text (the SVG title), image alts and aria-labels, in lexicon order.
  EXPECT_THAT(f.payment_methods, ElementsAre("Apple Pay", "PayPal", "Visa", "Mastercard"));
}

TEST(Commerce, ReadsARussianProductWithAggregateOfferAndRoubles) {
  const CommerceFacts f = ExtractFixture("fixtures/pages/commerce/product-ru.html");
  EXPECT_TRUE(f.product_markup);
  EXPECT_EQ(f.product_name, "Кроссовки Спринт");
  EXPECT_EQ(f.offers, 1u);
  EXPECT_EQ(f.price, 1299.0);  // AggregateOffer lowPrice
  EXPECT_EQ(f.currency, "RUB");
  EXPECT_EQ(f.availability, "LimitedAvailability");
  EXPECT_TRUE(f.visible_price);  // "1 299 ₽"
  EXPECT_TRUE(f.add_to_cart);
  EXPECT_EQ(f.add_to_cart_evidence, "В корзину");
  EXPECT_TRUE(f.buy_now_control);  // "Купить в 1 клик"
  EXPECT_EQ(f.description_chars, text::CodePointCount("Лёгкие кроссовки для бега по асфальту."));
  EXPECT_TRUE(f.specs_table);  // a <dl> after "Характеристики"
  EXPECT_TRUE(f.shipping_info);
  EXPECT_TRUE(f.returns_info);
  EXPECT_THAT(f.payment_methods, ElementsAre("SBP", "Mir"));
}

TEST(Commerce, ReadsAPolishMicrodataProductWithASubmitInputAndSpecsInDetails) {
  const CommerceFacts f = ExtractFixture("fixtures/pages/commerce/product-pl.html", "https://sklep.example/sprint");
  EXPECT_TRUE(f.product_markup);
  EXPECT_EQ(f.product_name, "Buty biegowe Sprint");
  EXPECT_EQ(f.offers, 1u);
  EXPECT_EQ(f.price, 249.0);
  EXPECT_EQ(f.currency, "PLN");
  EXPECT_EQ(f.availability, "OutOfStock");
  EXPECT_TRUE(f.visible_price);  // "249,00 zł"
  EXPECT_TRUE(f.add_to_cart);
  EXPECT_EQ(f.add_to_cart_evidence, "Dodaj do koszyka");
  EXPECT_FALSE(f.buy_now_control);
  EXPECT_TRUE(f.specs_table);
  EXPECT_TRUE(f.shipping_info);   // "Darmowa dostawa"
  EXPECT_FALSE(f.returns_info);
  EXPECT_THAT(f.payment_methods, ElementsAre("BLIK", "Przelewy24"));
}

TEST(Commerce, FindsAnAddToCartLinkAndACurrencyCodeOnAListingWithoutMarkup) {
  const CommerceFacts f = ExtractFixture("fixtures/pages/commerce/woocommerce-listing-en.html");
  EXPECT_FALSE(f.product_markup);
  EXPECT_FALSE(f.price.has_value());
  EXPECT_EQ(f.offers, 0u);
  EXPECT_TRUE(f.visible_price);  // "12.00 CHF"
  EXPECT_TRUE(f.add_to_cart);
  EXPECT_EQ(f.add_to_cart_evidence, "Select");  // the ?add-to-cart= link's text
}

TEST(Commerce, TakesACartFormWithAnIconOnlySubmitButtonAsAddToCart) {
  const CommerceFacts f = ExtractFixture("fixtures/pages/commerce/icon-button-de.html", "https://shop.example/socken");
  EXPECT_TRUE(f.add_to_cart);
  EXPECT_EQ(f.add_to_cart_evidence, "https://shop.example/cart/add");
  EXPECT_TRUE(f.visible_price);  // "12,95 €"
  EXPECT_TRUE(f.specs_table);    // after "Technische Daten"
  EXPECT_TRUE(f.shipping_info);  // "zzgl. Versand"
  EXPECT_TRUE(f.returns_info);   // "Rückgabe"
}

TEST(Commerce, DoesNotTakeASoldOutFormWithOnlyADisabledButtonAsAddToCart) {
  const CommerceFacts f = ExtractFixture("fixtures/pages/commerce/sold-out-de.html", "https://shop.example/sprint");
  EXPECT_TRUE(f.product_markup);
  EXPECT_EQ(f.price, 49.5);
  EXPECT_EQ(f.availability, "SoldOut");
  EXPECT_FALSE(f.add_to_cart);
  EXPECT_FALSE(f.buy_now_control);
  EXPECT_FALSE(f.specs_table);
}

TEST(Commerce, FindsNothingOnABlogArticle) {
  const CommerceFacts f = ExtractFixture("fixtures/pages/commerce/article-en.html");
  EXPECT_FALSE(f.product_markup);
  EXPECT_FALSE(f.visible_price);  // "5 kroków", "12 km" are no prices
  EXPECT_FALSE(f.add_to_cart);
  EXPECT_TRUE(f.add_to_cart_evidence.empty());
  EXPECT_FALSE(f.buy_now_control);
  EXPECT_EQ(f.description_chars, 0u);
  EXPECT_FALSE(f.specs_table);  // a table in .special-offers is no spec table
  EXPECT_FALSE(f.shipping_info);
  EXPECT_FALSE(f.returns_info);
  EXPECT_THAT(f.payment_methods, IsEmpty());
}

TEST(Commerce, StaysLinearOnDeeplyNestedDescriptionsAndTables) {
  constexpr std::size_t kLevels = 10'000;
  std::string page = mmaudit::testing::ReadFixture("fixtures/pages/structured-data/deep-template.html");
  std::string body;
  for (std::size_t i = 0; i < kLevels; ++i) body += "<div class=\"description\"><h2>Specs</h2><button>Buy now</button>";
  const std::size_t at = page.find("@@MICRODATA@@");
  ASSERT_NE(at, std::string::npos);
  page.replace(at, 13, body);
  const html::Document doc = html::Document::Parse(text::SanitizeUtf8(page));
  const Context ctx{"https://shop.example/", &Lexicon::Default()};
  const CommerceFacts f = ExtractCommerce(doc, StructuredData{}, FormFacts{}, ctx);
  EXPECT_TRUE(f.buy_now_control);
  EXPECT_GT(f.description_chars, 0u);
}

}  // namespace
}  // namespace mmaudit::facts
