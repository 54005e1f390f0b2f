// CI gates judged on a small hand-made report (fixtures/assertions/report.json: three audited pages,
// one page not audited, a site finding and a checkout finding), and every mistake an assertions file
// can hold (fixtures/assertions/bad/).
#include "report/gates.h"

#include <gtest/gtest.h>

#include <cctype>

#include <string>
#include <vector>

#include "report/html.h"
#include "report/result.h"
#include "rules/catalogue.h"
#include "tests/support/json_subset.h"
#include "tests/support/test_paths.h"

namespace mmaudit::report {
namespace {

class Gates : public ::testing::Test {
 protected:
  void SetUp() override {
    report_.Parse(mmaudit::testing::ReadFixture("fixtures/assertions/report.json").c_str());
    ASSERT_FALSE(report_.HasParseError());
  }
  // The gates of the assertions file `json` (and `fail_under`) judged on the fixture report.
  GateReport Judge(const std::string& json, const std::vector<std::string>& fail_under = {}) {
    GateConfig config;
    std::vector<GateConfigError> errors;
    if (!json.empty()) {
      EXPECT_TRUE(ParseAssertions(json, &config, &errors)) << (errors.empty() ? "" : errors[0].Text("inline"));
    }
    for (const auto& spec : fail_under) {
      FailUnder f;
      std::string error;
      EXPECT_TRUE(ParseFailUnder(spec, &f, &error)) << error;
      config.fail_under.push_back(f);
    }
    return EvaluateGates(report_, config);
  }
  rapidjson::Document report_;
};

TEST_F(Gates, ALevelAloneHoldsEveryAuditedPageToMinScore09) {
  const GateReport g = Judge(R"({"assertions": {"viewport": "error"}})");
  EXPECT_EQ(g.checked, 3u) << "three audited pages; the page not audited is not judged";
  EXPECT_EQ(g.failures, 1u);
  ASSERT_EQ(g.results.size(), 1u);
  const GateResult& r = g.results[0];
  EXPECT_EQ(r.assertion, "viewport");
  EXPECT_EQ(r.kind, "minScore");
  EXPECT_EQ(r.where, "https://shop.test/p/1");
  EXPECT_EQ(r.op, ">=");
  EXPECT_EQ(r.expected, 0.9);
  ASSERT_TRUE(r.actual);
  EXPECT_EQ(*r.actual, 0);
  EXPECT_EQ(r.source, "assertions");
  EXPECT_TRUE(g.Failed());
}

TEST_F(Gates, MinScoreComparesEachFindingsScoreAndSkipsNotApplicableOnes) {
  const GateReport g = Judge(R"({"assertions": {"largest-contentful-paint": ["error", {"minScore": 0.95}]}})");
  EXPECT_EQ(g.checked, 2u) << "/p/2 is not applicable";
  EXPECT_EQ(g.passed, 1u) << "0.95 meets 0.95";
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_EQ(*g.results[0].actual, 0.3);
}

TEST_F(Gates, MaxNumericValueComparesTheMeasuredValueWithoutTheDefaultMinScore) {
  const GateReport g = Judge(R"({"assertions": {"largest-contentful-paint": ["error", {"maxNumericValue": 4000}]}})");
  EXPECT_EQ(g.checked, 2u);
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_EQ(g.results[0].kind, "maxNumericValue");
  EXPECT_EQ(g.results[0].op, "<=");
  EXPECT_EQ(*g.results[0].actual, 5200);
  EXPECT_EQ(g.results[0].message, "5.2 s");
}

TEST_F(Gates, MaxLengthCountsTheFindingsEvidenceItems) {
  const GateReport g = Judge(R"({"assertions": {"image-alt": ["error", {"maxLength": 1}]}})");
  EXPECT_EQ(g.checked, 3u);
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_EQ(g.results[0].kind, "maxLength");
  EXPECT_EQ(*g.results[0].actual, 2);
  EXPECT_EQ(g.results[0].message, "2 images without alt [/a.jpg; /b.jpg second line]")
      << "the evidence joins the message, on one line";
}

TEST_F(Gates, SeveralOptionsGiveOneResultEach) {
  const GateReport g =
      Judge(R"({"assertions": {"largest-contentful-paint": ["error", {"minScore": 0.5, "maxNumericValue": 6000}]}})");
  EXPECT_EQ(g.checked, 4u);
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_EQ(g.results[0].kind, "minScore");
}

TEST_F(Gates, AFindingWhoseRuleCouldNotRunFails) {
  const GateReport g = Judge(R"({"assertions": {"broken-check": ["warn", {"minScore": 0}]}})");
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_FALSE(g.results[0].actual);
  EXPECT_EQ(g.results[0].message, "the rule could not run: the check threw: boom");
  EXPECT_EQ(g.warnings, 1u);
  EXPECT_FALSE(g.Failed()) << "a warning does not fail the run";
}

TEST_F(Gates, MaxNumericValueOnAFindingWithoutAValueFails) {
  const GateReport g = Judge(R"({"assertions": {"viewport": ["error", {"maxNumericValue": 1}]}})");
  EXPECT_EQ(g.checked, 3u);
  EXPECT_EQ(g.failures, 3u);
  EXPECT_EQ(g.results[0].message, "the finding gives no numeric value");
}

TEST_F(Gates, AnInformativeFindingIsSkippedByMinScoreButJudgedByMaxNumericValue) {
  GateReport g = Judge(R"({"assertions": {"fyi-count": "error"}})");
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_EQ(g.results[0].kind, "auditRan") << "nothing could be judged, which must not pass silently";
  EXPECT_EQ(g.results[0].where, "site");
  g = Judge(R"({"assertions": {"fyi-count": ["error", {"maxNumericValue": 10}]}})");
  ASSERT_EQ(g.results.size(), 2u);
  EXPECT_EQ(*g.results[0].actual, 12);
  EXPECT_FALSE(g.results[1].actual) << "/p/1's informative finding has no value";
}

TEST_F(Gates, TopLevelAssertionsJudgeTheSiteAndCheckoutFindingsToo) {
  const GateReport g = Judge(R"({"includePassedAssertions": true,
      "assertions": {"review-coverage": "error", "checkout-steps": ["error", {"maxNumericValue": 5}]}})");
  ASSERT_EQ(g.results.size(), 2u);
  EXPECT_EQ(g.results[0].where, "site");
  EXPECT_FALSE(g.results[0].passed);
  EXPECT_EQ(g.results[1].where, "checkout");
  EXPECT_TRUE(g.results[1].passed);
  EXPECT_EQ(*g.results[1].actual, 4);
}

TEST_F(Gates, ATopLevelCategoryAssertionJudgesTheSitesScore) {
  const GateReport g = Judge(R"({"includePassedAssertions": true, "assertions": {
      "categories:buy": ["error", {"minScore": 0.8}], "categories:know": "error", "categories.go": "warn",
      "categories:overall": ["error", {"minScore": 0.7}]}})");
  ASSERT_EQ(g.results.size(), 4u);
  EXPECT_TRUE(g.results[0].passed) << "80 meets 0.8";
  EXPECT_EQ(g.results[0].where, "site");
  EXPECT_FALSE(g.results[1].passed) << "the default minScore is 0.9";
  EXPECT_EQ(*g.results[1].actual, 0.65);
  EXPECT_FALSE(g.results[2].passed) << "go has no score";
  EXPECT_FALSE(g.results[2].actual);
  EXPECT_EQ(g.results[2].level, GateLevel::kWarn);
  EXPECT_TRUE(g.results[3].passed);
  EXPECT_EQ(g.failures, 1u);
  EXPECT_EQ(g.warnings, 1u);
}

