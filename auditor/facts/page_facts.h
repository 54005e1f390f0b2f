// PageFacts: what a page *is*, as plain data. Filled by the pure extractor functions in extract.h
// from a fetched response and its parsed DOM; read by rules/ and written to JSON by report/. Holds no
// pointers into the DOM, so the DOM can be freed as soon as extraction ends.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "facts/performance.h"
#include "fetch/fetcher.h"

namespace mmaudit::facts {

struct HttpFacts {
  std::string requested_url;
  std::string final_url;
  std::vector<fetch::Redirect> redirects;
  int status = 0;
  std::string http_version;
  std::string content_type;     // full header value
  std::string media_type;       // "text/html"
  std::string content_encoding; // "gzip", "br", "zstd" or ""
  std::string x_robots_tag;     // every X-Robots-Tag header, joined with ", "
  std::string cache_control;
  std::uint64_t transfer_bytes = 0;
  std::uint64_t body_transfer_bytes = 0;
  std::uint64_t decoded_bytes = 0;
  double ttfb_ms = 0;
  double wait_ms = 0, connect_ms = 0;  // see fetch::Response
  double total_ms = 0;
  // The decoded body's size after deflate at level 6 (what gzip would send), computed only when the
  // response came without content encoding; 0 otherwise. For the text-compression rule.
  std::uint64_t gzip_estimate_bytes = 0;
  bool from_file = false;  // a saved page audited offline: timing and compression are unknown
};

struct Hreflang {
  std::string lang;  // as written
  std::string href;  // resolved
};

struct MetaFacts {
  bool has_doctype = false;
  std::string title;             // whitespace-collapsed; "" when missing
  bool has_title = false;
  std::string meta_description;
  bool has_meta_description = false;
  std::string canonical;         // resolved; "" when missing
  std::string canonical_raw;     // as written
  std::string robots_meta;       // every <meta name=robots|googlebot> content, joined with ", "
  std::string lang;              // <html lang>
  std::string charset_declared;  // <meta charset> or http-equiv content-type charset, lower case
  std::string charset_http;      // charset parameter of the Content-Type header, lower case
  std::string charset_used;      // what the page was decoded from, e.g. "windows-1251"
  std::string charset_source;    // why: "bom", "http", "meta", "utf-8" (valid UTF-8) or "fallback"
  std::string charset_mismatch;  // "" or why the declared charset did not fit the bytes
  std::size_t invalid_utf8_replaced = 0;  // byte sequences replaced with U+FFFD while decoding
  std::vector<Hreflang> hreflang;
  std::string base_href;         // <base href>, resolved; "" when none
  std::string theme_color;
  std::string manifest;          // <link rel=manifest> href, resolved
  std::size_t element_count = 0;
  std::size_t max_depth = 0;
};

struct ViewportFacts {
  bool present = false;
  std::string content;                           // as written
  std::map<std::string, std::string> properties; // lower-case keys, as parsed
  std::optional<std::string> width;              // "device-width" or a number
  std::optional<double> initial_scale;
  std::optional<double> minimum_scale;
  std::optional<double> maximum_scale;
  bool user_scalable_no = false;                 // user-scalable=no or 0
};

struct Image {
  std::string src;     // resolved; may be "" for a placeholder
  std::optional<std::string> alt;  // nullopt when the attribute is absent
  std::optional<int> width, height;  // from attributes when numeric
  bool has_srcset = false;
  bool in_picture = false;
  bool lazy = false;       // loading=lazy
  bool decorative = false; // role=presentation/none or aria-hidden
};

struct ImageFacts {
  std::vector<Image> images;
  std::size_t missing_alt = 0;   // no alt attribute, not decorative
  std::size_t empty_alt = 0;
  std::size_t unsized = 0;       // missing width or height
  std::size_t with_srcset = 0;
  std::size_t in_picture = 0;
  std::size_t lazy = 0;
};

struct Script {
  std::string src;  // resolved; "" for inline
  std::string type; // lower case type attribute, "" when absent
  std::uint64_t inline_bytes = 0;
  bool async = false, defer = false, module = false, in_head = false;
  bool is_json_ld = false;
  // A classic script in <head> without async/defer/module: blocks rendering.
  bool render_blocking = false;
};

struct ScriptFacts {
  std::vector<Script> scripts;   // excludes JSON-LD and other data blocks
  std::size_t external = 0, inline_count = 0, render_blocking = 0;
  std::uint64_t inline_bytes = 0;
};

struct Stylesheet {
  std::string href;     // resolved; "" for inline <style>
  std::string media;
  bool is_inline = false;
  std::uint64_t inline_bytes = 0;
  bool render_blocking = false;  // a <link rel=stylesheet> in <head> whose media can match a phone
};

struct StyleFacts {
  std::vector<Stylesheet> stylesheets;
  std::size_t external = 0, inline_count = 0, render_blocking = 0;
  std::string inline_css;  // concatenated <style> text, capped at 256 KiB (for CSS-based rules)
};

enum class LinkKind { kInternal, kExternal, kTel, kMailto, kMaps, kJavascript, kFragment, kOther, kInvalid };
const char* LinkKindName(LinkKind k);

struct Link {
  std::string href;  // resolved for http(s); as written otherwise
  std::string text;  // visible text, or aria-label / img alt when the text is empty
  std::string rel;
  LinkKind kind = LinkKind::kOther;
};

struct LinkFacts {
  std::vector<Link> links;  // capped at Context::max_links (default kMaxLinks); `total` counts all
  std::size_t total = 0, internal = 0, external = 0, tel = 0, mailto = 0, maps = 0, javascript = 0, invalid = 0;
  static constexpr std::size_t kMaxLinks = 5000;
};

struct FormControl {
  std::string tag;           // input, select, textarea, button
  std::string type;          // lower case; "text" for inputs without one, "select"/"textarea" for those
  std::string name, id, autocomplete, inputmode, placeholder;
  std::string label;         // text of <label for>, an enclosing <label>, aria-label or placeholder
  bool required = false;
  bool visible = true;       // false for type=hidden or hidden by markup
  bool disabled = false;
  bool text_entry = false;   // a Baymard "form field": text-like input or textarea
  bool blocks_paste = false; // onpaste handler returning false / preventDefault
  bool small_font = false;   // an inline style sets its font under 16 px (phones zoom the page on focus)

