// ExtractLinks and ExtractForms.
#include <algorithm>

#include <optional>

#include "core/text.h"
#include "core/url.h"
#include "facts/extract.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

bool IsMapsUrl(const url::Parts& p) {
  const std::string& h = p.host;
  auto host_is = [&](std::string_view d) { return h == d || text::EndsWith(h, std::string(".") + std::string(d)); };
  if (host_is("maps.google.com") || host_is("maps.apple.com") || (host_is("goo.gl") && text::StartsWith(p.path, "/maps")))
    return true;
  if (host_is("maps.app.goo.gl") || (host_is("yandex.ru") && text::StartsWith(p.path, "/maps"))) return true;
  if (host_is("2gis.ru") || host_is("openstreetmap.org") || host_is("waze.com")) return true;
  return text::StartsWith(p.path, "/maps") && (h.find("google.") != std::string::npos || h.find("bing.") != std::string::npos);
}

// A shopper's view of a link or button: its text, else aria-label, else title, else an image alt.
std::string AccessibleText(const GumboNode* n) {
  std::string t = html::Text(n, 2048);
  if (t.empty()) t = text::CollapseWhitespace(html::AttrOr(n, "aria-label"));
  if (t.empty()) t = text::CollapseWhitespace(html::AttrOr(n, "title"));
  if (t.empty()) {
    if (const GumboNode* img = html::FindFirst(n, GUMBO_TAG_IMG)) t = text::CollapseWhitespace(html::AttrOr(img, "alt"));
  }
  return t;
}

bool IsTextEntryType(std::string_view type) {
  static const char* kTypes[] = {"text", "email", "tel", "number", "password", "search", "url",
                                 "date", "datetime-local", "month", "week", "time"};
  for (const char* t : kTypes)
    if (type == t) return true;
  return false;
}

}  // namespace

const char* LinkKindName(LinkKind k) {
  switch (k) {
    case LinkKind::kInternal: return "internal";
    case LinkKind::kExternal: return "external";
    case LinkKind::kTel: return "tel";
    case LinkKind::kMailto: return "mailto";
    case LinkKind::kMaps: return "maps";
    case LinkKind::kJavascript: return "javascript";
    case LinkKind::kFragment: return "fragment";
    case LinkKind::kOther: return "other";
    case LinkKind::kInvalid: return "invalid";
  }
  return "other";
}

LinkFacts ExtractLinks(const html::Document& doc, const Context& ctx) {
  LinkFacts f;
  const auto page = url::Parse(ctx.base_url);
  const url::Resolver resolver(ctx.base_url);
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (html::Is(n, GUMBO_TAG_TEMPLATE)) return html::Visit::kSkipChildren;
    if (!(html::Is(n, GUMBO_TAG_A) || html::Is(n, GUMBO_TAG_AREA)) || !html::HasAttr(n, "href"))
      return html::Visit::kContinue;
    Link l;
    const std::string raw(text::Trim(html::AttrOr(n, "href")));
    l.rel = text::AsciiLower(html::AttrOr(n, "rel"));
    l.text = AccessibleText(n);
    const std::string scheme = url::SchemeOf(raw);
    if (scheme == "tel") {
      l.kind = LinkKind::kTel;
      l.href = raw;
      ++f.tel;
    } else if (scheme == "mailto") {
      l.kind = LinkKind::kMailto;
      l.href = raw;
      ++f.mailto;
    } else if (scheme == "javascript") {
      l.kind = LinkKind::kJavascript;
      l.href = raw;
      ++f.javascript;
    } else if (raw.empty() || raw[0] == '#') {
      l.kind = raw.empty() ? LinkKind::kInvalid : LinkKind::kFragment;
      l.href = raw;
      if (raw.empty()) ++f.invalid;
    } else if (!scheme.empty() && scheme != "http" && scheme != "https") {
      l.kind = LinkKind::kOther;
      l.href = raw;
    } else if (auto resolved = resolver.Resolve(raw)) {
      l.href = *resolved;
      const auto parts = url::Parse(*resolved);
      if (parts && IsMapsUrl(*parts)) {
        l.kind = LinkKind::kMaps;
        ++f.maps;
        ++f.external;
      } else if (parts && page && parts->host == page->host) {
        l.kind = LinkKind::kInternal;
        ++f.internal;
      } else {
        l.kind = LinkKind::kExternal;
        ++f.external;
      }
    } else {
      l.kind = LinkKind::kInvalid;
      l.href = raw;
      ++f.invalid;
    }
    ++f.total;
    if (f.links.size() < ctx.max_links) f.links.push_back(std::move(l));
    return html::Visit::kContinue;
  });
  return f;
}

