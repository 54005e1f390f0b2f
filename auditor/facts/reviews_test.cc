#include <gtest/gtest.h>

#include <string>

#include "core/text.h"
#include "facts/extract.h"
#include "html/document.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

ReviewFacts ExtractFixture(const std::string& fixture) {
  const html::Document doc = mmaudit::testing::ParseFixture(fixture);
  const Context ctx{"https://shop.example/", &Lexicon::Default()};
  return ExtractReviews(doc, ExtractStructuredData(doc, ctx), ctx);
}

TEST(Reviews, TakesTheProductRatingParsesLenientNumbersAndCountsInnermostReviewBlocks) {
  const ReviewFacts f = ExtractFixture("fixtures/pages/reviews/product-reviews-en.html");
  // The Product's rating wins over the Organization's, though both are AggregateRatings.
  ASSERT_TRUE(f.rating_value.has_value());
  EXPECT_DOUBLE_EQ(*f.rating_value, 4.6);  // "4,6"
  EXPECT_EQ(f.best_rating, 5.0);
  EXPECT_EQ(f.rating_count, 1204);  // "1,204"
  EXPECT_EQ(f.review_count, 3);
  EXPECT_EQ(f.markup_reviews, 2u);
  // Three .review-item blocks with an author inside; the hidden one, the <template> one, the
  // summary, the list and the form do not count.
  EXPECT_EQ(f.visible_blocks, 3u);
  EXPECT_TRUE(f.has_review_heading);
  EXPECT_FALSE(f.no_reviews_text);
}

TEST(Reviews, CountsPolishMicrodataReviewsOncePerReview) {
  const ReviewFacts f = ExtractFixture("fixtures/pages/reviews/reviews-microdata-pl.html");
  EXPECT_EQ(f.rating_value, 4.5);
  EXPECT_EQ(f.best_rating, 5.0);
  EXPECT_EQ(f.rating_count, 2);
  EXPECT_FALSE(f.review_count.has_value());
  EXPECT_EQ(f.markup_reviews, 2u);
  EXPECT_EQ(f.visible_blocks, 2u);  // the .review inside the first <article> is that review
  EXPECT_TRUE(f.has_review_heading);  // "Opinie klientów"
}

TEST(Reviews, NoticesTheRussianNoReviewsYetState) {
  const ReviewFacts f = ExtractFixture("fixtures/pages/reviews/no-reviews-ru.html");
  EXPECT_FALSE(f.rating_value.has_value());
  EXPECT_FALSE(f.rating_count.has_value());
  EXPECT_EQ(f.markup_reviews, 0u);
  EXPECT_EQ(f.visible_blocks, 0u);  // an empty .review placeholder has no author or rating
  EXPECT_TRUE(f.has_review_heading);  // "Отзывы"
  EXPECT_TRUE(f.no_reviews_text);     // "Отзывов пока нет"
}

TEST(Reviews, FallsBackToAnyAggregateRating) {
  const html::Document doc = mmaudit::testing::ParseFixture("fixtures/pages/reviews/product-reviews-en.html");
  const Context ctx{"https://shop.example/", &Lexicon::Default()};
  StructuredData sd = ExtractStructuredData(doc, ctx);
  sd.items.erase(sd.items.begin());  // drop the Product; the Organization's rating remains
  const ReviewFacts f = ExtractReviews(doc, sd, ctx);
  EXPECT_EQ(f.rating_value, 3.1);
  EXPECT_EQ(f.review_count, 99);
  EXPECT_EQ(f.markup_reviews, 0u);
}

TEST(Reviews, StaysLinearOnDeeplyNestedReviewMarkup) {
  constexpr std::size_t kLevels = 10'000;
  std::string page = mmaudit::testing::ReadFixture("fixtures/pages/structured-data/deep-template.html");
  std::string body;
  for (std::size_t i = 0; i < kLevels; ++i)
    body += "<div class=\"review\"><h2>Reviews</h2><span class=\"author\">A</span>";
  const std::size_t at = page.find("@@MICRODATA@@");
  ASSERT_NE(at, std::string::npos);
  page.replace(at, 13, body);
  const html::Document doc = html::Document::Parse(text::SanitizeUtf8(page));
  const ReviewFacts f = ExtractReviews(doc, StructuredData{}, Context{"https://shop.example/", &Lexicon::Default()});
  EXPECT_EQ(f.visible_blocks, 1u);  // only the innermost counts
  EXPECT_TRUE(f.has_review_heading);
}

}  // namespace
}  // namespace mmaudit::facts
