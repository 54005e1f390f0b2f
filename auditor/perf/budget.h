// Lighthouse performance budgets (budget.json): parsing with Lighthouse's validation
// (core/config/budget.js) and checking a page against the budget that applies to its URL.
// Pure functions, no I/O; thread-safe; results are owned by the caller.
//
// budget.json is an array of budgets:
//   [{"path": "/*",                                       optional; default "/" (every page)
//     "options": {"firstPartyHostnames": ["*.shop.com"]},  optional
//     "resourceSizes": [{"resourceType": "script", "budget": 300}],      KiB of transfer size
//     "resourceCounts": [{"resourceType": "third-party", "budget": 10}], requests
//     "timings": [{"metric": "first-contentful-paint", "budget": 2000}]}]  ms
// resourceType: total, document, script, stylesheet, image, media, font, other, third-party.
// metric: first-contentful-paint, largest-contentful-paint, speed-index, total-blocking-time,
// interactive, max-potential-fid, cumulative-layout-shift, first-meaningful-paint.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/performance.h"

namespace mmaudit::perf {

struct ResourceBudget {
  std::string resource_type;  // one of the resource types above
  double budget = 0;          // KiB (resourceSizes) or requests (resourceCounts)
};

struct TimingBudget {
  std::string metric;  // one of the metric ids above
  double budget = 0;   // ms (cumulative-layout-shift: unitless)
};

struct Budget {
  std::string path = "/";  // robots.txt-style pattern: at most one '*', '$' only at the end
  // Hosts counted as first party instead of the document's registrable domain; "*.x.com" matches
  // x.com's subdomains and x.com itself. Empty: the registrable domain decides.
  std::vector<std::string> first_party_hostnames;
  std::vector<ResourceBudget> resource_sizes, resource_counts;
  std::vector<TimingBudget> timings;
};

using Budgets = std::vector<Budget>;

// Parses and validates a budget.json text. On success the budgets in file order. On failure
// nullopt, and *error (when not null) says what is wrong and where, e.g. "budget file is not valid
// JSON: Missing a comma ... at offset 57", "budget file is not an array of budgets",
// "budgets[0].resourceSizes[1].resourceType: unknown resource type 'scripts' (valid: total, ...)",
// "budgets[0].timings[0].budget: not a number", "budgets[0].resourceSizes: duplicate resource type
// 'script'", "budgets[1]: unrecognized properties: sizes", "budgets[0].path: invalid path '/a*b*'
// (robots.txt format: starts with '/', at most one '*', '$' only at the end)".
std::optional<Budgets> ParseBudgets(std::string_view json, std::string* error);

// Lighthouse's Budget.urlMatchesPattern: `pattern` (already valid) against the URL's path plus
// "?query". No special character: the path starts with the pattern; "P$": the path is P; "A*B":
// starts with A and B occurs after it; "A*B$": starts with A and ends with B. False when `url` does
// not parse.
bool UrlMatchesBudgetPath(const std::string& url, const std::string& pattern);

// The budget that applies to `url`: the LAST one whose path matches (Lighthouse's
// Budget.getMatchingBudget), or null. The pointer is into `budgets`.
const Budget* MatchingBudget(const Budgets& budgets, const std::string& url);

// One line per entry of the matching budget, in file order (resourceSizes, then resourceCounts,
// then timings); empty when no budget matches.
// - Sizes: actual = transfer bytes / 1024 (KiB) of the summary's bucket (total, third-party or the
//   type); counts: the bucket's request count. Deferred resources are not counted (see
//   WeightSummary). With first_party_hostnames, third-party is recounted from `records` (not
//   deferred, once per URL) by those hosts. An over-budget size line's note names the largest
//   resource in that bucket.
// - Timings: first-contentful-paint, largest-contentful-paint, speed-index and total-blocking-time
//   from `metrics` (value_ms); when that estimate is not available the line has actual 0, over
//   false and a note saying so. interactive, max-potential-fid, cumulative-layout-shift and
//   first-meaningful-paint are not estimated by mmaudit: actual 0, over false, a note says so.
// `over` is actual > budget.
std::vector<facts::BudgetResult> CheckBudgets(const Budgets& budgets, const std::string& url,
                                              const facts::WeightSummary& summary,
                                              const std::vector<facts::ResourceRecord>& records,
                                              const facts::PagePerformance& metrics);

}  // namespace mmaudit::perf
