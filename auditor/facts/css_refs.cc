// ParseCssRefs: one forward scan over a stylesheet for what it loads.
#include "facts/css_refs.h"

#include <algorithm>

#include <optional>

#include "core/text.h"
#include "core/url.h"

namespace mmaudit::facts {
namespace {

constexpr std::size_t npos = std::string_view::npos;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | cp >> 6));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | cp >> 12));
    out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | cp >> 18));
    out->push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}


// True when "url(" (any case) starts at `i` and is not the tail of a longer identifier.
bool UrlStartsAt(std::string_view s, std::size_t i) {
  return i + 4 <= s.size() && (i == 0 || !IsIdentChar(s[i - 1])) && text::StartsWithIgnoreCase(s.substr(i), "url(");
}

struct Token {
  std::string value;  // unescaped
  std::size_t end;    // just past the token
};

// A url( token whose "url(" starts at `i`: quoted or not, through its ")". A token cut by the end
// of input ends there.
Token ReadUrl(std::string_view s, std::size_t i) {
  i += 4;
  while (i < s.size() && IsSpace(s[i])) ++i;
  if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
    const std::size_t end = SkipCssString(s, i);
    const std::size_t inner_end = end > i + 1 && end <= s.size() && s[end - 1] == s[i] ? end - 1 : end;
    Token t{CssUnescape(s.substr(i + 1, inner_end - i - 1)), end};
    const std::size_t close = s.find(')', end);
    t.end = close == npos ? s.size() : close + 1;
    return t;
  }
  const std::size_t start = i;
  while (i < s.size() && s[i] != ')') i += s[i] == '\\' ? 2 : 1;
  Token t{CssUnescape(text::Trim(s.substr(start, std::min(i, s.size()) - start))), std::min(i + 1, s.size())};
  return t;
}


// `s` trimmed and without one pair of surrounding quotes, unescaped.
std::string Unquote(std::string_view s) {
  s = text::Trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return CssUnescape(s);
}

bool ChromeLoadsFontFormat(const std::string& f) {
  return f.empty() || f == "woff2" || f == "woff" || f == "truetype" || f == "opentype" ||
         f == "woff2-variations" || f == "woff-variations" || f == "truetype-variations" ||
         f == "opentype-variations";
}

CssFontFace ReadFontFace(std::string_view body, std::string_view base) {
  CssFontFace face;
  for (std::string_view decl : SplitCssTopLevel(body, ';')) {
    const std::size_t colon = decl.find(':');
    if (colon == npos) continue;
    const std::string name = text::AsciiLower(text::Trim(decl.substr(0, colon)));
    const std::string_view value = text::Trim(decl.substr(colon + 1));
    if (name == "font-family") {
      face.family = Unquote(value);
    } else if (name == "font-display") {
      std::size_t e = 0;
      while (e < value.size() && IsIdentChar(value[e])) ++e;
      face.font_display = text::AsciiLower(value.substr(0, e));
    } else if (name == "src") {
      face.url.clear();
      face.format.clear();
      for (std::string_view entry : SplitCssTopLevel(value, ',')) {
        entry = text::Trim(entry);
        if (!UrlStartsAt(entry, 0)) continue;  // local(...) and the unreadable
        const Token u = ReadUrl(entry, 0);
        std::string format;
        const std::string rest = text::AsciiLower(entry.substr(u.end));
        if (const std::size_t f = rest.find("format("); f != std::string::npos) {
          const std::size_t close = rest.find(')', f);
          format = Unquote(std::string_view(rest).substr(f + 7, (close == std::string::npos ? rest.size() : close) - f - 7));
        }
        if (!ChromeLoadsFontFormat(format)) continue;
        face.format = format;
        if (auto r = ResolveSubresourceUrl(base, u.value)) face.url = std::move(*r);
        break;
      }
    }
  }
  return face;
}

