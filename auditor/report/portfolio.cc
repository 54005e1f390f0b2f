#include "report/portfolio.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "report/html.h"
#include "report/json_view.h"
#include "report/result.h"

namespace mmaudit::report {
namespace {

using view::Arr;
using view::Member;
using view::Num;
using view::Obj;
using view::OneLine;
using view::Str;

struct Category {
  std::string id, title;
};

// What the portfolio keeps of one site.
struct Line {
  const PortfolioSite* site = nullptr;
  std::string status;  // "audited", "gate-failed", "nothing-audited", "failed"
  std::string error;
  std::optional<double> overall;
  std::vector<std::pair<std::string, double>> moments;  // category id, score
  double pages_audited = 0, pages_failed = 0;
  std::string gates;  // "pass", "fail" or "" (no gates)
  std::vector<std::string> top_fixes;
  std::string site_url;
};

Line Read(const PortfolioSite& s, std::vector<Category>* categories) {
  Line l;
  l.site = &s;
  l.error = s.error;
  if (s.report_json.empty()) {
    l.status = "failed";
    if (l.error.empty()) l.error = "the audit wrote no report";
    return l;
  }
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(s.report_json.data(), s.report_json.size());
  if (d.HasParseError() || !d.IsObject()) {
    l.status = "failed";
    l.error = "its report.json does not parse";
    return l;
  }
  const rapidjson::Value* summary = Obj(&d, "summary");
  const rapidjson::Value* scores = Obj(summary, "scores");
  l.overall = Num(scores, "overall");
  if (const rapidjson::Value* m = Obj(scores, "moments"))
    for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it)
      if (it->value.IsNumber()) l.moments.emplace_back(it->name.GetString(), it->value.GetDouble());
  l.pages_audited = Num(summary, "pages_audited").value_or(0);
  l.pages_failed = Num(summary, "pages_failed").value_or(0);
  l.gates = Str(Obj(&d, "gates"), "verdict");
  if (const rapidjson::Value* top = Arr(summary, "top_findings"))
    for (const auto& f : top->GetArray()) {
      if (l.top_fixes.size() >= 3) break;
      const std::string t = OneLine(Str(&f, "failure_title"));
      if (!t.empty()) l.top_fixes.push_back(t);
    }
  l.site_url = view::SiteOf(d);
  if (categories->empty())
    if (const rapidjson::Value* list = Arr(Obj(&d, "categories"), "list"))
      for (const auto& c : list->GetArray())
        if (!Str(&c, "id").empty()) categories->push_back({OneLine(Str(&c, "id")), OneLine(Str(&c, "title"))});
  if (s.exit_code == 3 || l.pages_audited == 0) l.status = "nothing-audited";
  else if (s.exit_code == 1 || l.gates == "fail") l.status = "gate-failed";
  else l.status = "audited";
  return l;
}

}  // namespace

