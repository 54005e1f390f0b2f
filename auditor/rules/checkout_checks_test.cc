// The "checkout"-scoped rules (rules/checkout.json) on checkouts described as CheckoutFlow structs,
// the way the checkout walk reports them. The walk itself is tested on real shops in
// tests/checkout_walk_test.cc.
#include <gtest/gtest.h>

#include "rules/catalogue.h"
#include "rules/scoring.h"

namespace mmaudit::rules {
namespace {

facts::CheckoutField Field(std::string purpose, std::string type, std::string autocomplete, bool valid) {
  facts::CheckoutField f;
  f.name = purpose;
  f.purpose = std::move(purpose);
  f.type = std::move(type);
  f.autocomplete = std::move(autocomplete);
  f.autocomplete_valid = valid;
  f.text_entry = true;
  return f;
}

// A walk that reached the review step: cart, details (7 fields), shipping, payment.
facts::CheckoutFlow Walked() {
  facts::CheckoutFlow c;
  c.mode = "walk";
  c.result = "reached_review";
  facts::CheckoutStepFacts cart, details, shipping, payment;
  cart.name = "Cart";
  details.name = "Details";
  details.fields = 7;
  details.field_list = {Field("email", "email", "email", true),       Field("given-name", "text", "given-name", true),
                        Field("family-name", "text", "family-name", true), Field("address-line1", "text", "", false),
                        Field("address-level2", "text", "address-level2", true),
                        Field("postal-code", "text", "postal-code", true),  Field("tel", "tel", "tel", true)};
  c.steps = {cart, details, shipping, payment};
  c.estimated_steps = 4;
  c.total_fields = 7;
  c.guest_checkout = true;
  c.express_payments = {"Shop Pay", "PayPal"};
  return c;
}

std::map<std::string, Finding> Judge(const facts::CheckoutFlow& c) {
  std::map<std::string, Finding> out;
  for (Finding& f : EvaluateCheckoutRules(DefaultCatalogue(), c)) out[f.rule_id] = std::move(f);
  return out;
}

TEST(CheckoutRules, AShortGuestCheckoutWithWalletsPassesAndScoresStepsAndFieldsOnBaymardsScale) {
  const auto f = Judge(Walked());
  ASSERT_EQ(f.size(), 6u);
  EXPECT_EQ(f.at("checkout-steps").numeric_value, 4);
  EXPECT_NEAR(*f.at("checkout-steps").score, 0.75, 1e-9);  // linear: 3 steps good, 7 poor
  EXPECT_NEAR(*f.at("checkout-total-fields").score, 8.0 / 7, 0.2);
  EXPECT_EQ(f.at("checkout-total-fields").status, Status::kPass);  // 7 fields: within Baymard's 8
  EXPECT_EQ(f.at("guest-checkout").status, Status::kPass);
  EXPECT_EQ(f.at("checkout-express-payments").status, Status::kPass);
  EXPECT_NEAR(*f.at("checkout-autocomplete").numeric_value, 6.0 / 7, 0.001);
  EXPECT_EQ(f.at("checkout-input-types").status, Status::kPass);
  for (const auto& [id, finding] : f) EXPECT_EQ(finding.moment == "buy" || finding.moment == "mobile", true) << id;
}

TEST(CheckoutRules, AForcedAccountWrongKeyboardsAndPasteBlockingFail) {
  facts::CheckoutFlow c = Walked();
  c.guest_checkout = false;
  c.account_required = true;
  c.express_payments.clear();
  c.steps[1].field_list[0].type = "text";        // e-mail as a plain text field
  c.steps[1].field_list[6].type = "number";      // phone as a number field
  c.steps[1].field_list[4].blocks_paste = true;
  c.buyer_country = "DE";                        // postcodes of digits: a text field is the wrong keyboard
  const auto f = Judge(c);
  EXPECT_EQ(f.at("guest-checkout").status, Status::kFail);
  EXPECT_EQ(f.at("checkout-express-payments").status, Status::kFail);
  EXPECT_EQ(f.at("checkout-input-types").status, Status::kFail);
  EXPECT_EQ(f.at("checkout-input-types").details.size(), 4u);
  c.buyer_country = "GB";  // "NW1 6XE" needs letters: no numeric keypad expected
  EXPECT_EQ(Judge(c).at("checkout-input-types").details.size(), 3u);
}

TEST(CheckoutRules, AWalkThatStoppedEarlyMakesCountsNotApplicableRatherThanWrong) {
  facts::CheckoutFlow c = Walked();
  c.result = "blocked";
  c.stop_reason = "robots.txt disallows /checkout/";
  c.guest_checkout = false;
  const auto f = Judge(c);
  EXPECT_EQ(f.at("checkout-steps").status, Status::kNotApplicable);
  EXPECT_EQ(f.at("checkout-total-fields").status, Status::kNotApplicable);
  EXPECT_NE(f.at("checkout-steps").display_value.find("robots.txt"), std::string::npos);
  EXPECT_EQ(f.at("guest-checkout").status, Status::kNotApplicable);
  // Inspect counts steps by the step indicator, but no fields.
  c = Walked();
  c.mode = "inspect";
  c.result = "blocked";
  c.estimate_source = "step indicator";
  const auto g = Judge(c);
  EXPECT_EQ(g.at("checkout-steps").numeric_value, 4);
  EXPECT_EQ(g.at("checkout-steps").status, Status::kWarn);
  EXPECT_NE(g.at("checkout-steps").display_value.find("step indicator"), std::string::npos);
  EXPECT_EQ(g.at("checkout-total-fields").status, Status::kNotApplicable);
}

TEST(CheckoutRules, PageRulesAndCheckoutRulesDoNotRunOnEachOthersSubjects) {
  const Catalogue cat = DefaultCatalogue();
  facts::PageFacts page;
  page.page_type = "checkout";
  for (const Finding& f : EvaluateAll(cat, page))
    for (const RuleSpec& r : cat.rules)
      if (r.id == f.rule_id) {
        EXPECT_EQ(r.scope, "page") << r.id;
      }
  for (const Finding& f : EvaluateCheckoutRules(cat, Walked()))
    for (const RuleSpec& r : cat.rules)
      if (r.id == f.rule_id) {
        EXPECT_EQ(r.scope, "checkout") << r.id;
      }
}

}  // namespace
}  // namespace mmaudit::rules
