// Sitemap XML: fetch::ParseSitemap on the input as served (gzip when it starts with 1f 8b), with
// small limits so that truncation paths are reached too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fetch/sitemap.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fetch::SitemapLimits limits;
  limits.max_decoded_bytes = 1u << 20;
  limits.max_urls = 100;
  const fetch::Sitemap s = fetch::ParseSitemap(bytes, limits);
  FUZZ_CHECK(s.urls.size() + s.sitemaps.size() <= limits.max_urls);
  return 0;
}
