// The CSV export: rendered from real report JSON (fixture pages through facts, rules and ToJson)
// and from a hostile report, and read back with a strict RFC 4180 reader.
#include "report/csv.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/support/csv_read.h"
#include "tests/support/report_json.h"

namespace mmaudit::report {
namespace {

using Rows = testing::CsvRows;

// `csv` read back as RFC 4180; it must start with the UTF-8 byte order mark.
Rows ReadCsv(const std::string& csv) {
  EXPECT_EQ(csv.compare(0, 3, "\xef\xbb\xbf"), 0) << "no UTF-8 byte order mark";
  Rows rows;
  std::string error;
  EXPECT_TRUE(testing::ReadCsv(csv, &rows, &error)) << error;
  return rows;
}

std::string Render(const std::string& json) {
  std::string csv, error;
  EXPECT_TRUE(RenderCsv(json, &csv, &error)) << error;
  return csv;
}

constexpr std::size_t kColumns = sizeof(kCsvColumns) / sizeof(kCsvColumns[0]);

std::size_t Column(const char* name) {
  for (std::size_t i = 0; i < kColumns; ++i)
    if (std::string(kCsvColumns[i]) == name) return i;
  ADD_FAILURE() << "no column " << name;
  return 0;
}

TEST(CsvReport, HasAHeaderAndOneRowPerFindingInReportOrder) {
  const std::string json = testing::DemoReportJson();
  rapidjson::Document d;
  d.Parse(json.c_str());
  const Rows rows = ReadCsv(Render(json));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], std::vector<std::string>(std::begin(kCsvColumns), std::end(kCsvColumns)));
  EXPECT_EQ(kColumns, 14u);
  std::vector<std::vector<std::string>> want;  // scope, url, rule_id, status of every expected row
  for (const auto& p : d["pages"].GetArray()) {
    if (!p["audited"].GetBool()) want.push_back({"page", p["url"].GetString(), "", "error"});
    for (const auto& f : p["findings"].GetArray())
      want.push_back({"page", p["url"].GetString(), f["rule_id"].GetString(), f["status"].GetString()});
  }
  for (const auto& f : d["site_findings"].GetArray()) want.push_back({"site", "", f["rule_id"].GetString(), f["status"].GetString()});
  for (const auto& f : d["checkout"]["findings"].GetArray())
    want.push_back({"checkout", "", f["rule_id"].GetString(), f["status"].GetString()});
  ASSERT_EQ(rows.size(), want.size() + 1);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), kColumns) << "row " << i;
    EXPECT_EQ(rows[i][Column("site")], "https://demo.example");
    const std::vector<std::string> got = {rows[i][Column("scope")], rows[i][Column("url")], rows[i][Column("rule_id")],
                                          rows[i][Column("status")]};
    EXPECT_EQ(got, want[i - 1]) << "row " << i;
  }
  // The first page's first finding, cell by cell.
  const auto& f = d["pages"][0]["findings"][0];
  const auto& row = rows[1];
  EXPECT_EQ(row[Column("page_type")], d["pages"][0]["page_type"].GetString());
  EXPECT_EQ(row[Column("moment")], f["moment"].GetString());
  EXPECT_EQ(row[Column("weight")], std::to_string(f["weight"].GetInt()));
  EXPECT_EQ(row[Column("display_value")], f["display_value"].GetString());
  EXPECT_EQ(row[Column("first_detail")], f["details"].Empty() ? "" : f["details"][0].GetString());
}

TEST(CsvReport, NumbersAreWrittenAsTheJsonHasThemAndEmptyWhenNull) {
  const std::string json = testing::DemoReportJson();
  rapidjson::Document d;
  d.Parse(json.c_str());
  const Rows rows = ReadCsv(Render(json));
  std::size_t r = 1, checked = 0;
  for (const auto& f : d["pages"][0]["findings"].GetArray()) {
    const auto& row = rows[r++];
    if (f["value"].IsNull()) {
      EXPECT_EQ(row[Column("value")], "");
    } else {
      EXPECT_DOUBLE_EQ(std::stod(row[Column("value")]), f["value"].GetDouble());
      ++checked;
    }
    if (f["score"].IsNull()) EXPECT_EQ(row[Column("score")], "");
    else EXPECT_DOUBLE_EQ(std::stod(row[Column("score")]), f["score"].GetDouble());
  }
  EXPECT_GT(checked, 0u);
}

