// ResourceLoader: fetches a page's subresources (stylesheets, scripts, images, fonts ...) the way a
// phone browser would, once per crawl: a URL already fetched (or in flight for another page) is not
// fetched again, and every page that names it gets the same measurement.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fetch/fetcher.h"

namespace mmaudit::fetch {

struct ResourceLoaderOptions {
  FetchOptions fetch;                    // timeouts, body cap and user agent
  int concurrency = 6;                   // transfers in flight per LoadAll call
  std::uint64_t keep_css_bytes = 1u << 20;     // stylesheets keep their decoded body up to this
  std::uint64_t keep_image_bytes = 64u << 10;  // images keep this much of the body start (for size headers)
  std::size_t max_entries = 20000;       // cached measurements; beyond this, new URLs are fetched but not kept
  // A LoadAll call starts no transfer after this long (ms): what is left fails at once with
  // kTimeout, so a page of hundreds of slow resources cannot hold a crawl worker for long. 0: no
  // limit. Transfers already started finish within fetch.total_timeout_ms.
  long call_budget_ms = 60'000;
};

// One subresource as fetched.
struct LoadedResource {
  // The response with its body trimmed: stylesheets (text/css) keep up to keep_css_bytes, images
  // (image/*) their first keep_image_bytes, everything else an empty body. decoded_bytes and the
  // byte counts are the full transfer's.
  Response response;
  // For a text response (CSS, JS, HTML, JSON, SVG, XML) sent without content encoding: its decoded
  // body's size after deflate at level 6, what gzip would send; 0 otherwise.
  std::uint64_t gzip_estimate_bytes = 0;
  bool body_trimmed = false;             // the kept body is shorter than decoded_bytes
};

// Thread-safe: one loader serves every worker of a crawl.
class ResourceLoader {
 public:
  explicit ResourceLoader(ResourceLoaderOptions options);
  ~ResourceLoader();
  ResourceLoader(const ResourceLoader&) = delete;
  ResourceLoader& operator=(const ResourceLoader&) = delete;

  // Fetches with GET every URL of `urls` not fetched before by this loader, with up to
  // options.concurrency transfers at once, and returns one entry per input URL in input order (the
  // same shared entry for repeated URLs). A URL that fails still gets an entry, with
  // response.error set. Never throws.
  std::vector<std::shared_ptr<const LoadedResource>> LoadAll(const std::vector<std::string>& urls);

  // How many transfers this loader has started, for tests and the report.
  std::size_t transfers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mmaudit::fetch
