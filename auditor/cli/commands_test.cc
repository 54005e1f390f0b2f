#include "cli/commands.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/progress.h"
#include "rules/catalogue.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit::cli {
namespace {

struct Outcome {
  int code;
  std::string out, err;
};

Outcome Cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = Run(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(Cli, HelpListsEveryCommandEveryAuditOptionAndTheExitCodes) {
  Outcome o = Cli({"--help"});
  EXPECT_EQ(o.code, 0);
  for (const char* s : {"audit", "rules", "version", "--file", "--base-url", "--device", "--out-dir", "--format",
                        "--rules-dir", "--timeout", "--connect-timeout", "--max-body", "--urls-file", "moto-g-power",
                        "Exit codes", "nothing could be audited"})
    EXPECT_NE(o.out.find(s), std::string::npos) << s;
  Outcome sub = Cli({"audit", "--help"});
  EXPECT_EQ(sub.code, 0);
  EXPECT_NE(o.out.find(sub.out.substr(0, sub.out.find("Exit codes"))), std::string::npos)
      << "mmaudit --help and mmaudit audit --help come from one source";
}

TEST(Cli, MistakesOnTheCommandLineAreUsageErrors) {
  EXPECT_EQ(Cli({}).code, 2);
  Outcome unknown = Cli({"audti"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown command \"audti\""), std::string::npos);
  EXPECT_EQ(Cli({"audit", "--no-such-option"}).code, 2);
  Outcome empty = Cli({"audit"});
  EXPECT_EQ(empty.code, 2);
  EXPECT_NE(empty.err.find("nothing to audit"), std::string::npos);
  EXPECT_EQ(Cli({"audit", "ftp://shop.example/"}).code, 2);
  EXPECT_EQ(Cli({"audit", "--device", "nokia-3310", "https://shop.example/"}).code, 2);
  EXPECT_EQ(Cli({"audit", "--format", "pdf", "https://shop.example/"}).code, 2);
  EXPECT_EQ(Cli({"audit", "--file", "/no/such/file.html"}).code, 2);
}

TEST(Cli, AuditsASavedPageOfflineAndSkipsNetworkOnlyRules) {
  const std::string out = testing::TempDir();
  Outcome o = Cli({"audit", "--quiet", "--out-dir", out, "--file",
                   testing::SourcePath("fixtures/shops/demo/site/p/trail-runner-x.html"), "--base-url",
                   "https://demo.northwind.example/p/trail-runner-x"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(o.out.empty()) << "--quiet prints nothing on success";
  std::ifstream in(out + "/report.json");
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["settings"]["mode"].GetString(), "file");
  EXPECT_STREQ(d["pages"][0]["page_type"].GetString(), "product");
  for (const auto& f : d["pages"][0]["findings"].GetArray()) {
    const std::string id = f["rule_id"].GetString();
    if (id == "server-response-time" || id == "text-compression") {
      EXPECT_STREQ(f["status"].GetString(), "not-applicable") << id;
    }
  }
}

TEST(Cli, RulesListsTheCatalogueAndDocumentsOneRule) {
  Outcome list = Cli({"rules"});
  EXPECT_EQ(list.code, 0);
  for (const auto& r : rules::DefaultCatalogue().rules) EXPECT_NE(list.out.find(r.id), std::string::npos) << r.id;
  Outcome doc = Cli({"rules", "--doc", "checkout-form-fields"});
  EXPECT_EQ(doc.code, 0);
  EXPECT_NE(doc.out.find("Baymard"), std::string::npos);
  EXPECT_NE(doc.out.find("Learn more: https://"), std::string::npos);
  EXPECT_EQ(Cli({"rules", "--doc", "no-such-rule"}).code, 2);
  EXPECT_NE(Cli({"rules", "--checks"}).out.find("click-to-call"), std::string::npos);
}

TEST(Cli, TheRealBinaryDocumentsItselfAndExitsWithTheDocumentedCodes) {
  testing::RunResult help = testing::RunMmaudit({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.output, FullHelp());
  EXPECT_EQ(testing::RunMmaudit({"audit"}).exit_code, 2);
  EXPECT_NE(testing::RunMmaudit({"version"}).output.find("mmaudit 0.1.0"), std::string::npos);
}

TEST(Progress, StaysQuietInCiAndOnRequest) {
  setenv("CI", "true", 1);
  EXPECT_EQ(ChooseStyle(false, stderr), ProgressStyle::kQuiet);
  unsetenv("CI");
  EXPECT_EQ(ChooseStyle(true, stderr), ProgressStyle::kQuiet);
  std::FILE* pipe_end = std::tmpfile();
  EXPECT_EQ(ChooseStyle(false, pipe_end), ProgressStyle::kLines);
  auto p = MakeProgress(ProgressStyle::kQuiet, pipe_end);
  p->Planned(2);
  p->Finished("a", true);
  p->Log(LogLevel::kInfo, "hidden");
  p->Log(LogLevel::kError, "shown");
  p->Done();
  std::rewind(pipe_end);
  char buf[256] = {0};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, pipe_end);
  EXPECT_EQ(std::string(buf, n), "mmaudit: error: shown\n");
  std::fclose(pipe_end);
}

}  // namespace
}  // namespace mmaudit::cli
