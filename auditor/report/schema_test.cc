// reports/schema/report.schema.json against the JSON that ToJson really writes: fixture pages run
// through facts, rules and scoring, validated with RapidJSON's draft-04 SchemaValidator. The
// negative cases prove the schema is a contract that can fail, not a catch-all.
#include <gtest/gtest.h>

#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <utility>
#include <vector>

#include "core/embedded.h"
#include "facts/extract.h"
#include "report/branding.h"
#include "report/result.h"
#include "rules/catalogue.h"
#include "rules/scoring.h"
#include "rules/site.h"
#include "tests/support/test_paths.h"

namespace mmaudit::report {
namespace {

constexpr const char* kSchemaPath = "reports/schema/report.schema.json";

fetch::Response FixtureResponse(const std::string& url, const std::string& fixture) {
  fetch::Response r;
  r.requested_url = url;
  r.final_url = url;
  r.status = 200;
  r.http_version = "1.1";
  r.headers = {{"content-type", "text/html; charset=utf-8"}};
  r.body = mmaudit::testing::ReadFixture(fixture);
  r.decoded_bytes = r.body.size();
  r.body_transfer_bytes = r.body.size();
  r.transfer_bytes = r.body.size() + 180;
  r.ttfb_ms = 95.5;
  r.total_ms = 140.25;
  return r;
}

// The report for `pages` (URL, fixture path) and one page whose fetch failed, with one rule problem
// so that every kind of "errors" entry that can be produced here appears.
AuditResult BuildResult(const std::vector<std::pair<std::string, std::string>>& pages) {
  rules::Catalogue catalogue = rules::DefaultCatalogue();
  AuditResult result;
  result.generated_at = "2025-01-31T12:00:00Z";
  result.duration_ms = 812.5;
  result.settings.mode = "file";
  result.settings.device = "moto-g-power";
  result.settings.user_agent = "mmaudit-test";
  result.settings.viewport_width = 412;
  result.settings.connect_timeout_ms = 10000;
  result.settings.total_timeout_ms = 30000;
  result.settings.max_body_bytes = 10u << 20;
  result.settings.rules_source = "built-in";
  result.rules = catalogue.rules;
  result.rule_problems = catalogue.problems;
  result.rule_problems.push_back({"rules/extra.json", "broken-rule", "check", "unknown check \"nope\""});
  std::vector<rules::PageOutcome> outcomes;
  std::size_t not_audited = 0;
  for (const auto& [url, fixture] : pages) {
    PageResult page;
    page.facts = facts::ExtractPage(FixtureResponse(url, fixture));
    page.audited = page.facts.error_code.empty();
    if (page.audited) {
      page.findings = rules::EvaluateAll(catalogue, page.facts);
      page.scores = rules::ScorePage(page.findings);
      outcomes.push_back(rules::OutcomeOf(catalogue, url, page.facts.page_type, page.findings, page.scores));
    }
    result.pages.push_back(std::move(page));
  }
  fetch::Response gone;
  gone.requested_url = gone.final_url = "https://gone.example/missing";
  gone.error = fetch::FetchError::kDns;
  gone.error_message = "host not found";
  PageResult failed;
  failed.facts = facts::ExtractPage(gone);
  result.pages.push_back(std::move(failed));
  not_audited = result.pages.size() - outcomes.size();
  rules::SiteVerdict verdict = rules::JudgeSite(catalogue, rules::DefaultCategories(), outcomes, not_audited, {});
  result.site = verdict.scores;
  result.site_findings = verdict.findings;
  result.explanations = verdict.explanations;
  result.categories = rules::DefaultCategories();
  return result;
}

std::string DemoJson() {
  return ToJson(BuildResult({{"https://demo.example/p/trail-runner-x", "fixtures/shops/demo/site/p/trail-runner-x.html"},
                             {"https://demo.example/stores", "fixtures/shops/demo/site/stores.html"},
                             {"https://demo.example/", "fixtures/shops/demo/site/index.html"}}));
}

std::string HostileJson() {
  return ToJson(BuildResult({{"https://hostile.example/p/xss", "fixtures/pages/hostile/xss.html"}}));
}

class ReportSchema : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string text = mmaudit::testing::ReadFixture(kSchemaPath);
    schema_json_ = new rapidjson::Document();
    schema_json_->Parse(text.c_str(), text.size());
    if (!schema_json_->HasParseError()) schema_ = new rapidjson::SchemaDocument(*schema_json_);
  }
  static void TearDownTestSuite() {
    delete schema_;
    delete schema_json_;
    schema_ = nullptr;
    schema_json_ = nullptr;
  }

