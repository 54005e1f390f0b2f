#include "report/markdown.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "core/text.h"
#include "report/json_view.h"

namespace mmaudit::report {
namespace {

using view::Value;
using RuleTable = std::vector<std::pair<std::string, view::RuleTexts>>;

constexpr std::size_t kMaxTitleChars = 120;  // code points of a page title or evidence line
constexpr std::size_t kMaxTextChars = 1200;  // code points of an explanation

constexpr const char* kMoments[] = {"know", "go", "do", "buy", "mobile", "speed", "discoverability", "engagement"};

// Escaped and cut to `max` code points.
std::string Esc(std::string_view s, std::size_t max = kMaxTitleChars) {
  return MarkdownEscape(text::Truncate(view::OneLine(s), max));
}

// A URL (or other literal) as a code span, cut to `max` code points; "" when empty.
std::string Code(std::string_view s, bool in_table, std::size_t max = 200) {
  return MarkdownCode(text::Truncate(view::OneLine(s), max), in_table);
}

// A score on 0..100, or nullopt when `v` is none.
std::optional<double> Score(const Value* v) {
  if (!v || !v->IsNumber()) return std::nullopt;
  const double s = v->GetDouble();
  if (!std::isfinite(s) || s < 0 || s > 100) return std::nullopt;
  return s;
}

// A 0..100 score as "88", or "n/a".
std::string ScoreText(const Value* v) {
  const auto s = Score(v);
  if (!s) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", *s);
  return buf;
}

// " (text)" escaped, or "" when `s` is empty.
std::string Paren(std::string_view s, std::size_t max = kMaxTitleChars) {
  const std::string e = Esc(s, max);
  return e.empty() ? e : " (" + e + ")";
}

// Lighthouse's colours: green from 90, orange from 50, red below; white for none.
const char* Dot(const Value* v) {
  if (!Score(v)) return "\xe2\x9a\xaa";  // ⚪
  const double s = v->GetDouble();
  return s >= 89.5 ? "\xf0\x9f\x9f\xa2" : s >= 49.5 ? "\xf0\x9f\x9f\xa0" : "\xf0\x9f\x94\xb4";  // 🟢 🟠 🔴
}

std::string Whole(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", std::clamp(v, -1e12, 1e12));
  return buf;
}

std::string Points(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", std::clamp(p, -1e9, 1e9));
  return buf;
}

// A rule's failure title (else its title, else its id), escaped.
std::string RuleHeadline(const RuleTable& rules, const std::string& id) {
  const view::RuleTexts* t = view::FindRule(rules, id);
  if (t && !view::OneLine(t->failure_title).empty()) return Esc(t->failure_title);
  if (t && !view::OneLine(t->title).empty()) return Esc(t->title);
  return Esc(id);
}

std::string More(std::size_t shown, std::size_t total) {
  if (total <= shown) return {};
  return "\n_… and " + std::to_string(total - shown) + " more (see the full report)._\n";
}

void Scores(const Value& d, std::string& out) {
  const Value* summary = view::Obj(&d, "summary");
  const Value* scores = view::Obj(summary, "scores");
  const Value* moments = view::Obj(scores, "moments");
  std::vector<std::pair<std::string, std::string>> categories;  // id, title
  if (const Value* list = view::Arr(view::Obj(&d, "categories"), "list"))
    for (const Value& c : list->GetArray())
      if (const std::string id = view::Str(&c, "id"); !id.empty()) categories.emplace_back(id, view::Str(&c, "title"));
  for (const char* m : kMoments)
    if (std::none_of(categories.begin(), categories.end(), [m](const auto& c) { return c.first == m; }) &&
        view::Member(moments, m))
      categories.emplace_back(m, "");
  std::vector<std::pair<std::string, std::string>> bands;
  if (const Value* ex = view::Arr(summary, "explanations"))
    for (const Value& e : ex->GetArray()) bands.emplace_back(view::Str(&e, "moment"), view::Str(&e, "band"));

  out += "### Scores\n\n| | Category | Score | Band |\n| --- | --- | ---: | --- |\n";
  const Value* overall = view::Member(scores, "overall");
  out += std::string("| ") + Dot(overall) + " | **Overall** | **" + ScoreText(overall) + "** | |\n";
  for (const auto& [id, title] : categories) {
    const Value* v = view::Member(moments, id.c_str());
    std::string band;
    for (const auto& [m, b] : bands)
      if (m == id) band = b;
    std::string label = Esc(title.empty() ? id : title);
    if (!title.empty()) label += " (" + Esc(id) + ")";
    out += std::string("| ") + Dot(v) + " | " + label + " | " + ScoreText(v) + " | " + Esc(band) + " |\n";
  }
  out += "\n";
}

// The report's "baseline" section (report/diff.h, DiffToJson) in Markdown: the site's score changes,
// the counts of new, fixed and changed failing findings and of pages added and removed, the new
// findings (at most 10) and the gate's regressions.
std::string BaselineFromReport(const Value& baseline) {
  std::string out = "Compared with " + Code(view::Str(&baseline, "file"), false);
  if (const std::string at = view::Str(&baseline, "generated_at"); !at.empty()) out += " (" + Esc(at, 40) + ")";
  out += ".\n\n";
  if (const Value* scores = view::Arr(&baseline, "site_scores"); scores && !scores->Empty()) {
    out += "| Score | Before | Now | Change |\n| --- | ---: | ---: | ---: |\n";
    for (const Value& sc : scores->GetArray()) {
      if (!sc.IsObject()) continue;
      std::string delta = "n/a";
      if (auto dl = view::Num(&sc, "delta")) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%+.0f", *dl);
        delta = buf;
      }
      out += "| " + Esc(view::Str(&sc, "scope"), 40) + " | " + ScoreText(view::Member(&sc, "before")) + " | " +
             ScoreText(view::Member(&sc, "after")) + " | " + delta + " |\n";
    }
    out += "\n";
  }
  const Value* findings = view::Obj(&baseline, "findings");
  const Value* pages = view::Obj(&baseline, "pages");
  auto count = [](const Value* obj, const char* key) {
    const Value* a = view::Arr(obj, key);
    return std::to_string(a ? a->Size() : 0);
  };
  out += "Failing findings: **" + count(findings, "new") + " new**, " + count(findings, "fixed") + " fixed, " +
         count(findings, "changed") + " changed. Pages: " + count(pages, "added") + " added, " + count(pages, "removed") +
         " removed.\n";
  if (const Value* fresh = view::Arr(findings, "new"); fresh && !fresh->Empty()) {
    out += "\nNew failing findings:\n\n";
    std::size_t n = 0;
    for (const Value& f : fresh->GetArray()) {
      if (!f.IsObject()) continue;
      if (++n > 10) {
        out += "- and " + std::to_string(fresh->Size() - 10) + " more\n";
        break;
      }
      std::string where = view::Str(&f, "url");
      if (where.empty()) where = view::Str(&f, "scope");
      out += "- " + Code(view::Str(&f, "rule_id"), false, 80) + " (" + Esc(view::Str(&f, "status_after"), 20) + ") on " +
             Code(where, false) + "\n";
    }
  }
  if (const Value* regressions = view::Arr(view::Obj(&baseline, "gate"), "regressions");
      regressions && !regressions->Empty()) {
    out += "\n**The regression gate failed:**\n\n";
    for (const Value& r : regressions->GetArray())
      if (r.IsString()) out += "- " + Esc(r.GetString()) + "\n";
  }
  return out;
}

void Baseline(const Value& d, const MarkdownOptions& options, std::string& out) {
  out += std::string(kMarkdownBaselineBegin) + "\n### Changes against the baseline\n\n";
  const Value* from_report = view::Obj(&d, "baseline");
  if (options.baseline_markdown.empty() && from_report != nullptr) {
    out += BaselineFromReport(*from_report);
  } else if (options.baseline_markdown.empty()) {
    out += "_No baseline was given (`--baseline previous.json` compares this run with an earlier one)._\n";
  } else {
    out += options.baseline_markdown;
    if (out.back() != '\n') out += "\n";
  }
  out += std::string(kMarkdownBaselineEnd) + "\n\n";
}

void TopFixes(const Value& d, const MarkdownOptions& options, std::string& out) {
  out += "### Top fixes\n\n";
  const Value* top = view::Arr(view::Obj(&d, "summary"), "top_findings");
  std::size_t n = 0, total = 0;
  if (top)
    for (const Value& t : top->GetArray()) {
      if (!t.IsObject()) continue;
      ++total;
      if (n >= options.max_items) continue;
      std::string title = view::Str(&t, "failure_title");
      if (view::OneLine(title).empty()) title = view::Str(&t, "rule_id");
      const auto pages = view::Num(&t, "pages");
      out += std::to_string(++n) + ". **" + Esc(title) + "**" + Paren(view::Str(&t, "moment"));
      if (pages) out += " on " + Whole(*pages) + (*pages == 1 ? " page" : " pages");
      if (auto impact = view::Num(&t, "impact")) out += ", impact " + Points(*impact);
      out += " · rule " + Esc(view::Str(&t, "rule_id"), 80) + "\n";
    }
  if (total == 0) out += "Nothing to fix: no rule failed.\n";
  out += More(n, total);
  out += "\n";
}

void Explanations(const Value& d, const RuleTable& rules, std::string& out) {
  const Value* ex = view::Arr(view::Obj(&d, "summary"), "explanations");
  if (!ex || ex->Empty()) return;
  out += "<details><summary>Scores explained</summary>\n\n";
  for (const Value& e : ex->GetArray()) {
    if (!e.IsObject()) continue;
    out += "- **" + Esc(view::Str(&e, "moment")) + " " + ScoreText(view::Member(&e, "score")) + "**" +
           Paren(view::Str(&e, "band")) + ": " + Esc(view::Str(&e, "text"), kMaxTextChars);
    if (const Value* losses = view::Arr(&e, "losses"); losses && !losses->Empty()) {
      out += " Fix first:";
      const char* sep = " ";
      std::size_t n = 0;
      for (const Value& l : losses->GetArray()) {
        if (!l.IsObject() || ++n > 5) continue;
        out += sep + RuleHeadline(rules, view::Str(&l, "rule_id"));
        if (auto p = view::Num(&l, "points")) out += " (+" + Points(*p) + ")";
        sep = "; ";
      }
      out += ".";
    }
    out += "\n";
  }
  out += "\n</details>\n\n";
}

void LowestPages(const Value& d, const MarkdownOptions& options, std::string& out) {
  const Value* pages = view::Arr(&d, "pages");
  if (!pages) return;
  struct Row {
    double score;
    const Value* page;
  };
  std::vector<Row> rows;
  for (const Value& p : pages->GetArray())
    if (auto s = view::Num(view::Obj(&p, "scores"), "overall")) rows.push_back({*s, &p});
  if (rows.empty()) return;
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.score < b.score; });
  out += "### Lowest-scoring pages\n\n| Score | Type | Page | Title |\n| ---: | --- | --- | --- |\n";
  std::size_t n = 0;
  for (const Row& r : rows) {
    if (n++ >= options.max_items) break;
    const Value* meta = view::Obj(view::Obj(r.page, "facts"), "meta");
    out += "| " + ScoreText(view::Member(view::Obj(r.page, "scores"), "overall")) + " | " +
           Esc(view::Str(r.page, "page_type")) + " | " + Code(view::Str(r.page, "url"), /*in_table=*/true) + " | " +
           Esc(view::Str(meta, "title")) + " |\n";
  }
  out += More(std::min(n, options.max_items), rows.size());
  out += "\n";
}

