#include "rules/site.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/embedded.h"

namespace mmaudit::rules {
namespace {

// A small catalogue: two know rules on product pages, one mobile rule everywhere, and the site
// rules under test.
Catalogue TestCatalogue() {
  Catalogue c;
  std::string error;
  const char* json = R"({"rules": [
    {"id": "reviews", "title": "t", "failure_title": "f", "description": "d", "learn_more": "https://example.com/",
     "moment": "know", "page_types": ["product"], "check": "reviews-visible", "score_mode": "binary", "weight": 3},
    {"id": "specs", "title": "t", "failure_title": "Specs missing", "description": "d", "learn_more": "https://example.com/",
     "moment": "know", "page_types": ["product"], "check": "specs-table", "score_mode": "binary", "weight": 1},
    {"id": "viewport", "title": "t", "failure_title": "f", "description": "d", "learn_more": "https://example.com/",
     "moment": "mobile", "check": "viewport", "score_mode": "binary", "weight": 2},
    {"id": "review-coverage", "title": "t", "failure_title": "Reviews missing on many products", "description": "d",
     "learn_more": "https://example.com/", "moment": "know", "scope": "site", "check": "coverage",
     "options": {"rules": ["reviews"], "pages": ["product"], "curve": "linear", "good": 90, "poor": 50},
     "score_mode": "numeric", "weight": 5},
    {"id": "locator", "title": "t", "failure_title": "f", "description": "d", "learn_more": "https://example.com/",
     "moment": "go", "scope": "site", "check": "page-type-found", "options": {"pages": ["store-locator"]},
     "score_mode": "binary", "weight": 2}
  ]})";
  EXPECT_TRUE(ParseRuleFile("test.json", json, &c, &error)) << error;
  EXPECT_TRUE(c.problems.empty());
  return c;
}

Finding Scored(const std::string& id, const std::string& moment, double weight, double score) {
  Finding f;
  f.rule_id = id;
  f.moment = moment;
  f.weight = weight;
  f.score = score;
  f.status = score >= 0.9 ? Status::kPass : score >= 0.5 ? Status::kWarn : Status::kFail;
  return f;
}

PageOutcome Page(const Catalogue& c, const std::string& url, const std::string& type, std::vector<Finding> findings) {
  return OutcomeOf(c, url, type, findings, ScorePage(findings));
}

// Three product pages (two with reviews), one home page.
std::vector<PageOutcome> Shop(const Catalogue& c) {
  return {Page(c, "https://s.example/p/1", "product",
               {Scored("reviews", "know", 3, 1), Scored("specs", "know", 1, 1), Scored("viewport", "mobile", 2, 1)}),
          Page(c, "https://s.example/p/2", "product",
               {Scored("reviews", "know", 3, 0), Scored("specs", "know", 1, 1), Scored("viewport", "mobile", 2, 1)}),
          Page(c, "https://s.example/p/3", "product",
               {Scored("reviews", "know", 3, 1), Scored("specs", "know", 1, 0), Scored("viewport", "mobile", 2, 0)}),
          Page(c, "https://s.example/", "home", {Scored("viewport", "mobile", 2, 1)})};
}

TEST(SiteRules, CoverageIsTheShareOfPagesOfTheTypeWhereTheRulePassed) {
  const Catalogue c = TestCatalogue();
  const SiteVerdict v = JudgeSite(c, DefaultCategories(), Shop(c), 0, {});
  ASSERT_EQ(v.findings.size(), 2u);
  const Finding& f = v.findings[0];
  EXPECT_EQ(f.rule_id, "review-coverage");
  ASSERT_TRUE(f.numeric_value);
  EXPECT_NEAR(*f.numeric_value, 66.7, 0.05);
  EXPECT_EQ(f.display_value, "2 of 3 product pages (67%)");
  EXPECT_EQ(f.details, std::vector<std::string>{"https://s.example/p/2"});
  ASSERT_TRUE(f.score);
  EXPECT_NEAR(*f.score, (66.7 - 50) / 40, 0.002);  // linear between poor 50 and good 90
  EXPECT_EQ(f.status, Status::kFail);
}

