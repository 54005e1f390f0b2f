#include "rules/catalogue.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/embedded.h"
#include "core/text.h"
#include "rules/categories.h"
#include "rules/checks.h"
#include "rules/site.h"
#include "rules/rule_json.h"

namespace mmaudit::rules {
namespace {

bool IsMoment(const std::string& m) {
  const auto& all = Moments();
  return std::find(all.begin(), all.end(), m) != all.end();
}

// Reads one rule entry. Returns false with the problem filled in when the entry is unusable.
bool ReadRule(const rapidjson::Value& v, std::string_view file, RuleSpec* rule, RuleProblem* problem) {
  problem->file = std::string(file);
  if (!v.IsObject()) {
    problem->message = "a rule entry must be a JSON object";
    return false;
  }
  auto str = [&](const char* name, std::string* out, bool required) {
    auto it = v.FindMember(name);
    if (it == v.MemberEnd() || !it->value.IsString() || it->value.GetStringLength() == 0) {
      if (!required && it == v.MemberEnd()) return true;
      problem->field = name;
      problem->message = std::string("\"") + name + "\" must be a non-empty string";
      return false;
    }
    *out = it->value.GetString();
    return true;
  };
  if (!str("id", &rule->id, true)) return false;
  problem->rule_id = rule->id;
  if (!str("title", &rule->title, true) || !str("failure_title", &rule->failure_title, true) ||
      !str("description", &rule->description, true) || !str("learn_more", &rule->learn_more, true) ||
      !str("moment", &rule->moment, true) || !str("check", &rule->check, true) ||
      !str("threshold_source", &rule->threshold_source, false) || !str("scope", &rule->scope, false))
    return false;
  if (!text::StartsWith(rule->learn_more, "https://")) {
    problem->field = "learn_more";
    problem->message = "\"learn_more\" must be an https:// link";
    return false;
  }
  if (!IsMoment(rule->moment)) {
    problem->field = "moment";
    problem->message = "unknown moment \"" + rule->moment + "\" (know, go, do, buy, mobile, speed, discoverability, engagement)";
    return false;
  }
  if (rule->scope != "page" && rule->scope != "checkout" && rule->scope != "site") {
    problem->field = "scope";
    problem->message = "scope \"" + rule->scope + "\" is not supported (\"page\", \"checkout\" or \"site\")";
    return false;
  }
  const bool registered = rule->scope == "checkout" ? FindCheckoutCheck(rule->check) != nullptr
                          : rule->scope == "site"   ? FindSiteCheck(rule->check) != nullptr
                                                    : FindCheck(rule->check) != nullptr;
  if (!registered) {
    problem->field = "check";
    problem->message = "names check \"" + rule->check + "\", which does not exist (see `mmaudit rules --checks`)";
    return false;
  }
  if (auto it = v.FindMember("weight"); it != v.MemberEnd()) {
    if (!it->value.IsNumber() || it->value.GetDouble() < 0) {
      problem->field = "weight";
      problem->message = "\"weight\" must be a number >= 0";
      return false;
    }
    rule->weight = it->value.GetDouble();
  }
  std::string mode = "binary";
  if (!str("score_mode", &mode, false)) return false;
  if (mode == "binary") rule->score_mode = ScoreMode::kBinary;
  else if (mode == "numeric") rule->score_mode = ScoreMode::kNumeric;
  else if (mode == "informative") rule->score_mode = ScoreMode::kInformative;
  else {
    problem->field = "score_mode";
    problem->message = "unknown score_mode \"" + mode + "\" (binary, numeric, informative)";
    return false;
  }
  if (auto it = v.FindMember("page_types"); it != v.MemberEnd()) {
    if (!it->value.IsArray()) {
      problem->field = "page_types";
      problem->message = "\"page_types\" must be an array of strings";
      return false;
    }
    for (const auto& t : it->value.GetArray()) {
      if (!t.IsString()) {
        problem->field = "page_types";
        problem->message = "\"page_types\" must be an array of strings";
        return false;
      }
      rule->page_types.emplace_back(t.GetString());
    }
  }
  if (auto it = v.FindMember("options"); it != v.MemberEnd()) {
    if (!it->value.IsObject()) {
      problem->field = "options";
      problem->message = "\"options\" must be an object";
      return false;
    }
    for (const auto& o : it->value.GetObject()) {
      const std::string name = o.name.GetString();
      if (o.value.IsNumber()) {
        rule->options.numbers[name] = o.value.GetDouble();
      } else if (o.value.IsString()) {
        rule->options.strings[name] = o.value.GetString();
      } else if (o.value.IsArray()) {
        auto& list = rule->options.lists[name];
        for (const auto& x : o.value.GetArray()) {
          if (!x.IsString()) {
            problem->field = "options." + name;
            problem->message = "option lists must hold strings";
            return false;
          }
          list.emplace_back(x.GetString());
        }
      } else {
        problem->field = "options." + name;
        problem->message = "an option must be a number, a string or a list of strings";
        return false;
      }
    }
  }
  if (rule->score_mode == ScoreMode::kNumeric) {
    const std::string curve = rule->options.String("curve", "");
    const bool ok = (curve == "linear" && rule->options.numbers.count("good") && rule->options.numbers.count("poor")) ||
                    (curve == "log-normal" && rule->options.numbers.count("p10") && rule->options.numbers.count("median"));
    if (!ok) {
      problem->field = "options.curve";
      problem->message = "a numeric rule needs options \"curve\": \"linear\" with \"good\" and \"poor\", or "
                         "\"log-normal\" with \"p10\" and \"median\"";
      return false;
    }
  }
  rule->source_file = std::string(file);
  return true;
}

}  // namespace

bool ReadRuleEntry(const rapidjson::Value& v, std::string_view file, RuleSpec* rule, RuleProblem* problem) {
  return ReadRule(v, file, rule, problem);
}

const RuleSpec* Catalogue::Find(std::string_view id) const {
  for (const RuleSpec& r : rules)
    if (r.id == id) return &r;
  return nullptr;
}

bool ParseRuleFile(std::string_view file_name, std::string_view json, Catalogue* out, std::string* error) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (d.HasParseError()) {
    *error = std::string(file_name) + ": not valid JSON: " + rapidjson::GetParseError_En(d.GetParseError()) +
             " (at byte " + std::to_string(d.GetErrorOffset()) + ")";
    return false;
  }
  if (!d.IsObject() || !d.HasMember("rules") || !d["rules"].IsArray()) {
    *error = std::string(file_name) + ": a rule file must be an object with a \"rules\" array";
    return false;
  }
  for (const auto& v : d["rules"].GetArray()) {
    RuleSpec rule;
    RuleProblem problem;
    if (!ReadRule(v, file_name, &rule, &problem)) {
      out->problems.push_back(std::move(problem));
      continue;
    }
    if (out->Find(rule.id) != nullptr) {
      out->problems.push_back({std::string(file_name), rule.id, "id", "duplicate rule id \"" + rule.id + "\""});
      continue;
    }
    out->rules.push_back(std::move(rule));
  }
  return true;
}