void Checkout(const Value& d, const RuleTable& rules, const MarkdownOptions& options, std::string& out) {
  out += "### Checkout\n\n";
  const Value* c = view::Obj(&d, "checkout");
  if (!c) {
    out += "No checkout was inspected (`--checkout=off`, or an audit of a saved file).\n\n";
    return;
  }
  const std::string result = view::Str(c, "result");
  const char* said = result == "reached_review" ? "reached the order review step"
                     : result == "blocked"      ? "stopped before the order review step"
                     : result == "not_found"    ? "no checkout was found"
                                                : nullptr;
  out += "| | |\n| --- | --- |\n";
  out += "| Result | " + (said ? std::string(said) : Esc(result)) + Paren(view::Str(c, "mode")) + " |\n";
  if (auto steps = view::Num(c, "estimated_steps")) {
    out += "| Steps | " + Whole(*steps);
    out += Paren(view::Str(c, "estimate_source"));
    out += "; Baymard's average is 5\\.1 |\n";
  }
  if (auto fields = view::Num(view::Obj(c, "totals"), "fields"))
    out += "| Form fields | " + Whole(*fields) +
           "; Baymard: 11\\.3 on average, 8 achievable |\n";
  if (auto guest = view::Bool(c, "guest_checkout"))
    out += std::string("| Guest checkout | ") + (*guest ? "yes" : "no") +
           (view::Bool(c, "account_required").value_or(false) ? " (an account is required)" : "") + " |\n";
  std::string express;
  for (const std::string& e : view::StrList(c, "express_payments")) express += (express.empty() ? "" : ", ") + Esc(e);
  out += "| Express payments | " + (express.empty() ? std::string("none found") : express) + " |\n";
  if (const std::string why = view::Str(c, "stop_reason"); result != "reached_review" && !view::OneLine(why).empty()) {
    const std::string at = Code(view::Str(c, "stop_url"), /*in_table=*/true);
    out += "| Stopped | " + Esc(why, 300) + (at.empty() ? "" : " at " + at) + " |\n";
  }
  out += "\n";
  std::size_t n = 0, total = 0;
  if (const Value* findings = view::Arr(c, "findings"))
    for (const Value& f : findings->GetArray()) {
      const std::string status = view::Str(&f, "status");
      if (status != "fail" && status != "warn" && status != "error") continue;
      if (++total > options.max_items) continue;
      ++n;
      const char* mark = status == "fail" ? "\xe2\x9d\x8c" : status == "warn" ? "\xe2\x9a\xa0\xef\xb8\x8f" : "\xe2\x9d\x97";
      out += std::string("- ") + mark + " " + RuleHeadline(rules, view::Str(&f, "rule_id"));
      if (const std::string dv = view::Str(&f, "display_value"); !view::OneLine(dv).empty()) out += ": " + Esc(dv, 300);
      out += Paren(view::Str(&f, "threshold"));
      out += "\n";
    }
  out += More(n, total);
  if (total) out += "\n";
}

