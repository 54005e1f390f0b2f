#include "rules/catalogue.h"

#include <algorithm>
#include <gtest/gtest.h>

#include <set>

#include "facts/lexicon.h"
#include "rules/checks.h"
#include "rules/site.h"
#include "tests/support/test_paths.h"

namespace mmaudit::rules {
namespace {

TEST(Catalogue, EveryBuiltInRuleNamesARegisteredCheckAndIsDocumented) {
  const Catalogue c = DefaultCatalogue();
  for (const auto& p : c.problems) ADD_FAILURE() << p.file << " " << p.rule_id << " " << p.field << ": " << p.message;
  ASSERT_GE(c.rules.size(), 15u);
  for (const RuleSpec& r : c.rules) {
    if (r.scope == "checkout")
      EXPECT_NE(FindCheckoutCheck(r.check), nullptr) << r.id;
    else if (r.scope == "site")
      EXPECT_NE(FindSiteCheck(r.check), nullptr) << r.id;
    else
      EXPECT_NE(FindCheck(r.check), nullptr) << r.id;
    EXPECT_GE(r.description.size(), 60u) << r.id << " needs a real description";
    EXPECT_EQ(r.learn_more.rfind("https://", 0), 0u) << r.id;
    EXPECT_NE(r.title, r.failure_title) << r.id;
    EXPECT_GT(r.weight, 0) << r.id;
  }
}

TEST(Catalogue, SpansTheFourMomentsMobileAndSpeed) {
  std::set<std::string> moments;
  for (const RuleSpec& r : DefaultCatalogue().rules) moments.insert(r.moment);
  for (const char* m : {"know", "go", "do", "buy", "mobile", "speed", "discoverability", "engagement"})
    EXPECT_TRUE(moments.count(m)) << "no rule for moment " << m;
}

TEST(Catalogue, EveryRegisteredCheckIsUsedByABuiltInRule) {
  std::set<std::string> used;
  for (const RuleSpec& r : DefaultCatalogue().rules) used.insert(r.check);
  for (const CheckInfo& c : Checks()) EXPECT_TRUE(used.count(c.name)) << "check " << c.name << " is never used";
  for (const CheckoutCheckInfo& c : CheckoutChecks()) EXPECT_TRUE(used.count(c.name)) << "check " << c.name << " is never used";
  for (const SiteCheckInfo& c : SiteChecks()) EXPECT_TRUE(used.count(c.name)) << "check " << c.name << " is never used";
}

TEST(Catalogue, EverySiteCoverageRuleNamesBuiltInPageRules) {
  const Catalogue c = DefaultCatalogue();
  for (const RuleSpec& r : c.rules) {
    if (r.scope != "site" || r.check != "coverage") continue;
    auto it = r.options.lists.find("rules");
    ASSERT_NE(it, r.options.lists.end()) << r.id;
    for (const std::string& id : it->second) {
      const RuleSpec* named = c.Find(id);
      ASSERT_NE(named, nullptr) << r.id << " names " << id;
      EXPECT_EQ(named->scope, "page") << r.id << " names " << id;
    }
  }
}

TEST(Catalogue, RejectsARuleFileThatIsNotValidJsonAsAConfigurationError) {
  Catalogue c;
  std::string error;
  EXPECT_FALSE(ParseRuleFile("broken.json", testing::ReadFixture("fixtures/rules/not-json/broken.json"), &c, &error));
  EXPECT_NE(error.find("broken.json: not valid JSON"), std::string::npos) << error;
  EXPECT_TRUE(c.rules.empty());
  EXPECT_FALSE(ParseRuleFile("x.json", R"({"rules": 3})", &c, &error));
}

TEST(Catalogue, LeavesOutARuleWithAnUnknownCheckAndSaysWhichFieldIsWrong) {
  Catalogue c;
  std::string error;
  ASSERT_TRUE(ParseRuleFile("custom.json", testing::ReadFixture("fixtures/rules/unknown-check/custom.json"), &c, &error));
  ASSERT_EQ(c.rules.size(), 1u);
  EXPECT_EQ(c.rules[0].id, "custom-viewport");
  ASSERT_EQ(c.problems.size(), 2u);
  EXPECT_EQ(c.problems[0].rule_id, "custom-magic");
  EXPECT_EQ(c.problems[0].field, "check");
  EXPECT_NE(c.problems[0].message.find("\"no-such-check\""), std::string::npos);
  EXPECT_EQ(c.problems[1].field, "moment");
}

TEST(Catalogue, LoadsADirectoryAndReportsAMissingOne) {
  Catalogue c;
  std::string error;
  EXPECT_TRUE(LoadCatalogueDir(testing::SourcePath("fixtures/rules/unknown-check"), &c, &error)) << error;
  EXPECT_FALSE(LoadCatalogueDir(testing::SourcePath("fixtures/rules/does-not-exist"), &c, &error));
  EXPECT_NE(error.find("not a readable directory"), std::string::npos);
  Catalogue broken;
  EXPECT_FALSE(LoadCatalogueDir(testing::SourcePath("fixtures/rules/not-json"), &broken, &error));
}

TEST(Lexicon, EmbeddedLexiconCoversEveryConceptInNineLanguages) {
  const facts::Lexicon& lex = facts::Lexicon::Default();
  ASSERT_FALSE(lex.Concepts().empty());
  for (const std::string& c : lex.Concepts()) {
    std::set<std::string> langs;
    for (const auto& l : lex.Languages(c)) langs.insert(l);
    for (const char* l : {"en", "ru", "pl", "de", "fr", "es", "it", "pt", "nl"})
      EXPECT_TRUE(langs.count(l)) << "concept " << c << " has no phrase in " << l;
  }
  EXPECT_TRUE(lex.Matches("faq_heading", "najczęstsze pytania"));
  EXPECT_TRUE(lex.Matches("add_to_cart", "добавить в корзину"));
  EXPECT_EQ(lex.PaymentMethods("płać blikiem lub przelewy24"), (std::vector<std::string>{"BLIK", "Przelewy24"}));
}

TEST(RuleReference, DocsRulesMdIsTheReferenceGeneratedFromTheRuleFiles) {
  const std::string generated = RuleReferenceMarkdown(DefaultCatalogue());
  EXPECT_TRUE(generated == testing::ReadFixture("docs/rules.md"))
      << "docs/rules.md is stale: regenerate it with `build/mmaudit rules --markdown > docs/rules.md`";
  for (const RuleSpec& r : DefaultCatalogue().rules)
    EXPECT_NE(generated.find("\n### " + r.id + "\n"), std::string::npos) << r.id;
}

}  // namespace
}  // namespace mmaudit::rules

