#include "facts/form_data.h"

#include <optional>

#include "core/text.h"
#include "core/url.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

// The value a browser gives an option: its value attribute, else its text.
std::string OptionValue(const GumboNode* option) {
  if (auto v = html::Attr(option, "value")) return std::string(*v);
  return text::CollapseWhitespace(html::Text(option, 512));
}

FormField ReadField(const GumboNode* n, FormControl control) {
  FormField f;
  f.control = std::move(control);
  const std::string& tag = f.control.tag;
  if (tag == "select") {
    int selected = -1;
    for (const GumboNode* o : html::FindAll(n, GUMBO_TAG_OPTION)) {
      const bool disabled = html::HasAttr(o, "disabled");
      if (disabled) continue;
      if (selected < 0 && html::HasAttr(o, "selected")) selected = static_cast<int>(f.options.size());
      f.options.emplace_back(OptionValue(o), text::CollapseWhitespace(html::Text(o, 512)));
    }
    if (!f.options.empty()) f.value = f.options[static_cast<std::size_t>(selected < 0 ? 0 : selected)].first;
  } else if (tag == "textarea") {
    f.value = html::Text(n, 1 << 16);
  } else if (tag == "button") {
    f.value = std::string(html::AttrOr(n, "value"));
  } else {
    const std::string& type = f.control.type;
    f.value = std::string(html::AttrOr(n, "value", (type == "checkbox" || type == "radio") ? "on" : ""));
    f.checked = (type == "checkbox" || type == "radio") && html::HasAttr(n, "checked");
  }
  return f;
}

}  // namespace

std::vector<FormDataSet> ReadFormDataSets(const html::Document& doc, const Context& ctx) {
  std::vector<FormDataSet> out;
  const FormControlReader reader(doc);
  const std::vector<const GumboNode*> forms = html::FindAll(doc.root(), GUMBO_TAG_FORM);
  for (const GumboNode* form_node : forms) {
    FormDataSet form;
    const std::string_view action = html::AttrOr(form_node, "action");
    form.action = text::Trim(action).empty() ? ctx.base_url
                                             : url::Resolve(ctx.base_url, action).value_or(std::string(action));
    form.method = text::AsciiLower(text::Trim(html::AttrOr(form_node, "method", "get")));
    if (form.method != "post") form.method = "get";
    form.id = std::string(html::AttrOr(form_node, "id"));
    form.name = std::string(html::AttrOr(form_node, "name"));
    out.push_back(std::move(form));
  }
  // One walk in tree order: a control belongs to the form its form="id" names, else to the form it
  // sits in (the innermost; nested forms are not valid HTML, but Gumbo keeps them).
  std::vector<std::pair<const GumboNode*, std::size_t>> open;  // (form node, depth)
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t depth) {
    while (!open.empty() && open.back().second >= depth) open.pop_back();
    if (html::Is(n, GUMBO_TAG_FORM)) {
      open.emplace_back(n, depth);
      return html::Visit::kContinue;
    }
    std::optional<FormControl> control = reader.Read(n);
    if (!control) return html::Visit::kContinue;
    std::optional<std::size_t> owner;
    if (auto form_id = html::Attr(n, "form")) {
      for (std::size_t i = 0; i < forms.size(); ++i)
        if (html::AttrOr(forms[i], "id") == *form_id) {
          owner = i;
          break;
        }
    } else if (!open.empty()) {
      for (std::size_t i = 0; i < forms.size(); ++i)
        if (forms[i] == open.back().first) owner = i;
    }
    if (owner) out[*owner].fields.push_back(ReadField(n, std::move(*control)));
    const bool leaf = html::Is(n, GUMBO_TAG_SELECT) || html::Is(n, GUMBO_TAG_TEXTAREA) || html::Is(n, GUMBO_TAG_BUTTON);
    return leaf ? html::Visit::kSkipChildren : html::Visit::kContinue;
  });
  return out;
}

std::vector<std::pair<std::string, std::string>> EntryList(const FormDataSet& form, int submitter) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < form.fields.size(); ++i) {
    const FormField& f = form.fields[i];
    const FormControl& c = f.control;
    if (c.disabled || c.name.empty()) continue;
    const bool is_submitter = static_cast<int>(i) == submitter;
    if (c.is_button()) {
      if (!is_submitter || c.type == "button" || c.type == "reset") continue;
      if (c.type == "image") {
        out.emplace_back(c.name + ".x", "0");
        out.emplace_back(c.name + ".y", "0");
      } else {
        out.emplace_back(c.name, f.value);
      }
      continue;
    }
    if ((c.type == "checkbox" || c.type == "radio") && !f.checked) continue;
    if (c.type == "file") continue;
    out.emplace_back(c.name, f.value);
  }
  return out;
}

}  // namespace mmaudit::facts
