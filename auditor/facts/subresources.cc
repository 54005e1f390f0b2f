// ExtractSubresources: one walk over the DOM for what a phone browser loads, with the static
// layout model of subresources.h; and the media query, srcset and sizes readers it needs.
#include "facts/subresources.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "core/text.h"
#include "facts/css_refs.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

constexpr std::size_t npos = std::string_view::npos;
constexpr double kRootFontPx = 16;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// The number at the start of `s` and the rest after it; nullopt when there is none.
std::optional<double> LeadingNumber(std::string_view s, std::string_view* rest) {
  const std::string t(text::Trim(s).substr(0, 64));
  char* end = nullptr;
  const double d = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || !std::isfinite(d)) return std::nullopt;
  *rest = text::Trim(s).substr(static_cast<std::size_t>(end - t.c_str()));
  return d;
}

// A CSS length in px: px, em, rem, vw, vh; 0 without unit. nullopt for anything else.
std::optional<double> Length(std::string_view s, const Viewport& vp) {
  std::string_view unit;
  const auto d = LeadingNumber(s, &unit);
  if (!d) return std::nullopt;
  const std::string u = text::AsciiLower(text::Trim(unit));
  if (u == "px") return *d;
  if (u == "em" || u == "rem") return *d * kRootFontPx;
  if (u == "vw") return *d * vp.width / 100;
  if (u == "vh") return *d * vp.height / 100;
  if (u.empty() && *d == 0) return 0.0;
  return std::nullopt;
}

// A length or calc() of lengths joined by + and - (no * or /, no nesting).
std::optional<double> LengthOrCalc(std::string_view s, const Viewport& vp) {
  s = text::Trim(s);
  if (!text::StartsWithIgnoreCase(s, "calc(")) return Length(s, vp);
  if (s.back() != ')') return std::nullopt;
  std::string_view body = s.substr(5, s.size() - 6);
  double total = 0;
  double sign = 1;
  while (true) {
    body = text::Trim(body);
    // The next operator is a + or - with whitespace on both sides (as calc() requires).
    std::size_t op = npos;
    for (std::size_t i = 1; i + 1 < body.size(); ++i)
      if ((body[i] == '+' || body[i] == '-') && IsSpace(body[i - 1]) && IsSpace(body[i + 1])) {
        op = i;
        break;
      }
    const auto term = Length(body.substr(0, op), vp);
    if (!term) return std::nullopt;
    total += sign * *term;
    if (op == npos) return total;
    sign = body[op] == '-' ? -1 : 1;
    body = body.substr(op + 1);
  }
}

bool Compare(double actual, std::string_view op, double v) {
  constexpr double kEps = 1e-9;
  if (op == ">=") return actual >= v - kEps;
  if (op == "<=") return actual <= v + kEps;
  if (op == ">") return actual > v + kEps;
  if (op == "<") return actual < v - kEps;
  if (op == "=") return std::fabs(actual - v) <= kEps;
  return true;
}

// The device's value of a numeric media feature, and how to read a value compared with it.
std::optional<double> FeatureValue(const std::string& name, const Viewport& vp) {
  if (name == "width" || name == "device-width") return vp.width;
  if (name == "height" || name == "device-height") return vp.height;
  if (name == "aspect-ratio" || name == "device-aspect-ratio") return static_cast<double>(vp.width) / vp.height;
  if (name == "resolution" || name == "-webkit-device-pixel-ratio" || name == "device-pixel-ratio") return vp.dpr;
  return std::nullopt;
}

std::optional<double> ValueFor(const std::string& name, std::string_view v, const Viewport& vp) {
  if (name == "aspect-ratio" || name == "device-aspect-ratio") {
    const std::size_t slash = v.find('/');
    std::string_view rest;
    const auto a = LeadingNumber(v.substr(0, slash), &rest);
    if (!a) return std::nullopt;
    if (slash == npos) return *a;
    const auto b = LeadingNumber(v.substr(slash + 1), &rest);
    if (!b || *b == 0) return std::nullopt;
    return *a / *b;
  }
  if (name == "resolution") {
    std::string_view unit;
    const auto d = LeadingNumber(v, &unit);
    if (!d) return std::nullopt;
    const std::string u = text::AsciiLower(unit);
    if (u == "dppx" || u == "x") return *d;
    if (u == "dpi") return *d / 96;
    if (u == "dpcm") return *d * 2.54 / 96;
    return std::nullopt;
  }
  if (name == "-webkit-device-pixel-ratio" || name == "device-pixel-ratio") {
    std::string_view rest;
    return LeadingNumber(v, &rest);
  }
  return Length(v, vp);
}

