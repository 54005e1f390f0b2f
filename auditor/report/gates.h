// CI gates: `--fail-under` thresholds on the site's scores and an assertions file in the spirit of
// Lighthouse CI's (`--assert FILE`), judged against a report JSON. Evaluation reads only the report
// JSON, so a saved report can be gated as well as a fresh one, and it is pure: the same report and
// gates give the same results, in the same order.
//
// The assertions file is a JSON object with these keys, all optional:
//   "assertions":   {KEY: ASSERTION, ...}   judged on every audited page, and on the site: the
//                                            site-scoped and checkout-scoped findings, the site's
//                                            category scores
//   "assertMatrix": [{"matchingUrlPattern": REGEX, "pageTypes": [TYPE, ...], "assertions": {...}}]
//                   each entry judges only the audited pages it selects: the pattern (ECMAScript
//                   regex, searched anywhere in the page's URL or final URL) and the page types must
//                   both match when given. An entry with neither selects every page, as
//                   "assertions" does (then it judges the site too).
//   "includePassedAssertions": true          list passed results too (otherwise only the others)
// KEY is a rule id, or "categories:ID" (also "categories.ID") with ID a moment of rules::Moments()
// or "overall". ASSERTION is "off", "warn", "error", or [LEVEL, {OPTIONS}] with OPTIONS among
//   "minScore": 0..1          the finding's score (a category: its score / 100) must be >= it
//   "maxNumericValue": N      the finding's measured value must be <= N
//   "maxLength": N            the finding's details (evidence items) must number <= N (an integer)
// A rule assertion without maxNumericValue or maxLength checks minScore 0.9 (Lighthouse CI's
// default); a category assertion takes only minScore (default 0.9).
//
// Semantics (where they differ from Lighthouse CI, it says so):
//   - Each selected finding is judged on its own (LHCI aggregates several runs of one URL; mmaudit
//     audits each page once, so there is no aggregationMethod).
//   - A not-applicable finding, or a page the rule does not run on (its page types), is skipped
//     (LHCI counts N/A as score 1). An informative finding has no score: minScore skips it.
//   - A finding whose rule could not run (status "error") fails; so does maxNumericValue on a
//     finding that gives no value (as in LHCI).
//   - An assertion that judged nothing at all (the rule was not applicable on every page selected,
//     the pattern selected no page, or the rule is not in the report) gives one failed "auditRan"
//     result, so that a typo or an empty selection cannot pass silently (LHCI skips a pattern that
//     matches nothing).
//   - In "assertions", "categories:ID" judges the site's score for ID (summary.scores); in a matrix
//     entry with a pattern or page types, each selected page's score. Pages without a score for ID
//     are skipped.
//   - Both "assertions" and "assertMatrix" may be given (LHCI allows one or the other); every entry
//     applies independently, as LHCI's matrix entries do.
//   - "preset", "budgetsFile" and "aggregationMethod" are LHCI options without a meaning here and
//     are configuration errors. Budgets: give --budget FILE and assert the "performance-budget" rule.
//
// `--fail-under SCORE` gates the site's overall score (0..100); `--fail-under ID=SCORE` one category's.
// A missing score (nothing scored) fails.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "rules/rule.h"

