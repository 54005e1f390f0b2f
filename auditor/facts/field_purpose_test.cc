#include "facts/field_purpose.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"
#include "facts/extract.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

// Every control of every form in the fixture with its inferred purpose, keyed by the control's
// name, else its label, else its placeholder.
std::map<std::string, FieldPurposeGuess> InferFixture(const std::string& file) {
  const auto doc = testing::ParseFixture("fixtures/pages/checkout-fields/" + file);
  std::map<std::string, FieldPurposeGuess> out;
  for (const Form& form : ExtractForms(doc, Context{"https://shop.example/checkout"}).forms)
    for (const FormControl& c : form.controls) {
      if (c.type == "hidden") continue;
      const std::string key = !c.name.empty() ? c.name : !c.label.empty() ? c.label : c.placeholder;
      EXPECT_FALSE(out.contains(key)) << "two controls called " << key << " in " << file;
      out[key] = InferFieldPurpose(c);
    }
  return out;
}

// The purpose names of `guesses` for `keys`, and the expected names, as one readable line each.
void ExpectPurposes(const std::map<std::string, FieldPurposeGuess>& guesses,
                    const std::vector<std::pair<std::string, std::string>>& expected) {
  for (const auto& [key, purpose] : expected) {
    auto it = guesses.find(key);
    if (it == guesses.end()) {
      ADD_FAILURE() << "no control " << key;
      continue;
    }
    EXPECT_EQ(FieldPurposeName(it->second.purpose), purpose)
        << key << " (from " << PurposeSourceName(it->second.source) << " \"" << it->second.evidence << "\")";
  }
}

FormControl Input(std::string type, std::string name, std::string label = "", std::string autocomplete = "") {
  FormControl c;
  c.tag = "input";
  c.type = std::move(type);
  c.name = std::move(name);
  c.label = std::move(label);
  c.autocomplete = std::move(autocomplete);
  return c;
}

std::string PurposeName(const FormControl& c) { return std::string(FieldPurposeName(InferFieldPurpose(c).purpose)); }

// --- platforms -------------------------------------------------------------------------------

TEST(FieldPurpose, WooCommerceBillingFieldsReadFromTheirNames) {
  const auto g = InferFixture("woocommerce.html");
  ExpectPurposes(g, {{"coupon_code", "coupon"},
                     {"billing_first_name", "given-name"},
                     {"billing_last_name", "family-name"},
                     {"billing_company", "organization"},
                     {"billing_country", "country"},
                     {"billing_address_1", "address-line1"},
                     {"billing_address_2", "address-line2"},
                     {"billing_city", "address-level2"},
                     {"billing_state", "address-level1"},
                     {"billing_postcode", "postal-code"},
                     {"billing_phone", "tel"},
                     {"billing_email", "email"},
                     {"createaccount", "unknown"},
                     {"account_password", "new-password"},
                     {"order_comments", "comment"},
                     {"terms", "terms"},
                     {"woocommerce_checkout_place_order", "unknown"}});
  EXPECT_EQ(g.at("billing_postcode").source, PurposeSource::kNameOrId);
  EXPECT_EQ(g.at("billing_postcode").evidence, "postcode");
}

TEST(FieldPurpose, MagentoStreetIndexesAndGeneratedIdsStillTell) {
  const auto g = InferFixture("magento.html");
  ExpectPurposes(g, {{"username", "email"},  // type=email wins over the name
                     {"password", "current-password"},
                     {"firstname", "given-name"},
                     {"lastname", "family-name"},
                     {"company", "organization"},
                     {"street[0]", "address-line1"},
                     {"street[1]", "address-line2"},
                     {"city", "address-level2"},
                     {"region_id", "address-level1"},
                     {"region", "address-level1"},
                     {"postcode", "postal-code"},
                     {"country_id", "country"},
                     {"telephone", "tel"},
                     {"payment[cc_number]", "cc-number"},
                     {"payment[cc_exp_month]", "cc-exp-month"},
                     {"payment[cc_exp_year]", "cc-exp-year"},
                     {"payment[cc_cid]", "cc-csc"},  // type=password, but a card code
                     {"discount_code", "coupon"}});
}