TEST_F(Gates, InAMatrixEntryACategoryAssertionJudgesEachSelectedPage) {
  const GateReport g = Judge(R"({"assertMatrix": [{"pageTypes": ["product"],
      "assertions": {"categories:know": ["error", {"minScore": 0.6}]}}]})");
  EXPECT_EQ(g.checked, 2u);
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_EQ(g.results[0].where, "https://shop.test/p/1");
  EXPECT_EQ(*g.results[0].actual, 0.5);
  EXPECT_EQ(g.results[0].source, "assertMatrix[0]");
}

TEST_F(Gates, AMatchingUrlPatternIsSearchedInTheUrlAndTheFinalUrl) {
  const GateReport g = Judge(R"({"includePassedAssertions": true,
      "assertMatrix": [{"matchingUrlPattern": "2-new$", "assertions": {"viewport": "error"}}]})");
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_EQ(g.results[0].where, "https://shop.test/p/2");
  EXPECT_TRUE(g.results[0].passed);
}

// Backtracking would take about 2^40 steps on these URLs; RE2 takes linear time.
TEST_F(Gates, AMatchingUrlPatternThatWouldBacktrackForeverIsMatchedInLinearTime) {
  const GateReport g = Judge(R"({"includePassedAssertions": true,
      "assertMatrix": [{"matchingUrlPattern": "^(([a-z/:.]|[a-z/:.])+)+2-new$", "assertions": {"viewport": "error"}}]})");
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_EQ(g.results[0].where, "https://shop.test/p/2");
}

