// The JUnit report: rendered from real report JSON (fixture pages through facts, rules and ToJson)
// and from a hostile report, and read back with a well-formedness checker, so these tests see what
// a CI system would parse.
#include "report/junit.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <set>
#include <string>

#include "tests/support/report_json.h"
#include "tests/support/xml_check.h"

namespace mmaudit::report {
namespace {

using testing::XmlElement;

XmlElement RenderAndParse(const std::string& json, const JunitOptions& options = {}) {
  std::string xml, error;
  EXPECT_TRUE(RenderJunit(json, options, &xml, &error)) << error;
  XmlElement root;
  EXPECT_TRUE(testing::ParseXml(xml, &root, &error)) << error << "\n" << xml.substr(0, 2000);
  return root;
}

int Int(const XmlElement& e, const char* attribute) {
  const std::string v = e.Attribute(attribute);
  EXPECT_FALSE(v.empty()) << e.name << " lacks " << attribute;
  EXPECT_EQ(v.find_first_not_of("0123456789"), std::string::npos) << attribute << "=" << v;
  return v.empty() ? -1 : std::stoi(v);
}

// Checks that a suite's counts agree with its testcases, and returns them by outcome.
std::map<std::string, int> CheckedCounts(const XmlElement& suite) {
  std::map<std::string, int> n;
  for (const XmlElement* c : suite.Children("testcase")) {
    EXPECT_TRUE(c->HasAttribute("classname") && c->HasAttribute("name") && c->HasAttribute("time"));
    ++n["tests"];
    n["failures"] += static_cast<int>(c->Children("failure").size());
    n["errors"] += static_cast<int>(c->Children("error").size());
    n["skipped"] += static_cast<int>(c->Children("skipped").size());
    EXPECT_LE(c->Children("failure").size() + c->Children("error").size() + c->Children("skipped").size(), 1u);
  }
  for (const char* k : {"tests", "failures", "errors", "skipped"}) EXPECT_EQ(Int(suite, k), n[k]) << suite.Attribute("name") << " " << k;
  return n;
}

const XmlElement* CaseFor(const XmlElement& suite, const std::string& rule_id) {
  for (const XmlElement* c : suite.Children("testcase"))
    if (c->Attribute("name") == rule_id || c->Attribute("name").rfind(rule_id + ":", 0) == 0) return c;
  return nullptr;
}

std::map<std::string, int> StatusCounts(const rapidjson::Value& findings) {
  std::map<std::string, int> n;
  for (const auto& f : findings.GetArray()) ++n[f["status"].GetString()];
  return n;
}

TEST(JunitReport, HasOneSuitePerPageAndOneTestcasePerFindingWithMatchingCounts) {
  const std::string json = testing::DemoReportJson();
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError());
  const XmlElement root = RenderAndParse(json);
  EXPECT_EQ(root.name, "testsuites");
  const auto suites = root.Children("testsuite");
  const auto& pages = d["pages"].GetArray();
  ASSERT_EQ(suites.size(), pages.Size() + 2) << "one per page, then site and checkout";
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  for (rapidjson::SizeType i = 0; i < pages.Size(); ++i) {
    const XmlElement& suite = *suites[i];
    EXPECT_EQ(suite.Attribute("name"), pages[i]["url"].GetString());
    const auto counts = CheckedCounts(suite);
    auto want = StatusCounts(pages[i]["findings"]);
    const bool failed = !pages[i]["audited"].GetBool();
    EXPECT_EQ(counts.at("tests"), static_cast<int>(pages[i]["findings"].Size()) + (failed ? 1 : 0));
    EXPECT_EQ(counts.at("failures"), want["fail"]) << "warn passes by default";
    EXPECT_EQ(counts.at("skipped"), want["not-applicable"]);
    EXPECT_EQ(counts.at("errors"), want["error"] + (failed ? 1 : 0));
    for (const XmlElement* c : suite.Children("testcase")) EXPECT_EQ(c->Attribute("classname"), pages[i]["url"].GetString());
    tests += counts.at("tests"), failures += counts.at("failures"), errors += counts.at("errors"), skipped += counts.at("skipped");
  }
  const XmlElement& site = *suites[pages.Size()];
  const XmlElement& checkout = *suites[pages.Size() + 1];
  EXPECT_EQ(site.Attribute("name"), "site");
  EXPECT_EQ(checkout.Attribute("name"), "checkout");
  EXPECT_EQ(CheckedCounts(site).at("tests"), static_cast<int>(d["site_findings"].Size()));
  EXPECT_EQ(CheckedCounts(site).at("failures"), StatusCounts(d["site_findings"])["fail"]);
  EXPECT_EQ(CheckedCounts(checkout).at("tests"), static_cast<int>(d["checkout"]["findings"].Size()));
  EXPECT_EQ(CheckedCounts(checkout).at("failures"), StatusCounts(d["checkout"]["findings"])["fail"]);
  for (const XmlElement* s : {&site, &checkout}) {
    const auto c = CheckedCounts(*s);
    tests += c.at("tests"), failures += c.at("failures"), errors += c.at("errors"), skipped += c.at("skipped");
  }
  EXPECT_GT(failures, 0);
  EXPECT_GT(skipped, 0);
  EXPECT_EQ(Int(root, "tests"), tests);
  EXPECT_EQ(Int(root, "failures"), failures);
  EXPECT_EQ(Int(root, "errors"), errors);
  EXPECT_EQ(Int(root, "skipped"), skipped);
  EXPECT_EQ(suites[0]->Attribute("timestamp"), "2025-01-31T12:00:00");
}

TEST(JunitReport, FailingFindingCarriesItsFailureTitleMeasuredValueThresholdAndEvidence) {
  const std::string json = testing::DemoReportJson();
  rapidjson::Document d;
  d.Parse(json.c_str());
  const XmlElement root = RenderAndParse(json);
  const auto suites = root.Children("testsuite");
  std::map<std::string, std::string> failure_titles, titles;
  for (const auto& r : d["rules"].GetArray()) {
    failure_titles[r["id"].GetString()] = r["failure_title"].GetString();
    titles[r["id"].GetString()] = r["title"].GetString();
  }
  int checked = 0;
  for (rapidjson::SizeType i = 0; i < d["pages"].Size(); ++i)
    for (const auto& f : d["pages"][i]["findings"].GetArray()) {
      if (std::string(f["status"].GetString()) != "fail") continue;
      const std::string id = f["rule_id"].GetString();
      const XmlElement* c = CaseFor(*suites[i], id);
      ASSERT_NE(c, nullptr) << id;
      EXPECT_EQ(c->Attribute("name"), id + ": " + titles[id]);
      ASSERT_EQ(c->Children("failure").size(), 1u) << id;
      const XmlElement& failure = *c->Children("failure")[0];
      EXPECT_EQ(failure.Attribute("type"), "fail");
      EXPECT_EQ(failure.Attribute("message").rfind(failure_titles[id], 0), 0u) << failure.Attribute("message");
      if (f["threshold"].GetStringLength() > 0)
        EXPECT_NE(failure.text.find(std::string("threshold: ") + f["threshold"].GetString()), std::string::npos);
      if (!f["details"].Empty())
        EXPECT_NE(failure.text.find(f["details"][0].GetString()), std::string::npos) << failure.text;
      ++checked;
    }
  EXPECT_GT(checked, 0);
}

TEST(JunitReport, WarnPassesWithANoteAndFailsOnlyWithWarnAsFailure) {
  rapidjson::Document d;
  d.Parse(testing::DemoReportJson().c_str());
  rapidjson::Value& finding = d["pages"][0]["findings"][0];
  finding["status"].SetString("warn");
  const std::string id = finding["rule_id"].GetString();
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  d.Accept(w);
  const std::string json = b.GetString();

  const XmlElement by_default = RenderAndParse(json);
  const XmlElement* c = CaseFor(*by_default.Children("testsuite")[0], id);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->Children("failure").empty());
  ASSERT_EQ(c->Children("system-out").size(), 1u);
  EXPECT_EQ(c->Children("system-out")[0]->text.rfind("warning: ", 0), 0u);

