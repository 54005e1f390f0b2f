// ReadCheckoutPage, JudgeActivation and their helpers (see checkout_controls.h for the contracts
// and the decision table).
//
// One iterative walk over the page collects the controls, card frames, CAPTCHA markers, step-list
// candidates and total labels, keeping track of the enclosing form and of subtrees hidden by their
// own markup. The forms' fields come from ExtractForms (labels, autocomplete, visibility), so a
// field reads the same here as in the form facts. Classification then runs in two passes: first
// every control on its own (texts, markup, target), then the ambiguous ones in the light of their
// forms. Markup is read as a folded "attribute string" (" id=place_order name=... class=button
// alt data-bind=click: placeorder "), so the checkout lexicon's markup cues match whole tokens.
#include "facts/checkout_controls.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/text.h"
#include "core/url.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

constexpr std::size_t kMaxLabel = 60;             // code points; longer texts are not control labels
constexpr std::size_t kTextBudget = 1'000'000;    // nodes visited by all element-text reads of a page
constexpr std::size_t kControlTextBytes = 1024;   // per control text read
constexpr std::size_t kRowTextBytes = 300;        // per total-row read
constexpr std::size_t kAttrValueBytes = 256;      // per attribute value in an attribute string
constexpr std::size_t kAncestorLevels = 4;        // for place-order and express containers
constexpr std::size_t kEvidenceCodePoints = 80;
constexpr std::size_t kMaxStepName = 40;          // code points
constexpr std::size_t kMaxTotalLabelExtra = 15;   // code points a total label may have beyond its phrase

// Classes with their text and markup cues, strongest first (see the header).
struct ActionCue {
  const char* text;    // concept in the checkout lexicon read in control texts
  const char* markup;  // concept read in the control's attribute string, or nullptr
  ControlAction action;
};
constexpr ActionCue kActionCues[] = {
    {"express_payment", "attr_express_payment", ControlAction::kExpressPayment},
    {"place_order", "attr_place_order", ControlAction::kPlaceOrder},
    {"quick_order", nullptr, ControlAction::kPlaceOrder},  // one-click buy: places an order, but no final step
    {"subscribe", "attr_subscribe", ControlAction::kSubscribe},
    {"guest_checkout", "attr_guest_checkout", ControlAction::kGuestCheckout},
    {"back", "attr_back", ControlAction::kBack},  // before add_to_cart: "Вернуться в корзину"
    {"add_to_cart", "attr_add_to_cart", ControlAction::kAddToCart},
    {"ambiguous_order", nullptr, ControlAction::kAmbiguousOrder},
    {"to_payment", nullptr, ControlAction::kAmbiguousOrder},  // settled by its form (SettleAmbiguous)
    {"proceed_to_checkout", "attr_proceed_to_checkout", ControlAction::kProceedToCheckout},
    {"register", "attr_register", ControlAction::kRegister},
    {"login", "attr_login", ControlAction::kLogin},
    {"apply_coupon", "attr_apply_coupon", ControlAction::kApplyCoupon},
    {"update_cart", "attr_update_cart", ControlAction::kUpdateCart},
    {"remove", "attr_remove", ControlAction::kRemove},
    {"continue_step", "attr_continue_step", ControlAction::kContinueStep},
};

std::string Quote(std::string_view s) { return "\"" + text::Truncate(s, kEvidenceCodePoints) + "\""; }

// Attributes that hold text for people or URLs: read as texts and targets, not as markup cues.
bool IsTextOrUrlAttribute(std::string_view name) {
  for (std::string_view a : {"value", "aria-label", "title", "alt", "placeholder", "href", "src", "srcset",
                             "action", "formaction", "style", "content"})
    if (name == a) return true;
  return false;
}

// " name=value name=value " over the element's attributes, case-folded, each value cut to
// kAttrValueBytes. With `with_urls` false, text and URL attributes are left out.
std::string AttributeString(const GumboNode* n, bool with_urls) {
  std::string out = " ";
  if (!html::IsElement(n)) return out;
  const GumboVector& attrs = n->v.element.attributes;
  for (unsigned i = 0; i < attrs.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
    const std::string_view name(a->name);
    if (!with_urls && IsTextOrUrlAttribute(name)) continue;
    text::AppendFolded(name, &out);
    out += '=';
    text::AppendFolded(std::string_view(a->value).substr(0, kAttrValueBytes), &out);
    out += ' ';
  }
  return out;
}

// The path and query of an absolute URL, percent-decoded and folded ("/checkout/submit?step=2");
// "" when `u` is not an absolute URL.
std::string FoldedPathAndQuery(std::string_view u) {
  const auto p = url::Parse(u);
  if (!p) return {};
  std::string out = text::FoldCase(url::PercentDecode(p->path));
  if (!p->query.empty()) out += "?" + text::FoldCase(url::PercentDecode(p->query));
  return out;
}

// Host and path, folded ("www.paypal.com/cgi-bin/webscr"), for payment gateway cues.
std::string FoldedHostAndPath(std::string_view u) {
  const auto p = url::Parse(u);
  if (!p) return {};
  return text::FoldCase(p->host) + text::FoldCase(url::PercentDecode(p->path));
}

// The phrase of `concept_name` found in `haystack`, quoted for evidence ("\"place_order\""), or ""
// when none.
std::string CueIn(const Lexicon& cues, const char* concept_name, std::string_view haystack) {
  const std::string found = cues.FirstMatch(concept_name, haystack);
  return found.empty() ? std::string() : Quote(found);
}

// "ul#steps.opc-progress-bar": tag, id and classes, for evidence.
std::string ElementName(const GumboNode* n) {
  std::string out = html::TagName(n);
  if (auto id = html::Attr(n, "id"); id && !id->empty()) out += "#" + std::string(*id);
  for (const std::string& cls : text::SplitTrimmed(html::AttrOr(n, "class"), ' ')) out += "." + cls;
  return text::Truncate(out, kEvidenceCodePoints);
}

bool OffSite(std::string_view target, std::string_view page) {
  return url::IsHttp(target) && url::IsHttp(page) && !url::SameHost(target, page);
}

