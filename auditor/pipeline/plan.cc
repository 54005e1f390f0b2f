#include "pipeline/plan.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "fetch/credentials.h"

namespace mmaudit::pipeline {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* kPlanFormat = "mmaudit-plan";
constexpr const char* kShardFormat = "mmaudit-shard";
constexpr const char* kRobotsPolicy =
    "each shard reads robots.txt again before it fetches (its rules and Crawl-delay hold per shard); "
    "the records here are what robots.txt said when the plan was made";

void Str(Writer& w, const char* k, const std::string& v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}
void StrList(Writer& w, const char* k, const std::vector<std::string>& list) {
  w.Key(k);
  w.StartArray();
  for (const auto& s : list) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}
void UInt(Writer& w, const char* k, std::uint64_t v) {
  w.Key(k);
  w.Uint64(v);
}
void Int(Writer& w, const char* k, std::int64_t v) {
  w.Key(k);
  w.Int64(v);
}
void Dbl(Writer& w, const char* k, double v) {
  w.Key(k);
  w.Double(v);
}
void OptDbl(Writer& w, const char* k, const std::optional<double>& v) {
  w.Key(k);
  if (v) w.Double(*v);
  else w.Null();
}

// Tolerant readers of a parsed value: a missing or mistyped member gives the fallback and sets *bad.
struct Reader {
  bool bad = false;
  std::string first_bad;
  const rapidjson::Value* Member(const rapidjson::Value& o, const char* k) {
    if (!o.IsObject()) return Fail(k);
    auto it = o.FindMember(k);
    if (it == o.MemberEnd()) return Fail(k);
    return &it->value;
  }
  const rapidjson::Value* Fail(const char* k) {
    if (!bad) first_bad = k;
    bad = true;
    return nullptr;
  }
  std::string S(const rapidjson::Value& o, const char* k) {
    const auto* v = Member(o, k);
    if (v == nullptr || !v->IsString()) return Fail(k), std::string();
    return std::string(v->GetString(), v->GetStringLength());
  }
  double D(const rapidjson::Value& o, const char* k) {
    const auto* v = Member(o, k);
    if (v == nullptr || !v->IsNumber()) return Fail(k), 0.0;
    return v->GetDouble();
  }
  std::int64_t I(const rapidjson::Value& o, const char* k) {
    const auto* v = Member(o, k);
    if (v == nullptr || !v->IsInt64()) return Fail(k), 0;
    return v->GetInt64();
  }
  std::uint64_t U(const rapidjson::Value& o, const char* k) {
    const auto* v = Member(o, k);
    if (v == nullptr || !v->IsUint64()) return Fail(k), 0;
    return v->GetUint64();
  }
  bool B(const rapidjson::Value& o, const char* k) {
    const auto* v = Member(o, k);
    if (v == nullptr || !v->IsBool()) return Fail(k), false;
    return v->GetBool();
  }
  std::optional<double> OptD(const rapidjson::Value& o, const char* k) {
    const auto* v = Member(o, k);
    if (v == nullptr || v->IsNull()) return std::nullopt;
    if (!v->IsNumber()) return Fail(k), std::nullopt;
    return v->GetDouble();
  }
  std::vector<std::string> List(const rapidjson::Value& o, const char* k) {
    std::vector<std::string> out;
    const auto* v = Member(o, k);
    if (v == nullptr || !v->IsArray()) return Fail(k), out;
    for (const auto& s : v->GetArray()) {
      if (!s.IsString()) return Fail(k), out;
      out.emplace_back(s.GetString(), s.GetStringLength());
    }
    return out;
  }
  const rapidjson::Value& Obj(const rapidjson::Value& o, const char* k) {
    static const rapidjson::Value empty(rapidjson::kObjectType);
    const auto* v = Member(o, k);
    if (v == nullptr || !v->IsObject()) return Fail(k), empty;
    return *v;
  }
  const rapidjson::Value& Arr(const rapidjson::Value& o, const char* k) {
    static const rapidjson::Value empty(rapidjson::kArrayType);
    const auto* v = Member(o, k);
    if (v == nullptr || !v->IsArray()) return Fail(k), empty;
    return *v;
  }
};

bool Parse(const std::string& line, rapidjson::Document* d) {
  d->Parse<rapidjson::kParseFullPrecisionFlag>(line.c_str(), line.size());
  return !d->HasParseError() && d->IsObject();
}

// ----------------------------------------------------------------- crawl entries and the header

void WriteEntry(Writer& w, const fetch::CrawlEntry& e) {
  Str(w, "url", e.url);
  Str(w, "page_type", e.page_type);
  Int(w, "depth", e.depth);
  Str(w, "via", e.via);
  Str(w, "parent", e.parent);
  Str(w, "state", e.state);
  Int(w, "status", e.status);
  Str(w, "reason", e.reason);
  Int(w, "retries", e.retries);
}

fetch::CrawlEntry ReadEntry(Reader& r, const rapidjson::Value& v) {
  fetch::CrawlEntry e;
  e.url = r.S(v, "url");
  e.page_type = r.S(v, "page_type");
  e.depth = static_cast<int>(r.I(v, "depth"));
  e.via = r.S(v, "via");
  e.parent = r.S(v, "parent");
  e.state = r.S(v, "state");
  e.status = static_cast<int>(r.I(v, "status"));
  e.reason = r.S(v, "reason");
  e.retries = static_cast<int>(r.I(v, "retries"));
  return e;
}

// The plan's members before "frontier" (also the "plan" object of a shard header).
void WriteHeaderMembers(Writer& w, const PlanHeader& h) {
  Str(w, "format", kPlanFormat);
  Int(w, "version", h.version);
  UInt(w, "shards", h.shards);
  StrList(w, "start_urls", h.start_urls);
  const fetch::CrawlOptions& c = h.crawl;
  w.Key("crawl");
  w.StartObject();
  Str(w, "robots_token", c.robots_token);
  Int(w, "concurrency", c.concurrency);
  Int(w, "per_host", c.per_host);
  UInt(w, "max_pages", c.max_pages);
  Int(w, "max_depth", c.max_depth);
  Str(w, "scope", c.scope == fetch::Scope::kHost ? "host" : "domain");
  StrList(w, "include", c.include);
  StrList(w, "exclude", c.exclude);
  w.Key("ignore_robots");
  w.Bool(c.ignore_robots);
  w.Key("use_sitemaps");
  w.Bool(c.use_sitemaps);
  w.Key("follow_links");
  w.Bool(c.follow_links);
  w.Key("strip_tracking");
  w.Bool(c.strip_tracking);
  Dbl(w, "delay_ms", c.delay_ms);
  Int(w, "max_retries", c.max_retries);
  Int(w, "max_retry_wait_ms", c.max_retry_wait_ms);
  UInt(w, "max_url_length", c.max_url_length);
  UInt(w, "max_query_variants", c.max_query_variants);
  UInt(w, "max_path_segments", c.max_path_segments);
  UInt(w, "max_sitemap_files", c.max_sitemap_files);
  UInt(w, "max_sitemap_urls", c.max_sitemap_urls);
  UInt(w, "max_recorded_skips", c.max_recorded_skips);
  UInt(w, "sample_per_type", h.sample_per_type);
  w.EndObject();
  Str(w, "robots_policy", kRobotsPolicy);
  w.Key("robots");
  w.StartArray();
  for (const auto& rb : h.robots) {
    w.StartObject();
    Str(w, "url", rb.url);
    Int(w, "status", rb.status);
    Str(w, "mode", rb.mode);
    OptDbl(w, "crawl_delay", rb.crawl_delay);
    StrList(w, "sitemaps", rb.sitemaps);
    StrList(w, "problems", rb.problems);
    w.EndObject();
  }
  w.EndArray();
  StrList(w, "sitemaps", h.sitemaps);
  StrList(w, "sitemap_errors", h.sitemap_errors);
  w.Key("counts");
  w.StartObject();
  UInt(w, "urls", h.urls);
  UInt(w, "to_audit", h.to_audit);
  UInt(w, "skipped_unrecorded", h.skipped_unrecorded);
  UInt(w, "sampled_out", h.sampled_out);
  w.EndObject();
}

bool ReadHeader(const rapidjson::Value& v, PlanHeader* h, std::string* error) {
  Reader r;
  if (r.S(v, "format") != kPlanFormat) {
    *error = "not an mmaudit plan (its \"format\" is not \"mmaudit-plan\")";
    return false;
  }
  h->version = static_cast<int>(r.I(v, "version"));
  if (h->version != kPlanVersion) {
    *error = "plan version " + std::to_string(h->version) + " is not the version this mmaudit reads (" +
             std::to_string(kPlanVersion) + ")";
    return false;
  }
  h->shards = r.U(v, "shards");
  h->start_urls = r.List(v, "start_urls");
  const rapidjson::Value& c = r.Obj(v, "crawl");
  fetch::CrawlOptions& o = h->crawl;
  o.robots_token = r.S(c, "robots_token");
  o.concurrency = static_cast<int>(r.I(c, "concurrency"));
  o.per_host = static_cast<int>(r.I(c, "per_host"));
  o.max_pages = r.U(c, "max_pages");
  o.max_depth = static_cast<int>(r.I(c, "max_depth"));
  o.scope = r.S(c, "scope") == "domain" ? fetch::Scope::kDomain : fetch::Scope::kHost;
  o.include = r.List(c, "include");
  o.exclude = r.List(c, "exclude");
  o.ignore_robots = r.B(c, "ignore_robots");
  o.use_sitemaps = r.B(c, "use_sitemaps");
  o.follow_links = r.B(c, "follow_links");
  o.strip_tracking = r.B(c, "strip_tracking");
  o.delay_ms = r.D(c, "delay_ms");
  o.max_retries = static_cast<int>(r.I(c, "max_retries"));
  o.max_retry_wait_ms = static_cast<long>(r.I(c, "max_retry_wait_ms"));
  o.max_url_length = r.U(c, "max_url_length");
  o.max_query_variants = r.U(c, "max_query_variants");
  o.max_path_segments = r.U(c, "max_path_segments");
  o.max_sitemap_files = r.U(c, "max_sitemap_files");
  o.max_sitemap_urls = r.U(c, "max_sitemap_urls");
  o.max_recorded_skips = r.U(c, "max_recorded_skips");
  h->sample_per_type = r.U(c, "sample_per_type");
  for (const auto& rv : r.Arr(v, "robots").GetArray()) {
    fetch::RobotsRecord rb;
    rb.url = r.S(rv, "url");
    rb.status = static_cast<int>(r.I(rv, "status"));
    rb.mode = r.S(rv, "mode");
    rb.crawl_delay = r.OptD(rv, "crawl_delay");
    rb.sitemaps = r.List(rv, "sitemaps");
    rb.problems = r.List(rv, "problems");
    h->robots.push_back(std::move(rb));
  }
  h->sitemaps = r.List(v, "sitemaps");
  h->sitemap_errors = r.List(v, "sitemap_errors");
  const rapidjson::Value& counts = r.Obj(v, "counts");
  h->urls = r.U(counts, "urls");
  h->to_audit = r.U(counts, "to_audit");
  h->skipped_unrecorded = r.U(counts, "skipped_unrecorded");
  h->sampled_out = r.U(counts, "sampled_out");
  if (r.bad || h->shards < 1) {
    *error = "the plan's header is malformed (at \"" + (r.bad ? r.first_bad : std::string("shards")) + "\")";
    return false;
  }
  return true;
}

// ----------------------------------------------------------------- discovery

// Reads each fetched page for its links and page type; audits nothing.
class PlanSink final : public fetch::CrawlSink {
 public:
  explicit PlanSink(const AuditOptions& options) : options_(options) {
    extract_ = options.extract;
    extract_.find_subresources = false;
  }
  fetch::SinkResult OnResponse(const fetch::Response& response, const fetch::CrawlEntry&) override {
    fetch::SinkResult out;
    facts::PageFacts f = facts::ExtractPage(response, extract_);
    ApplyPageTypeOverrides(options_, &f);
    out.page_type = f.page_type;
    for (const facts::Link& l : f.links.links)
      if (l.kind == facts::LinkKind::kInternal || l.kind == facts::LinkKind::kExternal) out.links.push_back(l.href);
    return out;
  }

