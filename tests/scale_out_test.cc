// Plan, shard, merge (pipeline/plan.h) over real loopback HTTP against the crawl fixture shop
// (fixtures/shops/crawl): one plan, four shards merged give the same report JSON as one run over the
// same plan, but for timings; in-process and as four mmaudit processes running at once. The merge
// refuses a missing shard, a duplicate and a shard of another plan.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "pipeline/plan.h"
#include "tests/support/crawl_shop.h"
#include "tests/support/fixture_server.h"
#include "tests/support/report_json.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

using testing::WithoutTimings;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ScaleOut : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new testing::FixtureServer(testing::SourcePath("fixtures/shops/crawl/site"));
    std::string error;
    ASSERT_TRUE(server->Start(&error)) << error;
    dir = new std::string(testing::TempDir());
    plan = new std::string(*dir + "/plan.json");
    std::ofstream out(*plan, std::ios::binary);
    NullProgress progress;
    *header = pipeline::WritePlan({server->Url("/")}, Options(), 4, out, progress);
  }
  static void TearDownTestSuite() {
    delete server;
    delete dir;
    delete plan;
  }
  // The crawl shop's options with a fixed server time, so the load figures depend on bytes only.
  static pipeline::AuditOptions Options() {
    pipeline::AuditOptions o = testing::CrawlShopOptions();
    o.server_time_ms = 100;
    o.store_pages = true;
    return o;
  }
  // Audits shard k of n of `plan_path` into a shard file; returns its path.
  static std::string Shard(std::size_t k, std::size_t n, const std::string& plan_path = *plan,
                           const pipeline::AuditOptions& options = Options()) {
    const std::string path = *dir + "/shard-" + std::to_string(k) + "-of-" + std::to_string(n) + "-" +
                             std::to_string(++files) + ".json";
    std::ofstream out(path, std::ios::binary);
    NullProgress progress;
    std::string error;
    EXPECT_TRUE(pipeline::AuditPlanShard(plan_path, k, n, options, out, progress, &error)) << error;
    return path;
  }
  static std::optional<report::AuditResult> Merge(const std::vector<std::string>& paths, pipeline::MergeError* error,
                                                  const pipeline::AuditOptions& options = Options()) {
    NullProgress progress;
    return pipeline::MergeShards(paths, options, progress, error);
  }

  static testing::FixtureServer* server;
  static std::string* dir;
  static std::string* plan;
  static pipeline::PlanHeader* header;
  static int files;
};
testing::FixtureServer* ScaleOut::server = nullptr;
std::string* ScaleOut::dir = nullptr;
std::string* ScaleOut::plan = nullptr;
pipeline::PlanHeader* ScaleOut::header = new pipeline::PlanHeader();
int ScaleOut::files = 0;

TEST_F(ScaleOut, FourShardsMergedGiveTheSameJsonAsOneRunOverThePlanButForTimings) {
  pipeline::MergeError error;
  const auto single = Merge({Shard(0, 1)}, &error);
  ASSERT_TRUE(single) << error.message;
  std::vector<std::string> shards;
  for (std::size_t k = 0; k < 4; ++k) shards.push_back(Shard(k, 4));
  const auto merged = Merge({shards[2], shards[0], shards[3], shards[1]}, &error);  // in any order
  ASSERT_TRUE(merged) << error.message;
  const std::string one = report::ToJson(*single);
  testing::ExpectSameReport(WithoutTimings(one), WithoutTimings(report::ToJson(*merged)));
  // Not an empty equality: the site was judged, its pages audited and its load measured.
  EXPECT_EQ(single->pages.size(), header->to_audit);
  EXPECT_GT(single->pages.size(), 20u);
  EXPECT_TRUE(single->site.scores.overall.has_value());
  EXPECT_FALSE(single->site_findings.empty());
  EXPECT_NE(one.find("\"largest-contentful-paint\""), std::string::npos);
  EXPECT_NE(one.find("\"server_time_ms\": 100"), std::string::npos);
}

