#include "facts/checkout_controls.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/embedded.h"
#include "core/text.h"
#include "facts/charset.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using A = ControlAction;

constexpr char kDir[] = "fixtures/pages/checkout-controls/";

CheckoutPage ReadHtml(std::string html, const std::string& url = "https://shop.example/checkout") {
  const html::Document doc = html::Document::Parse(std::move(html));
  return ReadCheckoutPage(doc, Context{url, &Lexicon::Default()});
}

CheckoutPage ReadPage(const std::string& file, const std::string& url = "https://shop.example/checkout") {
  const html::Document doc = testing::ParseFixture(kDir + file);
  return ReadCheckoutPage(doc, Context{url, &Lexicon::Default()});
}

// The index of the first control whose text is `text` (and, when `form_id` is given, that belongs
// to the form with that id); fails the test and returns an index past the end when there is none.
std::size_t Find(const CheckoutPage& page, std::string_view text, std::string_view form_id = "") {
  for (std::size_t i = 0; i < page.controls.size(); ++i) {
    const PageControl& c = page.controls[i];
    if (c.text != text) continue;
    if (!form_id.empty() && (c.form < 0 || page.forms[static_cast<std::size_t>(c.form)].id != form_id)) continue;
    return i;
  }
  ADD_FAILURE() << "no control " << text << (form_id.empty() ? "" : " in form ") << form_id;
  return page.controls.size();
}

A ActionOf(const CheckoutPage& page, std::string_view text, std::string_view form_id = "") {
  const std::size_t i = Find(page, text, form_id);
  return i < page.controls.size() ? page.controls[i].action : A::kUnknown;
}

ActivationVerdict Judge(const CheckoutPage& page, std::string_view text, std::string_view form_id = "") {
  return JudgeActivation(page, Find(page, text, form_id));
}

std::vector<std::string> StepNames(const StepIndicator& s) {
  std::vector<std::string> names;
  for (const CheckoutStep& step : s.steps) names.push_back(step.name);
  return names;
}

// ---------------------------------------------------------------------------------------------
// The lexicon

constexpr const char* kLanguages[] = {"en", "ru", "pl", "de", "fr", "es", "it", "pt", "nl"};

// Concepts read in texts (as opposed to markup cues, which are written under "any").
std::vector<std::string> TextConcepts(const Lexicon& lex) {
  std::vector<std::string> out;
  for (const std::string& c : lex.Concepts()) {
    const std::vector<std::string> langs = lex.Languages(c);
    if (!(langs.size() == 1 && langs.front() == "any")) out.push_back(c);
  }
  return out;
}

TEST(CheckoutControls, EmbeddedCheckoutLexiconCoversEveryTextConceptInNineLanguages) {
  const Lexicon& lex = CheckoutLexicon();
  const std::vector<std::string> concepts = TextConcepts(lex);
  ASSERT_GE(concepts.size(), 20u);
  for (const std::string& c : concepts) {
    std::set<std::string> langs;
    for (const auto& l : lex.Languages(c)) langs.insert(l);
    for (const char* l : kLanguages) EXPECT_TRUE(langs.count(l)) << "concept " << c << " has no phrase in " << l;
  }
  // Checkout concepts stay out of the page-wide lexicon, which is scanned over every page.
  for (const char* c : {"place_order", "ambiguous_order", "continue_step", "attr_place_order"})
    EXPECT_THAT(Lexicon::Default().Languages(c), IsEmpty()) << c;
}

// Every phrase of a control concept must win for its own concept when it is a button's whole
// label, or the precedence of classes makes it dead (or worse, reads it as something else).
TEST(CheckoutControls, EveryControlPhraseReadsAsItsOwnConceptOnAButton) {
  const auto data = embedded::Find("rules/checkout-lexicon.json");
  ASSERT_TRUE(data.has_value());
  rapidjson::Document d;
  d.Parse(data->data(), data->size());
  ASSERT_FALSE(d.HasParseError());
  const std::set<std::string> control_concepts = {
      "express_payment", "place_order", "quick_order", "subscribe", "guest_checkout", "add_to_cart",
      "ambiguous_order", "to_payment", "proceed_to_checkout", "register", "login", "apply_coupon", "update_cart",
      "remove", "back", "continue_step"};
  std::size_t checked = 0;
  for (const auto& concept_entry : d["concepts"].GetObject()) {
    const std::string name = concept_entry.name.GetString();
    if (!control_concepts.count(name)) continue;
    for (const auto& lang : concept_entry.value.GetObject())
      for (const auto& phrase : lang.value.GetArray()) {
        const TextCue cue = ReadControlText(phrase.GetString());
        EXPECT_EQ(cue.concept_name, name) << lang.name.GetString() << " phrase \"" << phrase.GetString()
                                          << "\" reads as " << cue.concept_name << " (\"" << cue.phrase << "\")";
        ++checked;
      }
  }
  EXPECT_GT(checked, 400u);
}

TEST(CheckoutControls, ControlTextsMatchWholeWordsAndIgnoreLongTexts) {
  EXPECT_EQ(ReadControlText("  Place   ORDER ").concept_name, "place_order");
  EXPECT_EQ(ReadControlText("Pay €49.90").concept_name, "place_order");
  EXPECT_EQ(ReadControlText("PayPal").concept_name, "express_payment");      // a wallet, not "pay"
  EXPECT_EQ(ReadControlText("Payment options").concept_name, "");             // "pay" is not in "payment"
  EXPECT_EQ(ReadControlText("Weiterlesen").concept_name, "");                 // "weiter" is not in "weiterlesen"
  EXPECT_EQ(ReadControlText("Kontynuuj zakupy").concept_name, "back");        // back beats continue
  EXPECT_EQ(ReadControlText("Kup bez rejestracji").concept_name, "guest_checkout");  // guest beats "kup"
  EXPECT_EQ(ReadControlText(std::string(70, 'x') + " place order").concept_name, "");  // not a label
}

