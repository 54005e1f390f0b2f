// Read-only access to an untrusted report JSON for the renderers of the other outputs (JUnit,
// Markdown, CSV): every accessor tolerates a missing member or a wrong type and returns an empty or
// absent value instead, so a malformed or hostile report never makes a renderer fail or crash.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::report::view {

using rapidjson::Value;

// The member `key` of `obj`; nullptr when `obj` is null, not an object or lacks it.
const Value* Member(const Value* obj, const char* key);
// Likewise, but only when the member is an object (Obj) or an array (Arr).
const Value* Obj(const Value* obj, const char* key);
const Value* Arr(const Value* obj, const char* key);
// The member as a string (its bytes, unrepaired); "" when absent or not a string.
std::string Str(const Value* obj, const char* key);
// The member as a finite number; nullopt when absent, not a number or not finite.
std::optional<double> Num(const Value* obj, const char* key);
// The member as a bool; nullopt when absent or not a bool.
std::optional<bool> Bool(const Value* obj, const char* key);
// The string items of the array member `key` (other items skipped).
std::vector<std::string> StrList(const Value* obj, const char* key);

// `raw` as display text on one line: ill-formed UTF-8 repaired (U+FFFD); NUL, every other C0/C1
// control character (line breaks and tabs too), DEL and the noncharacters U+FFFE and U+FFFF
// replaced by a space; the bidi embedding/override/isolate characters (U+202A..U+202E,
// U+2066..U+2069) dropped; runs of spaces collapsed; trimmed.
std::string OneLine(std::string_view raw);

// A JSON number written the way the report writes it (shortest round-trip form: "0.73", "1200",
// "1.0"); "" when `v` is null or not a finite number.
std::string NumberText(const Value* v);

// The origin ("scheme://host[:port]") of `url`, or "" when it does not parse as an http(s) URL.
std::string Origin(std::string_view url);

// The rule texts of the report's top-level "rules" array, by rule id.
struct RuleTexts {
  std::string title;
  std::string failure_title;
};
std::vector<std::pair<std::string, RuleTexts>> RuleTextsOf(const Value& report);
// The texts of rule `id` in `texts`, or nullptr.
const RuleTexts* FindRule(const std::vector<std::pair<std::string, RuleTexts>>& texts, std::string_view id);

// The site the report is about: the origin of the crawl's first start URL, else of the first
// page's URL; "" when neither parses.
std::string SiteOf(const Value& report);

// What credentials the run sent, by name only (the report holds no value): "headers Authorization,
// X-Preview; 2 cookies; HTTP basic auth"; "" when none. Names are raw report text (escape them).
std::string CredentialsUsed(const Value& report);

// Reads the report JSON file at `path` for the renderers, the gates and the baseline comparison:
// the same JSON, but with the entries of `site.urls` left out (the array stays, empty). None of
// them reads those entries, and a crawl or a merged plan may list millions of URLs there, so
// memory grows with the audited pages only. Read as a stream (SAX) in constant memory besides the
// result; strings and numbers are kept exactly, whitespace is not. A file that is not JSON is
// returned as it is, for the caller's parser to say why. Returns false with *error when the file
// cannot be read.
bool ReadReportWithoutUrlList(const std::string& path, std::string* json, std::string* error);

}  // namespace mmaudit::report::view
