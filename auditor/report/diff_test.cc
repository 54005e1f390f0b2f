// The diff of two report JSONs (report/diff.h) on small hand-written reports (fixtures/diff/): a
// staging baseline and a production run that differ in every way the diff reports, and a report of
// schema 1.0 with missing sections and malformed entries. The end-to-end test over two versions of a
// real shop is tests/baseline_test.cc.
#include "report/diff.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/support/test_paths.h"

namespace mmaudit::report {
namespace {

std::string Fixture(const std::string& name) { return testing::ReadFixture("fixtures/diff/" + name); }

ReportDiff Diff(const std::string& before, const std::string& after, DiffOptions options = {}) {
  ReportDiff d;
  std::string error;
  EXPECT_TRUE(DiffReports(before, after, options, &d, &error)) << error;
  return d;
}

// "scope page rule_id" per change, in the diff's order.
std::vector<std::string> Ids(const std::vector<FindingChange>& v) {
  std::vector<std::string> out;
  for (const auto& f : v) out.push_back(f.scope + " " + f.page + " " + f.rule_id);
  return out;
}
std::vector<std::string> Keys(const std::vector<PageChange>& v) {
  std::vector<std::string> out;
  for (const auto& p : v) out.push_back(p.key);
  return out;
}

TEST(ReportDiff, MatchesPagesByPathWhenTheBaselineWasAuditedOnAnotherHost) {
  const ReportDiff d = Diff(Fixture("before.json"), Fixture("after.json"));
  EXPECT_EQ(d.origin_before, "https://staging.shop.example");
  EXPECT_EQ(d.origin_after, "https://www.shop.example");
  EXPECT_EQ(d.pages_compared, 2u);
  EXPECT_EQ(Keys(d.pages_added),
            (std::vector<std::string>{"/search?q=<script>alert(1)</script>", "https://cdn.shop.example/landing"}))
      << "a page on another origin keeps its whole URL";
  EXPECT_EQ(Keys(d.pages_removed), std::vector<std::string>{"/old"});
  ASSERT_EQ(Keys(d.pages_changed), std::vector<std::string>{"/p/1"}) << "the home page's scores did not change";
  ASSERT_EQ(d.pages_changed[0].scores.size(), 2u);
  EXPECT_EQ(d.pages_changed[0].scores[0].scope, "overall");
  EXPECT_EQ(d.pages_changed[0].scores[0].Delta(), -6);
  EXPECT_EQ(d.pages_changed[0].scores[1].scope, "know");
  EXPECT_EQ(d.pages_changed[0].scores[1].Delta(), -25);
  EXPECT_EQ(d.pages_changed[0].url, "https://www.shop.example/p/1");
  EXPECT_EQ(d.pages_removed[0].scores[0].before, 66);
  EXPECT_FALSE(d.pages_removed[0].scores[0].after);
}

TEST(ReportDiff, CompareOriginsKeysPagesByTheirWholeUrl) {
  DiffOptions options;
  options.compare_origins = true;
  const ReportDiff d = Diff(Fixture("before.json"), Fixture("after.json"), options);
  EXPECT_EQ(d.pages_compared, 0u);
  EXPECT_EQ(d.pages_added.size(), 4u);
  EXPECT_EQ(d.pages_removed.size(), 3u);
  EXPECT_EQ(d.pages_removed[0].key, "https://staging.shop.example/");
}

TEST(ReportDiff, SortsNewFixedAndChangedFindingsBySiteCheckoutThenPage) {
  const ReportDiff d = Diff(Fixture("before.json"), Fixture("after.json"));
  EXPECT_EQ(Ids(d.new_findings), (std::vector<std::string>{"site  faq-coverage", "page /p/1 reviews-visible",
                                                            "page /p/1 video-markup"}))
      << "a finding that was not applicable and now fails is new";
  EXPECT_EQ(Ids(d.fixed_findings),
            (std::vector<std::string>{"checkout  guest-checkout", "page / meta-description"}));
  EXPECT_EQ(Ids(d.changed_findings), (std::vector<std::string>{"site  review-coverage", "page / document-title",
                                                                "page /p/1 image-alt"}))
      << "store-locator-found failed both times alike and is not listed";
  const FindingChange& reviews = d.new_findings[1];
  EXPECT_EQ(reviews.status_before, "pass");
  EXPECT_EQ(reviews.status_after, "fail");
  EXPECT_EQ(reviews.score_before, 1);
  EXPECT_EQ(reviews.score_after, 0);
  EXPECT_EQ(reviews.display_after, "no reviews shown");
  EXPECT_EQ(reviews.moment, "know");
}

TEST(ReportDiff, GivesTheSiteScoreDeltasOverallFirstThenEveryMomentInReportOrder) {
  const ReportDiff d = Diff(Fixture("before.json"), Fixture("after.json"));
  std::vector<std::string> scopes;
  for (const auto& s : d.site_scores) scopes.push_back(s.scope);
  EXPECT_EQ(scopes, (std::vector<std::string>{"overall", "know", "go", "do", "buy", "mobile", "speed",
                                              "discoverability", "engagement"}));
  EXPECT_EQ(d.site_scores[0].Delta(), -2);
  EXPECT_EQ(d.site_scores[1].Delta(), -5);
  EXPECT_FALSE(d.site_scores[2].before) << "go was not scored in the baseline";
  EXPECT_EQ(d.site_scores[2].after, 10);
  EXPECT_FALSE(d.site_scores[2].Delta());
  EXPECT_EQ(d.site_scores[4].Delta(), 5);
}

TEST(ReportDiff, ListsTheCheckoutChangesInWords) {
  const ReportDiff d = Diff(Fixture("before.json"), Fixture("after.json"));
  std::vector<std::string> lines;
  for (const auto& c : d.checkout) lines.push_back(c.field + ": " + c.before + " -> " + c.after);
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "result: blocked -> reached_review", "steps: 3 -> 4", "steps read: 2 -> 3",
                       "fields: 12 -> 9", "required fields: 10 -> 8", "guest checkout: no -> yes",
                       "account required: yes -> no", "payment methods: card -> card, paypal",
                       "express payments: none -> apple-pay", "step 2: Shipping (12 fields) -> Shipping (9 fields)",
                       "step 3:  -> /checkout/review (0 fields)"}));
}