TEST(CheckoutControls, MarkupCuesMatchWholeTokensOfAttributeStrings) {
  const Lexicon& lex = CheckoutLexicon();
  EXPECT_TRUE(lex.Matches("attr_place_order", " id=place_order name=woocommerce_checkout_place_order "));
  EXPECT_TRUE(lex.Matches("attr_place_order", " data-bind=click: placeorder, attr: {title: $t('place order')} "));
  EXPECT_FALSE(lex.Matches("attr_place_order", " id=replace_orders "));
  EXPECT_TRUE(lex.Matches("attr_proceed_to_checkout", " name=checkout type=submit "));
  EXPECT_FALSE(lex.Matches("attr_proceed_to_checkout", " name=checkout_note "));
  EXPECT_TRUE(lex.Matches("url_place_order", "/?wc-ajax=checkout"));
  EXPECT_FALSE(lex.Matches("url_place_order", "/checkout/shipping"));
  EXPECT_FALSE(lex.Matches("attr_back", " class=background-dark "));
}

// ---------------------------------------------------------------------------------------------
// Phrases in nine languages, as a bare submit of a step form (a text field, POST, same host), and
// the ambiguous ones in a final form and in an add-to-cart form.

std::string StepForm(std::string_view label, std::string_view extra = "", std::string_view action = "/checkout/step") {
  return "<!doctype html><html><body><form method=post action=\"" + std::string(action) +
         "\"><label for=a>Street</label><input id=a name=street>" + std::string(extra) + "<button type=submit>" +
         std::string(label) + "</button></form></body></html>";
}

struct PhraseCase {
  const char* lang;
  const char* label;
  A expected;
};

Safety ExpectedSafety(A a) {
  switch (a) {
    case A::kPlaceOrder: case A::kSubscribe: case A::kExpressPayment: return Safety::kForbidden;
    case A::kAmbiguousOrder: case A::kUnknown: return Safety::kUnsure;
    default: return Safety::kSafe;
  }
}

TEST(CheckoutControls, PhrasesInNineLanguagesGetTheirClassAndVerdictInAStepForm) {
  const PhraseCase cases[] = {
      {"en", "Place order", A::kPlaceOrder}, {"en", "Pay now", A::kPlaceOrder},
      {"en", "Complete order", A::kPlaceOrder}, {"en", "Confirm and pay", A::kPlaceOrder},
      {"en", "Subscribe", A::kSubscribe}, {"en", "Buy with Apple Pay", A::kExpressPayment},
      {"en", "Add to cart", A::kAddToCart}, {"en", "Proceed to checkout", A::kProceedToCheckout},
      {"en", "Continue to shipping", A::kContinueStep}, {"en", "Next", A::kContinueStep},
      {"en", "Continue as guest", A::kGuestCheckout}, {"en", "Log in", A::kLogin},
      {"en", "Create an account", A::kRegister}, {"en", "Apply coupon", A::kApplyCoupon},
      {"en", "Update cart", A::kUpdateCart}, {"en", "Remove", A::kRemove}, {"en", "Continue shopping", A::kBack},
      {"en", "Buy now", A::kAmbiguousOrder}, {"en", "Continue to payment", A::kContinueStep},
      {"en", "Learn more", A::kUnknown},
      {"ru", "Подтвердить заказ", A::kPlaceOrder}, {"ru", "Оплатить", A::kPlaceOrder},
      {"ru", "Купить в 1 клик", A::kPlaceOrder}, {"ru", "Оформить заказ", A::kAmbiguousOrder},
      {"ru", "Далее", A::kContinueStep}, {"ru", "Без регистрации", A::kGuestCheckout},
      {"ru", "В корзину", A::kAddToCart}, {"ru", "Перейти к оформлению", A::kProceedToCheckout},
      {"ru", "Войти", A::kLogin}, {"ru", "Применить", A::kApplyCoupon}, {"ru", "Удалить", A::kRemove},
      {"ru", "Продолжить покупки", A::kBack},
      {"pl", "Złóż zamówienie", A::kPlaceOrder}, {"pl", "Zamawiam i płacę", A::kPlaceOrder},
      {"pl", "Kupuję i płacę", A::kPlaceOrder}, {"pl", "Kup teraz", A::kAmbiguousOrder},
      {"pl", "Dalej", A::kContinueStep}, {"pl", "Kup bez rejestracji", A::kGuestCheckout},
      {"pl", "Dodaj do koszyka", A::kAddToCart}, {"pl", "Przejdź do kasy", A::kProceedToCheckout},
      {"pl", "Zaloguj się", A::kLogin}, {"pl", "Załóż konto", A::kRegister}, {"pl", "Usuń", A::kRemove},
      {"de", "Zahlungspflichtig bestellen", A::kPlaceOrder}, {"de", "Jetzt kaufen", A::kAmbiguousOrder},
      {"de", "Weiter", A::kContinueStep}, {"de", "Als Gast bestellen", A::kGuestCheckout},
      {"de", "In den Warenkorb", A::kAddToCart}, {"de", "Zur Kasse", A::kProceedToCheckout},
      {"de", "Anmelden", A::kLogin}, {"de", "Gutschein einlösen", A::kApplyCoupon}, {"de", "Zurück", A::kBack},
      {"fr", "Payer", A::kPlaceOrder}, {"fr", "Commander", A::kAmbiguousOrder},
      {"fr", "Continuer", A::kContinueStep}, {"fr", "Suivant", A::kContinueStep},
      {"fr", "Ajouter au panier", A::kAddToCart}, {"fr", "Commander en tant qu'invité", A::kGuestCheckout},
      {"fr", "Valider mon panier", A::kProceedToCheckout}, {"fr", "Se connecter", A::kLogin},
      {"fr", "Appliquer", A::kApplyCoupon},
      {"es", "Realizar pedido", A::kPlaceOrder}, {"es", "Pagar", A::kPlaceOrder},
      {"es", "Finalizar compra", A::kAmbiguousOrder}, {"es", "Siguiente", A::kContinueStep},
      {"es", "Añadir al carrito", A::kAddToCart}, {"es", "Tramitar pedido", A::kProceedToCheckout},
      {"es", "Iniciar sesión", A::kLogin}, {"es", "Seguir comprando", A::kBack},
      {"it", "Effettua ordine", A::kPlaceOrder}, {"it", "Avanti", A::kContinueStep},
      {"it", "Aggiungi al carrello", A::kAddToCart}, {"it", "Procedi come ospite", A::kGuestCheckout},
      {"it", "Vai alla cassa", A::kProceedToCheckout}, {"it", "Accedi", A::kLogin}, {"it", "Rimuovi", A::kRemove},
      {"it", "Acquista ora", A::kAmbiguousOrder},
      {"pt", "Fazer pedido", A::kPlaceOrder}, {"pt", "Pagar agora", A::kPlaceOrder},
      {"pt", "Finalizar compra", A::kAmbiguousOrder}, {"pt", "Próximo", A::kContinueStep},
      {"pt", "Adicionar ao carrinho", A::kAddToCart}, {"pt", "Continuar como convidado", A::kGuestCheckout},
      {"pt", "Entrar", A::kLogin}, {"pt", "Aplicar cupom", A::kApplyCoupon},
      {"nl", "Bestelling plaatsen", A::kPlaceOrder}, {"nl", "Betalen", A::kPlaceOrder},
      {"nl", "Nu kopen", A::kAmbiguousOrder}, {"nl", "Volgende", A::kContinueStep},
      {"nl", "In winkelwagen", A::kAddToCart}, {"nl", "Afrekenen", A::kProceedToCheckout},
      {"nl", "Doorgaan als gast", A::kGuestCheckout}, {"nl", "Inloggen", A::kLogin},
      {"nl", "Verwijderen", A::kRemove},
  };
  std::set<std::string> langs;
  for (const PhraseCase& c : cases) {
    langs.insert(c.lang);
    const CheckoutPage page = ReadHtml(StepForm(c.label));
    ASSERT_EQ(page.controls.size(), 1u) << c.label;
    EXPECT_EQ(ControlActionName(page.controls[0].action), std::string(ControlActionName(c.expected)))
        << c.lang << " \"" << c.label << "\": " << ::testing::PrintToString(page.controls[0].evidence);
    EXPECT_EQ(SafetyName(JudgeActivation(page, 0).safety), std::string(SafetyName(ExpectedSafety(c.expected))))
        << c.lang << " \"" << c.label << "\": " << JudgeActivation(page, 0).reason;
  }
  EXPECT_EQ(langs.size(), 9u);
}

