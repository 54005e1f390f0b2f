// ExtractCommerce: can the shopper see what the product is, what it costs, and buy it?
//
// Markup facts come from the first Product item (its first offer that carries a price). DOM facts
// come from one iterative walk over the page, skipping <head>, <script>/<style>/<template> and
// subtrees hidden by their own markup (hidden, aria-hidden, inline display:none), and from the
// page's visible text (html::VisibleText, which skips the same subtrees):
//  - visible_price: a number next to a currency sign or code in the visible text (see HasPrice);
//  - add_to_cart / buy_now_control: a <button>, <a>, <input type=submit|button|image> or
//    role=button element whose text, value, aria-label or title (at most 60 code points) matches
//    the lexicon cue "add_to_cart" / "buy_now"; for add-to-cart also a form whose action looks like
//    a cart endpoint ("cart/add", "add-to-cart", "basket/add", "addtocart", "add_to_cart") and
//    that has an enabled submit control (a sold-out form with only a disabled "Sold out" button
//    does not count), a form control named "add-to-cart" (WooCommerce), or a link to "cart/add" or
//    with an add-to-cart= query. The evidence is the first such control's text, else the form
//    action;
//  - description_chars: the longest text of an element whose id/class contains "description";
//  - specs_table: a <table> or <dl> inside a "spec box" (see IsSpecBox, or a <details> whose
//    <summary> matches the cue "specs"), or after a heading matching "specs" up to the next
//    heading of the same or a higher rank;
//  - shipping_info / returns_info / payment_methods from the visible text, aria-labels, titles
//    and image alts, or from markup (OfferShippingDetails, MerchantReturnPolicy).
// Element texts are read under a page-wide node budget, so hostile nesting stays linear.
#include <algorithm>
#include <limits>
#include <charconv>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <unordered_set>
#include <vector>

#include "core/text.h"
#include "facts/extract.h"
#include "html/document.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

constexpr std::size_t kTextBudget = 1'000'000;         // nodes visited by all element-text reads
constexpr std::size_t kElementTextBytes = 256 * 1024;  // per element-text read (descriptions)
constexpr std::size_t kVisibleTextBytes = 1 << 20;     // visible text; also caps the labels
constexpr std::size_t kMaxControlLabel = 60;           // code points; longer texts are not buttons
constexpr std::size_t kControlTextBytes = 16 * kMaxControlLabel;  // raw bytes read for a control's label
constexpr std::size_t kEvidenceCodePoints = 80;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Whether the character starting at / ending before byte `i` is a letter. Non-ASCII characters
// count as letters except those with lead byte 0xE2 (punctuation, spaces, currency signs).
bool LetterAt(std::string_view s, std::size_t i) {
  if (i >= s.size()) return false;
  const auto c = static_cast<unsigned char>(s[i]);
  return c < 0x80 ? IsAsciiLetter(s[i]) : c != 0xE2;
}
bool LetterBefore(std::string_view s, std::size_t i) {
  if (i == 0) return false;
  std::size_t lead = i - 1;
  while (lead > 0 && (static_cast<unsigned char>(s[lead]) & 0xC0) == 0x80) --lead;
  return LetterAt(s, lead);
}

// Length of a space (ASCII, narrow no-break U+202F or thin U+2009) at s[i], or 0.
std::size_t SpaceAt(std::string_view s, std::size_t i) {
  if (i < s.size() && s[i] == ' ') return 1;
  if (s.substr(i, 3) == "\xE2\x80\xAF" || s.substr(i, 3) == "\xE2\x80\x89") return 3;
  return 0;
}
std::size_t SpaceBefore(std::string_view s, std::size_t i) {
  if (i >= 1 && s[i - 1] == ' ') return 1;
  if (i >= 3 && (s.substr(i - 3, 3) == "\xE2\x80\xAF" || s.substr(i - 3, 3) == "\xE2\x80\x89")) return 3;
  return 0;
}

