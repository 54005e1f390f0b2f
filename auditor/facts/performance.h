// The page's load weight and simulated mobile load time, as plain data (issue 5).
//
// Who fills what:
// - facts/subresources.h finds in the DOM what a phone browser would load (`ResourceRef`s);
//   facts/css_refs.h finds what stylesheets load in turn (@import, url(), @font-face).
// - fetch/resource_loader.h fetches each URL once per crawl and measures it.
// - perf/ turns refs plus measurements into `ResourceRecord`s, the `WeightSummary`, the simulated
//   metrics (perf/lantern.h), the opportunities and the budget results, gathered in
//   `PagePerformance`, which rules/ reads and report/ writes.
// Nothing here points into a DOM or a response body.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mmaudit::facts {

// Lighthouse's budget resource types (third-party is a party, not a type; see WeightSummary).
enum class ResourceType { kDocument, kStylesheet, kScript, kImage, kFont, kMedia, kOther };
// "document", "stylesheet", "script", "image", "font", "media", "other".
const char* ResourceTypeName(ResourceType t);
// The type called `name` (the names above), or nullopt.
std::optional<ResourceType> ResourceTypeFromName(const std::string& name);

// A subresource a phone browser would request for the page, found in its HTML or in a stylesheet.
struct ResourceRef {
  std::string url;               // absolute http(s) URL, fragment removed
  ResourceType type = ResourceType::kOther;
  // How it was found: "stylesheet", "script", "img", "img-srcset", "picture-source", "preload",
  // "iframe", "video-poster", "icon", "css-import", "css-url", "font-face".
  std::string via;
  std::string initiator;         // "" when the document names it; else the stylesheet's URL
  std::size_t order = 0;         // discovery order within the page (document order, then CSS)
  bool in_head = false;
  // Must arrive before the first paint: a stylesheet whose media can match the device, a classic
  // script in <head> without async/defer, or an @import of such a stylesheet.
  bool render_blocking = false;
  bool async = false, defer = false, module = false;
  bool preload = false;          // <link rel=preload>
  bool lazy = false;             // loading=lazy
  bool deferred = false;         // lazy and below the fold: the browser loads it only on scroll
  bool fetchpriority_high = false;
  // Images: the size it is shown at, in CSS px, from attributes (or the viewport width when only
  // the aspect is known); 0 when unknown.
  int display_width = 0, display_height = 0;
  bool sized = false;            // width and height attributes both present
  double estimated_top = -1;     // CSS px from the top in the static layout model; -1 unknown
  bool above_fold = false;       // estimated_top < the device's viewport height
  bool hero_hint = false;        // fetchpriority=high, og:image, or hero/banner in class/id
  std::string font_display;      // fonts: the @font-face's font-display, "" when not set
  std::string srcset_choice;     // images from a srcset: the chosen candidate's descriptor, e.g. "828w"
  // css-url refs from a style rule: its selector list (Chrome fetches the image only when some
  // element matches; see SelectorMayMatch); "" for style attributes and unknown rules.
  std::string css_selector;
  std::string font_family;       // font-face refs: the family, lower case
};

// One resource as measured, for the report and the rules.
struct ResourceRecord {
  std::string url;
  ResourceType type = ResourceType::kOther;
  std::string via;
  std::string initiator;
  int status = 0;                // 0 when it could not be fetched
  std::string error;             // "" when fetched
  std::string media_type;        // e.g. "image/webp", lower case, no parameters
  std::string content_encoding;  // "gzip", "br", "zstd", "deflate" or ""
  std::string cache_control;
  std::optional<long> max_age_s; // from max-age (or s-maxage), Expires; nullopt when not cacheable info
  std::string http_version;      // "1.1", "2", "3"
  std::uint64_t transfer_bytes = 0;  // headers plus body as sent on the wire
  std::uint64_t decoded_bytes = 0;   // the body after content decoding
  double ttfb_ms = 0;
  // Request sent to first byte (server time plus one round trip), and the TCP handshake (one round
  // trip; 0 on a reused connection), as measured (fetch::Response); 0 when unknown.
  double wait_ms = 0, connect_ms = 0;
  std::string origin;            // scheme://host[:port]
  bool third_party = false;      // another registrable domain (libpsl) than the document's
  bool render_blocking = false;
  bool deferred = false;
  bool lazy = false;
  bool above_fold = false;
  bool in_head = false;
  bool async = false, defer = false;
  // Images: the format and size read from the bytes, the size shown, and bytes per shown pixel
  // (CSS px × DPR squared).
  std::string image_format;      // "png", "jpeg", "gif", "webp", "avif", "svg" or ""
  int intrinsic_width = 0, intrinsic_height = 0;
  int display_width = 0, display_height = 0;
  bool sized = false;
  bool hero_hint = false;        // see ResourceRef::hero_hint
  bool fetchpriority_high = false;
  double estimated_top = -1;     // see ResourceRef::estimated_top
  double bytes_per_pixel = 0;
  std::string font_display;
  std::string srcset_choice;
  // For a text response sent without content encoding: what gzip would send (deflate level 6 of the
  // decoded body); 0 otherwise or when unknown. From fetch::LoadedResource / HttpFacts.
  std::uint64_t gzip_estimate_bytes = 0;
};

