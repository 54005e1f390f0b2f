// CI gates end to end: the real mmaudit binary crawls the demo shop over loopback HTTP with
// --fail-under and the assertions files of fixtures/assertions/, and its exit code (0 pass, 1 a gate
// failed, 2 a configuration error, 3 nothing audited), its stderr summary, the report's gates section
// and the HTML report say the same thing. Two runs with --server-time-ms give the same verdict.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/fixture_server.h"
#include "tests/support/json_subset.h"
#include "tests/support/subprocess.h"
#include "tests/support/report_json.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

using testing::WithoutTimings;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A run of the real binary with stdout and stderr kept apart (the gate summary goes to stderr).
struct Outcome {
  int exit_code = -1;
  std::string out, err;
  std::string json;  // the report JSON written, "" when none

  // stderr's lines that start with `prefix`.
  std::vector<std::string> ErrLines(const std::string& prefix) const {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);)
      if (line.rfind(prefix, 0) == 0) lines.push_back(line);
    return lines;
  }
};

Outcome RunSplit(const std::vector<std::string>& args) {
  const std::string dir = testing::TempDir();
  std::string cmd = "CI=true " + Quote(MMAUDIT_BINARY);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " >" + Quote(dir + "/stdout") + " 2>" + Quote(dir + "/stderr");
  const int status = std::system(cmd.c_str());
  Outcome r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(dir + "/stdout");
  r.err = Slurp(dir + "/stderr");
  return r;
}

class CiGates : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new testing::FixtureServer(testing::SourcePath("fixtures/shops/demo/site"));
    std::string error;
    ASSERT_TRUE(server->Start(&error)) << error;
  }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  // Crawls the demo shop with a fixed server time (reproducible load simulation), no checkout, and
  // `extra` options; reads the report JSON back.
  static Outcome Audit(std::vector<std::string> extra) {
    const std::string out = testing::TempDir();
    std::vector<std::string> args = {"audit", "--server-time-ms", "100", "--checkout", "off", "--out-dir", out};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(server->Url("/"));
    Outcome r = RunSplit(args);
    r.json = Slurp(out + "/report.json");
    return r;
  }
  static std::string Fixture(const std::string& name) { return testing::SourcePath("fixtures/assertions/" + name); }
  static testing::FixtureServer* server;
};
testing::FixtureServer* CiGates::server = nullptr;