// The font size an inline style sets, in CSS px ("font-size: 13px", "font:12pt Arial" -> 16), or
// nullopt when it sets none in px or pt (relative units depend on what the page inherits).
static std::optional<double> InlineFontPx(std::string_view style) {
  const std::string s = text::AsciiLower(style);
  for (std::size_t at = s.find("font"); at != std::string::npos; at = s.find("font", at + 4)) {
    std::size_t i = s.find(':', at);
    if (i == std::string::npos) return std::nullopt;
    const std::string_view prop = text::Trim(std::string_view(s).substr(at, i - at));
    if (prop != "font-size" && prop != "font") continue;
    const std::size_t end = s.find(';', i);
    const std::string value = s.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
    for (std::size_t k = 0; k < value.size(); ++k) {
      if (!(value[k] >= '0' && value[k] <= '9') || (k > 0 && (value[k - 1] == '.' || (value[k - 1] >= '0' && value[k - 1] <= '9'))))
        continue;
      std::size_t used = 0;
      double number = 0;
      try {
        number = std::stod(value.substr(k), &used);
      } catch (...) {
        continue;
      }
      const std::string_view unit = std::string_view(value).substr(k + used, 2);
      if (unit == "px") return number;
      if (unit == "pt") return number * 4 / 3;
    }
  }
  return std::nullopt;
}

FormControlReader::FormControlReader(const html::Document& doc) {
  std::vector<std::string> labelledby_ids;  // ids named by controls' aria-labelledby
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (html::Is(n, GUMBO_TAG_LABEL)) {
      if (auto target = html::Attr(n, "for")) labels_for_.emplace_back(std::string(*target), html::LabelText(n));
    } else if (html::Is(n, GUMBO_TAG_INPUT) || html::Is(n, GUMBO_TAG_SELECT) || html::Is(n, GUMBO_TAG_TEXTAREA)) {
      if (auto ids = html::Attr(n, "aria-labelledby"))
        for (std::string& id : text::SplitTrimmed(text::CollapseWhitespace(*ids), ' '))
          labelledby_ids.push_back(std::move(id));
    }
    return html::Visit::kContinue;
  });
  if (labelledby_ids.empty()) return;
  std::sort(labelledby_ids.begin(), labelledby_ids.end());
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    const std::string_view id = html::AttrOr(n, "id");
    if (!id.empty() && std::binary_search(labelledby_ids.begin(), labelledby_ids.end(), id) &&
        !labelledby_text_.contains(std::string(id)))
      labelledby_text_.emplace(std::string(id), html::LabelText(n));
    return html::Visit::kContinue;
  });
}

std::string FormControlReader::LabelOf(const GumboNode* n, const std::string& id) const {
  if (!id.empty())
    for (const auto& [target, t] : labels_for_)
      if (target == id && !t.empty()) return t;
  if (const GumboNode* l = html::Ancestor(n, GUMBO_TAG_LABEL)) {
    std::string t = html::LabelText(l);
    if (!t.empty()) return t;
  }
  std::string t;
  if (auto ids = html::Attr(n, "aria-labelledby")) {
    for (const std::string& ref : text::SplitTrimmed(text::CollapseWhitespace(*ids), ' ')) {
      auto it = labelledby_text_.find(ref);
      if (it == labelledby_text_.end() || it->second.empty()) continue;
      if (!t.empty()) t += ' ';
      t += it->second;
    }
  }
  if (t.empty()) t = text::CollapseWhitespace(html::AttrOr(n, "aria-label"));
  if (t.empty()) t = text::CollapseWhitespace(html::AttrOr(n, "placeholder"));
  return t;
}

