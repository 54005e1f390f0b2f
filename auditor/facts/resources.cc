// ExtractImages, ExtractScripts and ExtractStyles: what the page asks a browser to load.
#include <cstdlib>

#include "core/text.h"
#include "core/url.h"
#include "facts/extract.h"
#include "facts/subresources.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

std::string ResolveOrRaw(const Context& ctx, std::string_view ref) {
  if (text::Trim(ref).empty()) return {};
  return url::Resolve(ctx.base_url, ref).value_or(std::string(text::Trim(ref)));
}

}  // namespace

ImageFacts ExtractImages(const html::Document& doc, const Context& ctx) {
  ImageFacts f;
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (html::Is(n, GUMBO_TAG_NOSCRIPT) || html::Is(n, GUMBO_TAG_TEMPLATE)) return html::Visit::kSkipChildren;
    if (!html::Is(n, GUMBO_TAG_IMG)) return html::Visit::kContinue;
    Image img;
    img.src = ResolveOrRaw(ctx, html::AttrOr(n, "src"));
    if (auto alt = html::Attr(n, "alt")) img.alt = std::string(*alt);
    img.width = ParseHtmlLength(html::Attr(n, "width"));
    img.height = ParseHtmlLength(html::Attr(n, "height"));
    img.has_srcset = html::HasAttr(n, "srcset");
    // Gumbo 0.10 has no GUMBO_TAG_PICTURE, so <picture> is found by name.
    img.in_picture = n->parent != nullptr && html::TagName(n->parent) == "picture";
    img.lazy = text::AsciiLower(html::AttrOr(n, "loading")) == "lazy";
    const std::string role = text::AsciiLower(html::AttrOr(n, "role"));
    img.decorative = role == "presentation" || role == "none" ||
                     text::AsciiLower(html::AttrOr(n, "aria-hidden")) == "true";
    if (!img.alt && !img.decorative) ++f.missing_alt;
    if (img.alt && text::Trim(*img.alt).empty()) ++f.empty_alt;
    if (!img.width || !img.height) ++f.unsized;
    if (img.has_srcset) ++f.with_srcset;
    if (img.in_picture) ++f.in_picture;
    if (img.lazy) ++f.lazy;
    f.images.push_back(std::move(img));
    return html::Visit::kContinue;
  });
  return f;
}

ScriptFacts ExtractScripts(const html::Document& doc, const Context& ctx) {
  ScriptFacts f;
  for (const GumboNode* n : html::FindAll(doc.root(), GUMBO_TAG_SCRIPT)) {
    Script s;
    s.type = text::AsciiLower(text::Trim(html::AttrOr(n, "type")));
    // Data blocks (JSON-LD, templates ...) are not executed; only classic and module scripts count.
    const bool classic = s.type.empty() || s.type == "text/javascript" || s.type == "application/javascript" ||
                         s.type == "text/ecmascript" || s.type == "application/ecmascript";
    s.module = s.type == "module";
    if (!classic && !s.module) continue;
    const std::string_view src = html::AttrOr(n, "src");
    s.src = ResolveOrRaw(ctx, src);
    s.async = html::HasAttr(n, "async");
    s.defer = html::HasAttr(n, "defer");
    s.in_head = html::Ancestor(n, GUMBO_TAG_HEAD) != nullptr;
    if (s.src.empty()) {
      s.inline_bytes = html::RawText(n).size();
      f.inline_bytes += s.inline_bytes;
      ++f.inline_count;
    } else {
      ++f.external;
    }
    // An external classic script in <head> without async/defer stops the parser until it has been
    // fetched and run (Lighthouse's render-blocking-resources definition).
    s.render_blocking = s.in_head && !s.src.empty() && !s.async && !s.defer && !s.module;
    if (s.render_blocking) ++f.render_blocking;
    f.scripts.push_back(std::move(s));
  }
  return f;
}

StyleFacts ExtractStyles(const html::Document& doc, const Context& ctx) {
  StyleFacts f;
  constexpr std::size_t kMaxInlineCss = 256 * 1024;
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (html::Is(n, GUMBO_TAG_NOSCRIPT) || html::Is(n, GUMBO_TAG_TEMPLATE)) return html::Visit::kSkipChildren;
    if (html::Is(n, GUMBO_TAG_STYLE)) {
      Stylesheet s;
      s.is_inline = true;
      s.media = std::string(html::AttrOr(n, "media"));
      const std::string_view css = html::RawText(n);
      s.inline_bytes = css.size();
      if (f.inline_css.size() < kMaxInlineCss) f.inline_css.append(css.substr(0, kMaxInlineCss - f.inline_css.size()));
      ++f.inline_count;
      f.stylesheets.push_back(std::move(s));
      return html::Visit::kSkipChildren;
    }
    if (!html::Is(n, GUMBO_TAG_LINK)) return html::Visit::kContinue;
    const auto rels = text::SplitTrimmed(text::AsciiLower(html::AttrOr(n, "rel")), ' ');
    bool stylesheet = false, alternate = false;
    for (const auto& r : rels) {
      if (r == "stylesheet") stylesheet = true;
      if (r == "alternate") alternate = true;
    }
    if (!stylesheet || alternate || !html::HasAttr(n, "href")) return html::Visit::kContinue;
    Stylesheet s;
    s.href = ResolveOrRaw(ctx, html::AttrOr(n, "href"));
    s.media = std::string(html::AttrOr(n, "media"));
    const bool in_head = html::Ancestor(n, GUMBO_TAG_HEAD) != nullptr;
    s.render_blocking = in_head && !html::HasAttr(n, "disabled") && MediaMatches(s.media, Viewport{});
    if (s.render_blocking) ++f.render_blocking;
    ++f.external;
    f.stylesheets.push_back(std::move(s));
    return html::Visit::kContinue;
  });
  return f;
}

}  // namespace mmaudit::facts
