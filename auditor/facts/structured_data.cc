// Structured data: JSON-LD blocks and microdata, both flattened into the SdItem model of
// page_facts.h.
//
// Hostile input is the norm here, so nothing below recurses on input-controlled depth:
//  - JSON-LD is parsed by RapidJSON's iterative parser and converted with an explicit stack. Depth
//    is JSON nesting (objects and arrays; a top-level item is depth 1). Values nested deeper than
//    ExtractOptions::max_sd_depth are dropped (one error per block), so the SdItem tree - whose
//    destruction does recurse - is at most max_sd_depth deep.
//  - Microdata is collected in one html::Walk (iterative), keeping a stack of the open itemscope
//    elements; items nested deeper than max_sd_depth are dropped (one error per page). Text
//    content of itemprop elements is read under a page-wide node budget, so a page with 100,000
//    nested itemprop elements stays linear.
//  - A microdata item whose itemprop names k properties is shared by all k (SdValue holds a
//    shared_ptr), so the items form a DAG, but every reader - validation, the local and commerce
//    facts, the report writer - walks it as a tree. Nested items with several names each would
//    multiply that tree (k^depth). So every property and every byte of property text is counted
//    as often as readers will meet it (its item's multiplicity: the product of the name counts on
//    the way down), and both counts are capped. The expanded tree is therefore bounded too.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/text.h"
#include "core/url.h"
#include "facts/extract.h"
#include "facts/page_facts.h"
#include "html/document.h"
#include "html/query.h"