std::optional<FormControl> FormControlReader::Read(const GumboNode* n) const {
  const bool input = html::Is(n, GUMBO_TAG_INPUT), select = html::Is(n, GUMBO_TAG_SELECT),
             textarea = html::Is(n, GUMBO_TAG_TEXTAREA), button = html::Is(n, GUMBO_TAG_BUTTON);
  if (!input && !select && !textarea && !button) return std::nullopt;
  FormControl c;
  c.tag = html::TagName(n);
  if (input) {
    c.type = text::AsciiLower(text::Trim(html::AttrOr(n, "type", "text")));
    if (c.type.empty()) c.type = "text";
  } else if (button) {
    c.type = text::AsciiLower(text::Trim(html::AttrOr(n, "type", "submit")));
  } else {
    c.type = c.tag;
  }
  c.name = std::string(html::AttrOr(n, "name"));
  c.id = std::string(html::AttrOr(n, "id"));
  c.autocomplete = text::AsciiLower(text::Trim(html::AttrOr(n, "autocomplete")));
  c.inputmode = text::AsciiLower(text::Trim(html::AttrOr(n, "inputmode")));
  c.placeholder = text::CollapseWhitespace(html::AttrOr(n, "placeholder"));
  c.label = button ? html::Text(n, 512) : LabelOf(n, c.id);
  if (input && (c.type == "submit" || c.type == "button" || c.type == "image") && c.label.empty())
    c.label = text::CollapseWhitespace(html::AttrOr(n, "value"));
  c.required = html::HasAttr(n, "required") || text::AsciiLower(html::AttrOr(n, "aria-required")) == "true";
  c.disabled = html::HasAttr(n, "disabled");
  c.visible = c.type != "hidden" && !html::IsHiddenByMarkup(n);
  c.text_entry = textarea || (input && IsTextEntryType(c.type));
  const std::string onpaste = text::AsciiLower(html::AttrOr(n, "onpaste"));
  c.blocks_paste = text::Contains(onpaste, "return false") || text::Contains(onpaste, "preventdefault");
  c.small_font = c.text_entry && InlineFontPx(html::AttrOr(n, "style")).value_or(16) < 16;
  return c;
}

FormFacts ExtractForms(const html::Document& doc, const Context& ctx) {
  FormFacts f;
  const std::vector<const GumboNode*> form_nodes = html::FindAll(doc.root(), GUMBO_TAG_FORM);
  if (form_nodes.empty()) return f;  // no labels to read (a walk of the whole page saved)
  const FormControlReader reader(doc);
  for (const GumboNode* form_node : form_nodes) {
    Form form;
    const std::string_view action = html::AttrOr(form_node, "action");
    form.action = text::Trim(action).empty() ? ctx.base_url : url::Resolve(ctx.base_url, action).value_or(std::string(action));
    form.method = text::AsciiLower(text::Trim(html::AttrOr(form_node, "method", "get")));
    if (form.method != "post" && form.method != "dialog") form.method = "get";
    form.id = std::string(html::AttrOr(form_node, "id"));
    form.name = std::string(html::AttrOr(form_node, "name"));
    html::Walk(form_node, [&](const GumboNode* n, std::size_t depth) {
      if (depth > 0 && html::Is(n, GUMBO_TAG_FORM)) return html::Visit::kSkipChildren;
      std::optional<FormControl> read = reader.Read(n);
      if (!read) return html::Visit::kContinue;
      FormControl& c = *read;
      const bool select = c.tag == "select";
      if (c.text_entry && c.visible) ++form.visible_text_fields;
      if (c.text_entry && !c.visible) ++form.hidden_text_fields;
      // A radio group is one element however many options it has.
      if (c.visible && (select || c.type == "checkbox")) ++form.other_elements;
      if (c.visible && c.type == "radio") {
        bool seen = false;
        for (const FormControl& prev : form.controls)
          if (prev.type == "radio" && prev.visible && prev.name == c.name && !c.name.empty()) seen = true;
        if (!seen) ++form.other_elements;
      }
      if (c.required && c.visible) ++form.required;
      const bool leaf = c.tag == "button" || select || c.tag == "textarea";
      form.controls.push_back(std::move(c));
      return leaf ? html::Visit::kSkipChildren : html::Visit::kContinue;
    });
    f.forms.push_back(std::move(form));
  }
  return f;
}

}  // namespace mmaudit::facts