// One parenthesised media feature, without its parentheses.
bool FeatureMatches(std::string_view f, const Viewport& vp) {
  const std::string s = text::AsciiLower(text::Trim(f));
  if (s.find('(') != std::string::npos) return true;  // nested conditions: not decided
  const std::size_t colon = s.find(':');
  if (colon != std::string::npos) {
    std::string name(text::Trim(std::string_view(s).substr(0, colon)));
    const std::string_view value = text::Trim(std::string_view(s).substr(colon + 1));
    std::string op = "=";
    if (text::StartsWith(name, "min-")) op = ">=", name = name.substr(4);
    if (text::StartsWith(name, "max-")) op = "<=", name = name.substr(4);
    if (text::StartsWith(name, "-webkit-min-")) op = ">=", name = "-webkit-" + name.substr(12);
    if (text::StartsWith(name, "-webkit-max-")) op = "<=", name = "-webkit-" + name.substr(12);
    if (name == "orientation") return value == (vp.height >= vp.width ? "portrait" : "landscape");
    if (name == "hover" || name == "any-hover") return value == "none";
    if (name == "pointer" || name == "any-pointer") return value == "coarse";
    if (name == "prefers-color-scheme") return value == "light";
    if (name == "prefers-reduced-motion") return value == "no-preference";
    const auto actual = FeatureValue(name, vp);
    const auto v = actual ? ValueFor(name, value, vp) : std::nullopt;
    return !actual || !v || Compare(*actual, op, *v);
  }
  // The range syntax: "width >= 600px", "400px <= width < 800px".
  std::vector<std::string_view> parts;
  std::vector<std::string> ops;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '<' && s[i] != '>' && s[i] != '=') continue;
    parts.push_back(text::Trim(std::string_view(s).substr(start, i - start)));
    std::size_t j = i + 1;
    if (j < s.size() && s[j] == '=' && s[i] != '=') ++j;
    ops.emplace_back(s.substr(i, j - i));
    start = j;
    i = j - 1;
  }
  if (ops.empty()) {
    if (s == "hover" || s == "any-hover") return false;  // a phone has no hover
    return true;
  }
  parts.push_back(text::Trim(std::string_view(s).substr(start)));
  auto flip = [](const std::string& op) -> std::string {
    if (op == "<") return ">";
    if (op == ">") return "<";
    if (op == "<=") return ">=";
    if (op == ">=") return "<=";
    return op;
  };
  auto check = [&](std::string_view name, const std::string& op, std::string_view value) {
    const std::string n(name);
    const auto actual = FeatureValue(n, vp);
    const auto v = actual ? ValueFor(n, value, vp) : std::nullopt;
    return !actual || !v || Compare(*actual, op, *v);
  };
  if (parts.size() == 2) {
    if (FeatureValue(std::string(parts[0]), vp)) return check(parts[0], ops[0], parts[1]);
    return check(parts[1], flip(ops[0]), parts[0]);
  }
  if (parts.size() == 3) return check(parts[1], flip(ops[0]), parts[0]) && check(parts[1], ops[1], parts[2]);
  return true;
}

bool QueryMatches(std::string_view q, const Viewport& vp) {
  q = text::Trim(q);
  if (q.empty()) return false;
  bool negate = false;
  if (text::StartsWith(q, "not ")) negate = true, q = text::Trim(q.substr(4));
  if (text::StartsWith(q, "only ")) q = text::Trim(q.substr(5));
  bool match = true;
  std::size_t i = 0;
  while (i < q.size()) {
    if (IsSpace(q[i])) {
      ++i;
      continue;
    }
    if (q[i] == '(') {
      int depth = 0;
      std::size_t j = i;
      for (; j < q.size(); ++j) {
        if (q[j] == '(') ++depth;
        if (q[j] == ')' && --depth == 0) break;
      }
      match = FeatureMatches(q.substr(i + 1, std::min(j, q.size()) - i - 1), vp) && match;
      i = j + 1;
      continue;
    }
    std::size_t j = i;
    while (j < q.size() && !IsSpace(q[j]) && q[j] != '(') ++j;
    const std::string_view word = q.substr(i, j - i);
    if (word == "or" || word == "not") return true;  // conditions beyond "and": not decided
    if (word != "and" && word != "all" && word != "screen") match = false;  // print, speech, tv ...
    i = j;
  }
  return negate ? !match : match;
}

}  // namespace

