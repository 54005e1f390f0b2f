// Gzipped sitemaps: the input is the XML, gzip-compressed here before fetch::ParseSitemap reads
// it, so every mutation of the XML reaches the gunzip path. Invariant: the gzipped file reads the
// same as the plain one (when the plain one does not itself look like gzip).
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fetch/sitemap.h"
#include "fuzz_check.h"

namespace {

std::string Gzip(std::string_view in) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  fetch::SitemapLimits limits;
  limits.max_decoded_bytes = 1u << 20;
  limits.max_urls = 100;
  const fetch::Sitemap zipped = fetch::ParseSitemap(Gzip(xml), limits);
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) return 0;
  const fetch::Sitemap plain = fetch::ParseSitemap(xml, limits);
  FUZZ_CHECK(zipped.is_index == plain.is_index);
  FUZZ_CHECK(zipped.urls.size() == plain.urls.size());
  FUZZ_CHECK(zipped.sitemaps == plain.sitemaps);
  FUZZ_CHECK(zipped.truncated == plain.truncated);
  for (std::size_t i = 0; i < plain.urls.size(); ++i) FUZZ_CHECK(zipped.urls[i].loc == plain.urls[i].loc);
  return 0;
}