  // A <button>, or an <input> of type submit, image, button or reset: something pressed, not filled.
  bool is_button() const {
    return tag == "button" || (tag == "input" && (type == "submit" || type == "image" || type == "button" || type == "reset"));
  }
};

struct Form {
  std::string action;  // resolved
  std::string method;  // "get" or "post"
  std::string id, name;
  std::vector<FormControl> controls;
  std::size_t visible_text_fields = 0;  // Baymard fields shown by default
  std::size_t other_elements = 0;       // visible selects, radios, checkboxes
  std::size_t required = 0;
  std::size_t hidden_text_fields = 0;   // text-entry fields hidden behind toggles or hidden attrs
};

struct FormFacts {
  std::vector<Form> forms;
};

// A node of the structured-data model shared by JSON-LD and microdata.
struct SdValue;
struct SdItem {
  std::vector<std::string> types;  // short names, e.g. "Product" (schema.org prefix removed)
  std::string id;                  // @id or itemid
  std::string source;              // "json-ld" or "microdata"
  // Where the item was written, 1-based: for JSON-LD the <script> block number (as in
  // StructuredData::errors), for microdata the top-level itemscope number in document order.
  // Nested items carry their top-level item's number; 0 when unknown (items built by hand).
  std::size_t block = 0;
  std::vector<std::pair<std::string, std::vector<SdValue>>> properties;  // in document order

  bool IsA(const std::string& type) const;
  // The values of `name`, or an empty vector.
  const std::vector<SdValue>* Get(const std::string& name) const;
  // True when `name` has at least one value.
  bool Has(const std::string& name) const { return !Get(name)->empty(); }
  // The first value of `name` as text (numbers formatted, nested items' "name"), or "".
  std::string Text(const std::string& name) const;
  // The first nested item of `name`, or nullptr.
  const SdItem* Item(const std::string& name) const;
};

struct SdValue {
  std::string text;                // for literals (numbers and booleans are written as text)
  std::shared_ptr<SdItem> item;    // for nested objects; null for literals
  bool is_number = false;
};

struct SdError {
  std::string source;   // "json-ld" or "microdata"
  std::string message;  // e.g. "JSON-LD block 2: Missing a comma or '}' at offset 120"
};

// One finding of structured-data validation (facts/sd_validation.h) against Google's required and
// recommended properties. All texts may quote the page: escape them on output.
struct SdIssue {
  std::string severity;  // "error" (a required property missing or invalid) or "warning"
  std::string type;      // the validated item's type, e.g. "Product"
  std::string property;  // dotted path from that item, e.g. "offers.price"; "" for the item itself
  std::string where;     // "JSON-LD block 2" or "microdata item 1", plus the item's @id or name
  std::string message;   // for people
};

struct StructuredData {
  std::vector<std::shared_ptr<SdItem>> items;  // top-level items (after @graph flattening)
  std::size_t json_ld_blocks = 0;
  std::size_t microdata_items = 0;  // top-level microdata items
  std::vector<SdError> errors;      // blocks that could not be read
  // Validation of the items that were read, in block order, then property order; then the
  // consistency warnings of markup against the visible page (ExtractPage fills both).
  std::vector<SdIssue> issues;