bool MediaMatches(std::string_view media, const Viewport& vp) {
  const std::string m = text::AsciiLower(text::Trim(media));
  if (m.empty()) return true;
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i <= m.size(); ++i) {
    if (i < m.size() && m[i] == '(') ++depth;
    if (i < m.size() && m[i] == ')' && depth > 0) --depth;
    if (i == m.size() || (m[i] == ',' && depth == 0)) {
      if (QueryMatches(std::string_view(m).substr(start, i - start), vp)) return true;
      start = i + 1;
    }
  }
  return false;
}

std::optional<int> ParseHtmlLength(std::optional<std::string_view> v) {
  if (!v) return std::nullopt;
  const std::string t(text::Trim(*v));
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  const long n = std::strtol(t.c_str(), &end, 10);
  // "100", "100px" and "100.5" are what browsers read as lengths; "auto" or "50%" are not sizes.
  if (end == t.c_str() || n < 0 || n > 100000) return std::nullopt;
  const std::string rest = text::AsciiLower(end);
  if (!rest.empty() && rest != "px" && rest[0] != '.') return std::nullopt;
  return static_cast<int>(n);
}

std::vector<SrcsetCandidate> ParseSrcset(std::string_view s) {
  std::vector<SrcsetCandidate> out;
  std::size_t i = 0;
  while (i < s.size() && out.size() < 256) {
    while (i < s.size() && (IsSpace(s[i]) || s[i] == ',')) ++i;
    if (i >= s.size()) break;
    const std::size_t u0 = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    std::string_view u = s.substr(u0, i - u0);
    SrcsetCandidate c;
    std::string_view desc;
    if (!u.empty() && u.back() == ',') {
      while (!u.empty() && u.back() == ',') u.remove_suffix(1);
    } else {
      const std::size_t d0 = i;
      int depth = 0;
      while (i < s.size() && !(s[i] == ',' && depth == 0)) {
        if (s[i] == '(') ++depth;
        if (s[i] == ')' && depth > 0) --depth;
        ++i;
      }
      desc = text::Trim(s.substr(d0, i - d0));
    }
    if (u.empty()) continue;
    c.url = std::string(u);
    c.descriptor = std::string(desc);
    bool ok = true;
    for (const std::string& d : text::SplitTrimmed(desc, ' ')) {
      if (d.size() < 2) {
        ok = false;
        continue;
      }
      const char kind = static_cast<char>(std::tolower(static_cast<unsigned char>(d.back())));
      char* end = nullptr;
      const double v = std::strtod(d.c_str(), &end);
      if (end != d.c_str() + d.size() - 1 || !(v > 0) || !std::isfinite(v)) {
        ok = false;
      } else if (kind == 'w' && c.width == 0 && c.density == 0) {
        c.width = static_cast<int>(v);
      } else if (kind == 'x' && c.width == 0 && c.density == 0) {
        c.density = v;
      } else if (kind != 'h') {
        ok = false;
      }
    }
    if (ok) out.push_back(std::move(c));
  }
  return out;
}

double SizesSlotWidth(std::string_view sizes, const Viewport& vp) {
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i <= sizes.size(); ++i) {
    if (i < sizes.size() && sizes[i] == '(') ++depth;
    if (i < sizes.size() && sizes[i] == ')' && depth > 0) --depth;
    if (i < sizes.size() && !(sizes[i] == ',' && depth == 0)) continue;
    const std::string_view entry = text::Trim(sizes.substr(start, i - start));
    start = i + 1;
    if (entry.empty()) continue;
    // The length is the last component: a function call "calc(...)" or a word.
    std::size_t len0 = entry.size();
    if (entry.back() == ')') {
      int d = 0;
      while (len0 > 0) {
        --len0;
        if (entry[len0] == ')') ++d;
        if (entry[len0] == '(' && --d == 0) break;
      }
      while (len0 > 0 && !IsSpace(entry[len0 - 1]) && entry[len0 - 1] != ')') --len0;
    } else {
      while (len0 > 0 && !IsSpace(entry[len0 - 1]) && entry[len0 - 1] != ')') --len0;
    }
    const std::string_view condition = text::Trim(entry.substr(0, len0));
    const auto length = LengthOrCalc(entry.substr(len0), vp);
    if (!length || *length < 0) continue;  // "auto" and the unreadable are skipped
    if (condition.empty() || MediaMatches(condition, vp)) return *length;
  }
  return vp.width;
}

