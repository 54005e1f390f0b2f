// The check functions. Each reads PageFacts only, is pure, and explains itself through
// display_value and details. Thresholds come from the rule's options, never from constants here;
// the fallbacks passed to Options::Number are only used by hand-written rules that omit them.
#include "rules/checks.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "core/text.h"
#include "core/url.h"
#include "facts/lexicon.h"

namespace mmaudit::rules {
namespace {

using facts::PageFacts;

std::string Num(double v) {
  if (std::abs(v - std::round(v)) < 1e-9) return std::to_string(static_cast<long long>(std::llround(v)));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

CheckResult Binary(bool passed, std::string display) {
  CheckResult r;
  r.passed = passed;
  r.display_value = std::move(display);
  return r;
}

CheckResult NotApplicable(std::string why) {
  CheckResult r;
  r.applicable = false;
  r.not_applicable_reason = std::move(why);
  return r;
}

CheckResult Measured(double value, std::string unit, std::string display) {
  CheckResult r;
  r.value = value;
  r.unit = std::move(unit);
  r.display_value = std::move(display);
  return r;
}

// ---------------------------------------------------------------- know
CheckResult ProductDescription(const PageFacts& p, const Options&) {
  const auto n = static_cast<double>(p.commerce.description_chars);
  return Measured(n, "chars", Num(n) + " characters of product description");
}

CheckResult SpecsTable(const PageFacts& p, const Options&) {
  return Binary(p.commerce.specs_table, p.commerce.specs_table ? "specifications table found" : "no specifications table");
}

CheckResult FaqContent(const PageFacts& p, const Options& o) {
  const double min = o.Number("min_questions", 1);
  const auto visible = static_cast<double>(p.faq.visible.size());
  CheckResult r = Measured(visible, "questions", Num(visible) + " visible FAQ questions");
  r.passed = visible >= min;
  for (const auto& q : p.faq.visible)
    if (r.details.size() < 10) r.details.push_back(q.question);
  return r;
}

CheckResult FaqMarkupVisible(const PageFacts& p, const Options&) {
  if (!p.faq.faq_page_markup) return NotApplicable("no FAQPage markup");
  if (p.faq.markup.empty()) {
    CheckResult r = Binary(false, "FAQPage markup holds no questions");
    return r;
  }
  const std::size_t hidden = p.faq.markup.size() - std::min(p.faq.markup.size(), p.faq.markup_visible);
  CheckResult r = Binary(hidden == 0, std::to_string(p.faq.markup_visible) + " of " +
                                          std::to_string(p.faq.markup.size()) + " marked-up questions are visible");
  if (hidden > 0)
    for (const auto& q : p.faq.markup)
      if (r.details.size() < 10) r.details.push_back(q.question);
  return r;
}

CheckResult ReviewsVisible(const PageFacts& p, const Options&) {
  const bool visible = p.reviews.visible_blocks > 0;
  CheckResult r = Binary(visible, visible ? std::to_string(p.reviews.visible_blocks) + " reviews shown"
                                          : (p.reviews.no_reviews_text ? "\"no reviews yet\"" : "no reviews shown"));
  r.value = static_cast<double>(p.reviews.visible_blocks);
  r.unit = "reviews";
  return r;
}

CheckResult AggregateRating(const PageFacts& p, const Options&) {
  const auto& rv = p.reviews;
  if (!rv.rating_value && !rv.rating_count && !rv.review_count) return NotApplicable("no AggregateRating markup");
  std::vector<std::string> missing;
  if (!rv.rating_value) missing.push_back("ratingValue");
  if (!rv.rating_count && !rv.review_count) missing.push_back("ratingCount or reviewCount");
  const double best = rv.best_rating.value_or(5);
  if (rv.rating_value && (*rv.rating_value < 0 || *rv.rating_value > best)) missing.push_back("ratingValue within 0.." + Num(best));
  CheckResult r = Binary(missing.empty(), rv.rating_value ? "rated " + Num(*rv.rating_value) + " from " +
                                                                Num(static_cast<double>(rv.review_count.value_or(rv.rating_count.value_or(0)))) +
                                                                " ratings"
                                                          : "AggregateRating without a value");
  r.details = missing;
  return r;
}

CheckResult DocumentTitle(const PageFacts& p, const Options& o) {
  if (p.meta.title.empty()) return Binary(false, "no title");
  const auto len = text::CodePointCount(p.meta.title);
  CheckResult r = Binary(true, std::to_string(len) + " characters");
  r.value = static_cast<double>(len);
  r.unit = "chars";
  r.warn = static_cast<double>(len) > o.Number("max_chars", 60);
  r.details.push_back(p.meta.title);
  return r;
}

CheckResult MetaDescription(const PageFacts& p, const Options& o) {
  if (p.meta.meta_description.empty()) return Binary(false, "no meta description");
  const auto len = static_cast<double>(text::CodePointCount(p.meta.meta_description));
  CheckResult r = Binary(true, Num(len) + " characters");
  r.value = len;
  r.unit = "chars";
  r.warn = len < o.Number("min_chars", 50) || len > o.Number("max_chars", 155);
  return r;
}

CheckResult Breadcrumbs(const PageFacts& p, const Options&) {
  const auto& n = p.navigation;
  CheckResult r = Binary(n.breadcrumb_visible || n.breadcrumb_markup,
                         std::string(n.breadcrumb_visible ? "visible breadcrumbs" : "no visible breadcrumbs") +
                             (n.breadcrumb_markup ? ", BreadcrumbList markup" : ", no BreadcrumbList markup"));
  r.warn = !(n.breadcrumb_visible && n.breadcrumb_markup);
  return r;
}

CheckResult SiteSearch(const PageFacts& p, const Options&) {
  const auto& n = p.navigation;
  return Binary(n.search_form || n.search_action,
                std::string(n.search_form ? "search form" : "no search form") +
                    (n.search_action ? ", SearchAction markup" : ""));
}

// ---------------------------------------------------------------- go
CheckResult ClickToCall(const PageFacts& p, const Options&) {
  const std::size_t unlinked = p.local.unlinked_phones.size();
  if (p.links.tel == 0 && unlinked == 0) {
    if (p.page_type == "store-locator") return Binary(false, "no phone number on a store page");
    return NotApplicable("no phone number on the page");
  }
  CheckResult r = Binary(unlinked == 0, std::to_string(p.links.tel) + " tel: links, " + std::to_string(unlinked) +
                                            " phone numbers not linked");
  r.details = p.local.unlinked_phones;
  return r;
}

CheckResult LocalBusinessData(const PageFacts& p, const Options&) {
  const auto& l = p.local;
  if (l.local_business_items == 0) return Measured(0, "properties", "no LocalBusiness or Store markup");
  // Share of the four properties Google recommends, averaged over the stores.
  const double have = static_cast<double>(l.with_address + l.with_geo + l.with_hours + l.with_telephone);
  const double share = have / (4.0 * static_cast<double>(l.local_business_items));
  CheckResult r = Measured(share, "share", std::to_string(l.local_business_items) + " stores; " +
                                               Num(std::round(share * 100)) + "% of address, geo, hours, telephone");
  if (l.with_address < l.local_business_items) r.details.push_back("address missing");
  if (l.with_geo < l.local_business_items) r.details.push_back("geo missing");
  if (l.with_hours < l.local_business_items) r.details.push_back("opening hours missing");
  if (l.with_telephone < l.local_business_items) r.details.push_back("telephone missing");
  return r;
}

CheckResult MapsLink(const PageFacts& p, const Options&) {
  return Binary(p.links.maps > 0, std::to_string(p.links.maps) + " directions or map links");
}

CheckResult Pickup(const PageFacts& p, const Options&) {
  return Binary(p.local.pickup_cue, p.local.pickup_cue ? "pickup or click & collect offered" : "no pickup option mentioned");
}

CheckResult Hreflang(const PageFacts& p, const Options&) {
  if (p.meta.hreflang.empty()) return NotApplicable("no hreflang alternates");
  CheckResult r = Binary(true, std::to_string(p.meta.hreflang.size()) + " hreflang alternates");
  for (const auto& h : p.meta.hreflang) {
    const std::string lang = text::AsciiLower(h.lang);
    bool valid = lang == "x-default";
    if (!valid) {
      // BCP 47 language (2-3 letters), optional region/script subtags of letters or digits.
      const auto parts = text::SplitTrimmed(lang, '-');
      valid = !parts.empty() && parts[0].size() >= 2 && parts[0].size() <= 3 &&
              std::all_of(parts[0].begin(), parts[0].end(), [](char c) { return c >= 'a' && c <= 'z'; });
      for (std::size_t i = 1; valid && i < parts.size(); ++i)
        valid = parts[i].size() >= 2 && parts[i].size() <= 8;
    }
    if (!valid) {
      r.passed = false;
      r.details.push_back("invalid language code \"" + h.lang + "\"");
    }
    if (!url::IsHttp(h.href)) {
      r.passed = false;
      r.details.push_back("href is not an absolute URL: " + h.href);
    }
  }
  return r;
}

// ---------------------------------------------------------------- do
CheckResult ProductHelpContent(const PageFacts& p, const Options&) {
  const auto& m = p.media;
  std::vector<std::string> found;
  if (m.video_elements + m.video_embeds + m.video_objects > 0) found.push_back("video");
  if (m.manual_links > 0) found.push_back("manual or guide link");
  if (m.how_to_items > 0 || m.guide_cue) found.push_back("how-to content");
  CheckResult r = Binary(!found.empty(), found.empty() ? "no video, guide or manual" : "");
  for (const auto& f : found) r.display_value += (r.display_value.empty() ? "" : ", ") + f;
  return r;
}

CheckResult VideoMarkup(const PageFacts& p, const Options&) {
  const auto& m = p.media;
  const std::size_t videos = m.video_elements + m.video_embeds;
  if (videos == 0) return NotApplicable("no video on the page");
  return Binary(m.video_objects > 0, std::to_string(videos) + " videos, " + std::to_string(m.video_objects) +
                                         " VideoObject items");
}

CheckResult HowToContent(const PageFacts& p, const Options&) {
  const auto& m = p.media;
  const bool steps = m.how_to_items > 0 || m.guide_cue;
  const bool video = m.video_elements + m.video_embeds > 0;
  CheckResult r = Binary(steps, std::string(steps ? "step-by-step content" : "no step-by-step content") +
                                    (video ? " with video" : ", no video"));
  r.warn = !video;
  return r;
}

// ---------------------------------------------------------------- buy
CheckResult OfferMarkup(const PageFacts& p, const Options&) {
  const auto& c = p.commerce;
  if (!c.product_markup) return Measured(0, "share", "no Product markup");
  int have = 0;
  std::vector<std::string> missing;
  if (c.price && *c.price > 0) ++have; else missing.push_back("price > 0");
  if (!c.currency.empty()) ++have; else missing.push_back("priceCurrency");
  if (!c.availability.empty()) ++have; else missing.push_back("availability");
  CheckResult r = Measured(have / 3.0, "share", c.price ? Num(*c.price) + " " + c.currency + ", " +
                                                               (c.availability.empty() ? "availability missing" : c.availability)
                                                         : "no Offer price");
  r.details = missing;
  return r;
}

CheckResult PriceVisible(const PageFacts& p, const Options&) {
  return Binary(p.commerce.visible_price, p.commerce.visible_price ? "a price is shown" : "no price shown in the HTML");
}

CheckResult AddToCart(const PageFacts& p, const Options&) {
  CheckResult r = Binary(p.commerce.add_to_cart, p.commerce.add_to_cart ? "add-to-cart control in the initial HTML"
                                                                        : "no add-to-cart control in the initial HTML");
  if (!p.commerce.add_to_cart_evidence.empty()) r.details.push_back(p.commerce.add_to_cart_evidence);
  return r;
}

CheckResult ShippingReturns(const PageFacts& p, const Options&) {
  const double have = (p.commerce.shipping_info ? 1 : 0) + (p.commerce.returns_info ? 1 : 0);
  CheckResult r = Measured(have / 2.0, "share", std::string(p.commerce.shipping_info ? "shipping shown" : "no shipping cost") +
                                                    ", " + (p.commerce.returns_info ? "returns shown" : "no returns policy"));
  return r;
}

CheckResult CheckoutFields(const PageFacts& p, const Options&) {
  std::size_t fields = 0, other = 0, required = 0;
  for (const auto& f : p.forms.forms) {
    // Search and newsletter forms are not part of the checkout.
    if (f.visible_text_fields == 0) continue;
    bool search = false;
    for (const auto& c : f.controls) search = search || c.type == "search";
    if (search) continue;
    fields += f.visible_text_fields;
    other += f.other_elements;
    required += f.required;
  }
  if (fields + other == 0) return NotApplicable("no form fields on this step");
  CheckResult r = Measured(static_cast<double>(fields), "fields",
                           std::to_string(fields) + " fields shown by default, " + std::to_string(other) +
                               " other form elements, " + std::to_string(required) + " required");
  return r;
}

CheckResult ExpressPayment(const PageFacts& p, const Options& o) {
  static const std::set<std::string> kExpress = {"Apple Pay", "Google Pay", "PayPal", "Shop Pay", "Amazon Pay",
                                                 "Klarna", "BLIK", "SBP"};
  CheckResult r;
  for (const auto& m : p.commerce.payment_methods)
    if (kExpress.count(m)) r.details.push_back(m);
  r.passed = !r.details.empty();
  r.display_value = r.passed ? std::to_string(r.details.size()) + " express payment options" : "no express payment option";
  return r;
}

// ---------------------------------------------------------------- mobile
CheckResult Viewport(const PageFacts& p, const Options&) {
  const auto& v = p.viewport;
  if (!v.present) return Binary(false, "no <meta name=\"viewport\">");
  if (!v.width && !v.initial_scale) return Binary(false, "viewport sets neither width nor initial-scale");
  if (v.initial_scale && *v.initial_scale < 1) return Binary(false, "initial-scale below 1");
  CheckResult r = Binary(true, v.content);
  return r;
}

CheckResult ViewportZoom(const PageFacts& p, const Options& o) {
  const auto& v = p.viewport;
  if (!v.present) return NotApplicable("no viewport meta");
  CheckResult r = Binary(true, "zoom allowed");
  if (v.user_scalable_no) {
    r.passed = false;
    r.details.push_back("user-scalable=no");
  }
  const double min_max = o.Number("min_maximum_scale", 5);
  if (v.maximum_scale && *v.maximum_scale < min_max) {
    r.passed = false;
    r.details.push_back("maximum-scale=" + Num(*v.maximum_scale) + " (below " + Num(min_max) + ")");
  }
  if (!r.passed) r.display_value = "pinch-zoom is disabled or limited";
  return r;
}

CheckResult InputTypes(const PageFacts& p, const Options&) {
  CheckResult r;
  std::size_t checked = 0;
  for (const auto& f : p.forms.forms)
    for (const auto& c : f.controls) {
      if (!c.visible || !c.text_entry) continue;
      const std::string hint = text::AsciiLower(c.autocomplete + " " + c.name + " " + c.id);
      const std::string folded_label = text::FoldCase(c.label);
      const bool email = text::Contains(hint, "email") || text::Contains(hint, "e-mail");
      const bool phone = text::Contains(hint, "tel") || text::Contains(hint, "phone");
      if (email) {
        ++checked;
        if (c.type != "email") r.details.push_back("e-mail field \"" + (c.name.empty() ? c.label : c.name) + "\" is type=" + c.type);
      } else if (phone) {
        ++checked;
        if (c.type != "tel") r.details.push_back("phone field \"" + (c.name.empty() ? c.label : c.name) + "\" is type=" + c.type);
      }
      if (c.blocks_paste) r.details.push_back("field \"" + c.name + "\" blocks paste");
      (void)folded_label;
    }
  if (checked == 0 && r.details.empty()) return NotApplicable("no e-mail or phone fields");
  r.passed = r.details.empty();
  r.display_value = std::to_string(checked) + " e-mail/phone fields checked, " + std::to_string(r.details.size()) + " problems";
  return r;
}

CheckResult Plugins(const PageFacts& p, const Options&) {
  return Binary(p.media.plugins == 0, std::to_string(p.media.plugins) + " <object>/<embed>/<applet> elements");
}

// ---------------------------------------------------------------- speed
CheckResult ServerResponseTime(const PageFacts& p, const Options&) {
  if (p.http.from_file) return NotApplicable("audited from a file: no server timing");
  if (const auto fixed = p.performance.fixed_server_ms)
    return Measured(*fixed, "ms", Num(std::round(*fixed)) + " ms to first byte, as set by --server-time-ms");
  return Measured(p.http.ttfb_ms, "ms", Num(std::round(p.http.ttfb_ms)) + " ms to first byte");
}

CheckResult DomSize(const PageFacts& p, const Options&) {
  const auto n = static_cast<double>(p.meta.element_count);
  CheckResult r = Measured(n, "elements", Num(n) + " elements, " + std::to_string(p.meta.max_depth) + " deep");
  return r;
}

CheckResult RenderBlocking(const PageFacts& p, const Options&) {
  CheckResult r;
  for (const auto& s : p.styles.stylesheets)
    if (s.render_blocking) r.details.push_back(s.href);
  for (const auto& s : p.scripts.scripts)
    if (s.render_blocking) r.details.push_back(s.src);
  const auto n = static_cast<double>(r.details.size());
  r.value = n;
  r.unit = "requests";
  r.display_value = Num(n) + " render-blocking requests";
  return r;
}

CheckResult TextCompression(const PageFacts& p, const Options& o) {
  if (p.http.from_file) return NotApplicable("audited from a file: no HTTP encoding");
  if (!p.http.content_encoding.empty() && p.http.content_encoding != "identity")
    return Binary(true, "served with " + p.http.content_encoding);
  const double min_saving = o.Number("min_savings_bytes", 1400);
  const double saving = static_cast<double>(p.http.decoded_bytes) - static_cast<double>(p.http.gzip_estimate_bytes);
  if (p.http.gzip_estimate_bytes == 0 || saving < min_saving)
    return Binary(true, "uncompressed, but gzip would save under " + Num(min_saving) + " bytes");
  CheckResult r = Binary(false, "uncompressed; gzip would save " + Num(saving) + " bytes");
  r.value = saving;
  r.unit = "bytes";
  return r;
}

CheckResult UnsizedImages(const PageFacts& p, const Options&) {
  if (p.images.images.empty()) return NotApplicable("no images");
  CheckResult r = Binary(p.images.unsized == 0, std::to_string(p.images.unsized) + " of " +
                                                    std::to_string(p.images.images.size()) + " images lack width and height");
  for (const auto& i : p.images.images)
    if ((!i.width || !i.height) && r.details.size() < 10) r.details.push_back(i.src);
  return r;
}

// ---------------------------------------------------------------- discoverability
CheckResult HttpStatusCode(const PageFacts& p, const Options&) {
  return Binary(p.http.status > 0 && p.http.status < 400, "HTTP " + std::to_string(p.http.status));
}

CheckResult IsCrawlable(const PageFacts& p, const Options&) {
  CheckResult r = Binary(true, "indexable");
  for (const std::string& source : {p.meta.robots_meta, text::AsciiLower(p.http.x_robots_tag)}) {
    for (const std::string& d : text::SplitTrimmed(source, ',')) {
      // "googlebot: noindex" style prefixes in X-Robots-Tag apply to that crawler; Lighthouse counts them too.
      const std::string directive = d.find(':') != std::string::npos ? std::string(text::Trim(d.substr(d.find(':') + 1))) : d;
      if (directive == "noindex" || directive == "none") {
        r.passed = false;
        r.details.push_back(d);
      }
    }
  }
  if (!r.passed) r.display_value = "blocked from indexing";
  return r;
}

CheckResult Canonical(const PageFacts& p, const Options&) {
  if (p.meta.canonical_raw.empty()) return NotApplicable("no canonical link");
  CheckResult r = Binary(true, p.meta.canonical);
  if (p.meta.canonical.empty() || !url::IsHttp(p.meta.canonical)) {
    r.passed = false;
    r.details.push_back("invalid canonical URL: " + p.meta.canonical_raw);
  } else if (!url::IsHttp(p.meta.canonical_raw)) {
    r.passed = false;
    r.details.push_back("relative canonical URL: " + p.meta.canonical_raw);
  } else {
    const auto page = url::Parse(p.http.final_url), canon = url::Parse(p.meta.canonical);
    if (page && canon && canon->path == "/" && page->path != "/" && canon->host == page->host) {
      r.passed = false;
      r.details.push_back("points at the home page from a deeper page");
    }
  }
  return r;
}

CheckResult HtmlLang(const PageFacts& p, const Options&) {
  return Binary(!p.meta.lang.empty(), p.meta.lang.empty() ? "no lang attribute" : "lang=\"" + p.meta.lang + "\"");
}

CheckResult StructuredDataErrors(const PageFacts& p, const Options&) {
  CheckResult r = Binary(p.structured_data.errors.empty(),
                         std::to_string(p.structured_data.errors.size()) + " structured-data errors");
  for (const auto& e : p.structured_data.errors) r.details.push_back(e.message);
  return r;
}

// The validation issues of `severity` (facts/sd_validation.h) as details, "JSON-LD block 2
// (\"Boots\"): offers.price: \"12,50\" uses a decimal comma ...", at most option max_details of
// them; `*count` says how many there were. N/A on a page without structured data.
CheckResult SdIssueDetails(const PageFacts& p, const Options& o, const std::string& severity, std::size_t* count) {
  *count = 0;
  if (p.structured_data.items.empty()) return NotApplicable("no structured data");
  const auto max_details = static_cast<std::size_t>(o.Number("max_details", 30));
  CheckResult r;
  for (const facts::SdIssue& i : p.structured_data.issues) {
    if (i.severity != severity) continue;
    ++*count;
    if (r.details.size() < max_details)
      r.details.push_back(i.where + ": " + (i.property.empty() ? "" : i.property + ": ") + i.message);
  }
  return r;
}

// Fails on any validation error (a required property missing or invalid).
CheckResult StructuredDataRequired(const PageFacts& p, const Options& o) {
  std::size_t errors = 0;
  CheckResult r = SdIssueDetails(p, o, "error", &errors);
  if (!r.applicable) return r;
  r.passed = errors == 0;
  r.display_value = errors == 0 ? "required properties present and valid"
                                : std::to_string(errors) + (errors == 1 ? " error" : " errors") + " in required properties";
  return r;
}

// Passes; warns when recommended properties are missing or markup disagrees with the page.
CheckResult StructuredDataRecommended(const PageFacts& p, const Options& o) {
  std::size_t warnings = 0;
  CheckResult r = SdIssueDetails(p, o, "warning", &warnings);
  if (!r.applicable) return r;
  r.passed = true;
  r.warn = warnings > 0;
  r.display_value = warnings == 0 ? "recommended properties present"
                                  : std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings");
  return r;
}

CheckResult LinkText(const PageFacts& p, const Options&) {
  const facts::Lexicon& lex = facts::Lexicon::Default();
  CheckResult r;
  std::size_t checked = 0;
  for (const auto& l : p.links.links) {
    if (l.kind != facts::LinkKind::kInternal && l.kind != facts::LinkKind::kExternal) continue;
    if (text::Contains(l.rel, "nofollow")) continue;
    ++checked;
    const std::string t = text::FoldCase(text::Trim(l.text));
    if (lex.Equals("link_text_generic", t) && r.details.size() < 20) r.details.push_back("\"" + l.text + "\" → " + l.href);
  }
  if (checked == 0) return NotApplicable("no links");
  r.passed = r.details.empty();
  r.display_value = std::to_string(r.details.size()) + " links with generic text";
  return r;
}

CheckResult CrawlableAnchors(const PageFacts& p, const Options&) {
  CheckResult r;
  for (const auto& l : p.links.links)
    if ((l.kind == facts::LinkKind::kJavascript || l.kind == facts::LinkKind::kInvalid) && r.details.size() < 20)
      r.details.push_back(l.href.empty() ? "(empty href) " + l.text : l.href);
  r.passed = p.links.javascript + p.links.invalid == 0;
  r.display_value = std::to_string(p.links.javascript + p.links.invalid) + " uncrawlable links";
  return r;
}

CheckResult ImageAlt(const PageFacts& p, const Options&) {
  if (p.images.images.empty()) return NotApplicable("no images");
  CheckResult r = Binary(p.images.missing_alt == 0, std::to_string(p.images.missing_alt) + " images without alt");
  for (const auto& i : p.images.images)
    if (!i.alt && !i.decorative && r.details.size() < 10) r.details.push_back(i.src);
  return r;
}

CheckResult Doctype(const PageFacts& p, const Options&) {
  return Binary(p.meta.has_doctype, p.meta.has_doctype ? "<!doctype html>" : "no doctype: quirks mode");
}

CheckResult Charset(const PageFacts& p, const Options&) {
  const bool declared = !p.meta.charset_declared.empty() || !p.meta.charset_http.empty() ||
                        p.meta.charset_source == "bom";
  CheckResult r = Binary(declared && p.meta.charset_mismatch.empty() && p.meta.invalid_utf8_replaced == 0,
                         declared ? "read as " + p.meta.charset_used + " (from " + p.meta.charset_source + ")"
                                  : "no charset declared; read as " + p.meta.charset_used);
  if (!p.meta.charset_mismatch.empty()) r.details.push_back(p.meta.charset_mismatch);
  if (p.meta.invalid_utf8_replaced > 0)
    r.details.push_back(std::to_string(p.meta.invalid_utf8_replaced) + " byte sequences could not be decoded");
  return r;
}

// ---------------------------------------------------------------- checkout (scope "checkout")
// The fields the shopper is asked for: text-entry fields shown by default, on every step.
std::vector<const facts::CheckoutField*> ShownFields(const facts::CheckoutFlow& c) {
  std::vector<const facts::CheckoutField*> out;
  for (const auto& step : c.steps)
    for (const auto& f : step.field_list)
      if (f.text_entry && f.shown) out.push_back(&f);
  return out;
}

std::string StepText(double n) { return Num(n) + (n == 1 ? " step" : " steps"); }

CheckResult WalkSteps(const facts::CheckoutFlow& c, const Options&) {
  if (c.mode == "walk" && c.result != "reached_review")
    return NotApplicable("the walk did not reach the order review step: " + c.stop_reason);
  if (c.estimated_steps == 0) return NotApplicable("no checkout step was read");
  const auto n = static_cast<double>(c.estimated_steps);
  CheckResult r = Measured(n, "steps", StepText(n) + " from the cart to the order review" +
                                            (c.mode == "inspect" ? " (estimated from the " + c.estimate_source + ")" : ""));
  for (const auto& s : c.steps) r.details.push_back((s.name.empty() ? s.title : s.name) + ": " + s.url);
  return r;
}

CheckResult WalkFields(const facts::CheckoutFlow& c, const Options&) {
  if (c.mode != "walk" || c.result != "reached_review")
    return NotApplicable(c.mode != "walk" ? "fields are counted on a walk to the review step (--checkout=walk)"
                                          : "the walk did not reach the order review step: " + c.stop_reason);
  const auto n = static_cast<double>(c.total_fields);
  CheckResult r = Measured(n, "fields", Num(n) + " form fields from the cart to the review (" +
                                            Num(static_cast<double>(c.total_other_elements)) + " other elements)");
  for (const auto& s : c.steps)
    if (s.fields > 0) r.details.push_back((s.name.empty() ? s.title : s.name) + ": " + Num(static_cast<double>(s.fields)) + " fields");
  return r;
}

CheckResult GuestCheckout(const facts::CheckoutFlow& c, const Options&) {
  if (c.account_required) return Binary(false, "an account must be created or signed in to before paying");
  if (c.mode == "walk" && c.result == "reached_review") return Binary(true, "reached the order review without an account");
  if (c.guest_checkout) return Binary(true, "a guest checkout is offered");
  return NotApplicable("the checkout was not followed far enough to see an account step");
}

CheckResult ExpressPayments(const facts::CheckoutFlow& c, const Options&) {
  if (c.steps.empty()) return NotApplicable("no cart or checkout step was read");
  CheckResult r = Binary(!c.express_payments.empty(), c.express_payments.empty()
                                                          ? "no express payment button on the cart or the first checkout step"
                                                          : Num(static_cast<double>(c.express_payments.size())) +
                                                                " express payment buttons");
  r.details = c.express_payments;
  return r;
}

CheckResult AutocompleteCoverage(const facts::CheckoutFlow& c, const Options&) {
  const auto fields = ShownFields(c);
  if (fields.empty()) return NotApplicable("no checkout form field was read");
  std::size_t valid = 0;
  CheckResult r;
  for (const auto* f : fields) {
    if (f->autocomplete_valid) ++valid;
    else r.details.push_back((f->label.empty() ? f->name : f->label) + ": autocomplete \"" + f->autocomplete + "\"" +
                             (f->invalid_tokens.empty() ? "" : " (not a WHATWG token)"));
  }
  const double share = static_cast<double>(valid) / static_cast<double>(fields.size());
  r.value = std::round(share * 1000) / 1000;
  r.unit = "share";
  r.display_value = Num(static_cast<double>(valid)) + " of " + Num(static_cast<double>(fields.size())) +
                    " checkout fields carry a valid autocomplete token";
  return r;
}

// type=email for e-mail, type=tel for phone numbers, a numeric keypad (inputmode=numeric, or
// type=tel/number) for card numbers and codes and for postcodes in countries whose postcodes are
// digits (the buyer's), no paste blocking, and no inline font under 16 px.
CheckResult MobileInputTypes(const facts::CheckoutFlow& c, const Options&) {
  const auto fields = ShownFields(c);
  if (fields.empty()) return NotApplicable("no checkout form field was read");
  CheckResult r;
  // Countries whose postcodes are digits only (a numeric keypad suits them); others have letters
  // or a dash (GB, NL, PL, PT ...).
  static const std::set<std::string> kDigitPostcodes = {"US", "DE", "FR", "ES", "IT", "RU", "AT", "CH", "BE",
                                                        "DK", "NO", "FI", "UA", "BY", "KZ", "MX", "AU"};
  const bool digit_postcodes = kDigitPostcodes.count(c.buyer_country) > 0;
  auto numeric_pad = [](const facts::CheckoutField& f) {
    return f.inputmode == "numeric" || f.inputmode == "decimal" || f.inputmode == "tel" || f.type == "tel" ||
           f.type == "number";
  };
  for (const auto* f : fields) {
    const std::string who = f->label.empty() ? f->name : f->label;
    if (f->purpose == "email" && f->type != "email") r.details.push_back(who + ": e-mail field of type " + f->type);
    if ((f->purpose == "tel" || f->purpose == "tel-national") && f->type != "tel")
      r.details.push_back(who + ": phone field of type " + f->type);
    if ((f->purpose == "cc-number" || f->purpose == "cc-csc") && !numeric_pad(*f))
      r.details.push_back(who + ": card field without a numeric keypad");
    if (f->purpose == "postal-code" && digit_postcodes && !numeric_pad(*f))
      r.details.push_back(who + ": postcode of digits without a numeric keypad");
    if (f->blocks_paste) r.details.push_back(who + ": blocks pasting");
    if (f->small_font) r.details.push_back(who + ": font under 16 px, so the phone zooms in on it");
  }
  r.passed = r.details.empty();
  r.display_value = r.passed ? "every checkout field asks for the right keyboard and allows pasting"
                             : Num(static_cast<double>(r.details.size())) + " fields make typing on a phone harder";
  return r;
}


// ---------------------------------------------------------------- load (issue 5: perf/)
// Every load check is N/A on a page whose subresources were not fetched, and says why.
std::optional<CheckResult> NotMeasured(const PageFacts& p) {
  if (p.performance.measured) return std::nullopt;
  return NotApplicable(p.performance.not_measured_reason.empty() ? "load not measured"
                                                                 : "load not measured: " + p.performance.not_measured_reason);
}

std::string Ms(double ms) {
  if (ms < 1000) return Num(std::round(ms)) + " ms";
  return Num(std::round(ms / 100) / 10) + " s";
}

// A simulated metric, scored on the device's curve (options p10/median, desktop_p10/desktop_median).
CheckResult Metric(const PageFacts& p, const facts::MetricEstimate& m, const char* name) {
  if (auto na = NotMeasured(p)) return *na;
  if (!m.available) return NotApplicable(std::string(name) + " could not be estimated");
  CheckResult r = Measured(m.value_ms, "ms",
                           "~" + Ms(m.value_ms) + " (simulated " + p.performance.device + ": " + Ms(m.optimistic_ms) +
                               " optimistic, " + Ms(m.pessimistic_ms) + " pessimistic)");
  if (p.performance.device == "desktop") r.curve_variant = "desktop";
  return r;
}

CheckResult FirstContentfulPaint(const PageFacts& p, const Options&) {
  return Metric(p, p.performance.fcp, "First Contentful Paint");
}
CheckResult LargestContentfulPaint(const PageFacts& p, const Options&) {
  CheckResult r = Metric(p, p.performance.lcp, "Largest Contentful Paint");
  if (r.applicable && !p.performance.lcp_kind.empty())
    r.details.push_back("LCP element: " + p.performance.lcp_kind +
                        (p.performance.lcp_url.empty() ? "" : " " + p.performance.lcp_url));
  return r;
}
CheckResult SpeedIndex(const PageFacts& p, const Options&) {
  return Metric(p, p.performance.speed_index, "Speed Index");
}
CheckResult TotalBlockingTime(const PageFacts& p, const Options&) {
  return Metric(p, p.performance.tbt, "Total Blocking Time");
}

// Lighthouse's total-byte-weight: transfer bytes of what loads without scrolling, in KiB.
CheckResult TotalByteWeight(const PageFacts& p, const Options&) {
  if (auto na = NotMeasured(p)) return *na;
  const auto& w = p.performance.weight;
  const double kib = static_cast<double>(w.total.transfer_bytes) / 1024;
  CheckResult r = Measured(std::round(kib), "KiB",
                           Num(std::round(kib)) + " KiB in " + Num(static_cast<double>(w.total.count)) + " requests");
  for (const auto& [type, b] : w.by_type)
    if (b.count > 0)
      r.details.push_back(type + ": " + Num(static_cast<double>(b.count)) + " requests, " +
                          Num(std::round(static_cast<double>(b.transfer_bytes) / 1024)) + " KiB");
  return r;
}

// One opportunity of perf/opportunities.h, named by the rule's option "opportunity": passes when
// the page has none of it; otherwise fails with its estimated saving and the resources concerned.
// With option "skip_document": 1 the page's own document is left out (another rule judges it).
CheckResult LoadOpportunity(const PageFacts& p, const Options& o) {
  if (auto na = NotMeasured(p)) return *na;
  const std::string id = o.String("opportunity", "");
  if (id.empty()) throw std::invalid_argument("the rule names no \"opportunity\" option");
  const bool skip_document = o.Number("skip_document", 0) != 0;
  const std::string& document = p.http.final_url.empty() ? p.http.requested_url : p.http.final_url;
  for (facts::Opportunity op : p.performance.opportunities) {
    if (op.id != id) continue;
    if (skip_document) {
      std::uint64_t document_bytes = 0;
      for (const auto& it : op.items)
        if (it.url == document) document_bytes += it.bytes_saved;
      op.items.erase(std::remove_if(op.items.begin(), op.items.end(), [&](const auto& it) { return it.url == document; }),
                     op.items.end());
      if (op.items.empty()) break;
      const double before = static_cast<double>(op.bytes_saved);
      op.bytes_saved -= std::min(op.bytes_saved, document_bytes);
      if (before > 0) op.ms_saved *= static_cast<double>(op.bytes_saved) / before;  // its share of the time
    }
    std::string saving;
    if (op.ms_saved >= 1) saving = "~" + Ms(op.ms_saved);
    if (op.bytes_saved > 0)
      saving += (saving.empty() ? "" : ", ") + Num(std::round(static_cast<double>(op.bytes_saved) / 1024)) + " KiB";
    CheckResult r = Binary(false, op.title + (saving.empty() ? "" : " (saves " + saving + ")"));
    const auto cap = static_cast<std::size_t>(o.Number("max_details", 10));
    for (std::size_t i = 0; i < op.items.size() && i < cap; ++i)
      r.details.push_back(op.items[i].url + (op.items[i].detail.empty() ? "" : ": " + op.items[i].detail));
    if (op.items.size() > cap) r.details.push_back("and " + Num(static_cast<double>(op.items.size() - cap)) + " more");
    return r;
  }
  return Binary(true, "nothing to gain");
}

// The --budget file's lines for this page: passes when none is over.
CheckResult PerformanceBudget(const PageFacts& p, const Options&) {
  if (auto na = NotMeasured(p)) return *na;
  if (p.performance.budget.empty()) return NotApplicable("no budget applies (see --budget)");
  CheckResult r;
  std::size_t over = 0;
  for (const facts::BudgetResult& b : p.performance.budget) {
    if (!b.over) continue;
    ++over;
    r.details.push_back(b.kind + " " + b.name + ": " + Num(std::round(b.actual * 10) / 10) + " " + b.unit + " over " +
                        Num(b.budget) + " " + b.unit);
  }
  r.passed = over == 0;
  r.display_value = over == 0 ? "within every budget line"
                              : Num(static_cast<double>(over)) + " of " +
                                    Num(static_cast<double>(p.performance.budget.size())) + " budget lines over";
  return r;
}

}  // namespace

const std::vector<CheckoutCheckInfo>& CheckoutChecks() {
  static const std::vector<CheckoutCheckInfo> checks = {
      {"checkout-step-count", WalkSteps, "checkout.estimated_steps"},
      {"checkout-total-fields", WalkFields, "checkout.totals.fields"},
      {"guest-checkout", GuestCheckout, "checkout.guest_checkout, account_required"},
      {"checkout-express-payments", ExpressPayments, "checkout.express_payments"},
      {"checkout-autocomplete", AutocompleteCoverage, "checkout.steps[].field_list"},
      {"checkout-input-types", MobileInputTypes, "checkout.steps[].field_list"},
  };
  return checks;
}

const std::vector<CheckInfo>& Checks() {
  static const std::vector<CheckInfo> checks = {
      {"product-description", ProductDescription, "commerce"},
      {"specs-table", SpecsTable, "commerce"},
      {"faq-content", FaqContent, "faq"},
      {"faq-markup-visible", FaqMarkupVisible, "faq"},
      {"reviews-visible", ReviewsVisible, "reviews"},
      {"aggregate-rating", AggregateRating, "reviews"},
      {"document-title", DocumentTitle, "meta"},
      {"meta-description", MetaDescription, "meta"},
      {"breadcrumbs", Breadcrumbs, "navigation"},
      {"site-search", SiteSearch, "navigation"},
      {"click-to-call", ClickToCall, "links, local"},
      {"local-business", LocalBusinessData, "local"},
      {"maps-link", MapsLink, "links"},
      {"pickup", Pickup, "local"},
      {"hreflang", Hreflang, "meta"},
      {"product-help-content", ProductHelpContent, "media"},
      {"video-markup", VideoMarkup, "media"},
      {"how-to-content", HowToContent, "media"},
      {"offer-markup", OfferMarkup, "commerce"},
      {"price-visible", PriceVisible, "commerce"},
      {"add-to-cart", AddToCart, "commerce"},
      {"shipping-returns", ShippingReturns, "commerce"},
      {"checkout-fields", CheckoutFields, "forms"},
      {"express-payment", ExpressPayment, "commerce"},
      {"viewport", Viewport, "viewport"},
      {"viewport-zoom", ViewportZoom, "viewport"},
      {"input-types", InputTypes, "forms"},
      {"plugins", Plugins, "media"},
      {"server-response-time", ServerResponseTime, "http"},
      {"dom-size", DomSize, "meta"},
      {"render-blocking", RenderBlocking, "scripts, styles"},
      {"text-compression", TextCompression, "http"},
      {"unsized-images", UnsizedImages, "images"},
      {"http-status-code", HttpStatusCode, "http", /*error_pages=*/true},
      {"is-crawlable", IsCrawlable, "meta, http"},
      {"canonical", Canonical, "meta"},
      {"html-lang", HtmlLang, "meta"},
      {"structured-data-errors", StructuredDataErrors, "structured_data"},
      {"structured-data-required", StructuredDataRequired, "structured_data.issues"},
      {"structured-data-recommended", StructuredDataRecommended, "structured_data.issues"},
      {"link-text", LinkText, "links"},
      {"crawlable-anchors", CrawlableAnchors, "links"},
      {"image-alt", ImageAlt, "images"},
      {"doctype", Doctype, "meta"},
      {"charset", Charset, "meta"},
      {"first-contentful-paint", FirstContentfulPaint, "performance"},
      {"largest-contentful-paint", LargestContentfulPaint, "performance"},
      {"speed-index", SpeedIndex, "performance"},
      {"total-blocking-time", TotalBlockingTime, "performance"},
      {"total-byte-weight", TotalByteWeight, "performance"},
      {"load-opportunity", LoadOpportunity, "performance"},
      {"performance-budget", PerformanceBudget, "performance"},
  };
  static const std::vector<CheckInfo> all = [] {
    std::vector<CheckInfo> out = checks;
    for (const std::vector<CheckInfo>* more : {&EngagementChecks(), &MobileChecks()}) out.insert(out.end(), more->begin(), more->end());
    return out;
  }();
  return all;
}

const CheckInfo* FindCheck(std::string_view name) {
  // Looked up for every rule on every page: an index, not a scan of the list.
  static const std::unordered_map<std::string_view, const CheckInfo*> by_name = [] {
    std::unordered_map<std::string_view, const CheckInfo*> m;
    for (const CheckInfo& c : Checks()) m.emplace(c.name, &c);  // the first of a name wins, as a scan would
    return m;
  }();
  const auto it = by_name.find(name);
  return it != by_name.end() ? it->second : nullptr;
}

const CheckoutCheckInfo* FindCheckoutCheck(std::string_view name) {
  for (const CheckoutCheckInfo& c : CheckoutChecks())
    if (name == c.name) return &c;
  return nullptr;
}

}  // namespace mmaudit::rules