TEST(FieldPurpose, ShopifyCheckoutBracketNamesAndTokens) {
  const auto g = InferFixture("shopify.html");
  ExpectPurposes(g, {{"checkout[email_or_phone]", "email"},
                     {"checkout[buyer_accepts_marketing]", "newsletter"},
                     {"checkout[shipping_address][first_name]", "given-name"},
                     {"checkout[shipping_address][last_name]", "family-name"},
                     {"checkout[shipping_address][company]", "organization"},
                     {"checkout[shipping_address][address1]", "address-line1"},
                     {"checkout[shipping_address][address2]", "address-line2"},
                     {"checkout[shipping_address][city]", "address-level2"},
                     {"checkout[shipping_address][country]", "country"},
                     {"checkout[shipping_address][province]", "address-level1"},
                     {"checkout[shipping_address][zip]", "postal-code"},
                     {"checkout[shipping_address][phone]", "tel"},
                     {"checkout[reduction_code]", "gift-card"},  // "Gift card or discount code"
                     {"number", "cc-number"},
                     {"name", "cc-name"},  // a bare "name" gives way to the placeholder "Name on card"
                     {"expiry", "cc-exp"},
                     {"verification_value", "cc-csc"}});
  EXPECT_EQ(g.at("checkout[shipping_address][first_name]").address_type, "shipping");
  EXPECT_EQ(g.at("name").source, PurposeSource::kPlaceholder);
}

TEST(FieldPurpose, SalesforceUnderscorePathsEndWithTheFieldName) {
  const auto g = InferFixture("salesforce.html");
  const std::string p = "dwfrm_singleshipping_shippingAddress_";
  const std::string c = "dwfrm_billing_paymentMethods_creditCard_";
  ExpectPurposes(g, {{p + "addressFields_firstName", "given-name"},
                     {p + "addressFields_lastName", "family-name"},
                     {p + "addressFields_address1", "address-line1"},
                     {p + "addressFields_address2", "address-line2"},
                     {p + "addressFields_country", "country"},
                     {p + "addressFields_states_state", "address-level1"},
                     {p + "addressFields_city", "address-level2"},
                     {p + "addressFields_postal", "postal-code"},
                     {p + "addressFields_phone", "tel"},
                     {p + "useAsBillingAddress", "unknown"},
                     {p + "addToEmailList", "newsletter"},
                     {"dwfrm_billing_couponCode", "coupon"},
                     {c + "owner", "cc-name"},
                     {c + "number", "cc-number"},
                     {c + "expiration_month", "cc-exp-month"},
                     {c + "expiration_year", "cc-exp-year"},
                     {c + "cvn", "cc-csc"}});
}

// --- languages -------------------------------------------------------------------------------

TEST(FieldPurpose, PolishPostcodeLabelIsPostalCode) {
  const auto g = InferFixture("polish.html");
  ExpectPurposes(g, {{"f9", "postal-code"}});
  EXPECT_EQ(g.at("f9").source, PurposeSource::kLabel);
  EXPECT_EQ(g.at("f9").evidence, "kod pocztowy");
}

TEST(FieldPurpose, PolishCheckoutReadsFromLabelsAlone) {
  ExpectPurposes(InferFixture("polish.html"), {{"f1", "given-name"},
                                               {"f2", "family-name"},
                                               {"f3", "name"},  // "Imię i nazwisko odbiorcy"
                                               {"f4", "organization"},
                                               {"f5", "tax-id"},
                                               {"f6", "address-line1"},
                                               {"f7", "house-number"},
                                               {"f8", "apartment"},
                                               {"f10", "address-level2"},
                                               {"f11", "address-level1"},
                                               {"f12", "country"},
                                               {"f13", "tel"},
                                               {"f14", "email"},
                                               {"f15", "comment"},
                                               {"f16", "coupon"},
                                               {"f17", "terms"},
                                               {"f18", "newsletter"},
                                               {"c1", "cc-number"},
                                               {"c2", "cc-exp"},
                                               {"c3", "cc-csc"},
                                               {"c4", "cc-name"}});
}