std::size_t ChooseSrcsetCandidate(const std::vector<SrcsetCandidate>& candidates, double slot_width, const Viewport& vp) {
  auto density = [&](const SrcsetCandidate& c) {
    if (c.width > 0) return slot_width > 0 ? c.width / slot_width : 1e9;
    return c.density > 0 ? c.density : 1.0;
  };
  std::size_t best = npos, densest = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const double d = density(candidates[i]);
    if (d > density(candidates[densest])) densest = i;
    if (d >= vp.dpr - 1e-9 && (best == npos || d < density(candidates[best]))) best = i;
  }
  return best == npos ? densest : best;
}

namespace {

// True when the attribute's value, trimmed, is `value` (ASCII case-insensitive).
bool AttrIs(const GumboNode* n, std::string_view name, std::string_view value) {
  return text::AsciiLower(text::Trim(html::AttrOr(n, name))) == value;
}

// The rel tokens we act on.
struct Rels {
  bool stylesheet = false, alternate = false, preload = false, modulepreload = false, icon = false;
};
Rels ReadRels(std::string_view rel) {
  Rels r;
  for (const std::string& t : text::SplitTrimmed(text::AsciiLower(rel), ' ')) {
    if (t == "stylesheet") r.stylesheet = true;
    if (t == "alternate") r.alternate = true;
    if (t == "preload") r.preload = true;
    if (t == "modulepreload") r.modulepreload = true;
    if (t == "icon") r.icon = true;
  }
  return r;
}

ResourceType TypeOfPreload(std::string_view as) {
  const std::string a = text::AsciiLower(text::Trim(as));
  if (a == "style") return ResourceType::kStylesheet;
  if (a == "script") return ResourceType::kScript;
  if (a == "font") return ResourceType::kFont;
  if (a == "image") return ResourceType::kImage;
  if (a == "audio" || a == "video" || a == "track") return ResourceType::kMedia;
  return ResourceType::kOther;
}

bool ChromeDecodesImageType(std::string_view type) {
  const std::string t = text::AsciiLower(text::Trim(type));
  return t.empty() || t == "image/avif" || t == "image/webp" || t == "image/jpeg" || t == "image/jpg" ||
         t == "image/png" || t == "image/apng" || t == "image/gif" || t == "image/svg+xml" || t == "image/bmp" ||
         t == "image/x-icon" || t == "image/vnd.microsoft.icon";
}

bool IsClassicScriptType(std::string_view type) {
  const std::string t = text::AsciiLower(text::Trim(type));
  return t.empty() || t == "text/javascript" || t == "application/javascript" || t == "text/ecmascript" ||
         t == "application/ecmascript" || t == "application/x-javascript";
}

// "hero", "banner" or "slider" in the class or id of `n` or one of its 3 nearest ancestors.
bool HeroByName(const GumboNode* n) {
  for (int level = 0; level < 4 && n != nullptr && n->type == GUMBO_NODE_ELEMENT; ++level, n = n->parent) {
    for (std::string_view attr : {"class", "id"}) {
      const std::string v = text::AsciiLower(html::AttrOr(n, attr));
      if (text::Contains(v, "hero") || text::Contains(v, "banner") || text::Contains(v, "slider")) return true;
    }
  }
  return false;
}

class Finder {
 public:
  Finder(const Context& ctx, const Viewport& vp, std::vector<std::string>* hooks)
      : ctx_(ctx), vp_(vp), hooks_(hooks) {}

  void Run(const html::Document& doc) {
    html::Walk(doc.root(), [&](const GumboNode* n, std::size_t depth) { return Visit(n, depth); });
    for (std::size_t i = 0; i < out_.size(); ++i) out_[i].order = i;
  }
  std::vector<ResourceRef> Take() { return std::move(out_); }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  static constexpr unsigned kMaxPictureChildren = 32;

  std::optional<std::string> Resolve(std::string_view raw) const { return ResolveSubresourceUrl(ctx_.base_url, raw); }