TEST(CheckoutControls, AmbiguousPhrasesPlaceTheOrderInAFormWithPaymentChoiceAndTerms) {
  const std::string final_fields =
      "<label><input type=radio name=payment_method value=cod> Cash on delivery</label>"
      "<label><input type=checkbox name=accept> I accept the terms and conditions</label>";
  for (const char* label : {"Buy now", "Оформить заказ", "Kup teraz", "Jetzt kaufen", "Commander",
                            "Finalizar compra", "Acquista ora", "Nu kopen", "Continue to payment",
                            "Przejdź do płatności", "Перейти к оплате"}) {
    const CheckoutPage page = ReadHtml(StepForm(label, final_fields));
    ASSERT_EQ(page.controls.size(), 1u) << label;
    EXPECT_EQ(page.controls[0].action, A::kPlaceOrder) << label;
    EXPECT_EQ(JudgeActivation(page, 0).safety, Safety::kForbidden) << label;
    EXPECT_TRUE(page.final_step) << label;
  }
}

TEST(CheckoutControls, AmbiguousPhrasesOnlyAddToCartInAnAddToCartForm) {
  for (const char* label : {"Buy now", "Купить", "Kup teraz", "Jetzt kaufen", "Acheter", "Comprar", "Acquista ora",
                            "Nu kopen"}) {
    const CheckoutPage page = ReadHtml(StepForm(label, "", "/cart/add"));
    ASSERT_EQ(page.controls.size(), 1u) << label;
    EXPECT_EQ(page.controls[0].action, A::kAddToCart) << label;
    EXPECT_EQ(JudgeActivation(page, 0).safety, Safety::kSafe) << label << ": " << JudgeActivation(page, 0).reason;
  }
}

TEST(CheckoutControls, AContinueBesidePaymentChoicesOrTermsIsUnsureButRegistrationWithTermsIsSafe) {
  const std::string payment = "<label><input type=radio name=payment value=card> Card</label>";
  const std::string terms = "<label><input type=checkbox name=agb> Ich akzeptiere die AGB</label>";
  const CheckoutPage pays = ReadHtml(StepForm("Continue", payment));
  EXPECT_EQ(JudgeActivation(pays, 0).rule, "payment-choice");
  EXPECT_EQ(JudgeActivation(pays, 0).safety, Safety::kUnsure);
  EXPECT_FALSE(pays.final_step);  // a payment choice alone, without terms or a total
  const CheckoutPage accepts = ReadHtml(StepForm("Weiter", terms));
  EXPECT_EQ(JudgeActivation(accepts, 0).rule, "terms-form");
  const CheckoutPage registers = ReadHtml(StepForm("Konto erstellen", terms));
  EXPECT_EQ(registers.controls[0].action, A::kRegister);
  EXPECT_EQ(JudgeActivation(registers, 0).safety, Safety::kSafe);
  const CheckoutPage final_page = ReadHtml(StepForm("Weiter", payment + terms));
  EXPECT_TRUE(final_page.final_step);
  EXPECT_THAT(final_page.final_step_evidence.front(), HasSubstr("terms checkbox"));
}

TEST(CheckoutControls, AContinueThatPostsNothingBesideTheOrderTotalIsUnsure) {
  const std::string review =
      "<!doctype html><html><body><table><tr><th>Total</th><td>€49.00</td></tr></table>"
      "<form method=post action=/checkout/review><input type=hidden name=step value=review>"
      "<button type=submit>Continue</button></form></body></html>";
  const CheckoutPage page = ReadHtml(review);
  ASSERT_TRUE(page.order_total);
  EXPECT_FALSE(page.final_step);
  EXPECT_EQ(page.controls[0].action, A::kContinueStep);
  EXPECT_EQ(JudgeActivation(page, 0).rule, "bare-confirm");
  EXPECT_EQ(JudgeActivation(page, 0).safety, Safety::kUnsure);
  // Without the total it is an ordinary step.
  std::string no_total = review;
  no_total.replace(no_total.find("<table>"), no_total.find("</table>") + 8 - no_total.find("<table>"), "");
  EXPECT_EQ(JudgeActivation(ReadHtml(no_total), 0).safety, Safety::kSafe);
}

