// ExtractLocal, ExtractMedia and ExtractNavigation: the "go" and "do" moments and site navigation.
#include <array>

#include "core/text.h"
#include "core/url.h"
#include "facts/extract.h"
#include "facts/sd_validation.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string DigitsOf(std::string_view s) {
  std::string d;
  for (char c : s)
    if (IsDigit(c)) d += c;
  return d;
}

// Phone-number-shaped runs in `s`: an optional "+", then digits in groups separated by spaces,
// dashes, dots or brackets, 9 to 15 digits in all. A run with a decimal-looking tail ("129.90") or
// no separator and no "+" (an SKU or order number) is not taken.
void FindPhones(std::string_view s, std::vector<std::string>* out) {
  // Bytes that may start a number; most text has few, so they are skipped to with one table lookup
  // per byte.
  static constexpr auto kStarts = [] {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
    t['+'] = t['('] = true;
    return t;
  }();
  std::size_t i = 0;
  while (i < s.size()) {
    for (i = text::FindByteInRange(s, i, '(', '9'); i < s.size() && !kStarts[static_cast<unsigned char>(s[i])];)
      i = text::FindByteInRange(s, i + 1, '(', '9');  // '(' .. '9' holds every start byte
    if (i == s.size()) break;
    const bool boundary = i == 0 || !(IsDigit(s[i - 1]) || (s[i - 1] >= 'A' && s[i - 1] <= 'z'));
    if (!boundary) {
      ++i;
      continue;
    }
    std::size_t j = i, digits = 0, separators = 0;
    while (j < s.size()) {
      const char c = s[j];
      if (IsDigit(c)) {
        ++digits;
      } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || (c == '+' && j == i)) {
        if (c != '+') ++separators;
      } else {
        break;
      }
      ++j;
    }
    while (j > i && !IsDigit(s[j - 1])) --j;  // trailing separators are not part of the number
    const std::string_view run = s.substr(i, j - i);
    const bool plus = s[i] == '+';
    const bool decimal_tail = run.size() >= 3 && (run[run.size() - 3] == '.' || run[run.size() - 3] == ',');
    if (digits >= 9 && digits <= 15 && (plus || separators >= 2) && !decimal_tail) out->emplace_back(run);
    i = std::max(j, i + 1);
  }
}

}  // namespace

LocalFacts ExtractLocal(const html::Document& doc, const StructuredData& sd, const LinkFacts& links,
                        const Context& ctx) {
  LocalFacts f;
  std::vector<const SdItem*> seen;
  for (const auto& top : sd.items) {
    std::vector<const SdItem*> stack{top.get()};
    while (!stack.empty()) {
      const SdItem* it = stack.back();
      stack.pop_back();
      bool local = false;
      for (const auto& t : it->types) local = local || IsLocalBusinessType(t);
      if (local) {
        ++f.local_business_items;
        if (it->Has("address")) ++f.with_address;
        if (it->Has("geo")) ++f.with_geo;
        if (it->Has("openingHoursSpecification") || it->Has("openingHours")) ++f.with_hours;
        if (it->Has("telephone")) ++f.with_telephone;
      }
      for (const auto& [name, values] : it->properties)
        for (const SdValue& v : values)
          if (v.item) stack.push_back(v.item.get());
    }
  }
  // Phone numbers in visible text that are not inside a tel: link and match no tel: link's digits.
  std::vector<std::string> tel_digits;
  for (const Link& l : links.links)
    if (l.kind == LinkKind::kTel) tel_digits.push_back(DigitsOf(l.href));
  auto linked = [&](const std::string& phone) {
    const std::string d = DigitsOf(phone);
    for (const std::string& t : tel_digits)
      if (!t.empty() && (text::EndsWith(t, d.substr(d.size() > 9 ? d.size() - 9 : 0)))) return true;
    return false;
  };
  std::vector<std::string> phones;  // of the current text node
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (html::Is(n, GUMBO_TAG_SCRIPT) || html::Is(n, GUMBO_TAG_STYLE) || html::Is(n, GUMBO_TAG_HEAD) ||
        html::Is(n, GUMBO_TAG_TEMPLATE))
      return html::Visit::kSkipChildren;
    if (html::Is(n, GUMBO_TAG_A) && text::StartsWithIgnoreCase(text::Trim(html::AttrOr(n, "href")), "tel:"))
      return html::Visit::kSkipChildren;
    if (n->type == GUMBO_NODE_TEXT) {
      phones.clear();
      FindPhones(n->v.text.text, &phones);
      for (auto& p : phones)
        if (!linked(p) && f.unlinked_phones.size() < 20) f.unlinked_phones.push_back(std::move(p));
    }
    return html::Visit::kContinue;
  });
  f.store_locator_cue = PageMentions(doc, ctx, "store_locator");
  f.pickup_cue = PageMentions(doc, ctx, "pickup");
  return f;
}

