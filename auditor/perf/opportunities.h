// Opportunities: ways the page could load faster, each with the bytes and milliseconds it would
// save, estimated from the page's ResourceRecords the way Lighthouse's byte-efficiency audits do
// (v12 thresholds). Pure functions, no network; thread-safe; the result is owned by the caller.
//
// How milliseconds are estimated (one rule for every opportunity):
// - Bytes saved on a resource that must arrive before the first paint (render_blocking; the
//   document is one) or on the LCP image cost bytes × 8 / throughput, with Lighthouse's
//   Kbit = 1024 bits: ms = bytes × 8 × 1000 / (throughput_kbps × 1024).
// - Bytes saved on any other resource save 0 ms of FCP and LCP: they compete for bandwidth, but we
//   do not simulate that here (perf/lantern.h does the timings).
// - Round trips saved cost rtt_ms each; a new connection costs 1 RTT (TCP) plus 1 more for TLS on
//   https, and a DNS lookup is counted as 1 RTT.
// Records that failed (error set, or status not 2xx) and deferred records (lazy and below the fold:
// they load only on scroll) are left out of the byte opportunities; unsized-images looks at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "facts/performance.h"
#include "fetch/fetcher.h"

namespace mmaudit::perf {

struct OpportunityInputs {
  // The throttling the estimates assume (take them from the device preset, e.g. Lighthouse's mobile
  // RTT 150 ms and 1638.4 Kbit/s). throughput_kbps <= 0 makes every byte-based ms 0.
  double rtt_ms = 0;
  double throughput_kbps = 0;
  double dpr = 1;                 // device pixel ratio; <= 0 counts as 1
  double viewport_height = 0;     // CSS px; 0 (unknown) turns offscreen-images off
  std::vector<fetch::Redirect> redirects;  // the document's redirect chain (HttpFacts::redirects)
  std::optional<std::size_t> lcp_index;    // index in `records` of the LCP image, if the LCP is one
};

// Thresholds, in bytes unless named otherwise.
inline constexpr std::uint64_t kTextCompressionMinSaving = 1400;       // Lighthouse v12
inline constexpr std::uint64_t kTextCompressionAlwaysReport = 20000;   // ... regardless of percent
inline constexpr double kTextCompressionMinRatio = 0.10;               // ... below that, 10%
inline constexpr std::uint64_t kResponsiveMinWaste = 4096;             // Lighthouse v12
inline constexpr std::uint64_t kResponsiveMinWasteSrcset = 12288;      // srcset / <picture>
inline constexpr std::uint64_t kModernFormatMinSaving = 8192;          // Lighthouse v12
inline constexpr std::uint64_t kOffscreenMinBytes = 2048;
inline constexpr double kOffscreenViewports = 2;                       // top > 2 viewport heights
inline constexpr long kLongCacheTtlSeconds = 30L * 24 * 3600;          // 30 days
inline constexpr std::size_t kMaxThirdPartyOrigins = 10;
inline constexpr double kFontBlockPeriodMs = 3000;                     // browsers' block period

// Every opportunity that has at least one item, sorted by ms_saved, then bytes_saved (largest
// first), then id; items within one by bytes_saved, largest first, ties in record order (chain
// order for redirects, first appearance for origins). An opportunity's bytes_saved is the sum of its items'. Never fails: records that
// lack what an estimate needs (sizes, types) are skipped by that estimate.
//
// The estimates:
// - uses-text-compression: CSS, JS, HTML, JSON, XML and SVG responses without content encoding and
//   with a gzip estimate; saving = decoded - gzip estimate; skipped when the transfer is already
//   smaller than the gzip estimate, the saving is under 1400 bytes, or it is under 20000 bytes and
//   under 10% of the decoded size.
// - uses-responsive-images: raster images with intrinsic and display sizes; displayed pixels =
//   display_w × dpr × display_h × dpr; waste = transfer × (1 - displayed / intrinsic pixels) when
//   the intrinsic image is larger; reported above 4096 bytes (12288 for srcset/<picture> images).
// - modern-image-formats: JPEG, PNG and GIF images with an intrinsic size; as Lighthouse v12 without
//   re-encoding: AVIF ≈ round(w × h × 2/12) bytes (2 bytes per pixel baseline, 12:1), WebP ≈
//   round(w × h × 2/10); saving = body bytes (decoded_bytes, else transfer) - AVIF estimate, reported
//   from 8192 bytes; the detail names both estimates.
// - unsized-images: <img> (via img, img-srcset, picture-source) without width and height; 0 bytes.
// - lcp-lazy-loaded: the LCP image has loading=lazy. A lazy image is requested only after layout,
//   that is after the render-blocking resources arrived, instead of alongside them from the preload
//   scanner: ms ≈ 1 RTT + the render-blocking bytes (document excluded) × 8 / throughput.
// - offscreen-images: <img> images (not the LCP image) not lazy whose estimated top is more than 2 viewport heights
//   down, of at least 2048 bytes; bytes = their transfer size (0 ms by the rule above).
// - uses-long-cache-ttl: scripts, stylesheets, images, fonts and media answered 200/203/206 with a
//   freshness lifetime under 30 days or none; bytes = transfer size, what a repeat visit downloads
//   again (Lighthouse weighs this by a repeat-visit cache-hit probability; we do not); 0 ms, as it
//   is about repeat visits.
// - redirects: each hop of the document's chain costs 1 RTT, plus a new connection (1 RTT, 2 on
//   https, + 1 RTT DNS when the host changes) when its target's origin differs from the hop's.
// - third-party-origins: only when more than 10 distinct third-party origins load without scrolling;
//   one item per origin (bytes 0); ms = a connection (DNS + TCP + TLS: 3 RTT on https, 2 on http)
//   for each origin serving a render-blocking resource or the LCP image, as those sit on the
//   critical path.
// - font-display: fonts whose @font-face has no font-display, or `block` / `auto`; text stays
//   invisible while the font downloads, up to 3 s: per font ms ≈ min(3000, RTT + transfer × 8 /
//   throughput); the opportunity's ms is the largest item's (fonts download in parallel); 0 bytes.
std::vector<facts::Opportunity> FindOpportunities(const std::vector<facts::ResourceRecord>& records,
                                                  const OpportunityInputs& in);

// The time to send `bytes` at `throughput_kbps` (Kbit = 1024 bits), in ms; 0 when throughput <= 0.
double TransferMs(std::uint64_t bytes, double throughput_kbps);

}  // namespace mmaudit::perf
