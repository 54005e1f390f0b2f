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

void Walk(const GumboNode* node, const std::function<Visit(const GumboNode*, std::size_t)>& fn) {
  if (node == nullptr) return;
  struct Frame {
    const GumboNode* node;
    std::size_t depth;
  };
  std::vector<Frame> stack;
  stack.push_back({node, 0});
  while (!stack.empty()) {
    const Frame f = stack.back();
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