  // "" when `json` is valid; otherwise where and why it is not, from the validator.
  static std::string Problems(const std::string& json) {
    if (!schema_) return "the schema did not load";
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    if (doc.HasParseError()) return "the report JSON does not parse (offset " + std::to_string(doc.GetErrorOffset()) + ")";
    rapidjson::SchemaValidator validator(*schema_);
    if (doc.Accept(validator)) return "";
    rapidjson::StringBuffer schema_ptr, doc_ptr;
    validator.GetInvalidSchemaPointer().StringifyUriFragment(schema_ptr);
    validator.GetInvalidDocumentPointer().StringifyUriFragment(doc_ptr);
    return std::string("document ") + doc_ptr.GetString() + " fails keyword \"" + validator.GetInvalidSchemaKeyword() +
           "\" of schema " + schema_ptr.GetString();
  }

  // `json` parsed, changed by `edit`, and written back.
  template <typename Edit>
  static std::string Edited(const std::string& json, Edit edit) {
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    edit(doc);
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    doc.Accept(w);
    return std::string(buf.GetString(), buf.GetSize());
  }

  static rapidjson::Document* schema_json_;
  static rapidjson::SchemaDocument* schema_;
};

rapidjson::Document* ReportSchema::schema_json_ = nullptr;
rapidjson::SchemaDocument* ReportSchema::schema_ = nullptr;

TEST_F(ReportSchema, IsADraft04SchemaThatRapidJsonLoads) {
  ASSERT_FALSE(schema_json_->HasParseError()) << "offset " << schema_json_->GetErrorOffset();
  ASSERT_NE(schema_, nullptr);
  ASSERT_TRUE(schema_json_->IsObject());
  EXPECT_STREQ((*schema_json_)["$schema"].GetString(), "http://json-schema.org/draft-04/schema#");
  EXPECT_TRUE(schema_json_->HasMember("definitions"));
  EXPECT_FALSE(schema_json_->HasMember("$defs"));
}

TEST_F(ReportSchema, PinsTheSameSchemaVersionAsTheWriter) {
  const auto& version = (*schema_json_)["properties"]["schema_version"]["enum"];
  ASSERT_TRUE(version.IsArray());
  ASSERT_EQ(version.Size(), 1u);
  EXPECT_STREQ(version[0].GetString(), kSchemaVersion);
}

TEST_F(ReportSchema, IsEmbeddedInTheBinaryAsItIsOnDisk) {
  const auto embedded = embedded::Find(kSchemaPath);
  ASSERT_TRUE(embedded.has_value());
  EXPECT_EQ(std::string(*embedded), mmaudit::testing::ReadFixture(kSchemaPath));
}

TEST_F(ReportSchema, AcceptsTheReportOfDemoShopPagesAndAFailedFetch) {
  const std::string json = DemoJson();
  EXPECT_EQ(Problems(json), "");
}

TEST_F(ReportSchema, AcceptsTheReportOfAHostilePage) {
  EXPECT_EQ(Problems(HostileJson()), "");
}

TEST_F(ReportSchema, AcceptsTheCompactFormAsWellAsThePrettyOne) {
  const AuditResult result = BuildResult({{"https://demo.example/stores", "fixtures/shops/demo/site/stores.html"}});
  EXPECT_EQ(Problems(ToJson(result, /*pretty=*/false)), "");
}

TEST_F(ReportSchema, AcceptsARuleOverlayAndItsChangesButNoUnknownKindOfChange) {
  AuditResult result = BuildResult({{"https://demo.example/stores", "fixtures/shops/demo/site/stores.html"}});
  result.settings.rules_overlay = "agency.json";
  result.settings.rule_changes = {{"doctype", "disabled", "", "", ""},
                                  {"viewport", "changed", "weight", "3", "7"},
                                  {"product-description-long", "added", "", "", ""}};
  const std::string json = ToJson(result);
  EXPECT_EQ(Problems(json), "");
  const std::string renamed =
      Edited(json, [](rapidjson::Document& d) { d["settings"]["rule_changes"][0]["kind"].SetString("renamed"); });
  EXPECT_NE(Problems(renamed).find("enum"), std::string::npos) << Problems(renamed);
  const std::string no_overlay = Edited(json, [](rapidjson::Document& d) { d["settings"].RemoveMember("rules_overlay"); });
  EXPECT_NE(Problems(no_overlay).find("required"), std::string::npos) << Problems(no_overlay);
}