// The first element below `root` (at most `max_depth` levels down) for which `pred` holds, or
// nullptr. The depth limit keeps lookups inside controls and step lists linear on hostile nesting.
template <typename Pred>
const GumboNode* FindNear(const GumboNode* root, std::size_t max_depth, Pred pred) {
  const GumboNode* found = nullptr;
  html::Walk(root, [&](const GumboNode* n, std::size_t depth) {
    if (depth > 0 && pred(n)) {
      found = n;
      return html::Visit::kStop;
    }
    return depth >= max_depth ? html::Visit::kSkipChildren : html::Visit::kContinue;
  });
  return found;
}

const GumboNode* FindTagNear(const GumboNode* root, GumboTag tag, std::size_t max_depth) {
  return FindNear(root, max_depth, [tag](const GumboNode* n) { return html::Is(n, tag); });
}

// The text of `n` without subtrees hidden by their own markup (aria-hidden icons) or never rendered,
// words separated at block elements, every node charged to `*budget`; at most kControlTextBytes.
std::string ShownText(const GumboNode* n, std::size_t* budget) {
  std::string raw;
  html::Walk(n, [&](const GumboNode* node, std::size_t depth) {
    if (*budget == 0 || raw.size() >= kControlTextBytes) return html::Visit::kStop;
    --*budget;
    if (html::IsTextNode(node)) {  // only what fits: nested controls must not copy a huge text each
      text::AppendUtf8Prefix(node->v.text.text, kControlTextBytes, &raw);
      return html::Visit::kContinue;
    }
    if (node->type == GUMBO_NODE_TEMPLATE || html::IsNonRendered(node)) return html::Visit::kSkipChildren;
    if (depth > 0 && html::IsHiddenSelf(node)) return html::Visit::kSkipChildren;
    if (html::IsBlock(node)) raw += ' ';
    return html::Visit::kContinue;
  });
  return text::CollapseWhitespace(raw);
}

// The text of an element's own text children, whitespace collapsed.
std::string OwnText(const GumboNode* n) {
  std::string raw;
  const GumboVector& children = n->v.element.children;
  for (unsigned i = 0; i < children.length && raw.size() < kControlTextBytes; ++i) {
    const auto* c = static_cast<const GumboNode*>(children.data[i]);
    if (!html::IsTextNode(c)) continue;
    text::AppendUtf8Prefix(c->v.text.text, kControlTextBytes, &raw);
    raw += ' ';
  }
  return text::CollapseWhitespace(raw);
}

// ---------------------------------------------------------------------------------------------
// What the walk collects.

struct ControlNode {
  const GumboNode* node;
  int ancestor_form;  // index of the enclosing form, or -1
  bool hidden;
};

// A step-list candidate: the container, how it was found, and whether its items are the children
// marked as steps (PrestaShop's .checkout-step sections) rather than its list items.
struct StepContainer {
  const GumboNode* node;
  std::string source;
  bool marked_items = false;
};

struct Collected {
  std::vector<ControlNode> controls;
  std::vector<StepContainer> step_containers;  // candidates, in document order; repeats possible
  std::unordered_map<std::string_view, const GumboNode*> ids;
  std::vector<std::string> card_evidence_by_form;  // parallel to forms; "" when none
  std::string card_outside_forms;                  // evidence of card frames outside any form
  bool recaptcha = false, hcaptcha = false, turnstile = false, other_captcha = false;
  std::string total_evidence;
};

bool IsControlNode(const GumboNode* n) {
  switch (n->v.element.tag) {
    case GUMBO_TAG_BUTTON:
      return true;
    case GUMBO_TAG_A:
      return html::HasAttr(n, "href");
    case GUMBO_TAG_INPUT: {
      const std::string type = text::AsciiLower(text::Trim(html::AttrOr(n, "type")));
      return type == "submit" || type == "image" || type == "button" || type == "reset";
    }
    default:
      return text::AsciiLower(text::Trim(html::AttrOr(n, "role"))) == "button";
  }
}

// A step-list container: a list, nav or block whose markup or aria-label names a progress bar,
// step list or breadcrumb.
bool IsStepContainer(const GumboNode* n, const std::string& markup, const Lexicon& cues) {
  switch (n->v.element.tag) {
    case GUMBO_TAG_OL: case GUMBO_TAG_UL: case GUMBO_TAG_NAV: case GUMBO_TAG_DIV:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_HEADER: case GUMBO_TAG_ASIDE: case GUMBO_TAG_P:
      break;
    default:
      return false;
  }
  return cues.Matches("step_container", markup) ||
         cues.Matches("step_container", text::FoldCase(html::AttrOr(n, "aria-label")));
}

// The nearest row around a total label that shows a price, read up to three ancestors up.
std::string TotalRow(const GumboNode* label, std::size_t* budget) {
  const GumboNode* n = label;
  for (int level = 0; level < 4 && html::IsElement(n); ++level, n = n->parent) {
    const std::string row = html::BoundedText(n, kRowTextBytes, budget);
    if (text::CodePointCount(row) > 2 * kMaxLabel) return {};
    if (HasPrice(text::FoldCase(row))) return row;
  }
  return {};
}