std::string PortfolioJson(const std::vector<PortfolioSite>& sites, std::string_view generated_at) {
  std::vector<Category> categories;
  std::vector<Line> lines;
  for (const PortfolioSite& s : sites) lines.push_back(Read(s, &categories));
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    const bool sa = a.overall.has_value() && a.status != "nothing-audited";
    const bool sb = b.overall.has_value() && b.status != "nothing-audited";
    if (sa != sb) return sa;
    if (sa && *a.overall != *b.overall) return *a.overall > *b.overall;
    return a.site->name < b.site->name;
  });
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  // Scores as the reports write them: whole numbers without a fraction.
  auto number = [&](double v) {
    if (std::abs(v) < 1e15 && v == std::floor(v)) w.Int64(static_cast<std::int64_t>(v));
    else w.Double(v);
  };
  auto str = [&](const char* key, std::string_view v) {
    w.Key(key);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  str("portfolio_schema_version", kPortfolioSchemaVersion);
  w.Key("tool");
  w.StartObject();
  str("name", "mmaudit");
  str("version", kToolVersion);
  w.EndObject();
  str("generated_at", generated_at);
  w.Key("categories");
  w.StartArray();
  for (const Category& c : categories) {
    w.StartObject();
    str("id", c.id);
    str("title", c.title);
    w.EndObject();
  }
  w.EndArray();
  w.Key("sites");
  w.StartArray();
  int rank = 0;
  for (const Line& l : lines) {
    w.StartObject();
    w.Key("rank");
    if (l.overall && l.status != "nothing-audited") w.Int(++rank);
    else w.Null();
    str("name", l.site->name);
    str("start_url", l.site->start_url);
    str("status", l.status);
    w.Key("exit_code");
    w.Int(l.site->exit_code);
    if (!l.error.empty()) str("error", l.error);
    str("dir", l.site->dir);
    w.Key("report_html");
    if (!l.site->report_html.empty()) {
      const std::string path = l.site->dir + "/" + l.site->report_html;
      w.String(path.c_str(), static_cast<rapidjson::SizeType>(path.size()));
    } else {
      w.Null();
    }
    w.Key("overall");
    if (l.overall) number(*l.overall);
    else w.Null();
    w.Key("moments");
    w.StartObject();
    for (const auto& [id, score] : l.moments) {
      w.Key(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
      number(score);
    }
    w.EndObject();
    w.Key("pages_audited");
    w.Uint64(static_cast<std::uint64_t>(l.pages_audited));
    w.Key("pages_failed");
    w.Uint64(static_cast<std::uint64_t>(l.pages_failed));
    w.Key("gates");
    if (l.gates.empty()) w.Null();
    else w.String(l.gates.c_str());
    w.Key("top_fixes");
    w.StartArray();
    for (const std::string& t : l.top_fixes) w.String(t.c_str(), static_cast<rapidjson::SizeType>(t.size()));
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

namespace {

const char* kCss = R"(body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5em;margin:.4em 0}
p.lead{color:#4a5561;margin:.2em 0 1em}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d8dde3}
th,td{padding:6px 8px;border-bottom:1px solid #e6e9ed;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.score{display:inline-block;min-width:2.4em;text-align:center;border-radius:4px;padding:1px 4px;font-weight:600}
.good{background:#d7f2de;color:#0b6b2c}.mid{background:#fdebc8;color:#7a4b00}.poor{background:#fbd5d5;color:#9b1c1c}
.status{font-size:.85em;white-space:nowrap}
.status-failed,.status-nothing-audited,.status-gate-failed{color:#9b1c1c;font-weight:600}
ul.fixes{margin:0;padding-left:1.1em}
a{color:#0b57d0}
@media print{body{background:#fff}a{color:inherit;text-decoration:none}}
)";

std::string ScoreCell(const rapidjson::Value* v) {
  if (v == nullptr || !v->IsNumber()) return "<td class=\"num\">&ndash;</td>";
  const double s = v->GetDouble();
  const char* band = s >= 90 ? "good" : s >= 50 ? "mid" : "poor";
  return "<td class=\"num\"><span class=\"score " + std::string(band) + "\">" + view::NumberText(v) + "</span></td>";
}

// Only our own relative paths become links: letters, digits, '-', '_', '.', '/', no "..".
bool SafeRelativePath(std::string_view p) {
  if (p.empty() || p[0] == '/' || p.find("..") != std::string_view::npos) return false;
  for (char c : p)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.' || c == '/'))
      return false;
  return true;
}

}  // namespace

bool RenderPortfolioHtml(std::string_view portfolio_json, std::string* html, std::string* error) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(portfolio_json.data(), portfolio_json.size());
  if (d.HasParseError() || !d.IsObject() || Str(&d, "portfolio_schema_version").empty()) {
    *error = "the portfolio JSON does not parse or is not a portfolio";
    return false;
  }
  const rapidjson::Value* sites = Arr(&d, "sites");
  std::vector<Category> categories;
  if (const rapidjson::Value* cs = Arr(&d, "categories"))
    for (const auto& c : cs->GetArray()) categories.push_back({OneLine(Str(&c, "id")), OneLine(Str(&c, "title"))});
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:; base-uri 'none'; form-action 'none'\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"generator\" content=\"mmaudit\">\n";
  out += "<title>mmaudit portfolio</title>\n<style>\n";
  out += kCss;
  out += "</style>\n</head>\n<body>\n<main>\n<h1>Portfolio</h1>\n";
  const std::size_t n = sites ? sites->Size() : 0;
  out += "<p class=\"lead\">" + std::to_string(n) + (n == 1 ? " site" : " sites") +
         ", ranked by overall micro-moment score. Generated " + HtmlEscape(OneLine(Str(&d, "generated_at"))) +
         " by mmaudit " + HtmlEscape(OneLine(Str(Obj(&d, "tool"), "version"))) + ".</p>\n";
  out += "<div class=\"scroll\"><table>\n<thead><tr><th>#</th><th>Site</th><th>Overall</th>";
  for (const Category& c : categories) out += "<th title=\"" + HtmlEscape(c.title) + "\">" + HtmlEscape(c.id) + "</th>";
  out += "<th>Pages</th><th>Status</th><th>Fix first</th></tr></thead>\n<tbody>\n";
  if (sites)
    for (const auto& s : sites->GetArray()) {
      out += "<tr>";
      const rapidjson::Value* rank = Member(&s, "rank");
      out += "<td class=\"num\">" + (rank && rank->IsInt() ? std::to_string(rank->GetInt()) : std::string("&ndash;")) + "</td>";
      const std::string name = HtmlEscape(OneLine(Str(&s, "name")));
      const std::string report = Str(&s, "report_html");
      out += "<td>";
      if (SafeRelativePath(report)) out += "<a href=\"" + HtmlEscape(report) + "\">" + name + "</a>";
      else out += name;
      out += "<br><small>" + HtmlEscape(OneLine(Str(&s, "start_url"))) + "</small></td>";
      out += ScoreCell(Member(&s, "overall"));
      const rapidjson::Value* moments = Obj(&s, "moments");
      for (const Category& c : categories) out += ScoreCell(Member(moments, c.id.c_str()));
      const double audited = Num(&s, "pages_audited").value_or(0), failed = Num(&s, "pages_failed").value_or(0);
      out += "<td class=\"num\">" + std::to_string(static_cast<long long>(audited)) +
             (failed > 0 ? " <small>(" + std::to_string(static_cast<long long>(failed)) + " failed)</small>" : "") + "</td>";
      const std::string status = Str(&s, "status");
      std::string label = status == "audited"           ? "audited"
                          : status == "gate-failed"     ? "gate failed"
                          : status == "nothing-audited" ? "nothing audited"
                                                        : "failed";
      if (status == "audited" && Str(&s, "gates") == "pass") label = "gates passed";
      std::string css_status;
      for (char c : status)
        if ((c >= 'a' && c <= 'z') || c == '-') css_status += c;
      out += "<td class=\"status status-" + css_status + "\">" + label;
      if (!Str(&s, "error").empty()) out += "<br><small>" + HtmlEscape(OneLine(Str(&s, "error"))) + "</small>";
      out += "</td><td>";
      if (const rapidjson::Value* fixes = Arr(&s, "top_fixes"); fixes && !fixes->Empty()) {
        out += "<ul class=\"fixes\">";
        for (const auto& f : fixes->GetArray())
          if (f.IsString()) out += "<li>" + HtmlEscape(OneLine(f.GetString())) + "</li>";
        out += "</ul>";
      }
      out += "</td></tr>\n";
    }
  out += "</tbody>\n</table></div>\n</main>\n</body>\n</html>\n";
  *html = std::move(out);
  return true;
}

}  // namespace mmaudit::report
