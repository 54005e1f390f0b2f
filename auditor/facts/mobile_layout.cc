// ExtractMobileDom and ReadMobileLayout: a small cascade over the page's elements for the mobile
// layout rules.
#include "facts/mobile_layout.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/text.h"
#include "facts/css_refs.h"
#include "facts/subresources.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

using namespace std::string_view_literals;
constexpr std::size_t npos = std::string_view::npos;
constexpr std::size_t kMaxStyleAttr = 2048;
constexpr std::size_t kMaxNodeText = 160;
constexpr std::size_t kMaxInlineCss = 256u << 10;  // as StyleFacts::inline_css
constexpr std::size_t kMaxOverlayText = 200;
constexpr int kMaxImportDepth = 4;
// Overlays covering less of the screen are specks (skip links, visually hidden labels), not kept.
constexpr double kMinOverlayShare = 0.01;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '\\' || static_cast<unsigned char>(c) >= 0x80;
}

// 1 for the bytes IsSpace accepts.
constexpr std::array<unsigned char, 256> kSpaceByte = [] {
  std::array<unsigned char, 256> a{};
  for (const char c : {' ', '\t', '\n', '\r', '\f'}) a[static_cast<unsigned char>(c)] = 1;
  return a;
}();

#if defined(__SSE2__)
// What AppendNodeText needs to know of 16 bytes at once: bit k stands for byte k of the 16 at `p`.
struct Masks16 {
  unsigned spaces;        // ' '
  unsigned other_spaces;  // the rest of kSpaceByte: '\t', '\n', '\r', '\f'
  unsigned continuation;  // 0x80..0xBF
};
// The bits set in a 16-bit mask, inline: without -mpopcnt (not in the x86-64 baseline),
// std::popcount is a call into libgcc.
inline unsigned Popcount16(unsigned x) {
  x = x - ((x >> 1) & 0x5555u);
  x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
  x = (x + (x >> 4)) & 0x0F0Fu;
  return (x + (x >> 8)) & 0x1Fu;
}
Masks16 MasksAt(const unsigned char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  auto is = [&](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
  const __m128i other = _mm_or_si128(_mm_or_si128(is('\t'), is('\n')), _mm_or_si128(is('\r'), is('\f')));
  return {static_cast<unsigned>(_mm_movemask_epi8(is(' '))), static_cast<unsigned>(_mm_movemask_epi8(other)),
          // as signed bytes, 0x80..0xBF are the ones below 0xC0
          static_cast<unsigned>(_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(0xC0)))))};
}
#endif

// Appends the text node `t` to an element's own text, whitespace collapsed: `out` keeps the first
// kMaxNodeText bytes (whole characters), `chars` counts every code point and collapsed space. A
// space separates it from text the element already has.
void AppendNodeText(std::string_view t, std::string* out, std::size_t* chars) {
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const std::size_t n = t.size();
  std::size_t count = *chars;
  bool space = !out->empty();
  std::size_t i = 0;
  // Copy while there is room, then only count. The bytes go through a local buffer and into `out`
  // in one append (a push_back per byte, growing the string four times, cost more than the walk).
  // Gumbo builds text nodes from code points, so `t` is valid UTF-8: a character has at most three
  // continuation bytes, and they follow it at once.
  if (out->size() < kMaxNodeText) {
    // Without branches on the text (spaces and words alternate too often to predict): each byte is
    // written, and the write position moves on only for what is kept.
    char buf[kMaxNodeText + 8];
    const std::size_t room = kMaxNodeText - out->size();
    std::size_t b = 0, pending = space ? 1 : 0;  // a space waits for the next character
    bool full = false;
    while (i < n && !full) {
      std::size_t stop = n;  // where the byte-by-byte copy below hands back
#if defined(__SSE2__)
      // Most element text is words between single spaces: sixteen bytes whose only whitespace is
      // single ' ' inside them are kept as they are, in one copy, when they fit with a pending space.
      if (n - i >= 16 && b + 17 <= room) {
        const Masks16 m = MasksAt(p + i);
        if (m.other_spaces == 0 && (m.spaces & ((m.spaces >> 1) | 0x8001u)) == 0) {
          buf[b] = ' ';
          b += pending;
          count += pending;
          std::memcpy(buf + b, p + i, 16);
          b += 16;
          const unsigned starts = ~(m.spaces | m.continuation) & 0xFFFFu;
          count += static_cast<std::size_t>(Popcount16(starts) + Popcount16(m.spaces));
          pending = 0;
          i += 16;
          continue;
        }
        stop = i + 16;
      }
#endif
      for (; i < stop; ++i) {
        const unsigned char c = p[i];
        const std::size_t is_space = kSpaceByte[c];
        const std::size_t continuation = (c & 0xC0) == 0x80;
        // Full: stop before a character, or after three continuation bytes (the most a character has).
        if (b >= room && (!continuation || b >= room + 3)) {
          full = true;
          break;
        }
        const std::size_t emit_space = (1 - is_space) & pending;
        buf[b] = ' ';
        b += emit_space;
        count += emit_space;
        if (emit_space && b >= room) {  // no room for the character: count it below
          pending = 0;
          full = true;
          break;
        }
        buf[b] = static_cast<char>(c);
        b += 1 - is_space;
        count += (1 - is_space) & (1 - continuation);
        pending = is_space & static_cast<std::size_t>(count > 0);
      }
    }
    out->append(buf, b);
    space = pending != 0;
  }
  // Then count (text is most of a page's bytes). Up to the first character, a run of spaces before
  // it counts one; continuation bytes count nothing.
  std::size_t pending = space ? 1 : 0;
  for (; i < n; ++i) {
    const unsigned char c = p[i];
    if (kSpaceByte[c]) {
      pending = 1;
    } else if ((c & 0xC0) != 0x80) {
      count += 1 + pending;
      ++i;
      break;
    }
  }
  // After it, without branches: a character counts one, plus one when a space comes just before it
  // (in valid UTF-8 the byte before a character is a space exactly when a run of spaces precedes it).
  std::size_t more = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: masks of the space bytes and of the bytes that start a character, and the
  // space mask shifted by one byte (carrying the last bit over) for "a space just before".
  if (i < n) {
    unsigned carry = kSpaceByte[p[i - 1]];
    for (; n - i >= 16; i += 16) {
      const Masks16 m = MasksAt(p + i);
      const unsigned spaces = m.spaces | m.other_spaces;
      const unsigned starts = ~(spaces | m.continuation) & 0xFFFFu;
      const unsigned after_space = ((spaces << 1) | carry) & 0xFFFFu;
      more += static_cast<std::size_t>(Popcount16(starts) + Popcount16(starts & after_space));
      carry = spaces >> 15;
    }
  }
#endif
  for (; i < n; ++i) {
    const unsigned char c = p[i];
    const std::size_t starts = (1u - kSpaceByte[c]) & static_cast<std::size_t>((c & 0xC0) != 0x80);
    more += starts + (starts & kSpaceByte[p[i - 1]]);
  }
  *chars = count + more;
}

