// Bad input, end to end: the real mmaudit binary against a loopback server that misbehaves. Each
// case must end with a clear message, the documented exit code, and a report that keeps the rest.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>

#include "tests/support/fixture_server.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

using testing::RunMmaudit;

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    server.Route("/deep", [](const httplib::Request&, httplib::Response& res) {
      std::string body = "<!doctype html><html lang=en><title>Deep</title><body>";
      for (int i = 0; i < 10000; ++i) body += "<div>";
      body += "<a href=\"tel:+4930123\">Call</a>";
      res.set_content(body, "text/html; charset=utf-8");
    });
    server.Route("/huge", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<!doctype html><title>Huge</title>" + std::string(2 << 20, 'x'), "text/html");
    });
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
    out = testing::TempDir();
  }

  // Audits `paths` and returns the report, failing the test if it is missing or malformed.
  rapidjson::Document Audit(const std::vector<std::string>& paths, int expected_exit,
                            std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"audit", "--no-crawl", "--out-dir", out};
    for (const auto& p : paths) args.push_back(server.Url(p));
    args.insert(args.end(), extra.begin(), extra.end());
    last = RunMmaudit(args);
    EXPECT_EQ(last.exit_code, expected_exit) << last.output;
    rapidjson::Document d;
    std::ifstream in(out + "/report.json");
    std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    d.Parse(json.c_str());
    EXPECT_FALSE(d.HasParseError()) << "report.json missing or malformed";
    EXPECT_TRUE(std::filesystem::exists(out + "/report.html"));
    return d;
  }

  // The page object for `path` (pages are reported sorted by URL, not in the order given).
  const rapidjson::Value& Page(const rapidjson::Document& d, const std::string& path) {
    for (const auto& p : d["pages"].GetArray())
      if (server.Url(path) == p["url"].GetString()) return p;
    ADD_FAILURE() << "no page " << path;
    static const rapidjson::Value none(rapidjson::kObjectType);
    return none;
  }
  std::string ErrorCode(const rapidjson::Document& d, const std::string& path) {
    const auto& p = Page(d, path);
    return p.HasMember("error") && p["error"].IsObject() ? p["error"]["code"].GetString() : "";
  }

  testing::FixtureServer server{testing::SourcePath("fixtures/shops/bad-input/site")};
  std::string out;
  testing::RunResult last;
};

TEST_F(BadInput, AnUnreachableHostIsAPageErrorAndExitCodeThree) {
  testing::FixtureServer closed("");
  std::string error;
  ASSERT_TRUE(closed.Start(&error));
  const std::string dead = closed.Url("/");
  closed.Stop();
  last = RunMmaudit({"audit", "--no-crawl", "--out-dir", out, "--connect-timeout", "2000", dead});
  EXPECT_EQ(last.exit_code, 3) << last.output;
  EXPECT_NE(last.output.find("connect"), std::string::npos) << last.output;
  EXPECT_NE(last.output.find("no page could be audited"), std::string::npos);
}

TEST_F(BadInput, ErrorStatusesAreRecordedAndTheGoodPageIsStillAudited) {
  rapidjson::Document d = Audit({"/gone", "/error", "/malformed-jsonld"}, 0);
  EXPECT_EQ(ErrorCode(d, "/gone"), "http-status");
  EXPECT_EQ(Page(d, "/gone")["facts"]["http"]["status"].GetInt(), 404);
  EXPECT_EQ(ErrorCode(d, "/error"), "http-status");
  EXPECT_EQ(Page(d, "/error")["facts"]["http"]["status"].GetInt(), 500);
  EXPECT_TRUE(Page(d, "/malformed-jsonld")["audited"].GetBool());
  EXPECT_EQ(d["summary"]["pages_failed"].GetInt(), 2);
}

TEST_F(BadInput, AnErrorStatusFailsTheHttpStatusRuleAndLowersTheSitesDiscoverability) {
  rapidjson::Document d = Audit({"/gone", "/malformed-jsonld"}, 0);
  const auto& gone = Page(d, "/gone");
  ASSERT_EQ(gone["findings"].Size(), 1u) << "only the rules that judge error pages run on it";
  EXPECT_STREQ(gone["findings"][0]["rule_id"].GetString(), "http-status-code");
  EXPECT_STREQ(gone["findings"][0]["status"].GetString(), "fail");
  EXPECT_EQ(gone["scores"]["moments"]["discoverability"].GetDouble(), 0);
  // The site's discoverability is the mean of both pages' (plus site findings of that moment).
  const double good = Page(d, "/malformed-jsonld")["scores"]["moments"]["discoverability"].GetDouble();
  for (const auto& t : d["summary"]["score_trace"]["moments"].GetArray())
    if (std::string(t["id"].GetString()) == "discoverability") {
      EXPECT_EQ(t["parts"][0]["pages"].GetInt(), 2);
      EXPECT_DOUBLE_EQ(t["parts"][0]["score"].GetDouble(), good / 2);
    }
  EXPECT_EQ(d["summary"]["pages_failed"].GetInt(), 1) << "the 404 page is still not audited";
}

