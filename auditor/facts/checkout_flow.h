// What a checkout is like from the cart to the order review step: the plain result of the checkout
// walk (pipeline/checkout_walk.h), read by the rules and written to the report's "checkout"
// section. Steps are counted as Baymard counts them (../shared/reference/checkout.md): from the
// cart step to the order review step, both included; form fields are text-entry fields shown by
// default, other form elements (selects, radio groups, checkboxes) are counted apart.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mmaudit::facts {

// One field of a step's checkout form(s), for the report's per-step detail.
struct CheckoutField {
  std::string name;          // the name attribute
  std::string type;          // input type, or "select" / "textarea"
  std::string label;         // as ExtractForms reads it
  std::string purpose;       // facts/field_purpose.h name ("postal-code", "unknown" ...)
  std::string purpose_source;  // "autocomplete", "type", "name-or-id", "label", "placeholder", "none"
  std::string autocomplete;  // the attribute as written, lower case
  bool autocomplete_valid = false;  // a valid WHATWG value naming a field (not "on"/"off")
  std::vector<std::string> invalid_tokens;  // of an invalid autocomplete value
  std::string inputmode;
  bool text_entry = false;   // a Baymard form field
  bool shown = true;         // shown by default
  bool required = false;
  bool blocks_paste = false;
  bool small_font = false;   // an inline font under 16 px: phones zoom the page when it is focused
};

struct CheckoutStepFacts {
  std::string url;           // where the step was read
  std::string title;
  std::string name;          // the step indicator's current step, else the page's first heading
  std::string reached_by;    // "start", "link", "form-get", "form-post"
  std::string control;       // the text of the control the walk used to get here ("" for the first)
  std::size_t fields = 0;          // text-entry fields shown by default
  std::size_t other_elements = 0;  // selects, radio groups and checkboxes shown by default
  std::size_t required = 0;        // required controls shown by default
  std::size_t hidden_fields = 0;   // text-entry fields hidden by default (toggles, collapsed sections)
  std::vector<CheckoutField> field_list;
  std::vector<std::string> validation_errors;  // shown when the walk first submitted this step
  bool retried = false;      // the step was submitted again after validation errors
  std::vector<std::string> express_payments;  // wallet buttons on this step
  std::vector<std::string> captchas;
  bool order_total = false;
  bool coupon_field = false, coupon_field_visible = false;
};

struct CheckoutFlow {
  std::string mode;          // "inspect" or "walk"
  // "reached_review": the walk got to the step holding the final order control (the last step);
  // "blocked": it stopped before (stop_reason says why and stop_url where);
  // "not_found": there was no product page or add-to-cart control to start from.
  std::string result;
  std::string stop_reason;
  std::string stop_url;
  std::string start_url;     // the product page
  std::vector<CheckoutStepFacts> steps;  // from the cart on
  std::size_t total_fields = 0, total_other_elements = 0, total_required = 0, total_hidden_fields = 0;
  // How inspect mode estimated the step count: "step indicator" (the checkout's own list of
  // steps) or "pages reached"; "" for a walk.
  std::string estimate_source;
  std::size_t estimated_steps = 0;  // inspect: the estimate; walk: steps.size() when reached_review
  bool guest_checkout = false;      // a guest path was offered (or no account step was met)
  bool account_required = false;    // an account step without a guest path
  std::vector<std::string> payment_methods;   // named on the final step
  std::vector<std::string> express_payments;  // wallets on the cart or the first checkout step
  // A "billing address same as shipping" checkbox or radio button: "checked" (chosen by default, as
  // it should be), "unchecked", or "" when no step showed one.
  std::string billing_same_as_shipping;
  bool shipping_info_on_cart = false;  // the cart mentions shipping or delivery costs
  std::string trust_signal;         // a trust phrase on the review step ("secure payment"), or ""
  std::string buyer_country;        // whose synthetic data was typed
  std::size_t requests = 0;         // HTTP requests the walk sent
  std::size_t posts = 0;            // of which form POSTs
  double walk_ms = 0;
};

}  // namespace mmaudit::facts