// Calls f(name) for each class name in a class attribute.
template <typename F>
void ForEachClass(std::string_view v, F f) {
  std::size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && IsSpace(v[i])) ++i;
    std::size_t j = i;
    while (j < v.size() && !IsSpace(v[j])) ++j;
    if (j > i) f(v.substr(i, j - i));
    i = j;
  }
}

// --- CSS text ---------------------------------------------------------------------------------------



// The properties the layout reads, after shorthands are expanded.
enum Prop {
  kFontSize, kWidth, kMinWidth, kMaxWidth, kHeight, kMinHeight, kPaddingTop, kPaddingRight, kPaddingBottom,
  kPaddingLeft, kMarginLeft, kMarginRight, kBoxSizing, kPosition, kTop, kRight, kBottom, kLeft, kDisplay,
  kVisibility, kOpacity, kOverflowX, kWhiteSpace, kTextOverflow, kPropCount
};
const char* const kPropNames[kPropCount] = {
    "font-size", "width", "min-width", "max-width", "height", "min-height", "padding-top", "padding-right",
    "padding-bottom", "padding-left", "margin-left", "margin-right", "box-sizing", "position", "top", "right",
    "bottom", "left", "display", "visibility", "opacity", "overflow-x", "white-space", "text-overflow"};

std::optional<Prop> PropByName(std::string_view name) {
  for (int p = 0; p < kPropCount; ++p)
    if (name == kPropNames[p]) return static_cast<Prop>(p);
  return std::nullopt;
}

bool IsFontSizeKeyword(std::string_view v) {
  static const char* const kw[] = {"xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large",
                                   "xxx-large", "smaller", "larger"};
  for (const char* k : kw)
    if (v == k) return true;
  return false;
}

bool LooksLikeLength(std::string_view v) {
  if (v.empty()) return false;
  const char c = v[0];
  return (c >= '0' && c <= '9') || c == '.' || ((c == '-' || c == '+') && v.size() > 1);
}

// The font-size part of a `font` shorthand ("bold 11px/1.4 Arial" -> "11px"), or "".
std::string FontShorthandSize(std::string_view value) {
  for (std::string_view tok : SplitCssTopLevel(value, ' ')) {
    tok = text::Trim(tok);
    if (const std::size_t slash = tok.find('/'); slash != npos) tok = tok.substr(0, slash);
    const std::string t = text::AsciiLower(tok);
    if (IsFontSizeKeyword(t)) return t;
    if (LooksLikeLength(t) && t.find_first_not_of("0123456789.+-") != std::string::npos) return t;  // has a unit
  }
  return {};
}

// Box shorthands: 1-4 values as top, right, bottom, left.
std::array<std::string, 4> BoxSides(std::string_view value) {
  std::vector<std::string> v;
  for (std::string_view tok : SplitCssTopLevel(value, ' '))
    if (!text::Trim(tok).empty()) v.emplace_back(text::Trim(tok));
  if (v.empty()) return {};
  if (v.size() == 1) return {v[0], v[0], v[0], v[0]};
  if (v.size() == 2) return {v[0], v[1], v[0], v[1]};
  if (v.size() == 3) return {v[0], v[1], v[2], v[1]};
  return {v[0], v[1], v[2], v[3]};
}

struct Rule;
struct Decl {
  Prop prop;
  std::string value;  // lower case, trimmed, without !important
  bool important = false;
  const Rule* rule = nullptr;  // the style rule it belongs to (set once the rules are read); null in a style attribute
};

// One declaration "name: value", expanded into the properties the layout reads.
void ExpandDeclaration(std::string_view decl, std::vector<Decl>* out) {
  const std::size_t colon = decl.find(':');
  if (colon == npos) return;
  const std::string name = text::AsciiLower(text::Trim(decl.substr(0, colon)));
  std::string value = text::AsciiLower(text::Trim(decl.substr(colon + 1)));
  bool important = false;
  if (const std::size_t bang = value.rfind('!'); bang != std::string::npos &&
                                                 text::Trim(std::string_view(value).substr(bang + 1)) == "important") {
    important = true;
    value = std::string(text::Trim(std::string_view(value).substr(0, bang)));
  }
  if (value.empty() || value.find("var(") != std::string::npos) return;
  auto add = [&](Prop p, std::string v) { out->push_back({p, std::move(v), important}); };
  if (name == "font") {
    if (std::string size = FontShorthandSize(value); !size.empty()) add(kFontSize, std::move(size));
  } else if (name == "padding") {
    const auto s = BoxSides(value);
    add(kPaddingTop, s[0]);
    add(kPaddingRight, s[1]);
    add(kPaddingBottom, s[2]);
    add(kPaddingLeft, s[3]);
  } else if (name == "padding-inline") {
    const auto s = BoxSides(value);
    add(kPaddingLeft, s[3]);
    add(kPaddingRight, s[1]);
  } else if (name == "padding-block") {
    const auto s = BoxSides(value);
    add(kPaddingTop, s[0]);
    add(kPaddingBottom, s[2]);
  } else if (name == "margin") {
    const auto s = BoxSides(value);
    add(kMarginRight, s[1]);
    add(kMarginLeft, s[3]);
  } else if (name == "margin-inline") {
    const auto s = BoxSides(value);
    add(kMarginLeft, s[3]);
    add(kMarginRight, s[1]);
  } else if (name == "inset") {
    const auto s = BoxSides(value);
    add(kTop, s[0]);
    add(kRight, s[1]);
    add(kBottom, s[2]);
    add(kLeft, s[3]);
  } else if (name == "overflow") {
    const auto parts = SplitCssTopLevel(value, ' ');
    if (!parts.empty()) add(kOverflowX, std::string(text::Trim(parts[0])));
  } else if (name == "inline-size") {
    add(kWidth, value);
  } else if (name == "min-inline-size") {
    add(kMinWidth, value);
  } else if (name == "max-inline-size") {
    add(kMaxWidth, value);
  } else if (name == "block-size") {
    add(kHeight, value);
  } else if (name == "min-block-size") {
    add(kMinHeight, value);
  } else if (name == "text-wrap" || name == "text-wrap-mode") {
    if (value == "nowrap") add(kWhiteSpace, value);
  } else if (auto p = PropByName(name)) {
    add(*p, value);
  }
}

std::vector<Decl> ParseDeclarations(std::string_view body) {
  std::vector<Decl> out;
  for (std::string_view d : SplitCssTopLevel(body, ';')) ExpandDeclaration(d, &out);
  return out;
}

// --- selectors ----------------------------------------------------------------------------------------

struct Compound {
  std::string tag;  // lower case; "" for any
  std::string id;
  std::vector<std::string> classes;
  std::optional<std::string> type;  // from [type=value], lower case; other attribute selectors are not checked
};

struct Selector {
  std::vector<Compound> compounds;  // left to right
  std::vector<char> combinators;    // between compounds: ' ', '>', '+', '~'
};

bool IsStatePseudo(std::string_view name) {
  static const char* const states[] = {"hover", "focus", "focus-visible", "focus-within", "active", "checked",
                                       "target", "visited", "indeterminate", "open", "popover-open", "modal",
                                       "fullscreen", "user-invalid", "autofill", "-webkit-autofill"};
  for (const char* s : states)
    if (name == s) return true;
  // Pseudo-elements written with one colon (CSS 2).
  return name == "before" || name == "after" || name == "first-line" || name == "first-letter";
}

