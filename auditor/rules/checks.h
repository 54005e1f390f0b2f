// The check registry: named functions from PageFacts (plus a rule's options) to a verdict. Rules in
// rules/*.json name these checks; the registry is a static table, as in ninja's subcommand table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/checkout_flow.h"
#include "facts/page_facts.h"
#include "rules/rule.h"

namespace mmaudit::rules {

// What a check returns. `applicable` false means the rule does not apply to this page (N/A).
// For binary rules `passed` decides; for numeric rules `value` is scored with the rule's curve
// (options "curve": "linear" with "good"/"poor", or "log-normal" with "p10"/"median"). A check may
// set `warn` to downgrade a pass to a warning.
struct CheckResult {
  bool applicable = true;
  bool passed = false;
  bool warn = false;
  std::optional<double> value;
  std::string unit;
  std::string display_value;
  std::vector<std::string> details;
  std::string not_applicable_reason;
  // For numeric rules whose thresholds depend on the audited device: when set (e.g. "desktop") and
  // the rule has options "<variant>_p10"/"<variant>_median" (or "<variant>_good"/"<variant>_poor"),
  // those are used instead of the plain ones. Lighthouse scores desktop metrics on other curves.
  std::string curve_variant;
};

using CheckFn = CheckResult (*)(const facts::PageFacts& page, const Options& options);

struct CheckInfo {
  const char* name;
  CheckFn fn;
  const char* needs;  // the facts it reads, for the docs: "commerce, structured_data"
  // True for a check that also judges a page refused for its error status (4xx/5xx), whose facts
  // hold only the HTTP basics: http-status-code. Other checks run on audited pages only.
  bool error_pages = false;
};

// Every registered check: the table of checks.cc, then the tables of the other check files.
const std::vector<CheckInfo>& Checks();
// The checks of rules/engagement.json (engagement_checks.cc); Checks() includes them.
const std::vector<CheckInfo>& EngagementChecks();
// The mobile layout checks (mobile_checks.cc); Checks() includes them.
const std::vector<CheckInfo>& MobileChecks();
// The check called `name`, or nullptr.
const CheckInfo* FindCheck(std::string_view name);

// Checks of rules with "scope": "checkout": one verdict on the site's checkout
// (facts::CheckoutFlow, from the checkout walk or inspection) instead of one per page.
using CheckoutCheckFn = CheckResult (*)(const facts::CheckoutFlow& checkout, const Options& options);
struct CheckoutCheckInfo {
  const char* name;
  CheckoutCheckFn fn;
  const char* needs;  // the measures it reads, for the docs
};
const std::vector<CheckoutCheckInfo>& CheckoutChecks();
// The checkout check called `name`, or nullptr.
const CheckoutCheckInfo* FindCheckoutCheck(std::string_view name);

}  // namespace mmaudit::rules
