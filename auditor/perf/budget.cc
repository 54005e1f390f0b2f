#include "perf/budget.h"

#include <algorithm>
#include <unordered_set>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "core/text.h"
#include "core/url.h"

namespace mmaudit::perf {
namespace {

constexpr const char* kResourceTypes[] = {"total", "document", "script", "stylesheet", "image",
                                          "media", "font",     "other",  "third-party"};
constexpr const char* kMetrics[] = {"first-contentful-paint", "largest-contentful-paint", "speed-index",
                                    "total-blocking-time",    "interactive",              "max-potential-fid",
                                    "cumulative-layout-shift", "first-meaningful-paint"};

template <std::size_t N>
bool OneOf(const std::string& s, const char* const (&list)[N]) {
  return std::find_if(std::begin(list), std::end(list), [&](const char* x) { return s == x; }) != std::end(list);
}

template <std::size_t N>
std::string Joined(const char* const (&list)[N]) {
  std::string out;
  for (const char* x : list) out += (out.empty() ? "" : ", ") + std::string(x);
  return out;
}

// Thrown inside ParseBudgets only, caught there.
struct Invalid {
  std::string message;
};

// Throws naming the members of `obj` not in `allowed`, if any.
void NoExcessProperties(const rapidjson::Value& obj, std::initializer_list<const char*> allowed, const std::string& where) {
  std::string extra;
  for (auto m = obj.MemberBegin(); m != obj.MemberEnd(); ++m) {
    const std::string name(m->name.GetString(), m->name.GetStringLength());
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return name == a; }))
      extra += (extra.empty() ? "" : ", ") + name;
  }
  if (!extra.empty()) throw Invalid{where + ": unrecognized properties: " + extra};
}

bool IsArrayOfObjects(const rapidjson::Value& v) {
  if (!v.IsArray()) return false;
  for (const auto& e : v.GetArray())
    if (!e.IsObject()) return false;
  return true;
}

std::string Str(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// What a JSON value is, for messages: its text for strings and numbers, else its kind.
std::string Describe(const rapidjson::Value& v) {
  if (v.IsString()) return "'" + Str(v) + "'";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsNumber()) return std::to_string(v.GetDouble());
  if (v.IsNull()) return "null";
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  return v.IsArray() ? "an array" : "an object";
}

// The entry's "budget" as a number, or throws.
double Number(const rapidjson::Value& entry, const std::string& where) {
  const auto it = entry.FindMember("budget");
  if (it == entry.MemberEnd()) throw Invalid{where + ".budget: missing"};
  if (!it->value.IsNumber()) throw Invalid{where + ".budget: not a number (" + Describe(it->value) + ")"};
  return it->value.GetDouble();
}

// The string member `key` of `entry` that must be one of `list`, or throws.
template <std::size_t N>
std::string Named(const rapidjson::Value& entry, const char* key, const char* what, const char* const (&list)[N],
                  const std::string& where) {
  const auto it = entry.FindMember(key);
  const std::string at = where + "." + key;
  if (it == entry.MemberEnd()) throw Invalid{at + ": missing"};
  if (!it->value.IsString() || !OneOf(Str(it->value), list))
    throw Invalid{at + ": unknown " + what + " " + Describe(it->value) + " (valid: " + Joined(list) + ")"};
  return Str(it->value);
}

// The entries of the array `key` of budget `where` ({<name_key>: one of `list`, budget: number}) as
// (name, budget) pairs, with no name twice; none when `key` is absent; throws when invalid.
template <std::size_t N>
std::vector<std::pair<std::string, double>> Entries(const rapidjson::Value& budget, const char* key, const char* name_key,
                                                    const char* what, const char* const (&list)[N], const std::string& where) {
  std::vector<std::pair<std::string, double>> out;
  const auto it = budget.FindMember(key);
  if (it == budget.MemberEnd()) return out;
  const std::string at = where + "." + key;
  if (!IsArrayOfObjects(it->value)) throw Invalid{at + ": not an array of {" + name_key + ", budget} objects"};
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
    const rapidjson::Value& e = it->value[i];
    const std::string ei = at + "[" + std::to_string(i) + "]";
    NoExcessProperties(e, {name_key, "budget"}, ei);
    std::string name = Named(e, name_key, what, list, ei);
    for (const auto& [seen, _] : out)
      if (seen == name) throw Invalid{at + ": duplicate " + what + " '" + name + "'"};
    out.emplace_back(std::move(name), Number(e, ei));
  }
  return out;
}

std::vector<ResourceBudget> ResourceBudgets(const rapidjson::Value& budget, const char* key, const std::string& where) {
  std::vector<ResourceBudget> out;
  for (auto& [type, value] : Entries(budget, key, "resourceType", "resource type", kResourceTypes, where))
    out.push_back({std::move(type), value});
  return out;
}