 private:
  const AuditOptions& options_;
  facts::ExtractOptions extract_;
};

bool Auditable(const fetch::CrawlEntry& e) { return e.state == "fetched" || e.state == "failed"; }

// ----------------------------------------------------------------- shard lines

std::optional<rules::Status> StatusFromName(const std::string& name) {
  for (rules::Status s : {rules::Status::kPass, rules::Status::kWarn, rules::Status::kFail, rules::Status::kNotApplicable,
                          rules::Status::kInformative, rules::Status::kError})
    if (name == rules::StatusName(s)) return s;
  return std::nullopt;
}

void WriteScores(Writer& w, const char* k, const rules::Scores& s) {
  w.Key(k);
  w.StartObject();
  OptDbl(w, "overall", s.overall);
  w.Key("moments");
  w.StartObject();
  for (const auto& [m, v] : s.moments) OptDbl(w, m.c_str(), v);
  w.EndObject();
  w.EndObject();
}

rules::Scores ReadScores(Reader& r, const rapidjson::Value& v) {
  rules::Scores s;
  s.overall = r.OptD(v, "overall");
  const rapidjson::Value& m = r.Obj(v, "moments");
  for (const auto& [k, val] : m.GetObject()) {
    if (val.IsNull()) s.moments[k.GetString()] = std::nullopt;
    else if (val.IsNumber()) s.moments[k.GetString()] = val.GetDouble();
    else r.Fail("moments");
  }
  return s;
}

// The "page" line: what StoreAndSlim keeps of a page, and its outcome.
void WritePageLine(Writer& w, const report::PageResult& p) {
  w.StartObject();
  Str(w, "kind", "page");
  const facts::PageFacts& f = p.facts;
  Str(w, "requested_url", f.http.requested_url);
  Str(w, "final_url", f.http.final_url);
  Int(w, "status", f.http.status);
  UInt(w, "decoded_bytes", f.http.decoded_bytes);
  w.Key("fetched");
  w.Bool(f.fetched);
  w.Key("parsed");
  w.Bool(f.parsed);
  w.Key("audited");
  w.Bool(p.audited);
  Str(w, "error_code", f.error_code);
  Str(w, "error", f.error);
  Str(w, "page_type", f.page_type);
  Dbl(w, "page_type_confidence", f.page_type_confidence);
  Str(w, "page_type_source", f.page_type_source);
  WriteScores(w, "scores", p.scores);
  w.Key("findings");
  w.StartArray();
  for (const rules::Finding& x : p.findings) {
    w.StartObject();
    Str(w, "rule_id", x.rule_id);
    Str(w, "moment", x.moment);
    Dbl(w, "weight", x.weight);
    Str(w, "status", rules::StatusName(x.status));
    OptDbl(w, "score", x.score);
    Str(w, "error", x.error);
    w.EndObject();
  }
  w.EndArray();
  w.Key("outcome");
  if (!p.outcome) {
    w.Null();
  } else {
    w.StartObject();
    Str(w, "url", p.outcome->url);
    Str(w, "page_type", p.outcome->page_type);
    w.Key("rules");
    w.StartArray();
    for (const auto& rr : p.outcome->rules) {
      w.StartArray();
      w.Uint(rr.index);
      w.Int(static_cast<int>(rr.status));
      w.Int(rr.score_milli);
      w.EndArray();
    }
    w.EndArray();
    WriteScores(w, "scores", p.outcome->scores);
    w.EndObject();
  }
  w.EndObject();
}

bool ReadPageLine(const rapidjson::Value& v, std::size_t catalogue_size, report::PageResult* p) {
  Reader r;
  facts::PageFacts& f = p->facts;
  f.http.requested_url = r.S(v, "requested_url");
  f.http.final_url = r.S(v, "final_url");
  f.http.status = static_cast<int>(r.I(v, "status"));
  f.http.decoded_bytes = r.U(v, "decoded_bytes");
  f.fetched = r.B(v, "fetched");
  f.parsed = r.B(v, "parsed");
  p->audited = r.B(v, "audited");
  f.error_code = r.S(v, "error_code");
  f.error = r.S(v, "error");
  f.page_type = r.S(v, "page_type");
  f.page_type_confidence = r.D(v, "page_type_confidence");
  f.page_type_source = r.S(v, "page_type_source");
  p->scores = ReadScores(r, r.Obj(v, "scores"));
  for (const auto& x : r.Arr(v, "findings").GetArray()) {
    rules::Finding k;
    k.rule_id = r.S(x, "rule_id");
    k.moment = r.S(x, "moment");
    k.weight = r.D(x, "weight");
    const auto status = StatusFromName(r.S(x, "status"));
    if (!status) return false;
    k.status = *status;
    k.score = r.OptD(x, "score");
    k.error = r.S(x, "error");
    p->findings.push_back(std::move(k));
  }
  const rapidjson::Value* o = r.Member(v, "outcome");
  if (o != nullptr && o->IsObject()) {
    rules::PageOutcome out;
    out.url = r.S(*o, "url");
    out.page_type = r.S(*o, "page_type");
    for (const auto& t : r.Arr(*o, "rules").GetArray()) {
      if (!t.IsArray() || t.Size() != 3 || !t[0].IsUint() || !t[1].IsInt() || !t[2].IsInt()) return false;
      const int status = t[1].GetInt();
      if (t[0].GetUint() >= catalogue_size || status < 0 || status > static_cast<int>(rules::Status::kError))
        return false;
      rules::PageOutcome::Rule rr;
      rr.index = static_cast<std::uint16_t>(t[0].GetUint());
      rr.status = static_cast<rules::Status>(status);
      rr.score_milli = static_cast<std::int16_t>(t[2].GetInt());
      out.rules.push_back(rr);
    }
    out.scores = ReadScores(r, r.Obj(*o, "scores"));
    p->outcome = std::move(out);
  } else if (o == nullptr || !o->IsNull()) {
    return false;
  }
  return !r.bad;
}

std::string Hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

void Line(std::ostream& out, const rapidjson::StringBuffer& b) {
  out.write(b.GetString(), static_cast<std::streamsize>(b.GetSize()));
  out.put('\n');
}

// The identity of a --budget: "" when none, else FNV-1a 64 over every field of it.
std::string BudgetDigest(const std::optional<perf::Budgets>& budgets) {
  if (!budgets) return "";
  std::string bytes;
  auto add = [&bytes](const std::string& s) { bytes += std::to_string(s.size()) + ":" + s + ";"; };
  auto num = [&bytes](double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g;", v);
    bytes += buf;
  };
  for (const perf::Budget& b : *budgets) {
    add(b.path);
    for (const auto& h : b.first_party_hostnames) add(h);
    bytes += "|sizes:";
    for (const auto& r : b.resource_sizes) add(r.resource_type), num(r.budget);
    bytes += "|counts:";
    for (const auto& r : b.resource_counts) add(r.resource_type), num(r.budget);
    bytes += "|timings:";
    for (const auto& t : b.timings) add(t.metric), num(t.budget);
    bytes += "|end;";
  }
  return "fnv1a64:" + Hex(Fnv1a64(bytes));
}

// ----------------------------------------------------------------- the merge's URL entries

// A crawl entry as a binary record in a temporary file: each string as its 4-byte length and its
// bytes, each number as 4 bytes.
void PutString(std::FILE* f, const std::string& s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  std::fwrite(&n, sizeof n, 1, f);
  std::fwrite(s.data(), 1, s.size(), f);
}
void PutInt(std::FILE* f, int v) {
  const auto n = static_cast<std::int32_t>(v);
  std::fwrite(&n, sizeof n, 1, f);
}
void PutRecord(std::FILE* f, const fetch::CrawlEntry& e) {
  for (const std::string* s : {&e.url, &e.page_type, &e.via, &e.parent, &e.state, &e.reason}) PutString(f, *s);
  for (int v : {e.depth, e.status, e.retries}) PutInt(f, v);
}
bool GetString(std::FILE* f, std::string* s) {
  std::uint32_t n = 0;
  if (std::fread(&n, sizeof n, 1, f) != 1 || n > (1u << 30)) return false;
  s->resize(n);
  return n == 0 || std::fread(s->data(), 1, n, f) == n;
}
bool GetInt(std::FILE* f, int* v) {
  std::int32_t n = 0;
  if (std::fread(&n, sizeof n, 1, f) != 1) return false;
  *v = n;
  return true;
}
// Reads the next record into *e. Returns false at the end of the file, or with *bad set when the
// record is cut or the file cannot be read.
bool GetRecord(std::FILE* f, fetch::CrawlEntry* e, bool* bad) {
  const int c = std::fgetc(f);
  if (c == EOF) {
    *bad = std::ferror(f) != 0;
    return false;
  }
  std::ungetc(c, f);
  for (std::string* s : {&e->url, &e->page_type, &e->via, &e->parent, &e->state, &e->reason})
    if (!GetString(f, s)) return *bad = true, false;
  for (int* v : {&e->depth, &e->status, &e->retries})
    if (!GetInt(f, v)) return *bad = true, false;
  return true;
}

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};
using TempFile = std::unique_ptr<std::FILE, FileCloser>;