// "url(x) layer(base) supports(display: grid) screen" after "@import": the URL and the media list.
std::optional<CssImport> ReadImport(std::string_view stmt, std::string_view base) {
  std::string_view s = text::Trim(stmt.substr(7));  // after "@import"
  std::string raw;
  std::size_t end = 0;
  if (UrlStartsAt(s, 0)) {
    Token t = ReadUrl(s, 0);
    raw = std::move(t.value);
    end = t.end;
  } else if (!s.empty() && (s[0] == '"' || s[0] == '\'')) {
    end = SkipCssString(s, 0);
    raw = Unquote(s.substr(0, end));
  } else {
    return std::nullopt;
  }
  auto u = ResolveSubresourceUrl(base, raw);
  if (!u) return std::nullopt;
  std::string_view rest = text::Trim(s.substr(std::min(end, s.size())));
  for (std::string_view fn : {"layer", "supports("}) {
    if (!text::StartsWithIgnoreCase(rest, fn)) continue;
    std::size_t e = fn.size();
    if (fn == "layer" && e < rest.size() && rest[e] == '(') fn = "layer(";
    if (fn.back() == '(') {
      int depth = 0;
      for (e = 0; e < rest.size(); ++e) {
        if (rest[e] == '(') ++depth;
        if (rest[e] == ')' && --depth == 0) break;
      }
      e = std::min(e + 1, rest.size());
    } else if (e < rest.size() && IsIdentChar(rest[e])) {
      continue;  // an identifier starting with "layer"
    }
    rest = text::Trim(rest.substr(e));
  }
  return CssImport{std::move(*u), std::string(rest)};
}

// The at-keyword a prelude starts with, lower case ("media", "font-face" ...), or "".
std::string AtKeyword(std::string_view prelude) {
  if (prelude.empty() || prelude[0] != '@') return {};
  std::size_t e = 1;
  while (e < prelude.size() && IsIdentChar(prelude[e])) ++e;
  return text::AsciiLower(prelude.substr(1, e - 1));
}

}  // namespace

std::optional<std::string> ResolveSubresourceUrl(std::string_view base, std::string_view ref) {
  ref = text::Trim(ref);
  if (ref.empty() || ref.front() == '#') return std::nullopt;
  auto u = url::Resolve(base, ref);
  if (!u || !url::IsHttp(*u)) return std::nullopt;
  return u;
}

std::string CssUnescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 1 >= s.size()) break;
    if (HexValue(s[i + 1]) < 0) {
      if (s[i + 1] != '\n') out.push_back(s[i + 1]);  // an escaped newline is a line continuation
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    std::size_t j = i + 1;
    for (; j < s.size() && j < i + 7 && HexValue(s[j]) >= 0; ++j) cp = cp * 16 + static_cast<std::uint32_t>(HexValue(s[j]));
    if (j < s.size() && IsSpace(s[j])) ++j;
    AppendUtf8(cp, &out);
    i = j - 1;
  }
  return out;
}

