// Several shops in one run (issue 9): `mmaudit audit --sites FILE` audits each shop of the file over
// loopback HTTP with the real binary, writes each one's reports under OUT-DIR/sites/<slug>/, and a
// portfolio (portfolio.json, portfolio.html) that ranks them by score. The exit code is 1 when a
// site failed a gate or could not be audited, 3 when no site could be, 0 otherwise.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/support/fixture_server.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class Sites : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    demo = new testing::FixtureServer(testing::SourcePath("fixtures/shops/demo/site"));
    polski = new testing::FixtureServer(testing::SourcePath("fixtures/shops/polski/site"));
    std::string error;
    ASSERT_TRUE(demo->Start(&error)) << error;
    ASSERT_TRUE(polski->Start(&error)) << error;
  }
  static void TearDownTestSuite() {
    delete demo;
    delete polski;
    demo = polski = nullptr;
  }
  // Runs `audit --sites` on a file holding `lines`, with quick settings and `extra` options.
  static testing::RunResult Run(const std::string& lines, const std::string& out, std::vector<std::string> extra = {}) {
    const std::string file = testing::TempDir() + "/sites.txt";
    std::ofstream(file) << lines;
    std::vector<std::string> args = {"audit", "--sites", file, "--no-resources", "--checkout", "off",
                                     "--max-pages", "40", "--out-dir", out, "--format", "html,md"};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::RunMmaudit(args);
  }
  static testing::FixtureServer* demo;
  static testing::FixtureServer* polski;
};
testing::FixtureServer* Sites::demo = nullptr;
testing::FixtureServer* Sites::polski = nullptr;

TEST_F(Sites, EachShopGetsItsReportsAndThePortfolioRanksThemWithTheDeadShopLast) {
  const std::string out = testing::TempDir();
  const auto run = Run("# our clients\n" + demo->Url("/") + " Demo <Shop>\nhttp://127.0.0.1:1/ Closed shop\n" +
                           polski->Url("/") + " Sklep\n",
                       out);
  EXPECT_EQ(run.exit_code, 1) << run.output;  // the closed shop
  EXPECT_NE(run.output.find("Closed shop had no page audited"), std::string::npos) << run.output;
  rapidjson::Document d;
  d.Parse(Slurp(out + "/portfolio.json").c_str());
  ASSERT_FALSE(d.HasParseError());
  const auto& sites = d["sites"];
  ASSERT_EQ(sites.Size(), 3u);
  // The two shops by score, then the closed one; each audited shop's reports are where it says.
  ASSERT_TRUE(sites[0]["overall"].IsNumber());
  ASSERT_TRUE(sites[1]["overall"].IsNumber());
  EXPECT_GE(sites[0]["overall"].GetDouble(), sites[1]["overall"].GetDouble());
  EXPECT_STREQ(sites[2]["name"].GetString(), "Closed shop");
  EXPECT_STREQ(sites[2]["status"].GetString(), "nothing-audited");
  EXPECT_TRUE(sites[2]["rank"].IsNull());
  for (unsigned i = 0; i < 2; ++i) {
    EXPECT_STREQ(sites[i]["status"].GetString(), "audited");
    EXPECT_EQ(sites[i]["rank"].GetInt(), static_cast<int>(i) + 1);
    const std::string dir = out + "/" + sites[i]["dir"].GetString();
    EXPECT_TRUE(std::filesystem::is_regular_file(out + "/" + sites[i]["report_html"].GetString()));
    EXPECT_TRUE(std::filesystem::is_regular_file(dir + "/report.md"));
    rapidjson::Document r;
    r.Parse(Slurp(dir + "/report.json").c_str());  // kept for the portfolio although not asked for
    ASSERT_FALSE(r.HasParseError());
    EXPECT_EQ(r["summary"]["scores"]["overall"].GetDouble(), sites[i]["overall"].GetDouble());
    EXPECT_GT(r["summary"]["pages_audited"].GetUint(), 3u);
  }
  const std::string html = Slurp(out + "/portfolio.html");
  EXPECT_NE(html.find("Demo &lt;Shop&gt;"), std::string::npos);
  EXPECT_EQ(html.find("Demo <Shop>"), std::string::npos);
  EXPECT_NE(html.find("href=\"" + std::string(sites[0]["report_html"].GetString()) + "\""), std::string::npos);
  EXPECT_NE(html.find("nothing audited"), std::string::npos);
}

TEST_F(Sites, AllShopsPassingExitZeroAGateFailingExitsOneAndNoShopAuditedExitsThree) {
  const std::string lines = demo->Url("/") + "\n" + polski->Url("/") + "\n";
  EXPECT_EQ(Run(lines, testing::TempDir()).exit_code, 0);
  const std::string out = testing::TempDir();
  const auto gated = Run(lines, out, {"--fail-under", "100"});
  EXPECT_EQ(gated.exit_code, 1) << gated.output;
  rapidjson::Document d;
  d.Parse(Slurp(out + "/portfolio.json").c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["sites"][0]["status"].GetString(), "gate-failed");
  EXPECT_STREQ(d["sites"][0]["gates"].GetString(), "fail");
  EXPECT_EQ(Run("http://127.0.0.1:1/\n", testing::TempDir()).exit_code, 3);
}

TEST_F(Sites, ABadSitesFileOrSitesWithUrlsIsAUsageError) {
  const auto bad = Run("https://ok.example/\nnot-a-url\n", testing::TempDir());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("line 2"), std::string::npos) << bad.output;
  const std::string file = testing::TempDir() + "/s.txt";
  std::ofstream(file) << demo->Url("/") << "\n";
  const auto both = testing::RunMmaudit({"audit", "--sites", file, demo->Url("/")});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.output.find("--sites cannot be combined with --url"), std::string::npos) << both.output;
}

}  // namespace
}  // namespace mmaudit