TEST(ReportDiff, ACheckoutOnlyInOneReportIsAChange) {
  const ReportDiff d = Diff(Fixture("schema-1.0.json"), Fixture("before.json"));
  ASSERT_FALSE(d.checkout.empty());
  EXPECT_EQ(d.checkout[0].field, "checkout");
  EXPECT_EQ(d.checkout[0].before, "not audited");
  EXPECT_EQ(d.checkout[0].after, "audited");
  EXPECT_EQ(Ids(d.new_findings)[0], "site  review-coverage") << "site findings absent before and failing now are new";
  EXPECT_EQ(Ids(d.new_findings)[2], "checkout  guest-checkout");
}

TEST(ReportDiff, ReadsAnOlderSchemaWithMissingSectionsAndSkipsMalformedPages) {
  const std::string old = Fixture("schema-1.0.json");
  std::string moved = old;
  moved.replace(moved.find("127.0.0.1:8080"), 14, "127.0.0.1:9090");
  moved.replace(moved.find("\"status\": \"fail\", \"score\": 0"), 28, "\"status\": \"pass\", \"score\": 1");
  const ReportDiff d = Diff(old, moved);
  EXPECT_EQ(d.pages_compared, 1u) << "the same site on two ports of 127.0.0.1 is compared page by page";
  EXPECT_TRUE(d.pages_added.empty());
  EXPECT_TRUE(d.pages_removed.empty());
  EXPECT_EQ(Ids(d.fixed_findings), std::vector<std::string>{"page / meta-description"});
  EXPECT_TRUE(d.checkout.empty());
  EXPECT_EQ(d.site_scores.size(), 6u) << "overall and the five moments the old report has";
  EXPECT_EQ(d.schema_before, "1.0.0");
}

TEST(ReportDiff, RefusesWhatIsNotAReportWithAClearError) {
  const std::string good = Fixture("after.json");
  struct Case {
    std::string before, after, message;
  };
  for (const Case& c : std::vector<Case>{
           {"{not json", good, "the baseline report is not valid JSON"},
           {good, "", "the new report is not valid JSON"},
           {"[1, 2]", good, "the baseline report is not an mmaudit report"},
           {good, R"({"pages": 3})", "the new report is not an mmaudit report"},
           {R"({"schema_version": "2.0.0", "pages": []})", good, "schema version \"2.0.0\""},
           {R"({"schema_version": 1, "pages": []})", good, "schema version \"\""},
       }) {
    ReportDiff d;
    std::string error;
    EXPECT_FALSE(DiffReports(c.before, c.after, {}, &d, &error)) << c.message;
    EXPECT_NE(error.find(c.message), std::string::npos) << error;
  }
  EXPECT_FALSE(DiffReports(good, good, {}, nullptr, nullptr));
}

