// The HTML report's "Since the baseline" section, rendered from the report's "baseline" object
// (report/diff.h). Every string is escaped: page keys, URLs and display values come from pages.
#include <cmath>
#include <cstdio>
#include <string>

#include "report/diff.h"
#include "report/html.h"

namespace mmaudit::report {
namespace {

using rapidjson::Value;

constexpr std::size_t kMaxListed = 40;  // findings shown per kind; the rest are counted

const Value* Member(const Value& v, const char* key) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(key);
  return it == v.MemberEnd() ? nullptr : &it->value;
}
const Value* Arr(const Value& v, const char* key) {
  const Value* m = Member(v, key);
  return m && m->IsArray() ? m : nullptr;
}
std::string Str(const Value& v, const char* key) {
  const Value* m = Member(v, key);
  return m && m->IsString() ? std::string(m->GetString(), m->GetStringLength()) : std::string();
}
std::string E(const std::string& s) { return HtmlEscape(s); }

std::string Number(const Value* v) {
  if (!v || !v->IsNumber()) return "\xe2\x80\x93";  // en dash: not scored
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", std::round(v->GetDouble() * 10) / 10);
  return buf;
}

// A delta cell: green when the score rose, red when it fell.
std::string DeltaCell(const Value& s) {
  const Value* d = Member(s, "delta");
  if (!d || !d->IsNumber()) return "<td class=\"num\">\xe2\x80\x93</td>";
  const double v = d->GetDouble();
  const char* cls = v > 0 ? " sc-good" : v < 0 ? " sc-bad" : "";
  return std::string("<td class=\"num") + cls + "\">" + (v > 0 ? "+" : "") + Number(d) + "</td>";
}

std::string Plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void FindingsList(const Value& findings, const char* kind, const char* heading, std::string& out) {
  const Value* list = Arr(findings, kind);
  if (!list || list->Empty()) return;
  out += "<h3>" + std::string(heading) + " (" + std::to_string(list->Size()) + ")</h3>\n<ul class=\"baseline-" + kind +
         "\">\n";
  std::size_t shown = 0;
  for (const Value& f : list->GetArray()) {
    if (!f.IsObject()) continue;
    if (shown++ == kMaxListed) break;
    const std::string scope = Str(f, "scope");
    const std::string where = scope == "page" ? "<span class=\"url\">" + E(Str(f, "page")) + "</span>" : E(scope);
    auto status = [&](const char* key) {
      const std::string s = Str(f, key);
      return s.empty() ? std::string("absent") : E(s);
    };
    out += "<li><code class=\"rule-id\">" + E(Str(f, "rule_id")) + "</code> on " + where + ": " +
           status("status_before") + " \xe2\x86\x92 " + status("status_after");
    std::string shown_value = Str(f, "display_after");
    if (shown_value.empty()) shown_value = Str(f, "display_before");
    if (!shown_value.empty()) out += " <span class=\"muted\">(" + E(shown_value) + ")</span>";
    out += "</li>\n";
  }
  out += "</ul>\n";
  if (list->Size() > kMaxListed)
    out += "<p class=\"muted\">and " + std::to_string(list->Size() - kMaxListed) + " more in report.json.</p>\n";
}

}  // namespace

