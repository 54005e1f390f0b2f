// The structured-data validation rules (rules/discoverability.json) on facts holding validation
// issues, the way facts::ExtractPage fills them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rules/catalogue.h"
#include "rules/scoring.h"

namespace mmaudit::rules {
namespace {

using ::testing::ElementsAre;

const RuleSpec& Rule(const std::string& id) {
  static const Catalogue c = DefaultCatalogue();
  for (const RuleSpec& r : c.rules)
    if (r.id == id) return r;
  throw std::runtime_error("no rule " + id);
}

facts::PageFacts WithIssues(std::vector<facts::SdIssue> issues) {
  facts::PageFacts p;
  p.fetched = p.parsed = true;
  p.page_type = "product";
  p.structured_data.items.push_back(std::make_shared<facts::SdItem>());
  p.structured_data.issues = std::move(issues);
  return p;
}

const facts::SdIssue kCommaPrice{"error", "Product", "offers.price", "JSON-LD block 2 (\"Boots\")",
                                 "\"12,50\" uses a decimal comma; schema.org prices use a dot: \"12.50\""};
const facts::SdIssue kNoBrand{"warning", "Product", "brand", "JSON-LD block 2 (\"Boots\")", "recommended property missing"};

TEST(StructuredDataRules, RequiredFailsOnAnErrorAndListsWhereWhatAndWhy) {
  const Finding f = Evaluate(Rule("structured-data-required"), WithIssues({kNoBrand, kCommaPrice}));
  EXPECT_EQ(f.moment, "discoverability");
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.display_value, "1 error in required properties");
  EXPECT_THAT(f.details, ElementsAre("JSON-LD block 2 (\"Boots\"): offers.price: \"12,50\" uses a decimal "
                                     "comma; schema.org prices use a dot: \"12.50\""));
}

TEST(StructuredDataRules, RecommendedWarnsOnWarningsOnlyAndPassesWhenClean) {
  const Finding warn = Evaluate(Rule("structured-data-recommended"), WithIssues({kCommaPrice, kNoBrand}));
  EXPECT_EQ(warn.status, Status::kWarn);
  EXPECT_THAT(warn.details, ElementsAre("JSON-LD block 2 (\"Boots\"): brand: recommended property missing"));
  EXPECT_EQ(Evaluate(Rule("structured-data-required"), WithIssues({kNoBrand})).status, Status::kPass);
  EXPECT_EQ(Evaluate(Rule("structured-data-recommended"), WithIssues({})).status, Status::kPass);
}

TEST(StructuredDataRules, APageWithoutStructuredDataIsNotApplicable) {
  facts::PageFacts p = WithIssues({});
  p.structured_data.items.clear();
  EXPECT_EQ(Evaluate(Rule("structured-data-required"), p).status, Status::kNotApplicable);
  EXPECT_EQ(Evaluate(Rule("structured-data-recommended"), p).status, Status::kNotApplicable);
  EXPECT_FALSE(Rule("structured-data-required").threshold_source.empty());
}

}  // namespace
}  // namespace mmaudit::rules