struct WeightBucket {
  std::size_t count = 0;
  std::uint64_t transfer_bytes = 0;
  std::uint64_t decoded_bytes = 0;
};

// The page's weight: every resource counted once per page (a resource shared by pages is fetched
// once per crawl but counted on each page that loads it). Deferred resources are in `deferred`
// and not in `total`, as Lighthouse's total-byte-weight counts what loads without scrolling.
struct WeightSummary {
  WeightBucket total;            // the document plus every non-deferred subresource
  std::vector<std::pair<std::string, WeightBucket>> by_type;  // ResourceTypeName order, all types
  WeightBucket first_party, third_party;
  WeightBucket deferred;
  std::size_t third_party_origins = 0;
  std::size_t failed = 0;        // resources that could not be fetched or answered 4xx/5xx
};

// A simulated metric: Lantern's estimate is the mean of an optimistic and a pessimistic graph.
struct MetricEstimate {
  bool available = false;
  double value_ms = 0;           // for CLS-like unitless metrics, the value itself
  double optimistic_ms = 0, pessimistic_ms = 0;
  double score = 0;              // Lighthouse's log-normal curve for the device, 0..1
};

struct ChainLink {
  std::string url;
  double start_ms = 0, end_ms = 0;
  std::uint64_t transfer_bytes = 0;
};

// The critical request chain: render-blocking requests and what they load in turn.
struct CriticalChain {
  std::size_t depth = 0;           // links on the longest path, the document included
  std::vector<ChainLink> longest;  // the path that finishes last, document first
  double duration_ms = 0;
};

// A way to load faster, with what it would save.
struct Opportunity {
  std::string id;                // e.g. "uses-text-compression", "modern-image-formats"
  std::string title;
  std::uint64_t bytes_saved = 0;
  double ms_saved = 0;
  struct Item {
    std::string url;
    std::uint64_t bytes_saved = 0;
    std::string detail;
  };
  std::vector<Item> items;
};

// One line of a Lighthouse budget.json checked against this page.
struct BudgetResult {
  std::string path;              // the budget's path pattern
  std::string kind;              // "resourceSizes", "resourceCounts" or "timings"
  std::string name;              // a resource type, "third-party", "total" or a metric id
  double budget = 0;             // KiB, a count, or ms
  double actual = 0;             // same unit
  std::string unit;              // "KiB", "requests", "ms"
  bool over = false;
  // Why `actual` is not a measurement (a metric mmaudit does not estimate), or the largest
  // contributor of an over-budget size; "" otherwise.
  std::string note;
};

struct PagePerformance {
  bool measured = false;
  std::string not_measured_reason;     // e.g. "resources off (--resources off)", "saved page audited offline"
  std::string device;                  // the throttling preset: "mobile" or "desktop"
  std::vector<ResourceRecord> resources;  // the document first, then discovery order
  WeightSummary weight;
  MetricEstimate fcp, lcp, speed_index, tbt;
  double performance_score = 0;        // Lighthouse's weights over the metrics we estimate
  std::string lcp_kind;                // "image" or "text"
  std::string lcp_url;                 // the LCP image; "" for text
  CriticalChain chain;
  std::vector<Opportunity> opportunities;  // sorted by ms_saved, then bytes_saved, largest first
  std::vector<BudgetResult> budget;        // empty when no budget file was given or none matched
  // --server-time-ms: the server response time set by the user, which the simulation and the
  // server-response-time rule use instead of the measured one; nullopt: measured.
  std::optional<double> fixed_server_ms;
};

}  // namespace mmaudit::facts