// The earliest currency sign or code in `s` with a digit beside it (one space allowed between), as
// (position, length); nullopt when none. Signs may touch letters ("us$"); codes and abbreviations
// may not.
std::optional<std::pair<std::size_t, std::size_t>> FirstPriceMark(std::string_view s) {
  static constexpr std::string_view kSigns[] = {"€", "$", "£", "¥", "₽", "₴", "₹", "₺", "₪", "₩", "₸"};
  static constexpr std::string_view kCodes[] = {"zł", "zl", "pln", "eur", "usd", "gbp", "rub", "руб", "р.",
                                                "грн", "uah", "chf", "czk", "kč", "sek", "nok", "dkk",
                                                "kr", "huf", "cad", "aud", "brl"};
  // The sign or code ending at `end` (a code must not follow a letter), as (position, length).
  auto mark_ending_at = [&](std::size_t end) -> std::optional<std::pair<std::size_t, std::size_t>> {
    const std::string_view head = s.substr(0, end);
    for (std::string_view sign : kSigns)
      if (text::EndsWith(head, sign)) return std::make_pair(end - sign.size(), sign.size());
    for (std::string_view code : kCodes)
      if (text::EndsWith(head, code) && !LetterBefore(s, end - code.size()))
        return std::make_pair(end - code.size(), code.size());
    return std::nullopt;
  };
  // The sign or code starting at `pos` (a code must not run into a letter).
  auto mark_starting_at = [&](std::size_t pos) -> std::optional<std::pair<std::size_t, std::size_t>> {
    const std::string_view tail = s.substr(pos);
    for (std::string_view sign : kSigns)
      if (text::StartsWith(tail, sign)) return std::make_pair(pos, sign.size());
    for (std::string_view code : kCodes)
      if (text::StartsWith(tail, code) && !LetterAt(s, pos + code.size())) return std::make_pair(pos, code.size());
    return std::nullopt;
  };
  // A mark has a digit beside it, so only the edges of digit runs need looking at, in text order:
  // the first run with a mark just before or after it holds the earliest mark.
  for (std::size_t i = text::FindByteInRange(s, 0, '0', '9'); i < s.size(); i = text::FindByteInRange(s, i, '0', '9')) {
    std::size_t j = i;
    while (j < s.size() && IsDigit(s[j])) ++j;
    if (auto m = mark_ending_at(i - SpaceBefore(s, i))) return m;
    if (auto m = mark_starting_at(j + SpaceAt(s, j))) return m;
    i = j;
  }
  return std::nullopt;
}

std::optional<double> ParsePrice(std::string_view s);

// True when s[k, k+3) are digits not followed by another digit: a thousands group after a space.
bool GroupAt(std::string_view s, std::size_t k) {
  if (k + 3 > s.size()) return false;
  for (std::size_t i = k; i < k + 3; ++i)
    if (!IsDigit(s[i])) return false;
  return k + 3 == s.size() || !IsDigit(s[k + 3]);
}

// True when 1-3 digits end at `end` and stand alone before it (not part of "CZ-17" or "x17"): the
// leading group of a number written with spaces, as in "1 299,00".
bool LeadingGroupBefore(std::string_view s, std::size_t end) {
  std::size_t start = end;
  while (start > 0 && IsDigit(s[start - 1]) && end - start < 4) --start;
  if (start == end || end - start > 3) return false;
  return start == 0 || (s[start - 1] != '-' && !LetterBefore(s, start) && !IsDigit(s[start - 1]));
}

bool NumberChar(char c) { return IsDigit(c) || c == '.' || c == ',' || c == '\''; }

}  // namespace

bool HasPrice(std::string_view s) { return FirstPriceMark(s).has_value(); }

std::optional<double> FirstPriceValue(std::string_view s) {
  const auto mark = FirstPriceMark(s);
  if (!mark) return std::nullopt;
  const auto [pos, len] = *mark;
  std::size_t begin = 0, end = 0;
  if (const std::size_t after = pos + len + SpaceAt(s, pos + len); after < s.size() && IsDigit(s[after])) {
    // "€ 1 299,00": forward over digits, separators and spaces before a group of three digits.
    begin = end = after;
    while (end < s.size()) {
      if (NumberChar(s[end])) ++end;
      else if (const std::size_t sp = SpaceAt(s, end); sp > 0 && IsDigit(s[end - 1]) && GroupAt(s, end + sp)) end += sp;
      else break;
    }
  } else {
    // "1 299,00 zł": backward the same way.
    begin = end = pos - SpaceBefore(s, pos);
    while (begin > 0) {
      if (NumberChar(s[begin - 1])) --begin;
      else if (const std::size_t sp = SpaceBefore(s, begin); sp > 0 && GroupAt(s, begin) && LeadingGroupBefore(s, begin - sp))
        begin -= sp;
      else break;
    }
  }
  while (begin < end && !IsDigit(s[begin])) ++begin;
  while (end > begin && !IsDigit(s[end - 1])) --end;
  return ParsePrice(s.substr(begin, end - begin));
}

