// Rules as data: a RuleSpec is one entry of rules/*.json; a Finding is what one rule concluded about
// one page. Plain structs, no behaviour beyond small accessors.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mmaudit::rules {

// The micro-moments plus the cross-cutting groups, in report order.
inline const std::vector<std::string>& Moments() {
  static const std::vector<std::string> m = {"know", "go", "do", "buy", "mobile", "speed", "discoverability",
                                             "engagement"};
  return m;
}

enum class Status { kPass, kWarn, kFail, kNotApplicable, kInformative, kError };
const char* StatusName(Status s);

// A rule's thresholds and other options, read from its "options" object. Values are numbers,
// strings or lists of strings.
struct Options {
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> strings;
  std::map<std::string, std::vector<std::string>> lists;

  // The number called `name`, or `fallback` when absent.
  double Number(const std::string& name, double fallback) const;
  std::string String(const std::string& name, const std::string& fallback) const;
};

enum class ScoreMode { kBinary, kNumeric, kInformative };
const char* ScoreModeName(ScoreMode m);

struct RuleSpec {
  std::string id;
  std::string title;          // what passing looks like: "Product pages show reviews"
  std::string failure_title;  // what failing looks like: "Product page shows no reviews"
  std::string description;    // why it matters, in words a store owner understands
  std::string learn_more;     // https URL
  std::string threshold_source;  // where the numbers come from ("" when the rule has none)
  std::string moment;         // one of Moments()
  std::string scope = "page"; // "page" (one finding per page) or "checkout" (one on the site's checkout)
  std::vector<std::string> page_types;  // empty: every page type
  std::string check;          // name in the check registry
  Options options;
  ScoreMode score_mode = ScoreMode::kBinary;
  double weight = 1;
  std::string source_file;    // e.g. "rules/know.json"

  bool AppliesTo(const std::string& page_type) const;
};

// One rule's verdict on one page.
struct Finding {
  std::string rule_id;
  std::string moment;
  double weight = 0;
  Status status = Status::kNotApplicable;
  std::optional<double> score;          // 0..1; absent for N/A, informative and error
  std::optional<double> numeric_value;  // the measured value, when there is one
  std::string unit;                     // "ms", "bytes", "count", "chars" ...
  std::string display_value;            // "3 render-blocking requests"
  std::string threshold;                // the threshold in words: "≤ 600 ms"
  std::vector<std::string> details;     // evidence: elements, URLs, texts (from the page: escape on output)
  std::string error;                    // why the rule could not run (status kError)
};

}  // namespace mmaudit::rules