std::string RenderBaselineHtml(const Value& b) {
  if (!b.IsObject()) return "";
  std::string out =
      "<section id=\"baseline\" aria-labelledby=\"baseline-h\">\n<h2 id=\"baseline-h\">Since the baseline</h2>\n";
  out += "<p class=\"intro\">Compared with <span class=\"url\">" + E(Str(b, "file")) + "</span>";
  if (const std::string at = Str(b, "generated_at"); !at.empty()) out += " of " + E(at);
  out += ".";
  const std::string ob = Str(b, "origin_before"), oa = Str(b, "origin_after");
  if (Str(b, "pages_keyed_by") == "path" && ob != oa)
    out += " Pages are matched by path: the baseline audited <span class=\"url\">" + E(ob) +
           "</span>, this run <span class=\"url\">" + E(oa) + "</span>.";
  out += "</p>\n";

  if (const Value* gate = Member(b, "gate"); gate && gate->IsObject()) {
    const Value* tolerance = Member(*gate, "tolerance");
    const Value* reasons = Arr(*gate, "regressions");
    if (tolerance && tolerance->IsNumber()) {
      if (reasons && !reasons->Empty()) {
        out += "<p class=\"badge sc-bad\">Regression gate failed (tolerance " + Number(tolerance) + " points)</p>\n<ul>\n";
        for (const Value& r : reasons->GetArray())
          if (r.IsString()) out += "<li>" + E(r.GetString()) + "</li>\n";
        out += "</ul>\n";
      } else {
        out += "<p class=\"badge sc-good\">Regression gate passed (tolerance " + Number(tolerance) + " points)</p>\n";
      }
    }
  }

  if (const Value* scores = Arr(b, "site_scores"); scores && !scores->Empty()) {
    out += "<table class=\"trace baseline-scores\"><caption>Site scores</caption>\n<thead><tr><th>score</th>"
           "<th class=\"num\">baseline</th><th class=\"num\">now</th><th class=\"num\">change</th></tr></thead>\n<tbody>\n";
    for (const Value& s : scores->GetArray()) {
      if (!s.IsObject()) continue;
      out += "<tr><td>" + E(Str(s, "scope")) + "</td><td class=\"num\">" + Number(Member(s, "before")) +
             "</td><td class=\"num\">" + Number(Member(s, "after")) + "</td>" + DeltaCell(s) + "</tr>\n";
    }
    out += "</tbody></table>\n";
  }

  if (const Value* pages = Member(b, "pages"); pages && pages->IsObject()) {
    const Value* added = Arr(*pages, "added");
    const Value* removed = Arr(*pages, "removed");
    const Value* changed = Arr(*pages, "changed");
    const std::size_t na = added ? added->Size() : 0, nr = removed ? removed->Size() : 0,
                      nc = changed ? changed->Size() : 0;
    out += "<h3>Pages</h3>\n<p>" + Plural(na, "page added", "pages added") + ", " +
           Plural(nr, "page removed", "pages removed") + ", " +
           Plural(nc, "page with changed scores", "pages with changed scores") + ".</p>\n";
    if (na + nr + nc > 0) {
      out += "<div class=\"table-wrap\"><table class=\"trace baseline-pages\">\n<thead><tr><th>page</th><th>type</th>"
             "<th>change</th><th class=\"num\">baseline</th><th class=\"num\">now</th><th class=\"num\">change</th>"
             "</tr></thead>\n<tbody>\n";
      auto rows = [&](const Value* list, const char* what) {
        if (!list) return;
        for (const Value& p : list->GetArray()) {
          const Value* ss = Arr(p, "scores");
          if (!ss) continue;
          for (const Value& s : ss->GetArray()) {
            if (!s.IsObject()) continue;
            out += "<tr><td class=\"url\">" + E(Str(p, "key")) + "</td><td>" + E(Str(p, "page_type")) + "</td><td>" +
                   what + (Str(s, "scope") == "overall" ? std::string() : " (" + E(Str(s, "scope")) + ")") +
                   "</td><td class=\"num\">" + Number(Member(s, "before")) + "</td><td class=\"num\">" +
                   Number(Member(s, "after")) + "</td>" + DeltaCell(s) + "</tr>\n";
          }
        }
      };
      rows(added, "added");
      rows(removed, "removed");
      rows(changed, "score");
      out += "</tbody></table></div>\n";
    }
  }

  if (const Value* findings = Member(b, "findings"); findings && findings->IsObject()) {
    const Value* n = Arr(*findings, "new");
    const Value* f = Arr(*findings, "fixed");
    const Value* c = Arr(*findings, "changed");
    out += "<h3>Findings</h3>\n<p>" + std::to_string(n ? n->Size() : 0) + " new, " + std::to_string(f ? f->Size() : 0) +
           " fixed, " + std::to_string(c ? c->Size() : 0) +
           " changed (a finding fails when it warns or fails).</p>\n";
    FindingsList(*findings, "new", "Newly failing", out);
    FindingsList(*findings, "fixed", "Fixed", out);
    FindingsList(*findings, "changed", "Still failing, changed", out);
  }

  if (const Value* checkout = Arr(b, "checkout"); checkout && !checkout->Empty()) {
    out += "<h3>Checkout</h3>\n<ul class=\"baseline-checkout\">\n";
    for (const Value& c : checkout->GetArray()) {
      if (!c.IsObject()) continue;
      auto v = [&](const char* k) {
        const std::string s = Str(c, k);
        return s.empty() ? std::string("\xe2\x80\x93") : E(s);
      };
      out += "<li>" + E(Str(c, "field")) + ": " + v("before") + " \xe2\x86\x92 " + v("after") + "</li>\n";
    }
    out += "</ul>\n";
  }
  out += "</section>\n";
  return out;
}

}  // namespace mmaudit::report