  JunitOptions strict;
  strict.warn_as_failure = true;
  const XmlElement failing = RenderAndParse(json, strict);
  c = CaseFor(*failing.Children("testsuite")[0], id);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->Children("failure").size(), 1u);
  EXPECT_EQ(c->Children("failure")[0]->Attribute("type"), "warn");
  int warnings = 0;  // every warn finding of the report, on pages, the site and the checkout
  for (const auto& p : d["pages"].GetArray()) warnings += StatusCounts(p["findings"])["warn"];
  warnings += StatusCounts(d["site_findings"])["warn"] + StatusCounts(d["checkout"]["findings"])["warn"];
  EXPECT_EQ(Int(failing, "failures"), Int(by_default, "failures") + warnings);
}

TEST(JunitReport, PageThatCouldNotBeAuditedIsOneErrorTestcase) {
  const XmlElement root = RenderAndParse(testing::DemoReportJson());
  const XmlElement* gone = nullptr;
  for (const XmlElement* s : root.Children("testsuite"))
    if (s->Attribute("name") == "https://gone.example/missing") gone = s;
  ASSERT_NE(gone, nullptr);
  ASSERT_EQ(gone->Children("testcase").size(), 1u);
  const XmlElement& c = *gone->Children("testcase")[0];
  EXPECT_EQ(c.Attribute("name").rfind("page-audited", 0), 0u);
  ASSERT_EQ(c.Children("error").size(), 1u);
  EXPECT_NE(c.Children("error")[0]->Attribute("message").find("host not found"), std::string::npos);
  EXPECT_EQ(Int(*gone, "errors"), 1);
}