TEST(FieldPurpose, RussianBitrixOrderPropertiesReadFromLabels) {
  ExpectPurposes(InferFixture("russian.html"), {{"ORDER_PROP_1", "family-name"},
                                                {"ORDER_PROP_2", "given-name"},
                                                {"ORDER_PROP_3", "additional-name"},
                                                {"ORDER_PROP_4", "tel"},
                                                {"ORDER_PROP_5", "email"},
                                                {"ORDER_PROP_6", "postal-code"},
                                                {"ORDER_PROP_7", "address-level2"},
                                                {"ORDER_PROP_8", "address-line1"},
                                                {"ORDER_PROP_9", "house-number"},
                                                {"ORDER_PROP_10", "apartment"},
                                                {"ORDER_PROP_11", "street-address"},  // a textarea for street, house, flat
                                                {"ORDER_PROP_12", "tax-id"},
                                                {"ORDER_DESCRIPTION", "comment"},
                                                {"COUPON", "coupon"},
                                                {"AGREE", "terms"}});
}

TEST(FieldPurpose, LabelsAriaAndPlaceholdersTellInSixLanguages) {
  ExpectPurposes(InferFixture("labels-only.html"),
                 {// de: wrapping labels
                  {"Vorname", "given-name"}, {"Nachname", "family-name"},
                  {"Straße und Hausnummer", "address-line1"}, {"PLZ", "postal-code"}, {"Ort", "address-level2"},
                  {"Land", "country"}, {"Gutscheincode", "coupon"},
                  // fr: aria-label
                  {"Prénom", "given-name"}, {"Nom", "family-name"}, {"Adresse", "address-line1"},
                  {"Complément d'adresse", "address-line2"}, {"Code postal", "postal-code"}, {"Ville", "address-level2"},
                  // es: aria-labelledby
                  {"Nombre y apellidos", "name"}, {"Calle", "address-line1"}, {"Número", "house-number"},
                  {"Código postal", "postal-code"}, {"Provincia", "address-level1"}, {"DNI / NIF", "tax-id"},
                  // it: placeholders
                  {"Nome", "given-name"}, {"Cognome", "family-name"}, {"Indirizzo", "address-line1"},
                  {"CAP", "postal-code"}, {"Città", "address-level2"}, {"Provincia (es. MI)", "address-level1"},
                  {"Codice fiscale", "tax-id"},
                  // pt
                  {"Nome completo", "name"}, {"CEP", "postal-code"}, {"Rua", "address-line1"}, {"Nº", "house-number"},
                  {"Complemento", "address-line2"}, {"Bairro", "address-level3"}, {"Cidade", "address-level2"},
                  {"Estado", "address-level1"}, {"CPF", "tax-id"},
                  // nl
                  {"Voornaam", "given-name"}, {"Achternaam", "family-name"}, {"Postcode", "postal-code"},
                  {"Huisnummer", "house-number"}, {"Toevoeging", "apartment"}, {"Straat", "address-line1"},
                  {"Woonplaats", "address-level2"}, {"Telefoonnummer", "tel"}});
}

// --- precedence ------------------------------------------------------------------------------

TEST(FieldPurpose, ValidAutocompleteTokenWinsOverTheName) {
  const auto g = InferFixture("autocomplete.html");
  ExpectPurposes(g, {{"a1", "given-name"},
                     {"a2", "address-line1"},
                     {"a3", "postal-code"},
                     {"a4", "tel"},
                     {"a5", "email"},
                     {"a6", "cc-csc"}});
  EXPECT_EQ(g.at("a3").source, PurposeSource::kAutocomplete);
  EXPECT_EQ(g.at("a3").evidence, "postal-code");
  EXPECT_EQ(g.at("a3").address_type, "billing");
  EXPECT_EQ(g.at("a2").address_type, "shipping");
}

TEST(FieldPurpose, KeywordOrInvalidAutocompleteFallsBackToTheName) {
  const auto g = InferFixture("autocomplete.html");
  ExpectPurposes(g, {{"city", "address-level2"},
                     {"zip", "postal-code"},
                     {"firstName", "given-name"},
                     {"phone", "tel"},
                     {"street", "address-line1"},
                     {"postcode", "postal-code"},
                     {"email", "email"},
                     {"cvc", "cc-csc"}});
  for (const char* name : {"city", "zip", "firstName", "street", "postcode"})
    EXPECT_EQ(g.at(name).source, PurposeSource::kNameOrId) << name;
}