// Parses one selector; nullopt when it can never match on load (a state pseudo-class, a
// pseudo-element) or is empty. Sets *specificity.
std::optional<Selector> ParseSelector(std::string_view s, int* specificity) {
  Selector sel;
  int ids = 0, classes = 0, tags = 0;
  Compound cur;
  bool cur_started = false;
  char pending = 0;  // combinator before the compound being read
  auto flush = [&] {
    if (!cur_started) return;
    if (!sel.compounds.empty()) sel.combinators.push_back(pending ? pending : ' ');
    sel.compounds.push_back(std::move(cur));
    cur = Compound{};
    cur_started = false;
    pending = 0;
  };
  auto read_name = [&](std::size_t i) {
    std::size_t e = i;
    while (e < s.size() && IsIdentChar(s[e])) e += s[e] == '\\' ? 2 : 1;
    return std::min(e, s.size());
  };
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (IsSpace(c) || c == '>' || c == '+' || c == '~') {
      if (cur_started) flush();
      if (c != ' ' && !IsSpace(c)) pending = c;
      else if (!pending && !sel.compounds.empty()) pending = ' ';
      ++i;
      continue;
    }
    cur_started = true;
    if (c == '.' || c == '#') {
      const std::size_t e = read_name(i + 1);
      std::string name = CssUnescape(s.substr(i + 1, e - i - 1));
      if (c == '.') {
        cur.classes.push_back(std::move(name));
        ++classes;
      } else {
        cur.id = std::move(name);
        ++ids;
      }
      i = e;
    } else if (c == '[') {
      const std::size_t open = i;
      int depth = 0;
      for (; i < s.size(); ++i) {
        if (s[i] == '"' || s[i] == '\'') i = SkipCssString(s, i) - 1;
        if (s[i] == '[') ++depth;
        if (s[i] == ']' && --depth == 0) break;
      }
      // [type=x], [type="x" i]: the one attribute selector checked.
      const std::string inner = text::AsciiLower(s.substr(open + 1, std::min(i, s.size()) - open - 1));
      if (const std::size_t eq = inner.find('='); eq != std::string::npos && text::Trim(inner.substr(0, eq)) == "type") {
        std::string v(text::Trim(std::string_view(inner).substr(eq + 1)));
        if (v.size() > 2 && v.back() == 'i' && IsSpace(v[v.size() - 2])) v = std::string(text::Trim(v.substr(0, v.size() - 1)));
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
        cur.type = v;
      }
      ++i;
      ++classes;
    } else if (c == ':') {
      const bool element = i + 1 < s.size() && s[i + 1] == ':';
      const std::size_t start = i + (element ? 2 : 1);
      const std::size_t e = read_name(start);
      const std::string name = text::AsciiLower(s.substr(start, e - start));
      if (element || IsStatePseudo(name)) return std::nullopt;
      i = e;
      if (i < s.size() && s[i] == '(') {  // arguments: skipped (taken to match)
        int depth = 0;
        for (; i < s.size(); ++i) {
          if (s[i] == '(') ++depth;
          if (s[i] == ')' && --depth == 0) break;
        }
        ++i;
      }
      if (name == "root") {
        cur.tag = "html";
        ++classes;
      } else if (name != "where") {
        ++classes;
      }
    } else if (c == '*' || c == '&' || c == '|') {
      ++i;
    } else if (IsIdentChar(c)) {
      const std::size_t e = read_name(i);
      cur.tag = text::AsciiLower(s.substr(i, e - i));
      ++tags;
      i = e;
    } else {
      ++i;  // anything else: skipped
    }
  }
  flush();
  if (sel.compounds.empty()) return std::nullopt;
  *specificity = std::min(ids, 99) * 10000 + std::min(classes, 99) * 100 + std::min(tags, 99);
  return sel;
}

// A Bloom filter of tokens (tags, ids, classes), for rejecting at once a selector whose ancestor
// compounds name tokens no ancestor of an element has (as browsers do).
using Bloom = std::array<std::uint64_t, 4>;
void AddToken(Bloom* b, char kind, std::string_view token) {
  std::uint64_t h = 1469598103934665603ULL ^ static_cast<unsigned char>(kind);
  for (const char c : token) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  for (int k = 0; k < 2; ++k, h >>= 8) (*b)[(h >> 6) & 3] |= 1ULL << (h & 63);
}
void AddCompound(Bloom* b, const std::string& tag, const std::string& id, const std::vector<std::string>& classes) {
  if (!tag.empty()) AddToken(b, 't', tag);
  if (!id.empty()) AddToken(b, '#', id);
  for (const std::string& c : classes) AddToken(b, '.', c);
}
bool Covers(const Bloom& have, const Bloom& need) {
  for (std::size_t k = 0; k < 4; ++k)
    if ((need[k] & ~have[k]) != 0) return false;
  return true;
}

bool CompoundMatches(const Compound& c, const MobileNode& n) {
  if (!c.tag.empty() && c.tag != n.tag) return false;
  if (!c.id.empty() && c.id != n.id) return false;
  if (c.type && *c.type != n.type) return false;
  for (const std::string& cls : c.classes)
    if (std::find(n.classes.begin(), n.classes.end(), cls) == n.classes.end()) return false;
  return true;
}

struct Matcher {
  const std::vector<MobileNode>& nodes;
  int budget = 0;

  // Compound `ci` is satisfied at `node` or at a sibling of it: do the ones to its left match?
  bool Rest(const Selector& s, std::size_t ci, int node) {
    if (ci == 0) return true;
    switch (s.combinators[ci - 1]) {
      case '>': {
        const int p = nodes[static_cast<std::size_t>(node)].parent;
        return p >= 0 && Match(s, ci - 1, p);
      }
      case '+':
      case '~':
        return Rest(s, ci - 1, node);  // the sibling is not checked
      default:
        for (int p = nodes[static_cast<std::size_t>(node)].parent; p >= 0; p = nodes[static_cast<std::size_t>(p)].parent)
          if (Match(s, ci - 1, p)) return true;
        return false;
    }
  }
  bool Match(const Selector& s, std::size_t ci, int node) {
    if (--budget < 0) return false;
    return CompoundMatches(s.compounds[ci], nodes[static_cast<std::size_t>(node)]) && Rest(s, ci, node);
  }
};

// --- stylesheets ------------------------------------------------------------------------------------

struct Rule {
  Selector selector;
  Bloom ancestors{};  // tokens of the compounds that must match ancestors of the element
  std::string text;  // the selector as written
  int specificity = 0;
  std::size_t order = 0;
  std::vector<Decl> decls;
};

std::string AtKeyword(std::string_view prelude) {
  if (prelude.empty() || prelude[0] != '@') return {};
  std::size_t e = 1;
  while (e < prelude.size() && IsIdentChar(prelude[e])) ++e;
  return text::AsciiLower(prelude.substr(1, e - 1));
}

