// Site-scoped checks, site scores with their traces, and their explanation. See site.h.
#include "rules/site.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

namespace mmaudit::rules {

PageOutcome OutcomeOf(const Catalogue& catalogue, std::string url, std::string page_type,
                      const std::vector<Finding>& findings, const Scores& scores) {
  PageOutcome o;
  o.url = std::move(url);
  o.page_type = std::move(page_type);
  o.scores = scores;
  // Findings come in catalogue order (EvaluateAll), so one forward scan finds each rule; a finding
  // out of that order is looked for from the start. No per-page index is built.
  const auto& rules = catalogue.rules;
  std::size_t next = 0;
  for (const Finding& f : findings) {
    std::size_t i = next;
    while (i < rules.size() && rules[i].id != f.rule_id) ++i;
    if (i == rules.size()) {
      for (i = 0; i < next && rules[i].id != f.rule_id;) ++i;
      if (i == next) continue;  // not in the catalogue
    } else {
      next = i + 1;
    }
    if (i > 0xffff) continue;
    PageOutcome::Rule r;
    r.index = static_cast<std::uint16_t>(i);
    r.status = f.status;
    if (f.score) r.score_milli = static_cast<std::int16_t>(std::lround(std::clamp(*f.score, 0.0, 1.0) * 1000));
    o.rules.push_back(r);
  }
  std::sort(o.rules.begin(), o.rules.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return o;
}

const PageOutcome::Rule* SiteFacts::Find(const PageOutcome& page, std::string_view id) const {
  if (catalogue == nullptr) return nullptr;
  for (const PageOutcome::Rule& r : page.rules)
    if (r.index < catalogue->rules.size() && catalogue->rules[r.index].id == id) return &r;
  return nullptr;
}

namespace {

std::string Percent(double share) { return std::to_string(static_cast<long long>(std::lround(share * 100))) + "%"; }

bool WantsType(const std::vector<std::string>& types, const std::string& type) {
  return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

std::string TypesInWords(const std::vector<std::string>& types) {
  if (types.empty()) return "pages";
  std::string out;
  for (std::size_t i = 0; i < types.size(); ++i)
    out += (i == 0 ? "" : i + 1 == types.size() ? " and " : ", ") + types[i];
  return out + " pages";
}

const std::vector<std::string>& ListOption(const Options& o, const char* name) {
  static const std::vector<std::string> kEmpty;
  auto it = o.lists.find(name);
  return it == o.lists.end() ? kEmpty : it->second;
}

// The share of the pages of the option "pages" (types; none: all) on which every rule of the option
// "rules" that scored passed. A page counts when at least one of those rules scored on it. Scored
// on the linear curve of the options "good" and "poor" (percentages).
CheckResult Coverage(const SiteFacts& site, const Options& o) {
  const auto& rule_ids = ListOption(o, "rules");
  const auto& types = ListOption(o, "pages");
  if (rule_ids.empty()) throw std::runtime_error("option \"rules\" lists no rule");
  for (const std::string& id : rule_ids)
    if (site.catalogue == nullptr || site.catalogue->Find(id) == nullptr)
      throw std::runtime_error("option \"rules\" names rule \"" + id + "\", which is not in the catalogue");
  std::size_t counted = 0, covered = 0;
  CheckResult r;
  for (const PageOutcome& page : site.pages) {
    if (!WantsType(types, page.page_type)) continue;
    bool scored = false, passed = true;
    for (const std::string& id : rule_ids) {
      const PageOutcome::Rule* x = site.Find(page, id);
      if (x == nullptr || x->score_milli < 0) continue;
      scored = true;
      if (x->status != Status::kPass) passed = false;
    }
    if (!scored) continue;
    ++counted;
    if (passed) ++covered;
    else if (r.details.size() < 10) r.details.push_back(page.url);
  }
  const double min_pages = o.Number("min_pages", 1);
  if (static_cast<double>(counted) < std::max(1.0, min_pages)) {
    r = {};
    r.applicable = false;
    r.not_applicable_reason = "no audited " + TypesInWords(types) + " were scored on these rules";
    return r;
  }
  const double share = static_cast<double>(covered) / static_cast<double>(counted);
  r.value = std::round(share * 1000) / 10;
  r.unit = "%";
  r.display_value = std::to_string(covered) + " of " + std::to_string(counted) + " " + TypesInWords(types) + " (" +
                    Percent(share) + ")";
  return r;
}

// Passes when the audit met at least `min_pages` (default 1) pages of one of the types in "pages".
CheckResult PageTypeFound(const SiteFacts& site, const Options& o) {
  const auto& types = ListOption(o, "pages");
  if (types.empty()) throw std::runtime_error("option \"pages\" lists no page type");
  std::size_t found = 0;
  CheckResult r;
  for (const PageOutcome& page : site.pages)
    if (WantsType(types, page.page_type)) {
      ++found;
      if (r.details.size() < 10) r.details.push_back(page.url);
    }
  if (site.pages.empty()) {
    r.applicable = false;
    r.not_applicable_reason = "no page was audited";
    return r;
  }
  r.passed = static_cast<double>(found) >= std::max(1.0, o.Number("min_pages", 1));
  r.value = static_cast<double>(found);
  r.unit = "pages";
  r.display_value = found == 0 ? "no " + TypesInWords(types) + " among " + std::to_string(site.pages.size()) +
                                     " audited pages"
                               : std::to_string(found) + " " + TypesInWords(types) + " found";
  return r;
}

}  // namespace

const std::vector<SiteCheckInfo>& SiteChecks() {
  static const std::vector<SiteCheckInfo> checks = {
      {"coverage", Coverage, "every audited page's findings"},
      {"page-type-found", PageTypeFound, "every audited page's type"},
  };
  return checks;
}

const SiteCheckInfo* FindSiteCheck(std::string_view name) {
  for (const SiteCheckInfo& c : SiteChecks())
    if (name == c.name) return &c;
  return nullptr;
}

std::vector<Finding> EvaluateSiteRules(const Catalogue& catalogue, const SiteFacts& site) {
  std::vector<Finding> out;
  for (const RuleSpec& rule : catalogue.rules)
    if (rule.scope == "site") out.push_back(EvaluateSite(rule, site));
  return out;
}

namespace {

std::optional<double> WeightedMean(const std::vector<TracePart>& parts) {
  double sum = 0, weight = 0;
  for (const TracePart& p : parts) {
    sum += p.score * p.weight;
    weight += p.weight;
  }
  if (weight <= 0) return std::nullopt;
  return std::round(sum / weight);
}

// The pages' part of `moment`: the mean of the pages' moment scores, and how many there are.
std::pair<double, std::size_t> PagesPart(const SiteFacts& site, const std::string& moment) {
  double sum = 0;
  std::size_t n = 0;
  for (const PageOutcome& p : site.pages) {
    auto it = p.scores.moments.find(moment);
    if (it == p.scores.moments.end() || !it->second) continue;
    sum += *it->second;
    ++n;
  }
  return {n == 0 ? 0 : sum / static_cast<double>(n), n};
}

std::string SiteFindingKind(const Catalogue* catalogue, const std::string& rule_id) {
  const RuleSpec* rule = catalogue ? catalogue->Find(rule_id) : nullptr;
  return rule != nullptr && rule->scope == "checkout" ? "checkout" : "site";
}

}  // namespace

SiteScores ScoreSite(const Categories& categories, const SiteFacts& site, const std::vector<Finding>& site_findings) {
  SiteScores out;
  out.overall.id = "overall";
  for (const std::string& moment : Moments()) {
    const Category* cat = categories.Find(moment);
    ScoreTrace t;
    t.id = moment;
    const auto [mean, n] = PagesPart(site, moment);
    if (n > 0) t.parts.push_back({"pages", "", mean, cat ? cat->pages_weight : 10, n});
    for (const Finding& f : site_findings)
      if (f.moment == moment && f.score && f.weight > 0)
        t.parts.push_back({SiteFindingKind(site.catalogue, f.rule_id), f.rule_id, *f.score * 100, f.weight, 0});
    t.score = WeightedMean(t.parts);
    out.scores.moments[moment] = t.score;
    if (t.score && cat != nullptr && cat->weight > 0) out.overall.parts.push_back({"category", moment, *t.score, cat->weight, 0});
    out.moments.push_back(std::move(t));
  }
  out.overall.score = WeightedMean(out.overall.parts);
  out.scores.overall = out.overall.score;
  return out;
}

std::vector<Explanation> ExplainSite(const Categories& categories, const Catalogue& catalogue, const SiteFacts& site,
                                     const std::vector<Finding>& site_findings, const SiteScores& scores,
                                     std::size_t max_losses) {
  std::vector<Explanation> out;
  for (const ScoreTrace& t : scores.moments) {
    Explanation e;
    e.moment = t.id;
    e.score = t.score;
    const Category* cat = categories.Find(t.id);
    double total_weight = 0, pages_weight = 0;
    std::size_t pages_n = 0;
    for (const TracePart& p : t.parts) {
      total_weight += p.weight;
      if (p.kind == "pages") {
        pages_weight = p.weight;
        pages_n = p.pages;
      }
    }
    // Losses of page-scoped rules, summed over pages in catalogue order (deterministic).
    std::map<std::uint16_t, Loss> page_losses;
    std::map<std::uint16_t, bool> clean;  // rule -> passed on every page it scored on
    if (pages_n > 0 && total_weight > 0) {
      for (const PageOutcome& p : site.pages) {
        auto it = p.scores.moments.find(t.id);
        if (it == p.scores.moments.end() || !it->second) continue;
        double page_weight = 0;  // W: the weight of this page's scored findings in the moment
        for (const PageOutcome::Rule& r : p.rules) {
          const RuleSpec& rule = catalogue.rules[r.index];
          if (rule.moment == t.id && r.score_milli >= 0 && rule.weight > 0) page_weight += rule.weight;
        }
        for (const PageOutcome::Rule& r : p.rules) {
          const RuleSpec& rule = catalogue.rules[r.index];
          if (rule.moment != t.id || r.score_milli < 0 || rule.weight <= 0 || page_weight <= 0) continue;
          Loss& l = page_losses[r.index];
          l.rule_id = rule.id;
          l.kind = "page";
          ++l.pages_applicable;
          const double s = r.score_milli / 1000.0;
          if (s < 0.9) ++l.pages_below;
          l.points += rule.weight * (1 - s) / page_weight * 100;
          auto [c, fresh] = clean.emplace(r.index, r.status == Status::kPass);
          if (!fresh) c->second = c->second && r.status == Status::kPass;
        }
      }
    }
    std::vector<Loss> losses;
    for (auto& [index, l] : page_losses) {
      l.points = l.points / static_cast<double>(pages_n) * pages_weight / total_weight;
      if (l.points > 0) losses.push_back(l);
    }
    for (const Finding& f : site_findings) {
      if (f.moment != t.id || !f.score || f.weight <= 0 || total_weight <= 0) continue;
      if (*f.score >= 1) {
        if (e.strengths.size() < 3) e.strengths.push_back(f.rule_id);
        continue;
      }
      Loss l;
      l.rule_id = f.rule_id;
      l.kind = SiteFindingKind(&catalogue, f.rule_id);
      l.points = f.weight * (1 - *f.score) * 100 / total_weight;
      l.display_value = f.display_value;
      losses.push_back(l);
    }
    for (auto& l : losses) l.points = std::round(l.points * 10) / 10;
    std::stable_sort(losses.begin(), losses.end(), [](const Loss& a, const Loss& b) { return a.points > b.points; });
    if (losses.size() > max_losses) losses.resize(max_losses);
    e.losses = std::move(losses);
    for (const auto& [index, ok] : clean)
      if (ok && e.strengths.size() < 3) e.strengths.push_back(catalogue.rules[index].id);

    const std::string title = cat ? cat->title : t.id;
    if (!t.score) {
      e.band = "not scored";
      e.text = "\"" + title + "\" was not scored: no rule of it applied to the pages audited.";
    } else {
      e.band = *t.score >= 90 ? "good" : *t.score >= 50 ? "needs work" : "poor";
      const long long score = std::llround(*t.score);
      e.text = "\"" + title + "\" scores " + std::to_string(score) + " of 100 (" + e.band + ")";
      if (cat) e.text += ". It answers: " + cat->question + " It looks at " + cat->serves + ".";
      else e.text += ".";
      if (e.losses.empty()) {
        e.text += " Nothing holds it back.";
      } else {
        const RuleSpec* top = catalogue.Find(e.losses.front().rule_id);
        e.text += " Fixing \"" + (top ? top->failure_title : e.losses.front().rule_id) + "\" gains the most: about " +
                  std::to_string(static_cast<long long>(std::ceil(e.losses.front().points))) + " points.";
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

SiteVerdict JudgeSite(const Catalogue& catalogue, const Categories& categories, std::vector<PageOutcome> pages,
                      std::size_t pages_not_audited, const std::vector<Finding>& checkout_findings) {
  SiteFacts site;
  site.catalogue = &catalogue;
  site.pages = std::move(pages);
  site.pages_not_audited = pages_not_audited;
  std::sort(site.pages.begin(), site.pages.end(), [](const auto& a, const auto& b) { return a.url < b.url; });
  SiteVerdict v;
  v.findings = EvaluateSiteRules(catalogue, site);
  std::vector<Finding> scored = v.findings;
  scored.insert(scored.end(), checkout_findings.begin(), checkout_findings.end());
  v.scores = ScoreSite(categories, site, scored);
  v.explanations = ExplainSite(categories, catalogue, site, scored, v.scores);
  return v;
}

}  // namespace mmaudit::rules