namespace mmaudit::report {

enum class GateLevel { kOff, kWarn, kError };
const char* GateLevelName(GateLevel level);  // "off", "warn", "error"

// One key of an assertions object, parsed.
struct Assertion {
  std::string key;       // as written in the file
  std::string rule_id;   // a rule assertion: the rule id; "" for a category assertion
  std::string category;  // a category assertion: a moment or "overall"; "" for a rule assertion
  GateLevel level = GateLevel::kOff;
  std::optional<double> min_score;          // as given; see MinScore()
  std::optional<double> max_numeric_value;
  std::optional<double> max_length;
  // The minScore checked: the given one, else 0.9 when neither max option is given, else none.
  std::optional<double> MinScore() const;
};

// "assertions" or one assertMatrix entry.
struct AssertionSet {
  std::string source;                     // "assertions" or "assertMatrix[N]"
  std::string url_pattern;                // "" when none
  std::vector<std::string> page_types;    // empty: every page type
  std::vector<Assertion> assertions;      // in file order
  // True when the set selects every page (no pattern, no page types): it then judges the site too.
  bool SelectsAll() const { return url_pattern.empty() && page_types.empty(); }
};

struct FailUnder {
  std::string spec;      // as given: "80" or "buy=80"
  std::string category;  // "overall" or a moment
  double min = 0;        // 0..100
};

struct GateConfig {
  std::string assertions_file;        // the --assert path; "" when none
  std::vector<AssertionSet> sets;
  bool include_passed = false;
  std::vector<FailUnder> fail_under;
  bool Empty() const { return sets.empty() && fail_under.empty(); }
};

// One mistake in an assertions file; every one is a configuration error (exit code 2).
struct GateConfigError {
  std::string key;      // where in the file: "assertions.viewport", "assertMatrix[1].pageTypes[0]";
                        // "" for the file as a whole
  std::string message;
  // `FILE: key "KEY": MESSAGE` (or `FILE: MESSAGE` without a key).
  std::string Text(const std::string& file) const;
};

// Parses the assertions file's `json` into config->sets and config->include_passed. Returns false
// with every mistake appended to *errors (config is then left unchanged); true when there is none.
bool ParseAssertions(const std::string& json, GateConfig* config, std::vector<GateConfigError>* errors);

// Parses one --fail-under value ("80", "buy=80", "overall=72.5"). False with *error when the
// category is not a moment or "overall", or the score is not a number in 0..100.
bool ParseFailUnder(const std::string& spec, FailUnder* out, std::string* error);

// Checks the parsed assertions against the rules in force before anything is audited: every rule
// id must be in `rules`, and a rule scored "informative" cannot take minScore (it has no score).
// Returns the mistakes (empty when none).
std::vector<GateConfigError> CheckAgainstRules(const GateConfig& config, const std::vector<rules::RuleSpec>& rules);

// One judged assertion on one finding or score.
struct GateResult {
  std::string assertion;  // the key ("viewport", "categories:buy"), or "fail-under"
  std::string kind;       // "minScore", "maxNumericValue", "maxLength", "auditRan" or "failUnder"
  GateLevel level = GateLevel::kError;
  std::string where;      // the page URL, "site" or "checkout"
  std::string source;     // "assertions", "assertMatrix[N]" or "--fail-under"
  std::string op;         // ">=" or "<="
  double expected = 0;
  std::optional<double> actual;  // nullopt when there was nothing to compare
  bool passed = false;
  std::string message;    // context: the finding's display value, or why nothing could be compared
  // One line for people, without line breaks: "error viewport minScore on URL: expected >= 0.9,
  // found 0 (assertions): MESSAGE".
  std::string Line() const;
};

struct GateReport {
  std::string assertions_file;
  std::vector<std::string> fail_under;  // the specs as given
  bool include_passed = false;
  std::size_t checked = 0;   // results made
  std::size_t passed = 0;
  std::size_t warnings = 0;  // level warn, not passed
  std::size_t failures = 0;  // level error, not passed
  std::vector<GateResult> results;  // those not passed, in evaluation order; all with include_passed
  bool Failed() const { return failures > 0; }
};

// Judges `config` against `report`, a parsed report JSON (reports/schema/report.schema.json).
// Order: --fail-under in the order given, then "assertions", then the assertMatrix entries in order;
// within a set each assertion in file order, the site's and checkout's findings first, then the
// pages in report order. Missing or mistyped members of the
// report are treated as absent, never as a crash.
GateReport EvaluateGates(const rapidjson::Value& report, const GateConfig& config);

}  // namespace mmaudit::report
