// Small read-only helpers over a Gumbo tree. All are pure; none allocate a DOM. Node pointers must
// come from a live html::Document.
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::html {

// Inline: every walk asks these of every node.
inline bool IsElement(const GumboNode* n) { return n != nullptr && n->type == GUMBO_NODE_ELEMENT; }
// True when `n` is an element with tag `tag` (a GumboTag, so unknown tags need TagName()).
inline bool Is(const GumboNode* n, GumboTag tag) { return IsElement(n) && n->v.element.tag == tag; }
// The lower-case tag name, also for tags Gumbo does not know (e.g. "product-card").
std::string TagName(const GumboNode* n);

// The attribute's value, or nullopt when absent. Attribute names are matched case-insensitively.
std::optional<std::string_view> Attr(const GumboNode* n, std::string_view name);
// The attribute's value, or "" when absent.
std::string_view AttrOr(const GumboNode* n, std::string_view name, std::string_view fallback = "");
bool HasAttr(const GumboNode* n, std::string_view name);
// True when the class attribute holds `cls` as one of its space-separated tokens.
bool HasClass(const GumboNode* n, std::string_view cls);

// True when `n` is a text, whitespace or CDATA node (the nodes that carry character data).
bool IsTextNode(const GumboNode* n);

// True when `n` is a subtree a browser never renders as page text: <script>, <style>, <noscript>,
// <template> (Gumbo's template node as well as the element) and <head>.
bool IsNonRendered(const GumboNode* n);

// True when `n` is an element other than the inline phrasing elements (a, span, b, strong, i, em,
// small, sup, sub, u, s, mark, abbr, code, q, cite, time, data, font, del, ins, bdi, bdo, wbr), so
// words on either side of it never run together in rendered text. False for non-elements.
bool IsBlock(const GumboNode* n);

// True when the sibling just before `n` in its parent is a block element (IsBlock), i.e. a word
// boundary sits before `n`. False for a first child or a node without an element parent.
bool PreviousSiblingIsBlock(const GumboNode* n);

// True when the element's *own* markup hides it: the `hidden` attribute, aria-hidden="true", or an
// inline style with display:none or visibility:hidden (case and whitespace ignored). Ancestors are
// not looked at (see IsHiddenByMarkup); false for non-elements.
bool IsHiddenSelf(const GumboNode* n);

// The text of `n` and its descendants, with whitespace collapsed: non-rendered subtrees
// (IsNonRendered) are skipped, the start and end of every block element (IsBlock) separate words
// and inline elements do not ("<dt>Weight</dt><dd>240 g</dd>" reads "Weight 240 g", "<b>4</b>.5"
// reads "4.5"). Collection stops once `max_bytes` raw bytes are gathered, and the raw text is cut
// to at most `max_bytes` bytes before collapsing, between characters (the result is valid UTF-8). Hidden descendants are
// included (see VisibleText).
std::string Text(const GumboNode* n, std::size_t max_bytes = 64 * 1024);

// Text for reading a <label> or another element that names a control: like Text, but without the
// content of form controls it wraps (<select> options, <textarea> text, <datalist>), so
// "<label>State <select><option>Alabama</option>..." reads "State", and with a word break before
// every text node, so "Expiry<span class=sr-only>for card 2</span>" reads "Expiry for card 2".
// Same cutting as Text.
std::string LabelText(const GumboNode* n, std::size_t max_bytes = 512);

// Like Text, but for callers that read many elements of one page: every node visited is charged
// to `*node_budget` (which must not be null), and reading stops when it reaches 0, so the total
// work of all reads sharing one budget stays linear however deeply the page nests. Collection
// also stops once at least `max_bytes` raw bytes are gathered; the text node that crosses the
// limit is kept whole (the result is not cut mid-character).
std::string BoundedText(const GumboNode* n, std::size_t max_bytes, std::size_t* node_budget);

// Where VisibleText puts word boundaries.
enum class WordBreaks {
  // At block elements (IsBlock) only, as in Text and as the markup renders without CSS:
  // "<b>4</b><span>.5</span>" reads "4.5", but "<span>Total</span><span>€5</span>" in a flex row
  // reads "Total€5" too.
  kAtBlocks,
  // Before every text node as well, so no two text nodes ever run together ("Total €5"), at the
  // price of splitting words styled mid-word ("4 .5").
  kAtEveryTextNode,
};

// The text a shopper can see in `root`'s subtree, with whitespace collapsed, in one linear walk:
// non-rendered subtrees (IsNonRendered, so also <head>) and subtrees whose element hides itself
// (IsHiddenSelf) are skipped, and words are separated as `breaks` says. Ancestors of `root` are
// not looked at. Collection stops once at least `max_bytes` raw bytes are gathered; the text node
// that crosses the limit is kept whole.
std::string VisibleText(const GumboNode* root, std::size_t max_bytes, WordBreaks breaks = WordBreaks::kAtBlocks);

// text::FoldCase(VisibleText(root, max_bytes, breaks)), folding each text node as it is read
// instead of the whole text afterwards (the same result: folding and collapsing whitespace commute).
std::string FoldedVisibleText(const GumboNode* root, std::size_t max_bytes, WordBreaks breaks = WordBreaks::kAtBlocks);

// True for the page's main landmark element: <main> or an element with role=main.
bool IsMainLandmark(const GumboNode* n);

// Both word-break variants of FoldedVisibleText, from one walk (each text node is folded once),
// and where the first main landmark's text lies in the first.
struct FoldedVisibleTexts {
  std::string at_blocks;           // FoldedVisibleText(root, max_bytes, WordBreaks::kAtBlocks)
  std::string at_every_text_node;  // FoldedVisibleText(root, max_bytes, WordBreaks::kAtEveryTextNode)
  // at_blocks.substr(main_begin, main_end - main_begin) is the visible text of the first element
  // under `root` for which IsMainLandmark holds (empty when it is hidden; cut where at_blocks is
  // cut), give or take a space at either end. Both are std::string::npos when there is none.
  std::size_t main_begin = std::string::npos, main_end = std::string::npos;
  // That text, or an empty view when there is no main landmark.
  std::string_view main_text() const {
    return main_begin == std::string::npos ? std::string_view() : std::string_view(at_blocks).substr(main_begin, main_end - main_begin);
  }
};
FoldedVisibleTexts FoldedVisibleTextBothBreaks(const GumboNode* root, std::size_t max_bytes);

// Every element under `root` (inclusive) with tag `tag`, in document order.
std::vector<const GumboNode*> FindAll(const GumboNode* root, GumboTag tag);
// The first such element, or nullptr.
const GumboNode* FindFirst(const GumboNode* root, GumboTag tag);

// The nearest ancestor element with tag `tag`, or nullptr.
const GumboNode* Ancestor(const GumboNode* n, GumboTag tag);

// True when the element itself or an ancestor is hidden from a shopper by markup: IsHiddenSelf
// holds for it, or it is (inside) a <template>. CSS from stylesheets is not considered (that needs
// a style engine).
bool IsHiddenByMarkup(const GumboNode* n);

// The raw text of a <script> or <style> element (its single text child), or "".
std::string_view RawText(const GumboNode* n);

// Heading level 1-6 for <h1>..<h6>, 0 otherwise.
int HeadingLevel(const GumboNode* n);

}  // namespace mmaudit::html