// Calls `on_rule(selector_list, body)` for every style rule of `css` whose enclosing @media all
// match; @supports, @layer, @container and @document blocks are read through; other at-rules
// (@font-face, @keyframes, @page ...) and rules nested in style rules are skipped.
template <typename Fn>
void ForEachStyleRule(std::string_view css, const Viewport& vp, Fn&& on_rule) {
  // Per open block: whether style rules inside it apply.
  std::vector<bool> open;
  std::size_t stmt_start = 0, i = 0;
  const std::size_t n = css.size();
  auto live = [&] { return open.empty() || open.back(); };
  while (i < n) {
    const char c = css[i];
    if (c == '/' && i + 1 < n && css[i + 1] == '*') {
      const std::size_t e = css.find("*/", i + 2);
      const bool leading = text::Trim(css.substr(stmt_start, i - stmt_start)).empty();
      i = e == npos ? n : e + 2;
      if (leading) stmt_start = i;
      continue;
    }
    if (c == '"' || c == '\'') {
      i = SkipCssString(css, i);
      continue;
    }
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '{') {
      const std::string_view prelude = text::Trim(css.substr(stmt_start, i - stmt_start));
      const std::string kw = AtKeyword(prelude);
      if (kw.empty()) {
        // A style rule: its body runs to the matching brace.
        int depth = 0;
        std::size_t j = i;
        for (; j < n; ++j) {
          const char d = css[j];
          if (d == '"' || d == '\'') {
            j = SkipCssString(css, j) - 1;
          } else if (d == '/' && j + 1 < n && css[j + 1] == '*') {
            const std::size_t e = css.find("*/", j + 2);
            j = e == npos ? n - 1 : e + 1;
          } else if (d == '\\') {
            ++j;
          } else if (d == '{') {
            ++depth;
          } else if (d == '}' && --depth == 0) {
            break;
          }
        }
        if (live()) {
          std::string_view body = css.substr(i + 1, std::min(j, n) - i - 1);
          if (const std::size_t nested = body.find('{'); nested != npos) {
            // Nested rules: only the declarations before the first one are read.
            const std::size_t cut = body.rfind(';', nested);
            body = cut == npos ? std::string_view() : body.substr(0, cut);
          }
          on_rule(prelude, body);
        }
        i = std::min(j, n) + 1;
        stmt_start = i;
        continue;
      }
      bool applies = live();
      if (kw == "media") applies = applies && MediaMatches(text::Trim(prelude.substr(6)), vp);
      else if (kw != "supports" && kw != "layer" && kw != "container" && kw != "document" && kw != "scope")
        applies = false;
      open.push_back(applies);
      stmt_start = ++i;
      continue;
    }
    if (c == '}') {
      if (!open.empty()) open.pop_back();
      stmt_start = ++i;
      continue;
    }
    if (c == ';') stmt_start = i + 1;
    ++i;
  }
}

void AddRules(std::string_view css, const Viewport& vp, std::size_t max_rules, std::vector<Rule>* rules) {
  ForEachStyleRule(css, vp, [&](std::string_view selectors, std::string_view body) {
    if (rules->size() >= max_rules) return;
    std::vector<Decl> decls = ParseDeclarations(body);
    if (decls.empty()) return;
    for (std::string_view one : SplitCssTopLevel(selectors, ',')) {
      one = text::Trim(one);
      int spec = 0;
      auto sel = ParseSelector(one, &spec);
      if (!sel || rules->size() >= max_rules) continue;
      rules->push_back({std::move(*sel), Bloom{}, std::string(text::Utf8Prefix(one, 120)), spec, rules->size(), decls});
    }
  });
}

// --- values --------------------------------------------------------------------------------------------

std::optional<double> FontSizePx(std::string_view v, double parent_px, const Viewport& vp) {
  if (v == "inherit" || v == "unset") return parent_px;
  if (v == "initial" || v == "medium" || v == "revert") return kDefaultFontPx;
  static const std::pair<const char*, double> kKeywords[] = {{"xx-small", 9},  {"x-small", 10}, {"small", 13},
                                                              {"large", 18},    {"x-large", 24}, {"xx-large", 32},
                                                              {"xxx-large", 48}};
  for (const auto& [k, px] : kKeywords)
    if (v == k) return px;
  if (v == "smaller") return parent_px / 1.2;
  if (v == "larger") return parent_px * 1.2;
  auto px = CssLengthPx(v, parent_px, vp);
  if (px && *px < 0) return std::nullopt;
  return px;
}

// `s` cut to at most `max_bytes` bytes, at a character boundary.
std::string CutUtf8(std::string_view s, std::size_t max_bytes) { return std::string(text::Utf8Prefix(s, max_bytes)); }

std::string Describe(const MobileNode& n) {
  std::string d = n.tag;
  if (!n.id.empty()) d += "#" + n.id;
  for (std::size_t i = 0; i < n.classes.size() && i < 3; ++i) d += "." + n.classes[i];
  if (d.size() > 80) d = CutUtf8(d, 80);
  return d;
}

std::string Round1(double v) {
  char buf[32];
  if (std::abs(v - std::round(v)) < 0.05) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

bool IsClipping(std::string_view overflow) {
  return overflow == "hidden" || overflow == "auto" || overflow == "scroll" || overflow == "clip";
}

// Elements whose width and height apply although their default display is inline.
bool IsReplacedLike(std::string_view tag) {
  return tag == "img" || tag == "input" || tag == "button" || tag == "select" || tag == "textarea" || tag == "video" ||
         tag == "iframe" || tag == "canvas" || tag == "svg" || tag == "embed" || tag == "object";
}
bool IsInlineByDefault(std::string_view tag) {
  static constexpr std::string_view inl[] = {"a",    "span", "b", "strong", "i", "em",   "small", "label", "abbr", "code",
                                             "sub",  "sup",  "u", "s",      "mark", "q", "cite",  "time",  "font"};
  for (const std::string_view t : inl)
    if (tag == t) return true;
  return false;
}

double DefaultFontPx(std::string_view tag, double parent_px) {
  switch (tag.size()) {  // by length first: most elements are none of these
    case 2:
      if (tag[0] != 'h') break;
      switch (tag[1]) {
        case '1': return parent_px * 2;
        case '2': return parent_px * 1.5;
        case '3': return parent_px * 1.17;
        case '5': return parent_px * 0.83;
        case '6': return parent_px * 0.67;
        default: break;
      }
      break;
    case 3:
      if (tag == "sub" || tag == "sup") return parent_px / 1.2;
      break;
    case 5:
      if (tag == "small") return parent_px / 1.2;
      if (tag == "input") return kControlFontPx;
      break;
    case 6:
      if (tag == "button" || tag == "select") return kControlFontPx;
      break;
    case 8:
      if (tag == "textarea") return kControlFontPx;
      break;
    default:
      break;
  }
  return parent_px;
}

// Where an element's font size comes from: a declaration (of `rule`, or of the style attribute
// when `rule` is null), a browser default for `tag`, or the browser's default font size when both
// are unset. Points into the rules and nodes ReadMobileLayout reads.
struct FontSource {
  const Decl* decl = nullptr;
  const Rule* rule = nullptr;
  std::string_view tag;
  auto Key() const { return std::make_tuple(decl, rule, tag); }
};

std::string DeclText(Prop p, const Decl* d, const Rule* r) {
  const std::string decl = std::string(kPropNames[p]) + ": " + d->value;
  return r ? r->text + " { " + decl + " }" : "style attribute (" + decl + ")";
}

std::string SourceText(const FontSource& s) {
  if (s.decl) return DeclText(kFontSize, s.decl, s.rule);
  if (!s.tag.empty()) return "browser default for <" + std::string(s.tag) + ">";
  return "browser default";
}

// Hashes std::string and std::string_view alike, for lookups without building a key.
struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using RuleIndex = std::unordered_map<std::string, std::vector<std::size_t>, TransparentHash, std::equal_to<>>;

// Per-element results of the cascade.
struct Computed {
  std::array<const Decl*, kPropCount> decl{};  // the winning declaration, or null
  double font_px = kDefaultFontPx;
  FontSource font_source;
  bool rendered = true;   // not display:none (nor inside such an element)
  bool visible = true;    // and not visibility:hidden or opacity:0
  bool clipped = false;   // an ancestor clips its horizontal overflow
  bool positioned_ancestor = false;  // an ancestor has position other than static
  bool in_overlay = false;           // inside an element recorded as an overlay
  bool in_body = false;
  std::size_t subtree_chars = 0;
  std::size_t end = 0;  // one past its last descendant
};

}  // namespace

