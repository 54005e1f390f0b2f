// ExtractPage: every extractor, in order, then the page-type classifier.
#include <algorithm>

#include "core/text.h"
#include "facts/charset.h"
#include "facts/engagement.h"
#include "facts/extract.h"
#include "facts/mobile_layout.h"
#include "facts/page_type.h"
#include "facts/sd_validation.h"
#include "facts/subresources.h"
#include "fetch/gzip_estimate.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

constexpr std::size_t kVisibleTextBytes = 1u << 20;  // of the page's visible text

bool IsHtmlMediaType(const std::string& t) { return t == "text/html" || t == "application/xhtml+xml"; }

// With no Content-Type at all, sniff the way browsers do for the common case: markup first.
bool LooksLikeHtml(std::string_view body) {
  const std::string head = text::AsciiLower(text::Trim(body.substr(0, 512)));
  return text::StartsWith(head, "<!doctype html") || text::StartsWith(head, "<html") ||
         text::StartsWith(head, "<head") || text::StartsWith(head, "<body") || text::StartsWith(head, "<!--");
}

}  // namespace

const std::string& FoldedVisibleText(const html::Document& doc, const Context& ctx, std::string* storage) {
  if (ctx.folded_visible_text != nullptr) return *ctx.folded_visible_text;
  *storage = html::FoldedVisibleText(doc.root(), kVisibleTextBytes);
  return *storage;
}

const Lexicon::TextCues& PageCues(const html::Document& doc, const Context& ctx, Lexicon::TextCues* storage) {
  if (ctx.page_cues != nullptr) return *ctx.page_cues;
  if (ctx.folded_visible_text_every_node != nullptr) {
    *storage = ctx.lexicon->CuesIn(*ctx.folded_visible_text_every_node);
  } else {
    *storage = ctx.lexicon->CuesIn(
        html::FoldedVisibleText(doc.root(), kVisibleTextBytes, html::WordBreaks::kAtEveryTextNode));
  }
  return *storage;
}

bool PageMentions(const html::Document& doc, const Context& ctx, std::string_view concept_name) {
  Lexicon::TextCues storage;
  const std::vector<std::string>& concepts = PageCues(doc, ctx, &storage).concepts;
  return std::find(concepts.begin(), concepts.end(), concept_name) != concepts.end();
}

