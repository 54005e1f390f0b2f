// Output selection, end to end: the real mmaudit binary audits the demo shop on loopback with
// --format html,json,junit,md,csv, and every one of the five files must exist under its stable
// name and parse: the JSON as JSON, the JUnit as well-formed XML agreeing with the JSON, the CSV as
// RFC 4180 with one row per finding, the Markdown with its sections, the HTML as a whole document.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/text.h"
#include "report/csv.h"
#include "report/markdown.h"
#include "tests/support/csv_read.h"
#include "tests/support/fixture_server.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"
#include "tests/support/xml_check.h"

namespace mmaudit {
namespace {

std::string Slurp(const std::string& path) {
  std::string out;
  EXPECT_TRUE(testing::ReadWholeFile(path, &out)) << path << " is missing";
  return out;
}

class OutputFormats : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new testing::FixtureServer(testing::SourcePath("fixtures/shops/demo/site"));
    std::string error;
    ASSERT_TRUE(server->Start(&error)) << error;
    urls_file = new std::string(testing::TempDir() + "/urls.txt");
    std::ofstream urls(*urls_file);
    std::istringstream pages(testing::ReadFixture("fixtures/shops/demo/pages.txt"));
    for (std::string line; std::getline(pages, line);)
      if (!text::Trim(line).empty()) urls << server->Url(std::string(text::Trim(line))) << "\n";
  }
  static void TearDownTestSuite() {
    delete server;
    delete urls_file;
  }
  // Audits the demo's pages into a fresh directory with `extra` options; returns the directory.
  static std::string Audit(const std::vector<std::string>& extra, int expected_exit = 0) {
    const std::string out = testing::TempDir();
    std::vector<std::string> args = {"audit", "--no-crawl", "--urls-file", *urls_file, "--checkout-ignore-robots",
                                     "--server-time-ms", "100", "--out-dir", out};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = testing::RunMmaudit(args);
    EXPECT_EQ(run.exit_code, expected_exit) << run.output;
    return out;
  }

  static testing::FixtureServer* server;
  static std::string* urls_file;
};
testing::FixtureServer* OutputFormats::server = nullptr;
std::string* OutputFormats::urls_file = nullptr;

TEST_F(OutputFormats, AllFiveFormatsAreWrittenUnderStableNamesAndParse) {
  const std::string out = Audit({"--format", "html,json,junit,md,csv"});
  std::set<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(out)) files.insert(e.path().filename().string());
  EXPECT_EQ(files, (std::set<std::string>{"report.json", "report.html", "report.junit.xml", "report.md", "report.csv"}));

  rapidjson::Document d;
  const std::string json = Slurp(out + "/report.json");
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError());
  ASSERT_TRUE(d["pages"].IsArray());
  ASSERT_EQ(d["pages"].Size(), 12u);
  ASSERT_TRUE(d["checkout"].IsObject());
  std::size_t findings = 0, fails = 0;
  auto count = [&](const rapidjson::Value& list) {
    for (const auto& f : list.GetArray()) {
      ++findings;
      if (std::string(f["status"].GetString()) == "fail") ++fails;
    }
  };
  for (const auto& p : d["pages"].GetArray()) count(p["findings"]);
  count(d["site_findings"]);
  count(d["checkout"]["findings"]);

  const std::string html = Slurp(out + "/report.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);

  testing::XmlElement junit;
  std::string error;
  ASSERT_TRUE(testing::ParseXml(Slurp(out + "/report.junit.xml"), &junit, &error)) << error;
  EXPECT_EQ(junit.name, "testsuites");
  EXPECT_EQ(junit.Children("testsuite").size(), 12u + 2u) << "a suite per page, the site and the checkout";
  EXPECT_EQ(junit.Attribute("tests"), std::to_string(findings));
  EXPECT_EQ(junit.Attribute("failures"), std::to_string(fails));
  EXPECT_EQ(junit.Children("testsuite")[0]->Attribute("name"), d["pages"][0]["url"].GetString());

  testing::CsvRows rows;
  ASSERT_TRUE(testing::ReadCsv(Slurp(out + "/report.csv"), &rows, &error)) << error;
  ASSERT_EQ(rows.size(), findings + 1);
  for (const auto& row : rows) ASSERT_EQ(row.size(), std::size(report::kCsvColumns));
  EXPECT_EQ(rows[0][0], "site");
  EXPECT_EQ(rows[1][0], server->Url("/").substr(0, server->Url("/").size() - 1));

  const std::string md = Slurp(out + "/report.md");
  for (const char* section : {"## mmaudit report", "### Scores", "### Top fixes", "### Checkout", "### Pages with errors",
                              report::kMarkdownBaselineBegin, report::kMarkdownBaselineEnd})
    EXPECT_NE(md.find(section), std::string::npos) << section;
  const std::string overall = std::to_string(d["summary"]["scores"]["overall"].GetInt());
  EXPECT_NE(md.find(" | **Overall** | **" + overall + "** |"), std::string::npos) << md.substr(0, 800);
}

