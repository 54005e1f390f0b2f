// Scoring: turning check results into findings, and findings into page and site scores.
//
// A finding's score is 0..1. Binary rules score 1 or 0. Numeric rules use the rule's curve:
// "log-normal" (Lighthouse's: 0.9 at p10, 0.5 at the median) or "linear" (1 at "good", 0 at "poor",
// straight in between, as Yellow Lab Tools scores). Status: score >= 0.9 pass, >= 0.5 warn, else fail.
//
// A moment's score is the weighted mean of the scores of its pass/warn/fail findings; N/A,
// informative and error findings do not count. A page's overall score is the weighted mean of all
// its scored findings. The site's scores, which also count site-scoped and checkout-scoped findings,
// are in rules/site.h. Scores are reported on 0..100, rounded to whole numbers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "facts/page_facts.h"
#include "perf/curves.h"
#include "rules/catalogue.h"
#include "rules/checks.h"
#include "rules/rule.h"

namespace mmaudit::rules {

// The score curves (perf/curves.h), used by numeric rules.
using perf::LinearScore;
using perf::LogNormalScore;

// Runs `rule` on `page`. Never throws: an exception in a check, or a check that is not registered,
// becomes an error finding that names the problem.
Finding Evaluate(const RuleSpec& rule, const facts::PageFacts& page);

// Runs every page-scoped rule that applies to the page's type, in catalogue order.
std::vector<Finding> EvaluateAll(const Catalogue& catalogue, const facts::PageFacts& page);

// Runs the page-scoped rules whose check judges error pages (CheckInfo::error_pages) on a page that
// was refused for its HTTP error status, so a broken page shows up as a finding (http-status-code).
std::vector<Finding> EvaluateErrorPage(const Catalogue& catalogue, const facts::PageFacts& page);

// Runs `rule` (scope "checkout") on the site's checkout; never throws, as Evaluate.
Finding EvaluateCheckout(const RuleSpec& rule, const facts::CheckoutFlow& checkout);
// Runs every checkout-scoped rule, in catalogue order. Their findings are reported with the
// checkout; they do not enter the pages' scores, only the site's (rules/site.h).
std::vector<Finding> EvaluateCheckoutRules(const Catalogue& catalogue, const facts::CheckoutFlow& checkout);

struct Scores {
  std::optional<double> overall;               // 0..100
  std::map<std::string, std::optional<double>> moments;  // every moment of Moments(); nullopt: nothing scored
};

Scores ScorePage(const std::vector<Finding>& findings);

}  // namespace mmaudit::rules
