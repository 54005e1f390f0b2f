// The page's layout on a phone, read from its markup and CSS without a browser (issue 6): font
// sizes of its text, declared sizes of its tap targets, fixed widths wider than the screen, other
// causes of sideways scrolling, and overlays covering the content on load. Pure, no I/O.
//
// How it reads CSS: the style rules of the page's stylesheets (inline <style> and, once fetched,
// linked ones with their @imports) whose @media match the device (MediaMatches), and style
// attributes. Each element gets, per property, the declaration that wins the cascade: !important
// first, then the style attribute, then specificity, then source order (stylesheets in document
// order, an @import before the sheet that imports it). Selectors are matched against the element
// and its ancestors (tag, #id, .class, [type=...]; descendant and child combinators); other attribute selectors,
// :not()/:is()/:nth-*() and sibling combinators are taken to match (over-matching rather than
// missing), while selectors that need a state a page does not have on load (:hover, :focus,
// :active, :checked, :target, :visited ...) and pseudo-elements (::before ...) never match.
// Not modelled: nested CSS rules, @container, @layer order, calc()/clamp()/var() values (a
// declaration with one is ignored), and script-built markup.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/extract.h"
#include "facts/lexicon.h"
#include "facts/page_facts.h"
#include "html/document.h"

namespace mmaudit::facts {

inline constexpr std::size_t kMaxMobileNodes = 20000;   // elements kept in MobileDom
inline constexpr std::size_t kMaxMobileItems = 50;      // entries of each MobileLayoutFacts list
inline constexpr std::size_t kMaxFontSizeRuns = 100;    // MobileLayoutFacts::font_sizes
inline constexpr std::size_t kMaxMobileCssRules = 20000;  // style rules read from all sheets
// Text in a line is estimated at half its font size per character (16 px text: kGlyphWidthPx).
inline constexpr double kGlyphWidthPerFontPx = 0.5;
// Chrome's default font size and the one of form controls (html.css), in CSS px.
inline constexpr double kDefaultFontPx = 16;
inline constexpr double kControlFontPx = 13.333;

// The page's rendered elements (no <head>, <script>, <style>, <noscript>, <template>) and its
// stylesheets, in document order. URLs are resolved against ctx.base_url. Never fails; at most
// kMaxMobileNodes elements (`truncated` says when more were left out).
MobileDom ExtractMobileDom(const html::Document& doc, const Context& ctx);

// A fetched linked stylesheet's text by its URL; nullptr when it was not fetched (or failed).
using StylesheetLookup = std::function<const std::string*(const std::string& url)>;

// Reads `dom` on the device `vp`: the inline sheets always, the linked ones (and their @imports,
// up to 4 deep) through `linked` when it is set; with `linked` unset, css_read is "inline" and
// linked_css_note says that `linked_unread_reason` kept them out. Overlay cues come from
// `cues` (the embedded rules/mobile-lexicon.json by default). Never fails.
MobileLayoutFacts ReadMobileLayout(const MobileDom& dom, const Viewport& vp, const StylesheetLookup& linked = nullptr,
                                   std::string_view linked_unread_reason = "",
                                   const Lexicon& cues = Lexicon::Embedded("rules/mobile-lexicon.json"));

// A CSS length or font-size value in CSS px: px, pt, em and % (of `em_px`), rem (16 px), vw and vh
// (of `vp`), and 0 without a unit; nullopt for auto, keywords, calc(), what does not parse and
// what lies beyond ±kMaxCssLengthPx.
inline constexpr double kMaxCssLengthPx = 1e6;
std::optional<double> CssLengthPx(std::string_view value, double em_px, const Viewport& vp);

// One style rule of a stylesheet, split per selector: what ParseLayoutCss keeps.
struct LayoutCssRule {
  std::string selector;   // one selector of the rule's list, trimmed
  int specificity = 0;    // ids x 10000 + classes, attributes and pseudo-classes x 100 + tags
  std::vector<std::pair<std::string, std::string>> declarations;  // (property lower case, value), source order
  std::vector<bool> important;  // per declaration
};

// The style rules of `css` whose @media preludes all match `vp`, with the declarations the mobile
// layout reads (font, size, padding, margin, position, display, overflow, white-space ...); rules
// with none of them and selectors that cannot match on load are left out. At most `max_rules`.
std::vector<LayoutCssRule> ParseLayoutCss(std::string_view css, const Viewport& vp,
                                          std::size_t max_rules = kMaxMobileCssRules);

}  // namespace mmaudit::facts
