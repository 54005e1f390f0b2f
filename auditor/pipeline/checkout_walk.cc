#include "pipeline/checkout_walk.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <span>

#include "core/text.h"
#include "core/url.h"
#include "facts/checkout_controls.h"
#include "facts/extract.h"
#include "facts/field_purpose.h"
#include "facts/form_data.h"
#include "fetch/robots.h"
#include "fetch/session.h"
#include "html/query.h"

namespace mmaudit::pipeline {
namespace {

using facts::ControlAction;
using facts::FormControl;

// What moves a checkout forward, in the order the walk prefers it: a guest path over an account.
constexpr ControlAction kForward[] = {ControlAction::kGuestCheckout, ControlAction::kContinueStep,
                                      ControlAction::kProceedToCheckout, ControlAction::kRegister};

// One page as the walk sees it: the response, its facts, its controls and its forms' data.
struct WalkPage {
  fetch::Response response;
  facts::PageFacts facts;
  facts::CheckoutPage checkout;
  std::vector<facts::FormDataSet> forms;  // forms[i] is facts.forms.forms[i] and checkout.forms[i]
  std::vector<std::string> errors;        // validation messages shown on the page
  std::string heading;                    // the first h1 (or h2)
  std::string trust_phrase;               // a trust phrase in the visible text, or ""
  std::string billing_same;               // a billing-same-as-shipping checkbox: "checked", "unchecked" or ""

  bool ok() const { return facts.parsed && facts.error_code.empty(); }
  const std::string& url() const { return response.final_url; }
};

// Messages a form shows when it refuses input: role=alert, aria-live regions and elements whose
// class says error or invalid, each at most 200 bytes, at most 10.
std::vector<std::string> ReadErrors(const html::Document& doc) {
  std::vector<std::string> out;
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (html::IsNonRendered(n) || html::IsHiddenSelf(n)) return html::Visit::kSkipChildren;
    if (!html::IsElement(n) || out.size() >= 10) return html::Visit::kContinue;
    const std::string cls = text::AsciiLower(html::AttrOr(n, "class"));
    const std::string role = text::AsciiLower(html::AttrOr(n, "role"));
    const bool error_box = role == "alert" || text::Contains(cls, "error") || text::Contains(cls, "invalid") ||
                           text::Contains(cls, "alert-danger");
    if (!error_box) return html::Visit::kContinue;
    std::string t = text::CollapseWhitespace(html::VisibleText(n, 400));
    if (t.empty()) return html::Visit::kContinue;
    out.push_back(text::Truncate(t, 200));
    return html::Visit::kSkipChildren;
  });
  return out;
}

WalkPage ReadPage(fetch::Response response) {
  WalkPage p;
  facts::ExtractOptions o;
  o.with_document = [&p](const html::Document& doc, const facts::Context& ctx) {
    p.checkout = facts::ReadCheckoutPage(doc, ctx);
    p.forms = facts::ReadFormDataSets(doc, ctx);
    p.errors = ReadErrors(doc);
    const facts::Lexicon& cues = facts::CheckoutLexicon();
    if (ctx.folded_visible_text_every_node != nullptr)
      p.trust_phrase = cues.FirstMatch("trust_signal", *ctx.folded_visible_text_every_node);
    const facts::Lexicon::Cue same = cues.Find("billing_same_as_shipping");
    for (const facts::FormDataSet& form : p.forms)
      for (const facts::FormField& f : form.fields)
        if (p.billing_same.empty() && (f.control.type == "checkbox" || f.control.type == "radio") && f.control.visible &&
            same.Matches(text::FoldCase(f.control.label)))
          p.billing_same = f.checked ? "checked" : "unchecked";
    for (GumboTag tag : {GUMBO_TAG_H1, GUMBO_TAG_H2})
      if (const GumboNode* h = html::FindFirst(doc.root(), tag); h != nullptr && p.heading.empty())
        p.heading = text::CollapseWhitespace(html::VisibleText(h, 200));
  };
  p.facts = facts::ExtractPage(response, o);
  p.response = std::move(response);
  return p;
}