TEST(FieldPurpose, EmailSearchAndUrlTypesWinOverTheName) {
  EXPECT_EQ(PurposeName(Input("email", "username")), "email");
  EXPECT_EQ(PurposeName(Input("search", "postcode")), "search");
  EXPECT_EQ(PurposeName(Input("url", "company")), "url");
  const FieldPurposeGuess g = InferFieldPurpose(Input("email", "username"));
  EXPECT_EQ(g.source, PurposeSource::kType);
  EXPECT_EQ(g.evidence, "email");
}

TEST(FieldPurpose, TelAndPasswordTypesYieldOnlyToCuesThatFitThem) {
  EXPECT_EQ(PurposeName(Input("tel", "zipcode")), "postal-code");
  EXPECT_EQ(PurposeName(Input("tel", "ccNumber")), "cc-number");
  EXPECT_EQ(PurposeName(Input("tel", "x", "Security code")), "cc-csc");
  EXPECT_EQ(PurposeName(Input("tel", "firstName")), "tel");  // a name does not fit the keypad
  EXPECT_EQ(PurposeName(Input("tel", "contact")), "tel");
  EXPECT_EQ(PurposeName(Input("password", "cvv")), "cc-csc");
  EXPECT_EQ(PurposeName(Input("password", "confirm_password")), "new-password");
  EXPECT_EQ(PurposeName(Input("password", "email")), "current-password");
  EXPECT_EQ(PurposeName(Input("password", "x")), "current-password");
}

TEST(FieldPurpose, NameOrIdComesBeforeLabelAndLabelBeforePlaceholder) {
  FormControl c = Input("text", "billing_city", "Postcode");
  c.placeholder = "Phone";
  EXPECT_EQ(PurposeName(c), "address-level2");
  c.name = "f1";
  EXPECT_EQ(PurposeName(c), "postal-code");
  EXPECT_EQ(InferFieldPurpose(c).source, PurposeSource::kLabel);
  c.label = "";
  EXPECT_EQ(PurposeName(c), "tel");
  EXPECT_EQ(InferFieldPurpose(c).source, PurposeSource::kPlaceholder);
  c.name = "";
  c.id = "shipping-zip";
  EXPECT_EQ(PurposeName(c), "postal-code");
}

TEST(FieldPurpose, ABareNameGivesWayToASpecificLabel) {
  EXPECT_EQ(PurposeName(Input("text", "name", "Name on card")), "cc-name");
  EXPECT_EQ(PurposeName(Input("text", "name", "Company name")), "organization");
  EXPECT_EQ(PurposeName(Input("text", "name", "Your name")), "name");
  EXPECT_EQ(PurposeName(Input("text", "name")), "name");
  EXPECT_EQ(PurposeName(Input("text", "first_name", "Name on card")), "given-name");  // not bare
}

TEST(FieldPurpose, TheNameCueEndingLastWins) {
  EXPECT_EQ(PurposeName(Input("text", "shippingAddressFirstName")), "given-name");
  EXPECT_EQ(PurposeName(Input("text", "billing_address_city")), "address-level2");
  EXPECT_EQ(PurposeName(Input("text", "email_address")), "email");
  EXPECT_EQ(PurposeName(Input("text", "street_number")), "house-number");
  EXPECT_EQ(PurposeName(Input("text", "phone_country_code")), "tel-country-code");
  EXPECT_EQ(PurposeName(Input("text", "country_code")), "country");
  EXPECT_EQ(PurposeName(Input("text", "card[name]")), "cc-name");
  EXPECT_EQ(PurposeName(Input("text", "CreditCard.BillingAddress.Address1")), "address-line1");
}

TEST(FieldPurpose, CheckboxesOnlyEverSubscribeOrAcceptTerms) {
  EXPECT_EQ(PurposeName(Input("checkbox", "newsletter")), "newsletter");
  EXPECT_EQ(PurposeName(Input("checkbox", "x", "I agree to the Terms of Service")), "terms");
  EXPECT_EQ(PurposeName(Input("radio", "x", "Keep me updated on offers")), "newsletter");
  EXPECT_EQ(PurposeName(Input("checkbox", "same_as_shipping", "Billing address same as shipping")), "unknown");
  EXPECT_EQ(PurposeName(Input("checkbox", "email", "", "email")), "unknown");  // tokens do not apply
  EXPECT_EQ(PurposeName(Input("text", "newsletter")), "unknown");  // and never text fields
  EXPECT_EQ(PurposeName(Input("text", "x", "I accept the terms")), "unknown");
}

