// ReadReportWithoutUrlList: the report as the renderers, gates and baseline read it, less the site's
// URL list, so their memory does not grow with the catalogue.
#include "report/json_view.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <fstream>
#include <string>

#include "report/csv.h"
#include "report/html.h"
#include "report/junit.h"
#include "report/markdown.h"
#include "report/summary.h"
#include "tests/support/report_json.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit::report {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string Pretty(const rapidjson::Document& d) {
  rapidjson::StringBuffer b;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(b);
  w.SetIndent(' ', 2);
  d.Accept(w);
  return std::string(b.GetString(), b.GetSize());
}

// The demo report with a site section listing `urls` URLs, pretty, as a crawl's report.
std::string ReportWithUrls(int urls) {
  rapidjson::Document d;
  const std::string demo = testing::DemoReportJson();
  d.Parse(demo.c_str(), demo.size());
  EXPECT_FALSE(d.HasParseError());
  auto& a = d.GetAllocator();
  rapidjson::Value site(rapidjson::kObjectType), start(rapidjson::kArrayType), list(rapidjson::kArrayType);
  start.PushBack(rapidjson::Value("https://shop.example/", a), a);
  for (int i = 0; i < urls; ++i) {
    rapidjson::Value e(rapidjson::kObjectType);
    e.AddMember("url", rapidjson::Value(("https://shop.example/p/" + std::to_string(i) + "?q=\"<&>\"").c_str(), a), a);
    e.AddMember("state", "skipped", a);
    e.AddMember("status", 0, a);
    e.AddMember("depth", 2, a);
    list.PushBack(e, a);
  }
  site.AddMember("start_urls", start, a);
  site.AddMember("urls", list, a);
  if (d.HasMember("site")) d.RemoveMember("site");
  d.AddMember("site", site, a);
  return Pretty(d);
}

TEST(ReportWithoutUrlList, IsTheSameReportWithAnEmptySiteUrlListAndEveryFormatRendersTheSame) {
  const std::string full = ReportWithUrls(2000);
  const std::string path = WriteTemp("with-urls.json", full);
  std::string view, error;
  ASSERT_TRUE(view::ReadReportWithoutUrlList(path, &view, &error)) << error;
  EXPECT_LT(view.size() * 2, full.size());  // the URL list was most of it

  rapidjson::Document expected, got;
  expected.Parse(full.c_str(), full.size());
  expected["site"]["urls"].Clear();
  got.Parse(view.c_str(), view.size());
  ASSERT_FALSE(got.HasParseError());
  EXPECT_TRUE(got == expected);
  EXPECT_EQ(got["site"]["start_urls"][0].GetString(), std::string("https://shop.example/"));

  // No renderer reads the URL list: each gives the same output from the view as from the report.
  std::string a, b, e1, e2;
  ASSERT_TRUE(RenderHtml(full, &a, &e1)) << e1;
  ASSERT_TRUE(RenderHtml(view, &b, &e2)) << e2;
  EXPECT_EQ(a, b);
  ASSERT_TRUE(RenderJunit(full, JunitOptions{}, &a, &e1));
  ASSERT_TRUE(RenderJunit(view, JunitOptions{}, &b, &e2));
  EXPECT_EQ(a, b);
  ASSERT_TRUE(RenderMarkdown(full, MarkdownOptions{}, &a, &e1));
  ASSERT_TRUE(RenderMarkdown(view, MarkdownOptions{}, &b, &e2));
  EXPECT_EQ(a, b);
  ASSERT_TRUE(RenderCsv(full, &a, &e1));
  ASSERT_TRUE(RenderCsv(view, &b, &e2));
  EXPECT_EQ(a, b);
  ASSERT_TRUE(RenderSummary(full, &a, &e1));
  ASSERT_TRUE(RenderSummary(view, &b, &e2));
  EXPECT_EQ(a, b);
}

TEST(ReportWithoutUrlList, DropsOnlyTheRootSiteUrlsAndKeepsNumbersAndStringsExactly) {
  const std::string path = WriteTemp(
      "nested.json",
      R"({"site": {"urls": [1, {"urls": [2]}, [3]], "x": {"urls": [4]}}, "urls": [5],
          "pages": [{"site": {"urls": [6]}}], "n": 1.50, "big": 12345678901234567890, "e": -2.5e-3,
          "s": "a\u0000b\"\\ \u00e9"})");
  std::string view, error;
  ASSERT_TRUE(view::ReadReportWithoutUrlList(path, &view, &error)) << error;
  EXPECT_EQ(view,
            R"({"site":{"urls":[],"x":{"urls":[4]}},"urls":[5],"pages":[{"site":{"urls":[6]}}],"n":1.50,)"
            R"("big":12345678901234567890,"e":-2.5e-3,"s":"a\u0000b\"\\ )" "\xc3\xa9" R"("})");
}

TEST(ReportWithoutUrlList, GivesAFileThatIsNotJsonAsItIsAndRefusesAMissingFile) {
  for (const std::string text : {std::string("not json at all"), std::string("{\"site\": {\"urls\": [1, 2"),
                                 std::string("\xff\xfe{}", 4), std::string()}) {
    std::string view, error;
    ASSERT_TRUE(view::ReadReportWithoutUrlList(WriteTemp("bad.json", text), &view, &error)) << error;
    EXPECT_EQ(view, text);
  }
  std::string view, error;
  EXPECT_FALSE(view::ReadReportWithoutUrlList(testing::TempDir() + "/no-such-report.json", &view, &error));
  EXPECT_NE(error.find("cannot read"), std::string::npos) << error;
}

}  // namespace
}  // namespace mmaudit::report