CssRefs ParseCssRefs(std::string_view css, std::string_view base_url) {
  CssRefs refs;
  enum class Kind { kMedia, kFontFace, kOther };
  struct Block {
    Kind kind;
    std::size_t body_start;
    std::string_view selector;  // a style rule's prelude, else the enclosing rule's; "" at top level
  };
  std::vector<Block> blocks;
  std::vector<std::string> media;   // the first kMaxMediaDepth open @media preludes
  std::size_t media_open = 0;       // all open @media blocks
  constexpr std::size_t kMaxMediaDepth = 8;
  std::size_t font_face_depth = 0;  // open @font-face blocks
  bool imports_allowed = true;
  std::size_t stmt_start = 0;
  // What the current statement is, worked out once per statement (at its first url()).
  std::size_t stmt_known = npos;
  bool stmt_is_import = false;
  std::string property;
  // The innermost style rule's selector, "" when none is open (each block holds its own, or else
  // the one around it, so this stays O(1) however deep the nesting).
  auto selector = [&]() -> std::string_view { return blocks.empty() ? std::string_view() : blocks.back().selector; };
  // A declaration inside a style rule: font-family and font values are kept.
  auto note_declaration = [&](std::string_view decl) {
    if (selector().empty()) return;
    const std::size_t colon = decl.find(':');
    if (colon == npos) return;
    const std::string prop = text::AsciiLower(text::Trim(decl.substr(0, colon)));
    if (prop != "font-family" && prop != "font") return;
    if (refs.font_declarations.size() >= kMaxFontDeclarationBytes) return;
    refs.font_declarations += text::AsciiLower(text::Trim(decl.substr(colon + 1)));
    refs.font_declarations += ';';
  };
  auto full = [&] { return refs.imports.size() + refs.urls.size() + refs.font_faces.size() >= kMaxCssRefs; };
  auto statement = [&](std::size_t end) { return text::Trim(css.substr(stmt_start, end - stmt_start)); };
  auto end_statement = [&](std::size_t end) {
    const std::string_view stmt = statement(end);
    if (blocks.empty() && !stmt.empty() && stmt[0] == '@') {
      const std::string kw = AtKeyword(stmt);
      if (kw == "import") {
        if (imports_allowed && !full())
          if (auto imp = ReadImport(stmt, base_url)) refs.imports.push_back(std::move(*imp));
      } else if (kw != "charset" && kw != "layer") {
        imports_allowed = false;
      }
    }
  };

  std::size_t i = 0;
  const std::size_t n = css.size();
  while (i < n) {
    const char c = css[i];
    if (c == '/' && i + 1 < n && css[i + 1] == '*') {
      const std::size_t e = css.find("*/", i + 2);
      const bool leading = statement(i).empty();
      i = e == npos ? n : e + 2;
      if (leading) stmt_start = i;  // a comment before a statement is not part of its prelude
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
    if ((c == 'u' || c == 'U') && UrlStartsAt(css, i)) {
      Token t = ReadUrl(css, i);
      if (stmt_known != stmt_start) {
        stmt_known = stmt_start;
        const std::string_view stmt = statement(i);
        stmt_is_import = blocks.empty() && AtKeyword(stmt) == "import";
        const std::size_t colon = stmt.find(':');
        property = colon == npos ? std::string() : text::AsciiLower(text::Trim(stmt.substr(0, colon)));
      }
      if (font_face_depth == 0 && !stmt_is_import && !full())
        if (auto u = ResolveSubresourceUrl(base_url, t.value))
          refs.urls.push_back({std::move(*u), property, media, std::string(selector())});
      i = t.end;
      continue;
    }
    if (c == '{') {
      const std::string_view prelude = statement(i);
      const std::string kw = AtKeyword(prelude);
      Kind kind = Kind::kOther;
      if (kw == "media") {
        kind = Kind::kMedia;
        if (++media_open <= kMaxMediaDepth) media.emplace_back(text::Trim(prelude.substr(6)));
      } else if (kw == "font-face") {
        kind = Kind::kFontFace;
        ++font_face_depth;
      }
      if (blocks.empty()) imports_allowed = false;
      const bool style_rule = kw.empty() && !prelude.empty() && prelude[0] != '@';
      blocks.push_back({kind, i + 1, style_rule ? prelude : selector()});
      stmt_start = i + 1;
      ++i;
      continue;
    }
    if (c == '}') {
      note_declaration(statement(i));
      if (!blocks.empty()) {
        const Block b = blocks.back();
        blocks.pop_back();
        if (b.kind == Kind::kMedia && media_open-- <= kMaxMediaDepth) media.pop_back();
        if (b.kind == Kind::kFontFace) {
          --font_face_depth;
          if (!full()) refs.font_faces.push_back(ReadFontFace(css.substr(b.body_start, i - b.body_start), base_url));
        }
      }
      stmt_start = i + 1;
      ++i;
      continue;
    }
    if (c == ';') {
      note_declaration(statement(i));
      end_statement(i);
      stmt_start = i + 1;
    }
    ++i;
  }
  // The end of input closes what is open, as in browsers.
  if (blocks.empty()) end_statement(n);
  for (auto b = blocks.rbegin(); b != blocks.rend(); ++b)
    if (b->kind == Kind::kFontFace && !full())
      refs.font_faces.push_back(ReadFontFace(css.substr(std::min(b->body_start, n)), base_url));
  return refs;
}

namespace {

// Whether every tag, class and id of `compound` (one compound selector, no combinators) is a hook.
bool CompoundMayMatch(std::string_view compound, const std::vector<std::string>& hooks) {
  auto has = [&](const std::string& token) { return std::binary_search(hooks.begin(), hooks.end(), token); };
  std::size_t i = 0;
  const std::size_t n = compound.size();
  auto name_end = [&](std::size_t j) {
    while (j < n && (IsIdentChar(compound[j]) || compound[j] == '\\')) j += compound[j] == '\\' ? 2 : 1;
    return std::min(j, n);
  };
  if (i < n && IsIdentChar(compound[i])) {  // a type selector
    const std::size_t e = name_end(i);
    if (!has(text::AsciiLower(compound.substr(i, e - i)))) return false;
    i = e;
  }
  while (i < n) {
    const char c = compound[i];
    if (c == '.' || c == '#') {
      const std::size_t e = name_end(i + 1);
      if (e > i + 1 && !has(std::string(1, c) + CssUnescape(compound.substr(i + 1, e - i - 1)))) return false;
      i = e;
    } else if (c == '[' || c == '(') {  // attribute selectors and pseudo-class arguments: skipped
      const char close = c == '[' ? ']' : ')';
      int depth = 0;
      for (; i < n; ++i) {
        if (compound[i] == c) ++depth;
        if (compound[i] == close && --depth == 0) break;
      }
      ++i;
    } else {
      ++i;  // ':' pseudo-classes and elements, '*', '&'
    }
  }
  return true;
}

}  // namespace

bool SelectorMayMatch(std::string_view selector_list, const std::vector<std::string>& hooks) {
  // Split the list at top-level commas and each selector at top-level combinators (whitespace, >,
  // +, ~); a selector may match when every one of its compounds may.
  int depth = 0;
  std::size_t compound = 0;
  bool all = true;  // every compound of the current selector so far
  for (std::size_t i = 0; i <= selector_list.size(); ++i) {
    const char c = i < selector_list.size() ? selector_list[i] : ',';
    if (c == '(' || c == '[') ++depth;
    if ((c == ')' || c == ']') && depth > 0) --depth;
    if (depth > 0) continue;
    const bool comma = c == ',';
    if (comma || c == ' ' || c == '>' || c == '+' || c == '~' || c == '\t' || c == '\n') {
      const std::string_view part = text::Trim(selector_list.substr(compound, i - compound));
      if (!part.empty() && !CompoundMayMatch(part, hooks)) all = false;
      compound = i + 1;
      if (comma) {
        if (all) return true;
        all = true;
      }
    }
  }
  return false;
}

std::size_t SkipCssString(std::string_view s, std::size_t i) {
  const char q = s[i++];
  while (i < s.size()) {
    if (s[i] == '\\') {
      i += 2;
      continue;
    }
    if (s[i] == q) return i + 1;
    if (s[i] == '\n') return i;
    ++i;
  }
  return s.size();
}

std::vector<std::string_view> SplitCssTopLevel(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0, i = 0;
  int depth = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      const std::size_t e = s.find("*/", i + 2);
      i = e == npos ? s.size() : e + 2;
    } else if (c == '"' || c == '\'') {
      i = SkipCssString(s, i);
    } else if (c == '\\') {
      i += 2;
    } else {
      if (c == '(' || c == '[') ++depth;
      if ((c == ')' || c == ']') && depth > 0) --depth;
      if (c == sep && depth == 0) {
        out.push_back(s.substr(start, i - start));
        start = i + 1;
      }
      ++i;
    }
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return out;
}

}  // namespace mmaudit::facts