  // Adds `r` or merges it into the entry with the same URL.
  void Add(ResourceRef r) {
    const auto [it, inserted] = index_.emplace(r.url, out_.size());
    if (inserted) {
      out_.push_back(std::move(r));
      return;
    }
    ResourceRef& e = out_[it->second];
    e.render_blocking = e.render_blocking || r.render_blocking;
    e.preload = e.preload || r.preload;
    e.fetchpriority_high = e.fetchpriority_high || r.fetchpriority_high;
    e.hero_hint = e.hero_hint || r.hero_hint;
    e.in_head = e.in_head || r.in_head;
    e.above_fold = e.above_fold || r.above_fold;
    e.async = e.async && r.async;
    e.defer = e.defer && r.defer;
    e.module = e.module || r.module;
    e.lazy = e.lazy && r.lazy;
    e.deferred = e.deferred && r.deferred;
    if (e.display_width == 0 && e.display_height == 0) {
      e.display_width = r.display_width;
      e.display_height = r.display_height;
    }
    e.sized = e.sized || r.sized;
    if (e.estimated_top < 0 || (r.estimated_top >= 0 && r.estimated_top < e.estimated_top)) e.estimated_top = r.estimated_top;
    if (e.srcset_choice.empty()) e.srcset_choice = r.srcset_choice;
    if (e.font_display.empty()) e.font_display = r.font_display;
    if (e.type == ResourceType::kOther) e.type = r.type;  // a preload without `as`, then the element
  }

  ResourceRef Ref(std::string url, ResourceType type, const char* via) const {
    ResourceRef r;
    r.url = std::move(url);
    r.type = type;
    r.via = via;
    r.in_head = head_depth_ != kNone;
    return r;
  }

  bool Hidden() const { return hidden_depth_ != kNone; }
  bool InHeader() const { return header_depth_ != kNone; }

  void FlushText() {
    if (pending_chars_ == 0) return;
    const double text_width = std::max(1.0, vp_.width - 2 * kPagePaddingPx);
    y_ += std::ceil(pending_chars_ * kGlyphWidthPx / text_width) * kLineHeightPx;
    pending_chars_ = 0;
  }

  void CountText(const GumboNode* n) {
    const std::string_view t(n->v.text.text);
    bool space = true;
    for (char c : t) {
      if (IsSpace(c)) {
        if (!space) ++pending_chars_;
        space = true;
      } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
        ++pending_chars_;
        space = false;
      }
    }
  }

  // The current top for a box about to be placed, or -1 when hidden.
  double Top() const {
    if (Hidden()) return -1;
    return InHeader() ? header_top_ : y_;
  }
  void Place(double height) {
    if (!Hidden() && !InHeader()) y_ += height;
  }
  void SetFold(ResourceRef* r, double top) const {
    r->estimated_top = top;
    r->above_fold = top >= 0 && top < vp_.height;
    r->deferred = r->lazy && (top < 0 || top >= vp_.height + kLazyLoadMarginPx);
  }

  // Display size from width/height attributes, scaled to the viewport width.
  void DisplaySize(const GumboNode* n, ResourceRef* r) const {
    const auto w = ParseHtmlLength(html::Attr(n, "width"));
    const auto h = ParseHtmlLength(html::Attr(n, "height"));
    r->sized = w && h;
    if (w && *w > 0) {
      r->display_width = std::min(*w, vp_.width);
      if (h) r->display_height = static_cast<int>(std::lround(static_cast<double>(*h) * r->display_width / *w));
    } else if (h) {
      r->display_height = *h;
    }
  }
  double LayoutHeight(const ResourceRef& r, double default_aspect) const {
    if (r.display_height > 0) return r.display_height;
    const double w = r.display_width > 0 ? r.display_width : vp_.width;
    return w * default_aspect;
  }