bool IsCueFile(std::string_view path) { return text::EndsWith(path, "lexicon.json"); }

// A rule file is a *.json file directly in rules/ (subfolders hold other data, such as buyers/).
static bool IsEmbeddedRuleFile(std::string_view path) {
  return text::StartsWith(path, "rules/") && text::EndsWith(path, ".json") &&
         path.find('/', std::string_view("rules/").size()) == std::string_view::npos && !IsCueFile(path) &&
         !IsCategoriesFile(path);
}

Catalogue DefaultCatalogue() {
  Catalogue c;
  std::vector<embedded::File> files;
  for (const embedded::File& f : embedded::Files())
    if (IsEmbeddedRuleFile(f.path)) files.push_back(f);
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  for (const embedded::File& f : files) {
    std::string error;
    if (!ParseRuleFile(f.path, f.data, &c, &error)) c.problems.push_back({std::string(f.path), "", "", error});
  }
  return c;
}

bool LoadCatalogueDir(const std::string& dir, Catalogue* out, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    *error = dir + ": not a readable directory";
    return false;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".json" && !IsCueFile(e.path().filename().string()) &&
        !IsCategoriesFile(e.path().filename().string()))
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof()) {
      *error = p.string() + ": cannot be read";
      return false;
    }
    if (!ParseRuleFile(p.string(), ss.str(), out, error)) return false;
  }
  if (files.empty()) {
    *error = dir + ": holds no rule files (*.json)";
    return false;
  }
  return true;
}