TEST(JunitReport, HostileReportGivesWellFormedXmlThatKeepsItsTextAsText) {
  std::string xml, error;
  ASSERT_TRUE(RenderJunit(testing::HostileReportJson(), {}, &xml, &error)) << error;
  XmlElement root;
  ASSERT_TRUE(testing::ParseXml(xml, &root, &error)) << error << "\n" << xml;
  const std::set<std::string> allowed = {"testsuites", "testsuite", "properties", "property", "testcase",
                                         "failure",    "error",     "skipped",    "system-out"};
  std::vector<const XmlElement*> todo = {&root};
  while (!todo.empty()) {
    const XmlElement* e = todo.back();
    todo.pop_back();
    EXPECT_TRUE(allowed.count(e->name)) << "element <" << e->name << "> injected";
    for (const XmlElement& c : e->children) todo.push_back(&c);
  }
  const auto suites = root.Children("testsuite");
  ASSERT_GE(suites.size(), 3u);  // the hostile page, the page numbered 42, the notes page, checkout
  const XmlElement& page = *suites[0];
  const std::string name = page.Attribute("name");
  EXPECT_EQ(name.rfind("https://hostile.example/a\"b<c>&d'e|f*g`h next line ", 0), 0u) << name;
  EXPECT_EQ(name.find('\n'), std::string::npos);
  CheckedCounts(page);
  // The rule's title survives as text; the failure title's control and non-characters are gone.
  const XmlElement* review = CaseFor(page, "review-coverage");
  ASSERT_NE(review, nullptr);
  EXPECT_EQ(review->Attribute("name"), "review-coverage: Title & <b>\"quoted\"</b> 'single'");
  ASSERT_EQ(review->Children("failure").size(), 1u);
  EXPECT_EQ(review->Children("failure")[0]->Attribute("message").rfind("]]> <![CDATA[ x ]]> &amp; &#0; end", 0), 0u)
      << review->Children("failure")[0]->Attribute("message");
  // An unknown status is an error, a finding without a rule id still gets a name.
  const XmlElement* unknown = CaseFor(page, "y");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->Children("error").size(), 1u);
  EXPECT_NE(xml.find("name=\"(unnamed rule)\""), std::string::npos);
  EXPECT_EQ(xml.find("<script"), std::string::npos);
  EXPECT_EQ(xml.find("<svg"), std::string::npos);
}