// True for purposes that ask about the buyer: name, contact, address, account.
bool IsBuyerPurpose(facts::FieldPurpose p) {
  using P = facts::FieldPurpose;
  switch (p) {
    case P::kUnknown: case P::kCoupon: case P::kGiftCard: case P::kQuantity: case P::kSearch:
    case P::kComment: case P::kCaptcha: case P::kNewsletter: case P::kTerms:
      return false;
    default:
      return true;
  }
}

// Which forms of a step count as its checkout form(s) when the walk did not submit one (the cart,
// a review step whose final control is not in an order form): those that ask for the buyer's data.
// Not the header search, a newsletter box, a product's add-to-cart form, the cart's own form
// (quantities, a cart note, a shipping estimate), a coupon or gift-card form, or a form posting to
// another site.
bool AsksForBuyerData(const WalkPage& page, std::size_t i) {
  const facts::PageForm& f = page.checkout.forms[i];
  if (f.subscribes || f.add_to_cart || f.cart || f.other_host) return false;
  for (const facts::PageControl& c : page.checkout.controls)
    if (c.form == static_cast<int>(i) && c.action == ControlAction::kSubscribe) return false;
  for (const facts::FormField& field : page.forms[i].fields)
    if (field.control.text_entry && IsBuyerPurpose(facts::InferFieldPurpose(field.control).purpose)) return true;
  return false;
}

// The forms a step's counts come from. A step the walk left by submitting a form: that form (on an
// account step the registration the walk chose, not the login beside it). The order review step:
// the forms that place the order. Otherwise those that ask for the buyer's data.
std::vector<std::size_t> StepForms(const WalkPage& page, int submitted) {
  std::vector<std::size_t> out;
  const std::size_t n = std::min(page.facts.forms.forms.size(), page.checkout.forms.size());
  if (submitted >= 0 && static_cast<std::size_t>(submitted) < n) return {static_cast<std::size_t>(submitted)};
  if (page.checkout.final_step)
    for (std::size_t i = 0; i < n; ++i)
      if (page.checkout.forms[i].places_order) out.push_back(i);
  if (out.empty())
    for (std::size_t i = 0; i < n; ++i)
      if (AsksForBuyerData(page, i)) out.push_back(i);
  return out;
}

// Sets a step's field counts and field list from `forms` of `page` (see StepForms).
void CountFields(const WalkPage& page, const std::vector<std::size_t>& forms, facts::CheckoutStepFacts* s) {
  s->fields = s->other_elements = s->required = s->hidden_fields = 0;
  s->field_list.clear();
  for (const std::size_t i : forms) {
    const facts::Form& form = page.facts.forms.forms[i];
    s->fields += form.visible_text_fields;
    s->other_elements += form.other_elements;
    s->required += form.required;
    s->hidden_fields += form.hidden_text_fields;
    for (const FormControl& c : form.controls) {
      if (c.is_button() || c.type == "hidden") continue;
      facts::CheckoutField f;
      f.name = c.name;
      f.type = c.type;
      f.label = c.label;
      const facts::FieldPurposeGuess guess = facts::InferFieldPurpose(c);
      f.purpose = std::string(facts::FieldPurposeName(guess.purpose));
      f.purpose_source = std::string(facts::PurposeSourceName(guess.source));
      f.autocomplete = c.autocomplete;
      const facts::Autocomplete ac = facts::ParseAutocomplete(c.autocomplete);
      f.autocomplete_valid = ac.valid && ac.keyword.empty();
      f.invalid_tokens = ac.invalid_tokens;
      f.inputmode = c.inputmode;
      f.text_entry = c.text_entry;
      f.shown = c.visible;
      f.required = c.required;
      f.blocks_paste = c.blocks_paste;
      f.small_font = c.small_font;
      s->field_list.push_back(std::move(f));
    }
  }
}