namespace {

const char* MomentHeading(const std::string& moment) {
  if (moment == "know") return "know: I want to know";
  if (moment == "go") return "go: I want to go";
  if (moment == "do") return "do: I want to do";
  if (moment == "buy") return "buy: I want to buy";
  if (moment == "mobile") return "mobile: works on a phone";
  if (moment == "speed") return "speed: loads fast on a phone";
  if (moment == "discoverability") return "discoverability: can be found";
  if (moment == "engagement") return "engagement: stays in touch";
  return nullptr;
}

// A number as the rule files write it: integers without decimals.
std::string NumberText(double v) {
  char buf[32];
  if (std::abs(v - std::round(v)) < 1e-9) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Table cells hold no pipes or line breaks.
std::string Cell(std::string s) {
  for (char& c : s)
    if (c == '|' || c == '\n') c = ' ';
  return s;
}

}  // namespace

std::string RuleReferenceMarkdown(const Catalogue& catalogue) {
  std::string out =
      "# Rule reference\n\n"
      "Generated from `rules/*.json` by `mmaudit rules --markdown > docs/rules.md`; do not edit by hand "
      "(a test fails when this file is stale). How findings become scores: README.md, \"Scores\".\n";
  std::vector<std::string> moments = Moments();
  for (const RuleSpec& r : catalogue.rules)
    if (std::find(moments.begin(), moments.end(), r.moment) == moments.end()) moments.push_back(r.moment);
  std::size_t n = 0;
  for (const std::string& m : moments) {
    std::vector<const RuleSpec*> rules;
    for (const RuleSpec& r : catalogue.rules)
      if (r.moment == m) rules.push_back(&r);
    if (rules.empty()) continue;
    const char* heading = MomentHeading(m);
    out += "\n## " + (heading ? std::string(heading) : m) + " (" + std::to_string(rules.size()) + " rules)\n\n";
    out += "| rule | passes when | score | weight |\n| --- | --- | --- | --- |\n";
    for (const RuleSpec* r : rules)
      out += "| [`" + r->id + "`](#" + r->id + ") | " + Cell(r->title) + " | " + ScoreModeName(r->score_mode) + " | " +
             NumberText(r->weight) + " |\n";
    for (const RuleSpec* r : rules) {
      ++n;
      out += "\n### " + r->id + "\n\n";
      out += "**" + r->title + "** (fails as: " + r->failure_title + ")\n\n";
      std::string pages;
      for (const auto& t : r->page_types) pages += (pages.empty() ? "" : ", ") + t;
      out += "- scope: " + r->scope + (r->scope == "page" ? "; pages: " + (pages.empty() ? std::string("all") : pages) : "") +
             "\n";
      out += "- check: `" + r->check + "`, " + ScoreModeName(r->score_mode) + ", weight " + NumberText(r->weight) + "\n";
      if (!r->options.numbers.empty() || !r->options.strings.empty() || !r->options.lists.empty()) {
        out += "- options:";
        for (const auto& [k, v] : r->options.numbers) out += " `" + k + "` = " + NumberText(v) + ";";
        for (const auto& [k, v] : r->options.strings) out += " `" + k + "` = \"" + v + "\";";
        for (const auto& [k, v] : r->options.lists) {
          out += " `" + k + "` = [";
          for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", \"" : "\"") + v[i] + "\"";
          out += "];";
        }
        out.pop_back();
        out += "\n";
      }
      out += "- defined in: `" + r->source_file + "`\n\n";
      out += r->description + "\n";
      if (!r->threshold_source.empty()) out += "\nThreshold: " + r->threshold_source + "\n";
      out += "\nLearn more: <" + r->learn_more + ">\n";
    }
  }
  out += "\n---\n" + std::to_string(n) + " rules.\n";
  return out;
}

}  // namespace mmaudit::rules
