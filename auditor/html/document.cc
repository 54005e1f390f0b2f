#include "html/document.h"

#include <vector>

namespace mmaudit::html {

void Document::Deleter::operator()(GumboOutput* out) const {
  if (out != nullptr) gumbo_destroy_output(&kGumboDefaultOptions, out);
}

Document Document::Parse(std::string utf8, const ParseLimits& limits) {
  Document doc;
  doc.buffer_ = std::make_unique<std::string>(std::move(utf8));
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = static_cast<int>(limits.max_errors);
  doc.output_.reset(gumbo_parse_with_options(&options, doc.buffer_->data(), doc.buffer_->size()));
  Walk(doc.root(), [&doc](const GumboNode* n, std::size_t depth) {
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
      ++doc.element_count_;
      if (depth + 1 > doc.max_depth_) doc.max_depth_ = depth + 1;
    }
    return Visit::kContinue;
  });
  return doc;
}

Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

const GumboNode* Document::root() const { return output_ ? output_->root : nullptr; }
const GumboNode* Document::document() const { return output_ ? output_->document : nullptr; }
bool Document::has_doctype() const {
  return output_ && output_->document->v.document.has_doctype;
}

namespace detail {
namespace {

// Stacks returned by finished walks on this thread. A stack grown by a pathologically deep page is
// let go rather than kept.
constexpr std::size_t kMaxPooledFrames = 1 << 16;
thread_local std::vector<std::vector<WalkFrame>> stack_pool;

}  // namespace

WalkStack::WalkStack() {
  if (!stack_pool.empty()) {
    frames_ = std::move(stack_pool.back());
    stack_pool.pop_back();
  }
}

WalkStack::~WalkStack() {
  if (frames_.capacity() > kMaxPooledFrames) return;
  frames_.clear();
  stack_pool.push_back(std::move(frames_));
}

}  // namespace detail

}  // namespace mmaudit::html