TEST_F(ScaleOut, EveryPlannedUrlIsAuditedInExactlyOneShard) {
  std::map<std::string, int> audited;
  std::vector<std::size_t> per_shard;
  for (std::size_t k = 0; k < 4; ++k) {
    std::ifstream in(Shard(k, 4));
    std::size_t pages = 0;
    for (std::string line; std::getline(in, line);) {
      rapidjson::Document d;
      d.Parse(line.c_str());
      if (d.HasParseError() || !d.IsObject() || !d.HasMember("kind") || std::string(d["kind"].GetString()) != "page")
        continue;
      const std::string url = d["requested_url"].GetString();
      EXPECT_EQ(pipeline::ShardOf(url, 4), k) << url;
      ++audited[url];
      ++pages;
    }
    per_shard.push_back(pages);
  }
  std::size_t to_audit = 0;
  std::ifstream in(*plan);
  pipeline::PlanHeader h;
  std::string error;
  ASSERT_TRUE(pipeline::ReadPlan(in, &h, [&](pipeline::PlanEntry&& e) {
    if (!e.audit) return;
    ++to_audit;
    EXPECT_EQ(audited[e.crawl.url], 1) << e.crawl.url;
  }, &error)) << error;
  EXPECT_EQ(to_audit, header->to_audit);
  for (std::size_t n : per_shard) EXPECT_GT(n, 0u) << "every shard has work on a 40-page shop";
}

TEST_F(ScaleOut, ThePlanListsTheFrontierWithTypesAndSkipReasonsAndMatchesItsSchema) {
  const std::string text = Slurp(*plan);
  rapidjson::Document d;
  d.Parse(text.c_str());
  ASSERT_FALSE(d.HasParseError()) << "the plan is one JSON object";
  rapidjson::Document schema_json;
  schema_json.Parse(testing::ReadFixture("reports/schema/plan.schema.json").c_str());
  ASSERT_FALSE(schema_json.HasParseError());
  rapidjson::SchemaDocument schema(schema_json);
  rapidjson::SchemaValidator validator(schema);
  if (!d.Accept(validator)) {
    rapidjson::StringBuffer where;
    validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
    FAIL() << "the plan breaks its schema at " << where.GetString() << " (" << validator.GetInvalidSchemaKeyword() << ")";
  }
  std::map<std::string, const rapidjson::Value*> by_url;
  for (const auto& e : d["frontier"].GetArray()) by_url[e["url"].GetString()] = &e;
  const auto& home = *by_url.at(server->Url("/"));
  EXPECT_STREQ(home["page_type"].GetString(), "home");
  EXPECT_STREQ(home["via"].GetString(), "seed");
  EXPECT_TRUE(home["audit"].GetBool());
  const auto& secret = *by_url.at(server->Url("/private/secret-launch"));
  EXPECT_STREQ(secret["state"].GetString(), "skipped");
  EXPECT_NE(std::string(secret["reason"].GetString()).find("robots.txt"), std::string::npos);
  EXPECT_FALSE(secret["audit"].GetBool());
  EXPECT_EQ(d["robots"].Size(), 1u);
  // One entry a line after the header line: what lets a shard stream it.
  std::istringstream lines(text);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(first.substr(first.size() - 12), "\"frontier\":[");
  EXPECT_EQ(second.rfind("{\"url\":", 0), 0u);
  for (const auto& req : server->Requests()) EXPECT_NE(req.path.rfind("/private/secret", 0), 0u);
}

TEST_F(ScaleOut, PlanningFetchesPagesButAuditsNone) {
  // A plan fetches no subresource (no stylesheet, image or font): it reads pages for links only.
  testing::FixtureServer own(testing::SourcePath("fixtures/shops/crawl/site"));
  std::string error;
  ASSERT_TRUE(own.Start(&error)) << error;
  std::ostringstream out;
  NullProgress progress;
  pipeline::WritePlan({own.Url("/")}, Options(), 2, out, progress);
  for (const auto& req : own.Requests()) {
    const std::string& p = req.path;
    EXPECT_FALSE(p.size() > 4 && (p.substr(p.size() - 4) == ".css" || p.substr(p.size() - 4) == ".png" ||
                                  p.substr(p.size() - 4) == ".jpg" || p.substr(p.size() - 5) == ".woff2"))
        << "planning fetched a subresource " << p;
  }
  EXPECT_EQ(out.str().find("\"findings\""), std::string::npos);
}

