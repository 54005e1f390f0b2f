// A rule overlay end to end: the real mmaudit binary audits a page of the demo shop over loopback
// HTTP with a config file that applies fixtures/rules/overlay/reweight.json (doctype disabled,
// viewport weighted 7 instead of 3), and the report records the overlay and what it changed.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/fixture_server.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class RuleOverlay : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
  }
  testing::FixtureServer server{testing::SourcePath("fixtures/shops/demo/site")};
};

TEST_F(RuleOverlay, AnAuditWithAnOverlayLeavesOutTheDisabledRuleWeighsTheOtherAndSaysSo) {
  const std::string out = testing::TempDir();
  testing::RunResult run = testing::RunMmaudit({"audit", "--config", testing::SourcePath("fixtures/rules/config/audit.cfg"),
                                                "--out-dir", out, "--max-pages", "2", server.Url("/p/trail-runner-x")});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  rapidjson::Document d;
  d.Parse(Slurp(out + "/report.json").c_str());
  ASSERT_FALSE(d.HasParseError());

  const auto& settings = d["settings"];
  EXPECT_STREQ(settings["rules_source"].GetString(), "built-in");
  EXPECT_EQ(std::string(settings["rules_overlay"].GetString()), testing::SourcePath("fixtures/rules/overlay/reweight.json"))
      << "the config file's relative path is resolved from its folder";
  const auto& changes = settings["rule_changes"];
  ASSERT_EQ(changes.Size(), 2u);
  EXPECT_STREQ(changes[0]["rule_id"].GetString(), "doctype");
  EXPECT_STREQ(changes[0]["kind"].GetString(), "disabled");
  EXPECT_FALSE(changes[0].HasMember("field"));
  EXPECT_STREQ(changes[1]["rule_id"].GetString(), "viewport");
  EXPECT_STREQ(changes[1]["kind"].GetString(), "changed");
  EXPECT_STREQ(changes[1]["field"].GetString(), "weight");
  EXPECT_STREQ(changes[1]["from"].GetString(), "3");
  EXPECT_STREQ(changes[1]["to"].GetString(), "7");

  // The config file's other settings took effect, and the command line won over its max-pages.
  EXPECT_EQ(d["site"]["settings"]["max_pages"].GetUint64(), 2u);
  EXPECT_TRUE(d["checkout"].IsNull()) << "checkout = off";

  for (const auto& r : d["rules"].GetArray()) {
    EXPECT_STRNE(r["id"].GetString(), "doctype");
    if (std::string(r["id"].GetString()) == "viewport") {
      EXPECT_EQ(r["weight"].GetDouble(), 7);
    }
  }
  const rapidjson::Value* page = nullptr;
  for (const auto& p : d["pages"].GetArray())
    if (std::string(p["url"].GetString()) == server.Url("/p/trail-runner-x")) page = &p;
  ASSERT_NE(page, nullptr);
  EXPECT_FALSE((*page)["performance"]["measured"].GetBool()) << "no-resources = true";
  bool viewport_seen = false;
  for (const auto& f : (*page)["findings"].GetArray()) {
    const std::string id = f["rule_id"].GetString();
    EXPECT_NE(id, "doctype") << "a disabled rule gives no finding";
    if (id == "viewport") {
      viewport_seen = true;
      EXPECT_EQ(f["weight"].GetDouble(), 7);
    }
  }
  EXPECT_TRUE(viewport_seen);

  const std::string html = Slurp(out + "/report.html");
  EXPECT_NE(html.find("Rules customised</strong> by <code>" + testing::SourcePath("fixtures/rules/overlay/reweight.json")),
            std::string::npos);
  EXPECT_NE(html.find("<li><code>viewport</code> weight 3 \xe2\x86\x92 7</li>"), std::string::npos);
  EXPECT_NE(html.find("<li><code>doctype</code> disabled</li>"), std::string::npos);
}

TEST_F(RuleOverlay, AnAuditWithoutAnOverlayRecordsNone) {
  const std::string out = testing::TempDir();
  testing::RunResult run = testing::RunMmaudit({"audit", "--no-crawl", "--no-resources", "--checkout", "off", "--out-dir",
                                                out, server.Url("/p/trail-runner-x")});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  rapidjson::Document d;
  d.Parse(Slurp(out + "/report.json").c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_TRUE(d["settings"]["rules_overlay"].IsNull());
  EXPECT_EQ(d["settings"]["rule_changes"].Size(), 0u);
  bool doctype_seen = false;
  for (const auto& f : d["pages"][0]["findings"].GetArray()) doctype_seen |= std::string(f["rule_id"].GetString()) == "doctype";
  EXPECT_TRUE(doctype_seen);
  EXPECT_EQ(Slurp(out + "/report.html").find("Rules customised"), std::string::npos);
}

}  // namespace
}  // namespace mmaudit
