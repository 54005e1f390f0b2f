#include "html/document.h"

#include <utility>
#include <vector>

#include "html/parse_arena.h"

namespace mmaudit::html {

namespace {

GumboOptions ArenaOptions(ParseArena* arena) {
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &ParseArena::GumboAllocate;
  options.deallocator = &ParseArena::GumboFree;
  options.userdata = arena;
  return options;
}

}  // namespace

Document::Document() = default;

Document Document::Parse(std::string utf8, const ParseLimits& limits) {
  Document doc;
  doc.buffer_ = std::make_unique<std::string>(std::move(utf8));
  doc.arena_ = std::make_unique<ParseArena>(limits.arena_bytes);
  GumboOptions options = ArenaOptions(doc.arena_.get());
  options.max_errors = static_cast<int>(limits.max_errors);
  doc.output_ = gumbo_parse_with_options(&options, doc.buffer_->data(), doc.buffer_->size());
  Walk(doc.root(), [&doc](const GumboNode* n, std::size_t depth) {
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
      ++doc.element_count_;
      if (depth + 1 > doc.max_depth_) doc.max_depth_ = depth + 1;
    }
    return Visit::kContinue;
  });
  return doc;
}

Document::Document(Document&& other) noexcept
    : buffer_(std::move(other.buffer_)),
      arena_(std::move(other.arena_)),
      output_(std::exchange(other.output_, nullptr)),
      max_depth_(other.max_depth_),
      element_count_(other.element_count_) {}

Document& Document::operator=(Document&& other) noexcept {
  if (this != &other) {
    Document old(std::move(*this));  // frees this one's tree when it goes
    buffer_ = std::move(other.buffer_);
    arena_ = std::move(other.arena_);
    output_ = std::exchange(other.output_, nullptr);
    max_depth_ = other.max_depth_;
    element_count_ = other.element_count_;
  }
  return *this;
}

// The tree lives in the arena and goes with it, unless some of it spilled to malloc: then Gumbo
// frees it node by node first (arena blocks are skipped by ParseArena::Free).
Document::~Document() {
  if (output_ != nullptr && arena_ != nullptr && arena_->spilled()) {
    const GumboOptions options = ArenaOptions(arena_.get());
    gumbo_destroy_output(&options, output_);
  }
  output_ = nullptr;
  arena_.reset();
}

const GumboNode* Document::root() const { return output_ != nullptr ? output_->root : nullptr; }
const GumboNode* Document::document() const { return output_ != nullptr ? output_->document : nullptr; }
bool Document::has_doctype() const { return output_ != nullptr && output_->document->v.document.has_doctype; }

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
