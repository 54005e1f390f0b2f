#include "rules/scoring.h"

#include "rules/site.h"

#include <algorithm>
#include <cmath>
#include <exception>

namespace mmaudit::rules {

const char* StatusName(Status s) {
  switch (s) {
    case Status::kPass: return "pass";
    case Status::kWarn: return "warn";
    case Status::kFail: return "fail";
    case Status::kNotApplicable: return "not-applicable";
    case Status::kInformative: return "informative";
    case Status::kError: return "error";
  }
  return "error";
}

const char* ScoreModeName(ScoreMode m) {
  switch (m) {
    case ScoreMode::kBinary: return "binary";
    case ScoreMode::kNumeric: return "numeric";
    case ScoreMode::kInformative: return "informative";
  }
  return "binary";
}

double Options::Number(const std::string& name, double fallback) const {
  auto it = numbers.find(name);
  return it == numbers.end() ? fallback : it->second;
}

std::string Options::String(const std::string& name, const std::string& fallback) const {
  auto it = strings.find(name);
  return it == strings.end() ? fallback : it->second;
}

bool RuleSpec::AppliesTo(const std::string& page_type) const {
  if (page_types.empty()) return true;
  for (const auto& t : page_types)
    if (t == page_type) return true;
  return false;
}

namespace {

// A finding for `rule` from running `run` (its check on whatever the rule is about): exceptions
// become error findings, and the result is scored as the rule's score mode says.
template <typename Run>
Finding Score(const RuleSpec& rule, bool registered, Run run) {
  Finding f;
  f.rule_id = rule.id;
  f.moment = rule.moment;
  f.weight = rule.weight;
  if (!registered) {
    f.status = Status::kError;
    f.error = "check \"" + rule.check + "\" is not registered";
    return f;
  }
  CheckResult r;
  try {
    r = run();
  } catch (const std::exception& e) {
    f.status = Status::kError;
    f.error = std::string("the check failed: ") + e.what();
    return f;
  } catch (...) {
    f.status = Status::kError;
    f.error = "the check failed with an unknown error";
    return f;
  }
  f.numeric_value = r.value;
  f.unit = r.unit;
  f.display_value = r.display_value;
  f.details = std::move(r.details);
  if (!r.applicable) {
    f.status = Status::kNotApplicable;
    if (!r.not_applicable_reason.empty()) f.display_value = r.not_applicable_reason;
    return f;
  }
  double score = 0;
  switch (rule.score_mode) {
    case ScoreMode::kInformative:
      f.status = Status::kInformative;
      return f;
    case ScoreMode::kBinary:
      score = r.passed ? 1 : 0;
      break;
    case ScoreMode::kNumeric: {
      if (!r.value) {
        f.status = Status::kError;
        f.error = "the check measured no value";
        return f;
      }
      const std::string curve = rule.options.String("curve", "linear");
      // The plain option, or the check's curve variant of it when the rule has one.
      auto point = [&](const std::string& name) {
        if (!r.curve_variant.empty()) {
          auto it = rule.options.numbers.find(r.curve_variant + "_" + name);
          if (it != rule.options.numbers.end()) return it->second;
        }
        return rule.options.Number(name, 0);
      };
      if (curve == "log-normal") {
        score = LogNormalScore(*r.value, point("p10"), point("median"));
        f.threshold = "good ≤ " + std::to_string(static_cast<long long>(point("p10"))) + " " + r.unit;
      } else {
        const double good = point("good"), poor = point("poor");
        score = LinearScore(*r.value, good, poor);
        f.threshold = std::string(good <= poor ? "good ≤ " : "good ≥ ") +
                      std::to_string(static_cast<long long>(good)) + " " + r.unit;
      }
      break;
    }
  }
  score = std::round(score * 1000) / 1000;  // keeps JSON byte-stable across platforms
  f.score = score;
  f.status = score >= 0.9 ? Status::kPass : score >= 0.5 ? Status::kWarn : Status::kFail;
  if (f.status == Status::kPass && r.warn) f.status = Status::kWarn;
  return f;
}

}  // namespace

Finding Evaluate(const RuleSpec& rule, const facts::PageFacts& page) {
  const CheckInfo* check = FindCheck(rule.check);
  return Score(rule, check != nullptr, [&] { return check->fn(page, rule.options); });
}

Finding EvaluateCheckout(const RuleSpec& rule, const facts::CheckoutFlow& checkout) {
  const CheckoutCheckInfo* check = FindCheckoutCheck(rule.check);
  return Score(rule, check != nullptr, [&] { return check->fn(checkout, rule.options); });
}

Finding EvaluateSite(const RuleSpec& rule, const SiteFacts& site) {
  const SiteCheckInfo* check = FindSiteCheck(rule.check);
  return Score(rule, check != nullptr, [&] { return check->fn(site, rule.options); });
}

std::vector<Finding> EvaluateAll(const Catalogue& catalogue, const facts::PageFacts& page) {
  std::vector<Finding> out;
  for (const RuleSpec& rule : catalogue.rules)
    if (rule.scope == "page" && rule.AppliesTo(page.page_type)) out.push_back(Evaluate(rule, page));
  return out;
}

std::vector<Finding> EvaluateErrorPage(const Catalogue& catalogue, const facts::PageFacts& page) {
  std::vector<Finding> out;
  for (const RuleSpec& rule : catalogue.rules) {
    if (rule.scope != "page" || !rule.page_types.empty()) continue;
    const CheckInfo* check = FindCheck(rule.check);
    if (check != nullptr && check->error_pages) out.push_back(Evaluate(rule, page));
  }
  return out;
}

std::vector<Finding> EvaluateCheckoutRules(const Catalogue& catalogue, const facts::CheckoutFlow& checkout) {
  std::vector<Finding> out;
  for (const RuleSpec& rule : catalogue.rules)
    if (rule.scope == "checkout") out.push_back(EvaluateCheckout(rule, checkout));
  return out;
}

namespace {
std::optional<double> Round(double sum, double weight) {
  if (weight <= 0) return std::nullopt;
  return std::round(sum / weight * 100);
}
}  // namespace

Scores ScorePage(const std::vector<Finding>& findings) {
  Scores s;
  std::map<std::string, std::pair<double, double>> acc;  // moment -> (sum, weight)
  double sum = 0, weight = 0;
  for (const Finding& f : findings) {
    if (!f.score || f.weight <= 0) continue;
    acc[f.moment].first += *f.score * f.weight;
    acc[f.moment].second += f.weight;
    sum += *f.score * f.weight;
    weight += f.weight;
  }
  for (const std::string& m : Moments()) {
    auto it = acc.find(m);
    s.moments[m] = it == acc.end() ? std::nullopt : Round(it->second.first, it->second.second);
  }
  s.overall = Round(sum, weight);
  return s;
}

}  // namespace mmaudit::rules