TEST_F(ScaleOut, ASampledPlanKeepsAtMostNPagesPerTypeSpreadOverTheShards) {
  pipeline::AuditOptions o = Options();
  o.sample_per_type = 2;
  std::ostringstream out;
  NullProgress progress;
  const pipeline::PlanHeader h = pipeline::WritePlan({server->Url("/")}, o, 2, out, progress);
  std::istringstream in(out.str());
  pipeline::PlanHeader read;
  std::string error;
  std::map<std::string, std::size_t> kept;
  std::map<std::string, std::set<std::size_t>> shards_of, could_be;
  std::size_t left_out = 0;
  ASSERT_TRUE(pipeline::ReadPlan(in, &read, [&](pipeline::PlanEntry&& e) {
    if (e.crawl.state != "fetched") return;
    could_be[e.crawl.page_type].insert(pipeline::ShardOf(e.crawl.url, 2));
    if (!e.audit) {
      ++left_out;
      return;
    }
    ++kept[e.crawl.page_type];
    shards_of[e.crawl.page_type].insert(pipeline::ShardOf(e.crawl.url, 2));
  }, &error)) << error;
  EXPECT_EQ(read.sample_per_type, 2u);
  EXPECT_GT(h.sampled_out, 0u);
  EXPECT_EQ(left_out, h.sampled_out);
  EXPECT_GE(kept.size(), 3u) << "several page types";
  for (const auto& [type, n] : kept) {
    EXPECT_LE(n, 2u) << type;
    EXPECT_EQ(shards_of[type], could_be[type]) << "page type " << type << " is in every shard that has one";
  }
}

TEST_F(ScaleOut, MergeRefusesAMissingShardADuplicateAndAShardOfAnotherPlan) {
  std::vector<std::string> s;
  for (std::size_t k = 0; k < 4; ++k) s.push_back(Shard(k, 4));
  pipeline::MergeError error;
  EXPECT_FALSE(Merge({s[0], s[1], s[3]}, &error));
  EXPECT_NE(error.message.find("shard 2 of 4 is missing"), std::string::npos) << error.message;
  EXPECT_FALSE(Merge({s[0], s[1], s[2], s[3], s[1]}, &error));
  EXPECT_NE(error.message.find("shard 1/4 is given twice"), std::string::npos) << error.message;

  // Another plan: the same site planned with fewer pages.
  pipeline::AuditOptions small = Options();
  small.crawl.max_pages = 10;
  const std::string other = *dir + "/other-plan.json";
  {
    std::ofstream out(other, std::ios::binary);
    NullProgress progress;
    pipeline::WritePlan({server->Url("/")}, small, 4, out, progress);
  }
  EXPECT_FALSE(Merge({s[0], s[1], Shard(2, 4, other), s[3]}, &error));
  EXPECT_NE(error.message.find("comes from another plan"), std::string::npos) << error.message;

  pipeline::AuditOptions different = Options();
  different.server_time_ms = 300;
  EXPECT_FALSE(Merge(s, &error, different));
  EXPECT_NE(error.message.find("other settings"), std::string::npos) << error.message;

  // A shard file cut short.
  const std::string cut = *dir + "/cut.json";
  const std::string whole = Slurp(s[2]);
  std::ofstream(cut, std::ios::binary) << whole.substr(0, whole.size() / 2);
  EXPECT_FALSE(Merge({s[0], s[1], cut, s[3]}, &error));
  EXPECT_FALSE(error.message.empty());
  EXPECT_TRUE(Merge(s, &error)) << error.message;
}

TEST_F(ScaleOut, CredentialsGoToThePlansHostsInTheShardsAndTheMergeAndNeverIntoAFile) {
  pipeline::AuditOptions o = Options();
  o.fetch.credentials.headers.push_back({"X-Staging", "s3cr3t-value"});
  std::vector<std::string> s;
  for (std::size_t k = 0; k < 2; ++k) s.push_back(Shard(k, 2, *plan, o));
  for (const auto& path : s) EXPECT_EQ(Slurp(path).find("s3cr3t-value"), std::string::npos) << path;
  pipeline::MergeError error;
  const auto merged = Merge(s, &error, o);
  ASSERT_TRUE(merged) << error.message;
  const std::string json = report::ToJson(*merged);
  EXPECT_EQ(json.find("s3cr3t-value"), std::string::npos);
  ASSERT_TRUE(merged->settings.credentials.has_value());
  const std::string origin = server->Url("/").substr(0, server->Url("/").size() - 1);
  EXPECT_EQ(merged->settings.credentials->origins, std::vector<std::string>{origin});
  EXPECT_FALSE(Merge(s, &error)) << "shards audited with a header are not merged as if without";
}