// Found by the assertions fuzz target: "\\99...9" (a backreference numbered past any int) made
// std::regex's compiler overflow a signed integer (undefined behaviour inside libstdc++). Patterns
// are compiled with RE2, which refuses backreferences and lookaround with a clear reason.
TEST(AssertionsFile, APatternThatNeedsBacktrackingIsRefusedWithRe2sReason) {
  for (const std::string& pattern : {std::string(R"(/p/(\\99999999999999999999))"), std::string("/p/(?!sale)"),
                                     std::string("(a)\\\\1")}) {
    GateConfig config;
    std::vector<GateConfigError> errors;
    const std::string json = R"({"assertMatrix": [{"matchingUrlPattern": ")" + pattern + R"(", "assertions": {"viewport": "error"}}]})";
    EXPECT_FALSE(ParseAssertions(json, &config, &errors)) << pattern;
    ASSERT_EQ(errors.size(), 1u) << pattern;
    EXPECT_EQ(errors[0].key, "assertMatrix[0].matchingUrlPattern");
    EXPECT_EQ(errors[0].message.rfind("not a valid regular expression: ", 0), 0u) << errors[0].message;
  }
  GateConfig config;
  std::vector<GateConfigError> errors;
  EXPECT_FALSE(ParseAssertions(
      mmaudit::testing::ReadFixture("fixtures/fuzz-regressions/assertions-pattern-with-a-huge-backreference.json"),
      &config, &errors));
  bool pattern_refused = false;
  for (const GateConfigError& e : errors)
    pattern_refused = pattern_refused || (e.key == "assertMatrix[0].matchingUrlPattern" &&
                                          e.message.rfind("not a valid regular expression: ", 0) == 0);
  EXPECT_TRUE(pattern_refused);
}

TEST_F(Gates, APatternAndPageTypesMustBothMatch) {
  GateReport g = Judge(R"({"assertMatrix": [{"matchingUrlPattern": "/p/", "pageTypes": ["home"],
      "assertions": {"viewport": "error"}}]})");
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_EQ(g.results[0].kind, "auditRan");
  EXPECT_EQ(g.results[0].where, "assertMatrix[0]");
  EXPECT_EQ(g.results[0].message, "no audited page matched this entry");
  g = Judge(R"({"assertMatrix": [{"matchingUrlPattern": "/p/", "pageTypes": ["product"],
      "assertions": {"viewport": "error"}}]})");
  EXPECT_EQ(g.checked, 2u);
  EXPECT_EQ(g.failures, 1u);
}

TEST_F(Gates, ARuleNotApplicableOnEveryPageSelectedFailsWithAuditRan) {
  const GateReport g = Judge(R"({"assertMatrix": [{"matchingUrlPattern": "/p/2",
      "assertions": {"largest-contentful-paint": ["warn", {"maxNumericValue": 4000}]}}]})");
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_EQ(g.results[0].kind, "auditRan");
  EXPECT_EQ(g.warnings, 1u);
}

TEST_F(Gates, ARuleMissingFromTheReportFailsWithAuditRan) {
  const GateReport g = Judge(R"({"assertions": {"no-such-rule": "error"}})");
  ASSERT_EQ(g.results.size(), 1u);
  EXPECT_EQ(g.results[0].kind, "auditRan");
  EXPECT_EQ(g.results[0].message, "no rule \"no-such-rule\" in the report's catalogue");
}

TEST_F(Gates, OffAssertsNothing) {
  const GateReport g = Judge(R"({"assertions": {"viewport": "off", "categories:know": "off"}})");
  EXPECT_EQ(g.checked, 0u);
  EXPECT_FALSE(g.Failed());
}

TEST_F(Gates, EveryMatrixEntryAppliesOnItsOwnAfterTheTopLevelAssertions) {
  const GateReport g = Judge(R"({"assertMatrix": [{"pageTypes": ["product"], "assertions": {"viewport": "warn"}}],
      "assertions": {"viewport": "error"}})");
  ASSERT_EQ(g.results.size(), 2u);
  EXPECT_EQ(g.results[0].source, "assertions");
  EXPECT_EQ(g.results[0].level, GateLevel::kError);
  EXPECT_EQ(g.results[1].source, "assertMatrix[0]");
  EXPECT_EQ(g.results[1].level, GateLevel::kWarn);
}