void Errors(const Value& d, const MarkdownOptions& options, std::string& out) {
  out += "### Pages with errors\n\n";
  std::size_t n = 0, total = 0;
  if (const Value* pages = view::Arr(&d, "pages"))
    for (const Value& p : pages->GetArray()) {
      const Value* error = view::Obj(&p, "error");
      if (!error && view::Bool(&p, "audited").value_or(true)) continue;
      if (++total > options.max_items) continue;
      ++n;
      std::string url = Code(view::Str(&p, "url"), /*in_table=*/false), message = Esc(view::Str(error, "message"), 300);
      out += "- " + (url.empty() ? std::string("(a page without a URL)") : url) + ": " +
             (message.empty() ? std::string("the page could not be audited") : message) + Paren(view::Str(error, "code"), 40);
      out += "\n";
    }
  if (total == 0) out += "None: every requested page was audited.\n";
  out += More(n, total);
  std::size_t checks = 0;
  if (const Value* errors = view::Arr(&d, "errors"))
    for (const Value& e : errors->GetArray())
      if (view::Str(&e, "kind") == "finding") ++checks;
  if (checks) out += "\n" + std::to_string(checks) + (checks == 1 ? " check" : " checks") + " could not run (see the report's `errors`).\n";
  out += "\n";
}

}  // namespace