Collected Collect(const html::Document& doc, const std::unordered_map<const GumboNode*, int>& form_index,
                  std::size_t form_count, const Lexicon& cues, std::size_t* budget) {
  Collected c;
  c.card_evidence_by_form.resize(form_count);
  std::vector<std::size_t> hidden_depths;
  std::vector<std::pair<std::size_t, int>> forms;  // (depth, index) of enclosing forms
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t depth) {
    if (n->type == GUMBO_NODE_TEMPLATE) return html::Visit::kSkipChildren;
    if (!html::IsElement(n)) return html::Visit::kContinue;
    while (!hidden_depths.empty() && hidden_depths.back() >= depth) hidden_depths.pop_back();
    while (!forms.empty() && forms.back().first >= depth) forms.pop_back();
    const GumboTag tag = n->v.element.tag;
    if (tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_STYLE) return html::Visit::kSkipChildren;
    if (html::IsHiddenSelf(n)) hidden_depths.push_back(depth);
    if (tag == GUMBO_TAG_FORM) {
      if (auto it = form_index.find(n); it != form_index.end()) forms.emplace_back(depth, it->second);
    }
    if (auto id = html::Attr(n, "id"); id && !id->empty()) c.ids.emplace(*id, n);

    // Markers anywhere (scripts in <head> included): CAPTCHAs and card frames.
    const std::string markers = AttributeString(n, true);
    c.recaptcha = c.recaptcha || cues.Matches("marker_recaptcha", markers);
    c.hcaptcha = c.hcaptcha || cues.Matches("marker_hcaptcha", markers);
    c.turnstile = c.turnstile || cues.Matches("marker_turnstile", markers);
    c.other_captcha = c.other_captcha || cues.Matches("marker_captcha", markers);
    // Not on <html> or <body>: Shopify's checkout marks every page's root with "card-fields".
    if (const std::string card = tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_BODY ? std::string()
                                                                               : CueIn(cues, "marker_card_frame", markers);
        !card.empty()) {
      const std::string why = "a card-entry frame or container (" + card + ")";
      std::string& slot = forms.empty() ? c.card_outside_forms
                                        : c.card_evidence_by_form[static_cast<std::size_t>(forms.back().second)];
      if (slot.empty()) slot = why;
    }
    if (tag == GUMBO_TAG_SCRIPT) return html::Visit::kSkipChildren;

    if (IsControlNode(n)) c.controls.push_back({n, forms.empty() ? -1 : forms.back().second, !hidden_depths.empty()});
    const std::string markup = AttributeString(n, false);
    if (text::AsciiLower(html::AttrOr(n, "aria-current")) == "step") {
      const GumboNode* item = n;
      for (int up = 0; up < 3 && item->parent != nullptr && !html::Is(item, GUMBO_TAG_LI); ++up) item = item->parent;
      if (html::IsElement(item->parent)) c.step_containers.push_back({item->parent, "aria-current=step"});
    }
    if (IsStepContainer(n, markup, cues))
      c.step_containers.push_back({n, "markup " + ElementName(n)});
    if (auto cue = CueIn(cues, "step_item", markup); !cue.empty() && html::IsElement(n->parent))
      c.step_containers.push_back({n->parent, "items marked " + cue, true});

    // A total label ("Total", "Итого", "Do zapłaty") with a price in its row.
    if (c.total_evidence.empty() && hidden_depths.empty()) {
      const std::string own = OwnText(n);
      if (!own.empty() && text::CodePointCount(own) <= kMaxLabel) {
        const std::string folded = text::FoldCase(own);
        const std::string phrase = cues.Matches("order_subtotal", folded) ? "" : cues.FirstMatch("order_total", folded);
        if (!phrase.empty() && text::CodePointCount(own) <= text::CodePointCount(phrase) + kMaxTotalLabelExtra)
          c.total_evidence = TotalRow(n, budget);
      }
    }
    return html::Visit::kContinue;
  });
  return c;
}

// ---------------------------------------------------------------------------------------------
// Forms.

bool IsChoice(const FormControl& f) { return f.type == "radio" || f.tag == "select"; }

// What ReadForm learns beyond PageForm.
struct FormClues {
  bool quantity_fields = false;
  bool coupon_visible = false;
};

PageForm ReadForm(const GumboNode* node, const Form& facts, const std::string& card_frame, const Context& ctx,
                  const Lexicon& cues, FormClues* clues) {
  PageForm f;
  f.action = facts.action;
  f.method = facts.method;
  f.id = facts.id;
  f.name = facts.name;
  f.visible_text_fields = facts.visible_text_fields;
  f.other_elements = facts.other_elements;
  const std::string markup = AttributeString(node, false);
  const std::string target = FoldedPathAndQuery(facts.action);
  auto flag = [&](bool* field, const std::string& why) {
    if (!*field) f.evidence.push_back(why);
    *field = true;
  };
  if (auto cue = CueIn(cues, "url_place_order", target); !cue.empty())
    flag(&f.places_order, "places the order: its action " + Quote(facts.action) + " has " + cue);
  if (auto cue = CueIn(cues, "url_payment_gateway", FoldedHostAndPath(facts.action)); !cue.empty())
    flag(&f.places_order, "pays: its action goes to a payment gateway (" + cue + ")");
  if (auto cue = CueIn(cues, "form_places_order", markup); !cue.empty())
    flag(&f.places_order, "places the order: order-form markup " + cue);
  if (auto cue = CueIn(cues, "form_subscribes", markup + " " + target); !cue.empty())
    flag(&f.subscribes, "subscribes: newsletter or subscription form (" + cue + ")");
  if (auto cue = CueIn(cues, "url_add_to_cart", target); !cue.empty())
    flag(&f.add_to_cart, "adds to the cart: its action has " + cue);
  if (auto cue = CueIn(cues, "form_add_to_cart", markup); !cue.empty())
    flag(&f.add_to_cart, "adds to the cart: add-to-cart form markup " + cue);
  if (!card_frame.empty()) flag(&f.card_fields, "takes card data: " + card_frame);
  f.other_host = OffSite(facts.action, ctx.base_url);
  if (f.other_host) f.evidence.push_back("posts to another host: " + Quote(facts.action));

  for (const FormControl& c : facts.controls) {
    const std::string attrs =
        text::FoldCase(" id=" + c.id + " name=" + c.name + " autocomplete=" + c.autocomplete + " ");
    const std::string label = text::FoldCase(c.label + " " + c.placeholder);
    const std::string who = Quote(c.name.empty() ? (c.id.empty() ? c.label : c.id) : c.name);
    if (auto cue = CueIn(cues, "form_places_order", attrs); !cue.empty())
      flag(&f.places_order, "places the order: field " + who + " (" + cue + ")");
    if (auto cue = CueIn(cues, "form_add_to_cart", attrs); !cue.empty())
      flag(&f.add_to_cart, "adds to the cart: field " + who + " (" + cue + ")");
    if (c.type == "hidden") continue;
    if (c.text_entry || c.tag == "select") {
      std::string cue = CueIn(cues, "field_card", attrs);
      if (cue.empty() && c.text_entry) cue = CueIn(cues, "card_field_label", label);
      if (!cue.empty()) flag(&f.card_fields, "takes card data: field " + who + " (" + cue + ")");
    }
    if (IsChoice(c)) {
      if (cues.Matches("field_shipping_choice", attrs)) {
        flag(&f.shipping_choice, "chooses a shipping method: " + who);
      } else {
        std::string cue = CueIn(cues, "field_payment_choice", attrs);
        if (cue.empty()) cue = CueIn(cues, "payment_option_label", label);
        if (cue.empty() && c.type == "radio") cue = CueIn(cues, "express_payment", label);
        if (cue.empty() && c.type == "radio" && !ctx.lexicon->PaymentMethods(label).empty())
          cue = Quote(ctx.lexicon->PaymentMethods(label).front());
        if (!cue.empty()) flag(&f.payment_choice, "chooses a payment method: " + who + " (" + cue + ")");
      }
    }
    if (c.type == "checkbox") {
      std::string cue = CueIn(cues, "field_terms", attrs);
      if (cue.empty()) cue = CueIn(cues, "terms", label);
      if (!cue.empty()) flag(&f.terms_checkbox, "asks to accept terms: checkbox " + who + " (" + cue + ")");
    }
    if (c.text_entry) {
      std::string cue = CueIn(cues, "field_coupon", attrs);
      if (cue.empty()) cue = CueIn(cues, "coupon_field_label", label);
      if (!cue.empty()) {
        flag(&f.coupon_field, "has a coupon field " + who + (c.visible ? "" : " (hidden)"));
        clues->coupon_visible = clues->coupon_visible || c.visible;
      }
      if (cues.Matches("field_quantity", attrs)) clues->quantity_fields = true;
    }
  }
  return f;
}

