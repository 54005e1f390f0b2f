#include "perf/weight.h"

#include <ctime>
#include <set>
#include <unordered_set>

#include "core/text.h"
#include "core/url.h"

namespace mmaudit::perf {
namespace {

constexpr facts::ResourceType kAllTypes[] = {facts::ResourceType::kDocument, facts::ResourceType::kStylesheet,
                                             facts::ResourceType::kScript,   facts::ResourceType::kImage,
                                             facts::ResourceType::kFont,     facts::ResourceType::kMedia,
                                             facts::ResourceType::kOther};

// Seconds since the epoch of an HTTP-date (RFC 9110 5.6.7), or nullopt. strptime's %a and %b are
// the C locale's names, which is what HTTP uses.
std::optional<long> ParseHttpDate(const std::string& value) {
  const std::string v(text::Trim(value));
  if (v.empty()) return std::nullopt;
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT",  // IMF-fixdate
                             "%A, %d-%b-%y %H:%M:%S GMT",  // RFC 850
                             "%a %b %d %H:%M:%S %Y"}) {    // asctime
    std::tm tm{};
    const char* end = strptime(v.c_str(), format, &tm);
    if (end != nullptr && *end == '\0') return static_cast<long>(timegm(&tm));
  }
  return std::nullopt;
}

// The value of `max-age` in a Cache-Control header when it is a valid delta-seconds.
std::optional<long> MaxAge(const std::vector<std::string>& directives) {
  for (const std::string& d : directives) {
    const auto eq = d.find('=');
    if (eq == std::string::npos || text::Trim(d.substr(0, eq)) != "max-age") continue;
    std::string n(text::Trim(d.substr(eq + 1)));
    if (n.size() >= 2 && n.front() == '"' && n.back() == '"') n = n.substr(1, n.size() - 2);
    if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    if (n.size() > 10) return 2147483647L;  // RFC 9111 1.2.2: overflow means "infinity", 2^31
    return std::stol(n);
  }
  return std::nullopt;
}

std::string Encoding(const std::string& header) {
  std::string e = text::AsciiLower(text::Trim(header));
  return e == "identity" ? std::string() : e;
}

void Add(facts::WeightBucket* b, const facts::ResourceRecord& r) {
  ++b->count;
  b->transfer_bytes += r.transfer_bytes;
  b->decoded_bytes += r.decoded_bytes;
}

}  // namespace

std::string PartyKey(const std::string& u) {
  const auto parts = url::Parse(u);
  if (!parts || parts->host.empty()) return {};
  return url::RegistrableDomain(parts->host);
}

std::string OriginOf(const std::string& u) {
  const auto parts = url::Parse(u);
  if (!parts || parts->host.empty()) return {};
  const bool ipv6 = parts->host.find(':') != std::string::npos;
  std::string origin = parts->scheme + "://" + (ipv6 ? "[" + parts->host + "]" : parts->host);
  const int default_port = parts->scheme == "https" ? 443 : parts->scheme == "http" ? 80 : 0;
  if (parts->port != 0 && parts->port != default_port) origin += ":" + std::to_string(parts->port);
  return origin;
}

std::optional<long> FreshnessLifetime(const std::string& cache_control, const std::string& expires,
                                      const std::string& date) {
  const std::vector<std::string> directives = text::SplitTrimmed(text::AsciiLower(cache_control), ',');
  for (const std::string& d : directives)
    if (d == "no-store" || d == "no-cache" || text::StartsWith(d, "no-cache=")) return 0L;
  if (const auto max_age = MaxAge(directives)) return max_age;
  const auto e = ParseHttpDate(expires), d = ParseHttpDate(date);
  if (e && d) return std::max(0L, *e - *d);
  return std::nullopt;
}

std::optional<facts::ResourceType> TypeFromMediaType(const std::string& m) {
  using T = facts::ResourceType;
  if (m == "text/css") return T::kStylesheet;
  if (m == "text/javascript" || m == "application/javascript" || m == "application/x-javascript" ||
      m == "text/ecmascript" || m == "application/ecmascript")
    return T::kScript;
  if (text::StartsWith(m, "image/")) return T::kImage;
  if (text::StartsWith(m, "font/") || text::StartsWith(m, "application/font-") ||
      text::StartsWith(m, "application/x-font-") || m == "application/vnd.ms-fontobject")
    return T::kFont;
  if (text::StartsWith(m, "audio/") || text::StartsWith(m, "video/")) return T::kMedia;
  if (m == "text/html" || m == "application/xhtml+xml") return T::kDocument;
  return std::nullopt;
}