TEST(SiteRules, AnOutcomeIndexesFindingsInAnyOrderAndLeavesOutRulesNotInTheCatalogue) {
  const Catalogue c = TestCatalogue();
  const std::vector<Finding> in_order = {Scored("reviews", "know", 3, 1), Scored("specs", "know", 1, 0),
                                         Scored("viewport", "mobile", 2, 1)};
  std::vector<Finding> shuffled = {in_order[2], Scored("gone", "know", 1, 1), in_order[0], in_order[1]};
  const PageOutcome a = OutcomeOf(c, "u", "product", in_order, ScorePage(in_order));
  const PageOutcome b = OutcomeOf(c, "u", "product", shuffled, ScorePage(in_order));
  ASSERT_EQ(a.rules.size(), 3u);
  ASSERT_EQ(b.rules.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.rules[i].index, i);
    EXPECT_EQ(b.rules[i].index, a.rules[i].index);
    EXPECT_EQ(b.rules[i].score_milli, a.rules[i].score_milli);
  }
}

TEST(SiteRules, CoverageIsNotApplicableWithoutPagesOfTheType) {
  const Catalogue c = TestCatalogue();
  const SiteVerdict v = JudgeSite(c, DefaultCategories(), {Shop(c).back()}, 0, {});
  EXPECT_EQ(v.findings[0].status, Status::kNotApplicable);
  EXPECT_FALSE(v.findings[0].score);
}

TEST(SiteRules, CoverageNamingAMissingRuleIsAnErrorFindingNotACrash) {
  Catalogue c = TestCatalogue();
  c.rules[3].options.lists["rules"] = {"no-such-rule"};
  const SiteVerdict v = JudgeSite(c, DefaultCategories(), Shop(c), 0, {});
  EXPECT_EQ(v.findings[0].status, Status::kError);
  EXPECT_NE(v.findings[0].error.find("no-such-rule"), std::string::npos);
}

TEST(SiteRules, PageTypeFoundPassesWhenAPageOfTheTypeWasAudited) {
  const Catalogue c = TestCatalogue();
  EXPECT_EQ(JudgeSite(c, DefaultCategories(), Shop(c), 0, {}).findings[1].status, Status::kFail);
  auto pages = Shop(c);
  pages.push_back(Page(c, "https://s.example/stores", "store-locator", {Scored("viewport", "mobile", 2, 1)}));
  const Finding f = JudgeSite(c, DefaultCategories(), pages, 0, {}).findings[1];
  EXPECT_EQ(f.status, Status::kPass);
  EXPECT_EQ(f.details, std::vector<std::string>{"https://s.example/stores"});
}

// Every built-in site rule, on a shop where the pages it looks at all pass the rules it counts (or
// pages of the type it looks for exist), and on one where they all fail (or none exists).
TEST(SiteRules, EachBuiltInSiteRulePassesOnAGoodShopAndFailsOnAPoorOne) {
  const Catalogue c = DefaultCatalogue();
  std::size_t site_rules = 0;
  for (const RuleSpec& rule : c.rules) {
    if (rule.scope != "site") continue;
    ++site_rules;
    auto list = [&](const char* name) {
      auto it = rule.options.lists.find(name);
      return it == rule.options.lists.end() ? std::vector<std::string>{} : it->second;
    };
    // Coverage rules look at pages of their types; page-type-found rules at whether such a page exists.
    const bool finds_type = rule.check == "page-type-found";
    std::vector<std::string> types = finds_type ? std::vector<std::string>{} : list("pages");
    if (types.empty()) types = {"home", "product"};
    auto shop = [&](bool good) {
      std::vector<PageOutcome> pages;
      for (const std::string& type : types)
        for (int n = 0; n < 3; ++n) {
          std::vector<Finding> findings;
          for (const std::string& id : list("rules")) {
            const RuleSpec* counted = c.Find(id);
            EXPECT_NE(counted, nullptr) << rule.id << " names " << id;
            if (counted != nullptr) findings.push_back(Scored(id, counted->moment, counted->weight, good ? 1 : 0));
          }
          pages.push_back(Page(c, "https://s.example/" + type + "/" + std::to_string(n), type, findings));
        }
      if (good && finds_type)
        for (const std::string& type : list("pages")) pages.push_back(Page(c, "https://s.example/x/" + type, type, {}));
      return pages;
    };
    auto verdict = [&](bool good) {
      for (const Finding& f : JudgeSite(c, DefaultCategories(), shop(good), 0, {}).findings)
        if (f.rule_id == rule.id) return f;
      ADD_FAILURE() << rule.id << " gave no finding";
      return Finding{};
    };
    const Finding pass = verdict(true), fail = verdict(false);
    EXPECT_EQ(pass.status, Status::kPass) << rule.id << ": " << pass.display_value << pass.error;
    EXPECT_EQ(fail.status, Status::kFail) << rule.id << ": " << fail.display_value << fail.error;
  }
  EXPECT_GE(site_rules, 6u);
}