// The site entries of a merge, as a sorted file of records read back for each report written.
class RecordFileSource final : public report::SiteEntrySource {
 public:
  explicit RecordFileSource(TempFile file) : file_(std::move(file)) {}
  bool ForEach(const std::function<void(const fetch::CrawlEntry&)>& each, std::string* error) const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::FILE* f = file_.get();
    if (f == nullptr || std::fseek(f, 0, SEEK_SET) != 0) {
      *error = "the temporary file of the URL entries cannot be read";
      return false;
    }
    fetch::CrawlEntry e;
    bool bad = false;
    while (GetRecord(f, &e, &bad)) each(e);
    if (bad) *error = "the temporary file of the URL entries is cut or unreadable";
    return !bad;
  }

 private:
  TempFile file_;
  mutable std::mutex mu_;
};

// Sorts the merge's URL entries by URL with at most `in_memory` of them in memory at once (sorted
// runs in temporary files, merged at most kFanIn at a time), keeping of each URL the entry added
// first: a plan of any size is merged in constant memory.
class EntrySorter {
 public:
  static constexpr std::size_t kFanIn = 64;
  explicit EntrySorter(std::size_t in_memory) : in_memory_(std::max<std::size_t>(in_memory, 1)) {}

  bool Add(fetch::CrawlEntry&& e) {
    chunk_.push_back(std::move(e));
    return chunk_.size() < in_memory_ || SpillChunk();
  }

