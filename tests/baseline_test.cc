// The baseline comparison end to end (issue 7): fixtures/shops/changing in two versions served on
// loopback, each audited by the real pipeline with a fixed server time, and the diff of their
// report JSONs checked against what v2 changed (fixtures/shops/changing/README.md); then the real
// binary with --baseline, --fail-on-regression and `mmaudit diff`, and their exit codes.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/audit.h"
#include "report/diff.h"
#include "report/result.h"
#include "tests/support/fixture_server.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

pipeline::AuditOptions Options() {
  pipeline::AuditOptions options;
  options.device = *fetch::FindDevice("moto-g-power");
  options.fetch.user_agent = options.device.user_agent;
  options.catalogue = rules::DefaultCatalogue();
  options.crawl.concurrency = 4;
  options.server_time_ms = 50;  // the report depends only on the shop's bytes
  return options;
}

std::string Audit(const testing::FixtureServer& server) {
  NullProgress progress;
  return report::ToJson(pipeline::AuditSite({server.Url("/")}, Options(), progress));
}

const report::FindingChange* Find(const std::vector<report::FindingChange>& list, const std::string& page,
                                  const std::string& rule) {
  for (const auto& f : list)
    if (f.page == page && f.rule_id == rule) return &f;
  return nullptr;
}
const report::ScoreDelta* Score(const std::vector<report::ScoreDelta>& list, const std::string& scope) {
  for (const auto& s : list)
    if (s.scope == scope) return &s;
  return nullptr;
}

class Baseline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    v1 = new testing::FixtureServer(testing::SourcePath("fixtures/shops/changing/v1"));
    v2 = new testing::FixtureServer(testing::SourcePath("fixtures/shops/changing/v2"));
    ASSERT_TRUE(v1->Start(&error)) << error;
    ASSERT_TRUE(v2->Start(&error)) << error;
    before = new std::string(Audit(*v1));
    after = new std::string(Audit(*v2));
  }
  static void TearDownTestSuite() {
    delete before;
    delete after;
    delete v1;
    delete v2;
  }
  static report::ReportDiff Diff(const std::string& a, const std::string& b) {
    report::ReportDiff d;
    std::string error;
    EXPECT_TRUE(report::DiffReports(a, b, {}, &d, &error)) << error;
    return d;
  }
  static testing::FixtureServer* v1;
  static testing::FixtureServer* v2;
  static std::string* before;
  static std::string* after;
};
testing::FixtureServer* Baseline::v1 = nullptr;
testing::FixtureServer* Baseline::v2 = nullptr;
std::string* Baseline::before = nullptr;
std::string* Baseline::after = nullptr;

TEST_F(Baseline, TheDiffOfTwoVersionsOfAShopFindsWhatV2Changed) {
  ASSERT_NE(v1->port(), v2->port());
  const report::ReportDiff d = Diff(*before, *after);
  EXPECT_EQ(d.pages_compared, 3u) << "the home page and both product pages, on two ports";
  ASSERT_EQ(d.pages_added.size(), 1u);
  EXPECT_EQ(d.pages_added[0].key, "/c/rainwear");
  EXPECT_EQ(d.pages_added[0].page_type, "category");
  ASSERT_EQ(d.pages_removed.size(), 1u);
  EXPECT_EQ(d.pages_removed[0].key, "/c/jackets");

  const report::FindingChange* reviews = Find(d.new_findings, "/p/storm-jacket", "reviews-visible");
  ASSERT_NE(reviews, nullptr) << "the storm jacket lost its reviews";
  EXPECT_EQ(reviews->status_before, "pass");
  EXPECT_EQ(reviews->status_after, "fail");
  const report::FindingChange* meta = Find(d.fixed_findings, "/p/deck-boots", "meta-description");
  ASSERT_NE(meta, nullptr) << "the deck boots got a meta description";
  EXPECT_EQ(meta->status_before, "fail");
  EXPECT_EQ(meta->status_after, "pass");
  for (const auto* list : {&d.new_findings, &d.fixed_findings, &d.changed_findings})
    for (const auto& f : *list) EXPECT_NE(f.page, "/") << f.rule_id << ": the home page did not change";

  const report::ScoreDelta* know = Score(d.site_scores, "know");
  ASSERT_TRUE(know && know->Delta());
  EXPECT_LT(*know->Delta(), 0) << "losing reviews costs the site's know score";
  auto page = [&](const std::string& key) -> const report::PageChange* {
    for (const auto& p : d.pages_changed)
      if (p.key == key) return &p;
    return nullptr;
  };
  ASSERT_NE(page("/p/storm-jacket"), nullptr);
  const report::ScoreDelta* jacket_know = Score(page("/p/storm-jacket")->scores, "know");
  ASSERT_TRUE(jacket_know && jacket_know->Delta());
  EXPECT_LT(*jacket_know->Delta(), 0);
  ASSERT_NE(page("/p/deck-boots"), nullptr);
  const report::ScoreDelta* boots_speed = Score(page("/p/deck-boots")->scores, "speed");
  ASSERT_TRUE(boots_speed && boots_speed->Delta()) << "the deck boots page got a 250 KB image";
  EXPECT_LT(*boots_speed->Delta(), 0);
  EXPECT_FALSE(report::Regressions(d, 0).empty());
}