TEST_F(ScaleOut, ReadingAPlanForOneShardGivesThatShardsEntriesAndChecksTheWholeFile) {
  std::vector<std::string> all;
  std::string error;
  pipeline::PlanHeader h;
  std::ifstream in(*plan);
  ASSERT_TRUE(pipeline::ReadPlan(in, &h, [&](pipeline::PlanEntry&& e) { all.push_back(e.crawl.url); }, &error)) << error;
  std::size_t total = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    std::vector<std::string> mine, expected;
    std::ifstream again(*plan);
    ASSERT_TRUE(pipeline::ReadPlan(again, &h, [&](pipeline::PlanEntry&& e) { mine.push_back(e.crawl.url); }, &error,
                                   [&](const std::string& url) { return pipeline::ShardOf(url, 4) == k; }))
        << error;
    for (const auto& u : all)
      if (pipeline::ShardOf(u, 4) == k) expected.push_back(u);
    EXPECT_EQ(mine, expected);
    total += mine.size();
  }
  EXPECT_EQ(total, all.size());
  // A plan cut short is refused by every shard, whichever URLs it lost.
  const std::string text = Slurp(*plan);
  std::istringstream cut(text.substr(0, text.rfind('\n', text.size() - 300) + 1));  // at a line's end
  EXPECT_FALSE(pipeline::ReadPlan(cut, &h, [](pipeline::PlanEntry&&) {}, &error, [](const std::string&) { return false; }));
  EXPECT_NE(error.find("cut short"), std::string::npos) << error;
  std::istringstream torn(text.substr(0, text.size() - 300));  // inside a line
  EXPECT_FALSE(pipeline::ReadPlan(torn, &h, [](pipeline::PlanEntry&&) {}, &error, [](const std::string&) { return false; }));
}

