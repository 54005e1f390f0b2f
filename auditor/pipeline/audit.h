// The audit pipeline: fetch -> facts -> rules -> AuditResult, one page at a time. Each page is
// fetched, its facts extracted and its DOM freed before the next page starts, so memory holds only
// compact facts. A page that fails becomes an entry with an error and the run goes on.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.h"
#include "facts/extract.h"
#include "fetch/devices.h"
#include "fetch/crawler.h"
#include "fetch/fetcher.h"
#include "fetch/resource_loader.h"
#include "perf/budget.h"
#include "pipeline/buyer.h"
#include "report/result.h"
#include "rules/catalogue.h"
#include "rules/categories.h"
#include "rules/overlay.h"

namespace mmaudit::pipeline {

struct AuditOptions {
  fetch::Device device;             // identity and viewport (see fetch/devices.h)
  fetch::FetchOptions fetch;        // timeouts and limits; user_agent is taken from `device`
  rules::Catalogue catalogue;       // the rules in force
  rules::Categories categories = rules::DefaultCategories();  // score categories (rules/categories.json)
  std::string rules_source = "built-in";
  std::string rules_overlay;                    // the --rules file applied to `catalogue`; "" when none
  std::vector<rules::RuleChange> rule_changes;  // what it changed (rules/overlay.h), for the report
  facts::ExtractOptions extract;
  fetch::CrawlOptions crawl;        // for AuditSite; crawl.fetch is overwritten with `fetch`
  std::size_t sample_per_type = 0;  // AuditSite audits at most this many pages per page type; 0: all
  std::vector<std::pair<std::string, std::string>> page_type_overrides;  // (glob on path?query, type)
  // AuditSite sets each page's JSON aside in a temporary file as soon as it is audited and keeps
  // only a slim summary in memory (report::StoreAndSlim), so memory does not grow with page size.
  bool store_pages = false;
  // After a crawl (AuditSite), the checkout from the best product page found: "walk", "inspect"
  // (links only) or "off" (see pipeline/checkout_walk.h). `buyer` overrides the default buyer.
  std::string checkout = "inspect";
  std::optional<Buyer> buyer;
  // The checkout obeys robots.txt as the crawl does unless the crawl ignores it or this is set.
  bool checkout_ignore_robots = false;
  // Load weight and simulated load time (pipeline/load.h): each audited page's subresources are
  // fetched (each URL once per run) and weighed. Off (--no-resources), every page's performance
  // section says so and the load rules are not applicable.
  bool measure_load = true;
  std::optional<perf::Budgets> budgets;  // --budget: a Lighthouse budget.json
  std::size_t max_resources = 400;       // per page
  // --server-time-ms: the server response time the load simulation uses for every origin instead of
  // the measured ones, so that the report depends only on the site's bytes (reproducible JSON).
  std::optional<double> server_time_ms;
};

// Audits one fetched response: facts, the load measured through `loader` (null: not measured, with
// the reason in the report), findings, scores. Never throws.
report::PageResult AuditResponse(const fetch::Response& response, const AuditOptions& options,
                                 fetch::ResourceLoader* loader = nullptr);

// options.extract with subresource discovery off when the load is not measured.
facts::ExtractOptions ExtractOptionsFor(const AuditOptions& options);
// The subresource loader for a run with `options`, or null when options.measure_load is off.
std::unique_ptr<fetch::ResourceLoader> NewResourceLoader(const AuditOptions& options);
// Measures the load of an audited page (pipeline/load.h) when `loader` is set; otherwise records
// why it was not measured.
void MeasurePageLoad(facts::PageFacts* page, const AuditOptions& options, fetch::ResourceLoader* loader);

// Crawls from `seeds` (see fetch/crawler.h) and audits every page found, on a pool of worker
// threads. With options.crawl.follow_links false and use_sitemaps false it audits exactly the seeds.
// The result's `site` section lists every URL seen. Pages are reported sorted by URL, so the same
// site gives the same report whatever order the transfers finished in. Never throws.
report::AuditResult AuditSite(const std::vector<std::string>& seeds, const AuditOptions& options,
                              Progress& progress);

// AuditSite's first half: the crawl and every page's audit (pages sorted by URL, stored when
// options.store_pages), without the checkout and the site stage (Finish). Used by the plan runs
// (pipeline/plan.h), which judge the site once every shard is in. Never throws.
report::AuditResult CrawlAndAudit(const std::vector<std::string>& seeds, const AuditOptions& options,
                                  Progress& progress);
// AuditSite's checkout: walked (or inspected, per options.checkout) from the audited page of
// `result` most surely a product page; a "not_found" entry when there is none. Fills
// result->checkout and result->checkout_findings.
void WalkFromBestProduct(const AuditOptions& options, Progress& progress, report::AuditResult* result);
// Applies options.page_type_overrides (--page-type) to `f` by its final URL's path?query.
void ApplyPageTypeOverrides(const AuditOptions& options, facts::PageFacts* f);

// Audits a saved page offline: `html` is treated as a 200 text/html response from `base_url`.
report::AuditResult AuditFile(const std::string& html, const std::string& base_url, const AuditOptions& options,
                              Progress& progress);

// Documented exit codes (README, `mmaudit --help`).
enum ExitCode : int {
  kExitOk = 0,
  kExitGateFailed = 1,  // a CI gate failed (--fail-under, --assert; report/gates.h)
  kExitUsage = 2,       // usage or configuration error
  kExitNothingAudited = 3,
};

// kExitOk when at least one page was audited, kExitNothingAudited otherwise.
int ExitCodeFor(const report::AuditResult& result);

// Runs the page-scoped rules on an extracted page (when audited) and fills its findings, scores and
// outcome. A page refused for its HTTP error status gets the rules that judge error pages
// (http-status-code), so it counts in the site's discoverability; other refused pages get empty
// scores and no outcome.
void EvaluatePage(report::PageResult* page, const AuditOptions& options);
// Shared by the audit entry points: a result with the settings filled in; and at the end the
// site-scoped rules, the site scores with their traces and explanations (rules/site.h), and the
// duration.
report::AuditResult NewResult(const AuditOptions& options, const char* mode);
void Finish(report::AuditResult* result, const AuditOptions& options, std::chrono::steady_clock::time_point started);

}  // namespace mmaudit::pipeline
