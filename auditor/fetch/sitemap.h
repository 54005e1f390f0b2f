// Sitemaps (sitemaps.org protocol): <urlset> and <sitemapindex> XML, gzip-compressed or not, read
// with expat. Pure; never throws; bounded in memory by SitemapLimits so a sitemap bomb cannot blow
// up a crawl.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::fetch {

struct SitemapLimits {
  std::size_t max_decoded_bytes = 50u << 20;  // the protocol's 50 MB (uncompressed) per file
  std::size_t max_urls = 50000;               // the protocol's 50,000 URLs per file
};

struct SitemapEntry {
  std::string loc;      // as written, trimmed (absolute per the protocol)
  std::string lastmod;  // "" when absent
};

struct Sitemap {
  bool is_index = false;               // a <sitemapindex>
  std::vector<SitemapEntry> urls;      // <url><loc> of a <urlset>
  std::vector<std::string> sitemaps;   // <sitemap><loc> of a <sitemapindex>
  bool truncated = false;              // a limit was reached; what was read so far is kept
  std::vector<std::string> errors;     // e.g. "not gzip data", "XML error at line 3: mismatched tag"
};

// Parses `bytes` (gzip when they start with 1f 8b). Unknown elements and namespaces are ignored.
Sitemap ParseSitemap(std::string_view bytes, const SitemapLimits& limits = {});

}  // namespace mmaudit::fetch