// ---------------------------------------------------------------------------------------------
// Platforms

TEST(CheckoutControls, WooCommercePlaceOrderButtonIsForbidden) {
  const CheckoutPage page = ReadPage("woocommerce-checkout.html");
  const std::size_t i = Find(page, "Place order");
  ASSERT_LT(i, page.controls.size());
  EXPECT_EQ(page.controls[i].action, A::kPlaceOrder);
  EXPECT_THAT(page.controls[i].evidence.front(), HasSubstr("place_order"));
  const ActivationVerdict v = JudgeActivation(page, i);
  EXPECT_EQ(v.safety, Safety::kForbidden);
  EXPECT_EQ(v.rule, "place-order");
  // The form it submits places the order by its markup alone (class woocommerce-checkout, nonce).
  const PageForm& form = page.forms[static_cast<std::size_t>(page.controls[i].form)];
  EXPECT_TRUE(form.places_order);
  EXPECT_TRUE(form.payment_choice);
  EXPECT_TRUE(form.shipping_choice);
  EXPECT_TRUE(form.terms_checkbox);
  // So is every other button of that form, even the noscript "Update totals".
  EXPECT_EQ(Judge(page, "Update totals").rule, "order-form");
  EXPECT_EQ(Judge(page, "Update totals").safety, Safety::kForbidden);
}

TEST(CheckoutControls, WooCommerceCheckoutIsTheFinalStepWithTotalTermsCouponAndRecaptcha) {
  const CheckoutPage page = ReadPage("woocommerce-checkout.html");
  EXPECT_TRUE(page.final_step);
  EXPECT_THAT(page.final_step_evidence.front(), HasSubstr("Place order"));
  EXPECT_TRUE(page.order_total);
  EXPECT_THAT(page.order_total_evidence, HasSubstr("134.90"));  // the Total row, not the Subtotal
  EXPECT_TRUE(page.terms_checkbox);
  EXPECT_TRUE(page.coupon_field);
  EXPECT_FALSE(page.coupon_field_visible);  // behind "Have a coupon? Click here"
  EXPECT_FALSE(page.card_entry);
  EXPECT_THAT(page.captchas, ElementsAre("recaptcha"));
  EXPECT_FALSE(page.steps.found());
}

TEST(CheckoutControls, WooCommerceLoginCouponAndBackLinksAreNotOrders) {
  const CheckoutPage page = ReadPage("woocommerce-checkout.html");
  EXPECT_EQ(ActionOf(page, "Login"), A::kLogin);
  EXPECT_EQ(ActionOf(page, "Apply coupon"), A::kApplyCoupon);
  EXPECT_EQ(ActionOf(page, "Return to cart"), A::kBack);
  // Their forms are hidden until a toggle opens them, so the walker is told to stay away for now.
  EXPECT_EQ(Judge(page, "Login").rule, "inactive");
  EXPECT_EQ(Judge(page, "Return to cart").safety, Safety::kSafe);
  // Footer links: "Ways to pay" reads as paying (never follow it), but it is no final control.
  EXPECT_EQ(Judge(page, "Ways to pay").safety, Safety::kForbidden);
  EXPECT_EQ(page.final_step_evidence.size(), 2u);  // the button and its form, not the footer link
  // A link to a payment provider's site is forbidden by its target, whatever it is called.
  EXPECT_EQ(Judge(page, "Klarna").safety, Safety::kForbidden);
}

TEST(CheckoutControls, ProductPageBuyNowInsideTheAddToCartFormOnlyAddsToCart) {
  const CheckoutPage page = ReadPage("woocommerce-product.html", "https://shop.example/product/trail-runner-x/");
  const std::size_t buy = Find(page, "Buy now");
  ASSERT_LT(buy, page.controls.size());
  EXPECT_EQ(page.controls[buy].action, A::kAddToCart);
  EXPECT_THAT(page.controls[buy].evidence.back(), HasSubstr("add-to-cart form"));
  EXPECT_EQ(JudgeActivation(page, buy).safety, Safety::kSafe);
  EXPECT_EQ(ActionOf(page, "Add to cart"), A::kAddToCart);
  EXPECT_FALSE(page.final_step);
  EXPECT_TRUE(page.forms[0].add_to_cart);
  EXPECT_FALSE(page.forms[0].cart);  // a quantity field alone does not make a product form a cart
  // The related product's "Buy now" is a plain link to another product: nothing settles it.
  std::size_t related = page.controls.size();
  for (std::size_t i = buy + 1; i < page.controls.size(); ++i)
    if (page.controls[i].text == "Buy now") related = i;
  ASSERT_LT(related, page.controls.size());
  EXPECT_EQ(page.controls[related].action, A::kAmbiguousOrder);
  EXPECT_EQ(JudgeActivation(page, related).safety, Safety::kUnsure);
}

TEST(CheckoutControls, AddToCartLinkLabelledOnlyByAriaLabelIsSafe) {
  const CheckoutPage page = ReadPage("woocommerce-product.html", "https://shop.example/product/trail-runner-x/");
  const std::size_t i = Find(page, "Add “Trail Socks” to your cart");
  ASSERT_LT(i, page.controls.size());
  EXPECT_EQ(page.controls[i].action, A::kAddToCart);
  EXPECT_EQ(page.controls[i].target, "https://shop.example/product/trail-runner-x/?add-to-cart=77");
  EXPECT_EQ(JudgeActivation(page, i).safety, Safety::kSafe);
  EXPECT_THAT(SafeControls(page, A::kAddToCart), ElementsAre(Find(page, "Add to cart"), Find(page, "Buy now"), i));
}

