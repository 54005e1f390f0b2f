#include "report/gates.h"

#include <rapidjson/error/en.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "facts/page_type.h"

namespace mmaudit::report {
namespace {

// A matchingUrlPattern compiled with RE2: matching takes linear time and no recursion, whatever the
// pattern, and compiling a hostile one fails cleanly (RE2 caps nesting at 1,000 levels and repeat
// counts at 1,000) within a memory budget. The syntax is JavaScript's for everything LHCI configs use
// (classes, groups, alternation, anchors, \d \w \s, {n,m}); backreferences and lookaround, which
// need backtracking, are refused. Returns nullptr, with the reason in *why when given, on failure.
std::unique_ptr<RE2> CompileUrlPattern(const std::string& pattern, std::string* why) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(8 << 20);
  auto re = std::make_unique<RE2>(pattern, options);
  if (re->ok()) return re;
  if (why != nullptr) *why = re->error();
  return nullptr;
}

using rapidjson::Value;

constexpr double kDefaultMinScore = 0.9;
constexpr double kEpsilon = 1e-9;  // scores are written rounded: 0.8 must meet minScore 0.8

// A number as people write it: whole numbers in full (bytes run to millions), others with up to
// ten significant digits.
std::string Num(double v) {
  char buf[40];
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// Line breaks and other control characters would split a stderr line.
std::string OneLine(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return s;
}

bool IsCategory(const std::string& id) {
  if (id == "overall") return true;
  const auto& m = rules::Moments();
  return std::find(m.begin(), m.end(), id) != m.end();
}

std::string Categories() {
  std::string s = "overall";
  for (const auto& m : rules::Moments()) s += ", " + m;
  return s;
}

bool ParseLevel(const Value& v, GateLevel* level) {
  if (!v.IsString()) return false;
  const std::string s = v.GetString();
  if (s == "off") *level = GateLevel::kOff;
  else if (s == "warn") *level = GateLevel::kWarn;
  else if (s == "error") *level = GateLevel::kError;
  else return false;
  return true;
}

void ParseOne(const std::string& where, const std::string& key, const Value& v, Assertion* a,
              std::vector<GateConfigError>* errors) {
  auto fail = [&](const std::string& msg) { errors->push_back({where, msg}); };
  a->key = key;
  std::string cat;
  for (const char* prefix : {"categories:", "categories."})
    if (key.rfind(prefix, 0) == 0) cat = key.substr(std::string(prefix).size());
  if (key.rfind("categories", 0) == 0 && (key.size() == 10 || key[10] == ':' || key[10] == '.')) {
    if (!IsCategory(cat)) {
      fail("unknown category \"" + cat + "\" (categories: " + Categories() + ")");
      return;
    }
    a->category = cat;
  } else {
    if (key.empty()) {
      fail("an empty key: give a rule id or \"categories:ID\"");
      return;
    }
    a->rule_id = key;
  }
  const Value* options = nullptr;
  if (v.IsString()) {
    if (!ParseLevel(v, &a->level)) fail("the level must be \"off\", \"warn\" or \"error\", not \"" + std::string(v.GetString()) + "\"");
  } else if (v.IsArray()) {
    if (v.Size() < 1 || v.Size() > 2) {
      fail("expected [LEVEL] or [LEVEL, {OPTIONS}], an array of " + std::to_string(v.Size()) + " items");
      return;
    }
    if (!ParseLevel(v[0], &a->level)) fail("the level (first item) must be \"off\", \"warn\" or \"error\"");
    if (v.Size() == 2) {
      if (!v[1].IsObject()) fail("the second item must be an object of options (minScore, maxNumericValue, maxLength)");
      else options = &v[1];
    }
  } else {
    fail("expected \"off\", \"warn\", \"error\" or [LEVEL, {OPTIONS}]");
    return;
  }
  if (options != nullptr) {
    for (auto m = options->MemberBegin(); m != options->MemberEnd(); ++m) {
      const std::string name = m->name.GetString();
      const std::string at = where + "." + name;
      const Value& o = m->value;
      if (name == "aggregationMethod") {
        errors->push_back({at, "mmaudit audits each page once, so there is nothing to aggregate: remove it"});
        continue;
      }
      if (name != "minScore" && name != "maxNumericValue" && name != "maxLength") {
        errors->push_back({at, "unknown option (minScore, maxNumericValue, maxLength)"});
        continue;
      }
      if (!o.IsNumber() || !std::isfinite(o.GetDouble())) {
        errors->push_back({at, "must be a number"});
        continue;
      }
      const double d = o.GetDouble();
      if (name == "minScore") {
        if (d < 0 || d > 1) errors->push_back({at, "must be between 0 and 1 (a score of 90 is 0.9)"});
        else a->min_score = d;
      } else if (name == "maxNumericValue") {
        a->max_numeric_value = d;
      } else {
        if (d < 0 || d != std::floor(d)) errors->push_back({at, "must be a whole number >= 0"});
        else a->max_length = d;
      }
    }
  }
  if (!a->category.empty() && (a->max_numeric_value || a->max_length))
    errors->push_back({where, "a category assertion takes only minScore"});
}

void ParseSet(const std::string& where, const Value& obj, AssertionSet* set, std::vector<GateConfigError>* errors) {
  if (!obj.IsObject()) {
    errors->push_back({where, "must be an object of KEY: ASSERTION"});
    return;
  }
  for (auto m = obj.MemberBegin(); m != obj.MemberEnd(); ++m) {
    Assertion a;
    const std::string key = m->name.GetString();
    ParseOne(where + "." + key, key, m->value, &a, errors);
    set->assertions.push_back(std::move(a));
  }
}

const Value* Member(const Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

// The first few evidence items of a finding, for the message of a result that did not pass
// (e.g. the budget lines over budget): " [a; b; c; and 4 more]", or "" when there are none.
std::string Evidence(const Value& f) {
  const Value* details = Member(f, "details");
  if (details == nullptr || !details->IsArray() || details->Empty()) return "";
  constexpr rapidjson::SizeType kShown = 3;
  constexpr std::size_t kLength = 160;
  std::string s;
  for (rapidjson::SizeType i = 0; i < details->Size() && i < kShown; ++i) {
    if (!(*details)[i].IsString()) continue;
    std::string d((*details)[i].GetString(), (*details)[i].GetStringLength());
    if (d.size() > kLength) {
      std::size_t cut = kLength;
      while (cut > 0 && (static_cast<unsigned char>(d[cut]) & 0xc0) == 0x80) --cut;  // not inside a UTF-8 sequence
      d = d.substr(0, cut) + "...";
    }
    s += (s.empty() ? "" : "; ") + d;
  }
  if (details->Size() > kShown) s += "; and " + std::to_string(details->Size() - kShown) + " more";
  return " [" + s + "]";
}

double Round(double v) { return std::round(v * 1e6) / 1e6; }

// Where a rule's finding sits in the report.
struct Judged {
  const Value* finding;
  std::string where;
};

std::string Str(const Value& v, const char* name) {
  const Value* m = Member(v, name);
  return m != nullptr && m->IsString() ? std::string(m->GetString(), m->GetStringLength()) : std::string();
}

std::optional<double> Number(const Value* v) {
  if (v == nullptr || !v->IsNumber()) return std::nullopt;
  return v->GetDouble();
}

class Evaluator {
 public:
  Evaluator(const Value& report, GateReport* out) : report_(report), out_(out) {}

  void Add(GateResult r) {
    r.message = OneLine(r.message);
    r.where = OneLine(r.where);
    ++out_->checked;
    if (r.passed) ++out_->passed;
    else if (r.level == GateLevel::kWarn) ++out_->warnings;
    else ++out_->failures;
    if (!r.passed || out_->include_passed) out_->results.push_back(std::move(r));
  }

  void FailUnderGate(const FailUnder& f) {
    GateResult r;
    r.assertion = "fail-under";
    r.kind = "failUnder";
    r.level = GateLevel::kError;
    r.where = "site";
    r.source = "--fail-under " + f.spec;
    r.op = ">=";
    r.expected = f.min;
    r.actual = SiteScore(f.category);
    r.passed = r.actual && *r.actual >= f.min - kEpsilon;
    r.message = "the site's " + (f.category == "overall" ? std::string("overall score") : f.category + " score");
    if (!r.actual) r.message += " is missing: nothing was scored";
    Add(std::move(r));
  }

  void Set(const AssertionSet& set) {
    // ParseAssertions refuses a bad pattern; a hand-made config with one selects nothing.
    std::unique_ptr<RE2> pattern;
    if (!set.url_pattern.empty()) pattern = CompileUrlPattern(set.url_pattern, nullptr);
    std::vector<const Value*> pages;
    if (const Value* list = Member(report_, "pages"); list != nullptr && list->IsArray()) {
      for (const Value& p : list->GetArray()) {
        const Value* audited = Member(p, "audited");
        if (audited == nullptr || !audited->IsBool() || !audited->GetBool()) continue;
        if (!set.page_types.empty() &&
            std::find(set.page_types.begin(), set.page_types.end(), Str(p, "page_type")) == set.page_types.end())
          continue;
        if (!set.url_pattern.empty()) {
          if (!pattern) continue;
          if (!RE2::PartialMatch(Str(p, "url"), *pattern) && !RE2::PartialMatch(Str(p, "final_url"), *pattern)) continue;
        }
        pages.push_back(&p);
      }
    }
    for (const Assertion& a : set.assertions) {
      if (a.level == GateLevel::kOff) continue;
      if (!a.category.empty()) CategoryAssertion(set, a, pages);
      else RuleAssertion(set, a, pages);
    }
  }

 private:
  std::optional<double> SiteScore(const std::string& category) const {
    const Value* summary = Member(report_, "summary");
    const Value* scores = summary ? Member(*summary, "scores") : nullptr;
    return PageScore(scores, category);
  }
  static std::optional<double> PageScore(const Value* scores, const std::string& category) {
    if (scores == nullptr) return std::nullopt;
    if (category == "overall") return Number(Member(*scores, "overall"));
    const Value* moments = Member(*scores, "moments");
    return moments ? Number(Member(*moments, category.c_str())) : std::nullopt;
  }

  GateResult Base(const AssertionSet& set, const Assertion& a, const std::string& kind, const std::string& where) const {
    GateResult r;
    r.assertion = a.key;
    r.kind = kind;
    r.level = a.level;
    r.where = where;
    r.source = set.source;
    r.op = kind == "minScore" || kind == "auditRan" ? ">=" : "<=";
    return r;
  }

  void NothingJudged(const AssertionSet& set, const Assertion& a, const std::string& why) {
    GateResult r = Base(set, a, "auditRan", set.SelectsAll() ? "site" : set.source);
    r.expected = 1;
    r.actual = 0;
    r.passed = false;
    r.message = why;
    Add(std::move(r));
  }

  void CategoryAssertion(const AssertionSet& set, const Assertion& a, const std::vector<const Value*>& pages) {
    const double min = a.MinScore().value_or(kDefaultMinScore);
    auto judge = [&](std::optional<double> score, const std::string& where) {
      GateResult r = Base(set, a, "minScore", where);
      r.expected = min;
      if (score) r.actual = Round(*score / 100);
      r.passed = r.actual && *r.actual >= min - kEpsilon;
      if (!score) r.message = "not scored: no finding of this category had a score";
      Add(std::move(r));
    };
    if (set.SelectsAll()) {
      judge(SiteScore(a.category), "site");
      return;
    }
    std::size_t judged = 0;
    for (const Value* p : pages) {
      auto score = PageScore(Member(*p, "scores"), a.category);
      if (!score) continue;
      judge(score, Str(*p, "url"));
      ++judged;
    }
    if (judged == 0)
      NothingJudged(set, a, pages.empty() ? "no audited page matched this entry"
                                          : "no page selected had a " + a.category + " score");
  }

  // Judges one finding; returns how many results it made.
  std::size_t Finding(const AssertionSet& set, const Assertion& a, const Value& f, const std::string& where) {
    const std::string status = Str(f, "status");
    if (status == "not-applicable" || status.empty()) return 0;
    std::size_t made = 0;
    auto result = [&](const std::string& kind, double expected, std::optional<double> actual, bool informative_skip) {
      if (informative_skip) return;
      GateResult r = Base(set, a, kind, where);
      r.expected = expected;
      if (status == "error") {
        r.passed = false;
        r.message = "the rule could not run: " + Str(f, "error");
      } else {
        r.actual = actual;
        if (!actual) {
          r.passed = false;
          r.message = kind == "maxNumericValue" ? "the finding gives no numeric value" : "the finding has no score";
        } else {
          r.passed = kind == "minScore" ? *actual >= expected - kEpsilon : *actual <= expected + kEpsilon;
          r.message = Str(f, "display_value");
          if (!r.passed) r.message += Evidence(f);
        }
      }
      Add(std::move(r));
      ++made;
    };
    if (a.max_length) {
      const Value* details = Member(f, "details");
      result("maxLength", *a.max_length,
             static_cast<double>(details && details->IsArray() ? details->Size() : 0), false);
    }
    if (a.max_numeric_value) result("maxNumericValue", *a.max_numeric_value, Number(Member(f, "value")), false);
    if (auto min = a.MinScore()) {
      const std::optional<double> score = Number(Member(f, "score"));
      // An informative finding has no score to hold to a minimum (and no verdict): skip it.
      result("minScore", *min, score, status == "informative");
    }
    return made;
  }

  void RuleAssertion(const AssertionSet& set, const Assertion& a, const std::vector<const Value*>& pages) {
    bool known = false;
    if (const Value* rules = Member(report_, "rules"); rules && rules->IsArray())
      for (const Value& r : rules->GetArray()) known |= Str(r, "id") == a.rule_id;
    if (!known) {
      NothingJudged(set, a, "no rule \"" + a.rule_id + "\" in the report's catalogue");
      return;
    }
    std::size_t made = 0;
    auto scan = [&](const Value* list, const std::string& where) {
      if (list == nullptr || !list->IsArray()) return;
      for (const Value& f : list->GetArray())
        if (Str(f, "rule_id") == a.rule_id) made += Finding(set, a, f, where);
    };
    if (set.SelectsAll()) {
      scan(Member(report_, "site_findings"), "site");
      if (const Value* checkout = Member(report_, "checkout")) scan(Member(*checkout, "findings"), "checkout");
    }
    for (const Value* p : pages) scan(Member(*p, "findings"), Str(*p, "url"));
    if (made == 0)
      NothingJudged(set, a,
                    pages.empty() && !set.SelectsAll()
                        ? "no audited page matched this entry"
                        : "no selected finding of this rule could be judged (not applicable, informative, or the rule "
                          "does not run on the pages selected)");
  }

  const Value& report_;
  GateReport* out_;
};

}  // namespace

const char* GateLevelName(GateLevel level) {
  switch (level) {
    case GateLevel::kOff: return "off";
    case GateLevel::kWarn: return "warn";
    case GateLevel::kError: return "error";
  }
  return "off";
}

std::optional<double> Assertion::MinScore() const {
  if (min_score) return min_score;
  if (max_numeric_value || max_length) return std::nullopt;
  return kDefaultMinScore;
}

std::string GateConfigError::Text(const std::string& file) const {
  return key.empty() ? file + ": " + message : file + ": key \"" + key + "\": " + message;
}

bool ParseAssertions(const std::string& json, GateConfig* config, std::vector<GateConfigError>* errors) {
  const std::size_t before = errors->size();
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(json.c_str(), json.size());
  if (d.HasParseError()) {
    errors->push_back({"", std::string("not valid JSON: ") + rapidjson::GetParseError_En(d.GetParseError()) +
                               " at byte " + std::to_string(d.GetErrorOffset())});
    return false;
  }
  if (!d.IsObject()) {
    errors->push_back({"", "must be a JSON object with \"assertions\" and/or \"assertMatrix\""});
    return false;
  }
  std::vector<AssertionSet> sets;
  bool include_passed = false;
  bool any = false;
  for (auto m = d.MemberBegin(); m != d.MemberEnd(); ++m) {
    const std::string name = m->name.GetString();
    const Value& v = m->value;
    if (name == "assertions") {
      any = true;
      AssertionSet set;
      set.source = "assertions";
      ParseSet("assertions", v, &set, errors);
      sets.insert(sets.begin(), std::move(set));  // judged before the matrix
    } else if (name == "assertMatrix") {
      any = true;
      if (!v.IsArray()) {
        errors->push_back({name, "must be an array of {matchingUrlPattern, pageTypes, assertions}"});
        continue;
      }
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        const std::string where = "assertMatrix[" + std::to_string(i) + "]";
        const Value& e = v[i];
        if (!e.IsObject()) {
          errors->push_back({where, "must be an object"});
          continue;
        }
        AssertionSet set;
        set.source = where;
        bool has_assertions = false;
        for (auto k = e.MemberBegin(); k != e.MemberEnd(); ++k) {
          const std::string key = k->name.GetString();
          const Value& ev = k->value;
          const std::string at = where + "." + key;
          if (key == "assertions") {
            has_assertions = true;
            ParseSet(at, ev, &set, errors);
          } else if (key == "matchingUrlPattern") {
            if (!ev.IsString() || ev.GetStringLength() == 0) {
              errors->push_back({at, "must be a non-empty string (a regular expression)"});
              continue;
            }
            set.url_pattern = ev.GetString();
            std::string why;
            if (!CompileUrlPattern(set.url_pattern, &why)) errors->push_back({at, "not a valid regular expression: " + why});
          } else if (key == "pageTypes") {
            if (!ev.IsArray() || ev.Empty()) {
              errors->push_back({at, "must be a non-empty array of page types"});
              continue;
            }
            const auto& known = facts::PageTypes();
            for (rapidjson::SizeType j = 0; j < ev.Size(); ++j) {
              const std::string item_at = at + "[" + std::to_string(j) + "]";
              if (!ev[j].IsString()) {
                errors->push_back({item_at, "must be a string"});
                continue;
              }
              const std::string t = ev[j].GetString();
              if (std::find(known.begin(), known.end(), t) == known.end()) {
                std::string list;
                for (const auto& k2 : known) list += (list.empty() ? "" : ", ") + k2;
                errors->push_back({item_at, "unknown page type \"" + t + "\" (known: " + list + ")"});
                continue;
              }
              set.page_types.push_back(t);
            }
          } else {
            errors->push_back({at, "unknown key (matchingUrlPattern, pageTypes, assertions)"});
          }
        }
        if (!has_assertions) errors->push_back({where, "has no \"assertions\""});
        sets.push_back(std::move(set));
      }
    } else if (name == "includePassedAssertions") {
      if (!v.IsBool()) errors->push_back({name, "must be true or false"});
      else include_passed = v.GetBool();
    } else if (name == "preset") {
      errors->push_back({name, "Lighthouse's presets name Lighthouse audits; mmaudit has none: list the rules to assert"});
    } else if (name == "budgetsFile") {
      errors->push_back({name, "give the budget with --budget FILE and assert the \"performance-budget\" rule"});
    } else if (name == "aggregationMethod") {
      errors->push_back({name, "mmaudit audits each page once, so there is nothing to aggregate: remove it"});
    } else {
      errors->push_back({name, "unknown key (assertions, assertMatrix, includePassedAssertions)"});
    }
  }
  if (!any && errors->size() == before)
    errors->push_back({"", "asserts nothing: give \"assertions\" and/or \"assertMatrix\""});
  if (errors->size() != before) return false;
  config->sets = std::move(sets);
  config->include_passed = include_passed;
  return true;
}

bool ParseFailUnder(const std::string& spec, FailUnder* out, std::string* error) {
  const std::size_t eq = spec.find('=');
  std::string category = eq == std::string::npos ? "overall" : spec.substr(0, eq);
  const std::string number = eq == std::string::npos ? spec : spec.substr(eq + 1);
  if (!IsCategory(category)) {
    *error = "unknown category \"" + category + "\" (categories: " + Categories() + ")";
    return false;
  }
  double v = 0;
  std::size_t used = 0;
  try {
    v = std::stod(number, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (number.empty() || used != number.size() || !std::isfinite(v) || v < 0 || v > 100) {
    *error = "the score must be a number from 0 to 100, not \"" + number + "\"";
    return false;
  }
  out->spec = spec;
  out->category = category;
  out->min = v;
  return true;
}

std::vector<GateConfigError> CheckAgainstRules(const GateConfig& config, const std::vector<rules::RuleSpec>& rules) {
  std::map<std::string, const rules::RuleSpec*> by_id;
  for (const auto& r : rules) by_id[r.id] = &r;
  std::vector<GateConfigError> errors;
  for (const AssertionSet& set : config.sets)
    for (const Assertion& a : set.assertions) {
      if (a.rule_id.empty()) continue;
      const std::string at = set.source + "." + a.key;
      auto it = by_id.find(a.rule_id);
      if (it == by_id.end()) {
        errors.push_back({at, "no rule with this id in the rules in force (mmaudit rules lists them)"});
        continue;
      }
      if (!set.SelectsAll() && it->second->scope != "page")
        errors.push_back({at, "the rule is " + it->second->scope + "-scoped (one finding on the whole site), but this "
                              "entry selects pages: assert it in \"assertions\""});
      if (a.level != GateLevel::kOff && it->second->score_mode == rules::ScoreMode::kInformative && a.MinScore())
        errors.push_back({at, "the rule is informative and has no score: assert maxNumericValue or maxLength" +
                                  std::string(a.min_score ? "" : " (a level alone means minScore 0.9)")});
    }
  return errors;
}

std::string GateResult::Line() const {
  std::string s = std::string(GateLevelName(level)) + " " + assertion;
  if (kind != "failUnder") s += " " + kind;
  s += " on " + where + ": expected " + op + " " + Num(expected) + ", found " + (actual ? Num(*actual) : "nothing");
  s += " (" + source + ")";
  if (!message.empty()) s += ": " + message;
  return OneLine(s);
}

GateReport EvaluateGates(const rapidjson::Value& report, const GateConfig& config) {
  GateReport out;
  out.assertions_file = config.assertions_file;
  out.include_passed = config.include_passed;
  for (const auto& f : config.fail_under) out.fail_under.push_back(f.spec);
  Evaluator e(report, &out);
  for (const FailUnder& f : config.fail_under) e.FailUnderGate(f);
  for (const AssertionSet& set : config.sets) e.Set(set);
  return out;
}

}  // namespace mmaudit::report
