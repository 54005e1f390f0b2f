// Page-type classification: what kind of storefront page this is, with a confidence and the
// evidence, from URL patterns, structured data and DOM cues in nine languages (rules/lexicon.json).
// Site-level rules aggregate by these types ("review coverage across product pages").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/extract.h"
#include "facts/page_facts.h"
#include "html/document.h"

namespace mmaudit::facts {

// Every type, in report order.
const std::vector<std::string>& PageTypes();  // home, category, product, cart, checkout, account,
                                              // faq, store-locator, guide, search, other

struct PageTypeGuess {
  std::string type = "other";
  double confidence = 0;               // 0..1
  std::vector<std::string> evidence;   // e.g. "Product JSON-LD", "URL path /p/", "add-to-cart button"
};

// Classifies a page whose other facts are already extracted (everything except the page type).
// `doc` is the page's DOM for cues the facts do not keep (headings, body classes ...).
PageTypeGuess ClassifyPage(const html::Document& doc, const PageFacts& facts, const Context& ctx);

// A user override from --page-type PATTERN=TYPE. PATTERN is a glob (text::GlobMatch) on the URL
// path and query, e.g. "/produkt/*=product".
struct PageTypeOverride {
  std::string pattern;
  std::string type;
};

// Parses "PATTERN=TYPE". Returns false with *error for a missing "=" or an unknown type.
bool ParsePageTypeOverride(std::string_view spec, PageTypeOverride* out, std::string* error);

}  // namespace mmaudit::facts