TEST_F(BadInput, OnlyErrorPagesMeansNothingAuditedExitThree) {
  Audit({"/gone"}, 3);
}

TEST_F(BadInput, NonHtmlAndEmptyResponsesAreRecordedNotParsed) {
  rapidjson::Document d = Audit({"/price-list", "/empty"}, 3);
  EXPECT_EQ(ErrorCode(d, "/price-list"), "not-html");
  EXPECT_NE(std::string(Page(d, "/price-list")["error"]["message"].GetString()).find("application/pdf"),
            std::string::npos);
  EXPECT_EQ(ErrorCode(d, "/empty"), "empty-body");
}

TEST_F(BadInput, ABodyOverTheLimitIsCutWithAClearError) {
  rapidjson::Document d = Audit({"/huge", "/deep"}, 0, {"--max-body", "1000000"});
  EXPECT_EQ(ErrorCode(d, "/huge"), "fetch");
  EXPECT_NE(std::string(Page(d, "/huge")["error"]["message"].GetString()).find("exceeds the limit of 1000000 bytes"),
            std::string::npos);
  EXPECT_TRUE(Page(d, "/deep")["audited"].GetBool());
}

TEST_F(BadInput, HtmlNestedTenThousandLevelsDeepIsAuditedWithoutTheDepthLimit) {
  rapidjson::Document d = Audit({"/deep"}, 0, {"--max-dom-depth", "0"});
  EXPECT_GT(d["pages"][0]["facts"]["meta"]["max_depth"].GetInt(), 10000);
  EXPECT_EQ(d["pages"][0]["facts"]["links"]["tel"].GetInt(), 1);
}

TEST_F(BadInput, HtmlNestedTenThousandLevelsDeepIsFlattenedAtTheDepthLimitKeepingItsContent) {
  rapidjson::Document d = Audit({"/deep"}, 0);
  EXPECT_LE(d["pages"][0]["facts"]["meta"]["max_depth"].GetInt(), 512 + 3);
  EXPECT_EQ(d["pages"][0]["facts"]["links"]["tel"].GetInt(), 1);
  ASSERT_GE(d["pages"][0]["facts"]["notes"].Size(), 1u);
  EXPECT_STREQ(d["pages"][0]["facts"]["notes"][0]["code"].GetString(), "limit-dom-depth");
}

TEST_F(BadInput, InvalidUtf8IsReplacedAndReported) {
  rapidjson::Document d = Audit({"/invalid-utf8"}, 0);
  const auto& facts = d["pages"][0]["facts"];
  EXPECT_EQ(facts["meta"]["invalid_utf8_replaced"].GetInt(), 5);  // the NUL byte is dropped, not counted
  EXPECT_STREQ(facts["notes"][0]["code"].GetString(), "invalid-bytes");
  bool charset_failed = false;
  for (const auto& f : d["pages"][0]["findings"].GetArray())
    if (std::string(f["rule_id"].GetString()) == "charset") charset_failed = std::string(f["status"].GetString()) == "fail";
  EXPECT_TRUE(charset_failed);
}

TEST_F(BadInput, MalformedJsonLdIsAFindingAndTheOtherBlocksStillCount) {
  rapidjson::Document d = Audit({"/malformed-jsonld"}, 0);
  const auto& sd = d["pages"][0]["facts"]["structured_data"];
  EXPECT_EQ(sd["json_ld_blocks"].GetInt(), 2);
  ASSERT_EQ(sd["errors"].Size(), 1u);
  EXPECT_NE(std::string(sd["errors"][0]["message"].GetString()).find("JSON-LD block 1"), std::string::npos);
  EXPECT_STREQ(sd["types"][0].GetString(), "BreadcrumbList");
}

TEST_F(BadInput, ARuleFileThatIsNotJsonIsAConfigurationErrorNamingTheFile) {
  last = RunMmaudit({"audit", "--no-crawl", "--out-dir", out, "--rules-dir", testing::SourcePath("fixtures/rules/not-json"),
                     server.Url("/malformed-jsonld")});
  EXPECT_EQ(last.exit_code, 2);
  EXPECT_NE(last.output.find("broken.json: not valid JSON"), std::string::npos) << last.output;
  EXPECT_TRUE(server.Requests().empty()) << "nothing is fetched when the configuration is wrong";
}

TEST_F(BadInput, ARuleWithAnUnknownCheckIsSkippedAndListedInTheReport) {
  rapidjson::Document d =
      Audit({"/malformed-jsonld"}, 0, {"--rules-dir", testing::SourcePath("fixtures/rules/unknown-check")});
  EXPECT_NE(last.output.find("custom-magic"), std::string::npos) << last.output;
  bool listed = false;
  for (const auto& e : d["errors"].GetArray())
    if (std::string(e["kind"].GetString()) == "rule" && std::string(e["rule_id"].GetString()) == "custom-magic")
      listed = std::string(e["field"].GetString()) == "check";
  EXPECT_TRUE(listed);
  EXPECT_EQ(d["rules"].Size(), 1u);
  EXPECT_EQ(d["pages"][0]["findings"].Size(), 1u);
}

}  // namespace
}  // namespace mmaudit
