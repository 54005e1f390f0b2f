#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/text.h"
#include "facts/extract.h"
#include "html/document.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

FaqFacts ExtractFixture(const std::string& fixture) {
  const html::Document doc = mmaudit::testing::ParseFixture(fixture);
  const Context ctx{"https://shop.example/", &Lexicon::Default()};
  return ExtractFaq(doc, ExtractStructuredData(doc, ctx), ctx);
}

std::vector<std::string> Questions(const std::vector<FaqEntry>& entries) {
  std::vector<std::string> out;
  for (const FaqEntry& e : entries) out.push_back(e.question);
  return out;
}

TEST(Faq, ReadsFaqPageMarkupAndCountsTheQuestionsAlsoShownOnTheRussianPage) {
  const FaqFacts f = ExtractFixture("fixtures/pages/faq/faq-page-ru.html");
  EXPECT_TRUE(f.faq_page_markup);
  EXPECT_TRUE(f.has_faq_heading);
  // The duplicated question is listed once; answer HTML is reduced to text.
  ASSERT_THAT(Questions(f.markup), ElementsAre("Сколько стоит доставка?", "Как вернуть товар?",
                                               "Можно ли оплатить картой Мир?"));
  EXPECT_EQ(f.markup[0].answer, "Доставка по Москве — бесплатно от 3 000 ₽.");
  EXPECT_EQ(f.markup[0].source, "markup");
  // The page title is an FAQ heading, so every <details> counts; the hidden block does not.
  ASSERT_THAT(Questions(f.visible),
              ElementsAre("Сколько стоит доставка?", "Как вернуть товар?", "Когда придёт заказ?"));
  EXPECT_EQ(f.visible[0].answer, "Доставка по Москве — бесплатно от 3 000 ₽.");
  EXPECT_EQ(f.visible[0].source, "visible");
  EXPECT_EQ(f.markup_visible, 2u);
}

TEST(Faq, TakesQuestionHeadingsOnlyInsideTheFaqSectionOrAFaqContainer) {
  const FaqFacts f = ExtractFixture("fixtures/pages/faq/product-faq-en.html");
  EXPECT_FALSE(f.faq_page_markup);
  EXPECT_THAT(f.markup, IsEmpty());
  EXPECT_TRUE(f.has_faq_heading);
  ASSERT_THAT(Questions(f.visible),
              ElementsAre("Does the Trail Runner X run true to size?", "Is it waterproof?",
                          "Can I return worn shoes?", "Do you ship to Norway?"));
  EXPECT_EQ(f.visible[0].answer, "Yes. If you are between sizes, choose the larger one.");
  EXPECT_EQ(text::CodePointCount(f.visible[1].answer), 201u);  // 200 plus "…"
  EXPECT_TRUE(text::StartsWith(f.visible[1].answer, "The upper is water-resistant, not waterproof."));
  EXPECT_TRUE(text::EndsWith(f.visible[1].answer, "…"));
  EXPECT_EQ(f.visible[2].answer, "Within 30 days, if they were only worn indoors.");  // the <dd>
  EXPECT_EQ(f.visible[3].answer, "Yes, within 5 working days.");  // a collapsed accordion panel
  EXPECT_EQ(f.markup_visible, 0u);
}

TEST(Faq, FindsPolishQuestionsByClassAndDetailsUnderAnFaqHeading) {
  const FaqFacts f = ExtractFixture("fixtures/pages/faq/faq-container-pl.html");
  EXPECT_TRUE(f.faq_page_markup);  // an empty FAQPage still counts as markup
  EXPECT_THAT(f.markup, IsEmpty());
  EXPECT_TRUE(f.has_faq_heading);
  ASSERT_THAT(Questions(f.visible), ElementsAre("Ile trwa dostawa?", "Czy mogę zwrócić buty po biegu？",
                                                "Jak dobrać rozmiar"));
  EXPECT_EQ(f.visible[0].answer, "Zwykle 1–2 dni robocze.");
  EXPECT_EQ(f.visible[2].answer, "Zmierz stopę wieczorem.");
}

TEST(Faq, StaysLinearOnDeeplyNestedFaqMarkup) {
  constexpr std::size_t kLevels = 10'000;
  std::string page = mmaudit::testing::ReadFixture("fixtures/pages/structured-data/deep-template.html");
  std::string body;
  for (std::size_t i = 0; i < kLevels; ++i) body += "<div class=\"faq-question\"><h3>Why?</h3>";
  const std::size_t at = page.find("@@MICRODATA@@");
  ASSERT_NE(at, std::string::npos);
  page.replace(at, 13, body);
  const html::Document doc = html::Document::Parse(text::SanitizeUtf8(page));
  const FaqFacts f = ExtractFaq(doc, StructuredData{}, Context{"https://shop.example/", &Lexicon::Default()});
  EXPECT_THAT(Questions(f.visible), ElementsAre("Why?"));
}

}  // namespace
}  // namespace mmaudit::facts