TEST(CheckoutControls, MagentoShippingStepNextIsSafeAndTheProgressBarNamesTheCurrentStep) {
  const CheckoutPage page = ReadPage("magento-shipping.html");
  EXPECT_EQ(ActionOf(page, "Next"), A::kContinueStep);
  EXPECT_EQ(Judge(page, "Next").safety, Safety::kSafe) << Judge(page, "Next").reason;
  EXPECT_FALSE(page.final_step);
  EXPECT_TRUE(page.forms[2].shipping_choice);  // Magento's s_method_* radios
  EXPECT_THAT(StepNames(page.steps), ElementsAre("Shipping", "Review & Payments"));
  EXPECT_EQ(page.steps.current, 0);
  EXPECT_THAT(page.steps.source, HasSubstr("opc-progress-bar"));
  EXPECT_TRUE(page.order_total);
}

TEST(CheckoutControls, MagentoPlaceOrderIsForbiddenAndReviewAndPaymentsIsCurrent) {
  const CheckoutPage page = ReadPage("magento-payment.html");
  EXPECT_EQ(ActionOf(page, "Place Order"), A::kPlaceOrder);
  EXPECT_EQ(Judge(page, "Place Order").safety, Safety::kForbidden);
  EXPECT_EQ(ActionOf(page, "Apply Discount"), A::kApplyCoupon);
  EXPECT_EQ(Judge(page, "Apply Discount").safety, Safety::kSafe) << Judge(page, "Apply Discount").reason;
  EXPECT_TRUE(page.final_step);
  ASSERT_EQ(page.steps.steps.size(), 2u);
  EXPECT_EQ(page.steps.current, 1);
  EXPECT_EQ(page.steps.steps[0].state, "done");
  EXPECT_TRUE(page.coupon_field_visible);
}

TEST(CheckoutControls, ShopifyInformationStepContinuesAndItsExpressButtonsAreForbidden) {
  const CheckoutPage page = ReadPage("shopify-information.html", "https://shop.example/6451238/checkouts/c1a7e2f0b9");
  EXPECT_EQ(ActionOf(page, "Continue to shipping"), A::kContinueStep);
  EXPECT_EQ(Judge(page, "Continue to shipping").safety, Safety::kSafe);
  EXPECT_THAT(SafeControls(page, A::kContinueStep), ElementsAre(Find(page, "Continue to shipping")));
  for (const char* wallet : {"Shop Pay", "Buy with Apple Pay", "PayPal"}) {
    EXPECT_EQ(ActionOf(page, wallet), A::kExpressPayment) << wallet;
    EXPECT_EQ(Judge(page, wallet).rule, "express-payment") << wallet;
  }
  EXPECT_EQ(ActionOf(page, "Return to cart"), A::kBack);
  EXPECT_EQ(ActionOf(page, "Apply Discount Code"), A::kApplyCoupon);  // the aria-hidden "Apply" is not read
  EXPECT_FALSE(page.final_step);  // express buttons are not the order's final control
  EXPECT_TRUE(page.coupon_field_visible);
  EXPECT_TRUE(page.order_total);
}

TEST(CheckoutControls, ShopifyBreadcrumbGivesFourStepsWithInformationCurrent) {
  const CheckoutPage page = ReadPage("shopify-information.html", "https://shop.example/6451238/checkouts/c1a7e2f0b9");
  EXPECT_THAT(StepNames(page.steps), ElementsAre("Cart", "Information", "Shipping", "Payment"));
  EXPECT_EQ(page.steps.current, 1);
  EXPECT_EQ(page.steps.steps[0].state, "done");
  EXPECT_EQ(page.steps.steps[2].state, "");
}

TEST(CheckoutControls, ShopifyPayNowInAFormWithCardFramesIsForbidden) {
  const CheckoutPage page = ReadPage("shopify-payment.html", "https://shop.example/6451238/checkouts/c1a7e2f0b9");
  EXPECT_EQ(ActionOf(page, "Pay now"), A::kPlaceOrder);
  EXPECT_EQ(Judge(page, "Pay now").safety, Safety::kForbidden);
  const PageForm& form = page.forms[0];
  EXPECT_TRUE(form.card_fields);
  EXPECT_TRUE(form.payment_choice);
  EXPECT_TRUE(page.card_entry);
  EXPECT_TRUE(page.final_step);
  EXPECT_EQ(page.steps.current, 3);
  EXPECT_EQ(ActionOf(page, "Return to shipping"), A::kBack);
  EXPECT_EQ(Judge(page, "Return to shipping").safety, Safety::kSafe);
}

TEST(CheckoutControls, PrestaShopOrderWithObligationToPayIsForbiddenOutsideAnyForm) {
  const CheckoutPage page = ReadPage("prestashop-payment-fr.html", "https://shop.example/commande");
  const std::size_t i = Find(page, "Commander avec obligation de paiement");
  ASSERT_LT(i, page.controls.size());
  EXPECT_EQ(page.controls[i].action, A::kPlaceOrder);
  EXPECT_EQ(page.controls[i].form, -1);
  EXPECT_EQ(JudgeActivation(page, i).safety, Safety::kForbidden);
  EXPECT_TRUE(page.final_step);
  EXPECT_TRUE(page.terms_checkbox);
  EXPECT_TRUE(page.forms[1].places_order);  // the payment module's /validation form
  EXPECT_THAT(page.order_total_evidence, HasSubstr("Total TTC"));
}

TEST(CheckoutControls, PrestaShopStepSectionsGiveNamesWithoutNumbersAndIcons) {
  const CheckoutPage page = ReadPage("prestashop-payment-fr.html", "https://shop.example/commande");
  EXPECT_THAT(StepNames(page.steps), ElementsAre("Informations personnelles", "Adresses", "Livraison", "Paiement"));
  EXPECT_EQ(page.steps.current, 3);
  EXPECT_EQ(page.steps.steps[1].state, "done");
}

