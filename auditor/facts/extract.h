// Extractors: pure functions from a fetched page (and its DOM) to the plain structs of
// page_facts.h. None of them does I/O, keeps a pointer into the DOM, or throws on bad markup: a
// malformed input yields empty facts plus, where useful, an error entry (e.g. StructuredData::errors).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "facts/lexicon.h"
#include "facts/page_facts.h"
#include "fetch/fetcher.h"
#include "html/document.h"

namespace mmaudit::facts {

// What every DOM extractor needs besides the DOM.
struct Context {
  std::string base_url;  // the page URL, or its <base href> when present (absolute)
  const Lexicon* lexicon = &Lexicon::Default();
  // The page's visible text, case-folded (html::VisibleText then text::FoldCase), computed once by
  // ExtractPage and shared by the extractors; null when an extractor is called on its own.
  const std::string* folded_visible_text = nullptr;
  // The same with a word break before every text node (html::WordBreaks::kAtEveryTextNode), also
  // computed once by ExtractPage (in the same walk); null when an extractor is called on its own.
  const std::string* folded_visible_text_every_node = nullptr;
  // The part of *folded_visible_text that is the page's main landmark (html::FoldedVisibleTexts::
  // main_text): empty when the page has none, and only meaningful when folded_visible_text is set.
  std::string_view folded_main_text = {};
  // The lexicon concepts and payment methods found in the second text (Lexicon::CuesIn), also
  // computed once; null when an extractor is called on its own.
  const Lexicon::TextCues* page_cues = nullptr;
  // ExtractLinks keeps at most this many links (LinkFacts::total still counts them all).
  std::size_t max_links = LinkFacts::kMaxLinks;
};

// The lexicon concepts and payment methods in the page's visible text, read with a word break at
// every text node: *ctx.page_cues when set, else found by reading and scanning the text into
// *storage (and returning it).
const Lexicon::TextCues& PageCues(const html::Document& doc, const Context& ctx, Lexicon::TextCues* storage);
// True when PageCues lists `concept_name`.
bool PageMentions(const html::Document& doc, const Context& ctx, std::string_view concept_name);

// ctx.folded_visible_text when set; otherwise computes it into *storage and returns that.
const std::string& FoldedVisibleText(const html::Document& doc, const Context& ctx, std::string* storage);

// True when case-folded visible text holds a price: a currency sign or code directly before or
// after a digit (one space allowed between): "€129.90", "129,90 zł", "1 299 ₽", "19.99 eur",
// "chf 49". Letter codes must stand alone ("5 kroków" is no price in "kr").
bool HasPrice(std::string_view folded_text);

// The first price in case-folded text (see HasPrice) as a number: "€1,299.00" -> 1299, "129,90 zł"
// -> 129.9, "1 299 ₽" -> 1299; nullopt when the text holds no price.
std::optional<double> FirstPriceValue(std::string_view folded_text);

// The first rating in case-folded visible text written as "4.5 out of 5", "4,5/5", "4 von 5",
// "4,5 из 5" (scales 5, 10 and 100) or "★ 4.5" (scale 5), as (value, scale); nullopt when none.
std::optional<std::pair<double, double>> FindVisibleRating(std::string_view folded_text);

// The device a page is looked at on, in CSS px (Lighthouse's mobile preset: a Moto G Power).
struct Viewport {
  int width = 412, height = 823;
  double dpr = 1.75;  // device pixels per CSS px
};

struct ExtractOptions {
  const Lexicon* lexicon = &Lexicon::Default();
  std::size_t max_json_ld_bytes = 2u << 20;  // larger JSON-LD blocks are skipped with an error
  std::size_t max_sd_depth = 64;             // deeper nesting is cut with an error
  // Elements nest at most this deep; deeper ones are read as siblings at that depth (html::ParseLimits::
  // max_depth, FlattenDeepNesting) with a "limit-dom-depth" note. 0: no limit.
  std::size_t max_dom_depth = 512;
  // Links kept (and so followed by a crawl) per page; beyond, a "limit-links" note says how many
  // were left out.
  std::size_t max_links = LinkFacts::kMaxLinks;
  Viewport viewport;                         // for PageFacts::subresources (facts/subresources.h)
  // Fill PageFacts::subresources and selector_hooks; off when the load will not be measured, to
  // spare the walk.
  bool find_subresources = true;
  // Called once the page is parsed and every extractor has run, with the page's DOM and the
  // extractors' context, for callers that read more from the same parse (the checkout walk reads
  // its controls and forms). Not called for pages that are not parsed. Must not keep pointers into
  // the DOM: it is freed when ExtractPage returns.
  std::function<void(const html::Document&, const Context&)> with_document;
};

// --- whole page -------------------------------------------------------------------------------
// Runs every extractor on `response`, then the page-type classifier (facts/page_type.h). Never
// throws. Sets PageFacts::error_code when the page cannot be audited: "fetch" (network failure),
// "http-status" (>= 400), "not-html", "empty-body".
PageFacts ExtractPage(const fetch::Response& response, const ExtractOptions& options = {});

// --- single extractors (each tested on fixture HTML) ------------------------------------------
HttpFacts ExtractHttp(const fetch::Response& response);
MetaFacts ExtractMeta(const html::Document& doc, const Context& ctx);
// Parses a viewport content string such as "width=device-width, initial-scale=1".
ViewportFacts ParseViewport(std::string_view content);
ViewportFacts ExtractViewport(const html::Document& doc);
ImageFacts ExtractImages(const html::Document& doc, const Context& ctx);
ScriptFacts ExtractScripts(const html::Document& doc, const Context& ctx);
StyleFacts ExtractStyles(const html::Document& doc, const Context& ctx);
LinkFacts ExtractLinks(const html::Document& doc, const Context& ctx);
FormFacts ExtractForms(const html::Document& doc, const Context& ctx);

// Reads one form control the way ExtractForms does (type, name, label ...), for callers that walk
// the DOM themselves, e.g. to read controls outside any <form> or to pair a control with other
// attributes of its element. Built once per document: it copies the texts of the document's
// <label for> elements and of the elements controls name in aria-labelledby, and keeps no pointer
// into the DOM; Read must be given nodes of that same document.
class FormControlReader {
 public:
  explicit FormControlReader(const html::Document& doc);
  // The control for an <input>, <select>, <textarea> or <button> element of the same document;
  // nullopt for any other node.
  std::optional<FormControl> Read(const GumboNode* n) const;