// A step as first read; its counts are set by CountFields once the walk knows which form it used.
facts::CheckoutStepFacts ReadStep(const WalkPage& page, const std::string& reached_by, const std::string& control) {
  facts::CheckoutStepFacts s;
  s.url = page.url();
  s.title = page.facts.meta.title;
  s.reached_by = reached_by;
  s.control = control;
  const facts::StepIndicator& ind = page.checkout.steps;
  s.name = ind.current >= 0 ? ind.steps[static_cast<std::size_t>(ind.current)].name : page.heading;
  // Without the breadcrumb's separators ("Information ›").
  while (!s.name.empty()) {
    const std::string_view t = text::Trim(s.name);
    std::size_t cut = t.size();
    for (std::string_view sep : {"\u203A", "\u00BB", ">", "/", "|", "\u2192"})
      if (text::EndsWith(t, sep)) cut = t.size() - sep.size();
    if (cut == t.size()) {
      s.name = std::string(t);
      break;
    }
    s.name = std::string(t.substr(0, cut));
  }
  CountFields(page, StepForms(page, -1), &s);
  for (const facts::PageControl& c : page.checkout.controls)
    if (c.action == ControlAction::kExpressPayment && c.visible && !c.text.empty() &&
        std::find(s.express_payments.begin(), s.express_payments.end(), c.text) == s.express_payments.end())
      s.express_payments.push_back(c.text);
  s.captchas = page.checkout.captchas;
  s.order_total = page.checkout.order_total;
  s.coupon_field = page.checkout.coupon_field;
  s.coupon_field_visible = page.checkout.coupon_field_visible;
  return s;
}

// Types the buyer into `form`: every text field shown whose purpose the buyer has a value for
// (all of them with `every_field`, unknown ones getting a placeholder), the buyer's country in a
// country select, the first option of other selects left empty, the first choice of a radio group
// with none chosen, required and billing-same-as-shipping checkboxes ticked and marketing ones
// unticked. Card fields are never
// touched (the walk refuses such forms before it gets here).
void Fill(facts::FormDataSet* form, const Buyer& buyer, bool every_field) {
  const facts::Lexicon::Cue same_as_shipping = facts::CheckoutLexicon().Find("billing_same_as_shipping");
  std::set<std::string> radio_groups_done;
  for (const facts::FormField& f : form->fields)
    if (f.control.type == "radio" && f.checked) radio_groups_done.insert(f.control.name);
  for (facts::FormField& f : form->fields) {
    const FormControl& c = f.control;
    if (c.disabled || !c.visible || c.is_button() || c.type == "hidden") continue;
    const facts::FieldPurposeGuess guess = facts::InferFieldPurpose(c);
    const std::string purpose(facts::FieldPurposeName(guess.purpose));
    if (c.type == "checkbox") {
      if (guess.purpose == facts::FieldPurpose::kNewsletter) f.checked = false;
      else if (c.required || same_as_shipping.Matches(text::FoldCase(c.label))) f.checked = true;
      continue;
    }
    if (c.type == "radio") {
      if (!radio_groups_done.count(c.name)) {
        f.checked = true;
        radio_groups_done.insert(c.name);
      }
      continue;
    }
    if (c.tag == "select") {
      if (guess.purpose == facts::FieldPurpose::kCountry || guess.purpose == facts::FieldPurpose::kCountryName) {
        for (const auto& [value, label] : f.options)
          if (text::AsciiLower(value) == text::AsciiLower(buyer.country) ||
              (buyer.ValueFor("country-name") && label == *buyer.ValueFor("country-name")))
            f.value = value;
      }
      if (f.value.empty())
        for (const auto& [value, label] : f.options)
          if (!value.empty()) {
            f.value = value;
            break;
          }
      continue;
    }
    if (!c.text_entry) continue;
    if (!f.value.empty() && !every_field) continue;
    std::optional<std::string> value;
    switch (guess.purpose) {
      case facts::FieldPurpose::kName:
        value = std::string(buyer.ValueFor("given-name").value_or("")) + " " +
                std::string(buyer.ValueFor("family-name").value_or(""));
        break;
      case facts::FieldPurpose::kCurrentPassword:
        if (auto v = buyer.ValueFor("new-password")) value = std::string(*v);
        break;
      case facts::FieldPurpose::kCoupon:
      case facts::FieldPurpose::kGiftCard:
      case facts::FieldPurpose::kSearch:
      case facts::FieldPurpose::kCaptcha:
        break;  // nothing a shopper must type
      default:
        if (auto v = buyer.ValueFor(purpose)) value = std::string(*v);
    }
    if (!value && (c.required || every_field) && guess.purpose == facts::FieldPurpose::kUnknown) value = "Test";
    if (value) f.value = *value;
  }
}