TEST(CheckoutControls, ContinueOnAPageThatHoldsTheFinalControlIsUnsure) {
  const CheckoutPage page = ReadPage("prestashop-payment-fr.html", "https://shop.example/commande");
  EXPECT_EQ(ActionOf(page, "Continuer"), A::kContinueStep);
  EXPECT_EQ(Judge(page, "Continuer").rule, "final-step");
  EXPECT_EQ(Judge(page, "Continuer").safety, Safety::kUnsure);
}

TEST(CheckoutControls, PolishPlaceOrderButtonIsForbiddenOnAnIso88592Page) {
  const std::string bytes = testing::ReadFixture(std::string(kDir) + "pl-payment-iso-8859-2.html");
  const Decoded decoded = DecodeToUtf8(bytes, "text/html");
  ASSERT_EQ(decoded.charset, "iso-8859-2");
  const html::Document doc = html::Document::Parse(decoded.utf8);
  const CheckoutPage page =
      ReadCheckoutPage(doc, Context{"https://sklep.example/zamowienie/platnosc", &Lexicon::Default()});
  EXPECT_EQ(ActionOf(page, "Zamawiam i płacę"), A::kPlaceOrder);
  EXPECT_EQ(Judge(page, "Zamawiam i płacę").safety, Safety::kForbidden);
  EXPECT_EQ(ActionOf(page, "Zastosuj"), A::kApplyCoupon);
  EXPECT_EQ(Judge(page, "Zastosuj").safety, Safety::kSafe);
  EXPECT_EQ(ActionOf(page, "Wróć do koszyka"), A::kBack);
  const PageForm& order = page.forms[1];
  EXPECT_TRUE(order.payment_choice);
  EXPECT_TRUE(order.terms_checkbox);  // "Akceptuję regulamin", not the newsletter checkbox
  EXPECT_THAT(page.order_total_evidence, HasSubstr("263,99 zł"));
  EXPECT_THAT(StepNames(page.steps), ElementsAre("Koszyk", "Logowanie", "Adres", "Dostawa", "Płatność"));
  EXPECT_EQ(page.steps.current, 4);
}

TEST(CheckoutControls, PolishAccountWallAllowsLoginAndRegistrationButNeverTheNewsletter) {
  const CheckoutPage page = ReadPage("pl-account-wall.html", "https://sklep.example/zamowienie/logowanie");
  EXPECT_EQ(ActionOf(page, "Zaloguj się"), A::kLogin);
  EXPECT_EQ(Judge(page, "Zaloguj się").safety, Safety::kSafe);
  EXPECT_EQ(ActionOf(page, "Załóż konto"), A::kRegister);
  EXPECT_EQ(Judge(page, "Załóż konto").safety, Safety::kSafe) << Judge(page, "Załóż konto").reason;
  EXPECT_EQ(Judge(page, "Zapisz się").rule, "subscribe-form");
  EXPECT_THAT(SafeControls(page, A::kGuestCheckout), IsEmpty());  // a forced account wall
  EXPECT_FALSE(page.final_step);
  EXPECT_EQ(page.steps.current, 1);
}

TEST(CheckoutControls, RussianOrderButtonOnTheCartGoesToCheckout) {
  const CheckoutPage page = ReadPage("ru-cart.html", "https://shop.example/basket/");
  EXPECT_EQ(ActionOf(page, "Оформить заказ"), A::kProceedToCheckout);
  EXPECT_EQ(Judge(page, "Оформить заказ").safety, Safety::kSafe) << Judge(page, "Оформить заказ").reason;
  EXPECT_EQ(ActionOf(page, "Оформить без регистрации"), A::kGuestCheckout);
  EXPECT_EQ(ActionOf(page, "Пересчитать"), A::kUpdateCart);
  EXPECT_EQ(ActionOf(page, "Удалить"), A::kRemove);  // an empty link with only a title
  EXPECT_EQ(ActionOf(page, "Войти"), A::kLogin);
  EXPECT_TRUE(page.forms[0].cart);
  EXPECT_THAT(page.captchas, ElementsAre("hcaptcha"));
  EXPECT_THAT(page.order_total_evidence, HasSubstr("1 299 ₽"));
}

TEST(CheckoutControls, RussianOneClickBuyIsForbiddenButDoesNotMakeTheCartAFinalStep) {
  const CheckoutPage page = ReadPage("ru-cart.html", "https://shop.example/basket/");
  EXPECT_EQ(ActionOf(page, "Купить в 1 клик"), A::kPlaceOrder);
  EXPECT_EQ(Judge(page, "Купить в 1 клик").safety, Safety::kForbidden);
  EXPECT_FALSE(page.final_step) << ::testing::PrintToString(page.final_step_evidence);
}

TEST(CheckoutControls, RussianOrderButtonInTheFinalFormIsForbidden) {
  const CheckoutPage page = ReadPage("ru-checkout.html", "https://shop.example/personal/order/make/");
  const std::size_t button = Find(page, "Оформить заказ", "bx-soa-order-form");
  ASSERT_LT(button, page.controls.size());
  EXPECT_EQ(page.controls[button].action, A::kPlaceOrder);
  EXPECT_EQ(JudgeActivation(page, button).safety, Safety::kForbidden);
  const PageForm& form = page.forms[0];
  EXPECT_TRUE(form.places_order);  // Bitrix's hidden confirmorder=Y
  EXPECT_TRUE(form.payment_choice);
  EXPECT_TRUE(form.shipping_choice);
  EXPECT_TRUE(form.terms_checkbox);  // "условиями публичной оферты"
  // The same words on a script link stay ambiguous, and a script link does nothing for the walker.
  const std::size_t link = Find(page, "Оформить заказ");
  EXPECT_EQ(page.controls[link].type, "link");
  EXPECT_EQ(page.controls[link].action, A::kAmbiguousOrder);
  EXPECT_EQ(JudgeActivation(page, link).safety, Safety::kUnsure);
  EXPECT_EQ(Judge(page, "Вернуться в корзину").safety, Safety::kSafe);
}

