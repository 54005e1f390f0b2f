#include "rules/overlay.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "rules/checks.h"
#include "rules/scoring.h"
#include "tests/support/test_paths.h"

namespace mmaudit::rules {
namespace {

std::vector<std::string> Ids(const Catalogue& c) {
  std::vector<std::string> ids;
  for (const RuleSpec& r : c.rules) ids.push_back(r.id);
  return ids;
}

// Applies the overlay text to the built-in catalogue, expecting it to fail; returns the mistakes.
std::vector<OverlayError> Mistakes(const std::string& json, const std::string& file = "overlay.json") {
  Catalogue c = DefaultCatalogue();
  const std::vector<std::string> before = Ids(c);
  std::vector<RuleChange> changes;
  std::vector<OverlayError> errors;
  EXPECT_FALSE(ApplyOverlay(file, json, &c, &changes, &errors)) << json;
  EXPECT_FALSE(errors.empty());
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(Ids(c), before) << "a wrong overlay changes nothing";
  return errors;
}

TEST(Overlay, DisablesChangesAndAddsRulesAndRecordsEveryChange) {
  Catalogue c = DefaultCatalogue();
  const std::size_t before = c.rules.size();
  std::vector<RuleChange> changes;
  std::vector<OverlayError> errors;
  const std::string file = "fixtures/rules/overlay/agency.json";
  ASSERT_TRUE(ApplyOverlay(file, testing::ReadFixture(file), &c, &changes, &errors))
      << (errors.empty() ? "" : errors[0].Text());
  EXPECT_TRUE(errors.empty());

  EXPECT_EQ(c.Find("doctype"), nullptr);
  EXPECT_EQ(c.rules.size(), before);  // one disabled, one added

  const RuleSpec* lcp = c.Find("largest-contentful-paint");
  ASSERT_NE(lcp, nullptr);
  EXPECT_EQ(lcp->weight, 6);
  EXPECT_EQ(lcp->options.numbers.at("p10"), 2000);
  EXPECT_EQ(lcp->options.numbers.at("median"), 3500);
  EXPECT_EQ(lcp->options.numbers.at("desktop_p10"), 1200) << "options are merged key by key";
  EXPECT_EQ(lcp->options.strings.at("curve"), "log-normal");
  EXPECT_EQ(lcp->source_file, "rules/speed.json");
  EXPECT_NE(lcp->threshold_source.find("Agreed with the client"), std::string::npos);

  const RuleSpec* meta = c.Find("meta-description");
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->page_types, (std::vector<std::string>{"product", "category"}));
  EXPECT_EQ(meta->options.numbers.at("max_chars"), 160);
  EXPECT_EQ(meta->options.numbers.at("min_chars"), 50);
  EXPECT_EQ(c.Find("document-title")->score_mode, ScoreMode::kInformative);

  ASSERT_EQ(c.rules.back().id, "product-description-long");
  const RuleSpec& added = c.rules.back();
  EXPECT_EQ(added.check, "product-description");
  EXPECT_EQ(added.source_file, file);
  EXPECT_EQ(added.options.numbers.at("good"), 600);
  EXPECT_EQ(added.weight, 2);