// ---------------------------------------------------------------------------------------------
// Controls.

// What pass 1 learns about a control beyond PageControl.
struct ControlClues {
  bool to_payment = false;      // the text said "continue to payment"
  bool quick_order = false;     // the text said "buy in one click": an order, but not the checkout's last step
  bool structural_place = false;  // place_order from markup or target, not text alone
  bool marked_add = false;      // markup or href says add-to-cart
  bool marked_proceed = false;  // markup says checkout button
  bool links_to_shop_page = false;  // a GET link to a cart or checkout page
};

// The texts a shopper or a screen reader gets for control `n`, in the order of its accessible name
// (aria-labelledby, aria-label, content or an input's value, image alt, title), and last a
// button's value, which is submitted but not shown. PageControl::text is the first of them.
std::vector<std::pair<const char*, std::string>> ControlTexts(const GumboNode* n, const Collected& col,
                                                               std::size_t* budget) {
  std::vector<std::pair<const char*, std::string>> texts;
  auto add = [&](const char* source, std::string_view t) {
    std::string s = text::CollapseWhitespace(t);
    if (!s.empty()) texts.emplace_back(source, std::move(s));
  };
  std::string labelledby;
  for (const std::string& id : text::SplitTrimmed(html::AttrOr(n, "aria-labelledby"), ' '))
    if (auto it = col.ids.find(id); it != col.ids.end())
      labelledby += " " + html::BoundedText(it->second, kControlTextBytes, budget);
  add("aria-labelledby", labelledby);
  add("aria-label", html::AttrOr(n, "aria-label"));
  const bool input = html::Is(n, GUMBO_TAG_INPUT);
  if (input) add("value", html::AttrOr(n, "value"));
  else add("text", ShownText(n, budget));
  if (input) {
    add("alt", html::AttrOr(n, "alt"));
  } else if (const GumboNode* img = FindTagNear(n, GUMBO_TAG_IMG, 3)) {
    add("alt", html::AttrOr(img, "alt"));
  }
  add("title", html::AttrOr(n, "title"));
  if (html::Is(n, GUMBO_TAG_BUTTON)) add("value", html::AttrOr(n, "value"));
  return texts;
}

// Markup of up to kAncestorLevels ancestors, stopping at the form or <body>.
std::string AncestorMarkup(const GumboNode* n) {
  std::string out;
  const GumboNode* p = n->parent;
  for (std::size_t level = 0; level < kAncestorLevels && html::IsElement(p); ++level, p = p->parent) {
    if (html::Is(p, GUMBO_TAG_FORM) || html::Is(p, GUMBO_TAG_BODY)) break;
    out += AttributeString(p, false);
  }
  return out;
}

// True when a text of the control names a harmless class (update, coupon, remove, back, login,
// register): a place-order container's noscript "Update totals" updates, it does not order.
bool SaysHarmless(const std::vector<std::pair<const char*, std::string>>& texts, const Lexicon& cues) {
  for (const auto& [source, t] : texts) {
    const std::string c = ReadControlText(t, cues).concept_name;
    for (const char* harmless : {"update_cart", "apply_coupon", "remove", "back", "login", "register"})
      if (c == harmless) return true;
  }
  return false;
}

// The control's formaction resolved, or "" when it has none.
std::string FormAction(const GumboNode* n, const Context& ctx) {
  const std::string_view formaction = text::Trim(html::AttrOr(n, "formaction"));
  if (formaction.empty()) return {};
  return url::Resolve(ctx.base_url, formaction).value_or(std::string(formaction));
}

// Where a control goes and how (see PageControl::target), its type and form.
void ReadTarget(const GumboNode* n, int ancestor_form, const std::vector<PageForm>& forms, const Context& ctx,
                PageControl* c) {
  const GumboTag tag = n->v.element.tag;
  if (tag == GUMBO_TAG_A) {
    c->type = "link";
    const std::string raw(text::Trim(html::AttrOr(n, "href")));
    const std::string scheme = url::SchemeOf(raw);
    if (raw.empty() || raw[0] == '#' || scheme == "javascript") {
      c->href = raw;
    } else {
      c->href = url::Resolve(ctx.base_url, raw).value_or(raw);
      c->target = c->href;
      c->method = "get";
    }
    return;
  }
  if (tag != GUMBO_TAG_BUTTON && tag != GUMBO_TAG_INPUT) {
    c->type = "role-button";
    return;
  }
  std::string type = text::AsciiLower(text::Trim(html::AttrOr(n, "type")));
  if (tag == GUMBO_TAG_BUTTON && type != "button" && type != "reset") type = "submit";
  c->type = type;
  c->form = ancestor_form;
  if (auto owner = html::Attr(n, "form")) {  // form="id" overrides the ancestor
    c->form = -1;
    for (std::size_t i = 0; i < forms.size(); ++i)
      if (!forms[i].id.empty() && forms[i].id == *owner) {
        c->form = static_cast<int>(i);
        break;
      }
  }
  c->submits = c->form >= 0 && (type == "submit" || type == "image");
  if (!c->submits) return;
  const PageForm& f = forms[static_cast<std::size_t>(c->form)];
  const std::string formaction = FormAction(n, ctx);
  c->target = formaction.empty() ? f.action : formaction;
  const std::string formmethod = text::AsciiLower(text::Trim(html::AttrOr(n, "formmethod")));
  c->method = formmethod == "get" || formmethod == "post" ? formmethod : f.method;
}

