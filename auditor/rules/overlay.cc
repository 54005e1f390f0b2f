#include "rules/overlay.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "facts/page_type.h"
#include "rules/rule_json.h"

namespace mmaudit::rules {
namespace {

using rapidjson::Value;

constexpr const char* kChangeable = "weight, score_mode, page_types, threshold_source, options";

// A number as the rule files write it: integers without decimals.
std::string NumberText(double v) {
  char buf[32];
  if (std::abs(v - std::round(v)) < 1e-9 && std::abs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string Join(const std::vector<std::string>& list) {
  std::string s;
  for (const auto& x : list) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string PageTypesText(const std::vector<std::string>& types) { return types.empty() ? "all" : Join(types); }

bool IsKnownPageType(const std::string& t) {
  const auto& all = facts::PageTypes();
  return std::find(all.begin(), all.end(), t) != all.end();
}

// Reads a page_types array. False with *message when it is not an array of known page types.
bool ReadPageTypes(const Value& v, std::vector<std::string>* out, std::string* message) {
  if (!v.IsArray()) {
    *message = "\"page_types\" must be an array of page types";
    return false;
  }
  out->clear();
  for (const auto& t : v.GetArray()) {
    if (!t.IsString() || !IsKnownPageType(t.GetString())) {
      *message = "\"page_types\" must hold page types (" + Join(facts::PageTypes()) + ")" +
                 (t.IsString() ? std::string(", not \"") + t.GetString() + "\"" : std::string());
      return false;
    }
    out->emplace_back(t.GetString());
  }
  return true;
}

// Whether a numeric rule still has a usable score curve. False with *field and *message otherwise.
bool CheckCurve(const RuleSpec& r, std::string* field, std::string* message) {
  if (r.score_mode != ScoreMode::kNumeric) return true;
  const std::string curve = r.options.String("curve", "");
  const auto& n = r.options.numbers;
  // The plain pair and every device variant ("desktop_p10" with "desktop_median") must be usable.
  auto pairs = [&](const std::string& a, const std::string& b) {
    std::vector<std::string> prefixes = {""};
    for (const auto& [k, v] : n)
      if (k.size() > a.size() + 1 && k.compare(k.size() - a.size() - 1, std::string::npos, "_" + a) == 0)
        prefixes.push_back(k.substr(0, k.size() - a.size()));
    for (const auto& [k, v] : n)
      if (k.size() > b.size() + 1 && k.compare(k.size() - b.size() - 1, std::string::npos, "_" + b) == 0 &&
          std::find(prefixes.begin(), prefixes.end(), k.substr(0, k.size() - b.size())) == prefixes.end())
        prefixes.push_back(k.substr(0, k.size() - b.size()));
    return prefixes;
  };
  if (curve == "log-normal") {
    for (const std::string& p : pairs("p10", "median")) {
      auto p10 = n.find(p + "p10"), median = n.find(p + "median");
      if (p10 == n.end() || median == n.end()) {
        *field = "options." + p + (p10 == n.end() ? "p10" : "median");
        *message = "a log-normal curve needs both \"" + p + "p10\" and \"" + p + "median\"";
        return false;
      }
      if (!(p10->second > 0 && p10->second < median->second)) {
        *field = "options." + p + "p10";
        *message = "a log-normal curve needs 0 < " + p + "p10 < " + p + "median (here " + NumberText(p10->second) +
                   " and " + NumberText(median->second) + ")";
        return false;
      }
    }
    return true;
  }
  if (curve == "linear") {
    for (const std::string& p : pairs("good", "poor")) {
      auto good = n.find(p + "good"), poor = n.find(p + "poor");
      if (good == n.end() || poor == n.end()) {
        *field = "options." + p + (good == n.end() ? "good" : "poor");
        *message = "a linear curve needs both \"" + p + "good\" and \"" + p + "poor\"";
        return false;
      }
      if (good->second == poor->second) {
        *field = "options." + p + "good";
        *message = "a linear curve needs \"" + p + "good\" and \"" + p + "poor\" to differ (both are " +
                   NumberText(good->second) + ")";
        return false;
      }
    }
    return true;
  }
  *field = "options.curve";
  *message = "a numeric rule needs options \"curve\": \"linear\" with \"good\" and \"poor\", or \"log-normal\" with "
             "\"p10\" and \"median\"";
  return false;
}

class Applier {
 public:
  Applier(std::string_view file, std::vector<OverlayError>* errors) : file_(file), errors_(errors) {}

  void Fail(const std::string& rule_id, const std::string& field, const std::string& message) {
    errors_->push_back({file_, rule_id, field, message});
    ++failures_;
  }
  int failures() const { return failures_; }
  const std::string& file() const { return file_; }

  // Applies the changes object `v` to *rule, recording them in *made. Leaves *rule as it was when any
  // change is wrong.
  void ChangeRule(RuleSpec* rule, const Value& v, std::vector<RuleChange>* made) {
    const std::string& id = rule->id;
    const int before = failures_;
    RuleSpec updated = *rule;
    std::vector<RuleChange> changes;
    auto changed = [&](const std::string& field, const std::string& from, const std::string& to) {
      if (from != to) changes.push_back({id, "changed", field, from, to});
    };
    std::set<std::string> seen;
    for (const auto& m : v.GetObject()) {
      const std::string field = m.name.GetString();
      if (!seen.insert(field).second) {
        Fail(id, field, "\"" + field + "\" is given twice");
        continue;
      }
      const Value& x = m.value;
      if (field == "weight") {
        if (!x.IsNumber() || !(x.GetDouble() >= 0)) {
          Fail(id, field, "\"weight\" must be a number >= 0");
          continue;
        }
        changed(field, NumberText(updated.weight), NumberText(x.GetDouble()));
        updated.weight = x.GetDouble();
      } else if (field == "score_mode") {
        const std::string mode = x.IsString() ? x.GetString() : "";
        ScoreMode sm;
        if (mode == "binary") sm = ScoreMode::kBinary;
        else if (mode == "numeric") sm = ScoreMode::kNumeric;
        else if (mode == "informative") sm = ScoreMode::kInformative;
        else {
          Fail(id, field, "\"score_mode\" must be \"binary\", \"numeric\" or \"informative\"");
          continue;
        }
        changed(field, ScoreModeName(updated.score_mode), ScoreModeName(sm));
        updated.score_mode = sm;
      } else if (field == "page_types") {
        std::vector<std::string> types;
        std::string message;
        if (!ReadPageTypes(x, &types, &message)) {
          Fail(id, field, message);
          continue;
        }
        if (rule->scope != "page") {
          Fail(id, field, "a rule of scope \"" + rule->scope + "\" has no page types");
          continue;
        }
        changed(field, PageTypesText(updated.page_types), PageTypesText(types));
        updated.page_types = types;
      } else if (field == "threshold_source") {
        if (!x.IsString() || x.GetStringLength() == 0) {
          Fail(id, field, "\"threshold_source\" must be a non-empty string");
          continue;
        }
        changed(field, updated.threshold_source, x.GetString());
        updated.threshold_source = x.GetString();
      } else if (field == "options") {
        if (!x.IsObject()) {
          Fail(id, field, "\"options\" must be an object of option names and values");
          continue;
        }
        ChangeOptions(&updated, x, &changes);
      } else if (field == "id" || field == "title" || field == "failure_title" || field == "description" ||
                 field == "learn_more" || field == "moment" || field == "scope" || field == "check") {
        Fail(id, field,
             "\"" + field + "\" cannot be changed by an overlay (it may change: " + kChangeable +
                 "); disable the rule and add your own instead");
      } else {
        Fail(id, field, "unknown field \"" + field + "\" (an overlay may change: " + std::string(kChangeable) + ")");
      }
    }
    if (failures_ != before) return;
    std::string field, message;
    if (!CheckCurve(updated, &field, &message)) {
      Fail(id, field, message);
      return;
    }
    *rule = std::move(updated);
    made->insert(made->end(), changes.begin(), changes.end());
  }

  // Reads one entry of "add". True with *rule filled in when it is a valid new rule for `catalogue`.
  bool AddRule(const Value& v, std::size_t index, const Catalogue& catalogue, const std::set<std::string>& added,
               RuleSpec* rule) {
    const std::string where = "(entry " + std::to_string(index + 1) + " of \"add\")";
    if (!v.IsObject()) {
      Fail("", "add", "each entry of \"add\" must be a rule object shaped like those of rules/*.json " + where);
      return false;
    }
    const int before = failures_;
    std::string id;
    if (auto it = v.FindMember("id"); it != v.MemberEnd() && it->value.IsString()) id = it->value.GetString();
    static const std::set<std::string> kFields = {"id", "title", "failure_title", "description", "learn_more",
                                                  "threshold_source", "moment", "scope", "page_types", "check",
                                                  "options", "score_mode", "weight"};
    for (const auto& m : v.GetObject())
      if (!kFields.count(m.name.GetString()))
        Fail(id, m.name.GetString(),
             std::string("unknown field \"") + m.name.GetString() +
                 "\" in an added rule (its fields: id, title, failure_title, description, learn_more, "
                 "threshold_source, moment, scope, page_types, check, options, score_mode, weight)");
    RuleProblem problem;
    if (!ReadRuleEntry(v, file_, rule, &problem)) {
      Fail(problem.rule_id, problem.field, problem.message + (problem.rule_id.empty() ? " " + where : ""));
      return false;
    }
    if (const RuleSpec* taken = catalogue.Find(rule->id)) {
      Fail(rule->id, "id",
           "rule id \"" + rule->id + "\" is already taken by a rule of " + taken->source_file +
               "; give the added rule its own id (or change that rule under \"rules\")");
    } else if (added.count(rule->id)) {
      Fail(rule->id, "id", "rule id \"" + rule->id + "\" is added twice");
    }
    if (auto it = v.FindMember("page_types"); it != v.MemberEnd()) {
      std::vector<std::string> types;
      std::string message;
      if (!ReadPageTypes(it->value, &types, &message)) Fail(rule->id, "page_types", message);
    }
    if (!rule->options.numbers.empty() && rule->threshold_source.empty())
      Fail(rule->id, "threshold_source",
           "an added rule with numbers in its options must say where they come from (\"threshold_source\")");
    std::string field, message;
    if (!CheckCurve(*rule, &field, &message)) Fail(rule->id, field, message);
    rule->source_file = file_;
    return failures_ == before;
  }

 private:
  void ChangeOptions(RuleSpec* rule, const Value& x, std::vector<RuleChange>* changes) {
    const std::string& id = rule->id;
    Options& o = rule->options;
    for (const auto& m : x.GetObject()) {
      const std::string name = m.name.GetString();
      const std::string field = "options." + name;
      const Value& v = m.value;
      if (o.numbers.count(name)) {
        if (!v.IsNumber()) {
          Fail(id, field, "must be a number, like the rule's current value " + NumberText(o.numbers[name]));
          continue;
        }
        if (o.numbers[name] != v.GetDouble())
          changes->push_back({id, "changed", field, NumberText(o.numbers[name]), NumberText(v.GetDouble())});
        o.numbers[name] = v.GetDouble();
      } else if (o.strings.count(name)) {
        if (!v.IsString()) {
          Fail(id, field, "must be a string, like the rule's current value \"" + o.strings[name] + "\"");
          continue;
        }
        if (o.strings[name] != v.GetString()) changes->push_back({id, "changed", field, o.strings[name], v.GetString()});
        o.strings[name] = v.GetString();
      } else if (o.lists.count(name)) {
        std::vector<std::string> list;
        bool ok = v.IsArray();
        if (ok)
          for (const auto& s : v.GetArray()) {
            if (!s.IsString()) {
              ok = false;
              break;
            }
            list.emplace_back(s.GetString());
          }
        if (!ok) {
          Fail(id, field, "must be a list of strings, like the rule's current value");
          continue;
        }
        if (o.lists[name] != list) changes->push_back({id, "changed", field, Join(o.lists[name]), Join(list)});
        o.lists[name] = list;
      } else {
        std::vector<std::string> names;
        for (const auto& [k, _] : o.numbers) names.push_back(k);
        for (const auto& [k, _] : o.strings) names.push_back(k);
        for (const auto& [k, _] : o.lists) names.push_back(k);
        std::sort(names.begin(), names.end());
        Fail(id, field,
             "the rule has no option \"" + name + "\"" +
                 (names.empty() ? std::string(" (it has no options)") : " (its options: " + Join(names) + ")"));
      }
    }
  }

  std::string file_;
  std::vector<OverlayError>* errors_;
  int failures_ = 0;
};

}  // namespace

std::string OverlayError::Text() const {
  std::string s = file + ": ";
  if (!rule_id.empty()) s += "rule \"" + rule_id + "\"" + (field.empty() ? ": " : ", ");
  if (!field.empty()) s += "field \"" + field + "\": ";
  return s + message;
}

std::string RuleChange::Describe() const {
  if (kind == "changed") return rule_id + " " + field + " " + from + " \xe2\x86\x92 " + to;
  return rule_id + " " + kind;
}

bool ApplyOverlay(std::string_view file, std::string_view json, Catalogue* catalogue, std::vector<RuleChange>* changes,
                  std::vector<OverlayError>* errors) {
  Applier a(file, errors);
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (d.HasParseError()) {
    a.Fail("", "",
           std::string("not valid JSON: ") + rapidjson::GetParseError_En(d.GetParseError()) + " (at byte " +
               std::to_string(d.GetErrorOffset()) + ")");
    return false;
  }
  if (!d.IsObject()) {
    a.Fail("", "", "a rule overlay must be a JSON object with \"disable\", \"rules\" and/or \"add\"");
    return false;
  }
  const Value* disable = nullptr;
  const Value* rules = nullptr;
  const Value* add = nullptr;
  for (const auto& m : d.GetObject()) {
    const std::string key = m.name.GetString();
    const Value** slot = key == "disable" ? &disable : key == "rules" ? &rules : key == "add" ? &add : nullptr;
    if (slot == nullptr) {
      a.Fail("", key, "unknown key \"" + key + "\" (an overlay has \"disable\", \"rules\" and \"add\")");
    } else if (*slot != nullptr) {
      a.Fail("", key, "\"" + key + "\" is given twice");
    } else {
      *slot = &m.value;
    }
  }

  Catalogue result = *catalogue;
  std::vector<RuleChange> made;
  auto unknown = [&](const std::string& id) {
    return "no rule with id \"" + id + "\" in the catalogue (see `mmaudit rules`)";
  };
  std::set<std::string> disabled;
  if (disable != nullptr) {
    if (!disable->IsArray()) {
      a.Fail("", "disable", "\"disable\" must be an array of rule ids");
    } else {
      for (const auto& x : disable->GetArray()) {
        if (!x.IsString() || x.GetStringLength() == 0) {
          a.Fail("", "disable", "\"disable\" must hold rule ids (non-empty strings)");
          continue;
        }
        const std::string id = x.GetString();
        if (result.Find(id) == nullptr) a.Fail(id, "disable", unknown(id));
        else if (!disabled.insert(id).second) a.Fail(id, "disable", "\"" + id + "\" is listed twice");
        else made.push_back({id, "disabled", "", "", ""});
      }
    }
  }
  if (rules != nullptr) {
    if (!rules->IsObject()) {
      a.Fail("", "rules", "\"rules\" must be an object from rule id to its changes, e.g. {\"doctype\": {\"weight\": 2}}");
    } else {
      std::set<std::string> seen;
      for (const auto& m : rules->GetObject()) {
        const std::string id = m.name.GetString();
        auto it = std::find_if(result.rules.begin(), result.rules.end(), [&](const RuleSpec& r) { return r.id == id; });
        if (!seen.insert(id).second) a.Fail(id, "rules", "\"" + id + "\" is listed twice");
        else if (it == result.rules.end()) a.Fail(id, "rules", unknown(id));
        else if (disabled.count(id)) a.Fail(id, "rules", "the rule is also disabled; change it or disable it, not both");
        else if (!m.value.IsObject()) a.Fail(id, "rules", "the changes must be an object, e.g. {\"weight\": 2}");
        else if (m.value.MemberCount() == 0) a.Fail(id, "rules", "lists no change (it may change: " + std::string(kChangeable) + ")");
        else a.ChangeRule(&*it, m.value, &made);
      }
    }
  }
  std::vector<RuleSpec> added;
  if (add != nullptr) {
    if (!add->IsArray()) {
      a.Fail("", "add", "\"add\" must be an array of rule entries shaped like those of rules/*.json");
    } else {
      std::set<std::string> ids;
      for (std::size_t i = 0; i < add->Size(); ++i) {
        RuleSpec r;
        if (!a.AddRule((*add)[static_cast<rapidjson::SizeType>(i)], i, result, ids, &r)) continue;
        ids.insert(r.id);
        made.push_back({r.id, "added", "", "", ""});
        added.push_back(std::move(r));
      }
    }
  }
  if (a.failures() > 0) return false;

  result.rules.erase(std::remove_if(result.rules.begin(), result.rules.end(),
                                    [&](const RuleSpec& r) { return disabled.count(r.id) > 0; }),
                     result.rules.end());
  for (RuleSpec& r : added) result.rules.push_back(std::move(r));
  *catalogue = std::move(result);
  changes->insert(changes->end(), made.begin(), made.end());
  return true;
}

bool ApplyOverlayFile(const std::string& path, Catalogue* catalogue, std::vector<RuleChange>* changes,
                      std::vector<OverlayError>* errors) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!std::filesystem::is_regular_file(path, ec) || !in) {
    errors->push_back({path, "", "", "cannot be read (not a readable file)"});
    return false;
  }
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    errors->push_back({path, "", "", "cannot be read"});
    return false;
  }
  return ApplyOverlay(path, json, catalogue, changes, errors);
}

}  // namespace mmaudit::rules
