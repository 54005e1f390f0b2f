#include "perf/opportunities.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/text.h"
#include "core/url.h"
#include "perf/weight.h"

namespace mmaudit::perf {
namespace {

using facts::Opportunity;
using facts::ResourceRecord;
using facts::ResourceType;

struct Ctx {
  const std::vector<ResourceRecord>& records;
  const OpportunityInputs& in;
  double dpr() const { return in.dpr > 0 ? in.dpr : 1; }
  bool IsLcp(std::size_t i) const { return in.lcp_index && *in.lcp_index == i; }
  // Bytes on this record delay the first paint or the LCP.
  bool Critical(std::size_t i) const { return records[i].render_blocking || IsLcp(i); }
  double BytesMs(std::size_t i, std::uint64_t bytes) const {
    return Critical(i) ? TransferMs(bytes, in.throughput_kbps) : 0;
  }
};

bool Ok(const ResourceRecord& r) { return r.error.empty() && r.status >= 200 && r.status < 300; }
// Loads without scrolling and was fetched: what the byte opportunities look at.
bool Loaded(const ResourceRecord& r) { return Ok(r) && !r.deferred; }

bool IsImgElement(const ResourceRecord& r) {
  return r.via == "img" || r.via == "img-srcset" || r.via == "picture-source";
}

bool IsRaster(const ResourceRecord& r) {
  return r.type == ResourceType::kImage && r.image_format != "svg" && r.media_type != "image/svg+xml";
}

bool IsCompressibleText(const std::string& m) {
  return m == "text/css" || m == "text/html" || m == "text/javascript" || m == "application/javascript" ||
         m == "application/x-javascript" || m == "application/json" || text::EndsWith(m, "+json") ||
         m == "image/svg+xml" || m == "text/xml" || m == "application/xml" || m == "application/xhtml+xml";
}

std::string Kib(std::uint64_t bytes) {
  return std::to_string(static_cast<long long>(std::llround(static_cast<double>(bytes) / 1024))) + " KiB";
}

Opportunity Make(const char* id, const char* title) {
  Opportunity o;
  o.id = id;
  o.title = title;
  return o;
}

void AddItem(Opportunity* o, const std::string& url, std::uint64_t bytes, std::string detail) {
  o->items.push_back({url, bytes, std::move(detail)});
  o->bytes_saved += bytes;
}

Opportunity TextCompression(const Ctx& c) {
  Opportunity o = Make("uses-text-compression", "Enable text compression");
  for (std::size_t i = 0; i < c.records.size(); ++i) {
    const ResourceRecord& r = c.records[i];
    if (!Loaded(r) || !r.content_encoding.empty() || r.gzip_estimate_bytes == 0) continue;
    if (!IsCompressibleText(r.media_type) || r.transfer_bytes < r.gzip_estimate_bytes) continue;
    if (r.decoded_bytes <= r.gzip_estimate_bytes) continue;
    const std::uint64_t saving = r.decoded_bytes - r.gzip_estimate_bytes;
    if (saving < kTextCompressionMinSaving) continue;
    if (saving < kTextCompressionAlwaysReport &&
        static_cast<double>(saving) / static_cast<double>(r.decoded_bytes) < kTextCompressionMinRatio)
      continue;
    AddItem(&o, r.url, saving, Kib(r.decoded_bytes) + " uncompressed, about " + Kib(r.gzip_estimate_bytes) + " gzipped");
    o.ms_saved += c.BytesMs(i, saving);
  }
  return o;
}

Opportunity ResponsiveImages(const Ctx& c) {
  Opportunity o = Make("uses-responsive-images", "Properly size images");
  const double dpr = c.dpr();
  for (std::size_t i = 0; i < c.records.size(); ++i) {
    const ResourceRecord& r = c.records[i];
    if (!Loaded(r) || !IsRaster(r) || r.intrinsic_width <= 0 || r.intrinsic_height <= 0) continue;
    if (r.display_width <= 0 || r.display_height <= 0) continue;
    const double intrinsic = static_cast<double>(r.intrinsic_width) * r.intrinsic_height;
    const double shown = r.display_width * dpr * r.display_height * dpr;
    if (shown >= intrinsic) continue;
    const auto waste = static_cast<std::uint64_t>(std::llround(static_cast<double>(r.transfer_bytes) * (1 - shown / intrinsic)));
    const bool srcset = r.via == "img-srcset" || r.via == "picture-source" || !r.srcset_choice.empty();
    if (waste <= (srcset ? kResponsiveMinWasteSrcset : kResponsiveMinWaste)) continue;
    AddItem(&o, r.url, waste,
            std::to_string(r.intrinsic_width) + "×" + std::to_string(r.intrinsic_height) + " px shown at " +
                std::to_string(std::lround(r.display_width * dpr)) + "×" + std::to_string(std::lround(r.display_height * dpr)) +
                " device px");
    o.ms_saved += c.BytesMs(i, waste);
  }
  return o;
}

Opportunity ModernFormats(const Ctx& c) {
  Opportunity o = Make("modern-image-formats", "Serve images in modern formats");
  for (std::size_t i = 0; i < c.records.size(); ++i) {
    const ResourceRecord& r = c.records[i];
    if (!Loaded(r) || r.type != ResourceType::kImage || r.intrinsic_width <= 0 || r.intrinsic_height <= 0) continue;
    const std::string& f = r.image_format;
    const std::string& m = r.media_type;
    const bool legacy = f == "jpeg" || f == "png" || f == "gif" ||
                        (f.empty() && (m == "image/jpeg" || m == "image/png" || m == "image/gif"));
    if (!legacy) continue;
    const double pixels = static_cast<double>(r.intrinsic_width) * r.intrinsic_height;
    const auto avif = static_cast<std::uint64_t>(std::llround(pixels * 2 / 12));
    const auto webp = static_cast<std::uint64_t>(std::llround(pixels * 2 / 10));
    const std::uint64_t body = r.decoded_bytes > 0 ? r.decoded_bytes : r.transfer_bytes;
    if (body <= avif || body - avif < kModernFormatMinSaving) continue;
    const std::uint64_t saving = body - avif;
    AddItem(&o, r.url, saving,
            Kib(body) + " " + (f.empty() ? m : f) + "; about " + Kib(avif) + " as AVIF, " + Kib(webp) + " as WebP");
    o.ms_saved += c.BytesMs(i, saving);
  }
  return o;
}

Opportunity UnsizedImages(const Ctx& c) {
  Opportunity o = Make("unsized-images", "Image elements do not have explicit width and height");
  for (const ResourceRecord& r : c.records)
    if (r.type == ResourceType::kImage && IsImgElement(r) && !r.sized) AddItem(&o, r.url, 0, "no width and height attributes");
  return o;
}

Opportunity LcpLazyLoaded(const Ctx& c) {
  Opportunity o = Make("lcp-lazy-loaded", "Largest Contentful Paint image was lazily loaded");
  if (!c.in.lcp_index || *c.in.lcp_index >= c.records.size()) return o;
  const ResourceRecord& lcp = c.records[*c.in.lcp_index];
  if (!lcp.lazy) return o;
  std::uint64_t blocking = 0;
  for (const ResourceRecord& r : c.records)
    if (r.render_blocking && r.type != ResourceType::kDocument) blocking += r.transfer_bytes;
  const double ms = c.in.rtt_ms + TransferMs(blocking, c.in.throughput_kbps);
  AddItem(&o, lcp.url, 0, "loading=lazy: requested after " + Kib(blocking) + " of render-blocking resources");
  o.ms_saved = ms;
  return o;
}

Opportunity OffscreenImages(const Ctx& c) {
  Opportunity o = Make("offscreen-images", "Defer offscreen images");
  if (c.in.viewport_height <= 0) return o;
  const double limit = kOffscreenViewports * c.in.viewport_height;
  for (std::size_t i = 0; i < c.records.size(); ++i) {
    const ResourceRecord& r = c.records[i];
    if (!Loaded(r) || r.type != ResourceType::kImage || !IsImgElement(r) || r.lazy || c.IsLcp(i)) continue;
    if (r.estimated_top <= limit || r.transfer_bytes < kOffscreenMinBytes) continue;
    AddItem(&o, r.url, r.transfer_bytes, "about " + std::to_string(std::lround(r.estimated_top)) + " CSS px down, not lazy-loaded");
    o.ms_saved += c.BytesMs(i, r.transfer_bytes);
  }
  return o;
}

Opportunity LongCacheTtl(const Ctx& c) {
  Opportunity o = Make("uses-long-cache-ttl", "Serve static assets with an efficient cache policy");
  for (const ResourceRecord& r : c.records) {
    if (!r.error.empty() || !(r.status == 200 || r.status == 203 || r.status == 206) || r.deferred) continue;
    const bool is_static = r.type == ResourceType::kScript || r.type == ResourceType::kStylesheet ||
                           r.type == ResourceType::kImage || r.type == ResourceType::kFont ||
                           r.type == ResourceType::kMedia;
    if (!is_static || (r.max_age_s && *r.max_age_s >= kLongCacheTtlSeconds)) continue;
    std::string detail = r.max_age_s ? "cached for " + std::to_string(*r.max_age_s) + " s" : "no cache lifetime";
    AddItem(&o, r.url, r.transfer_bytes, std::move(detail));
  }
  return o;
}

// Round trips for a new connection to `u`: TCP, plus TLS on https.
double ConnectRtts(const std::string& u) { return text::StartsWith(u, "https:") ? 2 : 1; }

Opportunity Redirects(const Ctx& c) {
  Opportunity o = Make("redirects", "Avoid multiple page redirects");
  for (const fetch::Redirect& hop : c.in.redirects) {
    double rtts = 1;
    const bool new_origin = OriginOf(hop.url) != OriginOf(hop.location);
    if (new_origin) rtts += ConnectRtts(hop.location) + (url::SameHost(hop.url, hop.location) ? 0 : 1);
    const double ms = rtts * c.in.rtt_ms;
    AddItem(&o, hop.url, 0, std::to_string(hop.status) + " to " + hop.location + ": about " + std::to_string(std::lround(ms)) + " ms");
    o.ms_saved += ms;
  }
  return o;
}

Opportunity ThirdPartyOrigins(const Ctx& c) {
  Opportunity o = Make("third-party-origins", "Reduce the number of third-party origins");
  struct Origin {
    std::size_t first = 0, requests = 0;
    std::uint64_t bytes = 0;
    bool critical = false;
  };
  std::map<std::string, Origin> origins;
  for (std::size_t i = 0; i < c.records.size(); ++i) {
    const ResourceRecord& r = c.records[i];
    if (!r.third_party || r.deferred || r.origin.empty()) continue;
    auto [it, added] = origins.try_emplace(r.origin);
    if (added) it->second.first = i;
    ++it->second.requests;
    it->second.bytes += r.transfer_bytes;
    it->second.critical = it->second.critical || c.Critical(i);
  }
  if (origins.size() <= kMaxThirdPartyOrigins) return o;
  std::vector<std::pair<std::string, Origin>> in_order(origins.begin(), origins.end());
  std::stable_sort(in_order.begin(), in_order.end(), [](const auto& a, const auto& b) { return a.second.first < b.second.first; });
  for (const auto& [origin, info] : in_order) {
    const double ms = info.critical ? (1 + ConnectRtts(origin)) * c.in.rtt_ms : 0;
    AddItem(&o, origin, 0,
            std::to_string(info.requests) + (info.requests == 1 ? " request, " : " requests, ") + Kib(info.bytes) +
                (info.critical ? "; on the critical path: a new connection costs about " + std::to_string(std::lround(ms)) + " ms" : ""));
    o.ms_saved += ms;
  }
  return o;
}

Opportunity FontDisplay(const Ctx& c) {
  Opportunity o = Make("font-display", "Ensure text remains visible during webfont load");
  for (const ResourceRecord& r : c.records) {
    if (r.type != ResourceType::kFont || r.deferred) continue;
    const std::string fd = text::AsciiLower(r.font_display);
    if (!(fd.empty() || fd == "block" || fd == "auto")) continue;
    const double ms = std::min(kFontBlockPeriodMs, c.in.rtt_ms + TransferMs(r.transfer_bytes, c.in.throughput_kbps));
    AddItem(&o, r.url, 0,
            (fd.empty() ? std::string("no font-display") : "font-display: " + fd) + "; text invisible for up to " +
                std::to_string(std::lround(ms)) + " ms");
    o.ms_saved = std::max(o.ms_saved, ms);
  }
  return o;
}

}  // namespace

double TransferMs(std::uint64_t bytes, double throughput_kbps) {
  if (throughput_kbps <= 0) return 0;
  return static_cast<double>(bytes) * 8 * 1000 / (throughput_kbps * 1024);
}

std::vector<Opportunity> FindOpportunities(const std::vector<ResourceRecord>& records, const OpportunityInputs& in) {
  const Ctx c{records, in};
  std::vector<Opportunity> all;
  for (Opportunity o : {TextCompression(c), ResponsiveImages(c), ModernFormats(c), UnsizedImages(c), LcpLazyLoaded(c),
                        OffscreenImages(c), LongCacheTtl(c), Redirects(c), ThirdPartyOrigins(c), FontDisplay(c)}) {
    if (o.items.empty()) continue;
    std::stable_sort(o.items.begin(), o.items.end(),
                     [](const Opportunity::Item& a, const Opportunity::Item& b) { return a.bytes_saved > b.bytes_saved; });
    all.push_back(std::move(o));
  }
  std::stable_sort(all.begin(), all.end(), [](const Opportunity& a, const Opportunity& b) {
    if (a.ms_saved != b.ms_saved) return a.ms_saved > b.ms_saved;
    if (a.bytes_saved != b.bytes_saved) return a.bytes_saved > b.bytes_saved;
    return a.id < b.id;
  });
  return all;
}

}  // namespace mmaudit::perf