TEST_F(ReportSchema, AcceptsBrandingWithALogoOrANameAloneButNoLogoBytesOfAnotherType) {
  AuditResult result = BuildResult({{"https://demo.example/stores", "fixtures/shops/demo/site/stores.html"}});
  result.settings.brand_name = "Acme <Digital>";
  BrandLogo logo;
  std::string error;
  ASSERT_TRUE(CheckBrandLogo(mmaudit::testing::ReadFixture("fixtures/brand/logo.png"), &logo, &error)) << error;
  result.settings.brand_logo = logo;
  const std::string json = ToJson(result);
  EXPECT_EQ(Problems(json), "");
  result.settings.brand_logo.reset();
  EXPECT_EQ(Problems(ToJson(result)), "") << "a name alone";
  const std::string gif = Edited(json, [](rapidjson::Document& d) {
    d["settings"]["branding"]["logo"]["media_type"].SetString("image/gif");
  });
  EXPECT_NE(Problems(gif).find("#/settings/branding/logo"), std::string::npos) << Problems(gif);
  const std::string no_digest =
      Edited(json, [](rapidjson::Document& d) { d["settings"]["branding"]["logo"].RemoveMember("sha256"); });
  EXPECT_NE(Problems(no_digest).find("#/settings/branding/logo"), std::string::npos) << Problems(no_digest);
}

TEST_F(ReportSchema, RejectsAReportWithoutPages) {
  const std::string json = Edited(DemoJson(), [](rapidjson::Document& d) { d.RemoveMember("pages"); });
  const std::string problems = Problems(json);
  EXPECT_NE(problems, "");
  EXPECT_NE(problems.find("required"), std::string::npos) << problems;
}

TEST_F(ReportSchema, RejectsAnotherSchemaVersion) {
  const std::string json = Edited(DemoJson(), [](rapidjson::Document& d) { d["schema_version"].SetString("2.0.0"); });
  EXPECT_NE(Problems(json).find("enum"), std::string::npos) << Problems(json);
}

TEST_F(ReportSchema, RejectsAnUnknownTopLevelField) {
  const std::string json = Edited(DemoJson(), [](rapidjson::Document& d) {
    d.AddMember("surprise", rapidjson::Value(1), d.GetAllocator());
  });
  EXPECT_NE(Problems(json).find("additionalProperties"), std::string::npos) << Problems(json);
}

TEST_F(ReportSchema, RejectsAFindingWithAnUnknownStatus) {
  const std::string json = Edited(DemoJson(), [](rapidjson::Document& d) {
    d["pages"][0]["findings"][0]["status"].SetString("maybe");
  });
  const std::string problems = Problems(json);
  EXPECT_NE(problems.find("/pages/0/findings/0/status"), std::string::npos) << problems;
}

TEST_F(ReportSchema, RejectsARuleWithAnUnknownMoment) {
  const std::string json = Edited(DemoJson(), [](rapidjson::Document& d) { d["rules"][0]["moment"].SetString("sleep"); });
  EXPECT_NE(Problems(json).find("/rules/0/moment"), std::string::npos) << Problems(json);
}

TEST_F(ReportSchema, RejectsAPageWithoutHttpFacts) {
  const std::string json = Edited(DemoJson(), [](rapidjson::Document& d) { d["pages"][0]["facts"].RemoveMember("http"); });
  EXPECT_NE(Problems(json), "");
}

TEST_F(ReportSchema, RejectsAnErrorEntryOfAnUnknownKind) {
  const std::string json = Edited(DemoJson(), [](rapidjson::Document& d) { d["errors"][0]["kind"].SetString("cosmic-ray"); });
  EXPECT_NE(Problems(json).find("/errors/0"), std::string::npos) << Problems(json);
}

TEST_F(ReportSchema, AcceptsEngagementFactsAndRejectsASignalWithoutEvidence) {
  const std::string json =
      ToJson(BuildResult({{"https://harbour.example/", "fixtures/pages/engagement/widgets-en.html"}}));
  EXPECT_EQ(Problems(json), "");
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  ASSERT_TRUE(d["pages"][0]["facts"].HasMember("engagement"));
  ASSERT_EQ(d["pages"][0]["facts"]["engagement"]["chat_widgets"].Size(), 2u);
  EXPECT_TRUE(d["pages"][0]["scores"]["moments"]["engagement"].IsNumber());
  const std::string broken = Edited(json, [](rapidjson::Document& doc) {
    doc["pages"][0]["facts"]["engagement"]["chat_widgets"][0].RemoveMember("evidence");
  });
  EXPECT_NE(Problems(broken).find("/pages/0/facts/engagement/chat_widgets"), std::string::npos) << Problems(broken);
}

TEST_F(ReportSchema, AllowsNewFieldsInsideFactsSoFactsCanGrow) {
  const std::string json = Edited(DemoJson(), [](rapidjson::Document& d) {
    auto& a = d.GetAllocator();
    d["pages"][0]["facts"]["meta"].AddMember("new_fact", rapidjson::Value(true), a);
    d["pages"][0]["facts"].AddMember("new_group", rapidjson::Value(rapidjson::kObjectType), a);
  });
  EXPECT_EQ(Problems(json), "");
}

}  // namespace
}  // namespace mmaudit::report