 private:
  // Text of <label for=id>, else of an enclosing <label> (html::LabelText: without the options of
  // a <select> it wraps), else of the aria-labelledby elements, else aria-label, else placeholder.
  std::string LabelOf(const GumboNode* n, const std::string& id) const;
  std::vector<std::pair<std::string, std::string>> labels_for_;  // (for, label text), document order
  std::map<std::string, std::string> labelledby_text_;           // id -> text, first element with that id
};

StructuredData ExtractStructuredData(const html::Document& doc, const Context& ctx, const ExtractOptions& options = {});
FaqFacts ExtractFaq(const html::Document& doc, const StructuredData& sd, const Context& ctx);
ReviewFacts ExtractReviews(const html::Document& doc, const StructuredData& sd, const Context& ctx);
CommerceFacts ExtractCommerce(const html::Document& doc, const StructuredData& sd, const FormFacts& forms,
                              const Context& ctx);
LocalFacts ExtractLocal(const html::Document& doc, const StructuredData& sd, const LinkFacts& links,
                        const Context& ctx);
MediaFacts ExtractMedia(const html::Document& doc, const StructuredData& sd, const LinkFacts& links,
                        const Context& ctx);
NavigationFacts ExtractNavigation(const html::Document& doc, const StructuredData& sd, const FormFacts& forms,
                                  const Context& ctx);

}  // namespace mmaudit::facts