TEST_F(CiGates, AShopThatMeetsEveryAssertionExitsZeroAndTheReportSaysSo) {
  const Outcome run = Audit({"--assert", Fixture("demo-pass.json"), "--fail-under", "80", "--fail-under", "mobile=90"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.ErrLines("mmaudit: gate").empty()) << run.err;
  rapidjson::Document d;
  d.Parse(run.json.c_str());
  ASSERT_FALSE(d.HasParseError());
  const auto& g = d["gates"];
  ASSERT_TRUE(g.IsObject());
  EXPECT_STREQ(g["verdict"].GetString(), "pass");
  EXPECT_EQ(std::string(g["assertions_file"].GetString()), Fixture("demo-pass.json"));
  EXPECT_EQ(g["fail_under"].Size(), 2u);
  EXPECT_EQ(g["failures"].GetUint(), 0u);
  EXPECT_EQ(g["warnings"].GetUint(), 0u);
  EXPECT_GT(g["checked"].GetUint(), 20u) << "every page, the product pages, the category pages and the site";
  EXPECT_EQ(g["passed"].GetUint(), g["checked"].GetUint());
  EXPECT_EQ(g["results"].Size(), 0u);
  EXPECT_EQ(testing::ReportSchemaError(run.json), "");
}

TEST_F(CiGates, AFailedAssertionExitsOneAndStderrSaysWhyOneLineEach) {
  const Outcome run = Audit({"--assert", Fixture("demo-fail.json")});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  const std::vector<std::string> failed = run.ErrLines("mmaudit: gate failed: ");
  const std::string p = server->Url("/p/");
  EXPECT_EQ(failed, (std::vector<std::string>{
                        "mmaudit: gate failed: error reviews-visible minScore on " + p +
                            "city-walker: expected >= 0.9, found 0 (assertMatrix[0]): \"no reviews yet\"",
                        "mmaudit: gate failed: error reviews-visible minScore on " + p +
                            "kids-sprint: expected >= 0.9, found 0 (assertMatrix[0]): no reviews shown",
                        "mmaudit: gate failed: error render-blocking maxLength on " + p +
                            "kids-sprint: expected <= 1, found 3 (assertMatrix[0]): 3 render-blocking requests [" +
                            [&] {
                              // the three stylesheets, as the finding's details list them
                              rapidjson::Document d;
                              d.Parse(run.json.c_str());
                              std::string s;
                              for (const auto& page : d["pages"].GetArray())
                                if (std::string(page["url"].GetString()) == p + "kids-sprint")
                                  for (const auto& f : page["findings"].GetArray())
                                    if (std::string(f["rule_id"].GetString()) == "render-blocking")
                                      for (const auto& x : f["details"].GetArray()) s += (s.empty() ? "" : "; ") + std::string(x.GetString());
                              return s;
                            }() + "]"}));
  const std::vector<std::string> warned = run.ErrLines("mmaudit: gate warning: ");
  ASSERT_EQ(warned.size(), 1u) << run.err;
  EXPECT_EQ(warned[0].rfind("mmaudit: gate warning: warn review-coverage minScore on site: expected >= 0.9, found 0 (assertions)", 0), 0u)
      << warned[0];
  EXPECT_EQ(run.ErrLines("mmaudit: CI gates failed: "),
            (std::vector<std::string>{"mmaudit: CI gates failed: 3 failures, 1 warning in 16 checks (exit code 1)"}));
  EXPECT_EQ(run.out.find("gate"), std::string::npos) << "the summary goes to stderr";

  rapidjson::Document d;
  d.Parse(run.json.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["gates"]["verdict"].GetString(), "fail");
  EXPECT_EQ(d["gates"]["failures"].GetUint(), 3u);
  EXPECT_EQ(d["gates"]["results"].Size(), 4u);
  EXPECT_EQ(testing::ReportSchemaError(run.json), "");
}

TEST_F(CiGates, FailUnderGatesTheSitesScoreForOneMoment) {
  Outcome run = Audit({"--fail-under", "buy=1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  rapidjson::Document d;
  d.Parse(run.json.c_str());
  ASSERT_FALSE(d.HasParseError());
  const int buy = d["summary"]["scores"]["moments"]["buy"].GetInt();
  ASSERT_LT(buy, 100);
  run = Audit({"--fail-under", "buy=" + std::to_string(buy + 1), "--fail-under", "1"});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.ErrLines("mmaudit: gate failed: "),
            (std::vector<std::string>{"mmaudit: gate failed: error fail-under on site: expected >= " + std::to_string(buy + 1) +
                                      ", found " + std::to_string(buy) + " (--fail-under buy=" + std::to_string(buy + 1) +
                                      "): the site's buy score"}));
}

TEST_F(CiGates, AWarningIsPrintedButDoesNotFail) {
  const Outcome run = Audit({"--assert", Fixture("demo-warn.json")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.ErrLines("mmaudit: gate failed: ").empty());
  const auto warned = run.ErrLines("mmaudit: gate warning: ");
  ASSERT_EQ(warned.size(), 1u) << run.err;
  EXPECT_NE(warned[0].find("warn image-alt minScore on " + server->Url("/p/kids-sprint") + ": expected >= 0.9, found 0"),
            std::string::npos)
      << warned[0];
  EXPECT_EQ(run.ErrLines("mmaudit: CI gates passed with warnings: 0 failures, 1 warning in ").size(), 1u) << run.err;
}

TEST_F(CiGates, APageOverItsBudgetFailsTheGateWhenTheBudgetRuleIsAsserted) {
  // Without the assertion a budget is a finding, not a gate.
  Outcome run = Audit({"--budget", Fixture("budget-tight.json")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  run = Audit({"--budget", Fixture("budget-tight.json"), "--assert", Fixture("demo-budget.json")});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  rapidjson::Document d;
  d.Parse(run.json.c_str());
  ASSERT_FALSE(d.HasParseError());
  std::size_t audited = 0;
  for (const auto& page : d["pages"].GetArray()) audited += page["audited"].GetBool() ? 1 : 0;
  const auto failed = run.ErrLines("mmaudit: gate failed: error performance-budget minScore on ");
  EXPECT_EQ(failed.size(), audited) << run.err;
  for (const auto& line : failed) EXPECT_NE(line.find("[resourceSizes total: "), std::string::npos) << line;
}

TEST_F(CiGates, AMistakeInTheGatesExitsTwoNamingTheFileAndKeyBeforeAnythingIsFetched) {
  const std::size_t before = server->Requests().size();
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--assert", Fixture("bad/unknown-rule.json")},
       Fixture("bad/unknown-rule.json") + ": key \"assertions.viewprot\": no rule with this id"},
      {{"--assert", Fixture("bad/not-json.json")}, Fixture("bad/not-json.json") + ": not valid JSON"},
      {{"--assert", Fixture("bad/unknown-page-type.json")},
       Fixture("bad/unknown-page-type.json") + ": key \"assertMatrix[0].pageTypes[1]\": unknown page type \"prodcut\""},
      {{"--assert", Fixture("demo-budget.json")},
       Fixture("demo-budget.json") + ": key \"assertions.performance-budget\": the budget rule needs a budget"},
      {{"--assert", Fixture("no-such-file.json")}, "cannot read " + Fixture("no-such-file.json")},
      {{"--fail-under", "checkout=80"}, "--fail-under checkout=80: unknown category \"checkout\""},
      {{"--fail-under", "buy=high"}, "--fail-under buy=high: the score must be a number from 0 to 100"},
  };
  for (const Case& c : cases) {
    const Outcome run = Audit(c.args);
    EXPECT_EQ(run.exit_code, 2) << c.message << "\n" << run.err;
    EXPECT_NE(run.err.find("mmaudit: error: " + c.message), std::string::npos) << run.err;
  }
  EXPECT_EQ(server->Requests().size(), before) << "a configuration error stops the run before the first request";
}

TEST_F(CiGates, NothingAuditedExitsThreeRatherThanJudgingTheGates) {
  const std::string out = testing::TempDir();
  const Outcome run = RunSplit({"audit", "--no-crawl", "--out-dir", out, "--fail-under", "80", "--assert",
                            Fixture("demo-warn.json"), server->Url("/no-such-page")});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("mmaudit: error: no page could be audited"), std::string::npos) << run.err;
  EXPECT_TRUE(run.ErrLines("mmaudit: gate").empty()) << run.err;
  EXPECT_TRUE(run.ErrLines("mmaudit: CI gates").empty()) << run.err;
}

TEST_F(CiGates, ASavedReportIsGatedWithTheSameVerdictAndLeftAsItWas) {
  const std::string out = testing::TempDir();
  Outcome audit = RunSplit({"audit", "--server-time-ms", "100", "--checkout", "off", "--out-dir", out, server->Url("/")});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  const std::string report = out + "/report.json";
  const std::string saved = Slurp(report);
  const Outcome fresh = Audit({"--assert", Fixture("demo-fail.json")});
  ASSERT_EQ(fresh.exit_code, 1);

  const Outcome gate = RunSplit({"gate", report, "--assert", Fixture("demo-fail.json")});
  EXPECT_EQ(gate.exit_code, 1) << gate.err;
  EXPECT_EQ(gate.err, fresh.err) << "the same lines as the audit gated as it ran";
  EXPECT_EQ(Slurp(report), saved) << "gate reads the report and leaves it alone";

  const Outcome pass = RunSplit({"gate", report, "--assert", Fixture("demo-pass.json"), "--fail-under", "80"});
  EXPECT_EQ(pass.exit_code, 0) << pass.err;
  EXPECT_EQ(pass.out.rfind("mmaudit: CI gates passed: ", 0), 0u) << pass.out;

  EXPECT_EQ(RunSplit({"gate", report}).exit_code, 2) << "nothing to judge";
  EXPECT_EQ(RunSplit({"gate", Fixture("demo-pass.json"), "--fail-under", "80"}).exit_code, 2) << "not a report";
  const Outcome unknown = RunSplit({"gate", report, "--assert", Fixture("bad/unknown-rule.json")});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find(Fixture("bad/unknown-rule.json") + ": key \"assertions.viewprot\""), std::string::npos) << unknown.err;

  const std::string empty_out = testing::TempDir();
  ASSERT_EQ(RunSplit({"audit", "--no-crawl", "--out-dir", empty_out, server->Url("/no-such-page")}).exit_code, 3);
  const Outcome nothing = RunSplit({"gate", empty_out + "/report.json", "--fail-under", "80"});
  EXPECT_EQ(nothing.exit_code, 3) << nothing.err;
  EXPECT_NE(nothing.err.find("no page was audited"), std::string::npos) << nothing.err;
}

TEST(CiGatesHelp, DocumentsTheGateOptionsTheGateCommandAndEveryExitCode) {
  const Outcome help = RunSplit({"--help"});
  ASSERT_EQ(help.exit_code, 0);
  for (const char* s : {"--fail-under SCORE", "--assert FILE", "  gate ", "Usage: mmaudit gate REPORT.json",
                        "  0  success: at least one page was audited and no gate failed",
                        "  1  a CI gate failed (--fail-under, an assertion of level error in --assert FILE, or",
                        "config file or assertions file", "  3  nothing could be audited"})
    EXPECT_NE(help.out.find(s), std::string::npos) << s;
}

std::string GatesOf(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.HasMember("gates")) return "no gates";
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  d["gates"].Accept(w);
  return out.GetString();
}