namespace {

// "129.90", "129,90", "1 299,00", "1,299.00", "1.299,00" -> a number. Markup prices should use a
// dot; a lone comma is a decimal comma unless exactly three digits follow it.
std::optional<double> ParsePrice(std::string_view s) {
  std::string num;
  bool started = false;
  for (char c : text::CollapseWhitespace(s)) {
    if (IsDigit(c)) {
      started = true;
      num += c;
    } else if (started && (c == '.' || c == ',')) {
      num += c;
    } else if (started && c != ' ' && c != '\'') {
      break;
    }
  }
  const std::size_t last_dot = num.rfind('.'), last_comma = num.rfind(',');
  char decimal = 0;
  if (last_dot != std::string::npos && last_comma != std::string::npos) {
    decimal = last_dot > last_comma ? '.' : ',';
  } else if (last_dot != std::string::npos) {
    decimal = num.find('.') == last_dot ? '.' : 0;
  } else if (last_comma != std::string::npos) {
    decimal = num.find(',') == last_comma && num.size() - last_comma - 1 != 3 ? ',' : 0;
  }
  std::string clean;
  for (char c : num) {
    if (IsDigit(c)) clean += c;
    else if (c == decimal) clean += '.';
  }
  double v = 0;
  const auto res = std::from_chars(clean.data(), clean.data() + clean.size(), v);
  if (res.ec != std::errc() || res.ptr == clean.data()) return std::nullopt;
  return v;
}

// "https://schema.org/InStock", "schema:InStock", "InStock" -> "InStock".
std::string ShortEnum(std::string_view s) {
  s = text::Trim(s);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  if (const std::size_t slash = s.rfind('/'); slash != std::string_view::npos) s.remove_prefix(slash + 1);
  if (const std::size_t colon = s.rfind(':'); colon != std::string_view::npos) s.remove_prefix(colon + 1);
  return std::string(s);
}

// Markup descriptions may hold HTML.
std::size_t PlainLength(std::string_view s) {
  std::string out;
  bool in_tag = false;
  for (char c : s) {
    if (c == '<') in_tag = true;
    if (!in_tag) out += c;
    if (c == '>' && in_tag) {
      in_tag = false;
      out += ' ';
    }
  }
  return text::CodePointCount(text::CollapseWhitespace(out));
}

// True when any item (at any depth) has the property `name`.
bool AnyItemHas(const StructuredData& sd, const std::string& name) {
  std::vector<const SdItem*> stack;
  std::unordered_set<const SdItem*> seen;
  for (const auto& item : sd.items)
    if (item) stack.push_back(item.get());
  while (!stack.empty()) {
    const SdItem* item = stack.back();
    stack.pop_back();
    if (!seen.insert(item).second) continue;
    if (!item->Get(name)->empty()) return true;
    for (const auto& [key, values] : item->properties)
      for (const SdValue& v : values)
        if (v.item) stack.push_back(v.item.get());
  }
  return false;
}

// The price text of an offer: AggregateOffer lowPrice, else price, else priceSpecification.price.
std::string OfferPrice(const SdItem& offer) {
  std::string price = offer.IsA("AggregateOffer") ? offer.Text("lowPrice") : std::string();
  if (price.empty()) price = offer.Text("price");
  if (const SdItem* spec = offer.Item("priceSpecification"); price.empty() && spec != nullptr)
    price = spec->Text("price");
  return price;
}

std::string OfferCurrency(const SdItem& offer) {
  std::string currency = offer.Text("priceCurrency");
  if (const SdItem* spec = offer.Item("priceSpecification"); currency.empty() && spec != nullptr)
    currency = spec->Text("priceCurrency");
  return text::CollapseWhitespace(currency);
}

// Product facts from the first Product: price, currency and availability come from its first
// offer with a parseable price, or from its first offer when none has one.
void FromMarkup(const StructuredData& sd, CommerceFacts* f) {
  const std::vector<const SdItem*> products = sd.FindAll("Product");
  f->product_markup = !products.empty();
  if (products.empty()) return;
  const SdItem& product = *products.front();
  f->product_name = text::CollapseWhitespace(product.Text("name"));
  f->description_chars = PlainLength(product.Text("description"));

  std::vector<const SdItem*> offers;
  for (const SdValue& v : *product.Get("offers"))
    if (v.item) offers.push_back(v.item.get());
  f->offers = offers.size();
  if (offers.empty()) return;
  const SdItem* chosen = offers.front();
  for (const SdItem* offer : offers) {
    if (auto price = ParsePrice(OfferPrice(*offer))) {
      f->price = price;
      chosen = offer;
      break;
    }
  }
  f->currency = OfferCurrency(*chosen);
  f->availability = ShortEnum(chosen->Text("availability"));
}

bool IsCartEndpoint(std::string_view action) {
  const std::string a = text::AsciiLower(action);
  for (std::string_view cue : {"cart/add", "add-to-cart", "basket/add", "addtocart", "add_to_cart"})
    if (text::Contains(a, cue)) return true;
  return false;
}

// Buttons, links and submit-like inputs.
bool IsControl(const GumboNode* n) {
  switch (n->v.element.tag) {
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_A:
      return true;
    case GUMBO_TAG_INPUT: {
      const std::string type = text::AsciiLower(text::Trim(html::AttrOr(n, "type")));
      return type == "submit" || type == "button" || type == "image";
    }
    default:
      return text::EqualsIgnoreCase(html::AttrOr(n, "role"), "button");
  }
}

// True when the lower-case class or id attribute contains one of `cues`.
bool NamesContain(const GumboNode* n, std::initializer_list<std::string_view> cues) {
  for (std::string_view attr : {"class", "id"}) {
    const std::string_view v = html::AttrOr(n, attr);
    for (std::string_view cue : cues)
      if (text::ContainsIgnoreCase(v, cue)) return true;
  }
  return false;
}

// A container of product specifications by its class or id: "spec" (but not as part of "special",
// "perspective", "inspect" or "respect"), "attributes" or "properties".
bool IsSpecBox(const GumboNode* n) {
  if (NamesContain(n, {"attributes", "properties"})) return true;
  for (std::string_view attr : {"class", "id"}) {
    // Removing words never makes a "spec", so most names are settled without a lower-case copy.
    if (!text::ContainsIgnoreCase(html::AttrOr(n, attr), "spec")) continue;
    std::string v = text::AsciiLower(html::AttrOr(n, attr));
    for (std::string_view word : {"special", "perspective", "inspect", "respect"})
      for (std::size_t pos = v.find(word); pos != std::string::npos; pos = v.find(word, pos))
        v.replace(pos, word.size(), " ");
    if (text::Contains(v, "spec")) return true;
  }
  return false;
}

}  // namespace