MediaFacts ExtractMedia(const html::Document& doc, const StructuredData& sd, const LinkFacts& links,
                        const Context& ctx) {
  MediaFacts f;
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (!html::IsElement(n)) return html::Visit::kContinue;
    switch (n->v.element.tag) {
      case GUMBO_TAG_VIDEO: ++f.video_elements; break;
      case GUMBO_TAG_OBJECT:
      case GUMBO_TAG_EMBED:
      case GUMBO_TAG_APPLET: ++f.plugins; break;
      case GUMBO_TAG_IFRAME: {
        ++f.iframes;
        const std::string src = text::AsciiLower(html::AttrOr(n, "src", html::AttrOr(n, "data-src")));
        if (text::Contains(src, "youtube.com/") || text::Contains(src, "youtube-nocookie.com/") ||
            text::Contains(src, "youtu.be/") || text::Contains(src, "player.vimeo.com/") ||
            text::Contains(src, "rutube.ru/") || text::Contains(src, "vk.com/video") ||
            text::Contains(src, "dailymotion.com/embed") || text::Contains(src, "wistia"))
          ++f.video_embeds;
        break;
      }
      case GUMBO_TAG_H1:
      case GUMBO_TAG_H2:
      case GUMBO_TAG_H3:
        if (!f.guide_cue && ctx.lexicon->Matches("guide", text::FoldCase(html::Text(n, 512)))) f.guide_cue = true;
        break;
      default: break;
    }
    return html::Visit::kContinue;
  });
  f.video_objects = sd.FindAll("VideoObject").size();
  f.how_to_items = sd.FindAll("HowTo").size();
  for (const Link& l : links.links) {
    const std::string href = text::AsciiLower(l.href);
    const bool pdf = text::EndsWith(href, ".pdf") || text::Contains(href, ".pdf?");
    if (pdf || ctx.lexicon->Matches("manual", text::FoldCase(l.text))) ++f.manual_links;
  }
  return f;
}

NavigationFacts ExtractNavigation(const html::Document& doc, const StructuredData& sd, const FormFacts& forms,
                                  const Context& ctx) {
  NavigationFacts f;
  f.breadcrumb_markup = !sd.FindAll("BreadcrumbList").empty();
  for (const SdItem* site : sd.FindAll("WebSite")) {
    if (const SdItem* action = site->Item("potentialAction"); action && action->IsA("SearchAction"))
      f.search_action = true;
  }
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (!html::IsElement(n)) return html::Visit::kContinue;
    const std::string label = text::AsciiLower(html::AttrOr(n, "aria-label"));
    const std::string cls = text::AsciiLower(html::AttrOr(n, "class"));
    if ((html::Is(n, GUMBO_TAG_NAV) || html::Is(n, GUMBO_TAG_OL) || html::Is(n, GUMBO_TAG_UL) ||
         html::Is(n, GUMBO_TAG_DIV)) &&
        (text::Contains(label, "breadcrumb") || text::Contains(cls, "breadcrumb")))
      f.breadcrumb_visible = true;
    if (text::AsciiLower(html::AttrOr(n, "role")) == "search") f.search_form = true;
    return html::Visit::kContinue;
  });
  for (const Form& form : forms.forms) {
    for (const FormControl& c : form.controls) {
      const std::string name = text::AsciiLower(c.name);
      if (c.type == "search" || (c.text_entry && form.method == "get" &&
                                 (name == "q" || name == "s" || name == "search" || name == "query" || name == "text")))
        f.search_form = true;
    }
  }
  return f;
}

}  // namespace mmaudit::facts