facts::ResourceRecord RecordFor(const facts::ResourceRef& ref, const fetch::LoadedResource* loaded,
                                const std::string& document_registrable_domain) {
  facts::ResourceRecord r;
  r.url = ref.url;
  r.type = ref.type;
  r.via = ref.via;
  r.initiator = ref.initiator;
  r.render_blocking = ref.render_blocking;
  r.deferred = ref.deferred;
  r.lazy = ref.lazy;
  r.above_fold = ref.above_fold;
  r.in_head = ref.in_head;
  r.async = ref.async;
  r.defer = ref.defer;
  r.display_width = ref.display_width;
  r.display_height = ref.display_height;
  r.sized = ref.sized;
  r.hero_hint = ref.hero_hint;
  r.fetchpriority_high = ref.fetchpriority_high;
  r.estimated_top = ref.estimated_top;
  r.font_display = ref.font_display;
  r.srcset_choice = ref.srcset_choice;
  r.origin = OriginOf(ref.url);
  const std::string party = PartyKey(ref.url);
  r.third_party = !party.empty() && party != document_registrable_domain;
  if (loaded == nullptr) {
    r.error = "not fetched";
    return r;
  }
  const fetch::Response& resp = loaded->response;
  r.status = resp.status;
  if (!resp.ok())
    r.error = std::string(fetch::FetchErrorName(resp.error)) +
              (resp.error_message.empty() ? "" : ": " + resp.error_message);
  r.media_type = resp.MediaType();
  r.content_encoding = Encoding(resp.Header("content-encoding"));
  r.cache_control = resp.Header("cache-control");
  r.max_age_s = FreshnessLifetime(r.cache_control, resp.Header("expires"), resp.Header("date"));
  r.http_version = resp.http_version;
  r.transfer_bytes = resp.transfer_bytes;
  r.decoded_bytes = resp.decoded_bytes;
  r.ttfb_ms = resp.ttfb_ms;
  r.wait_ms = resp.wait_ms;
  r.connect_ms = resp.connect_ms;
  r.gzip_estimate_bytes = loaded->gzip_estimate_bytes;
  if (r.type == facts::ResourceType::kOther)
    if (const auto t = TypeFromMediaType(r.media_type)) r.type = *t;
  return r;
}

facts::ResourceRecord DocumentRecord(const facts::HttpFacts& http) {
  facts::ResourceRecord r;
  r.url = http.final_url.empty() ? http.requested_url : http.final_url;
  r.type = facts::ResourceType::kDocument;
  r.via = "document";
  r.status = http.status;
  if (http.status == 0 && !http.from_file) r.error = "not fetched";
  r.media_type = http.media_type;
  r.content_encoding = Encoding(http.content_encoding);
  r.cache_control = http.cache_control;
  r.max_age_s = FreshnessLifetime(http.cache_control, "", "");
  r.http_version = http.http_version;
  r.transfer_bytes = http.transfer_bytes;
  r.decoded_bytes = http.decoded_bytes;
  r.ttfb_ms = http.ttfb_ms;
  r.wait_ms = http.wait_ms;
  r.connect_ms = http.connect_ms;
  r.origin = OriginOf(r.url);
  r.third_party = false;
  r.render_blocking = true;
  r.above_fold = true;
  r.estimated_top = 0;
  r.gzip_estimate_bytes = http.gzip_estimate_bytes;
  return r;
}

void SetImageSize(facts::ResourceRecord* record, int intrinsic_w, int intrinsic_h, double dpr) {
  record->intrinsic_width = intrinsic_w > 0 ? intrinsic_w : 0;
  record->intrinsic_height = intrinsic_h > 0 ? intrinsic_h : 0;
  const double device_pixels =
      static_cast<double>(record->display_width) * record->display_height * dpr * dpr;
  record->bytes_per_pixel = (record->display_width > 0 && record->display_height > 0 && dpr > 0 &&
                             record->transfer_bytes > 0)
                                ? static_cast<double>(record->transfer_bytes) / device_pixels
                                : 0;
}

facts::WeightSummary Summarize(const std::vector<facts::ResourceRecord>& records) {
  facts::WeightSummary s;
  for (facts::ResourceType t : kAllTypes) s.by_type.emplace_back(facts::ResourceTypeName(t), facts::WeightBucket{});
  std::unordered_set<std::string> loaded_now;  // URLs with a non-deferred record
  for (const auto& r : records)
    if (!r.deferred) loaded_now.insert(r.url);
  std::unordered_set<std::string> seen;
  std::set<std::string> third_party_origins;
  for (const auto& r : records) {
    if (r.deferred && loaded_now.count(r.url)) continue;  // counted with its non-deferred record
    if (!seen.insert(r.url).second) continue;
    if (!r.error.empty() || r.status >= 400) ++s.failed;
    if (r.deferred) {
      Add(&s.deferred, r);
      continue;
    }
    Add(&s.total, r);
    Add(&s.by_type[static_cast<std::size_t>(r.type)].second, r);
    Add(r.third_party ? &s.third_party : &s.first_party, r);
    if (r.third_party && !r.origin.empty()) third_party_origins.insert(r.origin);
  }
  s.third_party_origins = third_party_origins.size();
  return s;
}

}  // namespace mmaudit::perf
