#include "report/diff.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace mmaudit::report {
namespace {

using rapidjson::Value;

const char* const kMomentOrder[] = {"know", "go", "do", "buy", "mobile", "speed", "discoverability", "engagement"};

const Value* Member(const Value* v, const char* key) {
  if (v == nullptr || !v->IsObject()) return nullptr;
  auto it = v->FindMember(key);
  return it == v->MemberEnd() ? nullptr : &it->value;
}
const Value* Obj(const Value* v, const char* key) {
  const Value* m = Member(v, key);
  return m && m->IsObject() ? m : nullptr;
}
const Value* Arr(const Value* v, const char* key) {
  const Value* m = Member(v, key);
  return m && m->IsArray() ? m : nullptr;
}
std::string Str(const Value* v, const char* key) {
  const Value* m = Member(v, key);
  return m && m->IsString() ? std::string(m->GetString(), m->GetStringLength()) : std::string();
}
std::optional<double> Num(const Value* v, const char* key) {
  const Value* m = Member(v, key);
  if (m && m->IsNumber()) return m->GetDouble();
  return std::nullopt;
}
std::optional<bool> Bool(const Value* v, const char* key) {
  const Value* m = Member(v, key);
  if (m && m->IsBool()) return m->GetBool();
  return std::nullopt;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "scheme://host[:port]" of an absolute URL, lower-cased; "" when `url` has no "://".
std::string OriginOf(const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  const std::size_t end = url.find_first_of("/?#", scheme + 3);
  return Lower(url.substr(0, end));
}

bool Failing(const std::string& status) { return status == "fail" || status == "warn"; }
int Severity(const std::string& status) { return status == "fail" ? 2 : status == "warn" ? 1 : 0; }

// One parsed report, with its pages keyed.
struct Side {
  rapidjson::Document doc;
  std::string origin;
  std::map<std::string, const Value*> pages;  // key -> page object
};

bool Load(std::string_view json, const char* which, const DiffOptions& options, Side* side, std::string* error) {
  side->doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  const std::string name = std::string("the ") + which + " report";
  if (side->doc.HasParseError()) {
    *error = name + " is not valid JSON: " + rapidjson::GetParseError_En(side->doc.GetParseError()) + " (at byte " +
             std::to_string(side->doc.GetErrorOffset()) + ")";
    return false;
  }
  const Value* root = &side->doc;
  if (!root->IsObject() || !Arr(root, "pages")) {
    *error = name + " is not an mmaudit report: it has no \"pages\" array";
    return false;
  }
  if (const Value* v = Member(root, "schema_version"); v != nullptr) {
    const std::string version = v->IsString() ? v->GetString() : "";
    if (version.empty() || version.substr(0, version.find('.')) != "1") {
      *error = name + " has schema version \"" + version + "\", which this mmaudit cannot read (1.x only)";
      return false;
    }
  }
  std::string first;
  if (const Value* starts = Arr(Obj(root, "site"), "start_urls"))
    for (const Value& s : starts->GetArray())
      if (s.IsString()) {
        first = s.GetString();
        break;
      }
  for (const Value& p : Arr(root, "pages")->GetArray()) {
    const std::string url = Str(&p, "url");
    if (url.empty()) continue;  // not a page we can match: left out
    if (first.empty()) first = url;
  }
  side->origin = OriginOf(first);
  for (const Value& p : Arr(root, "pages")->GetArray()) {
    const std::string url = Str(&p, "url");
    if (url.empty()) continue;
    std::string key = url;
    if (!options.compare_origins && !side->origin.empty() && Lower(url.substr(0, side->origin.size())) == side->origin &&
        (url.size() == side->origin.size() || url[side->origin.size()] == '/' || url[side->origin.size()] == '?' ||
         url[side->origin.size()] == '#')) {
      key = url.substr(side->origin.size());
      if (key.empty() || key[0] != '/') key = "/" + key;
    }
    side->pages.emplace(key, &p);  // the first page with a key wins (reports list each URL once)
  }
  return true;
}

// Moment ids of a scores object's "moments", in the report order then alphabetically.
void AddMomentIds(const Value* scores, std::vector<std::string>* ids) {
  const Value* moments = Obj(scores, "moments");
  if (!moments) return;
  for (const auto& m : moments->GetObject()) {
    const std::string id(m.name.GetString(), m.name.GetStringLength());
    if (std::find(ids->begin(), ids->end(), id) == ids->end()) ids->push_back(id);
  }
}
std::vector<std::string> OrderedMoments(const Value* a, const Value* b) {
  std::vector<std::string> found;
  AddMomentIds(a, &found);
  AddMomentIds(b, &found);
  std::vector<std::string> out;
  for (const char* m : kMomentOrder)
    if (std::find(found.begin(), found.end(), m) != found.end()) out.push_back(m);
  std::vector<std::string> rest;
  for (const auto& m : found)
    if (std::find(std::begin(kMomentOrder), std::end(kMomentOrder), m) == std::end(kMomentOrder)) rest.push_back(m);
  std::sort(rest.begin(), rest.end());
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

// Every score of two scores objects ({"overall", "moments"}): overall first.
std::vector<ScoreDelta> ScoreDeltas(const Value* before, const Value* after) {
  std::vector<ScoreDelta> out;
  out.push_back({"overall", Num(before, "overall"), Num(after, "overall")});
  for (const std::string& m : OrderedMoments(before, after))
    out.push_back({m, Num(Obj(before, "moments"), m.c_str()), Num(Obj(after, "moments"), m.c_str())});
  return out;
}

bool SameScore(const std::optional<double>& a, const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || std::fabs(*a - *b) < 1e-9;
}

// Findings of an array by rule id (the first of each id).
std::map<std::string, const Value*> FindingsById(const Value* list) {
  std::map<std::string, const Value*> out;
  if (!list) return out;
  for (const Value& f : list->GetArray()) {
    const std::string id = Str(&f, "rule_id");
    if (!id.empty()) out.emplace(id, &f);
  }
  return out;
}

void DiffFindings(const Value* before, const Value* after, const std::string& scope, const std::string& page,
                  const std::string& url, ReportDiff* diff) {
  const auto b = FindingsById(before), a = FindingsById(after);
  std::set<std::string> ids;
  for (const auto& [id, f] : b) ids.insert(id);
  for (const auto& [id, f] : a) ids.insert(id);
  for (const std::string& id : ids) {
    const auto ib = b.find(id), ia = a.find(id);
    const Value* fb = ib == b.end() ? nullptr : ib->second;
    const Value* fa = ia == a.end() ? nullptr : ia->second;
    FindingChange c;
    c.scope = scope;
    c.page = page;
    c.url = url;
    c.rule_id = id;
    c.moment = Str(fa ? fa : fb, "moment");
    c.status_before = Str(fb, "status");
    c.status_after = Str(fa, "status");
    c.score_before = Num(fb, "score");
    c.score_after = Num(fa, "score");
    c.display_before = Str(fb, "display_value");
    c.display_after = Str(fa, "display_value");
    const bool failed = Failing(c.status_before), fails = Failing(c.status_after);
    if (fails && !failed) diff->new_findings.push_back(std::move(c));
    else if (failed && !fails) diff->fixed_findings.push_back(std::move(c));
    else if (failed && fails && (c.status_before != c.status_after || !SameScore(c.score_before, c.score_after)))
      diff->changed_findings.push_back(std::move(c));
  }
}

std::string YesNo(const std::optional<bool>& b) { return !b ? "" : *b ? "yes" : "no"; }
std::string Count(const std::optional<double>& n) {
  if (!n) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", *n);
  return buf;
}
std::string List(const Value* arr) {
  if (!arr) return "";
  std::vector<std::string> items;
  for (const Value& v : arr->GetArray())
    if (v.IsString()) items.emplace_back(v.GetString(), v.GetStringLength());
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "none" : out;
}
// A step in words: its name (else URL path) and its field count.
std::string Step(const Value* s, const std::string& origin) {
  std::string name = Str(s, "name");
  if (name.empty()) {
    name = Str(s, "url");
    if (!origin.empty() && name.compare(0, origin.size(), origin) == 0) name.erase(0, origin.size());
  }
  return name + " (" + Count(Num(s, "fields")) + " fields)";
}

void DiffCheckout(const Side& b, const Side& a, ReportDiff* diff) {
  const Value* cb = Obj(&b.doc, "checkout");
  const Value* ca = Obj(&a.doc, "checkout");
  if (!cb && !ca) return;
  auto add = [&](const std::string& field, const std::string& before, const std::string& after) {
    if (before != after) diff->checkout.push_back({field, before, after});
  };
  if (!cb || !ca) {
    add("checkout", cb ? "audited" : "not audited", ca ? "audited" : "not audited");
  } else {
    add("mode", Str(cb, "mode"), Str(ca, "mode"));
    add("result", Str(cb, "result"), Str(ca, "result"));
    add("steps", Count(Num(cb, "estimated_steps")), Count(Num(ca, "estimated_steps")));
    add("steps read", Count(Num(cb, "step_count")), Count(Num(ca, "step_count")));
    add("fields", Count(Num(Obj(cb, "totals"), "fields")), Count(Num(Obj(ca, "totals"), "fields")));
    add("required fields", Count(Num(Obj(cb, "totals"), "required")), Count(Num(Obj(ca, "totals"), "required")));
    add("guest checkout", YesNo(Bool(cb, "guest_checkout")), YesNo(Bool(ca, "guest_checkout")));
    add("account required", YesNo(Bool(cb, "account_required")), YesNo(Bool(ca, "account_required")));
    add("payment methods", List(Arr(cb, "payment_methods")), List(Arr(ca, "payment_methods")));
    add("express payments", List(Arr(cb, "express_payments")), List(Arr(ca, "express_payments")));
    const Value* sb = Arr(cb, "steps");
    const Value* sa = Arr(ca, "steps");
    const rapidjson::SizeType nb = sb ? sb->Size() : 0, na = sa ? sa->Size() : 0;
    for (rapidjson::SizeType i = 0; i < std::max(nb, na); ++i)
      add("step " + std::to_string(i + 1), i < nb ? Step(&(*sb)[i], b.origin) : "", i < na ? Step(&(*sa)[i], a.origin) : "");
  }
  DiffFindings(Arr(cb, "findings"), Arr(ca, "findings"), "checkout", "", "", diff);
}

PageChange PageEntry(const std::string& key, const Value* p) {
  PageChange c;
  c.key = key;
  c.url = Str(p, "url");
  c.page_type = Str(p, "page_type");
  return c;
}

int ScopeRank(const std::string& s) { return s == "site" ? 0 : s == "checkout" ? 1 : 2; }
void SortFindings(std::vector<FindingChange>* v) {
  std::stable_sort(v->begin(), v->end(), [](const FindingChange& x, const FindingChange& y) {
    if (ScopeRank(x.scope) != ScopeRank(y.scope)) return ScopeRank(x.scope) < ScopeRank(y.scope);
    if (x.page != y.page) return x.page < y.page;
    return x.rule_id < y.rule_id;
  });
}

std::string Points(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", std::round(v * 10) / 10);
  return buf;
}
std::string ScoreText(const std::optional<double>& s) { return s ? Points(*s) : "-"; }
std::string Signed(double d) { return (d > 0 ? "+" : "") + Points(d); }

// Page text for the terminal: control characters dropped.
std::string Safe(const std::string& s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) continue;
    out += ch;
  }
  return out;
}

template <typename W>
void WriteOptNum(W& w, const char* key, const std::optional<double>& v) {
  w.Key(key);
  if (v) w.Double(*v);
  else w.Null();
}
template <typename W>
void WriteStr(W& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}
template <typename W>
void WriteScores(W& w, const char* key, const std::vector<ScoreDelta>& scores) {
  w.Key(key);
  w.StartArray();
  for (const ScoreDelta& s : scores) {
    w.StartObject();
    WriteStr(w, "scope", s.scope);
    WriteOptNum(w, "before", s.before);
    WriteOptNum(w, "after", s.after);
    WriteOptNum(w, "delta", s.Delta());
    w.EndObject();
  }
  w.EndArray();
}
template <typename W>
void WritePages(W& w, const char* key, const std::vector<PageChange>& pages) {
  w.Key(key);
  w.StartArray();
  for (const PageChange& p : pages) {
    w.StartObject();
    WriteStr(w, "key", p.key);
    WriteStr(w, "url", p.url);
    WriteStr(w, "page_type", p.page_type);
    WriteScores(w, "scores", p.scores);
    w.EndObject();
  }
  w.EndArray();
}
template <typename W>
void WriteFindings(W& w, const char* key, const std::vector<FindingChange>& list) {
  w.Key(key);
  w.StartArray();
  for (const FindingChange& f : list) {
    w.StartObject();
    WriteStr(w, "scope", f.scope);
    WriteStr(w, "page", f.page);
    WriteStr(w, "url", f.url);
    WriteStr(w, "rule_id", f.rule_id);
    WriteStr(w, "moment", f.moment);
    WriteStr(w, "status_before", f.status_before);
    WriteStr(w, "status_after", f.status_after);
    WriteOptNum(w, "score_before", f.score_before);
    WriteOptNum(w, "score_after", f.score_after);
    WriteStr(w, "display_before", f.display_before);
    WriteStr(w, "display_after", f.display_after);
    w.EndObject();
  }
  w.EndArray();
}

std::string Where(const FindingChange& f) { return f.scope == "page" ? Safe(f.page) : f.scope; }
std::string Status(const std::string& s) { return s.empty() ? "absent" : s; }

}  // namespace