namespace mmaudit::facts {

// --- SdItem / StructuredData ------------------------------------------------------------------

bool SdItem::IsA(const std::string& type) const {
  for (const std::string& t : types)
    if (t == type) return true;
  return false;
}

const std::vector<SdValue>* SdItem::Get(const std::string& name) const {
  static const std::vector<SdValue> kEmpty;
  for (const auto& [key, values] : properties)
    if (key == name) return &values;
  return &kEmpty;
}

std::string SdItem::Text(const std::string& name) const {
  // Follows nested items' "name" (falling back to their @id, as in {"@id": "https://schema.org/InStock"})
  // with a step bound, so a chain of nameless-but-named items cannot loop.
  const SdItem* item = this;
  std::string key = name;
  for (int step = 0; step < 64 && item != nullptr; ++step) {
    const std::vector<SdValue>* values = item->Get(key);
    if (values->empty()) return step == 0 ? std::string() : item->id;
    const SdValue& first = values->front();
    if (!first.item) return first.text;
    item = first.item.get();
    key = "name";
  }
  return {};
}

const SdItem* SdItem::Item(const std::string& name) const {
  for (const SdValue& v : *Get(name))
    if (v.item) return v.item.get();
  return nullptr;
}

std::vector<const SdItem*> StructuredData::FindAll(const std::string& type) const {
  std::vector<const SdItem*> out;
  std::vector<const SdItem*> stack;
  std::unordered_set<const SdItem*> seen;  // microdata may hang one item under several names
  for (auto it = items.rbegin(); it != items.rend(); ++it)
    if (*it) stack.push_back(it->get());
  while (!stack.empty()) {
    const SdItem* item = stack.back();
    stack.pop_back();
    if (!seen.insert(item).second) continue;
    if (item->IsA(type)) out.push_back(item);
    // Children pushed in reverse so that they pop in document order.
    for (auto p = item->properties.rbegin(); p != item->properties.rend(); ++p)
      for (auto v = p->second.rbegin(); v != p->second.rend(); ++v)
        if (v->item) stack.push_back(v->item.get());
  }
  return out;
}

std::vector<std::string> StructuredData::TopLevelTypes() const {
  std::vector<std::string> out;
  for (const auto& item : items) {
    if (!item) continue;
    for (const std::string& t : item->types)
      if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

namespace {

// "http://schema.org/Product", "https://schema.org/Product", "schema:Product" -> "Product".
// Other vocabularies are kept as written.
std::string ShortName(std::string_view s) {
  s = text::Trim(s);
  for (std::string_view prefix : {"http://schema.org/", "https://schema.org/", "http://www.schema.org/",
                                  "https://www.schema.org/", "schema:"}) {
    if (s.size() > prefix.size() && text::AsciiLower(s.substr(0, prefix.size())) == prefix)
      return std::string(s.substr(prefix.size()));
  }
  return std::string(s);
}

std::vector<SdValue>* PropertyValues(SdItem* item, const std::string& name) {
  for (auto& [key, values] : item->properties)
    if (key == name) return &values;
  item->properties.emplace_back(name, std::vector<SdValue>{});
  return &item->properties.back().second;
}

// Numbers as short text: 129.9, 3, 1e+21 (shortest round-trip form, never "129.900000").
std::string FormatNumber(const rapidjson::Value& v) {
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v.GetDouble());
  return res.ec == std::errc() ? std::string(buf, res.ptr) : std::string();
}

std::string_view StringOf(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// --- JSON-LD ----------------------------------------------------------------------------------

// Converts one parsed JSON-LD block into SdItems without recursion. Each stack frame walks the
// members of one object (filling its SdItem) or the elements of one array (filling the values
// vector of the property that holds it). Only the top frame mutates anything, so the pointers the
// frames below hold (into items and property vectors) stay valid.
class JsonLdConverter {
 public:
  JsonLdConverter(std::size_t max_depth, std::size_t block) : max_depth_(max_depth), block_(block) {}

  // Appends the items of `root` (object or array, @graph flattened) to `out`.
  void ConvertTopLevel(const rapidjson::Value& root, std::vector<std::shared_ptr<SdItem>>* out) {
    std::vector<const rapidjson::Value*> tops;
    auto add_object = [&](const rapidjson::Value& obj) {
      const auto graph = obj.FindMember("@graph");
      if (graph == obj.MemberEnd()) {
        tops.push_back(&obj);
        return;
      }
      // A @graph container is itself an item only when it says what it is.
      if (obj.HasMember("@type")) tops.push_back(&obj);
      if (graph->value.IsArray()) {
        for (const auto& member : graph->value.GetArray())
          if (member.IsObject()) tops.push_back(&member);
      } else if (graph->value.IsObject()) {
        tops.push_back(&graph->value);
      }
    };
    if (root.IsObject()) {
      add_object(root);
    } else {
      for (const auto& element : root.GetArray())
        if (element.IsObject()) add_object(element);
    }
    for (const rapidjson::Value* top : tops) {
      std::vector<SdValue> values;
      Emit(*top, &values, 1);
      Run();
      for (SdValue& v : values)
        if (v.item) out->push_back(std::move(v.item));
    }
  }

  bool cut() const { return cut_; }

 private:
  struct Frame {
    const rapidjson::Value* value;  // object or array
    std::size_t next;               // index of the next member / element
    SdItem* item;                   // for objects: the item being filled
    std::vector<SdValue>* out;      // for arrays: where elements go
    std::size_t depth;              // depth of `value` itself (top-level item = 1)
  };

  // Converts `v` (at `depth`) into `out`: literals at once, objects and arrays by pushing a frame.
  // Wrappers are unwrapped in a loop, not recursively: a value object ({"@value": "9.99",
  // "@language": "en"}) is its literal, and {"@list": [...]} / {"@set": [...]} is its content one
  // level deeper.
  void Emit(const rapidjson::Value& v, std::vector<SdValue>* out, std::size_t depth) {
    const rapidjson::Value* cur = &v;
    while (cur->IsObject() && depth <= max_depth_) {
      if (const auto val = cur->FindMember("@value"); val != cur->MemberEnd()) {
        if (val->value.IsObject() || val->value.IsArray()) return;
        cur = &val->value;
        break;
      }
      auto list = cur->FindMember("@list");
      if (list == cur->MemberEnd()) list = cur->FindMember("@set");
      if (list == cur->MemberEnd()) break;
      cur = &list->value;
      ++depth;
    }
    if (cur->IsNull()) return;
    if (cur->IsString()) {
      out->push_back(SdValue{std::string(StringOf(*cur)), nullptr, false});
      return;
    }
    if (cur->IsNumber()) {
      out->push_back(SdValue{FormatNumber(*cur), nullptr, true});
      return;
    }
    if (cur->IsBool()) {
      out->push_back(SdValue{cur->GetBool() ? "true" : "false", nullptr, false});
      return;
    }
    if (depth > max_depth_) {
      cut_ = true;
      return;
    }
    if (cur->IsArray()) {
      stack_.push_back(Frame{cur, 0, nullptr, out, depth});
      return;
    }
    auto item = std::make_shared<SdItem>();
    item->source = "json-ld";
    item->block = block_;
    if (const auto type = cur->FindMember("@type"); type != cur->MemberEnd()) {
      if (type->value.IsString()) {
        item->types.push_back(ShortName(StringOf(type->value)));
      } else if (type->value.IsArray()) {
        for (const auto& t : type->value.GetArray())
          if (t.IsString()) item->types.push_back(ShortName(StringOf(t)));
      }
    }
    if (const auto id = cur->FindMember("@id"); id != cur->MemberEnd() && id->value.IsString())
      item->id = std::string(StringOf(id->value));
    SdItem* raw = item.get();
    out->push_back(SdValue{std::string(), std::move(item), false});
    stack_.push_back(Frame{cur, 0, raw, nullptr, depth});
  }

  void Run() {
    while (!stack_.empty()) {
      Frame& f = stack_.back();
      if (f.value->IsArray()) {
        if (f.next >= f.value->Size()) {
          stack_.pop_back();
          continue;
        }
        const rapidjson::Value& element = (*f.value)[static_cast<rapidjson::SizeType>(f.next++)];
        std::vector<SdValue>* out = f.out;
        const std::size_t depth = f.depth + 1;
        Emit(element, out, depth);  // may push a frame and invalidate `f`
        continue;
      }
      if (f.next >= f.value->MemberCount()) {
        stack_.pop_back();
        continue;
      }
      const auto member = f.value->MemberBegin() + static_cast<std::ptrdiff_t>(f.next++);
      if (!member->name.IsString() || member->value.IsNull()) continue;
      const std::string_view key = StringOf(member->name);
      if (key.empty() || key.front() == '@') continue;  // @context, @type, @id, nested @graph ...
      std::vector<SdValue>* out = PropertyValues(f.item, ShortName(key));
      const std::size_t depth = f.depth + 1;
      Emit(member->value, out, depth);  // may push a frame and invalidate `f`
    }
  }

  std::size_t max_depth_;
  std::size_t block_;  // the <script> block number every item of this conversion gets
  std::vector<Frame> stack_;
  bool cut_ = false;
};

bool IsJsonLdScript(const GumboNode* n) {
  if (!html::Is(n, GUMBO_TAG_SCRIPT)) return false;
  std::string_view type = html::AttrOr(n, "type");
  if (const auto semi = type.find(';'); semi != std::string_view::npos) type = type.substr(0, semi);
  return text::AsciiLower(text::Trim(type)) == "application/ld+json";
}

void ExtractJsonLd(const GumboNode* script, std::size_t block, const ExtractOptions& options,
                   StructuredData* sd) {
  const std::string_view raw = html::RawText(script);
  const std::string label = "JSON-LD block " + std::to_string(block) + ": ";
  if (raw.size() > options.max_json_ld_bytes) {
    sd->errors.push_back({"json-ld", label + "skipped, " + std::to_string(raw.size()) + " bytes exceeds the limit of " +
                                         std::to_string(options.max_json_ld_bytes)});
    return;
  }
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseCommentsFlag |
                              rapidjson::kParseTrailingCommasFlag | rapidjson::kParseNanAndInfFlag;
  rapidjson::Document d;
  d.Parse<kFlags>(raw.data(), raw.size());
  if (d.HasParseError()) {
    std::string message = rapidjson::GetParseError_En(d.GetParseError());
    if (!message.empty() && message.back() == '.') message.pop_back();
    sd->errors.push_back(
        {"json-ld", label + message + " (offset " + std::to_string(d.GetErrorOffset()) + ")"});
    return;
  }
  if (!d.IsObject() && !d.IsArray()) {
    sd->errors.push_back({"json-ld", label + "the top level is neither an object nor an array"});
    return;
  }
  JsonLdConverter converter(options.max_sd_depth, block);
  converter.ConvertTopLevel(d, &sd->items);
  if (converter.cut())
    sd->errors.push_back({"json-ld", label + "values nested deeper than " + std::to_string(options.max_sd_depth) +
                                         " levels were dropped"});
}

// --- microdata --------------------------------------------------------------------------------

// Caps of the expanded tree (see the top of this file): property values, as readers meet them.
constexpr std::size_t kMaxMicrodataProperties = 5000;
constexpr std::size_t kMicrodataTextBudget = 2'000'000;  // nodes visited for all text values together
constexpr std::size_t kMaxPropertyTextBytes = 16 * 1024;
constexpr std::size_t kMaxMicrodataTextBytes = 1024 * 1024;  // all text values, as readers meet them

// a * b, or SIZE_MAX when that overflows.
std::size_t SaturatingMul(std::size_t a, std::size_t b) {
  return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

std::vector<std::string> SplitSpaces(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r' && s[j] != '\f') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Text content of `n`, collapsed and at most kMaxPropertyTextBytes long (cut between characters),
// charging every visited node to `*budget`. Block-ish elements separate words; inline ones do not
// (so <span>129</span><span>,90</span> stays "129,90").
std::string BudgetedText(const GumboNode* n, std::size_t* budget) {
  std::string raw;
  html::Walk(n, [&](const GumboNode* node, std::size_t) {
    if (*budget == 0 || raw.size() >= kMaxPropertyTextBytes) return html::Visit::kStop;
    --*budget;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE || node->type == GUMBO_NODE_CDATA) {
      // Only what still fits: a 10 MB text node under 5,000 nested itemprops must not be copied
      // 5,000 times. Whitespace collapsing below only shortens it.
      text::AppendUtf8Prefix(node->v.text.text, kMaxPropertyTextBytes, &raw);
      return html::Visit::kContinue;
    }
    if (node->type != GUMBO_NODE_ELEMENT) return html::Visit::kSkipChildren;  // templates, comments
    switch (node->v.element.tag) {
      case GUMBO_TAG_SCRIPT:
      case GUMBO_TAG_STYLE:
      case GUMBO_TAG_TEMPLATE:
        return html::Visit::kSkipChildren;
      case GUMBO_TAG_BR: case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_TD:
      case GUMBO_TAG_TH: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
      case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        raw += ' ';
        break;
      default:
        break;
    }
    return html::Visit::kContinue;
  });
  return text::CollapseWhitespace(raw);
}

std::string ResolveUrl(const Context& ctx, std::string_view ref) {
  if (auto resolved = url::Resolve(ctx.base_url, ref)) return *resolved;
  return std::string(text::Trim(ref));
}

// The value of a non-item itemprop element, per the HTML microdata spec. One leniency, matching
// what search engines accept: a `content` attribute wins on any element (e.g.
// <span itemprop="price" content="129.90">129,90 zł</span>), not just on <meta>.
std::string PropertyValue(const GumboNode* n, const Context& ctx, std::size_t* budget) {
  if (auto content = html::Attr(n, "content")) return std::string(*content);
  switch (n->v.element.tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_LINK:
      return ResolveUrl(ctx, html::AttrOr(n, "href"));
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_EMBED:
      return ResolveUrl(ctx, html::AttrOr(n, "src"));
    case GUMBO_TAG_OBJECT:
      return ResolveUrl(ctx, html::AttrOr(n, "data"));
    case GUMBO_TAG_DATA:
    case GUMBO_TAG_METER:
      return std::string(html::AttrOr(n, "value"));
    case GUMBO_TAG_TIME:
      if (auto dt = html::Attr(n, "datetime")) return std::string(*dt);
      break;
    default:
      break;
  }
  return BudgetedText(n, budget);
}

void ExtractMicrodata(const html::Document& doc, const Context& ctx, const ExtractOptions& options,
                      StructuredData* sd) {
  struct Scope {
    std::size_t depth;         // walk depth of the itemscope element
    SdItem* item;
    std::size_t multiplicity;  // how many times a reader of the items meets this one
  };
  std::vector<Scope> scopes;  // open itemscope ancestors of the current node, outermost first
  std::size_t properties = 0;  // property values, times their item's multiplicity
  std::size_t text_bytes = 0;  // bytes of text values, times their item's multiplicity
  std::size_t budget = kMicrodataTextBudget;
  bool cut = false, capped = false, text_capped = false;
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t depth) {
    if (n->type == GUMBO_NODE_TEMPLATE || html::Is(n, GUMBO_TAG_SCRIPT)) return html::Visit::kSkipChildren;
    if (!html::IsElement(n)) return html::Visit::kContinue;
    while (!scopes.empty() && scopes.back().depth >= depth) scopes.pop_back();
    const bool is_scope = html::HasAttr(n, "itemscope");
    const auto itemprop = html::Attr(n, "itemprop");
    if (!is_scope && !itemprop) return html::Visit::kContinue;
    SdItem* parent = scopes.empty() ? nullptr : scopes.back().item;
    const std::size_t parent_multiplicity = scopes.empty() ? 1 : scopes.back().multiplicity;
    std::vector<std::string> names;
    if (itemprop && parent != nullptr) {
      for (const std::string& name : SplitSpaces(*itemprop)) names.push_back(ShortName(name));
      const std::size_t met = SaturatingMul(names.size(), parent_multiplicity);
      if (met > kMaxMicrodataProperties - properties) {
        capped = true;
        return html::Visit::kSkipChildren;
      }
      properties += met;
    }
    if (!is_scope) {
      if (names.empty()) return html::Visit::kContinue;
      std::string value = PropertyValue(n, ctx, &budget);
      const std::size_t met = SaturatingMul(value.size(), SaturatingMul(names.size(), parent_multiplicity));
      if (met > kMaxMicrodataTextBytes - text_bytes) {
        text_capped = true;
        value.clear();  // the property is kept, its text is not
      } else {
        text_bytes += met;
      }
      for (const std::string& name : names) PropertyValues(parent, name)->push_back(SdValue{value, nullptr, false});
      return html::Visit::kContinue;
    }
    if (scopes.size() >= options.max_sd_depth) {
      cut = true;
      return html::Visit::kSkipChildren;
    }
    auto item = std::make_shared<SdItem>();
    item->source = "microdata";
    // Nested items take their top-level item's number; a stray itemprop item counts as top-level.
    item->block = parent != nullptr && !names.empty() ? parent->block : ++sd->microdata_items;
    for (const std::string& type : SplitSpaces(html::AttrOr(n, "itemtype"))) item->types.push_back(ShortName(type));
    item->id = std::string(text::Trim(html::AttrOr(n, "itemid")));
    // A top-level item is met once; a nested one once per name per meeting of its parent.
    scopes.push_back(Scope{depth, item.get(), names.empty() ? 1 : SaturatingMul(parent_multiplicity, names.size())});
    // An itemscope with itemprop is a property value of the enclosing item. Without an enclosing
    // item (a stray itemprop) it is kept as a top-level item rather than lost.
    if (names.empty()) {
      sd->items.push_back(std::move(item));
    } else {
      for (const std::string& name : names)
        PropertyValues(parent, name)->push_back(SdValue{std::string(), item, false});
    }
    return html::Visit::kContinue;
  });
  if (cut)
    sd->errors.push_back({"microdata", "microdata items nested deeper than " + std::to_string(options.max_sd_depth) +
                                           " levels were dropped"});
  if (capped)
    sd->errors.push_back({"microdata", "more than " + std::to_string(kMaxMicrodataProperties) +
                                           " microdata properties; the rest were ignored"});
  if (text_capped)
    sd->errors.push_back({"microdata", "microdata property texts over " + std::to_string(kMaxMicrodataTextBytes) +
                                           " bytes in all; the texts past that were left out"});
}

}  // namespace

StructuredData ExtractStructuredData(const html::Document& doc, const Context& ctx, const ExtractOptions& options) {
  StructuredData sd;
  std::vector<const GumboNode*> scripts;
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (n->type == GUMBO_NODE_TEMPLATE) return html::Visit::kSkipChildren;  // inert content
    if (IsJsonLdScript(n)) scripts.push_back(n);
    return html::Visit::kContinue;
  });
  for (const GumboNode* script : scripts) ExtractJsonLd(script, ++sd.json_ld_blocks, options, &sd);
  ExtractMicrodata(doc, ctx, options, &sd);
  return sd;
}

}  // namespace mmaudit::facts