  void OnImg(const GumboNode* n) {
    std::vector<SrcsetCandidate> candidates;
    const char* via = "img";
    std::string sizes;
    if (n->parent != nullptr && html::TagName(n->parent) == "picture") {
      const GumboVector& kids = n->parent->v.element.children;
      // The <source>s before it; only the first kMaxPictureChildren children are looked at, so a
      // hostile <picture> holding thousands of <img>s costs no quadratic work.
      for (unsigned k = 0; k < kids.length && k < kMaxPictureChildren && kids.data[k] != n; ++k) {
        const auto* s = static_cast<const GumboNode*>(kids.data[k]);
        if (!html::Is(s, GUMBO_TAG_SOURCE) || !html::HasAttr(s, "srcset")) continue;
        if (!MediaMatches(html::AttrOr(s, "media"), vp_) || !ChromeDecodesImageType(html::AttrOr(s, "type"))) continue;
        candidates = ParseSrcset(html::AttrOr(s, "srcset"));
        if (candidates.empty()) continue;
        sizes = std::string(html::AttrOr(s, "sizes"));
        via = "picture-source";
        break;
      }
    }
    if (candidates.empty() && html::HasAttr(n, "srcset")) {
      candidates = ParseSrcset(html::AttrOr(n, "srcset"));
      sizes = std::string(html::AttrOr(n, "sizes"));
      if (!candidates.empty()) via = "img-srcset";
    }
    const std::string_view src = text::Trim(html::AttrOr(n, "src"));
    if (!candidates.empty() && !src.empty()) {
      // The standard adds src as a 1x candidate when no candidate has a w or 1x descriptor.
      bool w_or_1x = false;
      for (const auto& c : candidates) w_or_1x = w_or_1x || c.width > 0 || c.density == 1 || c.descriptor.empty();
      if (!w_or_1x) candidates.push_back({std::string(src), 0, 1.0, ""});
    }
    std::string raw(src), choice;
    if (!candidates.empty()) {
      const SrcsetCandidate& c = candidates[ChooseSrcsetCandidate(candidates, SizesSlotWidth(sizes, vp_), vp_)];
      raw = c.url;
      choice = c.descriptor;
      if (choice.empty() && c.url == src && std::string_view(via) == "img-srcset") via = "img";
    }
    auto u = Resolve(raw);
    ResourceRef r = Ref(u ? std::move(*u) : std::string(), ResourceType::kImage, via);
    r.srcset_choice = std::move(choice);
    r.lazy = AttrIs(n, "loading", "lazy");
    r.fetchpriority_high = AttrIs(n, "fetchpriority", "high");
    DisplaySize(n, &r);
    FlushText();
    SetFold(&r, Top());
    Place(LayoutHeight(r, kUnknownImageAspect));
    if (r.url.empty()) return;
    // The og:image may name the chosen candidate or the src fallback.
    const bool og = !og_image_.empty() && (r.url == og_image_ || (raw != src && Resolve(src) == og_image_));
    r.hero_hint = r.fetchpriority_high || og || HeroByName(n);
    Add(std::move(r));
  }

  void OnLink(const GumboNode* n) {
    const Rels rels = ReadRels(html::AttrOr(n, "rel"));
    if (!rels.stylesheet && !rels.preload && !rels.modulepreload && !rels.icon) return;
    const auto href = Resolve(html::AttrOr(n, "href"));
    if (rels.stylesheet) {
      if (rels.alternate || !href || html::HasAttr(n, "disabled")) return;
      ResourceRef r = Ref(*href, ResourceType::kStylesheet, "stylesheet");
      r.render_blocking = r.in_head && MediaMatches(html::AttrOr(n, "media"), vp_);
      Add(std::move(r));
    } else if (rels.modulepreload) {
      if (!href) return;
      ResourceRef r = Ref(*href, ResourceType::kScript, "preload");
      r.preload = r.module = true;
      Add(std::move(r));
    } else if (rels.preload) {
      if (!MediaMatches(html::AttrOr(n, "media"), vp_)) return;
      const ResourceType type = TypeOfPreload(html::AttrOr(n, "as"));
      std::optional<std::string> u = href;
      std::string choice;
      if (type == ResourceType::kImage && html::HasAttr(n, "imagesrcset")) {
        const auto candidates = ParseSrcset(html::AttrOr(n, "imagesrcset"));
        if (!candidates.empty()) {
          const auto& c = candidates[ChooseSrcsetCandidate(
              candidates, SizesSlotWidth(html::AttrOr(n, "imagesizes"), vp_), vp_)];
          u = Resolve(c.url);
          choice = c.descriptor;
        }
      }
      if (!u) return;
      ResourceRef r = Ref(std::move(*u), type, "preload");
      r.preload = true;
      r.srcset_choice = std::move(choice);
      r.fetchpriority_high = AttrIs(n, "fetchpriority", "high");
      r.hero_hint = r.fetchpriority_high;
      Add(std::move(r));
    } else if (rels.icon && !icon_seen_ && href) {
      icon_seen_ = true;
      Add(Ref(*href, ResourceType::kImage, "icon"));
    }
  }

  void OnScript(const GumboNode* n) {
    if (!html::HasAttr(n, "src") || html::HasAttr(n, "nomodule")) return;
    const std::string_view type = html::AttrOr(n, "type");
    const bool module = text::AsciiLower(text::Trim(type)) == "module";
    if (!module && !IsClassicScriptType(type)) return;  // JSON-LD, templates and other data blocks
    auto u = Resolve(html::AttrOr(n, "src"));
    if (!u) return;
    ResourceRef r = Ref(std::move(*u), ResourceType::kScript, "script");
    r.module = module;
    r.async = html::HasAttr(n, "async");
    r.defer = html::HasAttr(n, "defer");
    r.render_blocking = r.in_head && !module && !r.async && !r.defer;
    r.fetchpriority_high = AttrIs(n, "fetchpriority", "high");
    Add(std::move(r));
  }