// The index in form.fields of the button `control` names, or -1.
int SubmitterIndex(const facts::FormDataSet& form, const facts::PageControl& control) {
  for (std::size_t i = 0; i < form.fields.size(); ++i) {
    const FormControl& c = form.fields[i].control;
    if (!c.is_button()) continue;
    if (!control.id.empty() ? c.id == control.id : (c.name == control.name && text::Contains(c.label, control.text)))
      return static_cast<int>(i);
  }
  return -1;
}

class Walker {
 public:
  explicit Walker(const WalkOptions& o) : o_(o), session_(o.fetch) { session_.AddCookies(o.cookies); }

  facts::CheckoutFlow Run(const std::string& product_url);

 private:
  bool Budget() const { return static_cast<int>(session_.sent().size()) < o_.max_requests; }
  WalkPage Get(const std::string& url, const std::string& referer) { return ReadPage(session_.Get(url, referer)); }
  // Whether robots.txt lets the walk request `u` (read once per host, RFC 9309's rules for an
  // unavailable file); *rule names the deciding rule when it does not.
  bool RobotsAllow(const std::string& u, std::string* rule);
  // Activates control `i` of `page` if the safety verdict allows it; the new page, or nullopt with
  // *why set when it may not be used.
  std::optional<WalkPage> Activate(const WalkPage& page, std::size_t i, bool every_field, std::string* how,
                                   std::string* why);
  void Stop(const std::string& reason, const std::string& where) {
    flow_.result = "blocked";
    flow_.stop_reason = reason;
    flow_.stop_url = where;
  }
  const Buyer& BuyerFor(const WalkPage& page) {
    if (!buyer_) {
      if (o_.buyer) {
        buyer_ = *o_.buyer;
      } else {
        const auto parts = url::Parse(page.url());
        buyer_ = DefaultBuyer(GuessCountry(page.facts.meta.lang, parts ? parts->host : ""));
      }
      flow_.buyer_country = buyer_->country;
    }
    return *buyer_;
  }
  // The first safe control of the first of `actions` that has one, or nullopt.
  std::optional<std::size_t> Pick(const WalkPage& page, ControlAction action) const {
    return Pick(page, std::span<const ControlAction>(&action, 1));
  }
  std::optional<std::size_t> Pick(const WalkPage& page, std::span<const ControlAction> actions) const {
    for (ControlAction a : actions) {
      std::vector<std::size_t> safe = facts::SafeControls(page.checkout, a);
      if (o_.mode == "inspect")  // links only
        std::erase_if(safe, [&](std::size_t i) { return page.checkout.controls[i].submits; });
      if (!safe.empty()) return safe.front();
    }
    return std::nullopt;
  }
  // Why no control moves forward: the verdicts of the forward-looking controls that were refused.
  std::string Refusals(const WalkPage& page) const;

  // Notes the longest checkout step indicator seen, and whether it lists the cart as a step.
  void NoteIndicator(const WalkPage& page) {
    const facts::StepIndicator& ind = page.checkout.steps;
    if (ind.steps.size() <= indicator_steps_) return;
    indicator_steps_ = ind.steps.size();
    const facts::Lexicon::Cue cart = facts::Lexicon::Default().Find("cart");
    indicator_has_cart_ = std::any_of(ind.steps.begin(), ind.steps.end(), [&](const facts::CheckoutStep& st) {
      return cart.Matches(text::FoldCase(st.name));
    });
  }

  // The first billing-same-as-shipping checkbox met, as the shop ticks it by default.
  void NoteSignals(const WalkPage& page) {
    if (flow_.billing_same_as_shipping.empty()) flow_.billing_same_as_shipping = page.billing_same;
  }

