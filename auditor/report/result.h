// AuditResult: everything one run produced, before it is written as JSON. The JSON written from it
// (ToJson) is the single source of truth: the HTML report and every other format are rendered from
// that JSON, never from these structs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "facts/page_facts.h"
#include "fetch/crawler.h"
#include "rules/catalogue.h"
#include "rules/rule.h"
#include "rules/scoring.h"

namespace mmaudit::report {

// Bump on any change to the JSON's shape; reports/schema/report.schema.json carries the same number.
inline constexpr const char* kSchemaVersion = "1.1.0";
inline constexpr const char* kToolVersion = "0.1.0";

struct PageResult {
  facts::PageFacts facts;
  bool audited = false;  // false when the page could not be fetched or is not an auditable HTML page
  std::vector<rules::Finding> findings;
  rules::Scores scores;
};

struct Settings {
  std::string mode;        // "live" (fetched over HTTP) or "file" (--file)
  std::string device;      // preset name
  std::string user_agent;
  int viewport_width = 0;
  long connect_timeout_ms = 0;
  long total_timeout_ms = 0;
  unsigned long long max_body_bytes = 0;
  std::string rules_source;  // "built-in" or the --rules-dir path
};

// The crawl behind a site audit: its settings and every URL it saw.
struct SiteSection {
  std::vector<std::string> start_urls;
  fetch::CrawlOptions settings;
  std::size_t sample_per_type = 0;
  std::size_t sampled_out = 0;  // pages fetched and typed but not audited because of sampling
  fetch::CrawlResult crawl;
};

struct AuditResult {
  std::string generated_at;  // ISO 8601 UTC; excluded from determinism comparisons
  double duration_ms = 0;    // likewise
  Settings settings;
  std::vector<PageResult> pages;
  rules::Scores site;
  std::vector<rules::RuleSpec> rules;           // the catalogue in force
  std::vector<rules::RuleProblem> rule_problems;  // rules left out of it, with the reason
  std::optional<SiteSection> crawl;             // present for crawls (AuditSite); "site" in the JSON
};

// Serialises `result` as the versioned report JSON (see reports/schema/report.schema.json).
// Deterministic: the same result gives the same bytes. Never fails.
std::string ToJson(const AuditResult& result, bool pretty = true);

}  // namespace mmaudit::report