  // Every item (top-level and nested, depth-first) with type `type`.
  std::vector<const SdItem*> FindAll(const std::string& type) const;
  std::vector<std::string> TopLevelTypes() const;
};

struct FaqEntry {
  std::string question;
  std::string answer;  // truncated
  std::string source;  // "markup" or "visible"
};

struct FaqFacts {
  std::vector<FaqEntry> markup;   // FAQPage mainEntity questions
  std::vector<FaqEntry> visible;  // question-shaped headings, details/summary under a FAQ heading
  bool has_faq_heading = false;   // a heading such as "FAQ", "Частые вопросы", "Najczęstsze pytania"
  bool faq_page_markup = false;   // an FAQPage item exists (even an empty one)
  std::size_t markup_visible = 0; // markup questions whose text also appears visibly
};

struct ReviewFacts {
  std::optional<double> rating_value;  // AggregateRating of the main Product (or any)
  std::optional<double> best_rating;
  std::optional<long> rating_count;
  std::optional<long> review_count;
  std::size_t markup_reviews = 0;      // Review items
  std::size_t visible_blocks = 0;      // review blocks found in the DOM
  bool has_review_heading = false;     // a heading such as "Reviews", "Отзывы", "Opinie"
  bool no_reviews_text = false;        // "No reviews yet" and its translations
  // The first visible rating written as "4.5 out of 5", "4,5/5" or "★ 4.5" (its value and scale:
  // 5 when the text gives none); nullopt when the visible text has none.
  std::optional<double> visible_rating_value;
  std::optional<double> visible_rating_scale;
};

struct CommerceFacts {
  bool product_markup = false;         // a Product item exists
  std::string product_name;
  std::optional<double> price;         // first Offer price (or AggregateOffer lowPrice)
  std::string currency;
  std::string availability;            // short name, e.g. "InStock"
  std::size_t offers = 0;
  bool visible_price = false;          // a currency-shaped price in the visible text
  // The number of the first currency-shaped price in the main landmark's visible text (the whole
  // visible text when the page has no <main>), e.g. 1299.0 for "1 299,00 zł"; nullopt when none.
  std::optional<double> visible_price_value;
  bool add_to_cart = false;            // an add-to-cart control in the initial HTML
  std::string add_to_cart_evidence;    // the control's text or form action
  bool buy_now_control = false;        // a "buy now" control (may still only add to cart)
  std::size_t description_chars = 0;   // longest of markup description and visible description block
  bool specs_table = false;            // a table / dl of product specifications
  bool shipping_info = false;          // visible text or OfferShippingDetails
  bool returns_info = false;           // visible text or MerchantReturnPolicy
  std::vector<std::string> payment_methods;  // names seen in text, aria-labels and alt texts
};

struct LocalFacts {
  std::size_t local_business_items = 0;          // LocalBusiness and subtypes (Store ...)
  std::size_t with_address = 0, with_geo = 0, with_hours = 0, with_telephone = 0;
  std::vector<std::string> unlinked_phones;      // phone numbers in visible text with no tel: link
  bool store_locator_cue = false;                // "store locator", "Найти магазин", "Znajdź sklep" ...
  bool pickup_cue = false;                       // "click & collect", "самовывоз", "odbiór osobisty" ...
};

struct MediaFacts {
  std::size_t video_elements = 0;
  std::size_t video_embeds = 0;        // YouTube, Vimeo ... iframes
  std::size_t video_objects = 0;       // VideoObject items
  std::size_t how_to_items = 0;        // HowTo items
  bool guide_cue = false;              // "how to", "guide", "инструкция", "poradnik" in headings
  std::size_t manual_links = 0;        // links to PDFs or "manual"/"instructions" text
  std::size_t plugins = 0;             // <object>, <embed>, <applet>
  std::size_t iframes = 0;
};

struct NavigationFacts {
  bool breadcrumb_markup = false;      // BreadcrumbList item
  bool breadcrumb_visible = false;     // nav[aria-label~=breadcrumb] or .breadcrumb
  bool search_action = false;          // WebSite potentialAction SearchAction
  bool search_form = false;            // form with type=search or role=search or q/s/search input
};

// One sign of engagement on a page: who provides it and what showed it.
struct EngagementSignal {
  std::string name;      // vendor, network, store or meta name: "Tawk.to", "Instagram", "App Store", "apple-itunes-app"
  std::string evidence;  // what showed it: a script URL, an element id, a link, a meta content (from the page: escape)
};

// Ways a page keeps a shopper in touch (facts/engagement.h): chat, newsletter and push sign-up,
// social profiles, a native app. The web app manifest and theme-color are MetaFacts.
struct EngagementFacts {
  std::vector<EngagementSignal> chat_widgets;     // one per vendor, in the order found
  std::vector<EngagementSignal> messenger_links;  // one per messenger: WhatsApp, Telegram, Messenger, Viber
  std::vector<std::string> chat_offers;           // texts of links and buttons that offer a chat (at most 5)
  bool newsletter_form = false;                   // a form with an e-mail field and a subscribe cue
  std::string newsletter_evidence;                // why the first such form counts; "" when none
  std::vector<EngagementSignal> push_services;    // one per web push vendor
  std::vector<std::string> push_offers;           // texts of links and buttons asking to turn on notifications (at most 5)
  std::vector<EngagementSignal> social_profiles;  // one per network: its first profile link
  std::size_t share_links = 0;                    // links to a social network that are not profiles (share buttons ...)
  std::vector<EngagementSignal> app_banners;      // smart app banner meta: name "apple-itunes-app" or "google-play-app"
  std::vector<EngagementSignal> app_links;        // one per app store linked at an app's page, and App Links meta
};

// --- mobile layout (issue 6: facts/mobile_layout.h) ------------------------------------------------

// One element of the page as the mobile layout rules read it, kept after the DOM is freed so that
// stylesheets fetched later (pipeline/load.h) can still be matched against the page.
struct MobileNode {
  int parent = -1;                   // index in MobileDom::nodes; -1 for the outermost element
  std::string tag;                   // lower case
  std::string id;
  std::vector<std::string> classes;  // as written
  std::string type;                  // the type attribute, lower case ("" when absent), for [type=...] selectors
  std::string style;                 // the style attribute, as written (capped at 2 KiB)
  std::size_t text_chars = 0;        // code points of its own text nodes, whitespace collapsed
  std::string text;                  // its own text, whitespace collapsed, first 160 bytes (names and cues)
  std::string label;                 // tap targets: aria-label, else value or alt; "" otherwise
  std::optional<int> width_attr, height_attr;  // HTML width/height attributes (ParseHtmlLength)
  bool hidden = false;               // hidden by its own markup: the hidden attribute, type=hidden
  // a[href], button, input (not hidden; a checkbox or radio only without a label), select, textarea,
  // summary, role=button/link
  bool tap_target = false;
  bool app_store_link = false;       // a link to an app store (Google Play, the App Store)
};

// One stylesheet of the page in document order: an inline <style> (its text) or a linked one (its
// URL, to be looked up once fetched).
struct MobileSheet {
  std::string href;   // resolved, without fragment; "" for inline CSS
  std::string media;  // the media attribute ("" for all)
  std::string css;    // inline CSS text (capped with StyleFacts::inline_css's budget); "" for links
};

// The page's elements and stylesheets for the mobile layout rules. Filled only when the load is
// measured (ExtractOptions::find_subresources); dropped once it has been read with the linked CSS.
struct MobileDom {
  std::vector<MobileNode> nodes;   // document order, a parent before its children; <head> left out
  std::vector<MobileSheet> sheets; // document order
  bool truncated = false;          // the page had more than kMaxMobileNodes rendered elements
};

// An element the mobile layout rules name: how a report shows it and what was found on it.
struct MobileElement {
  std::string element;  // e.g. "div#page.container" (from the page: escape on output)
  std::string detail;   // e.g. "width: 980px (.container in CSS)"
  double px = 0;        // the measure the detail is about (width, height, font size ...); 0 when none
};

// Text set at one font size (from one source).
struct FontSizeRun {
  double px = 0;        // computed font size in CSS px
  std::size_t chars = 0;
  std::string element;  // the first element whose text has this size from this source
  std::string source;   // the declaration that set it: "p.note { font-size: 10px }", "style attribute", "browser default"
};

// A tap target whose size the CSS declares (width/height with padding, or min-width/min-height).
struct TapTargetSize {
  std::string element;
  std::string label;  // its text or aria-label, trimmed (from the page)
  std::optional<double> width_px, height_px;  // the declared border-box size; nullopt when not declared
};

// An element over the content: position fixed (or absolute, placed against the page) and visible
// in the initial HTML, with a size the CSS declares.
struct Overlay {
  std::string element;
  std::string position;    // "fixed" or "absolute"
  double cover_share = 0;  // share of the viewport's area it covers, 0..1
  std::string text;        // its text, whitespace collapsed, first 200 bytes (from the page)
  std::vector<std::string> cues;  // mobile-lexicon concepts in its text: cookie_notice, age_gate, legal_notice, app_install
  bool app_store_link = false;    // it links to an app store
};

struct MobileLayoutFacts {
  bool read = false;               // false when the page was not read for layout (nothing below is set)
  // Where the CSS came from: "inline" (the page's <style> and style attributes) or "inline+linked".
  std::string css_read;
  std::size_t linked_stylesheets = 0;       // <link rel=stylesheet> on the page whose media can match the phone
  std::size_t linked_stylesheets_read = 0;  // of them, fetched and read (with their @imports)
  std::string linked_css_note;     // why linked stylesheets were not read; "" when read or none
  std::size_t css_rules = 0;       // style rules read whose @media match the phone
  std::size_t elements = 0;        // rendered elements looked at
  bool elements_truncated = false;
  int viewport_width = 0, viewport_height = 0;  // the device the layout was read for, CSS px
  // Legible font sizes (Lighthouse's font-size audit): visible text by computed font size.
  std::size_t text_chars = 0;
  std::vector<FontSizeRun> font_sizes;  // by px, then source; at most kMaxFontSizeRuns
  // Tap targets: how many are shown, and those whose size the CSS declares.
  std::size_t tap_targets = 0;
  std::vector<TapTargetSize> sized_tap_targets;  // document order, at most kMaxMobileItems
  // Fixed widths wider than the viewport: CSS width/min-width in px, width attributes of images,
  // tables, iframes and videos that no CSS overrides (only when every stylesheet was read).
  std::vector<MobileElement> wide_elements;      // at most kMaxMobileItems, widest first
  // Other causes of sideways scrolling: 100vw plus horizontal margin or padding, overflow-x:
  // scroll on html/body, white-space: nowrap text longer than the viewport without an overflow rule.
  std::vector<MobileElement> scroll_risks;       // at most kMaxMobileItems
  std::vector<Overlay> overlays;                 // covering at least 1% of the screen; at most kMaxMobileItems, largest first
};

struct Note {
  std::string code;     // machine-readable, e.g. "invalid-utf8"
  std::string message;  // for people
};

// All facts for one page. A page that could not be fetched or parsed has `fetched` or `parsed`
// false, `error` set, and only the HTTP facts.
struct PageFacts {
  HttpFacts http;
  bool fetched = false;
  bool parsed = false;
  std::string error_code;     // "" when fine; else e.g. "http-status", "not-html", "empty-body"
  std::string error;          // for people
  MetaFacts meta;
  ViewportFacts viewport;
  ImageFacts images;
  ScriptFacts scripts;
  StyleFacts styles;
  LinkFacts links;
  FormFacts forms;
  StructuredData structured_data;
  FaqFacts faq;
  ReviewFacts reviews;
  CommerceFacts commerce;
  LocalFacts local;
  MediaFacts media;
  NavigationFacts navigation;
  EngagementFacts engagement;
  // What a phone browser would request for the page (facts/subresources.h), and what loading it
  // weighs and costs (filled by perf/ after the subresources are fetched; `measured` false until then).
  std::vector<ResourceRef> subresources;
  // The page's tag names, ".class" and "#id" tokens, sorted and unique, for deciding which CSS
  // images load (SelectorMayMatch). Dropped with `subresources` once the load is measured.
  std::vector<std::string> selector_hooks;
  // The page's elements and stylesheets for reading its layout with linked CSS (facts/
  // mobile_layout.h); dropped with `subresources` once the load is measured.
  MobileDom mobile_dom;
  // Font sizes, tap-target sizes, widths and overlays on a phone (facts/mobile_layout.h).
  MobileLayoutFacts mobile;
  PagePerformance performance;
  std::vector<Note> notes;    // non-fatal oddities met while extracting
  std::string page_type;      // a first guess: "product", "faq", "store-locator", "checkout" ... "other"
  double page_type_confidence = 0;
  std::vector<std::string> page_type_evidence;
  std::string page_type_source;  // "classifier" or "override"
};

}  // namespace mmaudit::facts