TEST_F(Gates, FailUnderJudgesTheSitesOverallOrOneCategorysScore) {
  const GateReport g = Judge("", {"72", "buy=81", "go=10", "know=65"});
  EXPECT_EQ(g.checked, 4u);
  EXPECT_EQ(g.failures, 2u);
  ASSERT_EQ(g.results.size(), 2u);
  EXPECT_EQ(g.results[0].source, "--fail-under buy=81");
  EXPECT_EQ(*g.results[0].actual, 80);
  EXPECT_EQ(g.results[0].expected, 81);
  EXPECT_EQ(g.results[1].source, "--fail-under go=10");
  EXPECT_FALSE(g.results[1].actual) << "a missing score fails";
  EXPECT_EQ(g.fail_under, (std::vector<std::string>{"72", "buy=81", "go=10", "know=65"}));
}

TEST_F(Gates, PassedResultsAreListedOnlyWhenAsked) {
  EXPECT_EQ(Judge(R"({"assertions": {"image-alt": "error"}})").results.size(), 1u);
  EXPECT_EQ(Judge(R"({"includePassedAssertions": true, "assertions": {"image-alt": "error"}})").results.size(), 3u);
}

TEST_F(Gates, AResultReadsAsOneLine) {
  const GateReport g = Judge(R"({"assertions": {"viewport": "error"}})", {"buy=81"});
  ASSERT_EQ(g.results.size(), 2u);
  EXPECT_EQ(g.results[0].Line(), "error fail-under on site: expected >= 81, found 80 (--fail-under buy=81): the site's buy score");
  EXPECT_EQ(g.results[1].Line(),
            "error viewport minScore on https://shop.test/p/1: expected >= 0.9, found 0 (assertions): no viewport "
            "[no <meta name=viewport>]");
}

TEST(GateResultLine, WritesLargeAndFractionalNumbersInFullOnOneLine) {
  GateResult r;
  r.assertion = "total-byte-weight";
  r.kind = "maxNumericValue";
  r.level = GateLevel::kWarn;
  r.where = "https://shop.test/a\r\nb";
  r.source = "assertMatrix[2]";
  r.op = "<=";
  r.expected = 1500000;
  r.actual = 2345678.5;
  EXPECT_EQ(r.Line(), "warn total-byte-weight maxNumericValue on https://shop.test/a  b: expected <= 1500000, found "
                      "2345678.5 (assertMatrix[2])");
  r.actual.reset();
  r.expected = 0.25;
  r.message = "why";
  EXPECT_EQ(r.Line(), "warn total-byte-weight maxNumericValue on https://shop.test/a  b: expected <= 0.25, found nothing "
                      "(assertMatrix[2]): why");
}

TEST_F(Gates, AMalformedReportIsJudgedAsEmptyWithoutCrashing) {
  for (const char* json : {"[]", "{}", R"({"pages": 3, "rules": {}, "summary": []})",
                           R"({"pages": [{"audited": true, "findings": [1, {"rule_id": 2}]}], "rules": [{"id": "viewport"}]})"}) {
    rapidjson::Document d;
    d.Parse(json);
    GateConfig config;
    std::vector<GateConfigError> errors;
    ASSERT_TRUE(ParseAssertions(R"({"assertions": {"viewport": "error", "categories:buy": "error"}})", &config, &errors));
    config.fail_under.push_back({"80", "overall", 80});
    const GateReport g = EvaluateGates(d, config);
    EXPECT_EQ(g.failures, 3u) << json;
  }
}

TEST_F(Gates, TheSameReportAndGatesGiveTheSameResults) {
  const std::string assertions = mmaudit::testing::ReadFixture("fixtures/assertions/demo-determinism.json");
  const GateReport a = Judge(assertions, {"80", "buy=50"});
  const GateReport b = Judge(assertions, {"80", "buy=50"});
  ASSERT_EQ(a.results.size(), b.results.size());
  for (std::size_t i = 0; i < a.results.size(); ++i) EXPECT_EQ(a.results[i].Line(), b.results[i].Line());
}

// ------------------------------------------------------------------ --fail-under