  // The sorted, deduplicated entries, each also handed to `count`; null when a temporary file
  // could not be written or read.
  std::shared_ptr<const report::SiteEntrySource> Finish(const std::function<void(const fetch::CrawlEntry&)>& count) {
    if (!chunk_.empty() && !SpillChunk()) return nullptr;
    while (runs_.size() > kFanIn) {
      std::vector<TempFile> merged;
      for (std::size_t i = 0; i < runs_.size(); i += kFanIn) {
        std::vector<TempFile> group;
        for (std::size_t j = i; j < std::min(runs_.size(), i + kFanIn); ++j) group.push_back(std::move(runs_[j]));
        merged.push_back(MergeRuns(std::move(group), nullptr));
        if (!merged.back()) return nullptr;
      }
      runs_ = std::move(merged);
    }
    TempFile all = MergeRuns(std::move(runs_), &count);
    if (!all) return nullptr;
    return std::make_shared<RecordFileSource>(std::move(all));
  }

 private:
  bool SpillChunk() {
    std::stable_sort(chunk_.begin(), chunk_.end(), [](const auto& a, const auto& b) { return a.url < b.url; });
    TempFile f(std::tmpfile());
    if (!f) return false;
    for (std::size_t i = 0; i < chunk_.size(); ++i)
      if (i == 0 || chunk_[i].url != chunk_[i - 1].url) PutRecord(f.get(), chunk_[i]);
    chunk_.clear();
    if (std::fflush(f.get()) != 0 || std::ferror(f.get()) != 0 || std::fseek(f.get(), 0, SEEK_SET) != 0) return false;
    runs_.push_back(std::move(f));
    return true;
  }