  // CSS of an inline <style> (blocks: whether the sheet blocks rendering) or a style attribute.
  void OnCss(std::string_view css, bool blocks, const GumboNode* element) {
    const CssRefs refs = ParseCssRefs(css, ctx_.base_url);
    for (const CssImport& imp : refs.imports) {
      if (!MediaMatches(imp.media, vp_)) continue;  // Chrome does not fetch an import whose media cannot match
      ResourceRef r = Ref(imp.url, ResourceType::kStylesheet, "css-import");
      r.render_blocking = blocks;
      Add(std::move(r));
    }
    for (const CssUrl& cu : refs.urls) {
      bool matches = true;
      for (const std::string& m : cu.media) matches = matches && MediaMatches(m, vp_);
      if (!matches) continue;
      ResourceRef r = Ref(cu.url, ResourceType::kImage, "css-url");
      r.css_selector = cu.selector;
      if (element != nullptr) {  // a style attribute: the element's box is here in the layout
        SetFold(&r, Top());
        r.hero_hint = HeroByName(element);
      }
      Add(std::move(r));
    }
    for (const CssFontFace& face : refs.font_faces) {
      if (face.url.empty()) continue;
      ResourceRef r = Ref(face.url, ResourceType::kFont, "font-face");
      r.font_display = face.font_display;
      r.font_family = text::AsciiLower(face.family);
      Add(std::move(r));
    }
  }