TEST_F(OutputFormats, OnlyTheFormatsAskedForAreWritten) {
  const std::string out = Audit({"--format", "md, csv"});
  EXPECT_TRUE(std::filesystem::exists(out + "/report.md"));
  EXPECT_TRUE(std::filesystem::exists(out + "/report.csv"));
  EXPECT_FALSE(std::filesystem::exists(out + "/report.json")) << "the JSON is the source, removed when not asked for";
  EXPECT_FALSE(std::filesystem::exists(out + "/report.html"));
  EXPECT_FALSE(std::filesystem::exists(out + "/report.junit.xml"));
}

// Counts of the findings of report.json in `dir` by status, over pages, site and checkout.
std::map<std::string, int> StatusCounts(const std::string& dir) {
  rapidjson::Document d;
  d.Parse(Slurp(dir + "/report.json").c_str());
  std::map<std::string, int> n;
  if (d.HasParseError()) return n;
  auto count = [&](const rapidjson::Value& list) {
    for (const auto& f : list.GetArray()) ++n[f["status"].GetString()];
  };
  for (const auto& p : d["pages"].GetArray()) count(p["findings"]);
  count(d["site_findings"]);
  count(d["checkout"]["findings"]);
  return n;
}

TEST_F(OutputFormats, WarnAsFailureTurnsJunitWarningsIntoFailures) {
  for (const bool strict : {false, true}) {
    std::vector<std::string> args = {"--format", "junit,json"};
    if (strict) args.push_back("--junit-warn-as-failure");
    const std::string out = Audit(args);
    auto n = StatusCounts(out);
    if (strict) {
      ASSERT_GT(n["warn"], 0);
    }
    testing::XmlElement junit;
    std::string error;
    ASSERT_TRUE(testing::ParseXml(Slurp(out + "/report.junit.xml"), &junit, &error)) << error;
    EXPECT_EQ(junit.Attribute("failures"), std::to_string(n["fail"] + (strict ? n["warn"] : 0))) << strict;
  }
}

TEST(OutputFormatSelection, UnknownOrEmptyFormatIsAUsageErrorThatNamesTheFormats) {
  const std::string out = testing::TempDir();
  auto run = testing::RunMmaudit({"audit", "--format", "json,xml", "--out-dir", out, "http://127.0.0.1:9/"});
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("json, html, junit, md, csv"), std::string::npos) << run.output;
  run = testing::RunMmaudit({"audit", "--format", " , ", "--out-dir", out, "http://127.0.0.1:9/"});
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_TRUE(std::filesystem::is_empty(out)) << "nothing is fetched or written";
}

TEST(OutputFormatSelection, AuditHelpNamesEveryFormatAndItsFile) {
  const auto run = testing::RunMmaudit({"audit", "--help"});
  EXPECT_EQ(run.exit_code, 0);
  for (const char* s : {"junit (report.junit.xml)", "md (report.md", "csv (report.csv", "html (report.html)",
                        "json (report.json)", "--junit-warn-as-failure"})
    EXPECT_NE(text::CollapseWhitespace(run.output).find(s), std::string::npos) << s;  // help text wraps
}

}  // namespace
}  // namespace mmaudit
