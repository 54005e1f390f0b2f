// The audit pipeline: fetch -> facts -> rules -> AuditResult, one page at a time. Each page is
// fetched, its facts extracted and its DOM freed before the next page starts, so memory holds only
// compact facts. A page that fails becomes an entry with an error and the run goes on.
#pragma once

#include <string>
#include <vector>

#include "core/progress.h"
#include "facts/extract.h"
#include "fetch/devices.h"
#include "fetch/fetcher.h"
#include "report/result.h"
#include "rules/catalogue.h"

namespace mmaudit::pipeline {

struct AuditOptions {
  fetch::Device device;             // identity and viewport (see fetch/devices.h)
  fetch::FetchOptions fetch;        // timeouts and limits; user_agent is taken from `device`
  rules::Catalogue catalogue;       // the rules in force
  std::string rules_source = "built-in";
  facts::ExtractOptions extract;
};

// Audits one fetched response: facts, findings, scores. Never throws.
report::PageResult AuditResponse(const fetch::Response& response, const AuditOptions& options);

// Fetches and audits every URL in order with `fetcher`, reporting progress. Duplicate URLs are
// audited once. Never throws; each failure is recorded on its page.
report::AuditResult AuditUrls(const std::vector<std::string>& urls, fetch::Fetcher& fetcher,
                              const AuditOptions& options, Progress& progress);

// Audits a saved page offline: `html` is treated as a 200 text/html response from `base_url`.
report::AuditResult AuditFile(const std::string& html, const std::string& base_url, const AuditOptions& options,
                              Progress& progress);

// Documented exit codes (README, `mmaudit --help`).
enum ExitCode : int {
  kExitOk = 0,
  kExitGateFailed = 1,  // reserved for CI gates
  kExitUsage = 2,       // usage or configuration error
  kExitNothingAudited = 3,
};

// kExitOk when at least one page was audited, kExitNothingAudited otherwise.
int ExitCodeFor(const report::AuditResult& result);

}  // namespace mmaudit::pipeline