TEST(JunitReport, RefusesOnlyTextThatIsNotAJsonObject) {
  std::string xml, error;
  for (const char* bad : {"", "not json", "[1, 2]", "\"string\"", "{\"pages\": [", "null"}) {
    error.clear();
    EXPECT_FALSE(RenderJunit(bad, {}, &xml, &error)) << bad;
    EXPECT_FALSE(error.empty());
  }
  ASSERT_TRUE(RenderJunit("{}", {}, &xml, &error));
  XmlElement root;
  ASSERT_TRUE(testing::ParseXml(xml, &root, &error)) << error;
  EXPECT_EQ(root.Attribute("tests"), "0");
  EXPECT_TRUE(root.Children("testsuite").empty());
}

TEST(XmlEscape, EscapesMetacharactersAndDropsCharactersXmlForbids) {
  EXPECT_EQ(XmlEscape("a&b<c>d\"e'f", false), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(XmlEscape("x\ty\nz\rw", true), "x&#9;y&#10;z&#13;w");
  EXPECT_EQ(XmlEscape("x\ty\nz", false), "x\ty\nz");
  EXPECT_EQ(XmlEscape(std::string("a\x01\x0b\x1f\x7f" "b", 6), false), "ab");
  EXPECT_EQ(XmlEscape("a\xef\xbf\xbe\xef\xbf\xbf" "b\xc2\x85" "c", false), "abc");  // U+FFFE, U+FFFF, U+0085
  EXPECT_EQ(XmlEscape("\xff", false), "\xef\xbf\xbd");                            // ill-formed UTF-8 repaired
  EXPECT_EQ(XmlEscape("Zamawiam i płacę — Оформить", false), "Zamawiam i płacę — Оформить");
}

TEST(XmlCheck, RefusesWhatAnXmlParserWouldRefuseAndReadsWhatItAccepts) {
  XmlElement root;
  std::string error;
  for (const char* bad : {"", "<a>", "<a></b>", "<a><b></a></b>", "<a/><b/>", "<a x=1/>", "<a x=\"1\" x=\"2\"/>",
                          "<a x=\"<\"/>", "<a>&nbsp;</a>", "<a>&#0;</a>", "<a>& b</a>", "<a>x]]>y</a>",
                          "<a>\x01</a>", "<a>\xff</a>", "<a><!-- a -- b --></a>", "<a/><?xml version=\"1.0\"?>",
                          "<!DOCTYPE a><a/>", "<a>text", "text<a/>", "<a x=\"1\"y=\"2\"/>"}) {
    error.clear();
    EXPECT_FALSE(testing::ParseXml(bad, &root, &error)) << "accepted: " << bad;
    EXPECT_FALSE(error.empty());
  }
  ASSERT_TRUE(testing::ParseXml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><r a='1 &amp; 2' b=\"x&#10;y\">"
                                "t&lt;<![CDATA[<raw>]]><c/><c>z</c></r>\n",
                                &root, &error))
      << error;
  EXPECT_EQ(root.name, "r");
  EXPECT_EQ(root.Attribute("a"), "1 & 2");
  EXPECT_EQ(root.Attribute("b"), "x\ny");
  EXPECT_EQ(root.text, "t<<raw>");
  ASSERT_EQ(root.Children("c").size(), 2u);
  EXPECT_EQ(root.Children("c")[1]->text, "z");
}

}  // namespace
}  // namespace mmaudit::report