TEST(SiteScores, AMomentScoreIsTheWeightedMeanOfThePagesPartAndTheSiteFindings) {
  const Catalogue c = TestCatalogue();
  const std::vector<Finding> checkout = {Scored("checkout-steps", "buy", 2, 0.5)};
  const SiteVerdict v = JudgeSite(c, DefaultCategories(), Shop(c), 0, checkout);
  // know: page scores 100, 25, 75 (home has no know score) -> mean 66.67 with weight 10;
  // review-coverage scores 41.7 with weight 5.
  const ScoreTrace& know = v.scores.moments[0];
  ASSERT_EQ(know.id, "know");
  ASSERT_EQ(know.parts.size(), 2u);
  EXPECT_EQ(know.parts[0].kind, "pages");
  EXPECT_EQ(know.parts[0].pages, 3u);
  EXPECT_NEAR(know.parts[0].score, 200.0 / 3, 1e-9);
  EXPECT_EQ(know.parts[0].weight, 10);
  EXPECT_EQ(know.parts[1].kind, "site");
  EXPECT_EQ(know.parts[1].id, "review-coverage");
  EXPECT_EQ(know.parts[1].weight, 5);
  const double expected = (10 * 200.0 / 3 + 5 * know.parts[1].score) / 15;
  EXPECT_EQ(know.score, std::round(expected));
  EXPECT_EQ(v.scores.scores.moments.at("know"), know.score);
  // buy has no page findings here: the checkout finding alone decides it.
  const ScoreTrace& buy = v.scores.moments[3];
  ASSERT_EQ(buy.id, "buy");
  ASSERT_EQ(buy.parts.size(), 1u);
  EXPECT_EQ(buy.parts[0].kind, "site");  // not in this catalogue: counted as a site finding
  EXPECT_EQ(buy.score, 50);
  // do: nothing scored.
  EXPECT_FALSE(v.scores.moments[2].score);
}

TEST(SiteScores, TheOverallScoreWeighsCategoriesByTheirWeight) {
  const Catalogue c = TestCatalogue();
  Categories cats = DefaultCategories();
  const SiteVerdict equal = JudgeSite(c, cats, Shop(c), 0, {});
  double sum = 0, n = 0;
  for (const ScoreTrace& t : equal.scores.moments)
    if (t.score) sum += *t.score, ++n;
  EXPECT_EQ(equal.scores.scores.overall, std::round(sum / n));
  for (Category& cat : cats.categories) cat.weight = cat.id == "mobile" ? 1 : 0;
  const SiteVerdict only_mobile = JudgeSite(c, cats, Shop(c), 0, {});
  EXPECT_EQ(only_mobile.scores.scores.overall, only_mobile.scores.scores.moments.at("mobile"));
  ASSERT_EQ(only_mobile.scores.overall.parts.size(), 1u);
  EXPECT_EQ(only_mobile.scores.overall.parts[0].id, "mobile");
}

TEST(SiteScores, TheSamePagesInAnyOrderGiveTheSameVerdict) {
  const Catalogue c = TestCatalogue();
  auto pages = Shop(c);
  const SiteVerdict a = JudgeSite(c, DefaultCategories(), pages, 0, {});
  std::mt19937 rng(7);
  for (int i = 0; i < 5; ++i) {
    std::shuffle(pages.begin(), pages.end(), rng);
    const SiteVerdict b = JudgeSite(c, DefaultCategories(), pages, 0, {});
    EXPECT_EQ(a.scores.scores.moments, b.scores.scores.moments);
    EXPECT_EQ(a.findings[0].details, b.findings[0].details);
    ASSERT_EQ(a.explanations.size(), b.explanations.size());
    for (std::size_t k = 0; k < a.explanations.size(); ++k) EXPECT_EQ(a.explanations[k].text, b.explanations[k].text);
  }
}

