// What a phone browser would request for a page, found in its DOM (and its inline CSS), as
// ResourceRefs (facts/performance.h). Pure: no I/O, no pointer into the DOM kept.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/extract.h"
#include "facts/performance.h"

namespace mmaudit::facts {

// --- media queries, srcset and sizes ----------------------------------------------------------

// True when the media query list `media` can match the device `vp` (screen, width vp.width, height
// vp.height, resolution vp.dpr, portrait, touch, light scheme). "" and "all" match. Decided:
// media types (print/speech never match), not/only, min-/max-/width, height, aspect-ratio
// orientation, resolution (dppx, x, dpi), -webkit-device-pixel-ratio, hover, pointer, the range
// syntax ("(width >= 600px)", "(400px <= width < 800px)"), lengths in px, em and rem (16 px).
// Any feature or syntax not decided is taken to match, as a browser would rather load it.
bool MediaMatches(std::string_view media, const Viewport& vp);

// An HTML width/height attribute as browsers read it: "100", "100px" and "100.5" are 100; nullopt
// when absent, "auto", "50%", negative or above 100000.
std::optional<int> ParseHtmlLength(std::optional<std::string_view> v);

// One candidate of a srcset attribute.
struct SrcsetCandidate {
  std::string url;         // as written (not resolved)
  int width = 0;           // the "w" descriptor, 0 when none
  double density = 0;      // the "x" descriptor, 0 when none (no descriptor means 1x)
  std::string descriptor;  // as written, e.g. "828w", "2x"; "" when none
};
// The candidates of `srcset` in order, parsed as the HTML standard does (URLs may hold commas;
// invalid descriptors drop the candidate). At most 256 candidates.
std::vector<SrcsetCandidate> ParseSrcset(std::string_view srcset);

// The slot width in CSS px that `sizes` gives on the device: the length of the first entry whose
// media condition matches, the last entry's when none has a condition left; px, vw, em, rem and
// calc() of them with + and -. 100vw (vp.width) when empty or unreadable.
double SizesSlotWidth(std::string_view sizes, const Viewport& vp);

// Chrome's choice among `candidates` (non-empty): each candidate's effective density is its x, or
// width / slot_width for w descriptors (1 without a descriptor); the least dense candidate with
// density >= vp.dpr, else the densest. Returns the index.
std::size_t ChooseSrcsetCandidate(const std::vector<SrcsetCandidate>& candidates, double slot_width, const Viewport& vp);

// --- the static layout model --------------------------------------------------------------------
// Without CSS, each image's top is estimated by stacking the page in document order on a running
// y offset (CSS px):
// - images, iframes and videos add their display height: the width/height attributes scaled down
//   to at most the viewport width, keeping the aspect; an image with an unknown size a 4:3 box at
//   the viewport width (412 x 309); an iframe 150 px, a video 16:9 at the viewport width;
// - text adds lines: characters x kGlyphWidthPx / kTextWidthPx(viewport width - 2 x kPagePaddingPx),
//   rounded up, x kLineHeightPx, for each run of text between block elements;
// - <input>, <select>, <textarea> add kControlHeightPx; inline <svg> its height attribute or
//   kIconHeightPx;
// - headings, paragraphs, lists and tables add the extra height Chrome's default stylesheet gives
//   them (BlockExtraPx: the margins, and a heading's larger font);
// - everything inside <header> or <nav> adds nothing by itself: each outermost header/nav adds
//   kHeaderHeightPx once, and its images sit at its top;
// - subtrees hidden by markup (hidden, display:none, aria-hidden, <template>, <noscript>) add
//   nothing and their images are not above the fold.
// An image is above the fold when its top < the viewport height. `deferred` = loading=lazy and
// hidden, or its top at least kLazyLoadMarginPx below the fold: Chrome starts a lazy image that
// close to the viewport at once, so such images load with the page. The margin is Chrome's
// lazy-load distance for an unknown connection type (3000 px; 1250 on "4G", 2500 on "3G"), which
// is what headless Chrome under Lighthouse uses: on bench/lighthouse's fx/lazy-images page it
// loaded the lazy image whose top was at 3320 px and not the one at 3847 px (viewport 823 px).
inline constexpr double kLazyLoadMarginPx = 3000;
inline constexpr double kLineHeightPx = 24;     // 16 px text at line-height 1.5
inline constexpr double kGlyphWidthPx = 8;      // average glyph width of 16 px sans-serif text
inline constexpr double kPagePaddingPx = 16;    // each side of body text
inline constexpr double kHeaderHeightPx = 56;   // a phone header or nav bar
inline constexpr double kControlHeightPx = 44;  // a form control (a tap target)
inline constexpr double kIconHeightPx = 24;     // an inline SVG icon without a height
// Chrome's default stylesheet (html.css) beyond one kLineHeightPx line: h1 2em font with 0.67em
// margins, h2 1.5em/0.83em, h3 1.17em/1em, h4-h6 1.33em margins, p, ul, ol, dl, blockquote,
// figure and table 1em margins (16 px), collapsed with their neighbours' to one margin.
double BlockExtraPx(GumboTag tag);
inline constexpr double kUnknownImageAspect = 0.75;  // height / width of an image of unknown size

// --- the entry point ------------------------------------------------------------------------------

// The subresources a phone browser with viewport `vp` requests for `doc`, in document order (CSS
// references of an inline <style> where the <style> is), one entry per URL (the first occurrence
// gives via, type and order; the flags of later ones are merged in: render_blocking, preload,
// fetchpriority_high, hero_hint, in_head and above_fold are or-ed, lazy and deferred and-ed, sizes
// and the top taken from the first that has them). ResourceRef::order is the index in the result.
// URLs are resolved against ctx.base_url; data:, blob:, javascript: and other non-http(s) ones are
// skipped. Found: <link rel=stylesheet> (not disabled or alternate; render-blocking in <head> when
// its media matches), <script src> (classic or module, not nomodule; render-blocking when classic
// in <head> without async/defer), <link rel=modulepreload> (a module script), <img> (srcset/sizes,
// in <picture> the first <source> whose media matches and type Chrome decodes), <link
// rel=preload> (type from `as`, imagesrcset/imagesizes, media), the first <link rel=icon>,
// <iframe src>, <video poster>, inline style="...url()..." attributes, and inline <style> through
// ParseCssRefs (@import, url() whose @media match, @font-face sources). Not followed: external
// stylesheets' own references (the loader parses those with ParseCssRefs once fetched),
// <video>/<audio> media, prefetch, and the implicit /favicon.ico. One walk over the DOM.
// With `selector_hooks` set, also fills it with the page's tag names and ".class"/"#id" tokens,
// sorted and unique (for SelectorMayMatch); the caller owns it.
std::vector<ResourceRef> ExtractSubresources(const html::Document& doc, const Context& ctx, const Viewport& vp = {},
                                             std::vector<std::string>* selector_hooks = nullptr);

}  // namespace mmaudit::facts