TEST_F(Baseline, TheHeavierPageCarriesItsNewImage) {
  rapidjson::Document a, b;
  a.Parse(before->c_str());
  b.Parse(after->c_str());
  auto bytes = [](const rapidjson::Document& doc) -> double {
    for (const auto& p : doc["pages"].GetArray())
      if (std::string(p["url"].GetString()).find("/p/deck-boots") != std::string::npos)
        return p["performance"]["weight"]["total"]["transfer_bytes"].GetDouble();
    return -1;
  };
  const double png = static_cast<double>(
      std::filesystem::file_size(testing::SourcePath("fixtures/shops/changing/v2/img/deck-boots-hero.png")));
  ASSERT_GT(bytes(a), 0);
  EXPECT_GE(bytes(b) - bytes(a), png);
}

TEST_F(Baseline, AuditingTheSameVersionAgainShowsNoChangeAndPassesTheGate) {
  const report::ReportDiff d = Diff(*before, Audit(*v1));
  EXPECT_EQ(d.pages_compared, 4u);
  EXPECT_TRUE(d.pages_added.empty() && d.pages_removed.empty() && d.pages_changed.empty());
  EXPECT_TRUE(d.new_findings.empty() && d.fixed_findings.empty() && d.changed_findings.empty());
  EXPECT_TRUE(d.checkout.empty());
  EXPECT_TRUE(report::Regressions(d, 0).empty()) << "the gate must not flap";
}

std::string Slurp(const std::string& path) {
  std::string s;
  EXPECT_TRUE(testing::ReadWholeFile(path, &s)) << path;
  return s;
}

std::string SchemaProblems(const std::string& json) {
  rapidjson::Document schema_doc;
  schema_doc.Parse(testing::ReadFixture("reports/schema/report.schema.json").c_str());
  rapidjson::SchemaDocument schema(schema_doc);
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (doc.HasParseError()) return "does not parse";
  rapidjson::SchemaValidator validator(schema);
  if (doc.Accept(validator)) return "";
  rapidjson::StringBuffer where;
  validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
  return std::string(validator.GetInvalidSchemaKeyword()) + " at " + where.GetString();
}

