// Checkout controls: what each button and link of a shop page does, whether the checkout walker may
// activate it, and what the page shows of the checkout (step indicator, order total, coupon field,
// CAPTCHA, terms checkbox). The safety core of `--checkout=walk`: the walker asks JudgeActivation
// before it follows or submits anything, and must never place an order, pay or subscribe.
//
// Everything here is pure: plain structs out of a parsed page, no I/O, no pointers into the DOM
// (the Document may be freed as soon as ReadCheckoutPage returns). Phrases and markup cues are
// data, in rules/checkout-lexicon.json (nine languages; matching as in facts/lexicon.h: whole
// words, case-folded, "*" stems).
//
// How a control is classified (ReadCheckoutPage), strongest signal first:
//  1. place_order when its markup says so (id/name/class/data-* such as #place_order,
//     name="woocommerce_checkout_place_order", data-bind="click: placeOrder", #confirmFormSubmit),
//     a button sits within four levels of a place-order container (#payment-confirmation,
//     .place-order) and its text does not say update, coupon, remove, back, login or register, or
//     its link or formaction targets an order-placing URL (/checkout/submit, /order/create,
//     ?wc-ajax=checkout ...);
//  2. express_payment when its text or markup names a wallet or an express checkout (Apple Pay,
//     Google Pay, PayPal, Shop Pay, "Buy with", "Express checkout" ...) or an express container
//     (Shopify's .dynamic-checkout, #paypal-button-container ...) holds it;
//  3. then its texts (aria-labelledby, aria-label, shown text or an input's value, image alt,
//     title, a button's value; each at most 60 code points), then its markup, in this order of
//     classes: place_order, quick order ("Купить в 1 клик": place_order too), subscribe,
//     guest_checkout, back, add_to_cart, ambiguous_order, (to payment), proceed_to_checkout,
//     register, login, apply_coupon, update_cart, remove, continue_step; unknown when nothing
//     matches. The strongest class over all texts wins, so an aria-label "Confirm and pay" beats
//     a visible "Continue".
// Phrases that may go to checkout *or* place the order ("Buy now", "Jetzt kaufen", "Commander",
// "Оформить заказ", "Finalizar compra") are ambiguous_order, and the context decides them:
//  - a button of a form that places the order, holds card fields, a payment-method choice or a
//    terms checkbox -> place_order;
//  - inside an add-to-cart form (action /cart/add, name="add-to-cart" ...), or marked or linked
//    as add-to-cart -> add_to_cart (the product page's "Buy now" that only adds to the cart);
//  - marked as a checkout button (name="checkout" ...), a link to a cart or checkout page, or a
//    submit of a cart form (quantity fields) -> proceed_to_checkout;
//  - otherwise it stays ambiguous_order, and the walker must not touch it.
// "Continue to payment" and its translations are settled the same way: place_order in such a
// final form, continue_step in a form with shipping choices or text fields or as a link to a
// checkout page, ambiguous_order otherwise.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "facts/extract.h"
#include "facts/lexicon.h"
#include "html/document.h"

