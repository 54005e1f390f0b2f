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

// Each checkout rule on two walks that reached the review step: a short guest checkout (cart,
// details, review: 3 steps, 6 fields with valid autocomplete tokens and the right keyboards, Apple
// Pay on the cart) passes every rule, and a long one behind an account wall (8 steps, 16 fields
// without autocomplete, e-mail and phone as plain text, paste blocked, no express button) fails
// every rule. The cases of fixtures/rule-cases/ point here for these rules.
TEST(CheckoutRules, EachPassesOnAShortGuestCheckoutAndFailsOnALongAccountWalledOne) {
  facts::CheckoutFlow good;
  good.mode = "walk";
  good.result = "reached_review";
  good.buyer_country = "US";
  facts::CheckoutStepFacts cart, details, review;
  cart.name = "Cart";
  details.name = "Details";
  review.name = "Review";
  details.field_list = {Field("email", "email", "email", true),           Field("name", "text", "name", true),
                        Field("address-line1", "text", "address-line1", true),
                        Field("address-level2", "text", "address-level2", true),
                        Field("postal-code", "text", "postal-code", true), Field("tel", "tel", "tel", true)};
  details.field_list[4].inputmode = "numeric";
  details.fields = details.field_list.size();
  good.steps = {cart, details, review};
  good.estimated_steps = 3;
  good.total_fields = 6;
  good.guest_checkout = true;
  good.express_payments = {"Apple Pay"};

  facts::CheckoutFlow bad = good;
  bad.guest_checkout = false;
  bad.account_required = true;
  bad.express_payments.clear();
  facts::CheckoutStepFacts account, address;
  account.name = "Account";
  address.name = "Address";
  for (const char* purpose : {"email", "new-password", "new-password", "given-name", "family-name", "tel"})
    account.field_list.push_back(Field(purpose, "text", "", false));
  for (const char* purpose : {"given-name", "family-name", "organization", "address-line1", "address-line2",
                              "address-level2", "address-level1", "postal-code", "country-name", "tel"})
    address.field_list.push_back(Field(purpose, "text", "off", false));
  address.field_list[3].blocks_paste = true;
  account.fields = account.field_list.size();
  address.fields = address.field_list.size();
  bad.steps = {cart, account, address};
  for (const char* name : {"Shipping", "Gift options", "Payment", "Billing", "Review"}) {
    facts::CheckoutStepFacts step;
    step.name = name;
    bad.steps.push_back(step);
  }
  bad.estimated_steps = 8;
  bad.total_fields = 16;

  const auto pass = Judge(good), fail = Judge(bad);
  for (const char* id : {"checkout-steps", "checkout-total-fields", "guest-checkout", "checkout-express-payments",
                         "checkout-autocomplete", "checkout-input-types"}) {
    EXPECT_EQ(pass.at(id).status, Status::kPass) << id << ": " << pass.at(id).display_value;
    EXPECT_EQ(fail.at(id).status, Status::kFail) << id << ": " << fail.at(id).display_value;
  }
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