TEST(ReportDiff, RegressionsCountScoreDropsBeyondTheToleranceAndNewOrWorseFailures) {
  const ReportDiff d = Diff(Fixture("before.json"), Fixture("after.json"));
  const auto strict = Regressions(d, 0);
  ASSERT_EQ(strict.size(), 7u);
  EXPECT_EQ(strict[0].rfind("site score overall dropped by 2 points (70 -> 68)", 0), 0u) << strict[0];
  EXPECT_EQ(strict[3], "newly failing: faq-coverage on site (pass -> fail)");
  EXPECT_EQ(strict[6], "worse: document-title on / (warn -> fail)");
  EXPECT_EQ(Regressions(d, 2).size(), 5u) << "a drop of exactly the tolerance passes";
  EXPECT_EQ(Regressions(d, 5).size(), 4u);
  EXPECT_TRUE(Regressions(Diff(Fixture("before.json"), Fixture("before.json")), 0).empty());
}

TEST(ReportDiff, TheSameReportTwiceHasNoChanges) {
  const ReportDiff d = Diff(Fixture("after.json"), Fixture("after.json"));
  EXPECT_EQ(d.pages_compared, 4u);
  EXPECT_TRUE(d.pages_added.empty() && d.pages_removed.empty() && d.pages_changed.empty());
  EXPECT_TRUE(d.new_findings.empty() && d.fixed_findings.empty() && d.changed_findings.empty());
  EXPECT_TRUE(d.checkout.empty());
  for (const auto& s : d.site_scores)
    if (s.Delta()) EXPECT_EQ(*s.Delta(), 0) << s.scope;
}

TEST(ReportDiff, JsonSectionIsAttachedAsTheLastMemberOfTheReport) {
  const ReportDiff d = Diff(Fixture("before.json"), Fixture("after.json"));
  const std::string section = DiffToJson(d, "old/report.json", 2.0, Regressions(d, 2));
  std::string report = Fixture("after.json");
  ASSERT_TRUE(AttachBaselineSection(&report, section));
  rapidjson::Document doc;
  doc.Parse(report.c_str());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_TRUE(doc.HasMember("baseline"));
  const auto& b = doc["baseline"];
  EXPECT_STREQ(b["file"].GetString(), "old/report.json");
  EXPECT_STREQ(b["pages_keyed_by"].GetString(), "path");
  EXPECT_EQ(b["findings"]["new"].Size(), 3u);
  EXPECT_EQ(b["pages"]["compared"].GetUint(), 2u);
  EXPECT_EQ(b["gate"]["tolerance"].GetDouble(), 2.0);
  EXPECT_EQ(b["gate"]["regressions"].Size(), 5u);
  EXPECT_TRUE(b["site_scores"][2]["delta"].IsNull());
  EXPECT_EQ((doc.MemberEnd() - 1)->name, "baseline");

  std::string empty = "{}\n";
  ASSERT_TRUE(AttachBaselineSection(&empty, "{}"));
  doc.Parse(empty.c_str());
  EXPECT_TRUE(!doc.HasParseError() && doc.HasMember("baseline")) << empty;
  std::string not_object = "[1]";
  EXPECT_FALSE(AttachBaselineSection(&not_object, "{}"));
  EXPECT_EQ(not_object, "[1]");
}

TEST(ReportDiff, TextNamesEveryChangeAndDropsControlCharacters) {
  std::string after = Fixture("after.json");
  after.replace(after.find("no reviews shown"), 16, "no \\u001b[31mreviews");
  const std::string text = DiffToText(Diff(Fixture("before.json"), after));
  for (const char* s : {"Origins differ (https://staging.shop.example vs https://www.shop.example)",
                        "overall", "70 -> 68", "-2", "+ /search?q=<script>alert(1)</script> (search, score 50)",
                        "- /old (other, score 66)", "~ /p/1: overall 80 -> 74 (-6); know 85 -> 60 (-25)",
                        "Findings: 3 new, 2 fixed, 3 changed", "/p/1  reviews-visible: pass -> fail",
                        "checkout  guest-checkout: fail -> pass", "guest checkout: no -> yes"})
    EXPECT_NE(text.find(s), std::string::npos) << s << "\n" << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST(ReportDiff, HtmlSectionEscapesEveryStringFromPages) {
  const ReportDiff d = Diff(Fixture("before.json"), Fixture("after.json"));
  rapidjson::Document section;
  section.Parse(DiffToJson(d, "<b>old</b>.json", 0.0, Regressions(d, 0)).c_str());
  const std::string html = RenderBaselineHtml(section);
  EXPECT_NE(html.find("<section id=\"baseline\""), std::string::npos);
  EXPECT_NE(html.find("Since the baseline"), std::string::npos);
  EXPECT_NE(html.find("Regression gate failed"), std::string::npos);
  EXPECT_NE(html.find("/search?q=&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;old&lt;/b&gt;.json"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(RenderBaselineHtml(rapidjson::Value(3)), "");
}

}  // namespace
}  // namespace mmaudit::report