TEST(FailUnder, TakesAScoreForTheOverallScoreOrCategoryEqualsScore) {
  FailUnder f;
  std::string error;
  ASSERT_TRUE(ParseFailUnder("80", &f, &error)) << error;
  EXPECT_EQ(f.category, "overall");
  EXPECT_EQ(f.min, 80);
  ASSERT_TRUE(ParseFailUnder("buy=72.5", &f, &error)) << error;
  EXPECT_EQ(f.category, "buy");
  EXPECT_EQ(f.min, 72.5);
  EXPECT_EQ(f.spec, "buy=72.5");
  ASSERT_TRUE(ParseFailUnder("overall=0", &f, &error)) << error;
}

TEST(FailUnder, RefusesAnUnknownCategoryOrAScoreOutside0To100) {
  FailUnder f;
  std::string error;
  EXPECT_FALSE(ParseFailUnder("checkout=80", &f, &error));
  EXPECT_NE(error.find("unknown category \"checkout\""), std::string::npos) << error;
  for (const char* bad : {"buy=", "101", "-1", "abc", "80x", "", "buy=nan", "buy=inf"}) {
    error.clear();
    EXPECT_FALSE(ParseFailUnder(bad, &f, &error)) << bad;
    EXPECT_NE(error.find("number from 0 to 100"), std::string::npos) << bad << ": " << error;
  }
}

// ------------------------------------------------------------------ the assertions file

struct BadFile {
  const char* file;     // under fixtures/assertions/bad/
  const char* key;      // the first mistake's key
  const char* message;  // a part of its message
  std::size_t count;    // mistakes in the file
};

class BadAssertionsFile : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadAssertionsFile, IsRefusedNamingTheKeyAndTheProblem) {
  const BadFile& b = GetParam();
  GateConfig config;
  std::vector<GateConfigError> errors;
  const std::string path = std::string("fixtures/assertions/bad/") + b.file;
  const bool parsed = ParseAssertions(mmaudit::testing::ReadFixture(path), &config, &errors);
  if (parsed) errors = CheckAgainstRules(config, rules::DefaultCatalogue().rules);
  ASSERT_EQ(errors.size(), b.count) << (errors.empty() ? std::string("no mistake found") : errors[0].Text(path));
  EXPECT_EQ(errors[0].key, b.key);
  EXPECT_NE(errors[0].message.find(b.message), std::string::npos) << errors[0].message;
  const std::string text = errors[0].Text(path);
  EXPECT_EQ(text.rfind(path + ": ", 0), 0u) << text;
  if (*b.key != '\0') {
    EXPECT_NE(text.find("key \"" + std::string(b.key) + "\": "), std::string::npos) << text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryMistake, BadAssertionsFile,
    ::testing::Values(
        BadFile{"not-json.json", "", "not valid JSON", 1},
        BadFile{"not-object.json", "", "must be a JSON object", 1},
        BadFile{"empty.json", "", "asserts nothing", 1},
        BadFile{"unknown-key.json", "asserts", "unknown key", 1},
        BadFile{"bad-level.json", "assertions.viewport", "not \"fatal\"", 1},
        BadFile{"bad-shape.json", "assertions.viewport", "an array of 3 items", 1},
        BadFile{"not-an-assertion.json", "assertions.viewport", "expected \"off\", \"warn\", \"error\"", 1},
        BadFile{"unknown-option.json", "assertions.viewport.minScroe", "unknown option", 1},
        BadFile{"min-score-range.json", "assertions.viewport.minScore", "between 0 and 1", 1},
        BadFile{"max-length-fraction.json", "assertions.image-alt.maxLength", "whole number", 1},
        BadFile{"not-a-number.json", "assertions.largest-contentful-paint.maxNumericValue", "must be a number", 1},
        BadFile{"unknown-category.json", "assertions.categories:checkout", "unknown category \"checkout\"", 1},
        BadFile{"category-max.json", "assertions.categories:buy", "takes only minScore", 1},
        BadFile{"bad-pattern.json", "assertMatrix[0].matchingUrlPattern", "not a valid regular expression", 1},
        BadFile{"unknown-page-type.json", "assertMatrix[0].pageTypes[1]", "unknown page type \"prodcut\"", 1},
        BadFile{"matrix-without-assertions.json", "assertMatrix[0]", "has no \"assertions\"", 1},
        BadFile{"matrix-unknown-key.json", "assertMatrix[0].urlPattern", "unknown key", 1},
        BadFile{"matrix-not-array.json", "assertMatrix", "must be an array", 1},
        BadFile{"lighthouse-options.json", "preset", "presets", 3},
        BadFile{"unknown-rule.json", "assertions.viewprot", "no rule with this id", 1},
        BadFile{"site-rule-in-matrix.json", "assertMatrix[0].review-coverage", "site-scoped", 1}),
    [](const ::testing::TestParamInfo<BadFile>& info) {
      std::string name;
      for (const char* c = info.param.file; *c != '.'; ++c) name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
      return name;
    });

TEST(AssertionsFile, AParsedFileKeepsItsSetsInOrderWithTheirSelections) {
  GateConfig config;
  std::vector<GateConfigError> errors;
  ASSERT_TRUE(ParseAssertions(mmaudit::testing::ReadFixture("fixtures/assertions/demo-pass.json"), &config, &errors));
  ASSERT_EQ(config.sets.size(), 3u);
  EXPECT_EQ(config.sets[0].source, "assertions");
  EXPECT_TRUE(config.sets[0].SelectsAll());
  EXPECT_EQ(config.sets[1].page_types, (std::vector<std::string>{"product"}));
  EXPECT_EQ(config.sets[2].url_pattern, "/c/running-shoes");
  const Assertion& lcp = config.sets[0].assertions[2];
  EXPECT_EQ(lcp.rule_id, "largest-contentful-paint");
  EXPECT_EQ(lcp.level, GateLevel::kError);
  EXPECT_EQ(*lcp.max_numeric_value, 4000);
  EXPECT_FALSE(lcp.MinScore()) << "no default minScore beside maxNumericValue";
  EXPECT_EQ(*config.sets[0].assertions[0].MinScore(), 0.9);
  EXPECT_EQ(config.sets[0].assertions[5].category, "mobile");
  EXPECT_TRUE(CheckAgainstRules(config, rules::DefaultCatalogue().rules).empty());
}

TEST(AssertionsFile, AnInformativeRuleCannotTakeMinScoreButCanTakeMaxNumericValue) {
  rules::RuleSpec fyi;
  fyi.id = "fyi";
  fyi.score_mode = rules::ScoreMode::kInformative;
  GateConfig config;
  std::vector<GateConfigError> errors;
  ASSERT_TRUE(ParseAssertions(R"({"assertions": {"fyi": "warn"}})", &config, &errors));
  errors = CheckAgainstRules(config, {fyi});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("informative"), std::string::npos);
  EXPECT_NE(errors[0].message.find("a level alone means minScore 0.9"), std::string::npos);
  config = {};
  ASSERT_TRUE(ParseAssertions(R"({"assertions": {"fyi": ["error", {"maxNumericValue": 3}]}})", &config, &errors));
  EXPECT_TRUE(CheckAgainstRules(config, {fyi}).empty());
}