  // Merges sorted runs (earlier runs first among equal URLs, which the later ones lose) into one.
  static TempFile MergeRuns(std::vector<TempFile> runs, const std::function<void(const fetch::CrawlEntry&)>* count) {
    TempFile out(std::tmpfile());
    if (!out) return nullptr;
    struct Head {
      fetch::CrawlEntry e;
      std::size_t run;
    };
    const auto later = [](const Head& a, const Head& b) { return a.e.url != b.e.url ? a.e.url > b.e.url : a.run > b.run; };
    std::vector<Head> heap;
    bool bad = false;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      Head h{{}, i};
      if (GetRecord(runs[i].get(), &h.e, &bad)) heap.push_back(std::move(h));
      if (bad) return nullptr;
    }
    std::make_heap(heap.begin(), heap.end(), later);
    std::string last;
    bool any = false;
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), later);
      Head& h = heap.back();
      if (!any || h.e.url != last) {
        PutRecord(out.get(), h.e);
        if (count) (*count)(h.e);
        last = h.e.url;
        any = true;
      }
      if (GetRecord(runs[h.run].get(), &h.e, &bad)) {
        std::push_heap(heap.begin(), heap.end(), later);
      } else {
        if (bad) return nullptr;
        heap.pop_back();
      }
    }
    if (std::fflush(out.get()) != 0 || std::ferror(out.get()) != 0 || std::fseek(out.get(), 0, SEEK_SET) != 0)
      return nullptr;
    return out;
  }

  std::size_t in_memory_;
  std::vector<fetch::CrawlEntry> chunk_;
  std::vector<TempFile> runs_;
};

}  // namespace

std::uint64_t Fnv1a64(const std::string& bytes, std::uint64_t h) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::size_t ShardOf(const std::string& url, std::size_t shards) {
  return static_cast<std::size_t>(Fnv1a64(url) % (shards == 0 ? 1 : shards));
}

bool ParseShardSpec(const std::string& spec, std::size_t* k, std::size_t* n, std::string* error) {
  const auto slash = spec.find('/');
  auto number = [](const std::string& s, std::size_t* v) {
    if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    *v = std::stoul(s);
    return true;
  };
  if (slash == std::string::npos || !number(spec.substr(0, slash), k) || !number(spec.substr(slash + 1), n) || *n < 1 ||
      *k >= *n) {
    *error = "--shard must be K/N with 0 <= K < N (0-based, as Kubernetes' JOB_COMPLETION_INDEX), not \"" + spec + "\"";
    return false;
  }
  return true;
}

PlanHeader WritePlan(const std::vector<std::string>& seeds, const AuditOptions& options, std::size_t shards,
                     std::ostream& out, Progress& progress) {
  fetch::CrawlOptions crawl = options.crawl;
  crawl.fetch = options.fetch;
  PlanSink sink(options);
  fetch::CrawlResult result = fetch::Crawl(seeds, crawl, sink, progress);
  std::sort(result.entries.begin(), result.entries.end(), [](const auto& a, const auto& b) { return a.url < b.url; });

  PlanHeader h;
  h.shards = std::max<std::size_t>(shards, 1);
  h.start_urls = seeds;
  h.crawl = options.crawl;
  h.sample_per_type = options.sample_per_type;
  h.robots = result.robots;
  h.sitemaps = result.sitemaps;
  h.sitemap_errors = result.sitemap_errors;
  h.urls = result.entries.size();
  h.skipped_unrecorded = result.skipped_unrecorded;

  std::vector<PlanEntry> entries;
  entries.reserve(result.entries.size());
  for (auto& e : result.entries) {
    PlanEntry p;
    p.audit = Auditable(e);
    p.crawl = std::move(e);
    entries.push_back(std::move(p));
  }
  if (options.sample_per_type > 0) {
    // Per page type, per shard, the URLs in order; then round-robin over the shards.
    std::map<std::string, std::vector<std::vector<std::size_t>>> by_type;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (!entries[i].audit || entries[i].crawl.state != "fetched") continue;
      auto& buckets = by_type[entries[i].crawl.page_type];
      buckets.resize(h.shards);
      buckets[ShardOf(entries[i].crawl.url, h.shards)].push_back(i);
      entries[i].audit = false;
    }
    for (auto& [type, buckets] : by_type) {
      std::size_t picked = 0;
      for (std::size_t round = 0; picked < options.sample_per_type; ++round) {
        bool any = false;
        for (auto& b : buckets)
          if (round < b.size() && picked < options.sample_per_type) {
            entries[b[round]].audit = true;
            ++picked;
            any = true;
          }
        if (!any) break;
      }
      for (auto& b : buckets)
        for (std::size_t i : b)
          if (!entries[i].audit) ++h.sampled_out;
    }
  }
  for (const auto& e : entries) h.to_audit += e.audit ? 1 : 0;
  std::size_t next = 0;
  WritePlanLines(
      h,
      [&](PlanEntry* e) {
        if (next == entries.size()) return false;
        *e = std::move(entries[next++]);
        return true;
      },
      out);
  return h;
}