CommerceFacts ExtractCommerce(const html::Document& doc, const StructuredData& sd, const FormFacts& forms,
                              const Context& ctx) {
  CommerceFacts f;
  FromMarkup(sd, &f);
  const Lexicon& lex = *ctx.lexicon;
  const Lexicon::Cue specs = lex.Find("specs"), add_to_cart = lex.Find("add_to_cart"), buy_now = lex.Find("buy_now");
  std::size_t budget = kTextBudget;
  // Element texts, all charged to one page-wide node budget.
  auto element_text = [&](const GumboNode* e) { return html::BoundedText(e, kElementTextBytes, &budget); };

  auto cart_found = [&](std::string evidence) {
    if (f.add_to_cart) return;
    f.add_to_cart = true;
    f.add_to_cart_evidence = text::Truncate(text::CollapseWhitespace(evidence), kEvidenceCodePoints);
  };

  std::string folded_label;  // of the control label being matched
  std::string labels;  // aria-labels, titles and alts of visible elements (for payment logos)
  int specs_level = 0;                // rank of the "specs" heading whose section we are in; 0 = none
  std::vector<std::size_t> spec_boxes;  // walk depths of open spec containers
  constexpr std::size_t kNoDepth = std::numeric_limits<std::size_t>::max();
  std::size_t description_depth = kNoDepth;  // walk depth of the description block we are in
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t depth) {
    if (html::IsNonRendered(n)) return html::Visit::kSkipChildren;
    if (!html::IsElement(n)) return html::Visit::kContinue;
    if (html::IsHiddenSelf(n)) return html::Visit::kSkipChildren;
    while (!spec_boxes.empty() && spec_boxes.back() >= depth) spec_boxes.pop_back();

    const auto aria = html::Attr(n, "aria-label");
    const auto title = html::Attr(n, "title");
    const auto alt = html::Is(n, GUMBO_TAG_IMG) ? html::Attr(n, "alt") : std::nullopt;
    if (labels.size() < kVisibleTextBytes)
      for (const auto& a : {aria, title, alt})
        if (a) labels.append(" ").append(*a);

    // Specifications.
    if (const int level = html::HeadingLevel(n); level > 0) {
      if (specs.Matches(text::FoldCase(element_text(n)))) specs_level = level;
      else if (level <= specs_level) specs_level = 0;
    }
    if (IsSpecBox(n)) {
      spec_boxes.push_back(depth);
    } else if (html::Is(n, GUMBO_TAG_DETAILS)) {
      const GumboVector& children = n->v.element.children;
      for (unsigned i = 0; i < children.length; ++i) {
        const auto* c = static_cast<const GumboNode*>(children.data[i]);
        if (!html::Is(c, GUMBO_TAG_SUMMARY)) continue;
        if (specs.Matches(text::FoldCase(element_text(c)))) spec_boxes.push_back(depth);
        break;
      }
    }
    if ((html::Is(n, GUMBO_TAG_TABLE) || html::Is(n, GUMBO_TAG_DL)) && (specs_level > 0 || !spec_boxes.empty()))
      f.specs_table = true;

    // Description blocks. The text of one inside another is part of the outer one's, so only the
    // outermost is read.
    if (description_depth != kNoDepth && depth <= description_depth) description_depth = kNoDepth;
    if (description_depth == kNoDepth && NamesContain(n, {"description"})) {
      f.description_chars = std::max(f.description_chars, text::CodePointCount(element_text(n)));
      description_depth = depth;
    }

    // Purchase controls.
    if (!IsControl(n)) return html::Visit::kContinue;
    // Each label (the element's text, else an input's value; then aria-label and title) that is
    // short enough for a button is matched against the cues, in that order.
    auto consider = [&](std::string_view label) {
      if (label.empty() || text::CodePointCount(label) > kMaxControlLabel) return;
      folded_label.clear();
      text::AppendFolded(label, &folded_label);
      if (add_to_cart.Matches(folded_label)) cart_found(std::string(label));
      if (buy_now.Matches(folded_label)) f.buy_now_control = true;
    };
    // The element's text comes collapsed already; value, aria-label and title as written.
    const std::string first = html::Is(n, GUMBO_TAG_INPUT)
                                  ? text::CollapseWhitespace(html::AttrOr(n, "value"))
                                  : html::BoundedText(n, kControlTextBytes, &budget);  // a label, not a whole card
    if (html::Is(n, GUMBO_TAG_A)) {
      const std::string_view href = html::AttrOr(n, "href");
      if (text::ContainsIgnoreCase(href, "add-to-cart=") || text::ContainsIgnoreCase(href, "cart/add"))
        cart_found(first.empty() ? std::string(href) : first);
    }
    consider(first);
    if (aria) consider(text::CollapseWhitespace(*aria));
    if (title) consider(text::CollapseWhitespace(*title));
    return html::Visit::kContinue;
  });

  for (const Form& form : forms.forms) {
    for (const FormControl& c : form.controls) {
      const bool submit = (c.tag == "button" || c.tag == "input") && (c.type == "submit" || c.type == "image");
      if (submit && !c.disabled && IsCartEndpoint(form.action)) cart_found(form.action);
      if (text::AsciiLower(c.name) == "add-to-cart") cart_found(c.label.empty() ? form.action : c.label);
    }
  }

  std::string storage;
  const std::string& folded = FoldedVisibleText(doc, ctx, &storage);
  f.visible_price = HasPrice(folded);
  f.visible_price_value = FirstPriceValue(ctx.folded_visible_text != nullptr && !ctx.folded_main_text.empty()
                                              ? ctx.folded_main_text : std::string_view(folded));
  f.shipping_info = !sd.FindAll("OfferShippingDetails").empty() || AnyItemHas(sd, "shippingDetails") ||
                    PageMentions(doc, ctx, "shipping");
  f.returns_info = !sd.FindAll("MerchantReturnPolicy").empty() || AnyItemHas(sd, "hasMerchantReturnPolicy") ||
                   PageMentions(doc, ctx, "returns");
  // Payment methods named in the page text, then those only named by logos' alt texts and labels.
  Lexicon::TextCues cues;
  f.payment_methods = PageCues(doc, ctx, &cues).payment_methods;
  for (std::string& m : lex.PaymentMethods(text::FoldCase(labels)))
    if (std::find(f.payment_methods.begin(), f.payment_methods.end(), m) == f.payment_methods.end())
      f.payment_methods.push_back(std::move(m));
  return f;
}

}  // namespace mmaudit::facts