TEST(FieldPurpose, ButtonsHaveNoPurpose) {
  FormControl button = Input("submit", "apply_coupon", "Apply coupon", "off");
  EXPECT_EQ(PurposeName(button), "unknown");
  button.tag = "button";
  button.type = "button";
  EXPECT_EQ(PurposeName(button), "unknown");
  EXPECT_EQ(PurposeName(Input("image", "email", "", "email")), "unknown");
}

TEST(FieldPurpose, AStreetWithItsNumberIsLineOneAndAListOfPartsLineTwo) {
  EXPECT_EQ(PurposeName(Input("text", "x", "Квартира")), "apartment");
  EXPECT_EQ(PurposeName(Input("text", "x", "Квартира, корпус и т. д. (необязательно)")), "address-line2");
  EXPECT_EQ(PurposeName(Input("text", "x", "Apartamento, local, etc. (opcional)")), "address-line2");
  EXPECT_EQ(PurposeName(Input("text", "x", "Hausnummer")), "house-number");
  EXPECT_EQ(PurposeName(Input("text", "x", "Straße / Hausnummer")), "address-line1");
  EXPECT_EQ(PurposeName(Input("text", "x", "Ulica, nr domu, nr lokalu")), "address-line1");
  EXPECT_EQ(PurposeName(Input("text", "x", "Street address, P.O. box, company name, c/o")), "address-line1");
}

TEST(FieldPurpose, ATextareaForTheStreetIsTheWholeStreetAddress) {
  FormControl c = Input("textarea", "address");
  c.tag = "textarea";
  EXPECT_EQ(PurposeName(c), "street-address");
  c.tag = "input";
  c.type = "text";
  EXPECT_EQ(PurposeName(c), "address-line1");
}

TEST(FieldPurpose, NothingToGoOnIsUnknownWithNoSourceOrEvidence) {
  const FieldPurposeGuess g = InferFieldPurpose(Input("text", "field_17", "Answer", "off"));
  EXPECT_EQ(g.purpose, FieldPurpose::kUnknown);
  EXPECT_EQ(g.source, PurposeSource::kNone);
  EXPECT_EQ(g.evidence, "");
  EXPECT_EQ(PurposeName(Input("text", "")), "unknown");
  EXPECT_EQ(PurposeName(Input("text", "hotel")), "unknown");  // whole words: not "tel"
  EXPECT_EQ(PurposeName(Input("text", "capacity")), "unknown");  // not "city"
}

// --- autocomplete grammar -------------------------------------------------------------------

TEST(FieldPurpose, AutocompleteReadsSectionAddressTypeFieldAndWebauthn) {
  const Autocomplete a = ParseAutocomplete("  Section-Blue\tSHIPPING  street-address ");
  EXPECT_TRUE(a.valid);
  EXPECT_EQ(a.section, "section-blue");
  EXPECT_EQ(a.address_type, "shipping");
  EXPECT_EQ(a.field_name, "street-address");
  EXPECT_TRUE(a.invalid_tokens.empty());

  const Autocomplete w = ParseAutocomplete("username webauthn");
  EXPECT_TRUE(w.valid);
  EXPECT_TRUE(w.webauthn);
  EXPECT_EQ(w.field_name, "username");

  const Autocomplete c = ParseAutocomplete("billing work email");
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.contact_type, "work");
  EXPECT_EQ(c.address_type, "billing");
  EXPECT_EQ(c.field_name, "email");
}

TEST(FieldPurpose, AutocompleteContactTypesOnlyPrecedeContactFields) {
  EXPECT_TRUE(ParseAutocomplete("mobile tel-national").valid);
  EXPECT_TRUE(ParseAutocomplete("fax tel").valid);
  const Autocomplete a = ParseAutocomplete("home postal-code");
  EXPECT_FALSE(a.valid);
  EXPECT_EQ(a.field_name, "");
  EXPECT_EQ(a.invalid_tokens, std::vector<std::string>{"home"});
  // The contact type comes after shipping/billing, not before.
  EXPECT_FALSE(ParseAutocomplete("home shipping tel").valid);
}