TEST(CsvReport, QuotesFieldsAsRfc4180Asks) {
  EXPECT_EQ(CsvTextCell("plain text"), "plain text");
  EXPECT_EQ(CsvTextCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvTextCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvTextCell("two\r\nlines"), "two lines");
  EXPECT_EQ(CsvTextCell("Zamawiam i płacę"), "Zamawiam i płacę");
}

TEST(CsvReport, GuardsCellsThatASpreadsheetWouldTakeForAFormula) {
  EXPECT_EQ(CsvTextCell("=HYPERLINK(\"http://evil.example/\")"), "\"'=HYPERLINK(\"\"http://evil.example/\"\")\"");
  EXPECT_EQ(CsvTextCell("+SUM(A1:A9)"), "'+SUM(A1:A9)");
  EXPECT_EQ(CsvTextCell("-2+3"), "'-2+3");
  EXPECT_EQ(CsvTextCell("@cmd"), "'@cmd");
  EXPECT_EQ(CsvTextCell("\t=1+1"), "'=1+1");  // leading whitespace goes, the guard stays
  EXPECT_EQ(CsvTextCell("\r\n-1"), "'-1");
  EXPECT_EQ(CsvTextCell("a=b"), "a=b");
}

TEST(CsvReport, HostileReportGivesRectangularRowsWithEveryTextCellGuarded) {
  const Rows rows = ReadCsv(Render(testing::HostileReportJson()));
  ASSERT_GE(rows.size(), 2u);
  bool saw_guarded = false, saw_negative = false;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), kColumns) << "row " << i;
    for (std::size_t c = 0; c < kColumns; ++c) {
      const std::string& cell = rows[i][c];
      EXPECT_EQ(cell.find_first_of("\r\n\t"), std::string::npos) << "row " << i << " column " << kCsvColumns[c];
      const bool number = c == Column("score") || c == Column("weight") || c == Column("value");
      if (!cell.empty() && !number) EXPECT_EQ(std::string("=+-@").find(cell[0]), std::string::npos) << cell;
      if (cell.size() > 1 && cell[0] == '\'') saw_guarded = true;
      if (number && cell == "-5") saw_negative = true;
    }
  }
  EXPECT_TRUE(saw_guarded);
  EXPECT_TRUE(saw_negative) << "a negative number stays a number";
  bool page_type_guarded = false;
  for (const auto& row : rows)
    if (row[Column("page_type")] == "'=HYPERLINK(\"http://evil.example/\")") page_type_guarded = true;
  EXPECT_TRUE(page_type_guarded);
}

TEST(CsvReport, RefusesOnlyTextThatIsNotAJsonObject) {
  std::string csv, error;
  for (const char* bad : {"", "nope", "[]", "{\"pages\": ["}) EXPECT_FALSE(RenderCsv(bad, &csv, &error)) << bad;
  ASSERT_TRUE(RenderCsv("{\"pages\": 3, \"site_findings\": [1, null, {}]}", &csv, &error));
  const Rows rows = ReadCsv(csv);
  ASSERT_EQ(rows.size(), 2u);  // the header and the empty site finding
  EXPECT_EQ(rows[1][Column("scope")], "site");
}

TEST(CsvReader, RefusesWhatRfc4180Refuses) {
  Rows rows;
  std::string error;
  for (const char* bad : {"a,b\n", "a,b", "\"open\r\n", "a\"b\r\n", "\"x\"y\r\n"})
    EXPECT_FALSE(testing::ReadCsv(bad, &rows, &error)) << bad;
  ASSERT_TRUE(testing::ReadCsv("a,\"b,\"\"c\"\"\r\nd\"\r\n,\r\n", &rows, &error)) << error;
  EXPECT_EQ(rows, (Rows{{"a", "b,\"c\"\r\nd"}, {"", ""}}));
}

}  // namespace
}  // namespace mmaudit::report
