// The HTML report. Rendered from the report JSON only (see json.cc and
// reports/schema/report.schema.json), as one self-contained file:
//
//  * no external resource, and one script only: a CSP meta forbids remote loads and allows exactly
//    the report's own script (reports/templates/report.js, the page-detail search box) by its
//    SHA-256; CSS is embedded from reports/templates/report.css and every chart is inline SVG drawn
//    here; the report embeds no JSON, and works with script disabled;
//  * every string taken from the JSON goes through Text() (UTF-8 repaired, control and bidi
//    override characters dropped, then HtmlEscape), and only http(s) URLs become links;
//  * deterministic: the same JSON gives the same bytes (no clock, no locale, no pointers).
//
// Only the skeleton is mandatory (an object with schema_version, summary, rules and pages); every
// other field that is missing or has the wrong type is rendered as absent.
#include "report/html.h"

#include "report/diff.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/embedded.h"
#include "core/text.h"
#include "core/url.h"
#include "report/branding.h"
#include "report/json_view.h"

namespace mmaudit::report {
namespace {

using rapidjson::Value;

constexpr int kOpenPages = 3;          // page sections shown expanded
constexpr std::size_t kMaxListed = 20;  // evidence items and fact lists shown per finding/page

// ------------------------------------------------------------------ JSON access (never throws)

using view::Arr;
using view::Bool;
using view::Member;
using view::Num;
using view::Obj;
using view::Str;
using view::StrList;

std::optional<std::string> OptStr(const Value* obj, const char* key) {
  const Value* v = Member(obj, key);
  if (!v || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

// ------------------------------------------------------------------ text

// `s` as safe display text: ill-formed UTF-8 repaired, C0/C1 control characters (except tab, CR,
// LF) and the bidi embedding/override/isolate characters (U+202A..U+202E, U+2066..U+2069) dropped.
std::string Clean(std::string_view raw) {
  const std::string s = text::SanitizeUtf8(raw);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20) {
      if (c == '\t' || c == '\n' || c == '\r') out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c == 0x7f) {
      ++i;
      continue;
    }
    if (c == 0xc2 && i + 1 < s.size()) {  // U+0080..U+009F (C1 controls)
      const auto c2 = static_cast<unsigned char>(s[i + 1]);
      if (c2 >= 0x80 && c2 <= 0x9f) {
        i += 2;
        continue;
      }
    }
    if (c == 0xe2 && i + 2 < s.size()) {
      const auto c2 = static_cast<unsigned char>(s[i + 1]);
      const auto c3 = static_cast<unsigned char>(s[i + 2]);
      const bool embedding = c2 == 0x80 && c3 >= 0xaa && c3 <= 0xae;  // U+202A..U+202E
      const bool isolate = c2 == 0x81 && c3 >= 0xa6 && c3 <= 0xa9;    // U+2066..U+2069
      if (embedding || isolate) {
        i += 3;
        continue;
      }
    }
    out += s[i];
    ++i;
  }
  return out;
}

// Display text from the JSON: cleaned, then escaped.
std::string Text(std::string_view s) { return HtmlEscape(Clean(s)); }

// The cleaned, trimmed URL when it is an http(s) URL that may become a link; nullopt otherwise.
std::optional<std::string> SafeHref(std::string_view raw) {
  std::string u = Clean(raw);
  // Browsers strip tab and newline anywhere in a URL; refuse them instead of guessing.
  const std::string_view t = text::Trim(u);
  if (t.find_first_of("\t\r\n") != std::string_view::npos) return std::nullopt;
  if (!text::StartsWithIgnoreCase(t, "http://") && !text::StartsWithIgnoreCase(t, "https://")) return std::nullopt;
  if (t.find(' ') != std::string_view::npos) return std::nullopt;
  return std::string(t);
}

// A link when `url` is http(s), else the escaped text. `label` defaults to the URL itself.
std::string Link(std::string_view url, std::optional<std::string_view> label = std::nullopt,
                 const char* cls = nullptr) {
  const std::string shown = Text(label ? *label : url);
  const auto href = SafeHref(url);
  if (!href) {
    if (!cls) return shown;
    return std::string("<span class=\"") + cls + "\">" + shown + "</span>";
  }
  std::string out = "<a href=\"" + HtmlEscape(*href) + "\" rel=\"noopener noreferrer nofollow\"";
  if (cls) out += std::string(" class=\"") + cls + "\"";
  out += ">" + shown + "</a>";
  return out;
}

// Locale-independent number formatting with at most `decimals` decimals, trailing zeros dropped.
std::string FormatNumber(double v, int decimals = 2) {
  if (!std::isfinite(v)) return "n/a";
  if (std::abs(v) < 0.5 * std::pow(10.0, -decimals)) v = 0;  // no "-0"
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "n/a";
  std::string s(buf.data(), end);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

std::string FormatBytes(double b) {
  if (b < 1024) return FormatNumber(b, 0) + " B";
  if (b < 1024 * 1024) return FormatNumber(b / 1024, 1) + " KiB";
  return FormatNumber(b / (1024 * 1024), 1) + " MiB";
}

std::string Plural(double n, const char* one, const char* many) {
  return FormatNumber(n, 0) + " " + (n == 1 ? one : many);
}

// ------------------------------------------------------------------ vocabulary

struct MomentInfo {
  const char* id;
  const char* label;  // long, for headings and gauges
  const char* abbr;   // short, for table headers
};

constexpr std::array<MomentInfo, 8> kMoments = {{
    {"know", "I want to know", "Know"},
    {"go", "I want to go", "Go"},
    {"do", "I want to do", "Do"},
    {"buy", "I want to buy", "Buy"},
    {"mobile", "Mobile friendliness", "Mobile"},
    {"speed", "Speed", "Speed"},
    {"discoverability", "Discoverability", "Discov."},
    {"engagement", "Engagement", "Engage."},
}};

const MomentInfo* FindMoment(std::string_view id) {
  for (const auto& m : kMoments)
    if (id == m.id) return &m;
  return nullptr;
}

// `s` as a CSS class or id token: lower-case letters, digits and '-' kept, anything else becomes
// '-'; "unknown" when empty. Page types and moments are ours, but the JSON may be hostile.
std::string ClassToken(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '-' ? l : '-';
  }
  return out.empty() ? std::string("unknown") : out;
}

// Escaped label for a moment id; unknown ids are shown as themselves.
std::string MomentLabel(std::string_view id) {
  if (const MomentInfo* m = FindMoment(id)) return m->label;
  return id.empty() ? std::string("Other") : Text(id);
}

struct StatusInfo {
  const char* id;
  const char* label;
  const char* cls;
  int order;  // problems first
};

constexpr std::array<StatusInfo, 6> kStatuses = {{
    {"fail", "Fail", "st-fail", 0},
    {"error", "Error", "st-error", 1},
    {"warn", "Warning", "st-warn", 2},
    {"pass", "Pass", "st-pass", 4},
    {"informative", "Info", "st-info", 5},
    {"not-applicable", "N/A", "st-na", 6},
}};

const StatusInfo& FindStatus(std::string_view id) {
  static constexpr StatusInfo kUnknown = {"", "Unknown", "st-na", 3};
  for (const auto& s : kStatuses)
    if (id == s.id) return s;
  return kUnknown;
}

bool IsProblem(const StatusInfo& s) { return s.order <= 3; }

// CSS class for a 0..100 score, with Lighthouse's bands.
const char* ScoreClass(std::optional<double> score) {
  if (!score) return "sc-na";
  if (*score >= 90) return "sc-good";
  if (*score >= 50) return "sc-warn";
  return "sc-bad";
}

std::string ScoreText(std::optional<double> score) { return score ? FormatNumber(std::round(*score), 0) : "n/a"; }

// A moment's score from a scores object ({"overall":..,"moments":{..}}).
std::optional<double> MomentScore(const Value* scores, const char* moment) {
  return Num(Obj(scores, "moments"), moment);
}

// ------------------------------------------------------------------ the model we render

struct RuleView {
  const Value* v = nullptr;
  std::string title, failure_title, description, learn_more, threshold_source, moment;
};

struct Model {
  const Value* root = nullptr;
  const Value* summary = nullptr;
  const Value* pages = nullptr;
  std::map<std::string, RuleView> rules;
};

const RuleView* FindRule(const Model& m, const std::string& id) {
  auto it = m.rules.find(id);
  return it == m.rules.end() ? nullptr : &it->second;
}

// A number from a rule's options in the report JSON (rules[].options[key]); nullopt when the rule,
// its options or that option is absent. The checkout's Baymard figures and the speed thresholds the
// charts draw come from here, never from constants of the renderer.
std::optional<double> RuleOption(const Model& m, const char* rule_id, const char* key) {
  const RuleView* r = FindRule(m, rule_id);
  if (!r) return std::nullopt;
  auto v = Num(Obj(r->v, "options"), key);
  if (v && !std::isfinite(*v)) return std::nullopt;
  return v;
}

// ------------------------------------------------------------------ pieces

// A ring gauge for a 0..100 score (nullopt: n/a), as inline SVG.
std::string Gauge(std::optional<double> score, const std::string& label_html, const std::string& label_plain,
                  bool large) {
  constexpr double kR = 52;
  constexpr double kCirc = 2 * 3.14159265358979323846 * kR;
  std::string out = std::string("<figure class=\"gauge ") + (large ? "gauge-large " : "") + ScoreClass(score) + "\">";
  out += "<svg class=\"gauge-ring\" viewBox=\"0 0 120 120\" width=\"" + std::string(large ? "132" : "96") +
         "\" height=\"" + std::string(large ? "132" : "96") + "\" role=\"img\" aria-label=\"" + label_plain + ": " +
         (score ? ScoreText(score) + " out of 100" : std::string("not applicable")) + "\">";
  out += "<circle class=\"gauge-track\" cx=\"60\" cy=\"60\" r=\"52\" fill=\"none\" stroke=\"#e3e5e8\" stroke-width=\"10\"/>";
  if (score) {
    const double fraction = std::clamp(*score, 0.0, 100.0) / 100;
    if (fraction > 0) {
      out += "<circle class=\"gauge-arc\" cx=\"60\" cy=\"60\" r=\"52\" fill=\"none\" stroke=\"#5f6368\" "
             "stroke-width=\"10\" stroke-linecap=\"round\" stroke-dasharray=\"" +
             FormatNumber(fraction * kCirc, 2) + " " + FormatNumber(kCirc, 2) + "\" transform=\"rotate(-90 60 60)\"/>";
    }
  }
  out += "<text class=\"gauge-num\" x=\"60\" y=\"60\" text-anchor=\"middle\" dominant-baseline=\"central\">" +
         ScoreText(score) + "</text></svg>";
  out += "<figcaption>" + label_html + "</figcaption></figure>";
  return out;
}

std::string ScoreCell(std::optional<double> score) {
  return std::string("<td class=\"num score ") + ScoreClass(score) + "\">" + ScoreText(score) + "</td>";
}

std::string ScoreChip(std::optional<double> score) {
  return std::string("<span class=\"chip ") + ScoreClass(score) + "\">" + ScoreText(score) + "</span>";
}

// "Origin" of a URL for the header (scheme://host), or the cleaned URL when it does not parse.
std::string Origin(const std::string& u) {
  if (auto p = url::Parse(u)) {
    if (!p->host.empty()) return p->scheme + "://" + p->host;
  }
  return u;
}

std::string PageUrl(const Value* page) {
  std::string u = Str(page, "url");
  if (u.empty()) u = Str(page, "final_url");
  return u;
}

// `extra_css`: rules built from the report (the page-detail filters), appended to the stylesheet.
// `script_hash`: CspSha256 of the one inline script the page carries (the CSP allows it alone).
void RenderHead(const std::string& site_plain, const std::string& extra_css, const std::string& script_hash,
                std::string& out) {
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src '" + script_hash +
         "'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"color-scheme\" content=\"light\">\n";
  out += "<meta name=\"generator\" content=\"mmaudit\">\n";
  out += "<title>mmaudit report";
  if (!site_plain.empty()) out += " \xe2\x80\x94 " + Text(site_plain);
  out += "</title>\n<style>\n";
  std::string css(embedded::Find("reports/templates/report.css").value_or(std::string_view()));
  // The stylesheet is ours, but never let it close the <style> element early.
  for (std::size_t pos = 0; (pos = css.find("</", pos)) != std::string::npos; pos += 3) css.replace(pos, 2, "<\\/");
  out += css;
  if (!css.empty() && css.back() != '\n') out += '\n';
  out += extra_css;
  out += "</style>\n</head>\n";
}

// What a rule overlay (settings.rules_overlay) changed, as one line per change, so that a reader of
// the report knows the weights or thresholds are not the defaults. "" when no overlay was applied.
std::string RuleChangesHtml(const Value* settings) {
  const std::string overlay = Str(settings, "rules_overlay");
  if (overlay.empty()) return "";
  std::string items;
  std::size_t n = 0;
  if (const Value* changes = Arr(settings, "rule_changes"))
    for (const auto& c : changes->GetArray()) {
      if (!c.IsObject()) continue;
      ++n;
      const std::string kind = Str(&c, "kind");
      std::string line = "<code>" + Text(Str(&c, "rule_id")) + "</code> ";
      if (kind == "changed")
        line += Text(Str(&c, "field")) + " " + Text(Str(&c, "from")) + " \xe2\x86\x92 " + Text(Str(&c, "to"));
      else
        line += Text(kind);
      items += "<li>" + line + "</li>";
    }
  return "<div class=\"rule-changes\"><p><strong>Rules customised</strong> by <code>" + Text(overlay) + "</code>" +
         (n == 0 ? std::string(" (no change)") : ": " + Plural(static_cast<double>(n), "change", "changes")) + "</p>" +
         (items.empty() ? std::string() : "<ul>" + items + "</ul>") + "</div>\n";
}

void RenderHeader(const Model& m, const std::vector<std::string>& origins, std::string& out) {
  const Value* root = m.root;
  const Value* settings = Obj(root, "settings");
  const Value* tool = Obj(root, "tool");
  out += "<header class=\"report-header\">\n<div class=\"wrap\">\n";
  // Branding (--brand-name, --brand-logo): the logo only from a base64 data URI of an image type,
  // so a hand-edited report cannot point it anywhere (the CSP allows img-src data: alone, too).
  const Value* branding = Obj(settings, "branding");
  const std::string brand_name = Clean(Str(branding, "name"));
  std::string logo = Str(Obj(branding, "logo"), "data_uri");
  if (!IsBrandLogoDataUri(logo)) logo.clear();
  if (!brand_name.empty() || !logo.empty()) {
    out += "<div class=\"brand\">";
    if (!logo.empty())
      out += "<img class=\"brand-logo\" src=\"" + HtmlEscape(logo) + "\" alt=\"" +
             (brand_name.empty() ? std::string("Logo") : HtmlEscape(brand_name)) + "\">";
    if (!brand_name.empty()) out += "<p class=\"brand-name\">Prepared by <strong>" + HtmlEscape(brand_name) + "</strong></p>";
    out += "</div>\n";
  }
  out += "<h1>mmaudit report</h1>\n";
  const Value* pages = m.pages;
  if (pages->Size() == 1) {
    out += "<p class=\"site\"><span class=\"site-label\">Audited URL</span> " +
           Link(PageUrl(&(*pages)[0]), std::nullopt, "url") + "</p>\n";
  } else if (!origins.empty()) {
    out += "<p class=\"site\"><span class=\"site-label\">";
    out += origins.size() == 1 ? "Site" : "Sites";
    out += "</span> ";
    for (std::size_t i = 0; i < origins.size() && i < 5; ++i) {
      if (i) out += ", ";
      out += Link(origins[i], std::nullopt, "url");
    }
    if (origins.size() > 5) out += " and " + FormatNumber(static_cast<double>(origins.size() - 5), 0) + " more";
    out += " <span class=\"muted\">(" + Plural(pages->Size(), "URL", "URLs") + ")</span></p>\n";
  }
  out += "<dl class=\"run-meta\">\n";
  auto item = [&](const char* dt, const std::string& dd_html) {
    if (dd_html.empty()) return;
    out += "<div><dt>" + std::string(dt) + "</dt><dd>" + dd_html + "</dd></div>\n";
  };
  item("Generated", Text(Str(root, "generated_at")));
  std::string device = Text(Str(settings, "device"));
  if (auto w = Num(settings, "viewport_width"); w && *w > 0)
    device += (device.empty() ? "" : ", ") + FormatNumber(*w, 0) + " px viewport";
  item("Device", device);
  const std::string mode = Str(settings, "mode");
  item("Mode", mode == "live" ? std::string("live fetch") : mode == "file" ? std::string("local files") : Text(mode));
  std::string tool_text = Text(Str(tool, "name"));
  if (const std::string v = Str(tool, "version"); !v.empty()) tool_text += (tool_text.empty() ? "" : " ") + Text(v);
  item("Tool", tool_text);
  if (auto d = Num(root, "duration_ms"); d && *d > 0)
    item("Duration", *d < 1000 ? FormatNumber(*d, 0) + " ms" : FormatNumber(*d / 1000, 1) + " s");
  // Names only: the report JSON holds no credential value, and neither does this.
  if (const std::string used = view::CredentialsUsed(*m.root); !used.empty())
    item("Credentials", Text(used) + " <span class=\"muted\">(values redacted; sent to the audited site only)</span>");
  out += "</dl>\n" + RuleChangesHtml(settings) + "</div>\n</header>\n";
  out += "<nav class=\"toc\" aria-label=\"Report sections\"><div class=\"wrap\">"
         "<a href=\"#overview\">Overview</a>" +
         std::string(Obj(m.root, "baseline") ? "<a href=\"#baseline\">Since the baseline</a>" : "") +
         "<a href=\"#moments\">Scores explained</a><a href=\"#top-fixes\">Top fixes</a>" +
         std::string(Obj(m.root, "checkout") ? "<a href=\"#checkout\">Checkout</a>" : "") + "<a href=\"#by-type\">By page type</a><a href=\"#pages\">Pages</a>"
         "<a href=\"#details\">Details</a><a href=\"#errors\">Errors</a></div></nav>\n";
}

void RenderOverview(const Model& m, std::string& out) {
  const Value* summary = m.summary;
  const Value* scores = Obj(summary, "scores");
  out += "<section id=\"overview\" class=\"overview\" aria-labelledby=\"overview-h\">\n"
         "<h2 id=\"overview-h\">Overview</h2>\n<div class=\"overview-grid\">\n";
  out += Gauge(Num(scores, "overall"), "Overall score", "Overall score", true);
  out += "\n<div class=\"gauges\">\n";
  for (const auto& mo : kMoments) {
    // A soft hyphen lets the longest label break cleanly in a narrow gauge.
    const std::string html_label = std::string_view(mo.id) == "discoverability" ? "Discover&shy;ability" : mo.label;
    out += Gauge(MomentScore(scores, mo.id), html_label, mo.label, false) + "\n";
  }
  out += "</div>\n</div>\n";
  out += "<p class=\"legend\"><span class=\"chip sc-good\">90\xe2\x80\x93" "100</span> good "
         "<span class=\"chip sc-warn\">50\xe2\x80\x93" "89</span> needs work "
         "<span class=\"chip sc-bad\">0\xe2\x80\x93" "49</span> poor "
         "<span class=\"chip sc-na\">n/a</span> no rule applied</p>\n";

  // Page counts, and pages by type (from the pages themselves; sorted by type for determinism).
  out += "<div class=\"stats\">\n<dl class=\"counts\">\n";
  auto count = [&](const char* label, const char* key) {
    auto n = Num(summary, key);
    out += std::string("<div><dt>") + label + "</dt><dd>" + (n ? FormatNumber(*n, 0) : std::string("n/a")) +
           "</dd></div>\n";
  };
  count("Pages requested", "pages_requested");
  count("Pages audited", "pages_audited");
  count("Pages not audited", "pages_failed");
  out += "</dl>\n";
  std::map<std::string, int> by_type;
  for (const Value& p : m.pages->GetArray()) {
    std::string t = Str(&p, "page_type");
    ++by_type[t.empty() ? std::string("unknown") : t];
  }
  if (!by_type.empty()) {
    out += "<table class=\"by-type\">\n<caption>Pages by type</caption>\n"
           "<thead><tr><th scope=\"col\">Page type</th><th scope=\"col\" class=\"num\">Pages</th></tr></thead>\n<tbody>\n";
    for (const auto& [type, n] : by_type)
      out += "<tr><td>" + Text(type) + "</td><td class=\"num\">" + FormatNumber(n, 0) + "</td></tr>\n";
    out += "</tbody>\n</table>\n";
  }
  out += "</div>\n</section>\n";
}

void RenderFinding(const Model& m, const Value* f, std::string& out);

// The title of a rule for a list of fixes or strengths: its failure title for a loss.
std::string RuleTitle(const Model& m, const std::string& id, bool failing) {
  const RuleView* rule = FindRule(m, id);
  std::string title = rule ? (failing ? rule->failure_title : rule->title) : std::string();
  return title.empty() ? id : title;
}

// A score trace part in words: "pages (12): 74 × 10", "review-coverage: 42 × 3".
std::string TracePartText(const Value* part) {
  const std::string kind = Str(part, "kind");
  std::string who;
  if (kind == "pages") {
    who = "Pages' mean";
    if (auto n = Num(part, "pages")) who += " (" + Plural(*n, "page", "pages") + ")";
  } else if (kind == "category") {
    who = MomentLabel(Str(part, "id"));
    return "<tr><td>" + who + "</td><td class=\"num\">" + FormatNumber(Num(part, "score").value_or(0), 1) +
           "</td><td class=\"num\">" + FormatNumber(Num(part, "weight").value_or(0), 2) + "</td></tr>\n";
  } else {
    who = (kind == "checkout" ? "Checkout: " : "Site: ") + ("<code>" + Text(Str(part, "id")) + "</code>");
  }
  return "<tr><td>" + who + "</td><td class=\"num\">" + FormatNumber(Num(part, "score").value_or(0), 1) +
         "</td><td class=\"num\">" + FormatNumber(Num(part, "weight").value_or(0), 2) + "</td></tr>\n";
}

std::string TraceTable(const Value* trace, const std::string& caption) {
  const Value* parts = Arr(trace, "parts");
  if (!parts || parts->Empty()) return "";
  std::string out = "<table class=\"trace\">\n<caption>" + caption + "</caption>\n<thead><tr><th scope=\"col\">Part</th>"
                    "<th scope=\"col\" class=\"num\">Score</th><th scope=\"col\" class=\"num\">Weight</th></tr></thead>\n<tbody>\n";
  for (const Value& p : parts->GetArray())
    if (p.IsObject()) out += TracePartText(&p);
  out += "</tbody>\n</table>\n";
  return out;
}

// Each category's site score in words (summary.explanations), what holds it back, what works, and
// the trace of how it was computed (summary.score_trace), then the site-scoped findings.
void RenderExplanations(const Model& m, std::string& out) {
  const Value* list = Arr(m.summary, "explanations");
  if (!list || list->Empty()) return;
  out += "<section id=\"moments\" aria-labelledby=\"moments-h\">\n<h2 id=\"moments-h\">Scores explained</h2>\n"
         "<p class=\"intro\">Each score is a weighted mean of the pages' scores for the moment and of the findings about the "
         "whole site (coverage across pages and the checkout). The points after each fix are what the score would gain "
         "if that rule passed everywhere.</p>\n";
  std::map<std::string, const Value*> traces;
  if (const Value* ts = Arr(Obj(m.summary, "score_trace"), "moments"))
    for (const Value& t : ts->GetArray())
      if (t.IsObject()) traces[Str(&t, "id")] = &t;
  out += "<div class=\"explanations\">\n";
  for (const Value& e : list->GetArray()) {
    if (!e.IsObject()) continue;
    const std::string moment = Str(&e, "moment");
    const auto score = Num(&e, "score");
    out += "<article class=\"explanation\">\n<h3>" + ScoreChip(score) + " " + MomentLabel(moment) + "</h3>\n";
    out += "<p>" + Text(Str(&e, "text")) + "</p>\n";
    if (const Value* losses = Arr(&e, "losses"); losses && !losses->Empty()) {
      out += "<p class=\"sub\">Fix first:</p>\n<ol class=\"losses\">\n";
      for (const Value& l : losses->GetArray()) {
        if (!l.IsObject()) continue;
        const std::string id = Str(&l, "rule_id");
        out += "<li>" + Text(RuleTitle(m, id, true));
        std::string where;
        if (Str(&l, "kind") == "page") {
          if (auto below = Num(&l, "pages_below"), of = Num(&l, "pages_applicable"); below && of)
            where = "below target on " + FormatNumber(*below, 0) + " of " + Plural(*of, "page", "pages");
        } else if (const std::string dv = Str(&l, "display_value"); !dv.empty()) {
          where = Clean(dv);
        }
        if (!where.empty()) out += " <span class=\"muted\">(" + Text(where) + ")</span>";
        if (auto pts = Num(&l, "points")) out += " \xe2\x80\x94 <strong>+" + FormatNumber(*pts, 1) + "</strong> points";
        out += " <code class=\"rule-id\">" + Text(id) + "</code></li>\n";
      }
      out += "</ol>\n";
    }
    const std::vector<std::string> strengths = StrList(&e, "strengths");
    if (!strengths.empty()) {
      out += "<p class=\"sub\">Working well:</p>\n<ul class=\"strengths\">\n";
      for (const std::string& id : strengths) out += "<li>" + Text(RuleTitle(m, id, false)) + "</li>\n";
      out += "</ul>\n";
    }
    if (auto it = traces.find(moment); it != traces.end()) {
      const std::string table = TraceTable(it->second, "How " + MomentLabel(moment) + " was computed");
      if (!table.empty()) out += "<details class=\"trace\"><summary>How this score was computed</summary>\n" + table + "</details>\n";
    }
    out += "</article>\n";
  }
  out += "</div>\n";
  if (const Value* overall = Obj(Obj(m.summary, "score_trace"), "overall")) {
    const std::string table = TraceTable(overall, "The overall score: categories and their weights");
    if (!table.empty()) out += "<details class=\"trace\"><summary>How the overall score was computed</summary>\n" + table + "</details>\n";
  }
  if (const Value* site = Arr(m.root, "site_findings"); site && !site->Empty()) {
    out += "<h3 id=\"site-findings-h\">Across the site</h3>\n<div class=\"findings\">\n";
    for (const Value& f : site->GetArray())
      if (f.IsObject()) RenderFinding(m, &f, out);
    out += "</div>\n";
  }
  out += "</section>\n";
}

void RenderTopFixes(const Model& m, std::string& out) {
  out += "<section id=\"top-fixes\" aria-labelledby=\"top-fixes-h\">\n<h2 id=\"top-fixes-h\">Top fixes</h2>\n";
  const Value* tops = Arr(m.summary, "top_findings");
  std::vector<const Value*> items;
  if (tops)
    for (const Value& t : tops->GetArray())
      if (t.IsObject()) items.push_back(&t);
  if (items.empty()) {
    out += "<p class=\"empty\">No rule scored below 90 on any page: nothing to fix first.</p>\n</section>\n";
    return;
  }
  out += "<p class=\"intro\">The rules whose fixes gain the most: each rule's weight times its shortfall from a full score, "
         "summed over the pages where it scored below 90.</p>\n<ol class=\"fixes\">\n";
  const auto audited = Num(m.summary, "pages_audited");
  for (const Value* t : items) {
    const std::string id = Str(t, "rule_id");
    const RuleView* rule = FindRule(m, id);
    std::string title = Str(t, "failure_title");
    if (title.empty() && rule) title = rule->failure_title;
    if (title.empty()) title = id;
    std::string moment = Str(t, "moment");
    if (moment.empty() && rule) moment = rule->moment;
    out += "<li class=\"fix\">\n<p class=\"tag\">" + MomentLabel(moment) + "</p>\n<h3>" + Text(title) + "</h3>\n";
    std::string where;
    if (auto n = Num(t, "pages")) {
      where = "Below target on " + FormatNumber(*n, 0);
      if (audited) where += " of " + Plural(*audited, "audited page", "audited pages");
      else where += *n == 1 ? " page" : " pages";
    }
    if (auto impact = Num(t, "impact")) where += (where.empty() ? "Impact " : " \xc2\xb7 impact ") + FormatNumber(*impact, 2);
    if (!where.empty()) out += "<p class=\"fix-meta\">" + where + "</p>\n";
    if (rule && !rule->description.empty()) out += "<p>" + Text(rule->description) + "</p>\n";
    out += "<p class=\"fix-foot\"><code class=\"rule-id\">" + Text(id) + "</code>";
    if (rule && SafeHref(rule->learn_more))
      out += " \xc2\xb7 " + Link(rule->learn_more, std::string_view("Learn more"), "learn");
    out += "</p>\n</li>\n";
  }
  out += "</ol>\n</section>\n";
}

void RenderPagesTable(const Model& m, std::string& out) {
  out += "<section id=\"pages\" aria-labelledby=\"pages-h\">\n<h2 id=\"pages-h\">Pages</h2>\n";
  if (m.pages->Empty()) {
    out += "<p class=\"empty\">The report lists no pages.</p>\n</section>\n";
    return;
  }
  out += "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"pages-h\" tabindex=\"0\">\n"
         "<table class=\"pages-table\">\n<thead><tr><th scope=\"col\">URL</th><th scope=\"col\">Type</th>"
         "<th scope=\"col\" class=\"num\">Overall</th>";
  for (const auto& mo : kMoments)
    out += std::string("<th scope=\"col\" class=\"num\"><abbr title=\"") + mo.label + "\">" + mo.abbr + "</abbr></th>";
  out += "<th scope=\"col\">Error</th></tr></thead>\n<tbody>\n";
  int index = 0;
  for (const Value& p : m.pages->GetArray()) {
    ++index;
    const Value* scores = Obj(&p, "scores");
    const std::string u = PageUrl(&p);
    out += "<tr><th scope=\"row\" class=\"url-cell\"><a class=\"url\" href=\"#page-" + std::to_string(index) + "\">" +
           (u.empty() ? std::string("(no URL)") : Text(u)) + "</a></th>";
    out += "<td>" + Text(Str(&p, "page_type")) + "</td>";
    out += ScoreCell(Num(scores, "overall"));
    for (const auto& mo : kMoments) out += ScoreCell(MomentScore(scores, mo.id));
    const Value* err = Obj(&p, "error");
    out += "<td class=\"err-cell\">";
    if (err) out += "<code>" + Text(Str(err, "code")) + "</code>";
    out += "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n</div>\n</section>\n";
}

void RenderFinding(const Model& m, const Value* f, std::string& out) {
  const std::string id = Str(f, "rule_id");
  const RuleView* rule = FindRule(m, id);
  const std::string status_id = Str(f, "status");
  const StatusInfo& st = FindStatus(status_id);
  std::string title;
  if (rule) title = (status_id == "fail" || status_id == "warn") ? rule->failure_title : rule->title;
  if (title.empty() && rule) title = rule->title;
  if (title.empty()) title = id.empty() ? std::string("(unnamed rule)") : id;

  out += std::string("<article class=\"finding ") + st.cls + "\">\n<div class=\"finding-head\"><span class=\"badge " +
         st.cls + "\">" + st.label + "</span><h5>" + Text(title) + "</h5></div>\n";
  const std::string display = Str(f, "display_value");
  const std::string threshold = Str(f, "threshold");
  if (!display.empty() || !threshold.empty()) {
    out += "<p class=\"finding-value\">";
    if (!display.empty()) out += "<span class=\"measured\">" + Text(display) + "</span>";
    if (!threshold.empty())
      out += std::string(display.empty() ? "" : " ") + "<span class=\"threshold\">Target: " + Text(threshold) + "</span>";
    out += "</p>\n";
  }
  if (const std::string error = Str(f, "error"); !error.empty())
    out += "<p class=\"finding-error\"><strong>Could not run:</strong> " + Text(error) + "</p>\n";
  const std::vector<std::string> details = StrList(f, "details");
  if (!details.empty()) {
    out += "<ul class=\"evidence\" aria-label=\"Evidence\">\n";
    for (std::size_t i = 0; i < details.size() && i < kMaxListed; ++i) {
      out += "<li><bdi>";
      out += SafeHref(details[i]) ? Link(details[i], std::nullopt, "url") : Text(details[i]);
      out += "</bdi></li>\n";
    }
    if (details.size() > kMaxListed)
      out += "<li class=\"muted\">and " + FormatNumber(static_cast<double>(details.size() - kMaxListed), 0) +
             " more (see the JSON report)</li>\n";
    out += "</ul>\n";
  }
  if (rule && !rule->description.empty()) out += "<p class=\"finding-desc\">" + Text(rule->description) + "</p>\n";
  out += "<p class=\"finding-foot\"><code class=\"rule-id\">" + Text(id) + "</code>";
  if (auto score = Num(f, "score")) out += " \xc2\xb7 score " + FormatNumber(std::round(*score * 100), 0);
  if (auto weight = Num(f, "weight")) out += " \xc2\xb7 weight " + FormatNumber(*weight, 2);
  if (rule && SafeHref(rule->learn_more))
    out += " \xc2\xb7 " + Link(rule->learn_more, std::string_view("Learn more"), "learn");
  out += "</p>\n";
  if (rule && !rule->threshold_source.empty() && IsProblem(st))
    out += "<p class=\"threshold-source\">Threshold source: " + Text(rule->threshold_source) + "</p>\n";
  out += "</article>\n";
}

// A <div> of "dt/dd" rows for the page facts; rows with nothing to say are left out.
void FactRow(std::string& out, const char* label, const std::string& html) {
  if (html.empty()) return;
  out += std::string("<div><dt>") + label + "</dt><dd>" + html + "</dd></div>\n";
}

std::string CountText(const Value* obj, const char* key) {
  auto n = Num(obj, key);
  return n ? FormatNumber(*n, 0) : std::string();
}

void RenderFacts(const Value* page, std::string& out) {
  const Value* facts = Obj(page, "facts");
  if (!facts) return;
  const Value* http = Obj(facts, "http");
  const Value* meta = Obj(facts, "meta");
  std::string rows;
  if (http) {
    if (auto s = Num(http, "status"); s && *s > 0) {
      std::string v = FormatNumber(*s, 0);
      if (const std::string hv = Str(http, "http_version"); !hv.empty()) v += " (HTTP/" + Text(hv) + ")";
      FactRow(rows, "HTTP status", v);
    }
    if (const Value* redirects = Arr(http, "redirects"); redirects && !redirects->Empty()) {
      std::string list = "<ol class=\"plain\">";
      for (const Value& r : redirects->GetArray()) {
        list += "<li>";
        if (auto s = Num(&r, "status")) list += FormatNumber(*s, 0) + " ";
        list += Link(Str(&r, "url"), std::nullopt, "url") + " \xe2\x86\x92 " + Link(Str(&r, "location"), std::nullopt, "url") +
                "</li>";
      }
      list += "</ol>";
      FactRow(rows, "Redirects", list);
    }
    FactRow(rows, "Content type", Text(Str(http, "content_type")));
    FactRow(rows, "Content encoding", Text(Str(http, "content_encoding")));
    std::string size;
    if (auto t = Num(http, "transfer_bytes"); t && *t > 0) size = FormatBytes(*t) + " transferred";
    if (auto d = Num(http, "decoded_bytes"); d && *d > 0)
      size += (size.empty() ? "" : ", ") + FormatBytes(*d) + " decoded";
    FactRow(rows, "Size", size);
    std::string timing;
    if (auto t = Num(http, "ttfb_ms"); t && *t > 0) timing = "first byte " + FormatNumber(*t, 0) + " ms";
    if (auto t = Num(http, "total_ms"); t && *t > 0) timing += (timing.empty() ? "" : ", ") + ("total " + FormatNumber(*t, 0) + " ms");
    FactRow(rows, "Timing", timing);
    FactRow(rows, "X-Robots-Tag", Text(Str(http, "x_robots_tag")));
  }
  if (meta) {
    if (auto t = OptStr(meta, "title")) FactRow(rows, "Title", "<bdi>" + Text(*t) + "</bdi>");
    if (auto d = OptStr(meta, "meta_description")) FactRow(rows, "Meta description", "<bdi>" + Text(*d) + "</bdi>");
    FactRow(rows, "Canonical", Link(Str(meta, "canonical"), std::nullopt, "url"));
    FactRow(rows, "Language", Text(Str(meta, "lang")));
    FactRow(rows, "Robots meta", Text(Str(meta, "robots_meta")));
    FactRow(rows, "Elements", CountText(meta, "element_count"));
  }
  if (const Value* vp = Obj(facts, "viewport")) {
    if (Bool(vp, "present").value_or(false)) FactRow(rows, "Viewport", Text(Str(vp, "content")));
    else if (Bool(vp, "present")) FactRow(rows, "Viewport", "none");
  }
  if (const Value* im = Obj(facts, "images")) {
    if (auto n = Num(im, "count")) {
      std::string v = FormatNumber(*n, 0);
      if (auto miss = Num(im, "missing_alt"); miss && *miss > 0) v += ", " + FormatNumber(*miss, 0) + " without alt text";
      FactRow(rows, "Images", v);
    }
  }
  auto resources = [&](const char* label, const char* key) {
    const Value* o = Obj(facts, key);
    if (!o) return;
    std::string v;
    if (auto n = Num(o, "external")) v = FormatNumber(*n, 0) + " external";
    if (auto n = Num(o, "inline")) v += (v.empty() ? "" : ", ") + FormatNumber(*n, 0) + " inline";
    if (auto n = Num(o, "render_blocking"); n && *n > 0) v += (v.empty() ? "" : ", ") + FormatNumber(*n, 0) + " render-blocking";
    FactRow(rows, label, v);
  };
  resources("Scripts", "scripts");
  resources("Stylesheets", "stylesheets");
  if (const Value* sd = Obj(facts, "structured_data")) {
    std::string types;
    for (const std::string& t : StrList(sd, "types")) types += (types.empty() ? "" : ", ") + Text(t);
    FactRow(rows, "Structured data", types);
    if (const Value* errs = Arr(sd, "errors"); errs && !errs->Empty()) {
      std::string list = "<ul class=\"plain\">";
      std::size_t i = 0;
      for (const Value& e : errs->GetArray())
        if (i++ < kMaxListed) list += "<li>" + Text(Str(&e, "message")) + "</li>";
      list += "</ul>";
      FactRow(rows, "Structured data errors", list);
    }
  }
  if (const Value* c = Obj(facts, "commerce"); c && Bool(c, "product_markup").value_or(false)) {
    std::string v = "<bdi>" + Text(Str(c, "product_name")) + "</bdi>";
    if (auto price = Num(c, "price")) {
      std::array<char, 64> buf{};
      auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), *price, std::chars_format::fixed, 2);
      if (ec == std::errc()) v += " \xc2\xb7 " + std::string(buf.data(), end) + " " + Text(Str(c, "currency"));
    }
    if (const std::string a = Str(c, "availability"); !a.empty()) v += " \xc2\xb7 " + Text(a);
    FactRow(rows, "Product", v);
  }
  if (const Value* faq = Obj(facts, "faq")) {
    if (const Value* qs = Arr(faq, "questions"); qs && !qs->Empty()) {
      std::string list = "<ul class=\"plain\">";
      std::size_t i = 0;
      for (const Value& q : qs->GetArray()) {
        if (i++ >= kMaxListed) break;
        list += "<li><bdi>" + Text(Str(&q, "question")) + "</bdi>";
        if (const std::string src = Str(&q, "source"); !src.empty()) list += " <span class=\"muted\">(" + Text(src) + ")</span>";
        list += "</li>";
      }
      list += "</ul>";
      FactRow(rows, "FAQ questions", list);
    }
  }
  if (const Value* en = Obj(facts, "engagement")) {
    std::string v;
    auto names = [&](const char* key, const char* what) {
      const Value* list = Arr(en, key);
      if (!list || list->Empty()) return;
      v += (v.empty() ? "" : " \xc2\xb7 ") + std::string(what) + ": ";
      std::size_t i = 0;
      for (const Value& s : list->GetArray()) v += (i++ ? ", " : "") + ("<bdi>" + Text(Str(&s, "name")) + "</bdi>");
    };
    names("chat_widgets", "chat");
    names("messenger_links", "messengers");
    if (Bool(en, "newsletter_form").value_or(false)) v += (v.empty() ? "" : " \xc2\xb7 ") + std::string("newsletter form");
    names("push_services", "web push");
    names("social_profiles", "social");
    names("app_banners", "app banner");
    names("app_links", "app");
    FactRow(rows, "Engagement", v);
  }
  if (const Value* notes = Arr(facts, "notes"); notes && !notes->Empty()) {
    std::string list = "<ul class=\"plain\">";
    for (const Value& n : notes->GetArray())
      list += "<li><code>" + Text(Str(&n, "code")) + "</code> " + Text(Str(&n, "message")) + "</li>";
    list += "</ul>";
    FactRow(rows, "Notes", list);
  }
  if (rows.empty()) return;
  out += "<details class=\"facts\">\n<summary>Page facts</summary>\n<dl class=\"facts-list\">\n" + rows + "</dl>\n</details>\n";
}

// ------------------------------------------------------------------ load weight and timing

std::string FormatMs(double ms) {
  if (ms < 1000) return FormatNumber(ms, 0) + " ms";
  return FormatNumber(ms / 1000, 1) + " s";
}

// The good and poor thresholds of a simulated metric, from its rule's options: p10 (a score of 0.9,
// "good" up to it) and median (a score of 0.5, "poor" beyond it), or their desktop_ variants when the
// load was simulated for a desktop. nullopt when the report's rules do not carry them.
struct MetricZones {
  double good = 0, poor = 0;
};

std::optional<MetricZones> ZonesFor(const Model& m, const char* rule_id, bool desktop) {
  auto good = RuleOption(m, rule_id, desktop ? "desktop_p10" : "p10");
  auto poor = RuleOption(m, rule_id, desktop ? "desktop_median" : "median");
  if (!good || !poor || *good <= 0 || *poor <= *good) return std::nullopt;
  return MetricZones{*good, *poor};
}

const char* ZoneName(double value, const MetricZones& z) {
  return value <= z.good ? "good" : value <= z.poor ? "needs improvement" : "poor";
}

// A metric's estimate against its thresholds as a small inline SVG: the scale from 0 past the poor
// threshold (and past the value) in three zones, good / needs improvement / poor, the thresholds
// written under it and a marker at the estimate. `label` is plain text (ours, not the page's).
std::string MetricChart(const std::string& label, double value_ms, const MetricZones& z) {
  constexpr double kW = 300, kY = 16, kH = 10;
  const double max = std::max(z.poor * 1.5, value_ms * 1.1);
  auto x = [&](double v) { return std::clamp(v / max, 0.0, 1.0) * kW; };
  const std::string zone = ZoneName(value_ms, z);
  const std::string aria = label + ": " + FormatMs(value_ms) + ", " + zone + " (good up to " + FormatMs(z.good) +
                           ", poor beyond " + FormatMs(z.poor) + ")";
  std::string svg = "<svg class=\"metric-chart\" viewBox=\"-4 0 " + FormatNumber(kW + 8, 0) +
                    " 44\" role=\"img\" aria-label=\"" + HtmlEscape(aria) + "\"><title>" + HtmlEscape(aria) + "</title>";
  auto zone_rect = [&](double from, double to, const char* cls) {
    svg += "<rect x=\"" + FormatNumber(x(from), 1) + "\" y=\"" + FormatNumber(kY, 0) + "\" width=\"" +
           FormatNumber(x(to) - x(from), 1) + "\" height=\"" + FormatNumber(kH, 0) + "\" class=\"" + cls + "\"/>";
  };
  zone_rect(0, z.good, "zone-good");
  zone_rect(z.good, z.poor, "zone-ni");
  zone_rect(z.poor, max, "zone-poor");
  for (double t : {z.good, z.poor})
    svg += "<text x=\"" + FormatNumber(x(t), 1) + "\" y=\"40\" text-anchor=\"middle\" class=\"zone-label\">" +
           FormatMs(t) + "</text>";
  const double mx = x(value_ms);
  const char* anchor = mx < 40 ? "start" : mx > kW - 40 ? "end" : "middle";
  svg += "<line x1=\"" + FormatNumber(mx, 1) + "\" x2=\"" + FormatNumber(mx, 1) + "\" y1=\"12\" y2=\"30\" class=\"metric-marker\"/>";
  svg += "<text x=\"" + FormatNumber(mx, 1) + "\" y=\"10\" text-anchor=\"" + anchor + "\" class=\"metric-value\">" +
         FormatMs(value_ms) + "</text>";
  return svg + "</svg>";
}

// The FCP and LCP charts of a measured page: each estimate against its rule's thresholds, or a
// sentence saying why there is no chart.
std::string MetricCharts(const Model& m, const Value* perf) {
  const bool desktop = Str(perf, "device") == "desktop";
  static constexpr std::array<std::array<const char*, 3>, 2> kCharted = {{
      {"fcp", "first-contentful-paint", "First Contentful Paint"},
      {"lcp", "largest-contentful-paint", "Largest Contentful Paint"},
  }};
  std::string out = "<div class=\"metric-charts\">\n";
  for (const auto& [key, rule, label] : kCharted) {
    out += std::string("<figure class=\"metric\"><figcaption>") + label + "</figcaption>";
    const auto value = Num(Obj(Obj(perf, "metrics"), key), "value_ms");
    const auto zones = ZonesFor(m, rule, desktop);
    if (!value) out += "<p class=\"empty\">No estimate for this page.</p>";
    else if (!zones) out += "<p class=\"empty\">" + FormatMs(*value) + "; the report's rules give no thresholds to draw.</p>";
    else
      out += MetricChart(label, *value, *zones) + "<p class=\"metric-verdict zone-" +
             std::string(*value <= zones->good ? "good" : *value <= zones->poor ? "ni" : "poor") + "\">" + FormatMs(*value) +
             ": " + ZoneName(*value, *zones) + "</p>";
    out += "</figure>\n";
  }
  return out + "</div>\n";
}

// A page's `performance` section: the simulated metrics with their scores, FCP and LCP drawn against
// their thresholds, the weight by type and party, the critical chain, the opportunities by estimated
// saving, budget lines and every resource. An audited page without a measured load says so.
void RenderPerformance(const Model& m, const Value* page, std::string& out) {
  const Value* p = Obj(page, "performance");
  if (!p) {
    if (Bool(page, "audited").value_or(false))
      out += "<section class=\"performance\">\n<h4>Load on a phone (simulated)</h4>\n<p class=\"empty\">Load not "
             "measured for this page, so there is no FCP or LCP estimate.</p>\n</section>\n";
    return;
  }
  out += "<section class=\"performance\">\n<h4>Load on a phone (simulated)</h4>\n";
  if (!Bool(p, "measured").value_or(false)) {
    const std::string why = Str(p, "not_measured_reason");
    out += "<p class=\"empty\">Load weight not measured, so there is no FCP or LCP estimate" +
           (why.empty() ? std::string(".") : ": " + Text(why) + ".") + "</p>\n</section>\n";
    return;
  }
  const Value* metrics = Obj(p, "metrics");
  static constexpr std::pair<const char*, const char*> kMetrics[] = {
      {"fcp", "First Contentful Paint"}, {"lcp", "Largest Contentful Paint"},
      {"speed_index", "Speed Index"},     {"tbt", "Total Blocking Time"}};
  out += "<dl class=\"metrics\">\n";
  for (const auto& [key, label] : kMetrics) {
    const Value* mv = Obj(metrics, key);
    auto v = Num(mv, "value_ms");
    if (!v) {
      out += std::string("<div><dt>") + label + "</dt><dd>n/a</dd></div>\n";
      continue;
    }
    auto score = Num(mv, "score");
    out += std::string("<div><dt>") + label + "</dt><dd>" + ScoreChip(score ? std::optional<double>(*score * 100) : std::nullopt) +
           " <strong>" + FormatMs(*v) + "</strong> <span class=\"range\">(" + FormatMs(Num(mv, "optimistic_ms").value_or(0)) +
           " \xe2\x80\x93 " + FormatMs(Num(mv, "pessimistic_ms").value_or(0)) + ")</span></dd></div>\n";
  }
  if (auto ps = Num(p, "performance_score"))
    out += "<div><dt>Performance score</dt><dd>" + ScoreChip(*ps * 100) + " <span class=\"note\">without CLS</span></dd></div>\n";
  const Value* lcp = Obj(p, "lcp_element");
  const std::string lcp_kind = Str(lcp, "kind");
  if (!lcp_kind.empty())
    out += "<div><dt>LCP element</dt><dd>" +
           (lcp_kind == "image" ? "image " + Link(Str(lcp, "url"), std::nullopt, "url") : Text(lcp_kind)) + "</dd></div>\n";
  out += "</dl>\n";
  out += MetricCharts(m, p);

  const Value* weight = Obj(p, "weight");
  auto bucket_row = [&](const std::string& label_html, const Value* b) {
    out += "<tr><th scope=\"row\">" + label_html + "</th><td class=\"num\">" + CountText(b, "count") +
           "</td><td class=\"num\">" + FormatBytes(Num(b, "transfer_bytes").value_or(0)) + "</td><td class=\"num\">" +
           FormatBytes(Num(b, "decoded_bytes").value_or(0)) + "</td></tr>\n";
  };
  out += "<div class=\"table-scroll\" role=\"region\" aria-label=\"Weight\" tabindex=\"0\">\n"
         "<table class=\"weight\">\n<caption>Weight</caption>\n<thead><tr><th scope=\"col\">Resources</th>"
         "<th scope=\"col\">Count</th><th scope=\"col\">Transferred</th><th scope=\"col\">Decoded</th></tr></thead>\n<tbody>\n";
  if (const Value* by_type = Obj(weight, "by_type"))
    for (auto it = by_type->MemberBegin(); it != by_type->MemberEnd(); ++it)
      if (it->value.IsObject() && Num(&it->value, "count").value_or(0) > 0)
        bucket_row(Text(std::string_view(it->name.GetString(), it->name.GetStringLength())), &it->value);
  bucket_row("first-party", Obj(weight, "first_party"));
  bucket_row("third-party (" + CountText(weight, "third_party_origins") + " origins)", Obj(weight, "third_party"));
  bucket_row("deferred (lazy, far below the fold)", Obj(weight, "deferred"));
  out += "</tbody>\n<tfoot>";
  bucket_row("<strong>total</strong>", Obj(weight, "total"));
  out += "</tfoot>\n</table>\n</div>\n";
  if (Num(weight, "failed").value_or(0) > 0)
    out += "<p class=\"note\">" + Plural(*Num(weight, "failed"), "resource", "resources") + " failed to load (a network error or an HTTP error status).</p>\n";

  const Value* chain = Obj(p, "critical_chain");
  if (const Value* longest = Arr(chain, "longest"); longest && !longest->Empty()) {
    out += "<details class=\"chain\"><summary>Critical request chain: depth " + CountText(chain, "depth") + ", " +
           FormatMs(Num(chain, "duration_ms").value_or(0)) + "</summary>\n<ol>\n";
    for (const Value& l : longest->GetArray())
      out += "<li>" + Link(Str(&l, "url"), std::nullopt, "url") + " <span class=\"range\">" +
             FormatMs(Num(&l, "start_ms").value_or(0)) + " \xe2\x86\x92 " + FormatMs(Num(&l, "end_ms").value_or(0)) + ", " +
             FormatBytes(Num(&l, "transfer_bytes").value_or(0)) + "</span></li>\n";
    out += "</ol>\n</details>\n";
  }

  if (const Value* ops = Arr(p, "opportunities"); ops && !ops->Empty()) {
    out += "<div class=\"table-scroll\" role=\"region\" aria-label=\"Opportunities\" tabindex=\"0\">\n"
           "<table class=\"opportunities\">\n<caption>Opportunities, largest saving first</caption>\n<thead><tr>"
           "<th scope=\"col\">Opportunity</th><th scope=\"col\">Est. saving</th><th scope=\"col\">Bytes</th></tr></thead>\n<tbody>\n";
    for (const Value& op : ops->GetArray()) {
      out += "<tr><td><details><summary>" + Text(Str(&op, "title")) + "</summary><ul>";
      if (const Value* items = Arr(&op, "items"))
        for (const Value& it : items->GetArray()) {
          out += "<li>" + Link(Str(&it, "url"), std::nullopt, "url");
          const std::string detail = Str(&it, "detail");
          if (!detail.empty()) out += " \xe2\x80\x94 " + Text(detail);
          out += "</li>";
        }
      out += "</ul></details></td><td class=\"num\">" + FormatMs(Num(&op, "ms_saved").value_or(0)) + "</td><td class=\"num\">" +
             FormatBytes(Num(&op, "bytes_saved").value_or(0)) + "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n</div>\n";
  }

  if (const Value* budget = Arr(p, "budget"); budget && !budget->Empty()) {
    out += "<div class=\"table-scroll\" role=\"region\" aria-label=\"Budget\" tabindex=\"0\">\n"
           "<table class=\"budget\">\n<caption>Budget</caption>\n<thead><tr><th scope=\"col\">Budget</th>"
           "<th scope=\"col\">Limit</th><th scope=\"col\">Actual</th><th scope=\"col\">Verdict</th></tr></thead>\n<tbody>\n";
    for (const Value& b : budget->GetArray()) {
      const bool over = Bool(&b, "over").value_or(false);
      const std::string unit = Text(Str(&b, "unit"));
      out += "<tr" + std::string(over ? " class=\"over\"" : "") + "><td>" + Text(Str(&b, "kind")) + " " +
             Text(Str(&b, "name")) + " <span class=\"url\">" + Text(Str(&b, "path")) + "</span></td><td class=\"num\">" +
             FormatNumber(Num(&b, "budget").value_or(0), 1) + " " + unit + "</td><td class=\"num\">" +
             FormatNumber(Num(&b, "actual").value_or(0), 1) + " " + unit + "</td><td>" + (over ? "over" : "within");
      const std::string note = Str(&b, "note");
      if (!note.empty()) out += " <span class=\"note\">" + Text(note) + "</span>";
      out += "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n</div>\n";
  }

  if (const Value* resources = Arr(p, "resources"); resources && !resources->Empty()) {
    out += "<details class=\"resources\"><summary>" + Plural(resources->Size(), "resource", "resources") +
           "</summary>\n<div class=\"table-scroll\" role=\"region\" aria-label=\"Resources\" tabindex=\"0\">\n"
           "<table>\n<thead><tr><th scope=\"col\">URL</th><th scope=\"col\">Type</th><th scope=\"col\">Transferred</th>"
           "<th scope=\"col\">Encoding</th><th scope=\"col\">Cache</th><th scope=\"col\">Notes</th></tr></thead>\n<tbody>\n";
    for (const Value& r : resources->GetArray()) {
      std::string notes;
      auto note = [&](const char* key, const char* text) {
        if (Bool(&r, key).value_or(false)) notes += (notes.empty() ? "" : ", ") + std::string(text);
      };
      note("render_blocking", "render-blocking");
      note("third_party", "third-party");
      note("deferred", "deferred");
      const std::string error = Str(&r, "error");
      if (!error.empty()) notes += (notes.empty() ? "" : ", ") + Text(error);
      auto max_age = Num(&r, "max_age_s");
      out += "<tr><td>" + Link(Str(&r, "url"), std::nullopt, "url") + "</td><td>" + Text(Str(&r, "type")) +
             "</td><td class=\"num\">" + FormatBytes(Num(&r, "transfer_bytes").value_or(0)) + "</td><td>" +
             Text(Str(&r, "content_encoding")) + "</td><td>" + (max_age ? FormatNumber(*max_age, 0) + " s" : std::string()) +
             "</td><td>" + notes + "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n</div>\n</details>\n";
  }
  out += "</section>\n";
}

void RenderPage(const Model& m, const Value* page, int index, std::string& out) {
  const std::string anchor = "page-" + std::to_string(index);
  const Value* scores = Obj(page, "scores");
  const Value* facts = Obj(page, "facts");
  const std::string u = PageUrl(page);
  std::string title;
  if (auto t = OptStr(Obj(facts, "meta"), "title")) title = text::Truncate(text::CollapseWhitespace(Clean(*t)), 120);
  const bool audited = Bool(page, "audited").value_or(false);

  out += "<section class=\"page t-" + ClassToken(Str(page, "page_type")) + "\" id=\"" + anchor + "\" aria-labelledby=\"" +
         anchor + "-h\">\n";
  // The first pages open, and every page that was not audited (its section is one line long).
  out += std::string("<details") + (index <= kOpenPages || !audited ? " open" : "") + ">\n<summary>";
  out += std::string("<span class=\"page-score ") + ScoreClass(Num(scores, "overall")) + "\">" +
         ScoreText(Num(scores, "overall")) + "</span>";
  out += "<span class=\"page-heading\"><h3 id=\"" + anchor + "-h\"><bdi>" +
         Text(title.empty() ? (u.empty() ? std::string("(no URL)") : u) : title) + "</bdi></h3>";
  out += "<span class=\"url\">" + Text(u) + "</span></span></summary>\n<div class=\"page-body\">\n";

  out += "<dl class=\"page-meta\">\n";
  FactRow(out, "URL", Link(u, std::nullopt, "url"));
  const std::string final_url = Str(page, "final_url");
  if (!final_url.empty() && final_url != u) FactRow(out, "Final URL", Link(final_url, std::nullopt, "url"));
  FactRow(out, "Page type", Text(Str(page, "page_type")));
  out += "</dl>\n";

  if (const Value* err = Obj(page, "error")) {
    out += "<div class=\"page-error\" role=\"note\"><p><strong>" +
           std::string(audited ? "Problem:" : "Not audited:") + "</strong> <code>" + Text(Str(err, "code")) + "</code> " +
           Text(Str(err, "message")) + "</p></div>\n";
  } else if (!audited) {
    out += "<div class=\"page-error\" role=\"note\"><p><strong>Not audited.</strong></p></div>\n";
  }

  // Findings grouped by moment, in report order; unknown moments last, in order of appearance.
  const Value* findings = Arr(page, "findings");
  std::vector<std::string> order;
  for (const auto& mo : kMoments) order.emplace_back(mo.id);
  std::map<std::string, std::vector<const Value*>> groups;
  if (findings)
    for (const Value& f : findings->GetArray()) {
      if (!f.IsObject()) continue;
      std::string moment = Str(&f, "moment");
      if (moment.empty())
        if (const RuleView* r = FindRule(m, Str(&f, "rule_id"))) moment = r->moment;
      if (std::find(order.begin(), order.end(), moment) == order.end()) order.push_back(moment);
      groups[moment].push_back(&f);
    }
  if (audited && groups.empty()) out += "<p class=\"empty\">No rule applied to this page.</p>\n";
  for (const std::string& moment : order) {
    auto it = groups.find(moment);
    if (it == groups.end()) continue;
    std::vector<const Value*> list = it->second;
    std::stable_sort(list.begin(), list.end(), [](const Value* a, const Value* b) {
      return FindStatus(Str(a, "status")).order < FindStatus(Str(b, "status")).order;
    });
    const MomentInfo* mi = FindMoment(moment);
    out += "<section class=\"moment-group m-" + ClassToken(moment) + "\">\n<h4>" + MomentLabel(moment);
    if (mi) out += " " + ScoreChip(MomentScore(scores, mi->id));
    out += "</h4>\n";
    std::vector<const Value*> rest;
    std::map<int, int> rest_counts;
    for (const Value* f : list) {
      const StatusInfo& st = FindStatus(Str(f, "status"));
      if (IsProblem(st)) {
        RenderFinding(m, f, out);
      } else {
        rest.push_back(f);
        ++rest_counts[st.order];
      }
    }
    if (!rest.empty()) {
      std::string label;
      for (const auto& [order_key, n] : rest_counts) {
        const char* name = order_key == 4 ? "passed" : order_key == 5 ? "informative" : "not applicable";
        label += (label.empty() ? "" : " \xc2\xb7 ") + FormatNumber(n, 0) + " " + name;
      }
      out += "<details class=\"passed\">\n<summary>" + label + "</summary>\n";
      for (const Value* f : rest) RenderFinding(m, f, out);
      out += "</details>\n";
    }
    out += "</section>\n";
  }
  RenderPerformance(m, page, out);
  RenderFacts(page, out);
  out += "</div>\n</details>\n</section>\n";
}

// A horizontal bar from 0 to `max`, filled to `value`, with reference marks (value, label) drawn
// as ticks: the Baymard averages and targets the checkout is measured against.
std::string MarkedBar(double value, double max, const std::vector<std::pair<double, std::string>>& marks,
                      const std::string& label) {
  const double w = 320, h = 18, top = 16;
  auto x = [&](double v) { return FormatNumber(std::clamp(v / max, 0.0, 1.0) * w, 1); };
  std::string svg = "<svg class=\"bar\" viewBox=\"0 0 " + FormatNumber(w + 40, 0) + " 56\" role=\"img\" aria-label=\"" +
                    HtmlEscape(label) + "\">";
  svg += "<rect x=\"0\" y=\"" + FormatNumber(top, 0) + "\" width=\"" + FormatNumber(w, 0) + "\" height=\"" +
         FormatNumber(h, 0) + "\" class=\"bar-track\"/>";
  svg += "<rect x=\"0\" y=\"" + FormatNumber(top, 0) + "\" width=\"" + x(value) + "\" height=\"" + FormatNumber(h, 0) +
         "\" class=\"bar-fill\"/>";
  for (std::size_t i = 0; i < marks.size(); ++i) {  // labels alternate below and above the bar
    const auto& [v, text] = marks[i];
    svg += "<line x1=\"" + x(v) + "\" x2=\"" + x(v) + "\" y1=\"10\" y2=\"40\" class=\"bar-mark\"/>";
    svg += "<text x=\"" + x(v) + "\" y=\"" + (i % 2 == 0 ? "52" : "9") + "\" text-anchor=\"middle\" class=\"bar-mark-label\">" +
           HtmlEscape(text) + "</text>";
  }
  svg += "<text x=\"" + FormatNumber(w + 6, 0) + "\" y=\"29\" class=\"bar-value\">" + FormatNumber(value, 0) + "</text>";
  return svg + "</svg>";
}

// The median of `v` (sorted here); nullopt when empty.
std::optional<double> Median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Per page type, the longest critical request chain among its measured pages (the one that ends
// last): the page, and the chain's requests with when each starts and ends and what it transfers.
// "" when no page of any type has a chain.
template <typename Types>
std::string CriticalChainsByType(const Types& types) {
  constexpr std::size_t kChainListed = 10;
  std::string items;
  for (const auto& [type, t] : types) {
    if (!t.chain_page) continue;
    const Value* chain = Obj(Obj(t.chain_page, "performance"), "critical_chain");
    const Value* longest = Arr(chain, "longest");
    items += "<article class=\"chain-summary\">\n<h4>" + Text(type) + "</h4>\n<p>" +
             Plural(Num(chain, "depth").value_or(longest->Size()), "request", "requests") + " one after another, done at " +
             FormatMs(t.chain_ms) + ", on <bdi>" + Link(PageUrl(t.chain_page), std::nullopt, "url") + "</bdi>";
    if (t.measured > 1) items += " <span class=\"muted\">(the longest of " + FormatNumber(static_cast<double>(t.measured), 0) + " pages)</span>";
    items += "</p>\n<ol class=\"chain-list\">\n";
    std::size_t i = 0;
    for (const Value& l : longest->GetArray()) {
      if (i++ >= kChainListed) break;
      items += "<li><bdi>" + Link(Str(&l, "url"), std::nullopt, "url") + "</bdi> <span class=\"range\">" +
               FormatBytes(Num(&l, "transfer_bytes").value_or(0)) + ", " + FormatMs(Num(&l, "start_ms").value_or(0)) +
               " \xe2\x86\x92 " + FormatMs(Num(&l, "end_ms").value_or(0)) + "</span></li>\n";
    }
    if (longest->Size() > kChainListed)
      items += "<li class=\"muted\">and " + FormatNumber(static_cast<double>(longest->Size() - kChainListed), 0) +
               " more (see the page's details)</li>\n";
    items += "</ol>\n</article>\n";
  }
  if (items.empty()) return "";
  return "<h3>Critical request chains</h3>\n<p class=\"intro\">For each page type, the longest chain of requests that "
         "load one after another before the page can paint (each found only once the one before it arrived), on the "
         "page of that type where it ends last. Shorten it by preloading, inlining or dropping its links.</p>\n"
         "<div class=\"chains\">\n" + items + "</div>\n";
}

// What a page type's pages weigh and how well they cover the "know" and "buy" basics, from the
// pages of the report: the median transfer bytes by resource type as a stacked bar, the median
// third-party bytes, FCP and LCP (of the pages whose load was measured), and per coverage rule how
// many of the pages it scored on passed.
void RenderByPageType(const Model& m, std::string& out) {
  struct TypeStats {
    std::size_t pages = 0, measured = 0;
    std::map<std::string, std::vector<double>> bytes;  // resource type -> transfer bytes per measured page
    std::vector<double> third_party, fcp, lcp;
    std::map<std::string, std::pair<int, int>> coverage;  // rule -> (passed, scored)
    const Value* chain_page = nullptr;  // the measured page whose critical chain ends last (first on a tie)
    double chain_ms = -1;
  };
  static constexpr std::pair<const char*, const char*> kKinds[] = {
      {"document", "HTML"}, {"stylesheet", "CSS"}, {"script", "JS"}, {"image", "Images"}, {"font", "Fonts"},
      {"media", "Media"},   {"other", "Other"}};
  static constexpr std::pair<const char*, const char*> kCoverage[] = {
      {"reviews-visible", "Reviews"}, {"faq-content", "FAQ"}, {"structured-data-required", "Valid structured data"},
      {"offer-markup", "Offer markup"}, {"price-visible", "Visible price"}};
  std::map<std::string, TypeStats> types;
  for (const Value& p : m.pages->GetArray()) {
    if (!Bool(&p, "audited").value_or(false)) continue;
    std::string type = Str(&p, "page_type");
    TypeStats& t = types[type.empty() ? std::string("unknown") : type];
    ++t.pages;
    if (const Value* perf = Obj(&p, "performance"); perf && Bool(perf, "measured").value_or(false)) {
      ++t.measured;
      const Value* weight = Obj(perf, "weight");
      for (const auto& [kind, label] : kKinds)
        t.bytes[kind].push_back(Num(Obj(Obj(weight, "by_type"), kind), "transfer_bytes").value_or(0));
      t.third_party.push_back(Num(Obj(weight, "third_party"), "transfer_bytes").value_or(0));
      if (auto v = Num(Obj(Obj(perf, "metrics"), "fcp"), "value_ms")) t.fcp.push_back(*v);
      if (auto v = Num(Obj(Obj(perf, "metrics"), "lcp"), "value_ms")) t.lcp.push_back(*v);
      const Value* chain = Obj(perf, "critical_chain");
      if (const Value* longest = Arr(chain, "longest"); longest && !longest->Empty()) {
        const double ms = Num(chain, "duration_ms").value_or(0);
        if (ms > t.chain_ms) {
          t.chain_ms = ms;
          t.chain_page = &p;
        }
      }
    }
    if (const Value* findings = Arr(&p, "findings"))
      for (const Value& f : findings->GetArray()) {
        const std::string id = Str(&f, "rule_id"), status = Str(&f, "status");
        for (const auto& [rule, label] : kCoverage)
          if (id == rule && (status == "pass" || status == "warn" || status == "fail")) {
            auto& c = types[type.empty() ? std::string("unknown") : type].coverage[rule];
            c.first += status == "pass" ? 1 : 0;
            ++c.second;
          }
      }
  }
  if (types.empty()) return;
  out += "<section id=\"by-type\" aria-labelledby=\"by-type-h\">\n<h2 id=\"by-type-h\">By page type</h2>\n";

  // Weight: one stacked bar per type, on a common scale.
  double max_total = 0;
  std::map<std::string, std::vector<std::pair<std::string, double>>> stacks;
  for (const auto& [type, t] : types) {
    if (t.measured == 0) continue;
    double total = 0;
    for (const auto& [kind, label] : kKinds) {
      const double b = Median(t.bytes.at(kind)).value_or(0);
      stacks[type].emplace_back(kind, b);
      total += b;
    }
    max_total = std::max(max_total, total);
  }
  if (!stacks.empty() && max_total > 0) {
    out += "<h3>Weight on a phone</h3>\n<p class=\"intro\">The median page of each type: bytes transferred by kind of "
           "resource, third-party bytes, and the simulated First and Largest Contentful Paint";
    const auto fcp = ZonesFor(m, "first-contentful-paint", false), lcp = ZonesFor(m, "largest-contentful-paint", false);
    if (fcp && lcp)
      out += " (on a phone good within " + FormatMs(fcp->good) + " and " + FormatMs(lcp->good) + ", poor beyond " +
             FormatMs(fcp->poor) + " and " + FormatMs(lcp->poor) + ")";
    out += ".</p>\n<p class=\"legend\">";
    for (std::size_t i = 0; i < std::size(kKinds); ++i)
      out += "<span class=\"swatch k" + std::to_string(i) + "\"></span>" + kKinds[i].second + " ";
    out += "</p>\n<div class=\"table-wrap\" role=\"region\" aria-label=\"Weight by page type\" tabindex=\"0\">\n"
           "<table class=\"by-type-weight\">\n<thead><tr><th scope=\"col\">Page type</th><th scope=\"col\">Pages</th>"
           "<th scope=\"col\">Median weight</th><th scope=\"col\" class=\"num\">Total</th><th scope=\"col\" class=\"num\">"
           "Third party</th><th scope=\"col\" class=\"num\">FCP</th><th scope=\"col\" class=\"num\">LCP</th></tr></thead>\n<tbody>\n";
    for (const auto& [type, stack] : stacks) {
      const TypeStats& t = types.at(type);
      double total = 0, x = 0;
      std::string label = Text(type) + ": ";
      for (const auto& [kind, b] : stack) total += b;
      std::string svg = "<svg class=\"stack\" viewBox=\"0 0 240 14\" role=\"img\" aria-label=\"";
      std::string parts;
      std::string rects;
      for (std::size_t i = 0; i < stack.size(); ++i) {
        const double w = stack[i].second / max_total * 240;
        if (w <= 0) continue;
        rects += "<rect x=\"" + FormatNumber(x, 1) + "\" y=\"0\" width=\"" + FormatNumber(w, 1) +
                 "\" height=\"14\" class=\"k" + std::to_string(i) + "\"/>";
        parts += std::string(parts.empty() ? "" : ", ") + kKinds[i].second + " " + FormatBytes(stack[i].second);
        x += w;
      }
      svg += HtmlEscape(label) + HtmlEscape(parts) + "\">" + rects + "</svg>";
      auto ms = [](const std::vector<double>& v) {
        const auto med = Median(v);
        return med ? FormatMs(*med) : std::string("n/a");
      };
      out += "<tr><th scope=\"row\">" + Text(type) + "</th><td class=\"num\">" + FormatNumber(static_cast<double>(t.measured), 0) +
             "</td><td>" + svg + "</td><td class=\"num\">" + FormatBytes(total) + "</td><td class=\"num\">" +
             FormatBytes(Median(t.third_party).value_or(0)) + "</td><td class=\"num\">" + ms(t.fcp) +
             "</td><td class=\"num\">" + ms(t.lcp) + "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n</div>\n";
  }
  out += CriticalChainsByType(types);

  // Coverage: of the pages of each type a rule scored on, how many passed.
  bool any = false;
  for (const auto& [type, t] : types) any = any || !t.coverage.empty();
  if (any) {
    out += "<h3>Coverage</h3>\n<p class=\"intro\">Of the pages of each type that a rule applies to, how many pass it.</p>\n"
           "<div class=\"table-wrap\" role=\"region\" aria-label=\"Coverage by page type\" tabindex=\"0\">\n"
           "<table class=\"by-type-coverage\">\n<thead><tr><th scope=\"col\">Page type</th>";
    for (const auto& [rule, label] : kCoverage) out += std::string("<th scope=\"col\">") + label + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& [type, t] : types) {
      if (t.coverage.empty()) continue;
      out += "<tr><th scope=\"row\">" + Text(type) + "</th>";
      for (const auto& [rule, label] : kCoverage) {
        auto it = t.coverage.find(rule);
        if (it == t.coverage.end()) {
          out += "<td class=\"muted\">\xe2\x80\x94</td>";
          continue;
        }
        const auto [passed, scored] = it->second;
        const double share = scored > 0 ? static_cast<double>(passed) / scored : 0;
        out += "<td><svg class=\"share\" viewBox=\"0 0 60 8\" aria-hidden=\"true\"><rect x=\"0\" y=\"0\" width=\"60\" "
               "height=\"8\" class=\"bar-track\"/><rect x=\"0\" y=\"0\" width=\"" + FormatNumber(share * 60, 1) +
               "\" height=\"8\" class=\"" + ScoreClass(share * 100) + "\"/></svg> " + FormatNumber(passed, 0) + " of " +
               FormatNumber(scored, 0) + "</td>";
      }
      out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n</div>\n";
  }
  out += "</section>\n";
}

// The checkout steps as a drawn funnel (inline SVG): one band per step from the cart to the order
// review, narrowing step by step, each with its field count inside and its name and URL beside it
// (escaped, bidi controls dropped, shortened); to the right, the fields shown so far as a bar per
// step, with marks at the field target and the average (the options good and average of the rule
// checkout-total-fields), and across the funnel a line at the average number of steps (option
// average of checkout-steps). A mark whose option the report does not carry is left out.
std::string FunnelSvg(const Model& m, const Value* steps) {
  const auto avg_steps = RuleOption(m, "checkout-steps", "average");
  const auto target_fields = RuleOption(m, "checkout-total-fields", "good");
  const auto avg_fields = RuleOption(m, "checkout-total-fields", "average");
  constexpr double kTop = 40, kBand = 46, kGap = 4, kFunnelW = 260, kCx = 140, kLabelX = 290, kBarX = 556, kBarW = 150;
  const double n = steps->Size();
  std::vector<double> so_far;
  double total = 0;
  for (const Value& st : steps->GetArray()) {
    total += std::max(0.0, Num(&st, "fields").value_or(0));
    so_far.push_back(total);
  }
  const double rows = std::max(n, avg_steps ? std::ceil(*avg_steps) : 0.0);  // room for the average line
  const double height = kTop + rows * kBand + 22;
  double scale = std::max({total, target_fields.value_or(0), avg_fields.value_or(0)}) * 1.3;
  if (scale <= 0) scale = 1;
  auto bar_x = [&](double v) { return kBarX + std::clamp(v / scale, 0.0, 1.0) * kBarW; };
  auto half = [&](double i) { return kFunnelW * (1.0 - 0.6 * i / std::max(rows, 1.0)) / 2; };  // half-width at row edge i
  auto band = [&](double row, const std::string& cls) {
    const double y0 = kTop + row * kBand, y1 = y0 + kBand - kGap, top = half(row), low = half(row + 1);
    return "<polygon class=\"" + cls + "\" points=\"" + FormatNumber(kCx - top, 1) + "," + FormatNumber(y0, 1) + " " +
           FormatNumber(kCx + top, 1) + "," + FormatNumber(y0, 1) + " " + FormatNumber(kCx + low, 1) + "," +
           FormatNumber(y1, 1) + " " + FormatNumber(kCx - low, 1) + "," + FormatNumber(y1, 1) + "\"/>";
  };

  std::string aria = Plural(n, "step", "steps") + " from the cart to the order review, " +
                     Plural(total, "form field", "form fields") + " shown in all";
  if (avg_steps) aria += "; Baymard's average is " + FormatNumber(*avg_steps, 1) + " steps";
  if (avg_fields) aria += " and " + FormatNumber(*avg_fields, 1) + " fields";
  if (target_fields) aria += "; " + FormatNumber(*target_fields, 1) + " fields are achievable";
  std::string svg = "<svg class=\"funnel-svg\" viewBox=\"0 0 720 " + FormatNumber(height, 0) +
                    "\" role=\"img\" aria-label=\"" + HtmlEscape(aria) + "\"><title>Checkout funnel: " + HtmlEscape(aria) +
                    "</title>";
  svg += "<text x=\"" + FormatNumber(kCx, 0) + "\" y=\"14\" text-anchor=\"middle\" class=\"funnel-head\">Fields per step</text>";
  svg += "<text x=\"" + FormatNumber(kLabelX, 0) + "\" y=\"14\" class=\"funnel-head\">Step</text>";
  svg += "<text x=\"" + FormatNumber(kBarX, 0) + "\" y=\"14\" class=\"funnel-head\">Fields so far</text>";
  std::size_t i = 0;
  for (const Value& st : steps->GetArray()) {
    const double y0 = kTop + i * kBand;
    const double fields = std::max(0.0, Num(&st, "fields").value_or(0));
    svg += band(static_cast<double>(i), "funnel-band b" + std::to_string(i % 2));
    svg += "<text x=\"" + FormatNumber(kCx, 0) + "\" y=\"" + FormatNumber(y0 + kBand / 2 + 2, 1) +
           "\" text-anchor=\"middle\" class=\"funnel-count\">" + Plural(fields, "field", "fields") + "</text>";
    std::string name = Str(&st, "name");
    if (name.empty()) name = Str(&st, "title");
    if (name.empty()) name = "Step";
    const std::string shown_name = text::Truncate(text::CollapseWhitespace(Clean(name)), 34);
    const std::string shown_url = text::Truncate(Clean(Str(&st, "url")), 48);
    svg += "<text x=\"" + FormatNumber(kLabelX, 0) + "\" y=\"" + FormatNumber(y0 + 18, 1) + "\" class=\"funnel-name\">" +
           std::to_string(i + 1) + ". " + HtmlEscape(shown_name) + "</text>";
    svg += "<text x=\"" + FormatNumber(kLabelX, 0) + "\" y=\"" + FormatNumber(y0 + 34, 1) + "\" class=\"funnel-url\">" +
           HtmlEscape(shown_url) + "</text>";
    svg += "<rect x=\"" + FormatNumber(kBarX, 0) + "\" y=\"" + FormatNumber(y0 + 14, 1) + "\" width=\"" +
           FormatNumber(kBarW, 0) + "\" height=\"14\" class=\"bar-track\"/>";
    svg += "<rect x=\"" + FormatNumber(kBarX, 0) + "\" y=\"" + FormatNumber(y0 + 14, 1) + "\" width=\"" +
           FormatNumber(bar_x(so_far[i]) - kBarX, 1) + "\" height=\"14\" class=\"bar-fill\"/>";
    svg += "<text x=\"" + FormatNumber(kBarX + kBarW + 4, 0) + "\" y=\"" + FormatNumber(y0 + 25, 1) +
           "\" class=\"bar-value\">" + FormatNumber(so_far[i], 0) + "</text>";
    ++i;
  }
  // The steps an average checkout has beyond this one's, as dashed outlines down to the average line.
  for (double row = n; row < rows; ++row) svg += band(row, "funnel-ghost");
  auto field_mark = [&](double v, const std::string& text, bool above) {
    const std::string x = FormatNumber(bar_x(v), 1);
    svg += "<line x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + FormatNumber(kTop - 8, 0) + "\" y2=\"" +
           FormatNumber(kTop + n * kBand, 0) + "\" class=\"bar-mark\"/>";
    svg += "<text x=\"" + x + "\" y=\"" + FormatNumber(above ? kTop - 12 : kTop + n * kBand + 12, 0) +
           "\" text-anchor=\"middle\" class=\"bar-mark-label\">" + HtmlEscape(text) + "</text>";
  };
  if (target_fields) field_mark(*target_fields, FormatNumber(*target_fields, 1) + " target", false);
  if (avg_fields) field_mark(*avg_fields, FormatNumber(*avg_fields, 1) + " average", true);
  if (avg_steps) {
    const std::string y = FormatNumber(kTop + *avg_steps * kBand - kGap / 2, 1);
    svg += "<line x1=\"0\" x2=\"" + FormatNumber(kLabelX - 10, 0) + "\" y1=\"" + y + "\" y2=\"" + y +
           "\" class=\"funnel-avg\"/><text x=\"2\" y=\"" + FormatNumber(kTop + *avg_steps * kBand + 10, 1) +
           "\" class=\"funnel-avg-label\">Baymard average: " + FormatNumber(*avg_steps, 1) + " steps</text>";
  }
  return svg + "</svg>";
}

// The checkout funnel: each step from the cart to the order review with its fields, the totals
// against Baymard's figures (../shared/reference/checkout.md), and how the walk went.
void RenderCheckout(const Model& m, std::string& out) {
  const Value* c = Obj(m.root, "checkout");
  if (!c) return;  // no walk or inspection ran
  out += "<section id=\"checkout\" aria-labelledby=\"checkout-h\">\n<h2 id=\"checkout-h\">Checkout funnel</h2>\n";
  const std::string mode = Str(c, "mode"), result = Str(c, "result");
  const std::string how = mode == "walk" ? "walked as a shopper with a synthetic buyer (no order placed)"
                                         : "inspected by following links only";
  std::string status;
  if (result == "reached_review") status = "reached the order review step";
  else if (result == "not_found") status = "found no checkout to walk";
  else status = "stopped before the order review step";
  out += "<p class=\"intro\">The checkout, " + Text(how) + ", " + Text(status);
  if (auto start = OptStr(c, "start_url"); start && !start->empty()) out += ", from " + Link(*start);
  out += ".</p>\n";
  if (result != "reached_review" && !Str(c, "stop_reason").empty()) {
    out += "<p class=\"checkout-stop\"><strong>Why it stopped:</strong> " + Text(Str(c, "stop_reason"));
    if (auto where = OptStr(c, "stop_url"); where && !where->empty()) out += " (at " + Link(*where) + ")";
    out += "</p>\n";
  }
  const Value* steps = Arr(c, "steps");
  const double step_count = Num(c, "estimated_steps").value_or(steps ? steps->Size() : 0);
  const Value* totals = Obj(c, "totals");
  const double fields = Num(totals, "fields").value_or(0);
  // The reference marks come from the checkout rules' options (good, poor, average), as the rules
  // themselves judge the checkout; a mark the rules do not carry is not drawn.
  const auto steps_avg = RuleOption(m, "checkout-steps", "average");
  const auto steps_poor = RuleOption(m, "checkout-steps", "poor");
  const auto fields_good = RuleOption(m, "checkout-total-fields", "good");
  const auto fields_avg = RuleOption(m, "checkout-total-fields", "average");
  const auto fields_poor = RuleOption(m, "checkout-total-fields", "poor");
  std::vector<std::pair<double, std::string>> step_marks, field_marks;
  std::string step_label = FormatNumber(step_count, 0) + " steps", field_label = FormatNumber(fields, 0) + " fields";
  if (steps_avg) {
    step_marks.emplace_back(*steps_avg, FormatNumber(*steps_avg, 1) + " average");
    step_label += "; Baymard's average is " + FormatNumber(*steps_avg, 1);
  }
  if (fields_good) {
    field_marks.emplace_back(*fields_good, FormatNumber(*fields_good, 1) + " achievable");
    field_label += "; " + FormatNumber(*fields_good, 1) + " is achievable";
  }
  if (fields_avg) {
    field_marks.emplace_back(*fields_avg, FormatNumber(*fields_avg, 1) + " average");
    field_label += (fields_good ? " and " : "; ") + FormatNumber(*fields_avg, 1) + " the average";
  }
  out += "<div class=\"checkout-totals\">\n<figure><figcaption>Steps from cart to review";
  if (mode == "inspect" && !Str(c, "estimate_source").empty()) out += " (estimated from the " + Text(Str(c, "estimate_source")) + ")";
  out += "</figcaption>" +
         MarkedBar(step_count, std::max({step_count, steps_poor.value_or(0) + 1, steps_avg.value_or(0) + 1, 1.0}), step_marks,
                   step_label) +
         "</figure>\n";
  out += "<figure><figcaption>Form fields shown by default</figcaption>" +
         MarkedBar(fields, std::max({fields, fields_poor.value_or(0) + 1, fields_avg.value_or(0) + 1, 1.0}), field_marks,
                   field_label) +
         "</figure>\n</div>\n";
  // The drawn funnel, with guest checkout and payment methods beside it.
  out += "<div class=\"funnel-wrap\">\n";
  if (steps && steps->Size() > 0) out += "<figure class=\"funnel-figure\">" + FunnelSvg(m, steps) + "</figure>\n";
  out += "<ul class=\"checkout-facts\">\n";
  out += std::string("<li>Guest checkout: ") + (Bool(c, "account_required").value_or(false) ? "no, an account is required"
                                               : Bool(c, "guest_checkout").value_or(false) ? "yes" : "not seen") + "</li>\n";
  auto list = [&](const char* key, const char* label) {
    const std::vector<std::string> items = StrList(c, key);
    std::string joined;
    for (const std::string& i : items) joined += (joined.empty() ? "" : ", ") + Text(i);
    out += std::string("<li>") + label + ": " + (joined.empty() ? std::string("none found") : joined) + "</li>\n";
  };
  list("payment_methods", "Payment methods on the review step");
  list("express_payments", "Express payments on the cart and first step");
  out += std::string("<li>Shipping costs mentioned on the cart: ") +
         (Bool(c, "shipping_info_on_cart").value_or(false) ? "yes" : "no") + "</li>\n";
  const std::string billing = Str(c, "billing_same_as_shipping");
  out += "<li>Billing address same as shipping: " +
         std::string(billing == "checked" ? "ticked by default" : billing == "unchecked" ? "not ticked by default" : "not seen") +
         "</li>\n";
  const std::string trust = Str(c, "trust_signal");
  out += "<li>Trust signal on the review step: " + (trust.empty() ? std::string("none found") : "\xe2\x80\x9c" + Text(trust) + "\xe2\x80\x9d") +
         "</li>\n</ul>\n</div>\n";
  if (steps) {
    std::string refused;
    int n = 0;
    for (const Value& st : steps->GetArray()) {
      ++n;
      const std::vector<std::string> errors = StrList(&st, "validation_errors");
      if (!errors.empty()) refused += "<li>Step " + std::to_string(n) + ": " + Text(errors.front()) + "</li>\n";
    }
    if (!refused.empty())
      out += "<p class=\"sub\">Refused at first with:</p>\n<ul class=\"funnel-errors\">\n" + refused + "</ul>\n";
  }
  if (const Value* findings = Arr(c, "findings"); findings && findings->Size() > 0) {
    out += "<h3>Checkout rules</h3>\n<div class=\"findings\">\n";
    for (const Value& f : findings->GetArray())
      if (f.IsObject()) RenderFinding(m, &f, out);
    out += "</div>\n";
  }
  if (steps && steps->Size() > 0) {
    out += "<div class=\"table-scroll\" role=\"region\" aria-label=\"Checkout steps\" tabindex=\"0\">\n"
           "<table class=\"checkout-steps\">\n<thead><tr><th scope=\"col\">Step</th><th scope=\"col\">Page</th>"
           "<th scope=\"col\">Reached by</th><th scope=\"col\">Fields</th><th scope=\"col\">Other</th>"
           "<th scope=\"col\">Required</th><th scope=\"col\">Hidden</th></tr></thead>\n<tbody>\n";
    for (const Value& st : steps->GetArray()) {
      std::string name = Str(&st, "name");
      if (name.empty()) name = Str(&st, "title");
      std::string reached = Str(&st, "reached_by");
      if (!Str(&st, "control").empty()) reached += " \xe2\x80\x9c" + Clean(Str(&st, "control")) + "\xe2\x80\x9d";
      out += "<tr><td>" + Text(name) + "</td><td>" + Link(Str(&st, "url"), std::nullopt, "url") + "</td><td>" + Text(reached) + "</td><td>" +
             CountText(&st, "fields") + "</td><td>" + CountText(&st, "other_elements") + "</td><td>" +
             CountText(&st, "required") + "</td><td>" + CountText(&st, "hidden_fields") + "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n</div>\n";
  }
  out += "</section>\n";
}

// Filters for the page details that need no script (a reader may have it disabled): radio buttons
// that come before the list of pages, and CSS rules (written here, for the page types and moments
// present) that hide what a checked radio leaves out. The search box (RenderDetails, report.js)
// works beside them: it hides pages with a class of its own, so a page shows only when both let it.
struct DetailFilters {
  std::string css;   // for the <style> element of the head
  std::string html;  // the radios and their labels, for the top of the page details
};

DetailFilters DetailFiltersFor(const Model& m) {
  std::set<std::string> types;
  for (const Value& p : m.pages->GetArray()) types.insert(ClassToken(Str(&p, "page_type")));
  std::string radios, labels, css;
  auto group = [&](const char* name, const char* caption, const std::vector<std::pair<std::string, std::string>>& options) {
    labels += std::string("<div class=\"filter\" role=\"group\" aria-label=\"") + caption + "\"><span class=\"filter-caption\">" +
              caption + "</span>";
    for (std::size_t i = 0; i < options.size(); ++i) {
      const std::string id = std::string("f-") + name + "-" + options[i].first;
      radios += "<input type=\"radio\" class=\"filter-radio\" name=\"f-" + std::string(name) + "\" id=\"" + id + "\"" +
                (i == 0 ? " checked" : "") + ">\n";
      labels += "<label for=\"" + id + "\">" + options[i].second + "</label>";
      css += "#" + id + ":checked ~ .filters label[for=\"" + id + "\"] { background: #1f4e8c; color: #ffffff; }\n";
      css += "#" + id + ":focus-visible ~ .filters label[for=\"" + id + "\"] { outline: 2px solid #1f4e8c; outline-offset: 2px; }\n";
    }
    labels += "</div>\n";
  };
  std::vector<std::pair<std::string, std::string>> status = {{"all", "All findings"}, {"problems", "Problems only"}};
  group("status", "Show", status);
  css += "#f-status-problems:checked ~ .page-list .finding.st-pass, #f-status-problems:checked ~ .page-list "
         ".finding.st-info, #f-status-problems:checked ~ .page-list .finding.st-na { display: none; }\n";
  std::vector<std::pair<std::string, std::string>> moments = {{"all", "Every moment"}};
  for (const auto& mo : kMoments) {
    moments.emplace_back(mo.id, mo.label);
    css += std::string("#f-moment-") + mo.id + ":checked ~ .page-list .moment-group:not(.m-" + mo.id + ") { display: none; }\n";
  }
  group("moment", "Moment", moments);
  std::vector<std::pair<std::string, std::string>> type_options = {{"all", "Every page type"}};
  for (const std::string& t : types) {
    type_options.emplace_back(t, Text(t));
    css += "#f-type-" + t + ":checked ~ .page-list .page:not(.t-" + t + ") { display: none; }\n";
  }
  group("type", "Page type", type_options);
  return {css, radios + "<div class=\"filters\">\n" + labels + "</div>\n"};
}

void RenderDetails(const Model& m, const DetailFilters& filters, std::string& out) {
  out += "<section id=\"details\" aria-labelledby=\"details-h\">\n<h2 id=\"details-h\">Page details</h2>\n";
  if (m.pages->Empty()) {
    out += "<p class=\"empty\">No pages.</p>\n</section>\n";
    return;
  }
  // The search box: hidden until the report's script (reports/templates/report.js) shows it, so
  // with script disabled there is no box that does nothing, and every page shows.
  out += filters.html +
         "<div class=\"search\" id=\"search\" role=\"search\" hidden><label for=\"search-q\">Search pages</label> "
         "<input type=\"search\" id=\"search-q\" autocomplete=\"off\" spellcheck=\"false\" "
         "placeholder=\"URL, title or finding\"> <span id=\"search-status\" class=\"muted\" role=\"status\" "
         "aria-live=\"polite\"></span></div>\n<div class=\"page-list\">\n";
  int index = 0;
  for (const Value& p : m.pages->GetArray()) RenderPage(m, &p, ++index, out);
  out += "</div>\n</section>\n";
}

void RenderErrors(const Model& m, std::string& out) {
  out += "<section id=\"errors\" aria-labelledby=\"errors-h\">\n<h2 id=\"errors-h\">Errors</h2>\n";
  const Value* errors = Arr(m.root, "errors");
  std::vector<const Value*> list;
  if (errors)
    for (const Value& e : errors->GetArray())
      if (e.IsObject()) list.push_back(&e);
  if (list.empty()) {
    out += "<p class=\"empty\">No errors: every rule loaded, every page was audited and every check ran.</p>\n</section>\n";
    return;
  }
  out += "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"errors-h\" tabindex=\"0\">\n"
         "<table class=\"errors-table\">\n<thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Where</th>"
         "<th scope=\"col\">Rule</th><th scope=\"col\">Field / code</th><th scope=\"col\">Message</th></tr></thead>\n<tbody>\n";
  for (const Value* e : list) {
    const std::string kind = Str(e, "kind");
    const char* kind_label = kind == "rule" ? "Rule file" : kind == "page" ? "Page" : kind == "finding" ? "Rule check" : nullptr;
    out += "<tr><td><span class=\"badge st-error\">" + (kind_label ? std::string(kind_label) : Text(kind)) + "</span></td>";
    std::string where;
    if (auto file = OptStr(e, "file")) where = "<code>" + Text(*file) + "</code>";
    if (auto u = OptStr(e, "url")) where += (where.empty() ? "" : " ") + Link(*u, std::nullopt, "url");
    out += "<td class=\"url-cell\">" + where + "</td>";
    out += "<td>" + (OptStr(e, "rule_id") ? "<code>" + Text(Str(e, "rule_id")) + "</code>" : std::string()) + "</td>";
    std::string field;
    if (auto f = OptStr(e, "field")) field = "<code>" + Text(*f) + "</code>";
    if (auto c = OptStr(e, "code")) field += (field.empty() ? "" : " ") + ("<code>" + Text(*c) + "</code>");
    out += "<td>" + field + "</td><td>" + Text(Str(e, "message")) + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n</div>\n</section>\n";
}

// The CI gates (report/gates.h), when the run had any: the verdict and every result listed.
void RenderGates(const Model& m, std::string& out) {
  const Value* gates = Obj(m.root, "gates");
  if (!gates) return;
  const bool failed = Str(gates, "verdict") == "fail";
  const double warnings = Num(gates, "warnings").value_or(0), failures = Num(gates, "failures").value_or(0);
  out += "<section id=\"gates\" aria-labelledby=\"gates-h\">\n<h2 id=\"gates-h\">CI gates</h2>\n<p><span class=\"badge " +
         std::string(failed ? "st-fail\">Failed" : warnings > 0 ? "st-warn\">Passed with warnings" : "st-pass\">Passed") +
         "</span> " + Plural(Num(gates, "checked").value_or(0), "check", "checks") + ": " +
         Plural(failures, "failure", "failures") + ", " + Plural(warnings, "warning", "warnings") + ".";
  if (auto file = OptStr(gates, "assertions_file")) out += " Assertions: <code>" + Text(*file) + "</code>.";
  if (const Value* fu = Arr(gates, "fail_under"); fu && !fu->Empty()) {
    out += " Fail under:";
    for (const Value& v : fu->GetArray())
      if (v.IsString()) out += " <code>" + Text(std::string_view(v.GetString(), v.GetStringLength())) + "</code>";
    out += ".";
  }
  out += "</p>\n";
  std::vector<const Value*> list;
  if (const Value* results = Arr(gates, "results"))
    for (const Value& r : results->GetArray())
      if (r.IsObject()) list.push_back(&r);
  if (list.empty()) {
    out += "<p class=\"empty\">Every assertion passed.</p>\n</section>\n";
    return;
  }
  out += "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"gates-h\" tabindex=\"0\">\n"
         "<table class=\"gates-table\">\n<thead><tr><th scope=\"col\">Level</th><th scope=\"col\">Assertion</th>"
         "<th scope=\"col\">Where</th><th scope=\"col\">Expected</th><th scope=\"col\">Actual</th>"
         "<th scope=\"col\">Why</th></tr></thead>\n<tbody>\n";
  for (const Value* r : list) {
    const bool passed = Member(r, "passed") && Member(r, "passed")->IsBool() && Member(r, "passed")->GetBool();
    const std::string level = Str(r, "level");
    const char* cls = passed ? "st-pass" : level == "error" ? "st-fail" : "st-warn";
    out += "<tr><td><span class=\"badge " + std::string(cls) + "\">" + (passed ? std::string("pass") : Text(level)) +
           "</span></td><td><code>" + Text(Str(r, "assertion")) + "</code> " + Text(Str(r, "kind")) +
           " <small>(" + Text(Str(r, "source")) + ")</small></td>";
    out += "<td class=\"url-cell\">" + Link(Str(r, "where"), std::nullopt, "url") + "</td>";
    out += "<td>" + Text(Str(r, "operator")) + " " + FormatNumber(Num(r, "expected").value_or(NAN), 3) + "</td>";
    const auto actual = Num(r, "actual");
    out += "<td>" + (actual ? FormatNumber(*actual, 3) : std::string("none")) + "</td>";
    out += "<td>" + Text(Str(r, "message")) + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n</div>\n</section>\n";
}

void RenderFooter(const Model& m, std::string& out) {
  const Value* tool = Obj(m.root, "tool");
  out += "<footer class=\"report-footer\"><div class=\"wrap\"><p>Report schema " + Text(Str(m.root, "schema_version"));
  if (const std::string rs = Str(Obj(m.root, "settings"), "rules_source"); !rs.empty())
    out += " \xc2\xb7 rules: " + Text(rs);
  if (const std::string ov = Str(Obj(m.root, "settings"), "rules_overlay"); !ov.empty())
    out += " with overlay " + Text(ov);
  if (const std::string v = Str(tool, "version"); !v.empty()) out += " \xc2\xb7 mmaudit " + Text(v);
  out += "</p><p>Scores follow the rules listed in the JSON report, which is the source of truth for this page.</p>"
         "</div></footer>\n";
}

// Checks the skeleton and builds the rule index. False with *error naming the first problem.
bool BuildModel(const Value& root, Model* m, std::string* error) {
  if (!root.IsObject()) {
    *error = "report JSON: the top level is not an object";
    return false;
  }
  m->root = &root;
  const Value* version = Member(&root, "schema_version");
  if (!version || !version->IsString()) {
    *error = "report JSON: \"schema_version\" is missing or not a string";
    return false;
  }
  const std::string v(version->GetString(), version->GetStringLength());
  if (v != "1" && v.rfind("1.", 0) != 0) {
    *error = "report JSON: unsupported schema_version \"" + Clean(v) + "\" (this mmaudit renders 1.x)";
    return false;
  }
  m->summary = Obj(&root, "summary");
  if (!m->summary) {
    *error = "report JSON: \"summary\" is missing or not an object";
    return false;
  }
  const Value* rules = Arr(&root, "rules");
  if (!rules) {
    *error = "report JSON: \"rules\" is missing or not an array";
    return false;
  }
  m->pages = Arr(&root, "pages");
  if (!m->pages) {
    *error = "report JSON: \"pages\" is missing or not an array";
    return false;
  }
  for (rapidjson::SizeType i = 0; i < m->pages->Size(); ++i)
    if (!(*m->pages)[i].IsObject()) {
      *error = "report JSON: pages[" + std::to_string(i) + "] is not an object";
      return false;
    }
  for (rapidjson::SizeType i = 0; i < rules->Size(); ++i) {
    const Value& r = (*rules)[i];
    if (!r.IsObject()) {
      *error = "report JSON: rules[" + std::to_string(i) + "] is not an object";
      return false;
    }
    auto id = OptStr(&r, "id");
    if (!id) {
      *error = "report JSON: rules[" + std::to_string(i) + "].id is missing or not a string";
      return false;
    }
    RuleView view;
    view.v = &r;
    view.title = Str(&r, "title");
    view.failure_title = Str(&r, "failure_title");
    view.description = Str(&r, "description");
    view.learn_more = Str(&r, "learn_more");
    view.threshold_source = Str(&r, "threshold_source");
    view.moment = Str(&r, "moment");
    m->rules.emplace(*id, std::move(view));  // first definition wins, as in the catalogue
  }
  return true;
}

// The report's one script (the search box), as embedded; "" when it is missing or could end its
// <script> element early or open a comment there (never for ours; the renderer then leaves it out).
std::string ReportScript() {
  std::string js(embedded::Find("reports/templates/report.js").value_or(std::string_view()));
  const std::string lower = text::AsciiLower(js);
  if (lower.find("</script") != std::string::npos || lower.find("<!--") != std::string::npos) return "";
  return js;
}

}  // namespace

std::string CspSha256(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr) != 1 || len != 32) return "";
  unsigned char b64[4 * ((32 + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  if (n <= 0) return "";
  return "sha256-" + std::string(reinterpret_cast<const char*>(b64), static_cast<std::size_t>(n));
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '`': out += "&#96;"; break;
      default: out += c;
    }
  }
  return out;
}

bool RenderHtml(std::string_view report_json, std::string* html, std::string* error) {
  std::string scratch;
  if (!error) error = &scratch;
  if (!html) {
    *error = "RenderHtml: no output string";
    return false;
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(report_json.data(), report_json.size());
  if (doc.HasParseError()) {
    *error = std::string("report JSON does not parse: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
             " (at offset " + std::to_string(doc.GetErrorOffset()) + ")";
    return false;
  }
  Model m;
  if (!BuildModel(doc, &m, error)) return false;

  // Origins of the audited URLs, in first-seen order.
  std::vector<std::string> origins;
  std::set<std::string> seen;
  for (const Value& p : m.pages->GetArray()) {
    const std::string u = PageUrl(&p);
    if (u.empty()) continue;
    std::string o = Origin(u);
    if (seen.insert(o).second) origins.push_back(std::move(o));
  }
  std::string site_plain;
  if (m.pages->Size() == 1) site_plain = PageUrl(&(*m.pages)[0]);
  else if (!origins.empty()) site_plain = origins.size() == 1 ? origins[0] : origins[0] + " and others";
  const std::size_t scheme = site_plain.find("://");
  if (scheme != std::string::npos && m.pages->Size() != 1) site_plain.erase(0, scheme + 3);

  std::string out;
  out.reserve(64 * 1024 + report_json.size() / 2);
  const DetailFilters filters = m.pages->Empty() ? DetailFilters{} : DetailFiltersFor(m);
  // The script is emitted byte for byte as hashed: the CSP allows that text and nothing else.
  const std::string script = m.pages->Empty() ? std::string() : ReportScript();
  const std::string script_hash = script.empty() ? std::string() : CspSha256(script);
  RenderHead(site_plain, filters.css, script_hash.empty() ? std::string("none") : script_hash, out);
  out += "<body>\n<a class=\"skip\" href=\"#overview\">Skip to the overview</a>\n";
  RenderHeader(m, origins, out);
  out += "<main class=\"wrap\">\n";
  RenderOverview(m, out);
  if (const Value* baseline = Obj(m.root, "baseline")) out += RenderBaselineHtml(*baseline);
  RenderGates(m, out);
  RenderExplanations(m, out);
  RenderTopFixes(m, out);
  RenderCheckout(m, out);
  RenderByPageType(m, out);
  RenderPagesTable(m, out);
  RenderDetails(m, filters, out);
  RenderErrors(m, out);
  out += "</main>\n";
  RenderFooter(m, out);
  if (!script_hash.empty()) out += "<script>" + script + "</script>\n";
  out += "</body>\n</html>\n";
  *html = std::move(out);
  return true;
}

}  // namespace mmaudit::report