PageFacts ExtractPage(const fetch::Response& response, const ExtractOptions& options) {
  PageFacts f;
  f.http = ExtractHttp(response);
  if (!response.ok()) {
    f.error_code = "fetch";
    f.error = std::string(fetch::FetchErrorName(response.error)) + ": " + response.error_message;
    return f;
  }
  f.fetched = true;
  if (response.status >= 400) {
    f.error_code = "http-status";
    f.error = "the server answered HTTP " + std::to_string(response.status) + "; only pages that load can be audited";
    return f;
  }
  const std::string media = f.http.media_type;
  if (!(IsHtmlMediaType(media) || (media.empty() && LooksLikeHtml(response.body)))) {
    f.error_code = "not-html";
    f.error = "the response is " + (media.empty() ? std::string("of no declared type") : "\"" + media + "\"") +
              ", not HTML";
    return f;
  }
  if (text::Trim(response.body).empty()) {
    f.error_code = "empty-body";
    f.error = "the response body is empty";
    return f;
  }

  if (f.http.content_encoding.empty() || f.http.content_encoding == "identity")
    f.http.gzip_estimate_bytes = fetch::DeflatedSize(response.body);
  // Decode to UTF-8 from the page's charset (BOM, header, meta, then a UTF-8 check).
  Decoded decoded = DecodeToUtf8(response.body, f.http.content_type);
  if (decoded.replaced > 0) {
    f.notes.push_back({"invalid-bytes", std::to_string(decoded.replaced) + " byte sequences could not be read as " +
                                            decoded.charset + " and were replaced with U+FFFD"});
  }
  if (decoded.declared_wrong) f.notes.push_back({"charset-mismatch", decoded.mismatch});
  if (!decoded.error.empty()) f.notes.push_back({"charset-unknown", decoded.error});
  std::string utf8 = std::move(decoded.utf8);
  html::ParseLimits parse_limits;
  parse_limits.max_depth = options.max_dom_depth;
  html::Document doc = html::Document::Parse(std::move(utf8), parse_limits);
  f.parsed = true;
  if (doc.flattened_tags() > 0)
    f.notes.push_back({"limit-dom-depth", "elements nest deeper than " + std::to_string(options.max_dom_depth) +
                                              " levels: " + std::to_string(doc.flattened_tags()) +
                                              " elements past that depth were read as siblings at that depth (--max-dom-depth)"});
  Context ctx;
  ctx.max_links = options.max_links;
  ctx.lexicon = options.lexicon;
  ctx.base_url = f.http.final_url;
  f.meta = ExtractMeta(doc, ctx);
  f.meta.charset_http = decoded.declared_http;
  f.meta.charset_used = decoded.charset;
  f.meta.charset_source = decoded.source;
  f.meta.charset_mismatch = decoded.mismatch;
  f.meta.invalid_utf8_replaced = decoded.replaced;
  if (!f.meta.base_href.empty()) ctx.base_url = f.meta.base_href;
  // Both word-break variants of the visible text from one walk: most extractors read the first,
  // ExtractReviews the second.
  const html::FoldedVisibleTexts folded_visible = html::FoldedVisibleTextBothBreaks(doc.root(), kVisibleTextBytes);
  ctx.folded_visible_text = &folded_visible.at_blocks;
  ctx.folded_visible_text_every_node = &folded_visible.at_every_text_node;
  ctx.folded_main_text = folded_visible.main_text();
  // Phrases are looked for in the reading with a break at every text node, so texts set side by
  // side by CSS ("<span>Visa</span><span>Mastercard</span>") do not run together.
  const Lexicon::TextCues page_cues = ctx.lexicon->CuesIn(folded_visible.at_every_text_node);
  ctx.page_cues = &page_cues;
  f.viewport = ExtractViewport(doc);
  f.images = ExtractImages(doc, ctx);
  f.scripts = ExtractScripts(doc, ctx);
  f.styles = ExtractStyles(doc, ctx);
  if (options.find_subresources) f.subresources = ExtractSubresources(doc, ctx, options.viewport, &f.selector_hooks);
  // The layout on a phone from inline CSS now; MeasureLoad reads it again with the linked sheets,
  // for which the page's elements are kept when the load will be measured.
  {
    MobileDom dom = ExtractMobileDom(doc, ctx);
    f.mobile = ReadMobileLayout(dom, options.viewport, nullptr,
                                options.find_subresources ? "the load was not measured"
                                                          : "linked CSS is read only when the load is measured");
    if (options.find_subresources) f.mobile_dom = std::move(dom);
  }
  f.links = ExtractLinks(doc, ctx);
  if (f.links.total > f.links.links.size())
    f.notes.push_back({"limit-links", "the page has " + std::to_string(f.links.total) + " links; only the first " +
                                          std::to_string(f.links.links.size()) + " were read and followed (--max-links)"});
  f.forms = ExtractForms(doc, ctx);
  f.structured_data = ExtractStructuredData(doc, ctx, options);
  f.faq = ExtractFaq(doc, f.structured_data, ctx);
  f.reviews = ExtractReviews(doc, f.structured_data, ctx);
  f.commerce = ExtractCommerce(doc, f.structured_data, f.forms, ctx);
  f.local = ExtractLocal(doc, f.structured_data, f.links, ctx);
  f.media = ExtractMedia(doc, f.structured_data, f.links, ctx);
  f.navigation = ExtractNavigation(doc, f.structured_data, f.forms, ctx);
  f.engagement = ExtractEngagement(doc, f.links, ctx);
  f.structured_data.issues = ValidateStructuredData(f.structured_data);
  for (SdIssue& issue : CheckSdConsistency(f.structured_data, f.commerce, f.reviews))
    f.structured_data.issues.push_back(std::move(issue));
  const PageTypeGuess guess = ClassifyPage(doc, f, ctx);
  f.page_type = guess.type;
  f.page_type_confidence = guess.confidence;
  f.page_type_evidence = guess.evidence;
  f.page_type_source = "classifier";
  if (options.with_document) options.with_document(doc, ctx);
  return f;
}

}  // namespace mmaudit::facts
