#include "report/junit.h"

#include <cstdio>
#include <vector>

#include "core/text.h"
#include "report/json_view.h"

namespace mmaudit::report {
namespace {

using view::Value;

constexpr std::size_t kMaxEvidence = 20;       // evidence lines per testcase
constexpr std::size_t kMaxLineChars = 500;     // code points per evidence line
constexpr std::size_t kMaxMessageChars = 300;  // code points of a failure message attribute

using RuleTable = std::vector<std::pair<std::string, view::RuleTexts>>;

struct Suite {
  std::string name;
  std::string classname;
  std::string time = "0";
  std::vector<std::pair<std::string, std::string>> properties;
  std::string cases;  // the <testcase> elements
  int tests = 0, failures = 0, errors = 0, skipped = 0;
};

std::string Attr(std::string_view s) { return XmlEscape(s, /*attribute=*/true); }
std::string Body(std::string_view s) { return XmlEscape(s, /*attribute=*/false); }

std::string Seconds(double ms) {
  if (!(ms >= 0) || ms > 1e12) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", ms / 1000.0);
  return buf;
}

// generated_at as an xs:dateTime without zone ("2025-01-31T12:00:00"; the report's times are UTC),
// or "" when it does not look like one.
std::string Timestamp(const std::string& iso) {
  if (iso.size() < 19) return {};
  static const char kPattern[] = "dddd-dd-ddTdd:dd:dd";
  for (std::size_t i = 0; i < 19; ++i) {
    const char c = iso[i];
    if (kPattern[i] == 'd' ? !(c >= '0' && c <= '9') : c != kPattern[i]) return {};
  }
  return iso.substr(0, 19);
}

void AddCase(Suite* suite, const std::string& name, const std::string& inner) {
  suite->cases += "    <testcase classname=\"" + Attr(suite->classname) + "\" name=\"" + Attr(name) + "\" time=\"0\"";
  suite->cases += inner.empty() ? "/>\n" : ">\n" + inner + "    </testcase>\n";
  ++suite->tests;
}

// The note of a finding: its measured value, threshold, score and evidence, one item a line.
std::string Note(const Value& f) {
  std::string out;
  auto line = [&out](const std::string& label, const std::string& value) {
    const std::string v = view::OneLine(value);
    if (!v.empty()) out += label + ": " + text::Truncate(v, kMaxLineChars) + "\n";
  };
  line("status", view::Str(&f, "status"));
  line("moment", view::Str(&f, "moment"));
  line("result", view::Str(&f, "display_value"));
  const std::string value = view::NumberText(view::Member(&f, "value"));
  if (!value.empty()) line("value", value + " " + view::Str(&f, "unit"));
  line("threshold", view::Str(&f, "threshold"));
  line("score", view::NumberText(view::Member(&f, "score")));
  line("weight", view::NumberText(view::Member(&f, "weight")));
  line("error", view::Str(&f, "error"));
  const std::vector<std::string> details = view::StrList(&f, "details");
  if (!details.empty()) out += "evidence:\n";
  for (std::size_t i = 0; i < details.size() && i < kMaxEvidence; ++i)
    out += "  - " + text::Truncate(view::OneLine(details[i]), kMaxLineChars) + "\n";
  if (details.size() > kMaxEvidence) out += "  (" + std::to_string(details.size() - kMaxEvidence) + " more)\n";
  return out;
}

void AddFinding(const Value& f, const RuleTable& rules, const JunitOptions& options, Suite* suite) {
  std::string id = view::OneLine(view::Str(&f, "rule_id"));
  if (id.empty()) id = "(unnamed rule)";
  const view::RuleTexts* texts = view::FindRule(rules, id);
  const std::string title = texts ? view::OneLine(texts->title) : "";
  const std::string name = title.empty() ? id : id + ": " + title;
  const std::string status = view::Str(&f, "status");
  const std::string display = view::OneLine(view::Str(&f, "display_value"));
  std::string headline = texts ? view::OneLine(texts->failure_title) : "";
  if (headline.empty()) headline = title.empty() ? id : title;
  const std::string message = text::Truncate(display.empty() ? headline : headline + ": " + display, kMaxMessageChars);
  const std::string note = Note(f);

  std::string inner;
  if (status == "pass") {
  } else if (status == "fail" || (status == "warn" && options.warn_as_failure)) {
    inner = "      <failure type=\"" + Attr(status) + "\" message=\"" + Attr(message) + "\">" + Body(note) + "</failure>\n";
    ++suite->failures;
  } else if (status == "warn" || status == "informative") {
    inner = "      <system-out>" + Body(status == "warn" ? "warning: " + message + "\n" + note : note) + "</system-out>\n";
  } else if (status == "not-applicable") {
    const std::string why = display.empty() ? "not applicable" : "not applicable: " + display;
    inner = "      <skipped message=\"" + Attr(text::Truncate(why, kMaxMessageChars)) + "\"/>\n";
    ++suite->skipped;
  } else {  // "error", or a status this renderer does not know: the check's result cannot be trusted
    std::string why = view::OneLine(view::Str(&f, "error"));
    if (status != "error") why = "unrecognised status \"" + text::Truncate(view::OneLine(status), 40) + "\"";
    if (why.empty()) why = "the check could not run";
    inner = "      <error type=\"error\" message=\"" + Attr(text::Truncate(why, kMaxMessageChars)) + "\">" + Body(note) +
            "</error>\n";
    ++suite->errors;
  }
  AddCase(suite, name, inner);
}

void AddFindings(const Value* findings, const RuleTable& rules, const JunitOptions& options, Suite* suite) {
  if (!findings || !findings->IsArray()) return;
  for (const Value& f : findings->GetArray())
    if (f.IsObject()) AddFinding(f, rules, options, suite);
}

void AppendSuite(const Suite& s, const std::string& timestamp, std::string& out) {
  out += "  <testsuite name=\"" + Attr(s.name) + "\" tests=\"" + std::to_string(s.tests) + "\" failures=\"" +
         std::to_string(s.failures) + "\" errors=\"" + std::to_string(s.errors) + "\" skipped=\"" +
         std::to_string(s.skipped) + "\" time=\"" + s.time + "\"";
  if (!timestamp.empty()) out += " timestamp=\"" + timestamp + "\"";
  out += ">\n";
  if (!s.properties.empty()) {
    out += "    <properties>\n";
    for (const auto& [k, v] : s.properties)
      out += "      <property name=\"" + Attr(k) + "\" value=\"" + Attr(v) + "\"/>\n";
    out += "    </properties>\n";
  }
  out += s.cases;
  out += "  </testsuite>\n";
}

}  // namespace

std::string XmlEscape(std::string_view raw, bool attribute) {
  const std::string s = text::SanitizeUtf8(raw);
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&apos;"; continue;
      case '\t': out += attribute ? "&#9;" : "\t"; continue;
      case '\n': out += attribute ? "&#10;" : "\n"; continue;
      case '\r': out += "&#13;"; continue;  // a raw CR would be turned into LF by the parser
      default: break;
    }
    if (c < 0x20 || c == 0x7f) continue;  // not allowed in XML 1.0 (or, for DEL, discouraged)
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      ++i;  // U+0080..U+009F: C1 controls, discouraged in XML 1.0 and forbidden raw in XML 1.1
      continue;
    }
    if (c == 0xef && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xbf &&
        static_cast<unsigned char>(s[i + 2]) >= 0xbe) {
      i += 2;  // U+FFFE and U+FFFF are not XML characters
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

bool RenderJunit(std::string_view report_json, const JunitOptions& options, std::string* xml, std::string* error) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(report_json.data(), report_json.size());
  if (d.HasParseError() || !d.IsObject()) {
    *error = "the report JSON is malformed";
    return false;
  }
  const RuleTable rules = view::RuleTextsOf(d);
  const std::string timestamp = Timestamp(view::Str(&d, "generated_at"));
  std::vector<Suite> suites;

  if (const Value* pages = view::Arr(&d, "pages")) {
    for (const Value& p : pages->GetArray()) {
      if (!p.IsObject()) continue;
      Suite s;
      s.name = view::OneLine(view::Str(&p, "url"));
      if (s.name.empty()) s.name = view::OneLine(view::Str(&p, "final_url"));
      if (s.name.empty()) s.name = "(page without a URL)";
      s.classname = s.name;
      const Value* http = view::Obj(view::Obj(&p, "facts"), "http");
      if (auto ms = view::Num(http, "total_ms")) s.time = Seconds(*ms);
      if (const std::string type = view::OneLine(view::Str(&p, "page_type")); !type.empty())
        s.properties.emplace_back("page_type", type);
      if (const std::string final_url = view::OneLine(view::Str(&p, "final_url")); !final_url.empty() && final_url != s.name)
        s.properties.emplace_back("final_url", final_url);
      if (const std::string score = view::NumberText(view::Member(view::Obj(&p, "scores"), "overall")); !score.empty())
        s.properties.emplace_back("score", score);
      const Value* page_error = view::Obj(&p, "error");
      const auto audited = view::Bool(&p, "audited");
      if (page_error || (audited && !*audited)) {
        std::string code = view::OneLine(view::Str(page_error, "code"));
        std::string message = view::OneLine(view::Str(page_error, "message"));
        if (message.empty()) message = "the page could not be audited";
        if (code.empty()) code = "error";
        AddCase(&s, "page-audited: the page could be fetched and audited",
                "      <error type=\"" + Attr(code) + "\" message=\"" + Attr(text::Truncate(message, kMaxMessageChars)) +
                    "\">" + Body(message + "\n") + "</error>\n");
        ++s.errors;
      }
      AddFindings(view::Arr(&p, "findings"), rules, options, &s);
      suites.push_back(std::move(s));
    }
  }
  const std::string site = view::SiteOf(d);
  if (const Value* f = view::Arr(&d, "site_findings"); f && !f->Empty()) {
    Suite s;
    s.name = "site";
    s.classname = "site";
    if (!site.empty()) s.properties.emplace_back("site", site);
    if (const std::string used = view::CredentialsUsed(d); !used.empty())
      s.properties.emplace_back("credentials", used + " (values redacted)");
    AddFindings(f, rules, options, &s);
    suites.push_back(std::move(s));
  }
  const Value* checkout = view::Obj(&d, "checkout");
  if (const Value* f = view::Arr(checkout, "findings"); f && !f->Empty()) {
    Suite s;
    s.name = "checkout";
    s.classname = "checkout";
    if (auto ms = view::Num(checkout, "walk_ms")) s.time = Seconds(*ms);
    for (const char* key : {"mode", "result", "start_url", "stop_url"})
      if (const std::string v = view::OneLine(view::Str(checkout, key)); !v.empty()) s.properties.emplace_back(key, v);
    AddFindings(f, rules, options, &s);
    suites.push_back(std::move(s));
  }

  int tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const Suite& s : suites) {
    tests += s.tests;
    failures += s.failures;
    errors += s.errors;
    skipped += s.skipped;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"mmaudit\" tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
         "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) + "\" time=\"" +
         Seconds(view::Num(&d, "duration_ms").value_or(0)) + "\"";
  if (!timestamp.empty()) out += " timestamp=\"" + timestamp + "\"";
  out += ">\n";
  for (const Suite& s : suites) AppendSuite(s, timestamp, out);
  out += "</testsuites>\n";
  *xml = std::move(out);
  return true;
}

}  // namespace mmaudit::report