void WritePlanLines(const PlanHeader& h, const std::function<bool(PlanEntry*)>& next, std::ostream& out) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  WriteHeaderMembers(w, h);
  w.Key("frontier");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  // The header line ends with "frontier":[ ; each entry follows on its own line, all but the last
  // with a comma, so one entry is held back until the next one is known.
  std::string head(b.GetString(), b.GetSize());
  head.resize(head.size() - 2);
  out << head << "\n";
  PlanEntry entry;
  bool have = next(&entry);
  rapidjson::StringBuffer eb;
  while (have) {
    eb.Clear();
    Writer ew(eb);
    ew.StartObject();
    WriteEntry(ew, entry.crawl);
    ew.Key("audit");
    ew.Bool(entry.audit);
    ew.EndObject();
    have = next(&entry);
    out.write(eb.GetString(), static_cast<std::streamsize>(eb.GetSize()));
    out << (have ? ",\n" : "\n");
  }
  out << "]}\n";
}

bool ReadPlan(std::istream& in, PlanHeader* header, const std::function<void(PlanEntry&&)>& each, std::string* error,
              const std::function<bool(const std::string& url)>& want) {
  std::string line;
  if (!std::getline(in, line)) {
    *error = "the plan is empty";
    return false;
  }
  rapidjson::Document d;
  if (!Parse(line + "]}", &d)) {
    *error = "not an mmaudit plan: its first line is not the plan's header";
    return false;
  }
  if (!ReadHeader(d, header, error)) return false;
  std::size_t n = 0;
  bool closed = false;
  while (std::getline(in, line)) {
    if (line == "]}") {
      closed = true;
      break;
    }
    if (!line.empty() && line.back() == ',') line.pop_back();
    if (want) {
      // An entry as WritePlan writes it starts with its URL; one without escapes is read as it is.
      static const std::string kStart = "{\"url\":\"";
      const std::size_t end = line.find('"', kStart.size());
      if (line.compare(0, kStart.size(), kStart) == 0 && end != std::string::npos &&
          line.find('\\', kStart.size()) > end && line.back() == '}' &&
          !want(line.substr(kStart.size(), end - kStart.size()))) {
        ++n;
        continue;
      }
    }
    rapidjson::Document e;
    Reader r;
    PlanEntry p;
    if (Parse(line, &e)) {
      p.crawl = ReadEntry(r, e);
      p.audit = r.B(e, "audit");
    }
    if (e.HasParseError() || !e.IsObject() || r.bad) {
      *error = "the plan's frontier entry " + std::to_string(n + 1) + " is malformed";
      return false;
    }
    ++n;
    if (want && !want(p.crawl.url)) continue;
    each(std::move(p));
  }
  if (!closed || n != header->urls) {
    *error = "the plan is cut short: its frontier has " + std::to_string(n) + " of " + std::to_string(header->urls) + " URLs";
    return false;
  }
  return true;
}

std::string PlanDigest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::uint64_t h = kFnvOffset;
  std::string chunk(1 << 16, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    chunk.resize(static_cast<std::size_t>(in.gcount()));
    h = Fnv1a64(chunk, h);
    chunk.resize(1 << 16);
  }
  return "fnv1a64:" + Hex(h);
}

std::string SettingsDigest(const AuditOptions& options) {
  report::AuditResult r = NewResult(options, "live");
  r.generated_at.clear();
  r.categories = options.categories;
  return "fnv1a64:" + Hex(Fnv1a64(report::ToJson(r, /*pretty=*/false)));
}

bool AuditPlanShard(const std::string& plan_path, std::size_t shard, std::size_t shards, const AuditOptions& options,
                    std::ostream& out, Progress& progress, std::string* error) {
  const std::string digest = PlanDigest(plan_path);
  std::ifstream in(plan_path, std::ios::binary);
  if (digest.empty() || !in) {
    *error = "cannot read the plan " + plan_path;
    return false;
  }
  PlanHeader h;
  std::vector<std::string> seeds;
  std::unordered_map<std::string, fetch::CrawlEntry> planned;  // this shard's URLs to audit
  // This shard's other URLs are not kept: they are read again from the plan when the shard file is
  // written, so memory holds only the URLs to audit, however big the catalogue.
  const auto mine_only = [&](const std::string& url) { return ShardOf(url, shards) == shard; };
  const bool ok = ReadPlan(in, &h, [&](PlanEntry&& e) {
    if (!e.audit) return;
    seeds.push_back(e.crawl.url);
    planned.emplace(e.crawl.url, std::move(e.crawl));
  }, error, mine_only);
  if (!ok) {
    *error = plan_path + ": " + *error;
    return false;
  }

  AuditOptions run = options;
  run.fetch.credentials.origins = fetch::CredentialOrigins(h.start_urls);
  const fetch::CrawlOptions& mine = options.crawl;
  run.crawl = h.crawl;
  run.crawl.concurrency = mine.concurrency;
  run.crawl.per_host = mine.per_host;
  run.crawl.delay_ms = mine.delay_ms;
  run.crawl.worker_threads = mine.worker_threads;
  run.crawl.follow_links = false;
  run.crawl.use_sitemaps = false;
  // Every planned URL and the redirects it may now take.
  run.crawl.max_pages = std::max<std::size_t>(1, seeds.size() * static_cast<std::size_t>(options.fetch.max_redirects + 2));
  run.sample_per_type = 0;
  run.checkout = "off";
  run.store_pages = true;
  report::AuditResult result;
  if (!seeds.empty()) result = CrawlAndAudit(seeds, run, progress);

  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  Str(w, "kind", "header");
  Str(w, "format", kShardFormat);
  Int(w, "version", kShardVersion);
  Str(w, "plan_digest", digest);
  UInt(w, "shard", shard);
  UInt(w, "shards", shards);
  Str(w, "settings_digest", SettingsDigest(run));
  // What the settings digest does not cover: the load measurement, the budget and the checkout
  // asked for (the checkout itself runs in the merge).
  w.Key("measure_load");
  w.Bool(options.measure_load);
  Str(w, "budget_digest", BudgetDigest(options.budgets));
  Str(w, "checkout", options.checkout);
  w.Key("plan");
  w.StartObject();
  WriteHeaderMembers(w, h);
  w.EndObject();
  w.EndObject();
  Line(out, b);

  std::size_t urls = 0, pages = 0;
  auto url_line = [&](const fetch::CrawlEntry& e) {
    rapidjson::StringBuffer lb;
    Writer lw(lb);
    lw.StartObject();
    Str(lw, "kind", "url");
    WriteEntry(lw, e);
    lw.EndObject();
    Line(out, lb);
    ++urls;
  };
  {
    std::ifstream again(plan_path, std::ios::binary);
    PlanHeader h2;
    if (!again || !ReadPlan(again, &h2, [&](PlanEntry&& e) {
          if (!e.audit) url_line(e.crawl);
        }, error, mine_only) || h2.urls != h.urls || PlanDigest(plan_path) != digest) {
      *error = plan_path + " changed while the shard was audited" + (error->empty() ? "" : ": " + *error);
      return false;
    }
  }
  if (result.crawl) {
    for (fetch::CrawlEntry e : result.crawl->crawl.entries) {
      // How the plan found the URL, and what this shard's fetch of it gave.
      if (auto it = planned.find(e.url); it != planned.end()) {
        e.depth = it->second.depth;
        e.via = it->second.via;
        e.parent = it->second.parent;
      }
      url_line(e);
    }
  }
  for (const report::PageResult& p : result.pages) {
    rapidjson::StringBuffer lb;
    Writer lw(lb);
    WritePageLine(lw, p);
    Line(out, lb);
    std::string json;
    if (p.stored && result.store) json = result.store->Get(*p.stored);
    if (json.empty()) json = report::PageToJson(p);
    out << json << "\n";
    ++pages;
  }
  rapidjson::StringBuffer eb;
  Writer ew(eb);
  ew.StartObject();
  Str(ew, "kind", "end");
  UInt(ew, "urls", urls);
  UInt(ew, "pages", pages);
  ew.EndObject();
  Line(out, eb);
  out.flush();
  if (!out) {
    *error = "cannot write the shard file";
    return false;
  }
  return true;
}