// Pass 1: a control on its own, from its texts, markup and target.
PageControl ReadControl(const ControlNode& cn, const Collected& col, const std::vector<PageForm>& forms,
                        const Context& ctx, const Lexicon& cues, std::size_t* budget, ControlClues* clues) {
  const GumboNode* n = cn.node;
  PageControl c;
  c.tag = html::TagName(n);
  c.id = std::string(html::AttrOr(n, "id"));
  c.name = std::string(html::AttrOr(n, "name"));
  c.disabled = html::HasAttr(n, "disabled") || text::AsciiLower(html::AttrOr(n, "aria-disabled")) == "true";
  c.visible = !cn.hidden;
  ReadTarget(n, cn.ancestor_form, forms, ctx, &c);
  const auto texts = ControlTexts(n, col, budget);
  if (!texts.empty()) c.text = texts.front().second;

  const std::string markup = AttributeString(n, false);
  const std::string ancestors = AncestorMarkup(n);
  const std::string target = FoldedPathAndQuery(c.target);
  auto decide = [&](ControlAction a, std::string why) {
    c.action = a;
    c.evidence.push_back(std::move(why));
  };
  // 1. Markup or target that places the order.
  if (auto cue = CueIn(cues, "attr_place_order", markup); !cue.empty()) {
    decide(ControlAction::kPlaceOrder, "place-order markup " + cue);
  } else if (auto cue2 = CueIn(cues, "ancestor_place_order", ancestors);
             !cue2.empty() && c.type != "link" && !SaysHarmless(texts, cues)) {
    decide(ControlAction::kPlaceOrder, "inside a place-order container " + cue2);
  } else if (auto cue3 = CueIn(cues, "url_place_order", target); !cue3.empty() && c.type == "link") {
    decide(ControlAction::kPlaceOrder, "links to an order-placing URL " + Quote(c.target) + " (" + cue3 + ")");
  } else if (auto cue4 = CueIn(cues, "url_place_order", FoldedPathAndQuery(FormAction(n, ctx))); !cue4.empty()) {
    decide(ControlAction::kPlaceOrder, "its formaction places the order (" + cue4 + ")");
  }
  clues->structural_place = c.action == ControlAction::kPlaceOrder;
  // 2. and 3. Texts, strongest class over all of them.
  std::size_t best = std::size(kActionCues);
  TextCue best_cue;
  std::string best_text;
  const char* best_source = "";
  for (const auto& [source, t] : texts) {
    const TextCue cue = ReadControlText(t, cues);
    if (cue.concept_name.empty()) continue;
    for (std::size_t i = 0; i < best; ++i)
      if (cue.concept_name == kActionCues[i].text) {
        best = i;
        best_cue = cue;
        best_text = t;
        best_source = source;
      }
  }
  const bool express_markup = cues.Matches("attr_express_payment", markup) ||
                              cues.Matches("ancestor_express_payment", ancestors);
  if (c.action == ControlAction::kUnknown && (best == 0 || express_markup)) {
    decide(ControlAction::kExpressPayment,
           best == 0 ? std::string(best_source) + " " + Quote(best_text) + " names an express payment (" +
                           Quote(best_cue.phrase) + ")"
                     : "express-payment markup");
  }
  if (c.action == ControlAction::kUnknown && best < std::size(kActionCues)) {
    clues->to_payment = best_cue.concept_name == "to_payment";
    clues->quick_order = best_cue.concept_name == "quick_order";
    decide(kActionCues[best].action, std::string(best_source) + " " + Quote(best_text) + " has " +
                                         best_cue.concept_name + " phrase " + Quote(best_cue.phrase));
  }
  // 4. Markup cues.
  for (const ActionCue& ac : kActionCues) {
    if (ac.markup == nullptr) continue;
    const std::string cue = CueIn(cues, ac.markup, markup);
    if (cue.empty()) continue;
    if (ac.action == ControlAction::kAddToCart) clues->marked_add = true;
    if (ac.action == ControlAction::kProceedToCheckout) clues->marked_proceed = true;
    if (c.action == ControlAction::kUnknown) decide(ac.action, std::string(ac.markup) + " markup " + cue);
  }
  // 5. Links to add-to-cart URLs and to cart or checkout pages.
  if (c.type == "link" && !target.empty()) {
    if (auto cue = CueIn(cues, "url_add_to_cart", target); !cue.empty()) {
      clues->marked_add = true;
      if (c.action == ControlAction::kUnknown) decide(ControlAction::kAddToCart, "links to add-to-cart URL " + cue);
    }
    clues->links_to_shop_page = !OffSite(c.target, ctx.base_url) && (ctx.lexicon->Matches("url_checkout", target) ||
                                                                      ctx.lexicon->Matches("url_cart", target));
  }
  if (!c.target.empty() && (cues.Matches("url_place_order", target) ||
                            cues.Matches("url_payment_gateway", FoldedHostAndPath(c.target)))) {
    c.order_target = true;
  }
  c.off_site = OffSite(c.target, ctx.base_url);
  return c;
}

// Why `f` makes its buttons final (card fields, order placing, payment choice, terms), or "".
std::string FinalContext(const PageForm& f) {
  if (f.card_fields) return "a form that takes card data";
  if (f.places_order) return "a form that places the order";
  if (f.payment_choice) return "a form that chooses the payment method";
  if (f.terms_checkbox) return "a form with a terms checkbox";
  return {};
}

