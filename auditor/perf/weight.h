// Load weight: turns a page's subresource refs plus their measurements into `ResourceRecord`s, and
// sums them into the page's `WeightSummary` (facts/performance.h). Pure functions, no network;
// thread-safe. Every function returns values the caller owns; nothing keeps a pointer to its inputs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "facts/page_facts.h"
#include "facts/performance.h"
#include "fetch/resource_loader.h"

namespace mmaudit::perf {

// The key two URLs must share to be the same party: the registrable domain of `url`'s host by the
// Public Suffix List ("https://cdn.shop.co.uk/x" -> "shop.co.uk"); IP addresses and single-label
// hosts such as localhost are their own key. "" when `url` does not parse or has no host.
std::string PartyKey(const std::string& url);

// scheme://host[:port] of `url`, the port only when it is not the scheme's default; "" when `url`
// does not parse. IPv6 hosts are bracketed.
std::string OriginOf(const std::string& url);

// The freshness lifetime in seconds a browser cache would give a response:
// - Cache-Control `no-store` or `no-cache` -> 0;
// - else Cache-Control `max-age=N` -> N (s-maxage is for shared caches and is ignored);
// - else Expires minus Date when both are valid HTTP-dates (IMF-fixdate, RFC 850 or asctime),
//   at least 0;
// - else nullopt (no freshness information).
// A malformed max-age (not a non-negative integer) counts as absent.
std::optional<long> FreshnessLifetime(const std::string& cache_control, const std::string& expires,
                                      const std::string& date);

// The record of one subresource. `loaded` is the loader's measurement, or null when the resource
// was not fetched (then status 0 and error "not fetched"). `document_registrable_domain` is
// PartyKey(the document's final URL); the record is third-party when PartyKey(ref.url) differs.
// Copies the ref's DOM facts (type, via, initiator, render_blocking, deferred, lazy, above_fold,
// in_head, async, defer, display size, sized, hero_hint, fetchpriority_high, estimated_top,
// font_display, srcset_choice) and fills the HTTP facts from the response: status, error
// ("" when fetched, else "<FetchErrorName>: <message>"), media type, content encoding ("identity"
// becomes ""), cache-control, max_age_s (FreshnessLifetime), http version, transfer and decoded
// bytes, ttfb, origin, gzip_estimate_bytes. A ref typed "other" (e.g. a preload without `as`) takes
// its type from the response's media type (TypeFromMediaType) when that names one.
// Image intrinsic size, image_format and bytes_per_pixel are left for SetImageSize and the image
// header reader.
facts::ResourceRecord RecordFor(const facts::ResourceRef& ref, const fetch::LoadedResource* loaded,
                                const std::string& document_registrable_domain);

// The record of the page itself: type document, first-party, render-blocking (nothing paints before
// it), above the fold, via "document". HTTP facts come from `http` (final URL, status, media type,
// encoding, cache-control and its max-age, bytes, ttfb, gzip estimate); `error` is "not fetched"
// when the status is 0 and the page was not read from a file.
facts::ResourceRecord DocumentRecord(const facts::HttpFacts& http);

// The resource type a response's media type names: text/css -> stylesheet; JavaScript types ->
// script; image/* -> image; font/*, application/font-*, application/x-font-*, woff(2), otf, ttf and
// vnd.ms-fontobject -> font; audio/* and video/* -> media; text/html and application/xhtml+xml ->
// document; nullopt for anything else (JSON, plain text, "").
std::optional<facts::ResourceType> TypeFromMediaType(const std::string& media_type);

// Sets the image's intrinsic size (from its header) and bytes_per_pixel = transfer bytes /
// (display_width × display_height × dpr²), the bytes spent per displayed device pixel; 0 when the
// display size, the transfer size or dpr is unknown (0 or less). Sizes of 0 or less mean unknown.
void SetImageSize(facts::ResourceRecord* record, int intrinsic_w, int intrinsic_h, double dpr);

// The page's weight from its records (the document's included), as WeightSummary says:
// - A URL is counted once: its first record not deferred, else its first record.
// - Non-deferred records go to `total`, their type's bucket in `by_type` (all seven types in
//   ResourceTypeName order, empty ones too) and first_party or third_party; deferred ones only to
//   `deferred`.
// - third_party_origins: distinct origins of the non-deferred third-party records.
// - failed: records (counted once per URL, deferred ones too) with a non-empty error or an HTTP
//   error status (400 and up: a 404 image is broken); they still count as requests, with their
//   (usually small) bytes.
facts::WeightSummary Summarize(const std::vector<facts::ResourceRecord>& records);

}  // namespace mmaudit::perf