  const WalkOptions& o_;
  fetch::Session session_;
  std::size_t indicator_steps_ = 0;
  bool indicator_has_cart_ = false;
  std::map<std::string, fetch::Robots> robots_;  // by scheme://host:port
  std::optional<Buyer> buyer_;
  facts::CheckoutFlow flow_;
};

bool Walker::RobotsAllow(const std::string& u, std::string* rule) {
  if (o_.ignore_robots) return true;
  const auto parts = url::Parse(u);
  if (!parts) return true;  // the request fails on its own
  const std::string origin = parts->scheme + "://" + parts->host + ":" + std::to_string(parts->port);
  auto it = robots_.find(origin);
  if (it == robots_.end()) {
    it = robots_.emplace(origin, fetch::Robots::FromResponse(session_.Get(origin + "/robots.txt"), o_.robots_token)).first;
  }
  const fetch::RobotsVerdict v = it->second.Check(parts->path + (parts->query.empty() ? "" : "?" + parts->query));
  if (!v.allowed) *rule = v.rule.empty() ? it->second.mode() : v.rule;
  return v.allowed;
}

std::optional<WalkPage> Walker::Activate(const WalkPage& page, std::size_t i, bool every_field, std::string* how,
                                         std::string* why) {
  const facts::ActivationVerdict verdict = facts::JudgeActivation(page.checkout, i);
  if (verdict.safety != facts::Safety::kSafe) {
    *why = verdict.reason;
    return std::nullopt;
  }
  const facts::PageControl& c = page.checkout.controls[i];
  if (!c.submits || c.form < 0) {
    if (c.target.empty()) {
      *why = "\"" + c.text + "\" goes nowhere without scripts";
      return std::nullopt;
    }
    *how = "link";
    if (std::string rule; !RobotsAllow(c.target, &rule)) {
      *why = "robots.txt disallows " + c.target + " (" + rule + "); --ignore-robots lets the walk go on";
      return std::nullopt;
    }
    return Get(c.target, page.url());
  }
  const auto f = static_cast<std::size_t>(c.form);
  // Defence in depth: whatever the verdict, a form that places the order or takes card data is
  // never submitted.
  const facts::PageForm& pf = page.checkout.forms[f];
  if (pf.places_order || pf.card_fields || pf.subscribes) {
    *why = "its form places the order, takes card data or subscribes";
    return std::nullopt;
  }
  if (o_.mode == "inspect") {
    *why = "inspect mode submits no forms";
    return std::nullopt;
  }
  facts::FormDataSet data = page.forms[f];
  Fill(&data, BuyerFor(page), every_field);
  fetch::FormSubmission submission;
  submission.method = c.method == "post" ? "post" : "get";
  submission.action = c.target.empty() ? data.action : c.target;
  submission.fields = facts::EntryList(data, SubmitterIndex(data, c));
  submission.referer = page.url();
  *how = "form-" + submission.method;
  if (std::string rule; !RobotsAllow(submission.action, &rule)) {
    *why = "robots.txt disallows " + submission.action + " (" + rule + "); --ignore-robots lets the walk go on";
    return std::nullopt;
  }
  return ReadPage(session_.Submit(submission));
}

std::string Walker::Refusals(const WalkPage& page) const {
  std::string out;
  for (std::size_t i = 0; i < page.checkout.controls.size(); ++i) {
    const ControlAction a = page.checkout.controls[i].action;
    if (a == ControlAction::kRemove || a == ControlAction::kBack || a == ControlAction::kUnknown ||
        a == ControlAction::kApplyCoupon || a == ControlAction::kUpdateCart)
      continue;
    const facts::ActivationVerdict v = facts::JudgeActivation(page.checkout, i);
    if (v.safety == facts::Safety::kSafe) continue;
    if (!out.empty()) out += "; ";
    out += v.reason;
    if (out.size() > 600) break;
  }
  return out;
}

