#include "html/query.h"

#include "core/text.h"
#include "html/document.h"

namespace mmaudit::html {

bool IsElement(const GumboNode* n) { return n != nullptr && n->type == GUMBO_NODE_ELEMENT; }

bool Is(const GumboNode* n, GumboTag tag) { return IsElement(n) && n->v.element.tag == tag; }

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
    if (name == a->name) return std::string_view(a->value);
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
  if (HasAttr(n, "hidden") || text::AsciiLower(AttrOr(n, "aria-hidden")) == "true") return true;
  std::string style = text::AsciiLower(AttrOr(n, "style"));
  std::erase_if(style, [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
  return text::Contains(style, "display:none") || text::Contains(style, "visibility:hidden");
}

namespace {

// True when a word boundary sits just before `n`: it is a block element, or it follows one (so
// "<h2>Reviews</h2><span>None yet</span>" does not read "ReviewsNone yet").
bool BreaksBefore(const GumboNode* n) { return IsBlock(n) || PreviousSiblingIsBlock(n); }

// Appends the raw text of `n`'s subtree to `*raw` (see Text / BoundedText), charging each visited
// node to `*node_budget` when it is not null.
void CollectText(const GumboNode* n, std::size_t max_bytes, std::size_t* node_budget, std::string* raw) {
  Walk(n, [&](const GumboNode* node, std::size_t) {
    if (raw->size() >= max_bytes || (node_budget != nullptr && *node_budget == 0)) return Visit::kStop;
    if (node_budget != nullptr) --*node_budget;
    if (IsNonRendered(node)) return Visit::kSkipChildren;
    if (BreaksBefore(node)) *raw += ' ';
    if (IsTextNode(node)) *raw += node->v.text.text;
    return Visit::kContinue;
  });
}

}  // namespace

std::string Text(const GumboNode* n, std::size_t max_bytes) {
  std::string raw;
  CollectText(n, max_bytes, nullptr, &raw);
  if (raw.size() > max_bytes) raw.resize(max_bytes);
  return text::CollapseWhitespace(raw);
}

std::string BoundedText(const GumboNode* n, std::size_t max_bytes, std::size_t* node_budget) {
  std::string raw;
  CollectText(n, max_bytes, node_budget, &raw);
  return text::CollapseWhitespace(raw);
}

std::string VisibleText(const GumboNode* root, std::size_t max_bytes, WordBreaks breaks) {
  const bool every_text_node = breaks == WordBreaks::kAtEveryTextNode;
  std::string raw;
  Walk(root, [&](const GumboNode* n, std::size_t) {
    if (raw.size() >= max_bytes) return Visit::kStop;
    if (IsNonRendered(n) || IsHiddenSelf(n)) return Visit::kSkipChildren;
    if (IsTextNode(n)) {
      if (every_text_node || BreaksBefore(n)) raw += ' ';
      raw += n->v.text.text;
    } else if (!every_text_node && BreaksBefore(n)) {
      raw += ' ';
    }
    return Visit::kContinue;
  });
  return text::CollapseWhitespace(raw);
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
