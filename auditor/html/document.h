// RAII ownership of a Gumbo parse tree, plus iterative traversal (no recursion, so a page nested
// 100,000 levels deep cannot overflow the stack).
//
// A Document owns its GumboOutput, the arena the tree lives in (html/parse_arena.h) and the UTF-8
// buffer Gumbo points into; all are freed when the Document is destroyed. GumboNode pointers obtained from it are valid only while it lives. A
// Document is movable, not copyable, and not thread-safe; separate Documents may be used from
// separate threads.
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::html {

class ParseArena;

struct ParseLimits {
  std::size_t max_errors = 64;  // Gumbo stops recording parse errors after this many
  // The tree's arena holds at most this much; past it Gumbo's allocations go to malloc.
  std::size_t arena_bytes = std::size_t{64} << 20;
  // Elements are nested at most this deep (0: no limit). Gumbo's tree building takes time
  // quadratic in the nesting, so deeper markup is flattened before parsing (see FlattenDeepNesting);
  // Chromium's parser stops nesting at 512 levels too.
  std::size_t max_depth = 512;
};

// Flattens `html` so that no element nests more than `max_depth` levels deep, by the tags alone, as
// Chromium's parser does: an element that would open deeper becomes a sibling at the limit (each
// such start tag first closes the previous one, whose own end tag is then left out). Content and
// attributes stay. Depth counts start tags not yet closed, except void elements, self-closing tags,
// elements whose end tag HTML lets one omit (p, li, td, tr, option ...) and html, head and body;
// comments, doctypes and the text of script, style, textarea, title and the like are skipped.
// Returns how many start tags were moved up (0: `html` is unchanged).
std::size_t FlattenDeepNesting(std::string* html, std::size_t max_depth);

class Document {
 public:
  // Parses `utf8` (which must be valid UTF-8; see text::SanitizeUtf8). Never fails: Gumbo recovers
  // from any input the way a browser does.
  static Document Parse(std::string utf8, const ParseLimits& limits = {});

  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  const GumboNode* root() const;      // the <html> element
  const GumboNode* document() const;  // the document node (holds the doctype)
  bool has_doctype() const;
  // Depth of the deepest element, counted from <html> = 1.
  std::size_t max_depth() const { return max_depth_; }
  std::size_t element_count() const { return element_count_; }
  // Start tags moved up to ParseLimits::max_depth because they nested deeper (0 when none were).
  std::size_t flattened_tags() const { return flattened_tags_; }

 private:
  Document();
  std::unique_ptr<std::string> buffer_;
  std::unique_ptr<ParseArena> arena_;
  GumboOutput* output_ = nullptr;  // lives in *arena_
  std::size_t max_depth_ = 0;
  std::size_t element_count_ = 0;
  std::size_t flattened_tags_ = 0;
};

// What a visitor tells the walk to do next.
enum class Visit { kContinue, kSkipChildren, kStop };

namespace detail {

struct WalkFrame {
  const GumboNode* node;
  std::size_t depth;
};

// A stack for one Walk, borrowed from a per-thread pool and given back (emptied) when the walk
// ends, so walks allocate nothing once a thread has warmed up. Walks may nest (a visitor may walk
// a subtree): each borrows its own stack.
class WalkStack {
 public:
  WalkStack();
  ~WalkStack();
  WalkStack(const WalkStack&) = delete;
  WalkStack& operator=(const WalkStack&) = delete;
  std::vector<WalkFrame>& frames() { return frames_; }

 private:
  std::vector<WalkFrame> frames_;
};

}  // namespace detail

// Visits `node` and its descendants in document order, depth-first, iteratively. `fn` receives each
// node (elements, text, comments ...) and its depth relative to `node` (0 for `node` itself), and
// returns a Visit. A template, so the visitor is inlined into the loop (a whole-DOM walk calls it
// once per node).
template <typename Fn>
void Walk(const GumboNode* node, Fn&& fn) {
  if (node == nullptr) return;
  detail::WalkStack borrowed;
  std::vector<detail::WalkFrame>& stack = borrowed.frames();
  stack.push_back({node, 0});
  while (!stack.empty()) {
    const detail::WalkFrame f = stack.back();
    stack.pop_back();
    const Visit v = fn(f.node, f.depth);
    if (v == Visit::kStop) return;
    if (v == Visit::kSkipChildren) continue;
    const GumboVector* children = nullptr;
    if (f.node->type == GUMBO_NODE_ELEMENT || f.node->type == GUMBO_NODE_TEMPLATE) {
      children = &f.node->v.element.children;
    } else if (f.node->type == GUMBO_NODE_DOCUMENT) {
      children = &f.node->v.document.children;
    }
    if (children == nullptr) continue;
    for (unsigned i = children->length; i > 0; --i)
      stack.push_back({static_cast<const GumboNode*>(children->data[i - 1]), f.depth + 1});
  }
}

}  // namespace mmaudit::html