std::optional<double> ScoreDelta::Delta() const {
  if (before && after) return *after - *before;
  return std::nullopt;
}

bool DiffReports(std::string_view before_json, std::string_view after_json, const DiffOptions& options,
                 ReportDiff* diff, std::string* error) {
  std::string scratch;
  if (error == nullptr) error = &scratch;
  if (diff == nullptr) {
    *error = "DiffReports: no output";
    return false;
  }
  Side b, a;
  if (!Load(before_json, "baseline", options, &b, error) || !Load(after_json, "new", options, &a, error)) return false;
  ReportDiff d;
  d.compare_origins = options.compare_origins;
  d.origin_before = b.origin;
  d.origin_after = a.origin;
  d.generated_before = Str(&b.doc, "generated_at");
  d.generated_after = Str(&a.doc, "generated_at");
  d.schema_before = Str(&b.doc, "schema_version");
  d.schema_after = Str(&a.doc, "schema_version");
  d.site_scores = ScoreDeltas(Obj(Obj(&b.doc, "summary"), "scores"), Obj(Obj(&a.doc, "summary"), "scores"));

  for (const auto& [key, pb] : b.pages) {
    auto it = a.pages.find(key);
    if (it == a.pages.end()) {
      PageChange c = PageEntry(key, pb);
      c.scores.push_back({"overall", Num(Obj(pb, "scores"), "overall"), std::nullopt});
      d.pages_removed.push_back(std::move(c));
      continue;
    }
    const Value* pa = it->second;
    ++d.pages_compared;
    PageChange c = PageEntry(key, pa);
    for (ScoreDelta& s : ScoreDeltas(Obj(pb, "scores"), Obj(pa, "scores")))
      if (!SameScore(s.before, s.after)) c.scores.push_back(std::move(s));
    if (!c.scores.empty()) d.pages_changed.push_back(std::move(c));
    DiffFindings(Arr(pb, "findings"), Arr(pa, "findings"), "page", key, Str(pa, "url"), &d);
  }
  for (const auto& [key, pa] : a.pages) {
    if (b.pages.count(key)) continue;
    PageChange c = PageEntry(key, pa);
    c.scores.push_back({"overall", std::nullopt, Num(Obj(pa, "scores"), "overall")});
    d.pages_added.push_back(std::move(c));
  }
  DiffFindings(Arr(&b.doc, "site_findings"), Arr(&a.doc, "site_findings"), "site", "", "", &d);
  DiffCheckout(b, a, &d);
  SortFindings(&d.new_findings);
  SortFindings(&d.fixed_findings);
  SortFindings(&d.changed_findings);
  *diff = std::move(d);
  return true;
}