TEST(SiteExplanations, TheLossesAddUpToTheGapBetweenTheScoreAnd100) {
  const Catalogue c = TestCatalogue();
  const std::vector<Finding> checkout = {Scored("checkout-steps", "buy", 2, 0.5)};
  SiteVerdict v = JudgeSite(c, DefaultCategories(), Shop(c), 0, checkout);
  SiteFacts site;
  site.catalogue = &c;
  site.pages = Shop(c);
  std::vector<Finding> scored = v.findings;
  scored.insert(scored.end(), checkout.begin(), checkout.end());
  const auto all = ExplainSite(DefaultCategories(), c, site, scored, v.scores, /*max_losses=*/100);
  for (const Explanation& e : all) {
    if (!e.score) continue;
    double lost = 0;
    for (const Loss& l : e.losses) lost += l.points;
    // Page moment scores and the final score are rounded to whole numbers, losses to tenths.
    EXPECT_NEAR(*e.score + lost, 100, 1.5) << e.moment;
  }
}

TEST(SiteExplanations, TheTextNamesTheScoreTheBandAndTheBiggestFix) {
  const Catalogue c = TestCatalogue();
  const SiteVerdict v = JudgeSite(c, DefaultCategories(), Shop(c), 0, {});
  const Explanation& know = v.explanations[0];
  EXPECT_EQ(know.moment, "know");
  EXPECT_EQ(know.band, "needs work");
  ASSERT_FALSE(know.losses.empty());
  // The coverage finding (weight 5, score 0.42) loses more than the page rules.
  EXPECT_EQ(know.losses[0].rule_id, "review-coverage");
  EXPECT_EQ(know.losses[0].kind, "site");
  EXPECT_EQ(know.losses[1].rule_id, "reviews");
  EXPECT_EQ(know.losses[1].pages_below, 1u);
  EXPECT_EQ(know.losses[1].pages_applicable, 3u);
  EXPECT_NE(know.text.find("\"I want to know\" scores " + std::to_string(static_cast<int>(*know.score)) +
                           " of 100 (needs work)"),
            std::string::npos)
      << know.text;
  EXPECT_NE(know.text.find("Reviews missing on many products"), std::string::npos) << know.text;
  const Explanation& go_ = v.explanations[1];
  EXPECT_EQ(go_.band, "poor");  // the store-locator rule failed and nothing else scored
  EXPECT_EQ(v.explanations[2].band, "not scored");
}

TEST(Categories, TheEmbeddedFileHasACategoryForEveryMomentInReportOrder) {
  const Categories& c = DefaultCategories();
  ASSERT_EQ(c.categories.size(), Moments().size());
  for (std::size_t i = 0; i < Moments().size(); ++i) {
    EXPECT_EQ(c.categories[i].id, Moments()[i]);
    EXPECT_FALSE(c.categories[i].question.empty());
    EXPECT_FALSE(c.categories[i].serves.empty());
  }
}

TEST(Categories, ABadFileIsRefusedWithTheFileTheCategoryAndTheField) {
  const std::string good = std::string(*embedded::Find("rules/categories.json"));
  auto refused = [&](const std::string& json, const std::string& expected) {
    Categories c;
    std::string error;
    EXPECT_FALSE(ParseCategories("my.json", json, &c, &error));
    EXPECT_NE(error.find(expected), std::string::npos) << error;
    EXPECT_EQ(error.rfind("my.json", 0), 0u) << error;
  };
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  refused("{", "not valid JSON");
  refused("{\"categories\": 3}", "\"categories\" array");
  refused(with("\"weight\": 1,", "\"weight\": -1,"), "category \"know\": field \"weight\"");
  refused(with("\"pages_weight\": 10,", "\"pages_weight\": \"ten\","), "category \"know\": field \"pages_weight\"");
  refused(with("\"id\": \"go\"", "\"id\": \"went\""), "category \"went\": field \"id\": not a moment");
  refused(with("\"id\": \"go\"", "\"id\": \"know\""), "category \"know\": field \"id\": listed twice");
  refused(with("\"title\": \"I want to do\",", "\"title\": \"I want to do\", \"colour\": 1,"),
          "category \"do\": unknown field \"colour\"");
  Categories c;
  std::string error;
  EXPECT_TRUE(ParseCategories("my.json", good, &c, &error)) << error;
}

}  // namespace
}  // namespace mmaudit::rules