TEST_F(Baseline, TheCliAttachesTheDiffGatesOnRegressionAndDiffsStandalone) {
  const std::string out1 = testing::TempDir(), out2 = testing::TempDir(), out3 = testing::TempDir();
  const std::vector<std::string> common = {"audit", "--server-time-ms", "50", "--checkout", "off"};
  auto audit = [&](const testing::FixtureServer& s, const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = common;
    args.push_back(s.Url("/"));
    args.push_back("--out-dir");
    args.push_back(out);
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::RunMmaudit(args);
  };
  testing::RunResult r = audit(*v1, out1, {});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string old_report = out1 + "/report.json";

  r = audit(*v2, out2, {"--baseline", old_report});
  EXPECT_EQ(r.exit_code, 0) << "no gate asked for: " << r.output;
  EXPECT_NE(r.output.find("Since the baseline: site score "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("pages: 1 added, 1 removed"), std::string::npos) << r.output;
  const std::string json = Slurp(out2 + "/report.json");
  EXPECT_EQ(SchemaProblems(json), "");
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("baseline"));
  EXPECT_EQ(doc["baseline"]["file"].GetString(), old_report);
  EXPECT_TRUE(doc["baseline"]["gate"]["tolerance"].IsNull());
  EXPECT_EQ(doc["baseline"]["pages"]["added"][0]["key"].GetString(), std::string("/c/rainwear"));
  // The comparison read the report without its URL list, but the section went on the end of the
  // file as written: its site.urls are all there, and it ends as the report writer ends it.
  ASSERT_TRUE(doc["site"]["urls"].IsArray());
  EXPECT_GE(doc["site"]["urls"].Size(), doc["summary"]["pages_requested"].GetUint64());
  EXPECT_GT(doc["site"]["urls"].Size(), 0u);
  EXPECT_NE(json.find("],\n  \"baseline\": {"), std::string::npos);
  EXPECT_EQ(json.substr(json.size() - 3), "\n}\n");
  const std::string html = Slurp(out2 + "/report.html");
  EXPECT_NE(html.find("<section id=\"baseline\""), std::string::npos);
  EXPECT_NE(html.find("reviews-visible"), std::string::npos);

  r = audit(*v2, out3, {"--baseline", old_report, "--fail-on-regression=100", "--format", "json,html,md"});
  EXPECT_EQ(r.exit_code, 1) << "a finding newly fails, whatever the score tolerance: " << r.output;
  // The Markdown summary renders the same diff from the report's baseline section.
  const std::string md = Slurp(out3 + "/report.md");
  const auto section = md.find("### Changes against the baseline");
  ASSERT_NE(section, std::string::npos) << md;
  const std::string diff_md = md.substr(section, md.find("<!-- mmaudit:baseline:end -->") - section);
  EXPECT_NE(diff_md.find("| overall |"), std::string::npos) << diff_md;
  EXPECT_NE(diff_md.find("Pages: 1 added, 1 removed."), std::string::npos) << diff_md;
  EXPECT_NE(diff_md.find("`reviews-visible` (fail) on"), std::string::npos) << diff_md;
  EXPECT_NE(diff_md.find("The regression gate failed"), std::string::npos) << diff_md;
  EXPECT_NE(r.output.find("gate failed: newly failing: reviews-visible on /p/storm-jacket (pass -> fail)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(Slurp(out3 + "/report.html").find("Regression gate failed"), std::string::npos);

  r = audit(*v1, testing::TempDir(), {"--baseline", old_report, "--fail-on-regression"});
  EXPECT_EQ(r.exit_code, 0) << "the same shop again passes the gate: " << r.output;

  const std::string new_report = out2 + "/report.json";
  r = testing::RunMmaudit({"diff", old_report, new_report});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("new     /p/storm-jacket  reviews-visible: pass -> fail"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("fixed   /p/deck-boots  meta-description: fail -> pass"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("+ /c/rainwear"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("- /c/jackets"), std::string::npos) << r.output;

  r = testing::RunMmaudit({"diff", "--format", "json", old_report, new_report});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  rapidjson::Document machine;
  machine.Parse(r.output.c_str());
  ASSERT_FALSE(machine.HasParseError()) << r.output;
  EXPECT_EQ(machine["findings"]["fixed"][0]["rule_id"].GetString(), std::string("meta-description"));

  r = testing::RunMmaudit({"diff", "--fail-on-regression", old_report, new_report});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  r = testing::RunMmaudit({"diff", "--fail-on-regression=5", old_report, old_report});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(BaselineCli, UnreadableInputAndMisusedOptionsAreUsageErrors) {
  const std::string dir = testing::TempDir();
  const std::string not_report = dir + "/not-a-report.json";
  {
    std::FILE* f = std::fopen(not_report.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("{\"hello\": 1}", f);
    std::fclose(f);
  }
  const std::string good = testing::SourcePath("fixtures/diff/after.json");
  testing::RunResult r = testing::RunMmaudit({"diff", dir + "/missing.json", good});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("cannot read"), std::string::npos) << r.output;
  r = testing::RunMmaudit({"diff", not_report, good});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("not an mmaudit report"), std::string::npos) << r.output;
  EXPECT_EQ(testing::RunMmaudit({"diff", good}).exit_code, 2);
  EXPECT_EQ(testing::RunMmaudit({"diff", "--format", "xml", good, good}).exit_code, 2);
  EXPECT_EQ(testing::RunMmaudit({"diff", "--fail-on-regression=-1", good, good}).exit_code, 2);

  // A bad baseline stops the audit before anything is fetched (the URL is never contacted).
  r = testing::RunMmaudit({"audit", "--baseline", not_report, "http://127.0.0.1:9/", "--out-dir", dir});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--baseline " + not_report + ": the baseline report is not an mmaudit report"),
            std::string::npos)
      << r.output;
  r = testing::RunMmaudit({"audit", "--fail-on-regression", "http://127.0.0.1:9/", "--out-dir", dir});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--fail-on-regression needs --baseline"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace mmaudit
