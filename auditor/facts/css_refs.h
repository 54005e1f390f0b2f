// What a stylesheet asks the browser to load in turn: @import rules, url() references (background
// images and the like) and @font-face sources. Pure, no I/O; the result owns its strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::facts {

struct CssImport {
  std::string url;    // absolute http(s) URL
  std::string media;  // the media query list after the URL ("" for all); layer()/supports() removed
};

struct CssUrl {
  std::string url;                 // absolute http(s) URL
  std::string property;            // the declaration's property, lower case, e.g. "background-image"
  // The preludes of the @media rules around it, outermost first (at most the 8 outermost); it
  // loads only when all match.
  std::vector<std::string> media;
  // The selector list of the style rule holding it (the innermost one when nested), as written;
  // "" outside a style rule (e.g. in an @page or @font-face-like block).
  std::string selector;
};

struct CssFontFace {
  std::string family;        // font-family, unquoted
  std::string font_display;  // lower case; "" when not set
  // The source Chrome downloads: the first url() in src whose format() is woff2, woff, truetype or
  // opentype (or a "-variations" of them) or that names no format; absolute http(s). "" when there
  // is none, or when that source is a data: URL (nothing to fetch).
  std::string url;
  std::string format;        // that source's format(), lower case and unquoted; "" when none given
};

struct CssRefs {
  std::vector<CssImport> imports;        // source order
  std::vector<CssUrl> urls;              // source order, outside @font-face; the same URL may repeat
  std::vector<CssFontFace> font_faces;   // source order
  // The values of every font-family and font declaration in style rules, lower case, joined with
  // ";" (capped at kMaxFontDeclarationBytes): which @font-face families the sheet puts to use.
  std::string font_declarations;
};

// Reads `css` with a single forward scan (comments, strings, escapes and nesting handled; work and
// output linear in the input, at most kMaxCssRefs entries in all) and resolves every reference
// against `base_url`, the stylesheet's own URL (the page's for inline CSS). References that do not
// resolve to http(s) are dropped: data:, blob:, fragment-only url(#id), unparseable ones. @import
// counts only before any other rule (after @charset, @layer statements and other @imports), as in
// CSS and Chrome; later ones are ignored. Never fails: broken CSS yields what could be read.
CssRefs ParseCssRefs(std::string_view css, std::string_view base_url);

inline constexpr std::size_t kMaxCssRefs = 4096;
inline constexpr std::size_t kMaxFontDeclarationBytes = 64u << 10;

// Whether a style rule with `selector_list` may match an element of a page whose elements carry
// `hooks` (sorted: tag names, ".class" and "#id" tokens; see ExtractSubresources): true when, for
// some selector of the list, every tag, class and id of every compound (the element's and its
// ancestors' and siblings') is among the hooks. The structure between them, pseudo-classes,
// pseudo-elements and attribute selectors are not checked, so this over-matches rather than
// under-matches: Chrome fetches a CSS image only when some element uses the rule.
bool SelectorMayMatch(std::string_view selector_list, const std::vector<std::string>& hooks);

// `ref` resolved against `base` (core/url.h) when the result is an absolute http(s) URL a browser
// would request; nullopt for "", fragment-only references ("#x": an element of the same document),
// data:, blob:, javascript: and other schemes, and what does not parse.
std::optional<std::string> ResolveSubresourceUrl(std::string_view base, std::string_view ref);

// The CSS string or identifier `s` with escapes undone: "\\" plus 1-6 hex digits (and one optional
// space after them) is that code point, "\\" plus any other character is that character.
std::string CssUnescape(std::string_view s);

// The end of the CSS string token starting at the quote at `i` (just past its closing quote, or at
// the newline or end that cuts it).
std::size_t SkipCssString(std::string_view s, std::size_t i);

// `s` split on `sep` where it is outside strings, comments, parentheses and brackets. Views into `s`.
std::vector<std::string_view> SplitCssTopLevel(std::string_view s, char sep);

}  // namespace mmaudit::facts