// Pass 2: ambiguous_order and "continue to payment" in the light of their form and target.
void SettleAmbiguous(const std::vector<PageForm>& forms, const ControlClues& clues, PageControl* c) {
  if (c->action != ControlAction::kAmbiguousOrder) return;
  const PageForm* f = c->form >= 0 ? &forms[static_cast<std::size_t>(c->form)] : nullptr;
  auto settle = [&](ControlAction a, std::string why) {
    c->action = a;
    c->evidence.push_back(std::move(why));
  };
  if (f != nullptr && !FinalContext(*f).empty()) {
    settle(ControlAction::kPlaceOrder, "a button of " + FinalContext(*f) + ", so it places the order");
  } else if (clues.to_payment) {
    if (f != nullptr && (f->shipping_choice || f->visible_text_fields > 0))
      settle(ControlAction::kContinueStep, "submits a form of shipping choices or text fields, so it continues");
    else if (clues.links_to_shop_page)
      settle(ControlAction::kContinueStep, "a link to a checkout page " + Quote(c->target));
  } else if ((f != nullptr && f->add_to_cart) || clues.marked_add) {
    settle(ControlAction::kAddToCart, f != nullptr && f->add_to_cart
                                          ? "inside an add-to-cart form (action " + Quote(f->action) + ")"
                                          : "marked as add-to-cart");
  } else if (clues.marked_proceed) {
    settle(ControlAction::kProceedToCheckout, "marked as a checkout button");
  } else if (clues.links_to_shop_page) {
    settle(ControlAction::kProceedToCheckout, "a link to a cart or checkout page " + Quote(c->target));
  } else if (f != nullptr && f->cart && c->submits) {
    settle(ControlAction::kProceedToCheckout, "submits the cart form");
  }
  if (c->action == ControlAction::kAmbiguousOrder)
    c->evidence.push_back("nothing around it says whether it adds to the cart, goes to checkout or places the order");
}

// ---------------------------------------------------------------------------------------------
// Step indicator.

// A step name without numbers, icons and separators: "✓ 2. Shipping ›" -> "Shipping",
// "Step 3: Payment" -> "Payment".
std::string CleanStepName(std::string_view raw) {
  std::vector<std::string> words = text::SplitTrimmed(text::CollapseWhitespace(raw), ' ');
  auto has_letter = [](const std::string& w) {
    for (std::size_t i = 0; i < w.size(); ++i) {
      const auto b = static_cast<unsigned char>(w[i]);
      if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) return true;
      if (b >= 0xC3 && b <= 0xD4) return true;  // Latin-1 Supplement to Cyrillic lead bytes
    }
    return false;
  };
  auto is_number = [](const std::string& w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char ch) {
      return (ch >= '0' && ch <= '9') || ch == '.' || ch == ':' || ch == ')' || ch == '/';
    });
  };
  std::size_t start = 0;
  while (start < words.size() && !has_letter(words[start])) ++start;
  // "Step 3", "Krok 3", "Шаг 3": a short word before a number.
  if (start + 1 < words.size() && is_number(words[start + 1]) && text::CodePointCount(words[start]) <= 6) start += 2;
  std::size_t end = words.size();
  while (end > start && !has_letter(words[end - 1])) --end;
  std::string out;
  for (std::size_t i = start; i < end; ++i) out += (out.empty() ? "" : " ") + words[i];
  return out;
}

// The items of a step container: its children marked as steps, else the <li>s of its list, else its
// element children, else the container itself (a breadcrumb written as one text).
std::vector<const GumboNode*> StepItems(const StepContainer& sc, const Lexicon& cues) {
  const GumboNode* container = sc.node;
  const GumboNode* list = container;
  if (!sc.marked_items && !html::Is(list, GUMBO_TAG_OL) && !html::Is(list, GUMBO_TAG_UL)) {
    const GumboNode* ol = FindTagNear(container, GUMBO_TAG_OL, 3);
    list = ol != nullptr ? ol : FindTagNear(container, GUMBO_TAG_UL, 3);
    if (list == nullptr) list = container;
  }
  std::vector<const GumboNode*> items;
  const GumboVector& children = list->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* ch = static_cast<const GumboNode*>(children.data[i]);
    if (!html::IsElement(ch) || html::IsNonRendered(ch) || html::Is(ch, GUMBO_TAG_SVG)) continue;
    if (sc.marked_items && !cues.Matches("step_item", AttributeString(ch, false))) continue;
    items.push_back(ch);
  }
  if (items.empty()) items.push_back(container);
  return items;
}

// The name shown for a step item: its heading's own text when it has a heading (PrestaShop's step
// sections hold whole forms, and their headings a step number and an "edit" link), else its text.
std::string StepItemText(const GumboNode* item, std::size_t* budget) {
  if (const GumboNode* heading = FindNear(item, 3, [](const GumboNode* n) { return html::HeadingLevel(n) > 0; })) {
    std::string own = OwnText(heading);
    return own.empty() ? html::BoundedText(heading, kControlTextBytes, budget) : own;
  }
  return html::BoundedText(item, kControlTextBytes, budget);
}

// "current", "done" or "" for a step item, from aria-current and its (or its children's) classes.
std::string StepState(const GumboNode* item, const Lexicon& cues) {
  std::string state;
  html::Walk(item, [&](const GumboNode* n, std::size_t depth) {
    if (depth > 2) return html::Visit::kSkipChildren;
    if (!html::IsElement(n)) return html::Visit::kContinue;
    const std::string current = text::AsciiLower(html::AttrOr(n, "aria-current"));
    const std::string classes = " " + text::FoldCase(html::AttrOr(n, "class")) + " ";
    if ((!current.empty() && current != "false") || cues.Matches("step_current", classes)) {
      state = "current";
      return html::Visit::kStop;
    }
    if (state.empty() && cues.Matches("step_done", classes)) state = "done";
    return html::Visit::kContinue;
  });
  return state;
}

struct StepCandidate {
  StepIndicator indicator;
  std::size_t matched = 0;
};