std::vector<std::string> Regressions(const ReportDiff& diff, double tolerance) {
  std::vector<std::string> out;
  for (const ScoreDelta& s : diff.site_scores) {
    const auto delta = s.Delta();
    if (delta && *delta < -tolerance - 1e-9)
      out.push_back("site score " + s.scope + " dropped by " + Points(-*delta) + " points (" + ScoreText(s.before) +
                    " -> " + ScoreText(s.after) + "), more than the tolerance of " + Points(tolerance));
    else if (s.before && !s.after)
      out.push_back("site score " + s.scope + " is no longer scored (was " + ScoreText(s.before) + ")");
  }
  for (const FindingChange& f : diff.new_findings)
    out.push_back("newly failing: " + f.rule_id + " on " + Where(f) + " (" + Status(f.status_before) + " -> " +
                  f.status_after + ")");
  for (const FindingChange& f : diff.changed_findings)
    if (Severity(f.status_after) > Severity(f.status_before))
      out.push_back("worse: " + f.rule_id + " on " + Where(f) + " (" + f.status_before + " -> " + f.status_after + ")");
  return out;
}

std::string DiffToJson(const ReportDiff& diff, const std::string& baseline_file, std::optional<double> tolerance,
                       const std::vector<std::string>& regressions) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  WriteStr(w, "file", baseline_file);
  WriteStr(w, "generated_at", diff.generated_before);
  WriteStr(w, "schema_version", diff.schema_before);
  WriteStr(w, "origin_before", diff.origin_before);
  WriteStr(w, "origin_after", diff.origin_after);
  WriteStr(w, "pages_keyed_by", diff.compare_origins ? "url" : "path");
  WriteScores(w, "site_scores", diff.site_scores);
  w.Key("pages");
  w.StartObject();
  w.Key("compared");
  w.Uint64(diff.pages_compared);
  WritePages(w, "added", diff.pages_added);
  WritePages(w, "removed", diff.pages_removed);
  WritePages(w, "changed", diff.pages_changed);
  w.EndObject();
  w.Key("findings");
  w.StartObject();
  WriteFindings(w, "new", diff.new_findings);
  WriteFindings(w, "fixed", diff.fixed_findings);
  WriteFindings(w, "changed", diff.changed_findings);
  w.EndObject();
  w.Key("checkout");
  w.StartArray();
  for (const CheckoutChange& c : diff.checkout) {
    w.StartObject();
    WriteStr(w, "field", c.field);
    WriteStr(w, "before", c.before);
    WriteStr(w, "after", c.after);
    w.EndObject();
  }
  w.EndArray();
  w.Key("gate");
  w.StartObject();
  WriteOptNum(w, "tolerance", tolerance);
  w.Key("regressions");
  w.StartArray();
  for (const std::string& r : regressions) w.String(r.c_str(), static_cast<rapidjson::SizeType>(r.size()));
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string DiffToText(const ReportDiff& diff) {
  std::string out;
  out += "Baseline: " + (diff.generated_before.empty() ? std::string("(no date)") : Safe(diff.generated_before)) +
         "  ->  new: " + (diff.generated_after.empty() ? std::string("(no date)") : Safe(diff.generated_after)) + "\n";
  if (!diff.compare_origins && diff.origin_before != diff.origin_after)
    out += "Origins differ (" + Safe(diff.origin_before) + " vs " + Safe(diff.origin_after) +
           "): pages are compared by path\n";
  out += "\nSite scores:\n";
  for (const ScoreDelta& s : diff.site_scores) {
    const auto delta = s.Delta();
    char line[160];
    std::snprintf(line, sizeof line, "  %-16s %5s -> %-5s %s\n", s.scope.c_str(), ScoreText(s.before).c_str(),
                  ScoreText(s.after).c_str(), delta ? (*delta == 0 ? "=" : Signed(*delta).c_str()) : "");
    out += line;
  }
  out += "\nPages: " + std::to_string(diff.pages_compared) + " in both, " + std::to_string(diff.pages_added.size()) +
         " added, " + std::to_string(diff.pages_removed.size()) + " removed, " +
         std::to_string(diff.pages_changed.size()) + " with changed scores\n";
  for (const PageChange& p : diff.pages_added)
    out += "  + " + Safe(p.key) + " (" + Safe(p.page_type) + ", score " + ScoreText(p.scores[0].after) + ")\n";
  for (const PageChange& p : diff.pages_removed)
    out += "  - " + Safe(p.key) + " (" + Safe(p.page_type) + ", score " + ScoreText(p.scores[0].before) + ")\n";
  for (const PageChange& p : diff.pages_changed) {
    out += "  ~ " + Safe(p.key) + ":";
    for (const ScoreDelta& s : p.scores) {
      const auto delta = s.Delta();
      out += " " + s.scope + " " + ScoreText(s.before) + " -> " + ScoreText(s.after) +
             (delta ? " (" + Signed(*delta) + ")" : "") + ";";
    }
    out.pop_back();
    out += "\n";
  }
  out += "\nFindings: " + std::to_string(diff.new_findings.size()) + " new, " +
         std::to_string(diff.fixed_findings.size()) + " fixed, " + std::to_string(diff.changed_findings.size()) +
         " changed\n";
  auto list = [&](const char* label, const std::vector<FindingChange>& v) {
    for (const FindingChange& f : v) {
      out += std::string("  ") + label + " " + Where(f) + "  " + Safe(f.rule_id) + ": " + Status(f.status_before) +
             " -> " + Status(f.status_after);
      const std::string shown = Safe(f.display_after.empty() ? f.display_before : f.display_after);
      if (!shown.empty()) out += " (" + shown + ")";
      out += "\n";
    }
  };
  list("new    ", diff.new_findings);
  list("fixed  ", diff.fixed_findings);
  list("changed", diff.changed_findings);
  if (!diff.checkout.empty()) {
    out += "\nCheckout:\n";
    for (const CheckoutChange& c : diff.checkout)
      out += "  " + c.field + ": " + (c.before.empty() ? "-" : Safe(c.before)) + " -> " +
             (c.after.empty() ? "-" : Safe(c.after)) + "\n";
  }
  return out;
}

bool AttachBaselineSection(std::string* report_json, const std::string& section_json) {
  if (report_json == nullptr) return false;
  const std::size_t end = report_json->find_last_not_of(" \t\r\n");
  if (end == std::string::npos || end == 0 || (*report_json)[end] != '}') return false;
  const std::size_t last = report_json->find_last_not_of(" \t\r\n", end - 1);
  if (last == std::string::npos) return false;
  const bool empty_object = (*report_json)[last] == '{';
  report_json->resize(last + 1);
  *report_json += std::string(empty_object ? "" : ",") + "\n  \"baseline\": " + section_json + "\n}\n";
  return true;
}

}  // namespace mmaudit::report
