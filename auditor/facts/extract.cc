// ExtractPage (every extractor, in order) and GuessPageType.
#include <zlib.h>

#include "core/text.h"
#include "core/url.h"
#include "facts/extract.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

bool IsHtmlMediaType(const std::string& t) { return t == "text/html" || t == "application/xhtml+xml"; }

// With no Content-Type at all, sniff the way browsers do for the common case: markup first.
bool LooksLikeHtml(std::string_view body) {
  const std::string head = text::AsciiLower(text::Trim(body.substr(0, 512)));
  return text::StartsWith(head, "<!doctype html") || text::StartsWith(head, "<html") ||
         text::StartsWith(head, "<head") || text::StartsWith(head, "<body") || text::StartsWith(head, "<!--");
}

std::string CharsetOf(std::string_view content_type) {
  const std::string lower = text::AsciiLower(content_type);
  const auto pos = lower.find("charset=");
  if (pos == std::string::npos) return {};
  std::string v = lower.substr(pos + 8);
  const auto end = v.find_first_of("; ");
  if (end != std::string::npos) v.resize(end);
  std::erase(v, '"');
  std::erase(v, '\'');
  return v;
}

std::uint64_t DeflatedSize(std::string_view body) {
  uLongf size = compressBound(static_cast<uLong>(body.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(body.data()),
                static_cast<uLong>(body.size()), 6) != Z_OK)
    return body.size();
  return size + 18;  // gzip's header and trailer
}

bool IsUtf8Name(const std::string& cs) { return cs.empty() || cs == "utf-8" || cs == "utf8" || cs == "us-ascii"; }

}  // namespace

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
    f.http.gzip_estimate_bytes = DeflatedSize(response.body);
  f.meta.charset_http = CharsetOf(f.http.content_type);
  std::size_t replaced = 0;
  std::string utf8 = text::SanitizeUtf8(response.body, &replaced);
  if (text::StartsWith(utf8, "\xEF\xBB\xBF")) utf8.erase(0, 3);
  const std::size_t invalid = replaced;
  if (invalid > 0) {
    f.notes.push_back({"invalid-utf8", std::to_string(invalid) +
                                           " byte sequences were not valid UTF-8 (or were NUL) and were replaced "
                                           "with U+FFFD before parsing"});
  }
  if (!IsUtf8Name(f.meta.charset_http)) {
    f.notes.push_back({"charset-not-decoded", "the server declares charset \"" + f.meta.charset_http +
                                                  "\"; decoding charsets other than UTF-8 is not supported yet, so "
                                                  "the page was read as UTF-8"});
  }

  html::Document doc = html::Document::Parse(std::move(utf8));
  f.parsed = true;
  Context ctx;
  ctx.lexicon = options.lexicon;
  ctx.base_url = f.http.final_url;
  f.meta = [&] {
    MetaFacts m = ExtractMeta(doc, ctx);
    m.charset_http = f.meta.charset_http;
    m.invalid_utf8_replaced = invalid;
    return m;
  }();
  if (!f.meta.base_href.empty()) ctx.base_url = f.meta.base_href;
  if (!IsUtf8Name(f.meta.charset_declared) && f.meta.charset_http.empty()) {
    f.notes.push_back({"charset-not-decoded", "the page declares charset \"" + f.meta.charset_declared +
                                                  "\"; decoding charsets other than UTF-8 is not supported yet, so "
                                                  "the page was read as UTF-8"});
  }
  f.viewport = ExtractViewport(doc);
  f.images = ExtractImages(doc, ctx);
  f.scripts = ExtractScripts(doc, ctx);
  f.styles = ExtractStyles(doc, ctx);
  f.links = ExtractLinks(doc, ctx);
  f.forms = ExtractForms(doc, ctx);
  f.structured_data = ExtractStructuredData(doc, ctx, options);
  f.faq = ExtractFaq(doc, f.structured_data, ctx);
  f.reviews = ExtractReviews(doc, f.structured_data, ctx);
  f.commerce = ExtractCommerce(doc, f.structured_data, f.forms, ctx);
  f.local = ExtractLocal(doc, f.structured_data, f.links, ctx);
  f.media = ExtractMedia(doc, f.structured_data, f.links, ctx);
  f.navigation = ExtractNavigation(doc, f.structured_data, f.forms, ctx);
  f.page_type = GuessPageType(f);
  return f;
}

std::string GuessPageType(const PageFacts& f) {
  const auto parts = url::Parse(f.http.final_url);
  const std::string path = parts ? text::AsciiLower(parts->path) : "";
  auto path_has = [&](std::initializer_list<const char*> words) {
    for (const char* w : words)
      if (text::Contains(path, w)) return true;
    return false;
  };
  // Checkout forms and carts first: they often carry Product markup for the items in them.
  if (path_has({"/checkout", "/kasse", "/zamowienie", "/oformlenie", "/commande"})) return "checkout";
  if (path_has({"/cart", "/basket", "/koszyk", "/korzina", "/warenkorb", "/panier", "/carrito", "/carrello"}))
    return "cart";
  if (f.structured_data.FindAll("Product").size() == 1 || (f.commerce.product_markup && f.commerce.add_to_cart))
    return "product";
  if (f.faq.faq_page_markup || (f.faq.has_faq_heading && f.faq.visible.size() >= 3)) return "faq";
  if (f.local.local_business_items > 0 || f.local.store_locator_cue) {
    if (path_has({"/store", "/shop-locator", "/magazin", "/sklep", "/filial", "/locat"}) ||
        f.local.local_business_items > 0)
      return "store-locator";
  }
  if (f.media.how_to_items > 0 || path_has({"/blog", "/guide", "/how-to", "/poradnik", "/ratgeber"}))
    return "guide";
  if (!f.structured_data.FindAll("ItemList").empty() || path_has({"/c/", "/category", "/collections/", "/catalog"}))
    return "category";
  if (path == "/" || path.empty()) return "home";
  return "other";
}

}  // namespace mmaudit::facts