TEST_F(CiGates, TheSameShopGivesTheSameVerdictTheSameGateResultsAndTheSameJson) {
  // includePassedAssertions: every result, with the simulated LCP and the page weights, is compared.
  const std::vector<std::string> gates = {"--assert", Fixture("demo-determinism.json"), "--fail-under", "80",
                                          "--fail-under", "speed=50"};
  const Outcome first = Audit(gates);
  const Outcome second = Audit(gates);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(second.exit_code, first.exit_code);
  EXPECT_EQ(second.err, first.err) << "the same warnings, in the same order";
  const std::string g = GatesOf(first.json);
  EXPECT_NE(g.find("\"kind\":\"maxNumericValue\""), std::string::npos) << g;
  EXPECT_NE(g.find("\"assertion\":\"largest-contentful-paint\""), std::string::npos) << g;
  EXPECT_EQ(GatesOf(second.json), g);
  const std::string a = WithoutTimings(first.json), b = WithoutTimings(second.json);
  ASSERT_GT(a.size(), 10000u);
  if (a != b) {
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    const std::size_t from = i > 200 ? i - 200 : 0;
    FAIL() << "the reports differ at byte " << i << ":\n" << a.substr(from, 400) << "\n---\n" << b.substr(from, 400);
  }
}

}  // namespace
}  // namespace mmaudit
