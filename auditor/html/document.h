// RAII ownership of a Gumbo parse tree, plus iterative traversal (no recursion, so a page nested
// 100,000 levels deep cannot overflow the stack).
//
// A Document owns its GumboOutput and the UTF-8 buffer Gumbo points into; both are freed when the
// Document is destroyed. GumboNode pointers obtained from it are valid only while it lives. A
// Document is movable, not copyable, and not thread-safe; separate Documents may be used from
// separate threads.
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mmaudit::html {

struct ParseLimits {
  std::size_t max_errors = 64;  // Gumbo stops recording parse errors after this many
};

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

 private:
  Document() = default;
  struct Deleter {
    void operator()(GumboOutput* out) const;
  };
  std::unique_ptr<std::string> buffer_;
  std::unique_ptr<GumboOutput, Deleter> output_;
  std::size_t max_depth_ = 0;
  std::size_t element_count_ = 0;
};

// What a visitor tells the walk to do next.
enum class Visit { kContinue, kSkipChildren, kStop };

// Visits `node` and its descendants in document order, depth-first, iteratively. `fn` receives each
// node (elements, text, comments ...) and its depth relative to `node` (0 for `node` itself).
void Walk(const GumboNode* node, const std::function<Visit(const GumboNode*, std::size_t depth)>& fn);

}  // namespace mmaudit::html
