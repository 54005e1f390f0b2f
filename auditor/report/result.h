// AuditResult: everything one run produced, before it is written as JSON. The JSON written from it
// (ToJson) is the single source of truth: the HTML report and every other format are rendered from
// that JSON, never from these structs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "facts/checkout_flow.h"
#include "facts/page_facts.h"
#include "fetch/crawler.h"
#include "report/branding.h"
#include "report/gates.h"
#include "rules/catalogue.h"
#include "rules/overlay.h"
#include "rules/rule.h"
#include "rules/scoring.h"
#include "rules/site.h"

namespace mmaudit::report {

// Bump on any change to the JSON's shape; reports/schema/report.schema.json carries the same number.
inline constexpr const char* kSchemaVersion = "1.4.0";
inline constexpr const char* kToolVersion = "0.1.0";

// Where a page's report JSON was set aside in a JsonStore.
struct StoredJson {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct PageResult {
  facts::PageFacts facts;
  bool audited = false;  // false when the page could not be fetched or is not an auditable HTML page
  std::vector<rules::Finding> findings;
  rules::Scores scores;
  // Set when the page's JSON was written to the result's JsonStore and the page slimmed (see
  // SlimAfterStoring): then the JSON comes from the store, and `facts` keeps only the HTTP basics,
  // error and page type, and `findings` only the ones that scored below 0.9 (for the summary).
  std::optional<StoredJson> stored;
  // What the site rules and site scores read of an audited page (rules::OutcomeOf), kept when the
  // page is slimmed; nullopt for pages not audited.
  std::optional<rules::PageOutcome> outcome;
};

// Page JSON set aside during a long crawl, so memory holds only what the summary needs. Backed by
// an unnamed temporary file that disappears with the store. Put and Get are thread-safe.
class JsonStore {
 public:
  JsonStore();
  ~JsonStore();
  JsonStore(const JsonStore&) = delete;
  JsonStore& operator=(const JsonStore&) = delete;
  // Appends `json`; returns where it went, or nullopt when the file could not be written.
  std::optional<StoredJson> Put(const std::string& json);
  // The bytes stored at `where`, or "" when they cannot be read.
  std::string Get(const StoredJson& where) const;
  // False when the temporary file could not be created or a write to it failed; Put then refuses.
  bool ok() const;

 private:
  std::FILE* file_ = nullptr;
  bool broken_ = false;
  mutable std::mutex mu_;
};

struct Settings {
  std::string mode;        // "live" (fetched over HTTP) or "file" (--file)
  std::string device;      // preset name
  std::string user_agent;
  int viewport_width = 0;
  long connect_timeout_ms = 0;
  long total_timeout_ms = 0;
  unsigned long long max_body_bytes = 0;
  // The resource limits (README, Limits) besides the crawl's (SiteSection::settings).
  unsigned long long max_download_bytes = 0;
  unsigned long long max_header_bytes = 0;
  std::size_t max_dom_depth = 0;
  std::size_t max_json_ld_bytes = 0;
  std::size_t max_links = 0;
  bool deny_private_networks = false;
  std::string rules_source;  // "built-in" or the --rules-dir path
  std::optional<double> server_time_ms;  // --server-time-ms: the fixed server time of the load simulation
  std::string rules_overlay;  // the --rules overlay file applied on top of it; "" when none
  std::vector<rules::RuleChange> rule_changes;  // what the overlay changed, in order of application
  std::string brand_name;                // --brand-name; "" when none
  std::optional<BrandLogo> brand_logo;   // --brand-logo, checked (report/branding.h)
  // --header, --cookie, --cookie-file, --user: names only, never values (written as "[redacted]").
  std::optional<fetch::CredentialsSummary> credentials;
};

// The URL entries of a site section (the report's site.urls), handed to the JSON writer one at a
// time instead of held in memory: MergeShards reads them from disk, so a merge of a million-URL
// plan keeps none of them. A source may be read any number of times (the report is written again
// with its gates), always giving the same entries in the same order.
class SiteEntrySource {
 public:
  virtual ~SiteEntrySource() = default;
  // Calls `each` with every entry in report order. Returns false with *error when the entries
  // cannot be read (then `each` may have seen some of them).
  virtual bool ForEach(const std::function<void(const fetch::CrawlEntry&)>& each, std::string* error) const = 0;
};

// The crawl behind a site audit: its settings and every URL it saw.
struct SiteSection {
  std::vector<std::string> start_urls;
  fetch::CrawlOptions settings;
  std::size_t sample_per_type = 0;
  std::size_t sampled_out = 0;  // pages fetched and typed but not audited because of sampling
  fetch::CrawlResult crawl;
  // When set, the report's site.urls come from here and crawl.entries is empty (crawl.fetched,
  // failed and skipped still hold the counts); when null, from crawl.entries.
  std::shared_ptr<const SiteEntrySource> entry_source;
};

struct AuditResult {
  std::string generated_at;  // ISO 8601 UTC; excluded from determinism comparisons
  double duration_ms = 0;    // likewise
  Settings settings;
  std::vector<PageResult> pages;
  rules::SiteScores site;                        // the site's scores and their traces (rules/site.h)
  rules::Categories categories;                  // the categories they were computed with
  std::vector<rules::Finding> site_findings;     // the "site"-scoped rules
  std::vector<rules::Explanation> explanations;  // the site's category scores in words
  std::vector<rules::RuleSpec> rules;           // the catalogue in force
  std::vector<rules::RuleProblem> rule_problems;  // rules left out of it, with the reason
  std::optional<SiteSection> crawl;             // present for crawls (AuditSite); "site" in the JSON
  std::optional<facts::CheckoutFlow> checkout;  // present when a checkout walk or inspection ran
  std::vector<rules::Finding> checkout_findings;  // the "checkout"-scoped rules on it
  std::shared_ptr<JsonStore> store;             // where stored pages' JSON lives; null when none
  // The CI gates judged on this result's JSON (report/gates.h); nullopt when none were asked for.
  std::optional<GateReport> gates;
};

// One page's object of the report JSON, compact. Used to store pages during a crawl.
std::string PageToJson(const PageResult& page);
// Stores `page`'s JSON in `store` and drops what the summary does not need. Does nothing (and
// returns false) when the store cannot be written; the page then stays whole in memory.
bool StoreAndSlim(PageResult* page, JsonStore* store);

// Writes ToJson(result, pretty=true) to `path` as a stream (no copy of the whole report in memory),
// through a temporary file renamed into place. Returns false with *error when it cannot write or
// the site section's entry source cannot be read (then `path` is left as it was).
bool WriteJsonFile(const AuditResult& result, const std::string& path, std::string* error);

// Serialises `result` as the versioned report JSON (see reports/schema/report.schema.json).
// Deterministic: the same result gives the same bytes. Never fails: when the site section's entry
// source cannot be read, its site.urls hold the entries read until then.
std::string ToJson(const AuditResult& result, bool pretty = true);

}  // namespace mmaudit::report