TEST(FieldPurpose, AutocompleteKeywordsAreValidOnlyAlone) {
  EXPECT_TRUE(ParseAutocomplete("off").valid);
  EXPECT_EQ(ParseAutocomplete("OFF").keyword, "off");
  EXPECT_EQ(ParseAutocomplete("on").field_name, "");
  const Autocomplete a = ParseAutocomplete("off given-name");
  EXPECT_FALSE(a.valid);
  EXPECT_EQ(a.invalid_tokens, std::vector<std::string>{"off"});
}

TEST(FieldPurpose, AutocompleteListsTheTokensItCannotPlace) {
  EXPECT_EQ(ParseAutocomplete("nope").invalid_tokens, std::vector<std::string>{"nope"});
  EXPECT_EQ(ParseAutocomplete("firstName-input").invalid_tokens, std::vector<std::string>{"firstname-input"});
  EXPECT_EQ(ParseAutocomplete("tel home").invalid_tokens, (std::vector<std::string>{"tel", "home"}));
  EXPECT_EQ(ParseAutocomplete("given-name family-name").invalid_tokens, std::vector<std::string>{"given-name"});
  EXPECT_EQ(ParseAutocomplete("shipping billing postal-code").invalid_tokens,
            std::vector<std::string>{"shipping"});
  EXPECT_EQ(ParseAutocomplete("webauthn").invalid_tokens, std::vector<std::string>{"webauthn"});
  EXPECT_EQ(ParseAutocomplete("section-a section-b name").invalid_tokens, std::vector<std::string>{"section-a"});
  EXPECT_FALSE(ParseAutocomplete("shipping").valid);
}

TEST(FieldPurpose, AutocompleteCapsAndCutsGarbage) {
  // Pages put script source in this attribute.
  std::string garbage = "function (ns){var storage=getEvents(this);if(!storage){return this;}";
  for (int i = 0; i < 20; ++i) garbage += " x" + std::to_string(i);
  garbage += " ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ";
  const Autocomplete a = ParseAutocomplete(garbage);
  EXPECT_FALSE(a.valid);
  ASSERT_EQ(a.invalid_tokens.size(), Autocomplete::kMaxInvalidTokens);
  EXPECT_EQ(a.invalid_tokens[0], "function");
  EXPECT_EQ(a.invalid_tokens[1], "(ns){var");
  const Autocomplete long_token = ParseAutocomplete(std::string(10, 'a') + std::string(60, '\xC3') + "xyz");
  ASSERT_EQ(long_token.invalid_tokens.size(), 1u);
  EXPECT_LE(long_token.invalid_tokens[0].size(), Autocomplete::kMaxTokenBytes);
  const Autocomplete utf8 = ParseAutocomplete(std::string(63, 'a') + "ÿ");  // 65 bytes
  ASSERT_EQ(utf8.invalid_tokens.size(), 1u);
  EXPECT_EQ(utf8.invalid_tokens[0], std::string(63, 'a'));  // not cut inside the "ÿ"
}

TEST(FieldPurpose, AutocompleteWithNoTokensIsNotValidAndListsNothing) {
  for (const char* value : {"", "   ", "\t\n"}) {
    const Autocomplete a = ParseAutocomplete(value);
    EXPECT_FALSE(a.valid) << "[" << value << "]";
    EXPECT_TRUE(a.invalid_tokens.empty());
  }
}

TEST(FieldPurpose, AutocompleteKnowsEveryWhatwgFieldName) {
  const char* kNames[] = {
      "name", "honorific-prefix", "given-name", "additional-name", "family-name", "honorific-suffix", "nickname",
      "username", "new-password", "current-password", "one-time-code", "organization-title", "organization",
      "street-address", "address-line1", "address-line2", "address-line3", "address-level4", "address-level3",
      "address-level2", "address-level1", "country", "country-name", "postal-code", "cc-name", "cc-given-name",
      "cc-additional-name", "cc-family-name", "cc-number", "cc-exp", "cc-exp-month", "cc-exp-year", "cc-csc",
      "cc-type", "transaction-currency", "transaction-amount", "language", "bday", "bday-day", "bday-month",
      "bday-year", "sex", "url", "photo", "tel", "tel-country-code", "tel-national", "tel-area-code", "tel-local",
      "tel-local-prefix", "tel-local-suffix", "tel-extension", "email", "impp"};
  std::size_t autofill = 0;
  for (FieldPurpose p : AllFieldPurposes()) autofill += IsAutofillFieldName(p) ? 1 : 0;
  EXPECT_EQ(autofill, std::size(kNames));
  for (const char* name : kNames) {
    EXPECT_TRUE(ParseAutocomplete(name).valid) << name;
    const auto p = PurposeOfAutofillFieldName(name);
    ASSERT_TRUE(p.has_value()) << name;
    EXPECT_EQ(FieldPurposeName(*p), name);
  }
  EXPECT_FALSE(PurposeOfAutofillFieldName("coupon").has_value());  // ours, not an autofill name
  EXPECT_FALSE(ParseAutocomplete("house-number").valid);
}