std::optional<double> CssLengthPx(std::string_view value, double em_px, const Viewport& vp) {
  value = text::Trim(value);
  if (value.empty()) return std::nullopt;
  std::size_t i = 0;
  if (value[0] == '+' || value[0] == '-') ++i;
  const std::size_t digits = i;
  while (i < value.size() && ((value[i] >= '0' && value[i] <= '9') || value[i] == '.')) ++i;
  if (i == digits) return std::nullopt;
  double number = 0;
  try {
    number = std::stod(std::string(value.substr(0, i)));
  } catch (...) {
    return std::nullopt;
  }
  const std::string unit = text::AsciiLower(value.substr(i));
  double px = 0;
  if (unit.empty() && number == 0) px = 0;
  else if (unit == "px") px = number;
  else if (unit == "pt") px = number * 4 / 3;
  else if (unit == "em") px = number * em_px;
  else if (unit == "%") px = number * em_px / 100;
  else if (unit == "rem") px = number * kDefaultFontPx;
  else if (unit == "vw" || unit == "svw" || unit == "lvw" || unit == "dvw") px = number * vp.width / 100;
  else if (unit == "vh" || unit == "svh" || unit == "lvh" || unit == "dvh") px = number * vp.height / 100;
  else return std::nullopt;
  if (!std::isfinite(px) || std::abs(px) > kMaxCssLengthPx) return std::nullopt;
  return px;
}

std::vector<LayoutCssRule> ParseLayoutCss(std::string_view css, const Viewport& vp, std::size_t max_rules) {
  std::vector<Rule> rules;
  AddRules(css, vp, max_rules, &rules);
  std::vector<LayoutCssRule> out;
  for (Rule& r : rules) {
    LayoutCssRule l;
    l.selector = std::move(r.text);
    l.specificity = r.specificity;
    for (const Decl& d : r.decls) {
      l.declarations.emplace_back(kPropNames[d.prop], d.value);
      l.important.push_back(d.important);
    }
    out.push_back(std::move(l));
  }
  return out;
}

MobileDom ExtractMobileDom(const html::Document& doc, const Context& ctx) {
  MobileDom dom;
  dom.nodes.reserve(std::min(doc.element_count(), kMaxMobileNodes));  // no moves of grown nodes
  std::vector<int> at_depth;  // the recorded element at each depth of the walk, -1 for none
  std::size_t inline_css_bytes = 0;
  std::set<std::string> label_for;               // ids named by <label for>
  std::vector<std::size_t> labelled_candidates;  // checkboxes and radios with an id
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t depth) {
    if (at_depth.size() <= depth) at_depth.resize(depth + 1, -1);
    at_depth[depth] = -1;
    const int parent = depth > 0 ? at_depth[depth - 1] : -1;
    if (html::IsTextNode(n)) {
      if (parent < 0 || n->type == GUMBO_NODE_WHITESPACE) return html::Visit::kContinue;
      MobileNode& p = dom.nodes[static_cast<std::size_t>(parent)];
      AppendNodeText(n->v.text.text, &p.text, &p.text_chars);
      return html::Visit::kContinue;
    }
    if (!html::IsElement(n)) return html::Visit::kContinue;
    const GumboTag tag = n->v.element.tag;
    if (tag == GUMBO_TAG_STYLE) {
      const std::string_view css = html::RawText(n);
      MobileSheet s;
      s.media = std::string(html::AttrOr(n, "media"));
      const std::size_t take = std::min(css.size(), kMaxInlineCss - std::min(kMaxInlineCss, inline_css_bytes));
      s.css = std::string(css.substr(0, take));
      inline_css_bytes += take;
      if (!s.css.empty()) dom.sheets.push_back(std::move(s));
      return html::Visit::kSkipChildren;
    }
    if (tag == GUMBO_TAG_LINK) {
      bool stylesheet = false, alternate = false;
      for (const auto& r : text::SplitTrimmed(text::AsciiLower(html::AttrOr(n, "rel")), ' ')) {
        stylesheet = stylesheet || r == "stylesheet";
        alternate = alternate || r == "alternate";
      }
      if (stylesheet && !alternate && !html::HasAttr(n, "disabled"))
        if (auto u = ResolveSubresourceUrl(ctx.base_url, html::AttrOr(n, "href"))) {
          std::string href = std::move(*u);
          if (const std::size_t hash = href.find('#'); hash != std::string::npos) href.resize(hash);
          dom.sheets.push_back({std::move(href), std::string(html::AttrOr(n, "media")), ""});
        }
      return html::Visit::kSkipChildren;
    }
    if (tag == GUMBO_TAG_HEAD) return html::Visit::kContinue;  // for its <style> and <link>s
    if (html::IsNonRendered(n) || tag == GUMBO_TAG_NOSCRIPT || tag == GUMBO_TAG_TEMPLATE)
      return html::Visit::kSkipChildren;
    // Other children of <head> (their own children are never reached).
    if (html::IsElement(n->parent) && n->parent->v.element.tag == GUMBO_TAG_HEAD) return html::Visit::kSkipChildren;
    if (dom.nodes.size() >= kMaxMobileNodes) {
      dom.truncated = true;
      return html::Visit::kSkipChildren;
    }
    MobileNode m;
    m.parent = parent;
    m.tag = html::TagName(n);
    m.id = std::string(html::AttrOr(n, "id"));
    ForEachClass(html::AttrOr(n, "class"), [&](std::string_view c) {
      if (m.classes.size() < 32) m.classes.emplace_back(c);
    });
    m.style = std::string(html::AttrOr(n, "style").substr(0, kMaxStyleAttr));
    m.width_attr = ParseHtmlLength(html::Attr(n, "width"));
    m.height_attr = ParseHtmlLength(html::Attr(n, "height"));
    const std::string type = text::AsciiLower(html::AttrOr(n, "type"));
    m.type = type;
    m.hidden = html::HasAttr(n, "hidden") || (tag == GUMBO_TAG_INPUT && type == "hidden");
    const std::string role = text::AsciiLower(html::AttrOr(n, "role"));
    m.tap_target = (tag == GUMBO_TAG_A && html::HasAttr(n, "href")) || tag == GUMBO_TAG_BUTTON ||
                   (tag == GUMBO_TAG_INPUT && type != "hidden") || tag == GUMBO_TAG_SELECT ||
                   tag == GUMBO_TAG_TEXTAREA || tag == GUMBO_TAG_SUMMARY || role == "button" || role == "link";
    if (m.tap_target) {
      std::string_view label = html::AttrOr(n, "aria-label");
      if (label.empty()) label = html::AttrOr(n, "value");
      if (label.empty()) label = html::AttrOr(n, "alt");
      m.label = CutUtf8(text::CollapseWhitespace(label), 80);
    }
    if (tag == GUMBO_TAG_A) {
      const std::string href = text::AsciiLower(text::Trim(html::AttrOr(n, "href")));
      m.app_store_link = href.find("//play.google.com/store/apps") != std::string::npos ||
                         href.find("//apps.apple.com/") != std::string::npos ||
                         href.find("//itunes.apple.com/") != std::string::npos ||
                         href.find("//appgallery.huawei.com/") != std::string::npos ||
                         text::StartsWith(href, "market://") || text::StartsWith(href, "itms-apps://");
    }
    if (tag == GUMBO_TAG_LABEL && html::HasAttr(n, "for")) label_for.emplace(html::AttrOr(n, "for"));
    // A checkbox or radio button is tapped through its label when it has one.
    if (tag == GUMBO_TAG_INPUT && (type == "checkbox" || type == "radio")) {
      if (html::Ancestor(n, GUMBO_TAG_LABEL) != nullptr) m.tap_target = false;
      else if (!m.id.empty()) labelled_candidates.push_back(dom.nodes.size());
    }
    at_depth[depth] = static_cast<int>(dom.nodes.size());
    dom.nodes.push_back(std::move(m));
    return html::Visit::kContinue;
  });
  for (std::size_t i : labelled_candidates)
    if (label_for.count(dom.nodes[i].id)) dom.nodes[i].tap_target = false;
  return dom;
}

