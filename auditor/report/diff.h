// The diff of two report JSONs (issue 7, "--baseline"): what changed between a baseline run and a
// later run of the same site. It reads only the two JSON documents (never AuditResult), so any two
// report files can be compared, including reports of older schema versions (1.x): every section
// but "pages" may be missing, and a field of the wrong type counts as absent.
//
// Pages are matched by their requested URL with the report's own origin removed: each report's
// origin is the scheme, host and port of its first start URL (site.start_urls), else of its first
// page. So the same shop on two ports of 127.0.0.1, or on a staging and a production host, is
// compared page by page ("/p/1" against "/p/1"); a page on another origin keeps its whole URL.
// DiffOptions::compare_origins keys pages by their whole URL instead.
//
// What is reported (the vocabulary of the README's "Baselines" section):
// - a finding *fails* when its status is "warn" or "fail";
// - *new*: a finding that fails now and did not fail in the baseline (passed, was not applicable,
//   informative, an error, or absent because the rule is new);
// - *fixed*: a finding that failed in the baseline and does not fail now (or whose rule is gone);
// - *changed*: a finding that failed both times with another status or score;
// findings are compared on pages present in both reports, among the site findings
// ("site_findings", by rule id) and among the checkout findings ("checkout.findings"); pages added
// or removed are listed as such (with their scores), not finding by finding.
// - the site's score deltas (overall and every moment) and, for pages in both reports, the page
//   scores that changed; the checkout's changes (result, steps, fields, guest checkout, payments).
//
// Order is stable: findings by scope (site, checkout, page), then page key, then rule id; pages by
// key; scores overall first, then the moments in the report order (know, go, do, buy, mobile, speed,
// discoverability, engagement), then any other moment alphabetically.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::report {

struct DiffOptions {
  bool compare_origins = false;  // key pages by their whole URL, not by path on each report's origin
};

// One score before and after, on 0..100; nullopt when that report has no such score.
struct ScoreDelta {
  std::string scope;  // "overall" or a moment id
  std::optional<double> before, after;
  // after - before when both are present.
  std::optional<double> Delta() const;
};

struct FindingChange {
  std::string scope;  // "site", "checkout" or "page"
  std::string page;   // the page key ("/p/1"), "" for site and checkout findings
  std::string url;    // the page's URL in the new report (the baseline's when it is gone), "" likewise
  std::string rule_id;
  std::string moment;
  std::string status_before, status_after;  // "" when the finding is absent from that report
  std::optional<double> score_before, score_after;  // 0..1
  std::string display_before, display_after;        // display_value, may be ""
};

struct PageChange {
  std::string key;
  std::string url;        // in the report it is in (the new one for changed pages)
  std::string page_type;  // likewise
  std::vector<ScoreDelta> scores;  // added/removed: just "overall"; changed: the scopes that changed
};

// One checkout property that changed, in words ("steps", "3", "4").
struct CheckoutChange {
  std::string field;
  std::string before, after;
};

struct ReportDiff {
  std::string origin_before, origin_after;  // "" when a report lists no page
  bool compare_origins = false;
  std::string generated_before, generated_after;       // the reports' generated_at
  std::string schema_before, schema_after;             // their schema_version
  std::vector<ScoreDelta> site_scores;                 // overall, then every moment in either report
  std::vector<PageChange> pages_added, pages_removed;  // by key
  std::vector<PageChange> pages_changed;               // pages in both whose scores changed
  std::size_t pages_compared = 0;                      // pages in both reports
  std::vector<FindingChange> new_findings, fixed_findings, changed_findings;
  std::vector<CheckoutChange> checkout;
};

// Diffs two report JSON texts. Returns true and fills *diff; returns false with *error ("the
// baseline report ..." / "the new report ...", naming what is wrong) when a text is not JSON, not a
// report object (no "pages" array), or of a schema major version other than 1. Never throws.
bool DiffReports(std::string_view before_json, std::string_view after_json, const DiffOptions& options,
                 ReportDiff* diff, std::string* error);

// Why `diff` is a regression for a gate with `tolerance` points (>= 0): one line per site score
// (overall or a moment) that dropped by more than `tolerance`, and one per new finding or changed
// finding whose status got worse (warn -> fail). Empty when nothing regressed.
std::vector<std::string> Regressions(const ReportDiff& diff, double tolerance);

// The diff as the report's "baseline" section (a JSON object, compact): `baseline_file` is recorded
// as given; `regressions` as computed by the caller (with `tolerance`, null when no gate was asked).
std::string DiffToJson(const ReportDiff& diff, const std::string& baseline_file, std::optional<double> tolerance,
                       const std::vector<std::string>& regressions);

// The diff in plain text for the terminal (mmaudit diff); strings from pages are stripped of
// control characters.
std::string DiffToText(const ReportDiff& diff);

// Inserts `section_json` (an object) as the last member "baseline" of the report JSON text
// *report_json, as written by WriteJsonFile. Returns false (and leaves it unchanged) when the text
// does not end with an object.
bool AttachBaselineSection(std::string* report_json, const std::string& section_json);

// The HTML "Since the baseline" section (<section id="baseline">) for the report's "baseline"
// object (as DiffToJson writes it), every string escaped; "" when `baseline` is not an object.
std::string RenderBaselineHtml(const rapidjson::Value& baseline);

}  // namespace mmaudit::report