std::vector<TimingBudget> TimingBudgets(const rapidjson::Value& budget, const std::string& where) {
  std::vector<TimingBudget> out;
  for (auto& [metric, value] : Entries(budget, "timings", "metric", "timing metric", kMetrics, where))
    out.push_back({std::move(metric), value});
  return out;
}

std::string Path(const rapidjson::Value& budget, const std::string& where) {
  const auto it = budget.FindMember("path");
  if (it == budget.MemberEnd() || it->value.IsNull()) return "/";
  const std::string at = where + ".path";
  if (!it->value.IsString()) throw Invalid{at + ": not a string (" + Describe(it->value) + ")"};
  const std::string p = Str(it->value);
  const auto stars = std::count(p.begin(), p.end(), '*'), dollars = std::count(p.begin(), p.end(), '$');
  if (!text::StartsWith(p, "/") || stars > 1 || dollars > 1 || (dollars == 1 && p.back() != '$'))
    throw Invalid{at + ": invalid path '" + p +
                  "' (robots.txt format: starts with '/', at most one '*', '$' only at the end)"};
  return p;
}

// A hostname, optionally with a leading "*.": no scheme, port, path or whitespace.
bool ValidHostname(const std::string& h) {
  const std::string rest = text::StartsWith(h, "*.") ? h.substr(2) : h;
  return !rest.empty() && rest.find_first_of("/:?#@*[] \t\r\n") == std::string::npos && rest.front() != '.' &&
         rest.back() != '.';
}

std::vector<std::string> FirstPartyHostnames(const rapidjson::Value& budget, const std::string& where) {
  std::vector<std::string> out;
  const auto it = budget.FindMember("options");
  if (it == budget.MemberEnd()) return out;
  const std::string at = where + ".options";
  if (!it->value.IsObject()) throw Invalid{at + ": not an object"};
  NoExcessProperties(it->value, {"firstPartyHostnames"}, at);
  const auto hosts = it->value.FindMember("firstPartyHostnames");
  if (hosts == it->value.MemberEnd()) return out;
  if (!hosts->value.IsArray()) throw Invalid{at + ".firstPartyHostnames: not an array of strings"};
  for (const auto& h : hosts->value.GetArray()) {
    if (!h.IsString()) throw Invalid{at + ".firstPartyHostnames: not an array of strings"};
    const std::string host = text::AsciiLower(Str(h));
    if (!ValidHostname(host))
      throw Invalid{at + ".firstPartyHostnames: '" + Str(h) + "' is not a hostname (no scheme, port or path; '*.' only in front)"};
    out.push_back(host);
  }
  return out;
}

bool HostMatches(const std::string& host, const std::string& pattern) {
  if (!text::StartsWith(pattern, "*.")) return host == pattern;
  const std::string base = pattern.substr(2);
  return host == base || text::EndsWith(host, "." + base);
}

// Whether `r` belongs to the budget bucket `type` (a resource type, "total" or "third-party").
bool InBucket(const facts::ResourceRecord& r, const std::string& type, const std::vector<std::string>& hosts) {
  if (type == "total") return true;
  if (type == "third-party") {
    if (hosts.empty()) return r.third_party;
    const auto parts = url::Parse(r.url);
    return parts && std::none_of(hosts.begin(), hosts.end(), [&](const std::string& h) { return HostMatches(parts->host, h); });
  }
  return type == facts::ResourceTypeName(r.type);
}

// The third-party bucket when `hosts` decide what is first party: non-deferred records, once per URL.
facts::WeightBucket ThirdPartyByHosts(const std::vector<facts::ResourceRecord>& records, const std::vector<std::string>& hosts) {
  facts::WeightBucket b;
  std::unordered_set<std::string> seen;
  for (const auto& r : records) {
    if (r.deferred || !InBucket(r, "third-party", hosts) || !seen.insert(r.url).second) continue;
    ++b.count;
    b.transfer_bytes += r.transfer_bytes;
    b.decoded_bytes += r.decoded_bytes;
  }
  return b;
}

// The largest non-deferred resource of the bucket `type`, as "URL (N KiB)"; "" when none.
std::string Largest(const std::vector<facts::ResourceRecord>& records, const std::string& type, const std::vector<std::string>& hosts) {
  const facts::ResourceRecord* best = nullptr;
  for (const auto& r : records)
    if (!r.deferred && InBucket(r, type, hosts) && (!best || r.transfer_bytes > best->transfer_bytes)) best = &r;
  if (!best || best->transfer_bytes == 0) return {};
  return "largest: " + best->url + " (" + std::to_string((best->transfer_bytes + 512) / 1024) + " KiB)";
}

const facts::MetricEstimate* Estimate(const facts::PagePerformance& m, const std::string& metric) {
  if (metric == "first-contentful-paint") return &m.fcp;
  if (metric == "largest-contentful-paint") return &m.lcp;
  if (metric == "speed-index") return &m.speed_index;
  if (metric == "total-blocking-time") return &m.tbt;
  return nullptr;
}

}  // namespace