TEST(CheckoutControls, GermanButtonLoesungOutsideItsFormIsForbidden) {
  const CheckoutPage page = ReadPage("shopware-confirm-de.html", "https://shop.example/checkout/confirm");
  const std::size_t i = Find(page, "Zahlungspflichtig bestellen");
  ASSERT_LT(i, page.controls.size());
  EXPECT_EQ(page.controls[i].action, A::kPlaceOrder);
  ASSERT_GE(page.controls[i].form, 0);  // form="confirmOrderForm"
  EXPECT_EQ(page.forms[static_cast<std::size_t>(page.controls[i].form)].id, "confirmOrderForm");
  EXPECT_EQ(page.controls[i].target, "https://shop.example/checkout/order");
  EXPECT_EQ(JudgeActivation(page, i).safety, Safety::kForbidden);
  EXPECT_EQ(Judge(page, "Zahlungsart ändern").safety, Safety::kUnsure);
  EXPECT_EQ(ActionOf(page, "Einlösen"), A::kApplyCoupon);
  EXPECT_EQ(Judge(page, "Einlösen").safety, Safety::kSafe);
  EXPECT_EQ(ActionOf(page, "Zurück zum Warenkorb"), A::kBack);
  EXPECT_THAT(page.captchas, ElementsAre("turnstile"));
  EXPECT_THAT(StepNames(page.steps), ElementsAre("Warenkorb", "Ihre Daten", "Prüfen und Bestellen"));
  EXPECT_EQ(page.steps.current, 2);
  EXPECT_THAT(page.order_total_evidence, HasSubstr("1.249,00 €"));
}

TEST(CheckoutControls, GermanJetztKaufenInAnAddToCartFormOnlyAddsToCart) {
  const CheckoutPage page = ReadPage("shopware-product-de.html", "https://shop.example/trekkingrad-enzian");
  const std::size_t buy = Find(page, "Jetzt kaufen");
  EXPECT_EQ(page.controls[buy].action, A::kAddToCart);
  EXPECT_EQ(JudgeActivation(page, buy).safety, Safety::kSafe);
  EXPECT_EQ(ActionOf(page, "In den Warenkorb"), A::kAddToCart);
  EXPECT_EQ(page.controls.back().text, "Jetzt kaufen");  // the cross-selling link
  EXPECT_EQ(page.controls.back().action, A::kAmbiguousOrder);
  EXPECT_FALSE(page.final_step);
}

TEST(CheckoutControls, SpanishPlaceOrderInputIsForbiddenAndTheHeaderCheckoutLinkWaits) {
  const CheckoutPage page = ReadPage("es-checkout.html", "https://shop.example/finalizar-compra/");
  EXPECT_EQ(ActionOf(page, "Realizar el pedido"), A::kPlaceOrder);
  EXPECT_EQ(Judge(page, "Realizar el pedido").safety, Safety::kForbidden);
  EXPECT_EQ(ActionOf(page, "Finalizar compra"), A::kProceedToCheckout);  // a link to the checkout page
  EXPECT_EQ(Judge(page, "Finalizar compra").rule, "final-step");
  EXPECT_EQ(Judge(page, "Aplicar cupón").safety, Safety::kSafe);
  EXPECT_EQ(ActionOf(page, "Volver al carrito"), A::kBack);
}

TEST(CheckoutControls, ItalianCardLabelsMakeTheFormForbidden) {
  const CheckoutPage page = ReadPage("it-checkout.html", "https://shop.example/checkout/pagamento");
  EXPECT_TRUE(page.forms[0].card_fields);
  EXPECT_EQ(Judge(page, "Effettua ordine").safety, Safety::kForbidden);
  EXPECT_EQ(ActionOf(page, "Indietro"), A::kBack);
  EXPECT_THAT(StepNames(page.steps), ElementsAre("Carrello", "Spedizione", "Pagamento"));
  EXPECT_EQ(page.steps.current, 2);
  EXPECT_EQ(page.steps.steps[0].state, "done");
}

TEST(CheckoutControls, PortugueseFinalizarCompraWithAPaymentChoiceIsForbidden) {
  const CheckoutPage page = ReadPage("pt-checkout.html", "https://shop.example/checkout/pagamento");
  EXPECT_EQ(ActionOf(page, "Finalizar compra"), A::kPlaceOrder);
  EXPECT_EQ(Judge(page, "Finalizar compra").safety, Safety::kForbidden);
  EXPECT_EQ(ActionOf(page, "Aplicar cupom"), A::kApplyCoupon);
  EXPECT_EQ(ActionOf(page, "Entrar"), A::kLogin);
  EXPECT_EQ(ActionOf(page, "Continuar comprando"), A::kBack);
  EXPECT_TRUE(page.final_step);
  EXPECT_THAT(page.order_total_evidence, HasSubstr("R$ 349,90"));
}

TEST(CheckoutControls, DutchContinueToPaymentInAShippingFormIsSafe) {
  const CheckoutPage page = ReadPage("nl-shipping.html", "https://shop.example/afrekenen/verzending");
  EXPECT_EQ(ActionOf(page, "Doorgaan naar betaling"), A::kContinueStep);
  EXPECT_EQ(Judge(page, "Doorgaan naar betaling").safety, Safety::kSafe);
  EXPECT_EQ(ActionOf(page, "Kopen met Google Pay"), A::kExpressPayment);
  EXPECT_EQ(ActionOf(page, "Terug"), A::kBack);
  EXPECT_THAT(StepNames(page.steps), ElementsAre("Winkelwagen", "Gegevens", "Verzending", "Betaling"));
  EXPECT_EQ(page.steps.current, -1);  // a breadcrumb in one text does not say which step is current
}

// ---------------------------------------------------------------------------------------------
// Traps

TEST(CheckoutControls, ContinueInsideAFormWithCardFieldsIsForbidden) {
  const CheckoutPage page = ReadPage("trap-card-forms.html");
  for (const auto& [label, form] : {std::pair{"Continue", "card-autocomplete"}, std::pair{"Далее", "card-labels-ru"},
                                    std::pair{"Next", "stripe-form"}}) {
    const ActivationVerdict v = Judge(page, label, form);
    EXPECT_EQ(v.safety, Safety::kForbidden) << form;
    EXPECT_EQ(v.rule, "card-form") << form;
  }
  // A harmless address form on the same page waits too: the page holds the final control.
  EXPECT_TRUE(page.final_step);
  EXPECT_EQ(ActionOf(page, "Continue", "address"), A::kContinueStep);
  EXPECT_EQ(Judge(page, "Continue", "address").rule, "final-step");
}

