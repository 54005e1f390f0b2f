#include "html/document.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
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

// How the nesting pre-pass treats a tag.
enum class TagKind : unsigned char {
  kCounted,    // opens a level of nesting
  kUncounted,  // never holds other elements, its end tag may be left out, or every document has it once
  kRawText,    // its content is text up to its end tag
};

// Tag names of each kind, looked up through Gumbo's perfect hash of the names it knows (a lookup
// per tag, instead of comparing the name with forty strings).
struct TagKinds {
  std::array<TagKind, GUMBO_TAG_LAST + 1> by_tag{};
  std::vector<std::pair<std::string_view, TagKind>> unknown_to_gumbo;  // compared by name
  TagKinds() {
    auto add = [this](std::initializer_list<std::string_view> names, TagKind kind) {
      for (const std::string_view name : names) {
        const GumboTag tag = gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size()));
        if (tag == GUMBO_TAG_UNKNOWN) unknown_to_gumbo.emplace_back(name, kind);
        else by_tag[tag] = kind;
      }
    };
    add({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr", "keygen", "basefont", "bgsound", "frame", "image", "p", "li", "dt", "dd", "option", "optgroup", "tr",
         "td", "th", "tbody", "thead", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp", "html", "head", "body"},
        TagKind::kUncounted);
    add({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"}, TagKind::kRawText);
  }
};

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
  return true;
}

// The kind of the tag named `name`, in any case.
TagKind KindOf(std::string_view name) {
  static const TagKinds kinds;
  const GumboTag tag = gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size()));
  if (tag != GUMBO_TAG_UNKNOWN) return kinds.by_tag[tag];
  for (const auto& [known, kind] : kinds.unknown_to_gumbo)
    if (EqualsIgnoreCase(name, known)) return kind;
  return TagKind::kCounted;
}

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || (c >= '0' && c <= '9'); }

// Index of the first case-insensitive occurrence of "</" + `name` (lower case) in s from `from`, or npos.
std::size_t FindEndTag(const std::string& s, std::string_view name, std::size_t from) {
  for (std::size_t i = s.find("</", from); i != std::string::npos; i = s.find("</", i + 1))
    if (i + 2 + name.size() <= s.size() && EqualsIgnoreCase(std::string_view(s).substr(i + 2, name.size()), name))
      return i;
  return std::string::npos;
}

// `name` in lower case, at most 16 bytes of it.
std::string LowerName(std::string_view name) {
  std::string out(name.substr(0, 16));
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// The end of the tag starting at `lt` ("<"): the index just past its ">", quotes respected; or the
// input's size when it never ends.
std::size_t TagEnd(const std::string& s, std::size_t lt) {
  char quote = 0;
  for (std::size_t i = lt + 1; i < s.size(); ++i) {
    const char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      // Quotes count only as an attribute value's ("a=\"..\""), as the tokenizer reads them.
      if (i > lt + 1 && (s[i - 1] == '=' || std::isspace(static_cast<unsigned char>(s[i - 1])))) quote = c;
    } else if (c == '>') {
      return i + 1;
    }
  }
  return s.size();
}

}  // namespace

std::size_t FlattenDeepNesting(std::string* html, std::size_t max_depth) {
  if (max_depth == 0) return 0;
  const std::string& s = *html;
  std::string out;         // built only once something changes
  std::size_t copied = 0;  // s[0, copied) is in `out` (when building)
  bool building = false;
  // Replaces s[from, to) with `with` in the output.
  auto replace = [&](std::size_t from, std::size_t to, const std::string& with) {
    if (!building) {
      building = true;
      out.reserve(s.size() + 1024);
    }
    out.append(s, copied, from - copied);
    out += with;
    copied = to;
  };
  // depth: counted elements open, as written; excess: how many of them are past max_depth. Of those,
  // only the last one opened is really open (`open_excess`): each new one closes it first.
  std::size_t depth = 0, excess = 0, moved = 0;
  std::string open_excess;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t lt = s.find('<', i);
    if (lt == std::string::npos || lt + 1 >= s.size()) break;
    const char c = s[lt + 1];
    if (s.compare(lt, 4, "<!--") == 0) {
      const std::size_t end = s.find("-->", lt + 4);
      i = end == std::string::npos ? s.size() : end + 3;
      continue;
    }
    if (c == '!' || c == '?') {
      i = TagEnd(s, lt);
      continue;
    }
    const bool closing = c == '/';
    const std::size_t name_at = lt + (closing ? 2 : 1);
    std::size_t name_end = name_at;
    while (name_end < s.size() && IsAsciiAlnum(s[name_end])) ++name_end;
    if (name_end == name_at || !IsAsciiAlpha(s[name_at])) {
      i = lt + 1;  // not a tag: a "<" in text
      continue;
    }
    const std::string_view name(s.data() + name_at, name_end - name_at);
    const TagKind kind = KindOf(name);
    const std::size_t end = TagEnd(s, lt);
    if (closing) {
      if (kind == TagKind::kCounted && depth > 0) {
        if (excess > 0) {
          if (!open_excess.empty()) open_excess.clear();  // this end tag closes it, as written
          else replace(lt, end, "");                       // already closed by a sibling's start
          --excess;
        }
        --depth;
      }
      i = end;
      continue;
    }
    if (kind == TagKind::kRawText) {
      const std::size_t close = FindEndTag(s, LowerName(name), end);
      i = close == std::string::npos ? s.size() : TagEnd(s, close);
      continue;
    }
    const bool self_closing = end >= 2 && s[end - 1] == '>' && s[end - 2] == '/';
    if (kind == TagKind::kCounted && !self_closing) {
      ++depth;
      if (depth > max_depth) {
        ++excess;
        ++moved;
        if (!open_excess.empty()) replace(lt, lt, "</" + open_excess + ">");
        open_excess = LowerName(name);
      }
    }
    i = end;
  }
  if (building) {
    out.append(s, copied, std::string::npos);
    *html = std::move(out);
  }
  return moved;
}

Document::Document() = default;

Document Document::Parse(std::string utf8, const ParseLimits& limits) {
  Document doc;
  doc.flattened_tags_ = FlattenDeepNesting(&utf8, limits.max_depth);
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
      element_count_(other.element_count_),
      flattened_tags_(other.flattened_tags_) {}

Document& Document::operator=(Document&& other) noexcept {
  if (this != &other) {
    Document old(std::move(*this));  // frees this one's tree when it goes
    buffer_ = std::move(other.buffer_);
    arena_ = std::move(other.arena_);
    output_ = std::exchange(other.output_, nullptr);
    max_depth_ = other.max_depth_;
    element_count_ = other.element_count_;
    flattened_tags_ = other.flattened_tags_;
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