// ------------------------------------------------------------------ in the report

TEST(GatesInTheReport, AreWrittenToTheJsonValidatedByTheSchemaAndShownEscapedInTheHtml) {
  AuditResult result;
  result.generated_at = "2025-01-31T12:00:00Z";
  result.settings.mode = "file";
  result.rules = rules::DefaultCatalogue().rules;
  EXPECT_NE(ToJson(result).find("\"gates\": null"), std::string::npos) << "no gates asked for";
  GateReport g;
  g.assertions_file = "ci/<asserts>.json";
  g.fail_under = {"buy=80"};
  g.checked = 3;
  g.passed = 1;
  g.failures = 1;
  g.warnings = 1;
  GateResult r;
  r.assertion = "viewport";
  r.kind = "minScore";
  r.where = "https://shop.test/p?q=<script>alert(1)</script>";
  r.source = "assertions";
  r.op = ">=";
  r.expected = 0.9;
  r.actual = 0;
  r.message = "<img src=x onerror=alert(1)>";
  g.results.push_back(r);
  r.level = GateLevel::kWarn;
  r.where = "javascript:alert(1)";
  r.actual.reset();
  g.results.push_back(r);
  result.gates = g;
  const std::string json = ToJson(result);
  EXPECT_EQ(mmaudit::testing::ReportSchemaError(json), "");
  std::string html, error;
  ASSERT_TRUE(RenderHtml(json, &html, &error)) << error;
  EXPECT_NE(html.find("<h2 id=\"gates-h\">CI gates</h2>"), std::string::npos);
  EXPECT_NE(html.find("Failed</span> 3 checks: 1 failure, 1 warning."), std::string::npos);
  EXPECT_NE(html.find("<code>ci/&lt;asserts&gt;.json</code>"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("href=\"javascript:"), std::string::npos);
  EXPECT_NE(html.find("<td>none</td>"), std::string::npos) << "a missing actual value";
}

}  // namespace
}  // namespace mmaudit::report