std::string MarkdownEscape(std::string_view raw) {
  const std::string s = view::OneLine(raw);
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80; };
  // Where a leading block marker ends: "#", "-", "+", "=" or digits followed by "." or ")".
  std::size_t marker = std::string::npos;
  if (!s.empty() && std::strchr("#-+=", s[0])) {
    marker = 0;
  } else {
    std::size_t i = 0;
    while (i < s.size() && i < 9 && s[i] >= '0' && s[i] <= '9') ++i;
    if (i > 0 && i < s.size() && (s[i] == '.' || s[i] == ')')) marker = i;
  }
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char before = i > 0 ? s[i - 1] : ' ';
    const char after = i + 1 < s.size() ? s[i + 1] : ' ';
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      // Only an ampersand that could start an entity or character reference ("&lt;", "&#60;").
      std::size_t j = i + 1;
      if (j < s.size() && s[j] == '#') ++j;
      while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
      out += j > i + 1 && j < s.size() && s[j] == ';' ? "&amp;" : "&";
    } else if (c == '@' && !alnum(before)) {
      out += "@\xe2\x80\x8b";  // U+200B ZERO WIDTH SPACE: no @mention
    } else if (std::strchr("\\`*[]|~$", c) || (c == '_' && !(alnum(before) && alnum(after))) || i == marker) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string MarkdownCode(std::string_view raw, bool in_table) {
  std::string s = view::OneLine(raw);
  if (s.empty()) return s;
  std::size_t longest = 0, run = 0;
  for (const char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  if (in_table) {
    std::string piped;
    for (const char c : s) piped += c == '|' ? std::string("\\|") : std::string(1, c);
    s = std::move(piped);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = s.front() == '`' || s.back() == '`';
  return fence + (pad ? " " : "") + s + (pad ? " " : "") + fence;
}

bool RenderMarkdown(std::string_view report_json, const MarkdownOptions& options, std::string* markdown,
                    std::string* error) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(report_json.data(), report_json.size());
  if (d.HasParseError() || !d.IsObject()) {
    *error = "the report JSON is malformed";
    return false;
  }
  const RuleTable rules = view::RuleTextsOf(d);
  const Value* summary = view::Obj(&d, "summary");
  std::string out = "## mmaudit report";
  if (const std::string site = view::SiteOf(d); !site.empty()) out += ": " + Code(site, /*in_table=*/false);
  out += "\n\n";
  auto count = [&](const char* key) {
    auto v = view::Num(summary, key);
    return v && *v >= 0 && *v < 1e12 ? std::to_string(static_cast<long long>(*v)) : std::string("?");
  };
  out += "Overall score **" + ScoreText(view::Member(view::Obj(summary, "scores"), "overall")) + "**/100 · " +
         count("pages_audited") + " of " + count("pages_requested") + " pages audited, " + count("pages_failed") +
         " failed";
  if (const Value* settings = view::Obj(&d, "settings"))
    if (const std::string device = view::Str(settings, "device"); !device.empty()) out += " · device " + Esc(device, 40);
  if (const std::string at = view::Str(&d, "generated_at"); !at.empty()) out += " · " + Esc(at, 40);
  out += "\n\n";
  if (const std::string used = view::CredentialsUsed(d); !used.empty())
    out += "Sent with credentials: " + Esc(used, 300) + " (values redacted; sent to the audited site only)\n\n";
  Scores(d, out);
  Baseline(d, options, out);
  TopFixes(d, options, out);
  Explanations(d, rules, out);
  Checkout(d, rules, options, out);
  LowestPages(d, options, out);
  Errors(d, options, out);
  *markdown = std::move(out);
  return true;
}

}  // namespace mmaudit::report