namespace mmaudit::facts {
namespace {

// A cue looked up once answers as the lexicon does by name; an unknown cue matches nothing.
TEST(Lexicon, CueFoundOnceAnswersAsTheLexiconDoesAndUnknownCuesMatchNothing) {
  const Lexicon& lex = Lexicon::Default();
  const Lexicon::Cue cart = lex.Find("add_to_cart");
  for (const char* t : {"добавить в корзину", "in den warenkorb", "read more", "dodaj do koszyka teraz"}) {
    EXPECT_EQ(cart.Matches(t), lex.Matches("add_to_cart", t)) << t;
    EXPECT_EQ(cart.FirstMatch(t), lex.FirstMatch("add_to_cart", t)) << t;
  }
  EXPECT_TRUE(cart.Matches("dodaj do koszyka teraz"));
  EXPECT_TRUE(lex.Find("checkout").Equals("checkout"));
  EXPECT_FALSE(lex.Find("checkout").Equals("checkout now please"));
  const Lexicon::Cue unknown = lex.Find("no_such_cue");
  EXPECT_FALSE(unknown.Matches("checkout faq add to cart"));
  EXPECT_EQ(unknown.FirstMatch("checkout faq"), "");
  EXPECT_FALSE(unknown.Equals("checkout"));
}

// One pass over a text finds concepts and payment methods together.
TEST(Lexicon, CuesInFindsConceptsAndPaymentMethodsInOnePass) {
  const Lexicon& lex = Lexicon::Default();
  const Lexicon::TextCues cues = lex.CuesIn("darmowa dostawa, zapłać blikiem. brak opinii");
  EXPECT_NE(std::find(cues.concepts.begin(), cues.concepts.end(), "shipping"), cues.concepts.end());
  EXPECT_NE(std::find(cues.concepts.begin(), cues.concepts.end(), "no_reviews"), cues.concepts.end());
  EXPECT_EQ(cues.payment_methods, (std::vector<std::string>{"BLIK"}));
  EXPECT_EQ(lex.ConceptsIn("darmowa dostawa"), lex.CuesIn("darmowa dostawa").concepts);
}

// A long text is read in four parts at once; a phrase anywhere, also across a border between two
// parts or at either end, is found exactly as the one-by-one matching finds it, and a non-word
// never becomes one.
TEST(Lexicon, CuesInOnLongTextsFindsPhrasesAcrossEveryBorderOfThePartsReadAtOnce) {
  const Lexicon& lex = Lexicon::Default();
  const std::string filler(4000, 'x');
  for (const char* phrase : {" najczęstsze pytania ", " dodaj do koszyka ", " darmowa dostawa ", " xfaqx "}) {
    for (std::size_t quarter = 0; quarter <= 4; ++quarter) {
      for (std::size_t shift = 0; shift < 40; ++shift) {
        std::string text = filler + " " + filler;
        const std::size_t border = text.size() * quarter / 4;
        const std::size_t at = std::clamp<std::size_t>(border + shift, 20, text.size()) - 20;
        text.insert(at, phrase);
        const std::vector<std::string> found = lex.CuesIn(text).concepts;
        for (const std::string& c : lex.Concepts()) {
          const bool in_scan = std::find(found.begin(), found.end(), c) != found.end();
          EXPECT_EQ(in_scan, lex.Matches(c, text)) << c << " / " << phrase << " at " << at;
        }
      }
    }
  }
}

TEST(Lexicon, MatchesWholeWordsOnlySoShortCuesDoNotFireInsideOtherWords) {
  const Lexicon& lex = Lexicon::Default();
  EXPECT_TRUE(lex.Matches("returns", "reso gratuito entro 30 giorni"));
  EXPECT_FALSE(lex.Matches("returns", "book a resort near the store"));
  EXPECT_TRUE(lex.Matches("guide", "как выбрать кроссовки"));
  EXPECT_TRUE(lex.Matches("faq_heading", "faq: shipping"));
  EXPECT_FALSE(lex.Matches("faq_heading", "faqtory outlet"));
  EXPECT_TRUE(lex.PaymentMethods("sp24x visa").size() == 1);  // "p24" is not inside "sp24x"
}


}  // namespace
}  // namespace mmaudit::facts
