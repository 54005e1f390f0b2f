#include "pipeline/audit.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "pipeline/load.h"
#include "rules/scoring.h"
#include "rules/site.h"

namespace mmaudit::pipeline {

std::string NowIso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

report::AuditResult NewResult(const AuditOptions& o, const char* mode) {
  report::AuditResult r;
  r.generated_at = NowIso8601();
  r.settings.mode = mode;
  r.settings.device = o.device.name;
  r.settings.user_agent = o.device.user_agent;
  r.settings.viewport_width = o.device.viewport_width;
  r.settings.connect_timeout_ms = o.fetch.connect_timeout_ms;
  r.settings.total_timeout_ms = o.fetch.total_timeout_ms;
  r.settings.max_body_bytes = o.fetch.max_body_bytes;
  r.settings.max_download_bytes = o.fetch.max_download_bytes;
  r.settings.max_header_bytes = o.fetch.max_header_bytes;
  r.settings.max_dom_depth = o.extract.max_dom_depth;
  r.settings.max_json_ld_bytes = o.extract.max_json_ld_bytes;
  r.settings.max_links = o.extract.max_links;
  r.settings.deny_private_networks = o.fetch.deny_private_networks;
  r.settings.rules_source = o.rules_source;
  r.settings.server_time_ms = o.server_time_ms;
  r.settings.rules_overlay = o.rules_overlay;
  r.settings.rule_changes = o.rule_changes;
  r.settings.credentials = fetch::Summarize(o.fetch.credentials);
  r.rules = o.catalogue.rules;
  r.rule_problems = o.catalogue.problems;
  return r;
}

void EvaluatePage(report::PageResult* page, const AuditOptions& options) {
  if (!page->audited && page->facts.http.status < 400) {  // nothing to judge: no response, not HTML...
    page->scores = rules::ScorePage({});
    return;
  }
  page->findings = page->audited ? rules::EvaluateAll(options.catalogue, page->facts)
                                 : rules::EvaluateErrorPage(options.catalogue, page->facts);
  page->scores = rules::ScorePage(page->findings);
  const std::string& url = page->facts.http.final_url.empty() ? page->facts.http.requested_url : page->facts.http.final_url;
  page->outcome = rules::OutcomeOf(options.catalogue, url, page->facts.page_type, page->findings, page->scores);
}

void Finish(report::AuditResult* r, const AuditOptions& options, std::chrono::steady_clock::time_point started) {
  std::vector<rules::PageOutcome> outcomes;
  std::size_t not_audited = 0;
  for (auto& p : r->pages) {
    if (p.outcome) outcomes.push_back(std::move(*p.outcome));
    else ++not_audited;
  }
  rules::SiteVerdict v =
      rules::JudgeSite(options.catalogue, options.categories, std::move(outcomes), not_audited, r->checkout_findings);
  r->site_findings = std::move(v.findings);
  r->site = std::move(v.scores);
  r->explanations = std::move(v.explanations);
  r->categories = options.categories;
  r->duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
}

facts::ExtractOptions ExtractOptionsFor(const AuditOptions& options) {
  facts::ExtractOptions e = options.extract;
  e.find_subresources = e.find_subresources && options.measure_load;
  return e;
}

std::unique_ptr<fetch::ResourceLoader> NewResourceLoader(const AuditOptions& options) {
  if (!options.measure_load) return nullptr;
  fetch::ResourceLoaderOptions lo;
  lo.fetch = options.fetch;
  lo.fetch.user_agent = options.device.user_agent;
  // A subresource gets at most 15 s: a page waiting on a slow third party is what the report
  // should show, not what should hold a crawl worker for the page's whole timeout.
  lo.fetch.total_timeout_ms = std::min(lo.fetch.total_timeout_ms, 15'000L);
  return std::make_unique<fetch::ResourceLoader>(lo);
}

void MeasurePageLoad(facts::PageFacts* page, const AuditOptions& options, fetch::ResourceLoader* loader) {
  page->performance.fixed_server_ms = options.server_time_ms;
  if (std::string why = NotMeasurableReason(*page); !why.empty()) {
    page->performance.not_measured_reason = std::move(why);
  } else if (loader == nullptr) {
    page->performance.not_measured_reason = "resources not fetched (--no-resources)";
  } else {
    LoadOptions lo;
    lo.device = options.device;
    lo.budgets = options.budgets ? &*options.budgets : nullptr;
    lo.max_resources = options.max_resources;
    lo.server_time_ms = options.server_time_ms;
    MeasureLoad(page, *loader, lo);
  }
  page->subresources.clear();
  page->subresources.shrink_to_fit();
  page->selector_hooks.clear();
  page->selector_hooks.shrink_to_fit();
  if (!page->performance.measured && page->mobile.linked_stylesheets > 0 && page->mobile.linked_stylesheets_read == 0)
    page->mobile.linked_css_note = "the page's " + std::to_string(page->mobile.linked_stylesheets) +
                                   " linked stylesheets were not read: " + page->performance.not_measured_reason;
  page->mobile_dom = facts::MobileDom{};
}

report::PageResult AuditResponse(const fetch::Response& response, const AuditOptions& options,
                                 fetch::ResourceLoader* loader) {
  report::PageResult page;
  page.facts = facts::ExtractPage(response, ExtractOptionsFor(options));
  page.audited = page.facts.parsed;
  MeasurePageLoad(&page.facts, options, loader);
  EvaluatePage(&page, options);
  return page;
}

report::AuditResult AuditFile(const std::string& html, const std::string& base_url, const AuditOptions& options,
                              Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  report::AuditResult result = NewResult(options, "file");
  fetch::Response response;
  response.requested_url = base_url;
  response.final_url = base_url;
  response.status = 200;
  response.headers = {{"content-type", "text/html"}};
  response.body = html;
  response.decoded_bytes = html.size();
  response.transfer_bytes = html.size();
  response.body_transfer_bytes = html.size();
  response.from_file = true;
  progress.Planned(1);
  report::PageResult page = AuditResponse(response, options);
  progress.Finished(base_url, page.audited);
  result.pages.push_back(std::move(page));
  progress.Done();
  Finish(&result, options, started);
  return result;
}

int ExitCodeFor(const report::AuditResult& result) {
  for (const auto& p : result.pages)
    if (p.audited) return kExitOk;
  return kExitNothingAudited;
}

}  // namespace mmaudit::pipeline