MobileLayoutFacts ReadMobileLayout(const MobileDom& dom, const Viewport& vp, const StylesheetLookup& linked,
                                   std::string_view linked_unread_reason, const Lexicon& cues) {
  MobileLayoutFacts f;
  f.read = true;
  f.viewport_width = vp.width;
  f.viewport_height = vp.height;
  f.elements = dom.nodes.size();
  f.elements_truncated = dom.truncated;
  f.css_read = linked ? "inline+linked" : "inline";

  // The rules of every sheet, in document order (an @import's rules before its sheet's).
  std::vector<Rule> rules;
  std::vector<std::string> import_chain;
  std::function<void(const std::string&, const std::string&, int)> add_linked = [&](const std::string& url,
                                                                                     const std::string& media, int depth) {
    if (!MediaMatches(media, vp) || depth > kMaxImportDepth) return;
    if (std::find(import_chain.begin(), import_chain.end(), url) != import_chain.end()) return;  // a cycle
    const std::string* css = linked(url);
    if (css == nullptr) return;
    if (depth == 0) ++f.linked_stylesheets_read;
    import_chain.push_back(url);
    for (const CssImport& imp : ParseCssRefs(*css, url).imports) add_linked(imp.url, imp.media, depth + 1);
    import_chain.pop_back();
    AddRules(*css, vp, kMaxMobileCssRules, &rules);
  };
  for (const MobileSheet& s : dom.sheets) {
    if (s.href.empty()) {
      if (MediaMatches(s.media, vp)) AddRules(s.css, vp, kMaxMobileCssRules, &rules);
      continue;
    }
    if (!MediaMatches(s.media, vp)) continue;  // a print or desktop-only sheet
    ++f.linked_stylesheets;
    if (linked) add_linked(s.href, s.media, 0);
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    Rule& r = rules[i];
    r.order = i;
    for (Decl& d : r.decls) d.rule = &r;  // `rules` no longer grows
    // A compound followed by a descendant or child combinator matches an ancestor of the element.
    for (std::size_t k = 0; k + 1 < r.selector.compounds.size(); ++k)
      if (r.selector.combinators[k] == ' ' || r.selector.combinators[k] == '>') {
        const Compound& c = r.selector.compounds[k];
        AddCompound(&r.ancestors, c.tag, c.id, c.classes);
      }
  }
  f.css_rules = rules.size();
  if (!linked && f.linked_stylesheets > 0)
    f.linked_css_note = "the page's " + std::to_string(f.linked_stylesheets) +
                        " linked stylesheets were not read" +
                        (linked_unread_reason.empty() ? std::string() : ": " + std::string(linked_unread_reason));
  else if (linked && f.linked_stylesheets_read < f.linked_stylesheets)
    f.linked_css_note = std::to_string(f.linked_stylesheets - f.linked_stylesheets_read) + " of " +
                        std::to_string(f.linked_stylesheets) + " linked stylesheets could not be fetched";

  // A width attribute counts only when no stylesheet of the page went unread: an unread sheet
  // usually holds the "img { max-width: 100% }" that tames it.
  const bool all_css_read = f.linked_stylesheets_read == f.linked_stylesheets;
  // Rules indexed by their subject compound's most selective part: its id, else its first class,
  // else its tag; `universal` holds those with none of them.
  RuleIndex by_id, by_class, by_tag;
  std::vector<std::size_t> universal;
  for (std::size_t r = 0; r < rules.size(); ++r) {
    const Compound& c = rules[r].selector.compounds.back();
    if (!c.id.empty()) by_id[c.id].push_back(r);
    else if (!c.classes.empty()) by_class[c.classes[0]].push_back(r);
    else if (!c.tag.empty()) by_tag[c.tag].push_back(r);
    else universal.push_back(r);
  }
  const std::vector<MobileNode>& nodes = dom.nodes;
  const std::size_t n = nodes.size();
  std::vector<Computed> comp(n);
  std::vector<Bloom> tokens(n);  // of each element and its ancestors
  std::vector<std::vector<Decl>> inline_decls(n);
  Matcher matcher{nodes};
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < n; ++i) {
    const MobileNode& node = nodes[i];
    Computed& c = comp[i];
    c.end = i + 1;
    const Computed* parent = node.parent >= 0 ? &comp[static_cast<std::size_t>(node.parent)] : nullptr;
    const Bloom ancestor_tokens = parent ? tokens[static_cast<std::size_t>(node.parent)] : Bloom{};
    tokens[i] = ancestor_tokens;
    AddCompound(&tokens[i], node.tag, node.id, node.classes);
    // Cascade: candidates from the index, then the style attribute.
    candidates.clear();
    auto collect = [&](const RuleIndex& index, std::string_view key) {
      if (auto it = index.find(key); it != index.end())
        candidates.insert(candidates.end(), it->second.begin(), it->second.end());
    };
    if (!node.id.empty()) collect(by_id, node.id);
    for (const std::string& cls : node.classes) collect(by_class, cls);
    if (!node.tag.empty()) collect(by_tag, node.tag);
    candidates.insert(candidates.end(), universal.begin(), universal.end());
    // Each rule sits in one bucket, so no rule comes twice; the order of the candidates does not
    // matter either, as a declaration wins by its priority (importance, specificity, order).
    std::array<long long, kPropCount> best{};
    best.fill(-1);
    for (std::size_t r : candidates) {
      const Rule& rule = rules[r];
      if (!Covers(ancestor_tokens, rule.ancestors)) continue;
      matcher.budget = 2000;
      if (!matcher.Match(rule.selector, rule.selector.compounds.size() - 1, static_cast<int>(i))) continue;
      for (const Decl& d : rule.decls) {
        const long long prio = (d.important ? 2LL : 0LL) * 1'000'000'000'000LL +
                               static_cast<long long>(rule.specificity) * 100'000'000LL + static_cast<long long>(rule.order);
        if (prio >= best[d.prop]) {
          best[d.prop] = prio;
          c.decl[d.prop] = &d;
        }
      }
    }
    if (!node.style.empty()) inline_decls[i] = ParseDeclarations(node.style);
    for (const Decl& d : inline_decls[i]) {
      const long long prio = (d.important ? 3LL : 1LL) * 1'000'000'000'000LL;
      if (prio >= best[d.prop]) {
        best[d.prop] = prio;
        c.decl[d.prop] = &d;
      }
    }
    auto value = [&](Prop p) -> std::string_view { return c.decl[p] ? std::string_view(c.decl[p]->value) : ""; };
    // Font size.
    const double parent_px = parent ? parent->font_px : kDefaultFontPx;
    std::optional<double> px;
    if (c.decl[kFontSize]) px = FontSizePx(c.decl[kFontSize]->value, parent_px, vp);
    if (px) {
      c.font_px = *px;
      c.font_source = {c.decl[kFontSize], c.decl[kFontSize]->rule, {}};
    } else {
      c.font_px = DefaultFontPx(node.tag, parent_px);
      c.font_source = !parent                  ? FontSource{}
                      : c.font_px != parent_px ? FontSource{nullptr, nullptr, node.tag}
                                               : parent->font_source;
    }
    c.font_px = std::clamp(c.font_px, 0.0, kMaxCssLengthPx);  // "larger" and h1 compound
    // Visibility and context.
    c.rendered = (!parent || parent->rendered) && !node.hidden && value(kDisplay) != "none";
    const std::string_view vis = value(kVisibility);
    const bool self_invisible = vis == "hidden" || vis == "collapse" || value(kOpacity) == "0";
    c.visible = c.rendered && (parent ? parent->visible || vis == "visible" : true) && !self_invisible;
    c.in_body = node.tag == "body"sv || (parent && parent->in_body);
    if (parent) {
      const std::string_view pos = parent->decl[kPosition] ? std::string_view(parent->decl[kPosition]->value) : "";
      c.positioned_ancestor = parent->positioned_ancestor || (!pos.empty() && pos != "static");
      const std::string_view ov = parent->decl[kOverflowX] ? std::string_view(parent->decl[kOverflowX]->value) : "";
      c.clipped = parent->clipped || (IsClipping(ov) && nodes[static_cast<std::size_t>(node.parent)].tag != "html"sv &&
                                      nodes[static_cast<std::size_t>(node.parent)].tag != "body"sv);
      c.in_overlay = parent->in_overlay;
    }
  }
  // Subtree extents and text, children before parents.
  for (std::size_t i = n; i-- > 0;) {
    comp[i].subtree_chars += nodes[i].text_chars;
    if (nodes[i].parent >= 0) {
      Computed& p = comp[static_cast<std::size_t>(nodes[i].parent)];
      p.end = std::max(p.end, comp[i].end);
      p.subtree_chars += comp[i].subtree_chars;
    }
  }
  auto subtree_text = [&](std::size_t i, std::size_t max_bytes) {
    std::string t;
    for (std::size_t j = i; j < comp[i].end && t.size() < max_bytes; ++j) {
      if (!comp[j].visible || nodes[j].text.empty()) continue;
      if (!t.empty()) t += ' ';
      t += nodes[j].text;
    }
    return CutUtf8(t, max_bytes);
  };

  // Font sizes: visible text by (px, source), first by the source's identity, in the order the
  // runs first appear; merged by the source's text below.
  std::map<std::tuple<long long, const Decl*, const Rule*, std::string_view>, std::size_t> run_at;
  std::vector<std::pair<long long, FontSource>> run_keys;
  std::vector<FontSizeRun> run_list;
  // Widths and the rest.
  for (std::size_t i = 0; i < n; ++i) {
    const MobileNode& node = nodes[i];
    Computed& c = comp[i];
    if (!c.rendered) continue;
    static const std::string kNone;
    auto value = [&](Prop p) -> const std::string& { return c.decl[p] ? c.decl[p]->value : kNone; };
    auto value_is = [&](Prop p, std::string_view v) { return value(p) == v; };
    auto from = [&](Prop p) {
      if (c.decl[p] == nullptr) return std::string();
      return c.decl[p]->rule ? " (" + c.decl[p]->rule->text + " in CSS)" : std::string(" (style attribute)");
    };
    // A length in px; percentages (of the containing block, which is not modelled) are unknown.
    auto length = [&](Prop p) -> std::optional<double> {
      if (!c.decl[p] || c.decl[p]->value.find('%') != std::string::npos) return std::nullopt;
      return CssLengthPx(c.decl[p]->value, c.font_px, vp);
    };
    auto length_or_zero = [&](Prop p) { return length(p).value_or(0); };
    const bool border_box = value_is(kBoxSizing, "border-box");
    if (c.visible && node.text_chars > 0 && c.in_body) {
      f.text_chars += node.text_chars;
      const long long key = std::llround(c.font_px * 10);
      const auto [it, added] =
          run_at.try_emplace(std::tuple_cat(std::make_tuple(key), c.font_source.Key()), run_list.size());
      if (added) {
        FontSizeRun run;
        run.px = std::round(c.font_px * 10) / 10;
        run.element = Describe(node);
        run_list.push_back(std::move(run));
        run_keys.emplace_back(key, c.font_source);
      }
      run_list[it->second].chars += node.text_chars;
    }
    if (!c.in_body) continue;
    // Tap targets with a declared size.
    if (node.tap_target && c.visible) {
      ++f.tap_targets;
      const std::string& display = value(kDisplay);
      const bool inline_box = display.empty() ? IsInlineByDefault(node.tag) && !IsReplacedLike(node.tag)
                                              : display == "inline" || display == "contents";
      if (!inline_box) {
        auto box = [&](Prop size, Prop min, Prop pad1, Prop pad2) -> std::optional<double> {
          const auto s = length(size);
          if (!s) return std::nullopt;
          double v = *s + (border_box ? 0 : length_or_zero(pad1) + length_or_zero(pad2));
          if (const auto m = length(min)) v = std::max(v, *m);
          return v;
        };
        TapTargetSize t;
        t.height_px = box(kHeight, kMinHeight, kPaddingTop, kPaddingBottom);
        t.width_px = box(kWidth, kMinWidth, kPaddingLeft, kPaddingRight);
        if ((t.height_px || t.width_px) && f.sized_tap_targets.size() < kMaxMobileItems) {
          t.element = Describe(node);
          t.label = node.label.empty() ? CutUtf8(subtree_text(i, 80), 80) : node.label;
          f.sized_tap_targets.push_back(std::move(t));
        }
      }
    }
    // Fixed widths.
    if (!c.clipped && node.tag != "html"sv && node.tag != "body"sv) {
      std::optional<double> w = length(kWidth);
      std::string detail;
      if (w) {
        detail = "width: " + value(kWidth) + from(kWidth);
        if (!border_box) *w += length_or_zero(kPaddingLeft) + length_or_zero(kPaddingRight);
      } else if (all_css_read && !c.decl[kWidth] && node.width_attr &&
                 (node.tag == "img"sv || node.tag == "table"sv || node.tag == "iframe"sv || node.tag == "video"sv ||
                  node.tag == "canvas"sv || node.tag == "embed"sv || node.tag == "object"sv)) {
        w = *node.width_attr;
        detail = "width=\"" + std::to_string(*node.width_attr) + "\" attribute with no CSS width";
      }
      if (w && c.decl[kMaxWidth] && value(kMaxWidth) != "none") {
        const auto max = length(kMaxWidth);
        const bool relative = !max || value(kMaxWidth).find('%') != std::string::npos;
        if (relative) w.reset();  // capped to its container
        else if (*max < *w) {
          *w = *max;
          detail += ", max-width: " + value(kMaxWidth);
        }
      }
      if (const auto mw = length(kMinWidth); mw && (!w || *mw > *w)) {
        w = *mw;
        detail = "min-width: " + value(kMinWidth) + from(kMinWidth);
      }
      if (w && *w > vp.width && value(kWidth).find("vw") == std::string::npos && f.wide_elements.size() < 4 * kMaxMobileItems)
        f.wide_elements.push_back({Describe(node), detail, std::round(*w)});
    }
    // Other causes of sideways scrolling.
    if (!c.clipped && f.scroll_risks.size() < kMaxMobileItems) {
      const std::string width = value(kWidth).empty() ? value(kMinWidth) : value(kWidth);
      if (width == "100vw" || width == "100dvw" || width == "100svw" || width == "100lvw") {
        std::vector<std::string> extra;
        for (Prop p : {kMarginLeft, kMarginRight})
          if (length_or_zero(p) > 0 || value(p).find('%') != std::string::npos)
            extra.push_back(std::string(kPropNames[p]) + ": " + value(p));
        if (!border_box)
          for (Prop p : {kPaddingLeft, kPaddingRight})
            if (length_or_zero(p) > 0) extra.push_back(std::string(kPropNames[p]) + ": " + value(p));
        if (!extra.empty()) {
          std::string d = "width: " + width + from(c.decl[kWidth] ? kWidth : kMinWidth) + " plus ";
          for (std::size_t k = 0; k < extra.size(); ++k) d += (k ? ", " : "") + extra[k];
          f.scroll_risks.push_back({Describe(node), d, static_cast<double>(vp.width)});
        }
      }
      if ((node.tag == "html"sv || node.tag == "body"sv) && value(kOverflowX) == "scroll")
        f.scroll_risks.push_back({Describe(node), "overflow-x: scroll" + from(kOverflowX), 0});
      const std::string& ws = value(kWhiteSpace);
      if ((ws == "nowrap" || ws == "pre") && c.visible && !IsClipping(value(kOverflowX)) &&
          value(kTextOverflow) != "ellipsis") {
        const double est = static_cast<double>(c.subtree_chars) * c.font_px * kGlyphWidthPerFontPx;
        if (est > vp.width)
          f.scroll_risks.push_back({Describe(node),
                                    "white-space: " + ws + from(kWhiteSpace) + " on " + std::to_string(c.subtree_chars) +
                                        " characters (about " + Round1(est) + " px wide)",
                                    std::round(est)});
      }
    }
    // Overlays.
    const std::string& pos = value(kPosition);
    if (c.visible && !c.in_overlay && (pos == "fixed" || (pos == "absolute" && !c.positioned_ancestor))) {
      auto extent = [&](Prop size, Prop min, Prop a, Prop b, double full) -> double {
        std::optional<double> s;
        const std::string v = value(size);
        if (c.decl[size] && v.find('%') != std::string::npos) s = CssLengthPx(v, full, vp);
        else s = length(size);
        if (!s && c.decl[a] && c.decl[b]) {
          const auto pa = value(a).find('%') != std::string::npos ? CssLengthPx(value(a), full, vp) : length(a);
          const auto pb = value(b).find('%') != std::string::npos ? CssLengthPx(value(b), full, vp) : length(b);
          if (pa && pb) s = full - *pa - *pb;
        }
        std::optional<double> m;
        if (c.decl[min]) m = value(min).find('%') != std::string::npos ? CssLengthPx(value(min), full, vp) : length(min);
        if (m && (!s || *m > *s)) s = m;
        if (!s) return 0;
        return std::clamp(*s / full, 0.0, 1.0);
      };
      const double w = extent(kWidth, kMinWidth, kLeft, kRight, vp.width);
      const double h = extent(kHeight, kMinHeight, kTop, kBottom, vp.height);
      if (w * h >= kMinOverlayShare) {
        Overlay o;
        o.element = Describe(node);
        o.position = pos;
        o.cover_share = std::round(w * h * 1000) / 1000;
        o.text = subtree_text(i, kMaxOverlayText);
        for (std::string& concept_name : cues.ConceptsIn(text::FoldCase(o.text))) o.cues.push_back(std::move(concept_name));
        for (std::size_t j = i; j < c.end; ++j) o.app_store_link = o.app_store_link || nodes[j].app_store_link;
        f.overlays.push_back(std::move(o));
        for (std::size_t j = i + 1; j < c.end; ++j) comp[j].in_overlay = true;
      }
    }
  }
  // Runs whose sources read the same are one (two rules written alike, one tag's default).
  std::map<std::pair<long long, std::string>, FontSizeRun> runs;
  for (std::size_t k = 0; k < run_list.size(); ++k) {
    std::string source = SourceText(run_keys[k].second);
    const auto [it, added] = runs.try_emplace({run_keys[k].first, source}, std::move(run_list[k]));
    if (added) it->second.source = std::move(source);
    else it->second.chars += run_list[k].chars;
  }
  for (auto& [key, run] : runs) {
    if (f.font_sizes.size() >= kMaxFontSizeRuns) break;
    f.font_sizes.push_back(std::move(run));
  }
  std::stable_sort(f.wide_elements.begin(), f.wide_elements.end(), [](const auto& a, const auto& b) { return a.px > b.px; });
  if (f.wide_elements.size() > kMaxMobileItems) f.wide_elements.resize(kMaxMobileItems);
  std::stable_sort(f.overlays.begin(), f.overlays.end(),
                   [](const auto& a, const auto& b) { return a.cover_share > b.cover_share; });
  if (f.overlays.size() > kMaxMobileItems) f.overlays.resize(kMaxMobileItems);
  return f;
}

}  // namespace mmaudit::facts