std::optional<Budgets> ParseBudgets(std::string_view json, std::string* error) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  auto fail = [&](const std::string& message) -> std::optional<Budgets> {
    if (error) *error = message;
    return std::nullopt;
  };
  if (d.HasParseError())
    return fail(std::string("budget file is not valid JSON: ") + rapidjson::GetParseError_En(d.GetParseError()) +
                " at offset " + std::to_string(d.GetErrorOffset()));
  if (!IsArrayOfObjects(d)) return fail("budget file is not an array of budgets");
  Budgets out;
  try {
    for (rapidjson::SizeType i = 0; i < d.Size(); ++i) {
      const rapidjson::Value& b = d[i];
      const std::string where = "budgets[" + std::to_string(i) + "]";
      NoExcessProperties(b, {"path", "options", "resourceSizes", "resourceCounts", "timings"}, where);
      Budget budget;
      budget.path = Path(b, where);
      budget.first_party_hostnames = FirstPartyHostnames(b, where);
      budget.resource_sizes = ResourceBudgets(b, "resourceSizes", where);
      budget.resource_counts = ResourceBudgets(b, "resourceCounts", where);
      budget.timings = TimingBudgets(b, where);
      out.push_back(std::move(budget));
    }
  } catch (const Invalid& e) {
    return fail(e.message);
  }
  return out;
}

bool UrlMatchesBudgetPath(const std::string& u, const std::string& pattern) {
  const auto parts = url::Parse(u);
  if (!parts) return false;
  const std::string path = parts->path + (parts->query.empty() ? "" : "?" + parts->query);
  const auto star = pattern.find('*');
  const bool anchored = !pattern.empty() && pattern.back() == '$';
  if (star == std::string::npos)
    return anchored ? path == pattern.substr(0, pattern.size() - 1) : text::StartsWith(path, pattern);
  const std::string before = pattern.substr(0, star);
  std::string after = pattern.substr(star + 1);
  if (!text::StartsWith(path, before)) return false;
  if (anchored) {
    after.pop_back();
    return text::EndsWith(path, after);
  }
  return path.find(after, before.size()) != std::string::npos;
}

const Budget* MatchingBudget(const Budgets& budgets, const std::string& url) {
  for (auto it = budgets.rbegin(); it != budgets.rend(); ++it)
    if (UrlMatchesBudgetPath(url, it->path)) return &*it;
  return nullptr;
}

std::vector<facts::BudgetResult> CheckBudgets(const Budgets& budgets, const std::string& url,
                                              const facts::WeightSummary& summary,
                                              const std::vector<facts::ResourceRecord>& records,
                                              const facts::PagePerformance& metrics) {
  std::vector<facts::BudgetResult> out;
  const Budget* b = MatchingBudget(budgets, url);
  if (!b) return out;
  const facts::WeightBucket third_party =
      b->first_party_hostnames.empty() ? summary.third_party : ThirdPartyByHosts(records, b->first_party_hostnames);
  auto bucket = [&](const std::string& type) -> facts::WeightBucket {
    if (type == "total") return summary.total;
    if (type == "third-party") return third_party;
    for (const auto& [name, bk] : summary.by_type)
      if (name == type) return bk;
    return {};
  };
  auto line = [&](const char* kind, const std::string& name, double budget, double actual, const char* unit) {
    facts::BudgetResult r;
    r.path = b->path;
    r.kind = kind;
    r.name = name;
    r.budget = budget;
    r.actual = actual;
    r.unit = unit;
    r.over = actual > budget;
    return r;
  };
  for (const ResourceBudget& rb : b->resource_sizes) {
    facts::BudgetResult r = line("resourceSizes", rb.resource_type, rb.budget,
                                 static_cast<double>(bucket(rb.resource_type).transfer_bytes) / 1024, "KiB");
    if (r.over) r.note = Largest(records, rb.resource_type, b->first_party_hostnames);
    out.push_back(std::move(r));
  }
  for (const ResourceBudget& rb : b->resource_counts) {
    out.push_back(line("resourceCounts", rb.resource_type, rb.budget,
                       static_cast<double>(bucket(rb.resource_type).count), "requests"));
  }
  for (const TimingBudget& tb : b->timings) {
    facts::BudgetResult r = line("timings", tb.metric, tb.budget, 0, tb.metric == "cumulative-layout-shift" ? "" : "ms");
    r.over = false;
    const facts::MetricEstimate* e = Estimate(metrics, tb.metric);
    if (!e) {
      r.note = "not supported: mmaudit does not estimate " + tb.metric + " (it needs a browser)";
    } else if (!e->available) {
      r.note = "not estimated for this page";
    } else {
      r.actual = e->value_ms;
      r.over = r.actual > r.budget;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace mmaudit::perf
