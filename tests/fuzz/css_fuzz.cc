// CSS scanning: facts::ParseCssRefs (@import, url(), @font-face sources and font families) and
// facts::SelectorMayMatch on every selector it found. Invariants: every reference is an absolute
// http(s) URL, the entry and byte caps hold.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/url.h"
#include "facts/css_refs.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  const std::string_view css(reinterpret_cast<const char*>(data), size);
  const facts::CssRefs refs = facts::ParseCssRefs(css, "https://shop.example/assets/site.css");
  FUZZ_CHECK(refs.imports.size() + refs.urls.size() + refs.font_faces.size() <= facts::kMaxCssRefs);
  FUZZ_CHECK(refs.font_declarations.size() <= facts::kMaxFontDeclarationBytes);
  for (const facts::CssImport& i : refs.imports) FUZZ_CHECK(url::IsHttp(i.url));
  static const std::vector<std::string> hooks = {"#main", ".card", ".hero", "a", "body", "div", "img", "p"};
  for (const facts::CssUrl& u : refs.urls) {
    FUZZ_CHECK(url::IsHttp(u.url));
    FUZZ_CHECK(u.media.size() <= 8);
    (void)facts::SelectorMayMatch(u.selector, hooks);
  }
  for (const facts::CssFontFace& f : refs.font_faces) FUZZ_CHECK(f.url.empty() || url::IsHttp(f.url));
  (void)facts::CssUnescape(css);
  (void)facts::SplitCssTopLevel(css, ',');
  return 0;
}