  std::vector<std::string> described;
  for (const RuleChange& ch : changes) described.push_back(ch.Describe());
  EXPECT_EQ(described, (std::vector<std::string>{
                           "doctype disabled",
                           "largest-contentful-paint weight 5 \xe2\x86\x92 6",
                           "largest-contentful-paint options.p10 2500 \xe2\x86\x92 2000",
                           "largest-contentful-paint options.median 4000 \xe2\x86\x92 3500",
                           "largest-contentful-paint threshold_source " +
                               DefaultCatalogue().Find("largest-contentful-paint")->threshold_source + " \xe2\x86\x92 " +
                               lcp->threshold_source,
                           "meta-description page_types all \xe2\x86\x92 product, category",
                           "meta-description options.max_chars 155 \xe2\x86\x92 160",
                           "document-title score_mode binary \xe2\x86\x92 informative",
                           "product-description-long added",
                       }));
  EXPECT_EQ(changes[1].kind, "changed");
  EXPECT_EQ(changes[1].field, "weight");
  EXPECT_EQ(changes[1].from, "5");
  EXPECT_EQ(changes[1].to, "6");
}

TEST(Overlay, AnAddedRuleRunsItsCheckWithItsOwnOptions) {
  Catalogue c = DefaultCatalogue();
  std::vector<RuleChange> changes;
  std::vector<OverlayError> errors;
  const std::string file = "fixtures/rules/overlay/agency.json";
  ASSERT_TRUE(ApplyOverlay(file, testing::ReadFixture(file), &c, &changes, &errors));
  facts::PageFacts page;
  page.page_type = "product";
  page.commerce.description_chars = 450;
  const Finding stricter = Evaluate(*c.Find("product-description-long"), page);
  const Finding original = Evaluate(*c.Find("product-description"), page);
  ASSERT_TRUE(stricter.score && original.score);
  EXPECT_EQ(*original.score, 1);
  EXPECT_NEAR(*stricter.score, (450.0 - 150) / (600 - 150), 1e-3);
  EXPECT_EQ(stricter.weight, 2);
}

TEST(Overlay, NamesTheFileTheRuleAndTheFieldOfEveryMistakeAndChangesNothing) {
  const std::string file = "fixtures/rules/overlay/mistakes.json";
  const std::vector<OverlayError> errors = Mistakes(testing::ReadFixture(file), file);
  std::set<std::pair<std::string, std::string>> got;
  for (const OverlayError& e : errors) {
    EXPECT_EQ(e.file, file);
    EXPECT_FALSE(e.field.empty()) << e.Text();
    EXPECT_FALSE(e.message.empty()) << e.Text();
    EXPECT_EQ(e.Text().rfind(file + ": ", 0), 0u) << e.Text();
    got.emplace(e.rule_id, e.field);
  }
  const std::set<std::pair<std::string, std::string>> want = {
      {"no-such-rule", "disable"},         // unknown rule id
      {"doctype", "disable"},              // listed twice
      {"", "disable"},                     // not a string
      {"doctype", "rules"},                // disabled and changed
      {"ghost-rule", "rules"},             // unknown rule id
      {"viewport", "weight"},              // negative
      {"canonical", "weight"},             // not a number
      {"meta-description", "options.max_chars"},  // a string for a number
      {"meta-description", "options.min_words"},  // no such option
      {"faq-content", "page_types"},       // unknown page type
      {"html-lang", "colour"},             // unknown field
      {"charset", "check"},                // not changeable
      {"link-text", "score_mode"},         // unknown score mode
      {"dom-size", "options.p10"},         // p10 above the median
      {"image-alt", "rules"},              // no change
      {"canonical", "id"},                 // added rule with a taken id
      {"magic-rule", "check"},             // check not registered
      {"undocumented-rule", "description"},  // no documentation
      {"nested-options", "options.nested"},  // an option that is an object
      {"unsourced-numbers", "priority"},     // unknown field in an added rule
      {"unsourced-numbers", "threshold_source"},  // numbers without a source
  };
  EXPECT_EQ(got, want);
  EXPECT_EQ(errors.size(), want.size());
  for (const OverlayError& e : errors)
    if (e.rule_id == "viewport") {
      EXPECT_EQ(e.Text(), file + ": rule \"viewport\", field \"weight\": \"weight\" must be a number >= 0");
    }
}

TEST(Overlay, RefusesAFileThatIsNotAnOverlay) {
  auto only = [](const std::string& json) {
    std::vector<OverlayError> e = Mistakes(json);
    EXPECT_EQ(e.size(), 1u) << json;
    return e.empty() ? OverlayError{} : e[0];
  };
  OverlayError broken = only("{\"disable\": [");
  EXPECT_EQ(broken.field, "");
  EXPECT_EQ(broken.Text().rfind("overlay.json: not valid JSON", 0), 0u) << broken.Text();
  EXPECT_NE(only("[]").message.find("JSON object"), std::string::npos);
  OverlayError key = only(R"({"disabled": ["doctype"]})");
  EXPECT_EQ(key.field, "disabled");
  EXPECT_EQ(key.rule_id, "");
  EXPECT_EQ(only(R"({"disable": "doctype"})").field, "disable");
  EXPECT_EQ(only(R"({"rules": ["doctype"]})").field, "rules");
  EXPECT_EQ(only(R"({"add": {"id": "x"}})").field, "add");
  EXPECT_EQ(only(R"({"add": [3]})").field, "add");
  EXPECT_EQ(only(R"({"rules": {"viewport": 2}})").rule_id, "viewport");
  EXPECT_EQ(only(R"({"rules": {"viewport": {"weight": 2, "weight": 3}}})").field, "weight");
  OverlayError id_missing = only(R"({"add": [{"title": "No id"}]})");
  EXPECT_EQ(id_missing.field, "id");
  EXPECT_NE(id_missing.message.find("entry 1 of \"add\""), std::string::npos) << id_missing.message;
}

TEST(Overlay, KeepsOptionTypesAndUsableScoreCurves) {
  EXPECT_EQ(Mistakes(R"({"rules": {"largest-contentful-paint": {"options": {"curve": 2}}}})")[0].field, "options.curve");
  EXPECT_EQ(Mistakes(R"({"rules": {"largest-contentful-paint": {"options": {"curve": "cubic"}}}})")[0].field,
            "options.curve");
  EXPECT_EQ(Mistakes(R"({"rules": {"largest-contentful-paint": {"options": {"desktop_median": 1000}}}})")[0].field,
            "options.desktop_p10");
  EXPECT_EQ(Mistakes(R"({"rules": {"product-description": {"options": {"poor": 300}}}})")[0].field, "options.good");
  // A binary rule made numeric has no curve to score on.
  EXPECT_EQ(Mistakes(R"({"rules": {"viewport": {"score_mode": "numeric"}}})")[0].field, "options.curve");
  EXPECT_EQ(Mistakes(R"({"rules": {"checkout-steps": {"page_types": ["cart"]}}})")[0].field, "page_types");
  EXPECT_EQ(Mistakes(R"({"rules": {"viewport": {"threshold_source": ""}}})")[0].field, "threshold_source");

  Catalogue c = DefaultCatalogue();
  std::vector<RuleChange> changes;
  std::vector<OverlayError> errors;
  ASSERT_TRUE(ApplyOverlay("o.json", R"({"rules": {"product-description": {"options": {"good": 80, "poor": 400}}}})",
                           &c, &changes, &errors));
  EXPECT_EQ(c.Find("product-description")->options.numbers.at("good"), 80) << "a reversed linear curve is allowed";
}

TEST(Overlay, ASettingEqualToTheCurrentValueIsNoChangeAndAnEmptyOverlayChangesNothing) {
  Catalogue c = DefaultCatalogue();
  std::vector<RuleChange> changes;
  std::vector<OverlayError> errors;
  ASSERT_TRUE(ApplyOverlay("o.json", R"({"rules": {"viewport": {"weight": 3, "page_types": []}}})", &c, &changes, &errors));
  EXPECT_TRUE(changes.empty());
  ASSERT_TRUE(ApplyOverlay("o.json", "{}", &c, &changes, &errors));
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(Ids(c), Ids(DefaultCatalogue()));
}

TEST(Overlay, AppliesOnTopOfARulesDirectoryCatalogue) {
  Catalogue c;
  std::string error;
  ASSERT_TRUE(LoadCatalogueDir(testing::SourcePath("fixtures/rules/unknown-check"), &c, &error)) << error;
  std::vector<RuleChange> changes;
  std::vector<OverlayError> errors;
  ASSERT_TRUE(ApplyOverlay("o.json", R"({"rules": {"custom-viewport": {"weight": 1}}})", &c, &changes, &errors));
  EXPECT_EQ(c.Find("custom-viewport")->weight, 1);
  EXPECT_FALSE(ApplyOverlay("o.json", R"({"disable": ["viewport"]})", &c, &changes, &errors))
      << "viewport is a built-in rule, not one of this directory";
  EXPECT_EQ(errors.back().rule_id, "viewport");
}

TEST(Overlay, AnUnreadableFileIsAMistakeNamingIt) {
  Catalogue c = DefaultCatalogue();
  std::vector<RuleChange> changes;
  std::vector<OverlayError> errors;
  const std::string missing = testing::SourcePath("fixtures/rules/overlay/does-not-exist.json");
  EXPECT_FALSE(ApplyOverlayFile(missing, &c, &changes, &errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].file, missing);
  EXPECT_FALSE(ApplyOverlayFile(testing::SourcePath("fixtures/rules/overlay"), &c, &changes, &errors))
      << "a directory is not an overlay";
  EXPECT_TRUE(ApplyOverlayFile(testing::SourcePath("fixtures/rules/overlay/reweight.json"), &c, &changes, &errors));
  EXPECT_EQ(c.Find("viewport")->weight, 7);
}

}  // namespace
}  // namespace mmaudit::rules
