// MeasureLoad: a page's load weight and simulated load time (issue 5). Fetches what the page asks
// a phone browser to load (facts/subresources.h) through the crawl's ResourceLoader, reads the
// stylesheets for what they load in turn (facts/css_refs.h) and the images for their sizes
// (facts/image_header.h), then fills PageFacts::performance with perf/: the records and weight
// (perf/weight.h), the simulated metrics and critical chain (perf/lantern.h), the opportunities
// (perf/opportunities.h) and the budget lines (perf/budget.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "facts/page_facts.h"
#include "fetch/devices.h"
#include "fetch/resource_loader.h"
#include "perf/budget.h"

namespace mmaudit::pipeline {

struct LoadOptions {
  fetch::Device device;                  // viewport, DPR and (by name) the throttling preset
  const perf::Budgets* budgets = nullptr;  // --budget; not owned; null when none
  std::size_t max_resources = 400;       // per page, the document excluded; more are left out with a note
  int max_import_depth = 4;              // @import chains followed this deep
  long budget_ms = 60'000;               // no further round of fetches (imports, fonts, CSS images) after this
  // --server-time-ms: every origin's server response time in the simulation (perf::PageShape);
  // nullopt: the measured ones.
  std::optional<double> server_time_ms;
};

// Why the load of `page` cannot be measured whatever the options: "" for a parsed page that was
// fetched; else the reason the report gives (a page that was not audited, a saved page).
std::string NotMeasurableReason(const facts::PageFacts& page);

// Fills page->performance for a parsed page (page->parsed) and sets `measured`. A resource that
// cannot be fetched is a record with its error and the run goes on. Never throws. `loader` is
// shared by every page of a crawl and must outlive the call.
void MeasureLoad(facts::PageFacts* page, fetch::ResourceLoader& loader, const LoadOptions& options);

}  // namespace mmaudit::pipeline