  // ".class" and "#id" tokens of an element's class and id attributes.
  void NoteHooks(const GumboAttribute* a) {
    if (std::strcmp(a->name, "id") == 0) {
      const std::string_view id = text::Trim(a->value);
      if (!id.empty()) hooks_->push_back("#" + std::string(id));
    } else if (std::strcmp(a->name, "class") == 0) {
      const std::string_view v = a->value;
      std::size_t i = 0;
      while (i < v.size()) {
        while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i]))) ++i;
        const std::size_t start = i;
        while (i < v.size() && !std::isspace(static_cast<unsigned char>(v[i]))) ++i;
        if (i > start) hooks_->push_back("." + std::string(v.substr(start, i - start)));
      }
    }
  }

  static bool MayHoldRefs(std::string_view css) {
    return css.find("rl(") != npos || css.find("RL(") != npos || css.find('@') != npos;
  }

  html::Visit Visit(const GumboNode* n, std::size_t depth) {
    if (head_depth_ != kNone && depth <= head_depth_) head_depth_ = kNone;
    if (header_depth_ != kNone && depth <= header_depth_) header_depth_ = kNone;
    if (hidden_depth_ != kNone && depth <= hidden_depth_) hidden_depth_ = kNone;
    if (n->type == GUMBO_NODE_TEXT) {
      if (head_depth_ == kNone && !Hidden() && !InHeader()) CountText(n);
      return html::Visit::kContinue;
    }
    if (n->type == GUMBO_NODE_TEMPLATE) return html::Visit::kSkipChildren;
    if (n->type != GUMBO_NODE_ELEMENT) return html::Visit::kContinue;
    const GumboTag tag = n->v.element.tag;
    switch (tag) {
      case GUMBO_TAG_NOSCRIPT:
      case GUMBO_TAG_TEMPLATE:
        return html::Visit::kSkipChildren;
      case GUMBO_TAG_HEAD:
        head_depth_ = depth;
        return html::Visit::kContinue;
      case GUMBO_TAG_META:
        if (head_depth_ != kNone && og_image_.empty()) {
          const std::string_view prop = html::AttrOr(n, "property", html::AttrOr(n, "name"));
          if (text::AsciiLower(prop) == "og:image")
            og_image_ = Resolve(html::AttrOr(n, "content")).value_or("");
        }
        return html::Visit::kContinue;
      case GUMBO_TAG_LINK:
        OnLink(n);
        return html::Visit::kContinue;
      case GUMBO_TAG_SCRIPT:
        OnScript(n);
        return html::Visit::kSkipChildren;
      case GUMBO_TAG_STYLE: {
        const std::string_view css = html::RawText(n);
        if (MayHoldRefs(css))
          OnCss(css, head_depth_ != kNone && MediaMatches(html::AttrOr(n, "media"), vp_), nullptr);
        return html::Visit::kSkipChildren;
      }
      default:
        break;
    }
    // One pass over the attributes (Gumbo lower-cases their names) for `style` and `hidden`.
    const GumboVector& attrs = n->v.element.attributes;
    if (hooks_ != nullptr) hooks_->emplace_back(html::TagName(n));
    for (unsigned k = 0; k < attrs.length; ++k) {
      const auto* a = static_cast<const GumboAttribute*>(attrs.data[k]);
      if (hooks_ != nullptr) NoteHooks(a);
      if (std::strcmp(a->name, "hidden") == 0 && !Hidden()) hidden_depth_ = depth;
      if (std::strcmp(a->name, "style") != 0) continue;
      if (!Hidden() && html::IsHiddenSelf(n)) hidden_depth_ = depth;
      if (MayHoldRefs(a->value)) OnCss(a->value, false, n);
    }
    if (html::IsBlock(n)) FlushText();
    Place(BlockExtraPx(tag));
    switch (tag) {
      case GUMBO_TAG_HEADER:
      case GUMBO_TAG_NAV:
        if (!InHeader()) {
          header_top_ = Hidden() ? -1 : y_;
          Place(kHeaderHeightPx);
          header_depth_ = depth;
        }
        break;
      case GUMBO_TAG_IMG:
        OnImg(n);
        break;
      case GUMBO_TAG_IFRAME:
      case GUMBO_TAG_VIDEO: {
        const bool iframe = tag == GUMBO_TAG_IFRAME;
        ResourceRef r;
        DisplaySize(n, &r);
        const double top = Top();
        Place(r.display_height > 0 ? r.display_height : iframe ? 150.0 : vp_.width * 9.0 / 16);
        auto u = Resolve(html::AttrOr(n, iframe ? "src" : "poster"));
        if (!u) break;
        ResourceRef ref = Ref(std::move(*u), iframe ? ResourceType::kOther : ResourceType::kImage,
                              iframe ? "iframe" : "video-poster");
        ref.display_width = r.display_width;
        ref.display_height = r.display_height;
        ref.sized = r.sized;
        ref.lazy = iframe && AttrIs(n, "loading", "lazy");
        SetFold(&ref, top);
        Add(std::move(ref));
        break;
      }
      case GUMBO_TAG_INPUT:
        if (text::AsciiLower(html::AttrOr(n, "type")) != "hidden") Place(kControlHeightPx);
        break;
      case GUMBO_TAG_SELECT:
      case GUMBO_TAG_TEXTAREA:
        Place(kControlHeightPx);
        return html::Visit::kSkipChildren;
      case GUMBO_TAG_SVG: {
        const auto h = ParseHtmlLength(html::Attr(n, "height"));
        Place(h ? *h : kIconHeightPx);
        return html::Visit::kSkipChildren;
      }
      default:
        break;
    }
    return html::Visit::kContinue;
  }

  const Context& ctx_;
  const Viewport vp_;
  std::vector<ResourceRef> out_;
  std::unordered_map<std::string, std::size_t> index_;
  std::string og_image_;
  std::vector<std::string>* hooks_;  // not owned; null when not wanted
  bool icon_seen_ = false;
  std::size_t head_depth_ = kNone, header_depth_ = kNone, hidden_depth_ = kNone;
  double y_ = 0, header_top_ = 0;
  std::size_t pending_chars_ = 0;
};

}  // namespace

double BlockExtraPx(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_H1: return 34;  // 32 px font (37 px line) + one 21 px margin - a 24 px line
    case GUMBO_TAG_H2: return 24;  // 24 px font (28 px line) + 20 px
    case GUMBO_TAG_H3: return 17;  // 19 px font (22 px line) + 19 px
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: return 16;
    case GUMBO_TAG_P: case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_TABLE: return 16;
    default: return 0;
  }
}

std::vector<ResourceRef> ExtractSubresources(const html::Document& doc, const Context& ctx, const Viewport& vp,
                                             std::vector<std::string>* selector_hooks) {
  Finder f(ctx, vp, selector_hooks);
  f.Run(doc);
  if (selector_hooks != nullptr) {
    std::sort(selector_hooks->begin(), selector_hooks->end());
    selector_hooks->erase(std::unique(selector_hooks->begin(), selector_hooks->end()), selector_hooks->end());
  }
  return f.Take();
}

}  // namespace mmaudit::facts