std::optional<report::AuditResult> MergeShards(const std::vector<std::string>& paths, const AuditOptions& options,
                                               Progress& progress, MergeError* error, std::size_t entries_in_memory) {
  const auto started = std::chrono::steady_clock::now();
  if (paths.empty()) {
    error->message = "no shard files to merge";
    return std::nullopt;
  }
  struct Head {
    std::string digest, settings, budget, checkout;
    bool measure_load = true;
    std::size_t shard = 0, shards = 0;
    PlanHeader plan;
  };
  std::vector<Head> heads;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    rapidjson::Document d;
    if (!in || !std::getline(in, line)) {
      error->message = path + ": cannot read the shard file";
      return std::nullopt;
    }
    Reader r;
    Head hd;
    if (!Parse(line, &d) || r.S(d, "format") != kShardFormat) {
      error->message = path + ": not an mmaudit shard file";
      return std::nullopt;
    }
    if (r.I(d, "version") != kShardVersion) {
      error->message = path + ": shard file version " + std::to_string(r.I(d, "version")) + " is not the version this mmaudit reads (" +
                       std::to_string(kShardVersion) + ")";
      return std::nullopt;
    }
    hd.digest = r.S(d, "plan_digest");
    hd.settings = r.S(d, "settings_digest");
    hd.shard = r.U(d, "shard");
    hd.shards = r.U(d, "shards");
    hd.measure_load = r.B(d, "measure_load");
    hd.budget = r.S(d, "budget_digest");
    hd.checkout = r.S(d, "checkout");
    std::string plan_error;
    if (r.bad || !ReadHeader(r.Obj(d, "plan"), &hd.plan, &plan_error) || hd.shards < 1 || hd.shard >= hd.shards) {
      error->message = path + ": the shard file's header is malformed" + (plan_error.empty() ? "" : ": " + plan_error);
      return std::nullopt;
    }
    heads.push_back(std::move(hd));
  }
  for (std::size_t i = 1; i < heads.size(); ++i) {
    if (heads[i].digest != heads[0].digest) {
      error->message = paths[i] + " comes from another plan (" + heads[i].digest + ") than " + paths[0] + " (" +
                       heads[0].digest + "): merge only the shards of one plan";
      return std::nullopt;
    }
    if (heads[i].shards != heads[0].shards) {
      error->message = paths[i] + " is a shard of " + std::to_string(heads[i].shards) + " but " + paths[0] + " of " +
                       std::to_string(heads[0].shards) + ": merge the shards of one split";
      return std::nullopt;
    }
  }
  // --no-resources, --budget and --checkout: one value for every shard, and the merge's own for
  // the first two (the pages' load figures and budget lines come from the shards).
  const auto resources = [](bool measure) { return std::string(measure ? "without --no-resources" : "with --no-resources"); };
  const auto budget = [](const std::string& digest) {
    return digest.empty() ? std::string("without --budget") : "with the --budget " + digest;
  };
  const auto checkout = [](const std::string& c) { return "with --checkout " + c; };
  const auto mixed = [&](std::size_t i, const std::string& mine, const std::string& first) {
    error->message = paths[i] + " was audited " + mine + " but " + paths[0] + " " + first +
                     ": audit every shard with the same --no-resources, --budget and --checkout";
  };
  for (std::size_t i = 1; i < heads.size(); ++i) {
    if (heads[i].measure_load != heads[0].measure_load) {
      mixed(i, resources(heads[i].measure_load), resources(heads[0].measure_load));
      return std::nullopt;
    }
    if (heads[i].budget != heads[0].budget) {
      mixed(i, budget(heads[i].budget), budget(heads[0].budget));
      return std::nullopt;
    }
    if (heads[i].checkout != heads[0].checkout) {
      mixed(i, checkout(heads[i].checkout), checkout(heads[0].checkout));
      return std::nullopt;
    }
  }
  if (heads[0].measure_load != options.measure_load || heads[0].budget != BudgetDigest(options.budgets)) {
    const bool load = heads[0].measure_load != options.measure_load;
    error->message = "the shards were audited " +
                     (load ? resources(heads[0].measure_load) : budget(heads[0].budget)) + " but this merge is run " +
                     (load ? resources(options.measure_load) : budget(BudgetDigest(options.budgets))) +
                     ": give merge the same --no-resources and --budget as the shards' audit";
    return std::nullopt;
  }
  const std::size_t n = heads[0].shards;
  std::vector<int> seen(n, -1);
  for (std::size_t i = 0; i < heads.size(); ++i) {
    if (seen[heads[i].shard] >= 0) {
      error->message = "shard " + std::to_string(heads[i].shard) + "/" + std::to_string(n) + " is given twice: " +
                       paths[static_cast<std::size_t>(seen[heads[i].shard])] + " and " + paths[i];
      return std::nullopt;
    }
    seen[heads[i].shard] = static_cast<int>(i);
  }
  std::string missing;
  for (std::size_t k = 0; k < n; ++k)
    if (seen[k] < 0) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  if (!missing.empty()) {
    error->message = "shard" + std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing + " of " +
                     std::to_string(n) + (missing.find(',') == std::string::npos ? " is" : " are") +
                     " missing: every shard 0.." + std::to_string(n - 1) + " must be merged exactly once";
    return std::nullopt;
  }
  // Credentials go to the plan's hosts only, as in the shards' audit.
  AuditOptions run = options;
  run.fetch.credentials.origins = fetch::CredentialOrigins(heads[0].plan.start_urls);
  const std::string settings = SettingsDigest(run);
  for (std::size_t i = 0; i < heads.size(); ++i)
    if (heads[i].settings != settings) {
      error->message = paths[i] + " was audited with other settings (device, timeouts, credentials, --server-time-ms or "
                       "rules) than this merge was given: give merge the same options as the "
                       "shards' audit";
      return std::nullopt;
    }

  report::AuditResult result = NewResult(run, "live");
  result.store = std::make_shared<report::JsonStore>();
  if (!result.store->ok()) {
    error->message = "no temporary file for the pages' JSON";
    return std::nullopt;
  }
  const PlanHeader& plan = heads[0].plan;
  report::SiteSection site;
  site.start_urls = plan.start_urls;
  site.settings = plan.crawl;
  site.sample_per_type = plan.sample_per_type;
  site.sampled_out = plan.sampled_out;
  site.crawl.robots = plan.robots;
  site.crawl.sitemaps = plan.sitemaps;
  site.crawl.sitemap_errors = plan.sitemap_errors;
  site.crawl.skipped_unrecorded = plan.skipped_unrecorded;
  EntrySorter sorter(entries_in_memory);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    std::ifstream in(paths[i], std::ios::binary);
    std::string line;
    std::getline(in, line);  // the header, read above
    std::size_t urls = 0, pages = 0, line_no = 1;
    bool ended = false;
    auto bad = [&](const std::string& what) {
      error->message = paths[i] + ": line " + std::to_string(line_no) + ": " + what;
      return std::nullopt;
    };
    while (std::getline(in, line)) {
      ++line_no;
      rapidjson::Document d;
      if (!Parse(line, &d)) return bad("not a JSON object");
      Reader r;
      const std::string kind = r.S(d, "kind");
      if (kind == "url") {
        fetch::CrawlEntry e = ReadEntry(r, d);
        if (r.bad) return bad("a malformed url entry");
        ++urls;
        if (!sorter.Add(std::move(e))) {
          error->message = "cannot write the URL entries to a temporary file";
          return std::nullopt;
        }
      } else if (kind == "page") {
        report::PageResult p;
        if (!ReadPageLine(d, run.catalogue.rules.size(), &p)) return bad("a malformed page entry");
        std::string json;
        ++line_no;
        rapidjson::Document pd;
        if (!std::getline(in, json) || !Parse(json, &pd)) return bad("the page's report JSON is missing or malformed");
        const auto where = result.store->Put(json);
        if (!where) {
          error->message = "cannot write the pages' JSON to a temporary file";
          return std::nullopt;
        }
        p.stored = where;
        result.pages.push_back(std::move(p));
        ++pages;
      } else if (kind == "end") {
        if (r.U(d, "urls") != urls || r.U(d, "pages") != pages) return bad("the counts do not match the entries");
        ended = true;
        break;
      } else {
        return bad("an unknown line kind \"" + kind + "\"");
      }
    }
    if (!ended) {
      error->message = paths[i] + ": the shard file is cut short (no end line)";
      return std::nullopt;
    }
  }
  // The URL entries sorted by URL, the first of each kept (as the shards were given), on disk.
  site.entry_source = sorter.Finish([&site](const fetch::CrawlEntry& e) {
    if (e.state == "fetched") ++site.crawl.fetched;
    else if (e.state == "failed") ++site.crawl.failed;
    else if (e.state == "skipped") ++site.crawl.skipped;
  });
  if (!site.entry_source) {
    error->message = "cannot sort the URL entries in temporary files";
    return std::nullopt;
  }
  std::sort(result.pages.begin(), result.pages.end(), [](const auto& a, const auto& b) {
    if (a.facts.http.final_url != b.facts.http.final_url) return a.facts.http.final_url < b.facts.http.final_url;
    return a.facts.http.requested_url < b.facts.http.requested_url;
  });
  result.crawl = std::move(site);
  if (run.checkout == "walk" || run.checkout == "inspect") WalkFromBestProduct(run, progress, &result);
  Finish(&result, run, started);
  return result;
}

}  // namespace mmaudit::pipeline