StepCandidate ReadStepCandidate(const StepContainer& container, const Lexicon& cues, std::size_t* budget) {
  StepCandidate cand;
  std::vector<std::pair<std::string, std::string>> steps;  // (name, state)
  for (const GumboNode* item : StepItems(container, cues)) {
    const std::string name = CleanStepName(StepItemText(item, budget));
    if (name.empty()) continue;
    steps.emplace_back(name, StepState(item, cues));
  }
  // A breadcrumb written as one text: "Cart › Information › Shipping › Payment".
  if (steps.size() == 1) {
    std::string joined = steps.front().first;
    for (std::string_view sep : {"›", "»", "→", ">", "|", "·", "/"})
      for (std::size_t pos = joined.find(sep); pos != std::string::npos; pos = joined.find(sep, pos + 1))
        joined.replace(pos, sep.size(), "\x1F");
    steps.clear();
    for (const std::string& part : text::SplitTrimmed(joined, '\x1F'))
      if (auto name = CleanStepName(part); !name.empty()) steps.emplace_back(name, "");
  }
  for (const auto& [name, state] : steps) {
    if (text::CodePointCount(name) <= kMaxStepName && cues.Matches("step_name", text::FoldCase(name))) ++cand.matched;
    if (state == "current" && cand.indicator.current < 0)
      cand.indicator.current = static_cast<int>(cand.indicator.steps.size());
    cand.indicator.steps.push_back({name, state});
  }
  return cand;
}

StepIndicator FindSteps(const std::vector<StepContainer>& containers, const Lexicon& cues, std::size_t* budget) {
  StepCandidate best;
  std::set<std::pair<const GumboNode*, bool>> seen;  // a container read both ways is read twice
  for (const StepContainer& container : containers) {
    if (!seen.emplace(container.node, container.marked_items).second) continue;
    StepCandidate cand = ReadStepCandidate(container, cues, budget);
    const std::size_t items = cand.indicator.steps.size();
    if (items < 2 || cand.matched < 2 || cand.matched * 2 < items) continue;
    const bool better = cand.matched > best.matched ||
                        (cand.matched == best.matched && cand.indicator.current >= 0 && best.indicator.current < 0);
    if (!better) continue;
    cand.indicator.source = container.source;
    best = std::move(cand);
  }
  return best.indicator;
}

}  // namespace

const char* ControlActionName(ControlAction action) {
  switch (action) {
    case ControlAction::kPlaceOrder: return "place_order";
    case ControlAction::kSubscribe: return "subscribe";
    case ControlAction::kExpressPayment: return "express_payment";
    case ControlAction::kAmbiguousOrder: return "ambiguous_order";
    case ControlAction::kAddToCart: return "add_to_cart";
    case ControlAction::kProceedToCheckout: return "proceed_to_checkout";
    case ControlAction::kContinueStep: return "continue_step";
    case ControlAction::kGuestCheckout: return "guest_checkout";
    case ControlAction::kLogin: return "login";
    case ControlAction::kRegister: return "register";
    case ControlAction::kApplyCoupon: return "apply_coupon";
    case ControlAction::kUpdateCart: return "update_cart";
    case ControlAction::kRemove: return "remove";
    case ControlAction::kBack: return "back";
    case ControlAction::kUnknown: return "unknown";
  }
  return "unknown";
}

const char* SafetyName(Safety safety) {
  switch (safety) {
    case Safety::kSafe: return "safe";
    case Safety::kForbidden: return "forbidden";
    case Safety::kUnsure: return "unsure";
  }
  return "unsure";
}

const Lexicon& CheckoutLexicon() { return Lexicon::Embedded("rules/checkout-lexicon.json"); }

TextCue ReadControlText(std::string_view text, const Lexicon& cues) {
  const std::string label = text::CollapseWhitespace(text);
  if (label.empty() || text::CodePointCount(label) > kMaxLabel) return {};
  const std::string folded = text::FoldCase(label);
  for (const ActionCue& ac : kActionCues) {
    std::string phrase = cues.FirstMatch(ac.text, folded);
    if (!phrase.empty()) return {ac.text, std::move(phrase)};
  }
  return {};
}

CheckoutPage ReadCheckoutPage(const html::Document& doc, const Context& ctx, const Lexicon& cues) {
  CheckoutPage page;
  std::size_t budget = kTextBudget;
  const FormFacts form_facts = ExtractForms(doc, ctx);
  const std::vector<const GumboNode*> form_nodes = html::FindAll(doc.root(), GUMBO_TAG_FORM);
  std::unordered_map<const GumboNode*, int> form_index;
  for (std::size_t i = 0; i < form_nodes.size(); ++i) form_index.emplace(form_nodes[i], static_cast<int>(i));
  const Collected col = Collect(doc, form_index, form_nodes.size(), cues, &budget);

  std::vector<FormClues> form_clues(form_nodes.size());
  for (std::size_t i = 0; i < form_nodes.size(); ++i) {
    const Form facts = i < form_facts.forms.size() ? form_facts.forms[i] : Form{};
    page.forms.push_back(ReadForm(form_nodes[i], facts, col.card_evidence_by_form[i], ctx, cues, &form_clues[i]));
  }

  // Pass 1: every control on its own; forms learn from the controls they hold.
  std::vector<ControlClues> clues(col.controls.size());
  for (std::size_t i = 0; i < col.controls.size(); ++i)
    page.controls.push_back(ReadControl(col.controls[i], col, page.forms, ctx, cues, &budget, &clues[i]));
  auto holds = [&](ControlAction action, bool PageForm::*flag, const char* what) {
    for (std::size_t i = 0; i < page.controls.size(); ++i) {
      const PageControl& c = page.controls[i];
      if (c.form < 0 || c.action != action || clues[i].quick_order) continue;
      PageForm& f = page.forms[static_cast<std::size_t>(c.form)];
      if (!(f.*flag)) f.evidence.push_back(std::string(what) + Quote(c.text.empty() ? c.id : c.text));
      f.*flag = true;
    }
  };
  holds(ControlAction::kPlaceOrder, &PageForm::places_order, "places the order: holds the place-order control ");
  holds(ControlAction::kUpdateCart, &PageForm::cart, "a cart form: holds the update-cart control ");
  for (std::size_t i = 0; i < page.forms.size(); ++i) {
    PageForm& f = page.forms[i];
    if (f.add_to_cart) {
      f.cart = false;
      continue;
    }
    const bool cart_action = ctx.lexicon->Matches("url_cart", FoldedPathAndQuery(f.action));
    if (!f.cart && (form_clues[i].quantity_fields || cart_action))
      f.evidence.push_back(form_clues[i].quantity_fields ? "a cart form: quantity fields" : "a cart form: cart action");
    f.cart = f.cart || form_clues[i].quantity_fields || cart_action;
  }

  // Pass 2: ambiguous controls in the light of their forms.
  for (std::size_t i = 0; i < page.controls.size(); ++i) SettleAmbiguous(page.forms, clues[i], &page.controls[i]);
  holds(ControlAction::kPlaceOrder, &PageForm::places_order, "places the order: holds the place-order control ");

  // Page signals.
  page.order_total = !col.total_evidence.empty();
  page.order_total_evidence = text::Truncate(col.total_evidence, kEvidenceCodePoints);
  for (std::size_t i = 0; i < page.forms.size(); ++i) {
    const PageForm& f = page.forms[i];
    page.coupon_field = page.coupon_field || f.coupon_field;
    page.coupon_field_visible = page.coupon_field_visible || form_clues[i].coupon_visible;
    page.terms_checkbox = page.terms_checkbox || f.terms_checkbox;
    page.card_entry = page.card_entry || f.card_fields;
  }
  page.card_entry = page.card_entry || !col.card_outside_forms.empty();
  if (col.recaptcha) page.captchas.emplace_back("recaptcha");
  if (col.hcaptcha) page.captchas.emplace_back("hcaptcha");
  if (col.turnstile) page.captchas.emplace_back("turnstile");
  if (col.other_captcha && page.captchas.empty()) page.captchas.emplace_back("captcha");
  page.steps = FindSteps(col.step_containers, cues, &budget);

  // The final step: what holds or makes the order.
  auto final_because = [&](std::string why) {
    page.final_step = true;
    page.final_step_evidence.push_back(std::move(why));
  };
  for (std::size_t i = 0; i < page.controls.size(); ++i) {
    const PageControl& c = page.controls[i];
    if (c.action == ControlAction::kPlaceOrder && !clues[i].quick_order &&
        (c.type != "link" || clues[i].structural_place))
      final_because("control " + std::to_string(i) + " " + Quote(c.text) + " places the order");
  }
  for (std::size_t i = 0; i < page.forms.size(); ++i) {
    const PageForm& f = page.forms[i];
    const std::string form = "form " + std::to_string(i) + " ";
    if (f.card_fields) final_because(form + "takes card data");
    else if (f.places_order) final_because(form + "places the order");
    else if (f.payment_choice && (f.terms_checkbox || page.order_total))
      final_because(form + "chooses the payment method beside " +
                    (f.terms_checkbox ? std::string("a terms checkbox") : "the order total"));
  }
  if (!col.card_outside_forms.empty()) final_because("the page holds " + col.card_outside_forms);
  return page;
}

