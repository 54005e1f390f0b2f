#include "html/query.h"

#include <algorithm>
#include <span>

#include "core/text.h"
#include "html/document.h"

namespace mmaudit::html {

namespace {

// True when the NUL-terminated attribute name `an` is `name`, compared byte by byte without
// measuring `an` first (most names differ in their first byte).
bool NameIs(const char* an, std::string_view name) {
  std::size_t k = 0;
  while (k < name.size() && an[k] == name[k]) ++k;
  return k == name.size() && an[k] == '\0';
}

}  // namespace

std::string TagName(const GumboNode* n) {
  if (!IsElement(n)) return {};
  if (n->v.element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(n->v.element.tag);
  GumboStringPiece piece = n->v.element.original_tag;
  gumbo_tag_from_original_text(&piece);
  return text::AsciiLower(std::string_view(piece.data, piece.length));
}

std::optional<std::string_view> Attr(const GumboNode* n, std::string_view name) {
  if (n == nullptr || (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)) return std::nullopt;
  const GumboVector& attrs = n->v.element.attributes;
  for (unsigned i = 0; i < attrs.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
    // Gumbo lower-cases attribute names of HTML elements already.
    if (NameIs(a->name, name)) return std::string_view(a->value);
  }
  return std::nullopt;
}

std::string_view AttrOr(const GumboNode* n, std::string_view name, std::string_view fallback) {
  auto v = Attr(n, name);
  return v ? *v : fallback;
}

bool HasAttr(const GumboNode* n, std::string_view name) { return Attr(n, name).has_value(); }

bool HasClass(const GumboNode* n, std::string_view cls) {
  const std::string_view v = AttrOr(n, "class");
  std::size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n')) ++i;
    std::size_t j = i;
    while (j < v.size() && v[j] != ' ' && v[j] != '\t' && v[j] != '\n') ++j;
    if (j > i && v.substr(i, j - i) == cls) return true;
    i = j;
  }
  return false;
}

bool IsTextNode(const GumboNode* n) {
  return n != nullptr &&
         (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA);
}

bool IsNonRendered(const GumboNode* n) {
  if (n == nullptr) return false;
  if (n->type == GUMBO_NODE_TEMPLATE) return true;
  if (!IsElement(n)) return false;
  switch (n->v.element.tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_HEAD:
      return true;
    default:
      return false;
  }
}

bool IsBlock(const GumboNode* n) {
  if (!IsElement(n)) return false;
  switch (n->v.element.tag) {
    case GUMBO_TAG_A: case GUMBO_TAG_SPAN: case GUMBO_TAG_B: case GUMBO_TAG_STRONG: case GUMBO_TAG_I:
    case GUMBO_TAG_EM: case GUMBO_TAG_SMALL: case GUMBO_TAG_SUP: case GUMBO_TAG_SUB: case GUMBO_TAG_U:
    case GUMBO_TAG_S: case GUMBO_TAG_MARK: case GUMBO_TAG_ABBR: case GUMBO_TAG_CODE: case GUMBO_TAG_Q:
    case GUMBO_TAG_CITE: case GUMBO_TAG_TIME: case GUMBO_TAG_DATA: case GUMBO_TAG_FONT: case GUMBO_TAG_DEL:
    case GUMBO_TAG_INS: case GUMBO_TAG_BDI: case GUMBO_TAG_BDO: case GUMBO_TAG_WBR:
      return false;
    default:
      return true;
  }
}

bool PreviousSiblingIsBlock(const GumboNode* n) {
  const GumboNode* parent = n != nullptr ? n->parent : nullptr;
  if (parent == nullptr || n->index_within_parent == 0 ||
      (parent->type != GUMBO_NODE_ELEMENT && parent->type != GUMBO_NODE_TEMPLATE))
    return false;
  return IsBlock(static_cast<const GumboNode*>(parent->v.element.children.data[n->index_within_parent - 1]));
}

bool IsHiddenSelf(const GumboNode* n) {
  if (!IsElement(n)) return false;
  // One pass over the attributes (Gumbo keeps only the first of repeated ones).
  std::optional<std::string_view> style_attr;
  const GumboVector& attrs = n->v.element.attributes;
  for (unsigned i = 0; i < attrs.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
    if (NameIs(a->name, "hidden")) return true;
    if (NameIs(a->name, "aria-hidden") && text::EqualsIgnoreCase(a->value, "true")) return true;
    if (NameIs(a->name, "style") && !style_attr) style_attr = a->value;
  }
  if (!style_attr) return false;
  std::string style = text::AsciiLower(*style_attr);
  std::erase_if(style, [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
  return text::Contains(style, "display:none") || text::Contains(style, "visibility:hidden");
}

namespace {

// True when a word boundary sits just before `n`: it is a block element, or it follows one (so
// "<h2>Reviews</h2><span>None yet</span>" does not read "ReviewsNone yet").
bool BreaksBefore(const GumboNode* n) { return IsBlock(n) || PreviousSiblingIsBlock(n); }

// The text of `n`'s subtree (see Text / BoundedText), whitespace collapsed as it is read, charging
// each visited node to `*node_budget` when it is not null. Reading stops once `max_bytes` bytes of
// raw text (before collapsing) are gathered; with `cut`, raw bytes past that limit are dropped
// (Text), otherwise the text node that crosses it is kept whole (BoundedText). With `label`, the
// content of <select>, <textarea> and <datalist> is left out and every text node starts a word
// (LabelText).
std::string CollectText(const GumboNode* n, std::size_t max_bytes, std::size_t* node_budget, bool cut,
                        bool label = false) {
  text::WhitespaceCollapser out;
  std::size_t raw = 0;  // bytes of raw text seen
  Walk(n, [&](const GumboNode* node, std::size_t) {
    if (raw >= max_bytes || (node_budget != nullptr && *node_budget == 0)) return Visit::kStop;
    if (node_budget != nullptr) --*node_budget;
    if (IsNonRendered(node)) return Visit::kSkipChildren;
    if (label && (Is(node, GUMBO_TAG_SELECT) || Is(node, GUMBO_TAG_TEXTAREA) || Is(node, GUMBO_TAG_DATALIST)))
      return Visit::kSkipChildren;
    if (BreaksBefore(node) || (label && IsTextNode(node))) {
      if (!cut || raw < max_bytes) out.AppendSpace();
      ++raw;
    }
    if (IsTextNode(node)) {
      const std::string_view piece = node->v.text.text;
      out.Append(cut ? text::Utf8Prefix(piece, max_bytes - std::min(raw, max_bytes)) : piece);  // whole characters
      raw += piece.size();
    }
    return Visit::kContinue;
  });
  return out.Take();
}

// One visible-text reading (see VisibleText): its word breaks, the raw bytes it has taken (what
// max_bytes limits: the text before collapsing and folding) and the collapsed text.
struct VisibleSink {
  explicit VisibleSink(WordBreaks b) : breaks(b) {}
  WordBreaks breaks;
  std::size_t raw = 0;
  text::WhitespaceCollapser out;
};

// Reads the visible text under `root` into every sink in one walk; each sink stops taking text by
// itself once it has `max_bytes` raw bytes, and the walk stops when all have. With `fold`, each
// text node is case-folded once (text::AppendFolded) and the folded text goes to the sinks.
// With `main` (a byte range), also records where the first main landmark's text lies in the first
// sink's text (see FoldedVisibleTexts).
struct MainRange {
  std::size_t begin = std::string::npos, end = std::string::npos;
};
void ReadVisibleText(const GumboNode* root, std::size_t max_bytes, bool fold, std::span<VisibleSink> sinks,
                     MainRange* main = nullptr) {
  std::string folded;          // the current text node, folded
  text::CollapsedPiece collapsed;  // and collapsed, when there are several sinks
  constexpr std::size_t kNone = std::string::npos;
  std::size_t main_depth = kNone;  // walk depth of the open main landmark
  Walk(root, [&](const GumboNode* n, std::size_t depth) {
    if (main != nullptr) {
      if (main_depth != kNone && depth <= main_depth) {  // left the landmark's subtree
        main->end = sinks[0].out.str().size();
        main_depth = kNone;
      } else if (main->begin == kNone && IsMainLandmark(n)) {
        main->begin = sinks[0].out.str().size();
        main_depth = depth;
      }
    }
    if (std::none_of(sinks.begin(), sinks.end(), [&](const VisibleSink& s) { return s.raw < max_bytes; }))
      return Visit::kStop;
    if (IsNonRendered(n) || IsHiddenSelf(n)) return Visit::kSkipChildren;
    const bool is_text = IsTextNode(n);
    const bool breaks_before = BreaksBefore(n);
    std::string_view piece;
    if (is_text) {
      piece = n->v.text.text;
      if (sinks.size() > 1) {
        // With several readings, the piece is collapsed once and appended to each; folded after
        // collapsing (the two commute), in place, so the text is copied once.
        text::WhitespaceCollapser::Collapse(piece, &collapsed);
        if (fold) text::FoldInPlace(&collapsed.body);
      } else if (fold) {
        folded.clear();
        text::AppendFolded(piece, &folded);
      }
    }
    for (VisibleSink& s : sinks) {
      if (s.raw >= max_bytes) continue;
      const bool every_text_node = s.breaks == WordBreaks::kAtEveryTextNode;
      if (is_text) {
        if (every_text_node || breaks_before) {
          s.out.AppendSpace();
          ++s.raw;
        }
        if (sinks.size() > 1)
          s.out.Append(collapsed);
        else
          s.out.Append(fold ? std::string_view(folded) : piece);
        s.raw += piece.size();
      } else if (!every_text_node && breaks_before) {
        s.out.AppendSpace();
        ++s.raw;
      }
    }
    return Visit::kContinue;
  });
  if (main != nullptr && main->begin != kNone && main->end == kNone) main->end = sinks[0].out.str().size();
}

}  // namespace

bool IsMainLandmark(const GumboNode* n) {
  if (!IsElement(n)) return false;
  if (Is(n, GUMBO_TAG_MAIN)) return true;
  const auto role = Attr(n, "role");
  return role && role->size() == 4 && text::StartsWithIgnoreCase(*role, "main");
}

std::string Text(const GumboNode* n, std::size_t max_bytes) { return CollectText(n, max_bytes, nullptr, true); }

std::string LabelText(const GumboNode* n, std::size_t max_bytes) {
  return CollectText(n, max_bytes, nullptr, true, true);
}

std::string BoundedText(const GumboNode* n, std::size_t max_bytes, std::size_t* node_budget) {
  return CollectText(n, max_bytes, node_budget, false);
}

std::string VisibleText(const GumboNode* root, std::size_t max_bytes, WordBreaks breaks) {
  VisibleSink sink(breaks);
  ReadVisibleText(root, max_bytes, false, std::span<VisibleSink>(&sink, 1));
  return sink.out.Take();
}

std::string FoldedVisibleText(const GumboNode* root, std::size_t max_bytes, WordBreaks breaks) {
  VisibleSink sink(breaks);
  ReadVisibleText(root, max_bytes, true, std::span<VisibleSink>(&sink, 1));
  return sink.out.Take();
}

FoldedVisibleTexts FoldedVisibleTextBothBreaks(const GumboNode* root, std::size_t max_bytes) {
  VisibleSink sinks[2] = {VisibleSink(WordBreaks::kAtBlocks), VisibleSink(WordBreaks::kAtEveryTextNode)};
  MainRange main;
  ReadVisibleText(root, max_bytes, true, sinks, &main);
  return {sinks[0].out.Take(), sinks[1].out.Take(), main.begin, main.end};
}

std::vector<const GumboNode*> FindAll(const GumboNode* root, GumboTag tag) {
  std::vector<const GumboNode*> out;
  Walk(root, [&](const GumboNode* node, std::size_t) {
    if (Is(node, tag)) out.push_back(node);
    return Visit::kContinue;
  });
  return out;
}

const GumboNode* FindFirst(const GumboNode* root, GumboTag tag) {
  const GumboNode* found = nullptr;
  Walk(root, [&](const GumboNode* node, std::size_t) {
    if (Is(node, tag)) {
      found = node;
      return Visit::kStop;
    }
    return Visit::kContinue;
  });
  return found;
}

const GumboNode* Ancestor(const GumboNode* n, GumboTag tag) {
  for (const GumboNode* p = n ? n->parent : nullptr; p != nullptr; p = p->parent)
    if (Is(p, tag)) return p;
  return nullptr;
}

bool IsHiddenByMarkup(const GumboNode* n) {
  for (const GumboNode* p = n; p != nullptr; p = p->parent)
    if (p->type == GUMBO_NODE_TEMPLATE || Is(p, GUMBO_TAG_TEMPLATE) || IsHiddenSelf(p)) return true;
  return false;
}

std::string_view RawText(const GumboNode* n) {
  if (!IsElement(n)) return {};
  const GumboVector& children = n->v.element.children;
  if (children.length == 0) return {};
  const auto* child = static_cast<const GumboNode*>(children.data[0]);
  if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE || child->type == GUMBO_NODE_CDATA)
    return child->v.text.text;
  return {};
}

int HeadingLevel(const GumboNode* n) {
  if (!IsElement(n)) return 0;
  switch (n->v.element.tag) {
    case GUMBO_TAG_H1: return 1;
    case GUMBO_TAG_H2: return 2;
    case GUMBO_TAG_H3: return 3;
    case GUMBO_TAG_H4: return 4;
    case GUMBO_TAG_H5: return 5;
    case GUMBO_TAG_H6: return 6;
    default: return 0;
  }
}

}  // namespace mmaudit::html