namespace mmaudit::facts {

enum class ControlAction {
  kPlaceOrder,         // places the order or pays ("Place order", "Zamawiam i płacę", "Оплатить")
  kSubscribe,          // subscribes (newsletter or subscription): never activated either
  kExpressPayment,     // a wallet button (Apple Pay, Google Pay, PayPal, Shop Pay ...)
  kAmbiguousOrder,     // may add to cart, go to checkout or place the order; context did not settle it
  kAddToCart,
  kProceedToCheckout,  // from the cart (or anywhere) to the checkout
  kContinueStep,       // to the next checkout step ("Continue to shipping", "Dalej", "Weiter")
  kGuestCheckout,      // "Continue as guest", "Kup bez rejestracji", "Без регистрации"
  kLogin,
  kRegister,
  kApplyCoupon,
  kUpdateCart,
  kRemove,             // removes a cart line
  kBack,               // back a step, back to the cart, continue shopping
  kUnknown,
};
// "place_order", "subscribe", "express_payment", "ambiguous_order", "add_to_cart",
// "proceed_to_checkout", "continue_step", "guest_checkout", "login", "register", "apply_coupon",
// "update_cart", "remove", "back", "unknown".
const char* ControlActionName(ControlAction action);

// One actionable control: <button>, <input type=submit|image|button|reset>, <a href> or an
// element with role=button, in document order (<template> content and scripts excluded).
struct PageControl {
  ControlAction action = ControlAction::kUnknown;
  std::string tag;     // "button", "input", "a", or the tag of a role=button element
  std::string type;    // buttons and inputs: "submit", "image", "button" or "reset"; "link"; "role-button"
  // Its accessible name: aria-labelledby, else aria-label, shown text (an input's value), image
  // alt, title, a button's value; "" when it has none.
  std::string text;
  std::string id, name;
  std::string href;    // links: resolved (as written when it does not resolve, e.g. "javascript:")
  // Where activating it goes: the href of a link; for a submit its formaction, else its form's
  // action; "" when it goes nowhere without scripts (type=button, a submit outside any form).
  std::string target;
  std::string method;  // "get" or "post": how `target` is requested; "" when target is ""
  // Buttons and inputs: index into CheckoutPage::forms of the form they belong to (form="id", else
  // the enclosing form), or -1. Always -1 for links and role=button elements.
  int form = -1;
  bool submits = false;   // activating it submits `form`
  bool order_target = false;  // `target` is an order-placing or payment-gateway URL
  bool off_site = false;      // `target` is on another host than the page
  bool disabled = false;  // disabled or aria-disabled="true"
  bool visible = true;    // false when it or an ancestor is hidden by markup
  std::vector<std::string> evidence;  // why `action`, for people
};

// One <form>, in document order: forms[i] is the page's i-th form, as FormFacts::forms[i].
struct PageForm {
  std::string action;  // resolved; the page URL when the attribute is missing or empty
  std::string method;  // "get", "post" or "dialog"
  std::string id, name;
  bool places_order = false;     // order-placing action, order-form markup, or holds a place-order control
  bool subscribes = false;       // a newsletter or subscription form
  bool card_fields = false;      // card number, CVC or expiry fields, or hosted card-field frames
  bool payment_choice = false;   // a radio or select choosing the payment method
  bool shipping_choice = false;  // a radio or select choosing the shipping method
  bool terms_checkbox = false;   // a checkbox accepting terms and conditions
  bool add_to_cart = false;      // a product's add-to-cart form
  bool cart = false;             // a cart form: quantity fields, a cart action or an update-cart control
  bool other_host = false;       // the action is on another host than the page
  bool coupon_field = false;     // a text field for a coupon, voucher or discount code
  std::size_t visible_text_fields = 0;  // Baymard form fields shown by default
  std::size_t other_elements = 0;       // visible selects, radio groups and checkboxes
  std::vector<std::string> evidence;    // one line per flag set, for people
};

struct CheckoutStep {
  std::string name;   // as shown, without step numbers and icons ("Shipping")
  std::string state;  // "current", "done" or "" when the markup does not say
};

// A checkout progress bar, step list or checkout breadcrumb ("Cart › Information › Shipping ›
// Payment", <ol class="progress">, Magento's .opc-progress-bar, PrestaShop's .checkout-step
// sections, aria-current="step"). Empty `steps` when the page has none.
struct StepIndicator {
  std::vector<CheckoutStep> steps;  // in page order
  int current = -1;                 // index of the current step, or -1 when unknown
  std::string source;               // how it was found, e.g. "aria-current=step", "markup opc-progress-bar"
  bool found() const { return !steps.empty(); }
};

struct CheckoutPage {
  std::vector<PageControl> controls;
  std::vector<PageForm> forms;
  StepIndicator steps;
  bool order_total = false;          // a total label ("Total", "Итого", "Do zapłaty") beside a price
  std::string order_total_evidence;  // that row's text
  bool coupon_field = false;         // some form has a coupon field ...
  bool coupon_field_visible = false; // ... shown by default (not collapsed behind a toggle)
  bool terms_checkbox = false;       // some form has a terms checkbox
  bool card_entry = false;           // card fields or hosted card frames anywhere on the page
  std::vector<std::string> captchas; // "recaptcha", "hcaptcha", "turnstile", "captcha" (another kind)
  // The page holds the order's final control: the walk stops here and counts this page as the order
  // review step. Set by a place-order button (a link counts only with order-placing markup or
  // target), an order-placing form, card entry, or a payment choice with a terms checkbox or an
  // order total. `final_step_evidence` says which.
  bool final_step = false;
  std::vector<std::string> final_step_evidence;
};

// The embedded rules/checkout-lexicon.json. Aborts the program if the embedded copy is broken,
// which a test guards against. The Lexicon lives for the whole program.
const Lexicon& CheckoutLexicon();

// Reads the checkout controls, forms, step indicator and page signals of `doc`. `ctx.base_url`
// resolves links and actions; `ctx.lexicon` (rules/lexicon.json) supplies payment method names
// and cart/checkout URL patterns; `cues` is the checkout lexicon. Never throws; a page without
// controls yields empty vectors. Element texts are read under a page-wide node budget, so hostile
// nesting stays linear.
CheckoutPage ReadCheckoutPage(const html::Document& doc, const Context& ctx, const Lexicon& cues = CheckoutLexicon());

// What the text of one control says, before context: the checkout-lexicon concept that wins for
// `text` in the order of classes above ("place_order", "to_payment", "continue_step" ...) and the
// phrase found, or empty strings when none matches or the text is longer than 60 code points.
struct TextCue {
  std::string concept_name;
  std::string phrase;
};
TextCue ReadControlText(std::string_view text, const Lexicon& cues = CheckoutLexicon());

enum class Safety { kSafe, kForbidden, kUnsure };
const char* SafetyName(Safety safety);  // "safe", "forbidden", "unsure"

struct ActivationVerdict {
  Safety safety = Safety::kUnsure;
  std::string rule;    // which row of the table below decided, e.g. "card-form"
  std::string reason;  // for people, naming the control and the evidence
};

// Whether the walker may activate (follow or submit) `page.controls[control]`. A false "safe" is a
// disaster and a false "unsure" only ends a walk early, so every doubt is "unsure". The first row
// that applies decides ("its form" is the form a button or input belongs to; links have none):
//
//  | rule            | when                                                              | verdict   |
//  |-----------------|-------------------------------------------------------------------|-----------|
//  | no-such-control | `control` is out of range                                         | unsure    |
//  | place-order     | action place_order                                                | forbidden |
//  | subscribe       | action subscribe                                                  | forbidden |
//  | express-payment | action express_payment                                            | forbidden |
//  | card-form       | its form holds card number, CVC or expiry fields or card frames   | forbidden |
//  | order-form      | its form places the order (action, markup, a place-order control) | forbidden |
//  | subscribe-form  | its form is a newsletter or subscription form                     | forbidden |
//  | order-target    | its target is an order-placing or payment-gateway URL             | forbidden |
//  | ambiguous       | action ambiguous_order ("Buy now" the context did not settle)     | unsure    |
//  | unknown         | action unknown                                                    | unsure    |
//  | inactive        | disabled or hidden by markup                                      | unsure    |
//  | needs-script    | goes nowhere without scripts (type=button or reset, no form,      | unsure    |
//  |                 | javascript: or "#" link)                                          |           |
//  | other-host      | its target is on another host than the page                       | unsure    |
//  | payment-choice  | its form chooses a payment method                                 | unsure    |
//  | terms-form      | its form has a terms checkbox, unless it logs in, registers or    | unsure    |
//  |                 | continues as a guest                                              |           |
//  | final-step      | the page is a final step (CheckoutPage::final_step) and it        | unsure    |
//  |                 | continues or proceeds to checkout                                 |           |
//  | bare-confirm    | it continues by POSTing a form that asks for nothing (no visible  | unsure    |
//  |                 | field or choice) on a page that shows the order total: a review   |           |
//  |                 | page's "Continue" may be the order                                |           |
//  | safe            | anything else: add to cart, proceed, continue, guest, login,      | safe      |
//  |                 | register, apply coupon, update cart, remove, back                 |           |
ActivationVerdict JudgeActivation(const CheckoutPage& page, std::size_t control);

// Indices of the controls with `action` that JudgeActivation calls safe: those that submit a form
// first, then links, each in document order; empty when there are none. What the walker may use to
// move forward: kAddToCart on a product page, kProceedToCheckout on the cart, kGuestCheckout or
// kContinueStep in the checkout.
std::vector<std::size_t> SafeControls(const CheckoutPage& page, ControlAction action);

}  // namespace mmaudit::facts