facts::CheckoutFlow Walker::Run(const std::string& product_url) {
  const auto started = std::chrono::steady_clock::now();
  flow_.mode = o_.mode;
  flow_.start_url = product_url;
  flow_.result = "blocked";
  auto finish = [&]() {
    flow_.requests = session_.sent().size();
    flow_.posts = static_cast<std::size_t>(std::count_if(session_.sent().begin(), session_.sent().end(),
                                                         [](const fetch::SentRequest& r) { return r.method == "POST"; }));
    for (const facts::CheckoutStepFacts& s : flow_.steps) {
      flow_.total_fields += s.fields;
      flow_.total_other_elements += s.other_elements;
      flow_.total_required += s.required;
      flow_.total_hidden_fields += s.hidden_fields;
    }
    for (std::size_t k = 0; k < flow_.steps.size() && k < 2; ++k)
      for (const std::string& e : flow_.steps[k].express_payments)
        if (std::find(flow_.express_payments.begin(), flow_.express_payments.end(), e) == flow_.express_payments.end())
          flow_.express_payments.push_back(e);
    if (o_.mode == "inspect") {
      // The checkout's own list of steps, when a page showed one, beats the pages links reached.
      if (indicator_steps_ > 0) {
        flow_.estimate_source = "step indicator";
        flow_.estimated_steps = indicator_steps_ + (indicator_has_cart_ ? 0 : 1);
      } else {
        flow_.estimate_source = "pages reached";
        flow_.estimated_steps = flow_.steps.size();
      }
    } else if (flow_.result == "reached_review") {
      flow_.estimated_steps = flow_.steps.size();
    }
    if (!flow_.account_required) flow_.guest_checkout = flow_.result == "reached_review" || flow_.guest_checkout;
    flow_.walk_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return flow_;
  };

  // The product page, and into the cart.
  if (std::string rule; !RobotsAllow(product_url, &rule)) {
    Stop("robots.txt disallows the product page (" + rule + "); --ignore-robots lets the walk go on", product_url);
    return finish();
  }
  WalkPage page = Get(product_url, "");
  if (!page.ok()) {
    Stop("the product page could not be read: " + (page.facts.error.empty() ? page.facts.error_code : page.facts.error),
         product_url);
    return finish();
  }
  std::string how, why;
  if (o_.mode == "walk") {
    const auto add = Pick(page, ControlAction::kAddToCart);
    if (!add) {
      flow_.result = "not_found";
      flow_.stop_reason = "no add-to-cart control the walk may use on the product page";
      flow_.stop_url = page.url();
      return finish();
    }
    auto next = Activate(page, *add, false, &how, &why);
    if (!next || !next->ok()) {
      Stop(next ? "adding to the cart failed: " + next->facts.error : "adding to the cart was refused: " + why, page.url());
      return finish();
    }
    page = std::move(*next);
  }
  // The cart: where adding led, else the page a cart link leads to.
  const facts::Lexicon::Cue url_cart = facts::Lexicon::Default().Find("url_cart");
  auto is_cart = [&](const WalkPage& p) {
    if (p.facts.page_type == "cart") return true;
    const auto parts = url::Parse(p.url());
    return parts && url_cart.Matches(text::FoldCase(url::PercentDecode(parts->path)));
  };
  if (!is_cart(page)) {
    std::optional<std::string> cart_link;
    for (const facts::PageControl& c : page.checkout.controls) {
      if (c.tag != "a" || c.off_site || c.target.empty()) continue;
      const auto parts = url::Parse(c.target);
      if (parts && url_cart.Matches(text::FoldCase(url::PercentDecode(parts->path)))) {
        cart_link = c.target;
        break;
      }
    }
    if (!cart_link) {
      Stop("no link to the cart after adding the product", page.url());
      return finish();
    }
    if (std::string rule; !RobotsAllow(*cart_link, &rule)) {
      Stop("robots.txt disallows the cart " + *cart_link + " (" + rule + "); --ignore-robots lets the walk go on",
           page.url());
      return finish();
    }
    WalkPage cart = Get(*cart_link, page.url());
    if (!cart.ok()) {
      Stop("the cart could not be read: " + cart.facts.error, *cart_link);
      return finish();
    }
    page = std::move(cart);
    how = "link";
  }
  flow_.steps.push_back(ReadStep(page, o_.mode == "walk" ? "start" : "link", ""));
  NoteIndicator(page);
  NoteSignals(page);
  flow_.shipping_info_on_cart = page.facts.commerce.shipping_info;

  std::map<std::string, int> visits;
  for (int step = 0; step < o_.max_steps; ++step) {
    if (page.checkout.final_step) {
      flow_.result = "reached_review";
      flow_.payment_methods = page.facts.commerce.payment_methods;
      flow_.trust_signal = page.trust_phrase;
      return finish();
    }
    if (!Budget()) {
      Stop("the walk used its " + std::to_string(o_.max_requests) + " requests", page.url());
      return finish();
    }
    // An account step without a guest path: the shop forces an account; the walk registers.
    const bool account_wall = !Pick(page, ControlAction::kGuestCheckout) &&
                              (Pick(page, ControlAction::kRegister) || Pick(page, ControlAction::kLogin)) &&
                              !Pick(page, ControlAction::kContinueStep);
    if (Pick(page, ControlAction::kGuestCheckout)) flow_.guest_checkout = true;
    if (account_wall && flow_.steps.size() > 1) flow_.account_required = true;
    const auto forward = Pick(page, kForward);
    if (!forward && o_.mode == "inspect") {
      // Inspect goes no further than links lead; say so plainly when a form would.
      bool form_ahead = false;
      for (ControlAction a : kForward)
        form_ahead = form_ahead || !facts::SafeControls(page.checkout, a).empty();
      if (form_ahead) {
        Stop("the next step is behind a form, which inspect mode does not submit (--checkout=walk does)", page.url());
        return finish();
      }
    }
    if (!forward) {
      const std::string refused = Refusals(page);
      Stop("no control the walk may use moves forward" + (refused.empty() ? std::string() : " (" + refused + ")"),
           page.url());
      return finish();
    }
    const facts::PageControl& used = page.checkout.controls[*forward];
    const std::string control_text = used.text;
    // A checkout step left by submitting a form counts that form's fields (the cart counts only
    // buyer data, whichever form its checkout button sits in).
    if (flow_.steps.size() > 1 && used.submits && used.form >= 0)
      CountFields(page, StepForms(page, used.form), &flow_.steps.back());
    auto next = Activate(page, *forward, false, &how, &why);
    if (!next) {
      Stop("\"" + control_text + "\" may not be used: " + why, page.url());
      return finish();
    }
    if (!next->ok()) {
      Stop("the next step could not be read: " + (next->facts.error.empty() ? next->facts.error_code : next->facts.error),
           page.url());
      return finish();
    }
    // Refused with validation errors: the same form again. Fill every field and try once more.
    const bool same_page = url::Normalize(next->url()) == url::Normalize(page.url()) && !next->checkout.final_step;
    if (same_page && !next->errors.empty()) {
      facts::CheckoutStepFacts& current = flow_.steps.back();
      current.validation_errors = next->errors;
      current.retried = true;
      const auto again = Pick(*next, kForward);
      auto retry = again ? Activate(*next, *again, true, &how, &why) : std::nullopt;
      if (!retry || !retry->ok() ||
          (url::Normalize(retry->url()) == url::Normalize(page.url()) && !retry->errors.empty())) {
        Stop("the step was refused with validation errors twice: " + text::Truncate(next->errors.front(), 160),
             page.url());
        return finish();
      }
      next = std::move(retry);
    }
    if (++visits[next->url()] > 2) {
      Stop("the walk came back to the same page three times", next->url());
      return finish();
    }
    page = std::move(*next);
    flow_.steps.push_back(ReadStep(page, how, control_text));
    NoteIndicator(page);
    NoteSignals(page);
  }
  Stop("no order review step within " + std::to_string(o_.max_steps) + " steps", page.url());
  return finish();
}

}  // namespace

facts::CheckoutFlow WalkCheckout(const std::string& product_url, const WalkOptions& options) {
  Walker w(options);
  return w.Run(product_url);
}

}  // namespace mmaudit::pipeline