// --- names, words and data ------------------------------------------------------------------

TEST(FieldPurpose, PurposeNamesAreUniqueAndRoundTrip) {
  std::set<std::string_view> seen;
  for (FieldPurpose p : AllFieldPurposes()) {
    const std::string_view name = FieldPurposeName(p);
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(seen.insert(name).second) << name;
    EXPECT_EQ(FieldPurposeFromName(name), p) << name;
  }
  EXPECT_EQ(FieldPurposeName(FieldPurpose::kUnknown), "unknown");
  EXPECT_EQ(FieldPurposeName(FieldPurpose::kTaxId), "tax-id");
  EXPECT_FALSE(FieldPurposeFromName("Postal-Code").has_value());
  EXPECT_EQ(PurposeSourceName(PurposeSource::kNameOrId), "name-or-id");
}

TEST(FieldPurpose, IdentifierWordsSplitPunctuationCamelCaseDigitsAndIndexes) {
  EXPECT_EQ(IdentifierWords("billing_postcode"), "billing postcode");
  EXPECT_EQ(IdentifierWords("zipCode"), "zip code");
  EXPECT_EQ(IdentifierWords("ccNumber"), "cc number");
  EXPECT_EQ(IdentifierWords("CCNumber"), "cc number");
  EXPECT_EQ(IdentifierWords("USStates_Selected"), "us states selected");
  EXPECT_EQ(IdentifierWords("checkout[shipping_address][city]"), "checkout shipping address city");
  EXPECT_EQ(IdentifierWords("dwfrm_singleshipping_shippingAddress_addressFields_postal"),
            "dwfrm singleshipping shipping address address fields postal");
  EXPECT_EQ(IdentifierWords("address1"), "address 1");
  EXPECT_EQ(IdentifierWords("street[0]"), "street 1");
  EXPECT_EQ(IdentifierWords("street[1]"), "street 2");
  EXPECT_EQ(IdentifierWords("billing[street][]"), "billing street");
  EXPECT_EQ(IdentifierWords("First Name"), "first name");
  EXPECT_EQ(IdentifierWords("Улица-Дом"), "улица дом");
  EXPECT_EQ(IdentifierWords("e-mail"), "e mail");
  EXPECT_EQ(IdentifierWords("--__[]"), "");
}

TEST(FieldPurpose, LexiconConceptsAndTheCueTableMatch) {
  const Lexicon& lex = FieldLexicon();
  std::set<std::string> in_table;
  for (const PurposeCue& cue : PurposeCues()) {
    EXPECT_TRUE(in_table.insert(std::string(cue.concept_name)).second) << cue.concept_name << " listed twice";
    EXPECT_FALSE(lex.Languages(cue.concept_name).empty()) << cue.concept_name << " has no phrases";
  }
  for (const std::string& concept_name : lex.Concepts())
    EXPECT_TRUE(in_table.contains(concept_name)) << concept_name << " is in the lexicon but no purpose reads it";
}

TEST(FieldPurpose, EveryTextCueSpeaksTheNineLanguages) {
  const std::vector<std::string> nine = {"de", "en", "es", "fr", "it", "nl", "pl", "pt", "ru"};
  for (const PurposeCue& cue : PurposeCues()) {
    if (text::EndsWith(cue.concept_name, ":id")) continue;
    EXPECT_EQ(FieldLexicon().Languages(cue.concept_name), nine) << cue.concept_name;
  }
}

}  // namespace
}  // namespace mmaudit::facts