TEST_F(ScaleOut, ShardSpecIsZeroBasedKOverN) {
  std::size_t k = 9, n = 9;
  std::string error;
  EXPECT_TRUE(pipeline::ParseShardSpec("0/4", &k, &n, &error));
  EXPECT_EQ(k, 0u);
  EXPECT_EQ(n, 4u);
  EXPECT_TRUE(pipeline::ParseShardSpec("3/4", &k, &n, &error));
  for (const char* bad : {"4/4", "1/0", "-1/4", "a/4", "2", "/4", "1/", "1/4/5", " 1/4"})
    EXPECT_FALSE(pipeline::ParseShardSpec(bad, &k, &n, &error)) << bad;
  // FNV-1a 64's published test vectors: "" and "a".
  EXPECT_EQ(pipeline::Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(pipeline::Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(pipeline::ShardOf("a", 4), 0xaf63dc4c8601ec8cull % 4);
}

// A plan that lists many more URLs than it audits (a catalogue sampled per type): the merge keeps at
// most a handful of URL entries in memory, sorted in temporary files (more runs than one merge pass
// takes), and still gives the JSON of one run; the entries are read from disk each time it is written.
TEST_F(ScaleOut, AMergeHoldingFewUrlEntriesGivesTheJsonOfOneRunForAPlanOfManyMoreUrlsThanPages) {
  pipeline::PlanHeader h;
  std::vector<pipeline::PlanEntry> entries;
  std::string error;
  {
    std::ifstream in(*plan, std::ios::binary);
    ASSERT_TRUE(pipeline::ReadPlan(in, &h, [&](pipeline::PlanEntry&& e) { entries.push_back(std::move(e)); }, &error)) << error;
  }
  // 3000 URLs not to audit, written before the crawled ones and not in URL order (item-10 < item-2).
  std::vector<pipeline::PlanEntry> extra;
  for (int i = 0; i < 3000; ++i) {
    pipeline::PlanEntry e;
    e.crawl.url = server->Url("/catalogue/item-" + std::to_string(i));
    e.crawl.page_type = "product";
    e.crawl.depth = 2;
    e.crawl.via = "sitemap";
    e.crawl.parent = server->Url("/sitemap.xml");
    e.crawl.state = "skipped";
    e.crawl.reason = "max-pages";
    extra.push_back(std::move(e));
  }
  entries.insert(entries.begin(), extra.begin(), extra.end());
  h.urls = entries.size();
  const std::string big = *dir + "/big-plan.json";
  {
    std::ofstream out(big, std::ios::binary);
    std::size_t next = 0;
    pipeline::WritePlanLines(h, [&](pipeline::PlanEntry* e) {
      if (next == entries.size()) return false;
      *e = entries[next++];
      return true;
    }, out);
  }
  pipeline::MergeError merge_error;
  const auto single = Merge({Shard(0, 1, big)}, &merge_error);
  ASSERT_TRUE(single) << merge_error.message;
  std::vector<std::string> shards;
  for (std::size_t k = 0; k < 4; ++k) shards.push_back(Shard(k, 4, big));
  NullProgress progress;
  // 40 entries in memory: about 80 sorted runs, more than the 64 one pass merges.
  const auto merged = pipeline::MergeShards({shards[3], shards[1], shards[0], shards[2]}, Options(), progress,
                                            &merge_error, 40);
  ASSERT_TRUE(merged) << merge_error.message;
  ASSERT_TRUE(merged->crawl);
  EXPECT_TRUE(merged->crawl->crawl.entries.empty());  // none held in memory
  ASSERT_TRUE(merged->crawl->entry_source);
  const std::string one = report::ToJson(*single);
  testing::ExpectSameReport(WithoutTimings(one), WithoutTimings(report::ToJson(*merged)));
  testing::ExpectSameReport(WithoutTimings(one), WithoutTimings(report::ToJson(*merged)));  // written twice
  EXPECT_EQ(single->pages.size(), header->to_audit);

  // site.urls: every URL of the plan once, in URL order, with the counts of their states.
  rapidjson::Document d;
  d.Parse(one.c_str(), one.size());
  ASSERT_FALSE(d.HasParseError());
  const auto& urls = d["site"]["urls"];
  std::set<std::string> listed;
  std::string previous;
  std::size_t fetched = 0;
  for (const auto& u : urls.GetArray()) {
    const std::string url = u["url"].GetString();
    EXPECT_LT(previous, url);
    previous = url;
    listed.insert(url);
    fetched += std::string(u["state"].GetString()) == "fetched";
  }
  for (const auto& e : entries) EXPECT_EQ(listed.count(e.crawl.url), 1u) << e.crawl.url;
  EXPECT_GE(listed.size(), entries.size());
  EXPECT_EQ(d["site"]["counts"]["fetched"].GetUint64(), fetched);
  EXPECT_GE(d["site"]["counts"]["skipped"].GetUint64(), 3000u);
}

// The merge reads shard files it did not write: a malformed, cut or inconsistent line is refused
// with the file, the line and what is wrong with it, and nothing crashes.
TEST_F(ScaleOut, MergeRefusesAMalformedOrCutShardLineSayingWhichFileAndLine) {
  std::vector<std::string> s;
  for (std::size_t k = 0; k < 4; ++k) s.push_back(Shard(k, 4));
  std::vector<std::string> lines;
  {
    std::istringstream in(Slurp(s[1]));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  std::size_t first_url = 0, first_page = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (!first_url && lines[i].find("\"kind\":\"url\"") != std::string::npos) first_url = i;
    if (!first_page && lines[i].find("\"kind\":\"page\"") != std::string::npos) first_page = i;
  }
  ASSERT_GT(first_url, 0u);
  ASSERT_GT(first_page, 0u);
  auto with = [&](std::size_t at, const std::string& replacement, bool drop = false) {
    std::vector<std::string> v = lines;
    if (drop) v.erase(v.begin() + static_cast<std::ptrdiff_t>(at));
    else v[at] = replacement;
    std::string text;
    for (const auto& l : v) text += l + "\n";
    return text;
  };
  const std::string url_line = lines[first_url];
  std::string bad_depth = url_line;
  bad_depth.replace(bad_depth.find("\"depth\":"), 8, "\"depth\":\"two\",\"x\":");
  std::string bad_outcome = lines[first_page];
  ASSERT_NE(bad_outcome.find("\"rules\":[["), std::string::npos);
  bad_outcome.replace(bad_outcome.find("\"rules\":[["), 10, "\"rules\":[[65000,");
  std::string end_line = lines.back();
  end_line.replace(end_line.find("\"urls\":"), 7, "\"urls\":1");
  const std::string url_no = std::to_string(first_url + 1), page_no = std::to_string(first_page + 1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with(first_url, url_line.substr(0, url_line.size() / 2)), "line " + url_no + ": not a JSON object"},
      {with(first_url, bad_depth), "line " + url_no + ": a malformed url entry"},
      {with(first_url, std::string("\0\xff\xfe garbage", 12)), "line " + url_no + ": not a JSON object"},
      {with(first_url, R"({"kind":"mystery"})"), "line " + url_no + ": an unknown line kind \"mystery\""},
      {with(first_page, bad_outcome), "line " + page_no + ": a malformed page entry"},
      {with(first_page + 1, "{"), "the page's report JSON is missing or malformed"},
      {with(lines.size() - 1, end_line), "the counts do not match the entries"},
      {with(lines.size() - 1, "", /*drop=*/true), "the shard file is cut short (no end line)"},
      {lines[0] + "\n", "the shard file is cut short (no end line)"},
      {"", "cannot read the shard file"},
      {"{\"kind\":\"header\",\"format\":\"mmaudit-shard\",\"version\":2}\n", "the shard file's header is malformed"},
      {"{\"kind\":\"header\",\"format\":\"mmaudit-shard\",\"version\":1}\n", "shard file version 1 is not the version this mmaudit reads (2)"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string path = *dir + "/broken-" + std::to_string(i) + ".json";
    std::ofstream(path, std::ios::binary) << cases[i].first;
    pipeline::MergeError error;
    EXPECT_FALSE(Merge({s[0], path, s[2], s[3]}, &error)) << i;
    EXPECT_NE(error.message.find(path), std::string::npos) << i << ": " << error.message;
    EXPECT_NE(error.message.find(cases[i].second), std::string::npos) << i << ": " << error.message;
  }
  pipeline::MergeError error;
  EXPECT_TRUE(Merge(s, &error)) << error.message;
}

// --no-resources, --budget and --checkout are not in the settings digest: the shards record them,
// and the merge refuses shards that differ in them (and a merge given other --no-resources or
// --budget than its shards), in words and with exit code 2.
TEST_F(ScaleOut, MergeRefusesShardsMixedOnNoResourcesBudgetOrCheckout) {
  std::vector<std::string> s;
  for (std::size_t k = 0; k < 4; ++k) s.push_back(Shard(k, 4));
  pipeline::AuditOptions no_resources = Options();
  no_resources.measure_load = false;
  pipeline::AuditOptions budget = Options();
  std::string error;
  budget.budgets = perf::ParseBudgets(R"([{"path": "/*", "resourceSizes": [{"resourceType": "total", "budget": 300}]}])", &error);
  ASSERT_TRUE(budget.budgets) << error;
  pipeline::AuditOptions checkout = Options();
  checkout.checkout = "inspect";  // the shards' default here is off
  const std::vector<std::pair<pipeline::AuditOptions, std::string>> cases = {
      {no_resources, "was audited with --no-resources but " + s[0] + " without --no-resources"},
      {budget, "was audited with the --budget fnv1a64:"},
      {checkout, "was audited with --checkout inspect but " + s[0] + " with --checkout off"},
  };
  for (const auto& [options, message] : cases) {
    const std::string odd = Shard(2, 4, *plan, options);
    pipeline::MergeError merge_error;
    EXPECT_FALSE(Merge({s[0], s[1], odd, s[3]}, &merge_error));
    EXPECT_NE(merge_error.message.find(odd + " " + message), std::string::npos) << merge_error.message;
    EXPECT_NE(merge_error.message.find("audit every shard with the same --no-resources, --budget and --checkout"),
              std::string::npos) << merge_error.message;
  }
  pipeline::MergeError merge_error;
  EXPECT_FALSE(Merge(s, &merge_error, no_resources));
  EXPECT_NE(merge_error.message.find("the shards were audited without --no-resources but this merge is run with "
                                     "--no-resources"),
            std::string::npos) << merge_error.message;
  EXPECT_FALSE(Merge(s, &merge_error, budget));
  EXPECT_NE(merge_error.message.find("the shards were audited without --budget but this merge is run with the --budget"),
            std::string::npos) << merge_error.message;
  EXPECT_TRUE(Merge(s, &merge_error)) << merge_error.message;

  // On the command line: exit 2 and the reason.
  std::ostringstream out, err;
  const int code = cli::Run({"merge", s[0], s[1], Shard(2, 4, *plan, no_resources), s[3], "--out-dir",
                             testing::TempDir(), "--server-time-ms", "100", "--quiet"},
                            out, err);
  EXPECT_EQ(code, 2) << err.str();
  EXPECT_NE(err.str().find("was audited with --no-resources but"), std::string::npos) << err.str();
}

// The lines of `text` that contain `marker`.
std::vector<std::string> LinesWith(const std::string& text, const std::string& marker) {
  std::vector<std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.find(marker) != std::string::npos) out.push_back(line);
  return out;
}

// plan takes audit's options but audits nothing and writes no report: each report or audit option
// given is named in a warning line on stderr, and the plan is still made.
TEST_F(ScaleOut, PlanWarnsOfEachOptionItIgnoresOneLineEachAndStillWritesThePlan) {
  const std::string out_dir = testing::TempDir();
  std::ostringstream out, err;
  const int code = cli::Run({"plan", server->Url("/"), "--shards", "2", "--out", out_dir + "/plan.json", "--format",
                             "json,html", "--fail-under", "80", "--checkout", "off", "--server-time-ms", "100", "--quiet"},
                            out, err);
  EXPECT_EQ(code, 0) << err.str();
  EXPECT_TRUE(std::filesystem::exists(out_dir + "/plan.json"));
  const std::vector<std::string> warnings = LinesWith(err.str(), "warning: plan ignores");
  ASSERT_EQ(warnings.size(), 4u) << err.str();
  EXPECT_NE(warnings[0].find("--format: it writes no report (give it to merge)"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("--fail-under"), std::string::npos) << warnings[1];
  EXPECT_NE(warnings[2].find("--checkout: it audits no page"), std::string::npos) << warnings[2];
  EXPECT_NE(warnings[3].find("--server-time-ms"), std::string::npos) << warnings[3];

  // Crawl options are the plan's own: no warning.
  std::ostringstream out2, err2;
  EXPECT_EQ(cli::Run({"plan", server->Url("/"), "--shards", "2", "--out", out_dir + "/plan2.json", "--max-pages", "50",
                      "--quiet"},
                     out2, err2),
            0)
      << err2.str();
  EXPECT_EQ(err2.str().find("warning"), std::string::npos) << err2.str();
}

// A shard writes no report either: the report options given to it are named in a warning line on
// stderr each, and the shard file is still written.
TEST_F(ScaleOut, AShardWarnsOfEachReportOptionItIgnoresAndStillWritesItsFile) {
  const std::string out_dir = testing::TempDir();
  std::ostringstream out, err;
  const int code = cli::Run({"audit", "--plan", *plan, "--shard", "1/4", "--out-dir", out_dir, "--format", "json,html",
                             "--fail-under", "80", "--server-time-ms", "100", "--quiet"},
                            out, err);
  EXPECT_EQ(code, 0) << err.str();
  EXPECT_TRUE(std::filesystem::exists(out_dir + "/shard-1-of-4.json"));
  const std::vector<std::string> warnings = LinesWith(err.str(), "warning:");
  ASSERT_EQ(warnings.size(), 2u) << err.str();
  EXPECT_NE(warnings[0].find("audit --shard ignores --format: a shard writes no report (give it to merge)"),
            std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("audit --shard ignores --fail-under"), std::string::npos) << warnings[1];

  // The audit options are the shard's own: no warning.
  std::ostringstream out2, err2;
  EXPECT_EQ(cli::Run({"audit", "--plan", *plan, "--shard", "2/4", "--out-dir", out_dir, "--server-time-ms", "100",
                      "--quiet"},
                     out2, err2),
            0)
      << err2.str();
  EXPECT_EQ(err2.str().find("warning"), std::string::npos) << err2.str();
}

// The CLI end to end: four `mmaudit audit --plan --shard K/4` processes at once, then `mmaudit
// merge`, against `mmaudit audit --plan` alone; the same JSON but for timings, and the gates apply.
TEST_F(ScaleOut, FourShardProcessesRunAtOnceAndMergeIntoTheReportOfOneRun) {
  const std::string out = testing::TempDir();
  const std::string cli_plan = out + "/plan.json";
  auto plan_run = testing::RunMmaudit({"plan", server->Url("/"), "--shards", "4", "--out", cli_plan, "--concurrency", "4"});
  ASSERT_EQ(plan_run.exit_code, 0) << plan_run.output;
  std::vector<testing::RunResult> results(4);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      results[static_cast<std::size_t>(k)] =
          testing::RunMmaudit({"audit", "--plan", cli_plan, "--shard", std::to_string(k) + "/4", "--out-dir", out + "/shards",
                               "--server-time-ms", "100", "--concurrency", "4"});
    });
  for (auto& t : threads) t.join();
  for (const auto& r : results) ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<std::string> merge = {"merge"};
  for (int k = 0; k < 4; ++k) merge.push_back(out + "/shards/shard-" + std::to_string(k) + "-of-4.json");
  for (const char* a : {"--out-dir", "", "--server-time-ms", "100", "--format", "json,html,junit,md,csv"}) merge.push_back(a);
  merge[6] = out + "/merged";
  const auto merged = testing::RunMmaudit(merge);
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  const auto single = testing::RunMmaudit({"audit", "--plan", cli_plan, "--out-dir", out + "/single", "--server-time-ms",
                                           "100", "--format", "json"});
  ASSERT_EQ(single.exit_code, 0) << single.output;
  testing::ExpectSameReport(WithoutTimings(Slurp(out + "/single/report.json")), WithoutTimings(Slurp(out + "/merged/report.json")));
  for (const char* f : {"report.html", "report.junit.xml", "report.md", "report.csv"})
    EXPECT_TRUE(std::filesystem::exists(out + "/merged/" + f)) << f;

  // The gates of audit hold for merge, with the same exit codes.
  merge.push_back("--fail-under");
  merge.push_back("100");
  const auto gated = testing::RunMmaudit(merge);
  EXPECT_EQ(gated.exit_code, 1) << gated.output;
  EXPECT_NE(gated.output.find("gate failed"), std::string::npos) << gated.output;
  // A missing shard is a usage error, exit 2, with the reason.
  const auto missing = testing::RunMmaudit({"merge", out + "/shards/shard-0-of-4.json", out + "/shards/shard-1-of-4.json",
                                            "--out-dir", out + "/x", "--server-time-ms", "100"});
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("shards 2, 3 of 4 are missing"), std::string::npos) << missing.output;
}

// The one-machine recipe of docs/scale/ as a user runs it: plan, three shards at once with xargs -P,
// merge; the merged report is the one-run report of its plan.
TEST_F(ScaleOut, TheOneMachineRecipeRunsTheShardsInParallelAndMergesThem) {
  const std::string out = testing::TempDir();
  const std::string cmd = "MMAUDIT='" + std::string(MMAUDIT_BINARY) + "' CI=true bash '" +
                          testing::SourcePath("docs/scale/parallel.sh") + "' '" + server->Url("/") + "' 3 '" + out +
                          "' --server-time-ms 100 --checkout off --format json >'" + out + "/log' 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << Slurp(out + "/log");
  for (int k = 0; k < 3; ++k)
    EXPECT_TRUE(std::filesystem::exists(out + "/shards/shard-" + std::to_string(k) + "-of-3.json")) << k;
  const auto single = testing::RunMmaudit({"audit", "--plan", out + "/plan.json", "--out-dir", out + "/single",
                                           "--server-time-ms", "100", "--checkout", "off", "--format", "json"});
  ASSERT_EQ(single.exit_code, 0) << single.output;
  testing::ExpectSameReport(WithoutTimings(Slurp(out + "/single/report.json")), WithoutTimings(Slurp(out + "/report/report.json")));
}

}  // namespace
}  // namespace mmaudit
