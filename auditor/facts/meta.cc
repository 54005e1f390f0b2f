// ExtractHttp, ExtractMeta, ParseViewport and ExtractViewport.
#include <cstdlib>

#include "core/text.h"
#include "core/url.h"
#include "facts/extract.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

std::string JoinAppend(std::string acc, std::string_view piece) {
  if (piece.empty()) return acc;
  if (!acc.empty()) acc += ", ";
  acc += piece;
  return acc;
}

// The charset parameter of a Content-Type value, lower case, or "".
std::string CharsetParam(std::string_view content_type) {
  const std::string lower = text::AsciiLower(content_type);
  const auto pos = lower.find("charset=");
  if (pos == std::string::npos) return {};
  std::string v = lower.substr(pos + 8);
  const auto end = v.find_first_of("; ");
  if (end != std::string::npos) v.resize(end);
  if (!v.empty() && (v.front() == '"' || v.front() == '\'')) v.erase(0, 1);
  if (!v.empty() && (v.back() == '"' || v.back() == '\'')) v.pop_back();
  return v;
}

std::optional<double> ParseNumber(std::string_view s) {
  const std::string t(text::Trim(s));
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str()) return std::nullopt;
  return v;
}

}  // namespace

HttpFacts ExtractHttp(const fetch::Response& r) {
  HttpFacts h;
  h.requested_url = r.requested_url;
  h.final_url = r.final_url;
  h.redirects = r.redirects;
  h.status = r.status;
  h.http_version = r.http_version;
  h.content_type = r.Header("content-type");
  h.media_type = r.MediaType();
  h.content_encoding = text::AsciiLower(r.Header("content-encoding"));
  for (const auto& [k, v] : r.headers)
    if (k == "x-robots-tag") h.x_robots_tag = JoinAppend(h.x_robots_tag, v);
  h.cache_control = r.Header("cache-control");
  h.transfer_bytes = r.transfer_bytes;
  h.body_transfer_bytes = r.body_transfer_bytes;
  h.decoded_bytes = r.decoded_bytes;
  h.ttfb_ms = r.ttfb_ms;
  h.wait_ms = r.wait_ms;
  h.connect_ms = r.connect_ms;
  h.total_ms = r.total_ms;
  h.from_file = r.from_file;
  return h;
}

MetaFacts ExtractMeta(const html::Document& doc, const Context& ctx) {
  MetaFacts m;
  m.has_doctype = doc.has_doctype();
  m.element_count = doc.element_count();
  m.max_depth = doc.max_depth();
  const GumboNode* root = doc.root();
  m.lang = std::string(text::Trim(html::AttrOr(root, "lang")));
  html::Walk(root, [&](const GumboNode* n, std::size_t) {
    if (!html::IsElement(n)) return html::Visit::kContinue;
    switch (n->v.element.tag) {
      case GUMBO_TAG_TITLE:
        // Only the first <title> counts, as in browsers; a <title> inside <svg> is not the document title.
        if (!m.has_title && !html::Ancestor(n, GUMBO_TAG_SVG)) {
          m.has_title = true;
          m.title = html::Text(n, 4096);
        }
        return html::Visit::kSkipChildren;
      case GUMBO_TAG_META: {
        const std::string name = text::AsciiLower(text::Trim(html::AttrOr(n, "name")));
        const std::string_view content = html::AttrOr(n, "content");
        if (name == "description" && !m.has_meta_description) {
          m.has_meta_description = true;
          m.meta_description = text::CollapseWhitespace(content);
        } else if (name == "robots" || name == "googlebot") {
          m.robots_meta = JoinAppend(m.robots_meta, text::AsciiLower(text::Trim(content)));
        } else if (name == "theme-color" && m.theme_color.empty()) {
          m.theme_color = std::string(text::Trim(content));
        }
        if (auto cs = html::Attr(n, "charset"); cs && m.charset_declared.empty()) {
          m.charset_declared = text::AsciiLower(text::Trim(*cs));
        }
        if (text::AsciiLower(html::AttrOr(n, "http-equiv")) == "content-type" && m.charset_declared.empty()) {
          m.charset_declared = CharsetParam(content);
        }
        return html::Visit::kContinue;
      }
      case GUMBO_TAG_LINK: {
        const std::string rel = text::AsciiLower(html::AttrOr(n, "rel"));
        const std::string_view href = html::AttrOr(n, "href");
        const auto rels = text::SplitTrimmed(rel, ' ');
        auto has_rel = [&](std::string_view r) {
          for (const auto& x : rels)
            if (x == r) return true;
          return false;
        };
        if (has_rel("canonical") && m.canonical_raw.empty()) {
          m.canonical_raw = std::string(text::Trim(href));
          m.canonical = url::Resolve(ctx.base_url, href).value_or("");
        }
        if (has_rel("alternate") && html::HasAttr(n, "hreflang")) {
          m.hreflang.push_back({std::string(text::Trim(html::AttrOr(n, "hreflang"))),
                                url::Resolve(ctx.base_url, href).value_or(std::string(href))});
        }
        if (has_rel("manifest") && m.manifest.empty()) m.manifest = url::Resolve(ctx.base_url, href).value_or("");
        return html::Visit::kContinue;
      }
      case GUMBO_TAG_BASE:
        if (m.base_href.empty() && html::HasAttr(n, "href"))
          m.base_href = url::Resolve(ctx.base_url, html::AttrOr(n, "href")).value_or("");
        return html::Visit::kContinue;
      case GUMBO_TAG_SCRIPT:
      case GUMBO_TAG_STYLE:
        return html::Visit::kSkipChildren;
      default:
        return html::Visit::kContinue;
    }
  });
  return m;
}

ViewportFacts ParseViewport(std::string_view content) {
  ViewportFacts v;
  v.present = true;
  v.content = std::string(content);
  // Both "," and ";" separate properties in the wild; browsers accept both.
  std::string normalized(content);
  for (char& c : normalized)
    if (c == ';') c = ',';
  for (const std::string& part : text::SplitTrimmed(normalized, ',')) {
    const auto eq = part.find('=');
    std::string key = text::AsciiLower(text::Trim(part.substr(0, eq)));
    std::string value = eq == std::string::npos ? "" : text::AsciiLower(text::Trim(part.substr(eq + 1)));
    if (key.empty()) continue;
    v.properties[key] = value;
    if (key == "width") v.width = value;
    if (key == "initial-scale") v.initial_scale = ParseNumber(value);
    if (key == "minimum-scale") v.minimum_scale = ParseNumber(value);
    if (key == "maximum-scale") v.maximum_scale = ParseNumber(value);
    if (key == "user-scalable" && (value == "no" || value == "0")) v.user_scalable_no = true;
  }
  return v;
}

ViewportFacts ExtractViewport(const html::Document& doc) {
  ViewportFacts v;
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (html::Is(n, GUMBO_TAG_META) && text::AsciiLower(text::Trim(html::AttrOr(n, "name"))) == "viewport") {
      v = ParseViewport(html::AttrOr(n, "content"));
      return html::Visit::kStop;
    }
    return html::Visit::kContinue;
  });
  return v;
}

}  // namespace mmaudit::facts