TEST(CheckoutControls, ImageButtonWithOnlyAnAltTextIsRead) {
  const CheckoutPage page = ReadPage("trap-labels.html");
  EXPECT_EQ(ActionOf(page, "Złóż zamówienie"), A::kPlaceOrder);
  EXPECT_EQ(page.controls[Find(page, "Złóż zamówienie")].type, "image");
  EXPECT_EQ(Judge(page, "Złóż zamówienie").safety, Safety::kForbidden);
}

TEST(CheckoutControls, IconButtonsAreReadByTheirAccessibleNames) {
  const CheckoutPage page = ReadPage("trap-labels.html");
  EXPECT_EQ(Judge(page, "Place order", "icon-button").safety, Safety::kForbidden);
  // The visible text says "Continue", the aria-label says what it does: the stronger class wins.
  const std::size_t mismatch = Find(page, "Confirm and pay", "mismatch");
  ASSERT_LT(mismatch, page.controls.size());
  EXPECT_EQ(page.controls[mismatch].action, A::kPlaceOrder);
  EXPECT_EQ(JudgeActivation(page, mismatch).safety, Safety::kForbidden);
  EXPECT_EQ(ActionOf(page, "Оплатить", "labelledby"), A::kPlaceOrder);
  EXPECT_EQ(ActionOf(page, "Remove item", "cart"), A::kRemove);
  EXPECT_EQ(Judge(page, "Remove item", "cart").safety, Safety::kSafe);
}

TEST(CheckoutControls, AContinueThatCannotBeFollowedSafelyIsUnsure) {
  const CheckoutPage page = ReadPage("trap-targets.html");
  EXPECT_FALSE(page.final_step);
  EXPECT_EQ(Judge(page, "Continue", "disabled").rule, "inactive");
  EXPECT_EQ(Judge(page, "Next").rule, "needs-script");  // javascript: link
  EXPECT_EQ(Judge(page, "Continue", "off-site").rule, "other-host");
  EXPECT_EQ(Judge(page, "Continue", "script-button").rule, "needs-script");
  const std::size_t plain = Find(page, "Continue", "plain");
  ASSERT_LT(plain, page.controls.size());
  EXPECT_EQ(JudgeActivation(page, plain).safety, Safety::kSafe) << JudgeActivation(page, plain).reason;
  EXPECT_EQ(page.controls[plain].target, "https://shop.example/checkout/step-2");
  EXPECT_EQ(page.controls[plain].method, "post");
  EXPECT_TRUE(page.controls[plain].submits);
  EXPECT_THAT(SafeControls(page, A::kContinueStep), ElementsAre(plain));
}

TEST(CheckoutControls, AContinueThatPostsToAnOrderOrPaymentTargetIsForbidden) {
  const CheckoutPage page = ReadPage("trap-order-targets.html");
  EXPECT_EQ(Judge(page, "Continue", "gateway").rule, "order-form");  // posts to PayPal
  EXPECT_EQ(Judge(page, "Continue", "gateway").safety, Safety::kForbidden);
  EXPECT_EQ(ActionOf(page, "Continue", "formaction"), A::kPlaceOrder);
  EXPECT_EQ(Judge(page, "Continue", "formaction").safety, Safety::kForbidden);
  const std::size_t link = page.controls.size() - 1;
  EXPECT_EQ(page.controls[link].type, "link");
  EXPECT_EQ(page.controls[link].action, A::kPlaceOrder);
  EXPECT_EQ(JudgeActivation(page, link).safety, Safety::kForbidden);
  EXPECT_TRUE(page.final_step);
}

TEST(CheckoutControls, JudgingAControlThatIsNotThereIsUnsure) {
  const CheckoutPage page = ReadHtml("<p>No controls</p>");
  EXPECT_THAT(page.controls, IsEmpty());
  EXPECT_EQ(JudgeActivation(page, 0).safety, Safety::kUnsure);
  EXPECT_EQ(JudgeActivation(page, 0).rule, "no-such-control");
}

// 20000 nested elements around the button: the controls are still found and judged (the walks
// are iterative, so this does not overflow the stack). Its speed is not timed here: a quadratic
// walk would run into ctest's timeout, and speed targets live in bench/.
TEST(CheckoutControls, HostileNestingFindsAndJudgesTheButton) {
  std::string html = "<!doctype html><html><body><form method=post action=/checkout/pay>";
  for (int i = 0; i < 20000; ++i) html += "<div class=step>";
  html += "<button>Place order</button>";
  for (int i = 0; i < 20000; ++i) html += "</div>";
  html += "</form></body></html>";
  const CheckoutPage page = ReadHtml(html);
  ASSERT_EQ(page.controls.size(), 1u);
  EXPECT_EQ(JudgeActivation(page, 0).safety, Safety::kForbidden);
}

// 100 nested role=button controls around one 1 MB text: each reads at most 1 KiB of it, cut
// between characters, instead of copying the whole text once per control.
TEST(CheckoutControls, NestedControlsAroundAHugeTextEachReadAtMostOneKiB) {
  std::string html = "<!doctype html><html><body>";
  for (int i = 0; i < 100; ++i) html += "<div role=button>";
  for (int i = 0; i < 100'000; ++i) html += "Zamów ";
  for (int i = 0; i < 100; ++i) html += "</div>";
  html += "</body></html>";
  const CheckoutPage page = ReadHtml(html);
  ASSERT_EQ(page.controls.size(), 100u);
  for (const PageControl& c : page.controls) {
    EXPECT_LE(c.text.size(), 1024u);
    EXPECT_TRUE(text::IsValidUtf8(c.text));
  }
}

}  // namespace
}  // namespace mmaudit::facts