ActivationVerdict JudgeActivation(const CheckoutPage& page, std::size_t control) {
  if (control >= page.controls.size())
    return {Safety::kUnsure, "no-such-control", "control " + std::to_string(control) + " is not on the page"};
  const PageControl& c = page.controls[control];
  const PageForm* f = c.form >= 0 && static_cast<std::size_t>(c.form) < page.forms.size()
                          ? &page.forms[static_cast<std::size_t>(c.form)]
                          : nullptr;
  const std::string who = std::string(ControlActionName(c.action)) + " control " + Quote(c.text);
  auto verdict = [&](Safety s, const char* rule, const std::string& why) {
    return ActivationVerdict{s, rule, who + ": " + why};
  };
  auto evidence = [&] { return c.evidence.empty() ? std::string("no evidence") : c.evidence.back(); };
  using A = ControlAction;
  switch (c.action) {
    case A::kPlaceOrder: return verdict(Safety::kForbidden, "place-order", "it places the order (" + evidence() + ")");
    case A::kSubscribe: return verdict(Safety::kForbidden, "subscribe", "it subscribes (" + evidence() + ")");
    case A::kExpressPayment:
      return verdict(Safety::kForbidden, "express-payment", "it starts a payment (" + evidence() + ")");
    default: break;
  }
  if (f != nullptr && f->card_fields) return verdict(Safety::kForbidden, "card-form", "its form takes card data");
  if (f != nullptr && f->places_order) return verdict(Safety::kForbidden, "order-form", "its form places the order");
  if (f != nullptr && f->subscribes) return verdict(Safety::kForbidden, "subscribe-form", "its form subscribes");
  if (c.order_target)
    return verdict(Safety::kForbidden, "order-target", "it goes to an order-placing or payment URL " + Quote(c.target));
  if (c.action == A::kAmbiguousOrder)
    return verdict(Safety::kUnsure, "ambiguous", "it may place the order; nothing around it settles what it does");
  if (c.action == A::kUnknown) return verdict(Safety::kUnsure, "unknown", "what it does is not known");
  if (c.disabled || !c.visible)
    return verdict(Safety::kUnsure, "inactive", c.disabled ? "it is disabled" : "it is hidden from the shopper");
  if (c.target.empty()) return verdict(Safety::kUnsure, "needs-script", "it does nothing without scripts");
  if (c.off_site) return verdict(Safety::kUnsure, "other-host", "it leaves the site for " + Quote(c.target));
  if (f != nullptr && f->payment_choice)
    return verdict(Safety::kUnsure, "payment-choice", "its form chooses the payment method, so it may pay");
  if (f != nullptr && f->terms_checkbox && c.action != A::kLogin && c.action != A::kRegister &&
      c.action != A::kGuestCheckout)
    return verdict(Safety::kUnsure, "terms-form", "its form asks to accept the terms, as final steps do");
  if (page.final_step && (c.action == A::kContinueStep || c.action == A::kProceedToCheckout))
    return verdict(Safety::kUnsure, "final-step", "this page holds the order's final control, so going on may order");
  if (c.action == A::kContinueStep && c.submits && c.method == "post" && f != nullptr && f->visible_text_fields == 0 &&
      f->other_elements == 0 && page.order_total)
    return verdict(Safety::kUnsure, "bare-confirm",
                   "it posts a form that asks for nothing beside the order total, as an order review does");
  return verdict(Safety::kSafe, "safe", "no sign that it orders, pays or subscribes (" + evidence() + ")");
}

std::vector<std::size_t> SafeControls(const CheckoutPage& page, ControlAction action) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < page.controls.size(); ++i)
    if (page.controls[i].action == action && JudgeActivation(page, i).safety == Safety::kSafe) out.push_back(i);
  std::stable_partition(out.begin(), out.end(), [&](std::size_t i) { return page.controls[i].submits; });
  return out;
}

}  // namespace mmaudit::facts
