// The site as a whole: what site-scoped rules read, their checks, and the site's scores with the
// trace of every number that made them, and their explanation in words.
//
// Site scores. For each category (moment) m:
//   - the pages' part P is the mean of the audited pages' scores for m (pages where m had no scored
//     finding are left out), and carries the category's `pages_weight` (rules/categories.json);
//   - every scored site-scoped finding (scope "site": coverage rules) and checkout-scoped finding
//     (scope "checkout") of moment m carries its rule's weight w and its score s (0..100);
//   - score(m) = (pages_weight × P + Σ w × s) / (pages_weight + Σ w), over the parts present;
//     no part present: no score.
// The site's overall score is the mean of the category scores weighted by the categories' `weight`,
// over the categories that have a score. Scores are reported on 0..100 as whole numbers; the trace
// keeps every part's score and weight so a reader can recompute each one.
//
// Everything here is pure and deterministic: the same pages (in any order) give the same result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/checkout_flow.h"
#include "rules/catalogue.h"
#include "rules/categories.h"
#include "rules/checks.h"
#include "rules/rule.h"
#include "rules/scoring.h"

namespace mmaudit::rules {

// One audited page as the site rules see it: its type and every page-scoped finding's status and
// score, compact (a long crawl keeps one of these per page rather than the page's findings).
struct PageOutcome {
  struct Rule {
    std::uint16_t index = 0;  // into Catalogue::rules
    Status status = Status::kNotApplicable;
    std::int16_t score_milli = -1;  // the finding's score × 1000, or -1 when it has none
  };
  std::string url;
  std::string page_type;
  std::vector<Rule> rules;  // in catalogue order
  Scores scores;            // the page's scores (ScorePage)
};

// The outcome of a page from its findings (whose rule ids are looked up in `catalogue`; findings
// of rules not in it are left out).
PageOutcome OutcomeOf(const Catalogue& catalogue, std::string url, std::string page_type,
                      const std::vector<Finding>& findings, const Scores& scores);

// What site-scoped checks read.
struct SiteFacts {
  const Catalogue* catalogue = nullptr;  // the rules the page outcomes refer to; not owned
  std::vector<PageOutcome> pages;        // audited pages, sorted by URL
  std::size_t pages_not_audited = 0;

  // The page outcome's entry for rule `id`, or nullptr when that rule did not run on the page.
  const PageOutcome::Rule* Find(const PageOutcome& page, std::string_view id) const;
};

// Site-scoped checks: one verdict on the whole site.
using SiteCheckFn = CheckResult (*)(const SiteFacts& site, const Options& options);
struct SiteCheckInfo {
  const char* name;
  SiteCheckFn fn;
  const char* needs;  // what it reads, for the docs
};
const std::vector<SiteCheckInfo>& SiteChecks();
// The site check called `name`, or nullptr.
const SiteCheckInfo* FindSiteCheck(std::string_view name);

// Runs `rule` (scope "site") on `site`; never throws: an unregistered check, or a check that throws
// (for instance because its options name a rule missing from the catalogue), gives an error finding.
Finding EvaluateSite(const RuleSpec& rule, const SiteFacts& site);
// Runs every site-scoped rule, in catalogue order.
std::vector<Finding> EvaluateSiteRules(const Catalogue& catalogue, const SiteFacts& site);

// One term of a traced score: the pages' part of a category, a site-scoped or checkout-scoped
// finding, or (for the overall score) a category.
struct TracePart {
  std::string kind;      // "pages", "site", "checkout" or "category"
  std::string id;        // the rule id ("site"/"checkout"), the moment ("category"), "" for "pages"
  double score = 0;      // 0..100 (a finding's 0..1 score × 100, unrounded pages' mean)
  double weight = 0;
  std::size_t pages = 0;  // "pages": how many pages' scores the mean is over
};

struct ScoreTrace {
  std::string id;                 // the moment, or "overall"
  std::optional<double> score;    // 0..100, rounded; nullopt when no part is present
  std::vector<TracePart> parts;   // every term of the weighted mean, in a fixed order
};

struct SiteScores {
  Scores scores;                     // what the report's summary shows
  std::vector<ScoreTrace> moments;   // one per category, in Moments() order
  ScoreTrace overall;
};

// The site's scores as described at the top of this file. `site_findings` are the site-scoped and
// checkout-scoped findings; their moments decide which category they count in.
SiteScores ScoreSite(const Categories& categories, const SiteFacts& site, const std::vector<Finding>& site_findings);

// Why a category's site score is not 100: one rule's share of the gap.
struct Loss {
  std::string rule_id;
  std::string kind;            // "page", "site" or "checkout"
  double points = 0;           // how many points the category's score would rise if the rule passed everywhere
  std::size_t pages_below = 0;      // "page": pages where it scored below 0.9
  std::size_t pages_applicable = 0; // "page": pages where it scored at all
  std::string display_value;   // "site"/"checkout": the finding's display value
};

// A category's score in words, for a store owner.
struct Explanation {
  std::string moment;
  std::optional<double> score;
  std::string band;               // "good" (90+), "needs work" (50..89), "poor" (<50), "not scored"
  std::string text;               // one or two sentences
  std::vector<Loss> losses;       // the biggest first; at most `max_losses`
  std::vector<std::string> strengths;  // ids of rules that passed on every page they applied to (up to 3)
};

// Explains every category's site score: the losses are exact shares of the gap to 100 (the pages'
// part: each page's moment score rises by w·(1−s)/W when a finding of weight w and score s passes,
// W being the weight of that page's scored findings in the moment; averaged over the pages and
// scaled by the pages' share of the category's weight). Deterministic; texts come from the
// categories and rules only.
std::vector<Explanation> ExplainSite(const Categories& categories, const Catalogue& catalogue,
                                     const SiteFacts& site, const std::vector<Finding>& site_findings,
                                     const SiteScores& scores, std::size_t max_losses = 3);

// Everything the site-level stage gives: the site-scoped findings, the scores and their explanations.
struct SiteVerdict {
  std::vector<Finding> findings;  // the "site"-scoped rules, in catalogue order
  SiteScores scores;
  std::vector<Explanation> explanations;
};

// Runs the site-scoped rules over `pages` (the audited pages' outcomes, in any order: they are
// sorted by URL here), then scores the site counting those findings and `checkout_findings`, and
// explains the scores. `catalogue` must be the one the outcomes were made with.
SiteVerdict JudgeSite(const Catalogue& catalogue, const Categories& categories, std::vector<PageOutcome> pages,
                      std::size_t pages_not_audited, const std::vector<Finding>& checkout_findings);

}  // namespace mmaudit::rules
