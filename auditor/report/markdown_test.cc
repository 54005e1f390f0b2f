// The Markdown summary: rendered from real report JSON (fixture pages through facts, rules and
// ToJson) and from a hostile report whose strings try to break tables, start headings and lists,
// inject HTML, links and images, and mention users.
#include "report/markdown.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/report_json.h"

namespace mmaudit::report {
namespace {

std::string Render(const std::string& json, const MarkdownOptions& options = {}) {
  std::string md, error;
  EXPECT_TRUE(RenderMarkdown(json, options, &md, &error)) << error;
  return md;
}

bool Contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Cells of a table row: split at '|' not preceded by a backslash.
std::size_t CellSeparators(const std::string& row) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < row.size(); ++i)
    if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++n;
  return n;
}

// `md` with its code spans (a run of unescaped backticks up to the next run of the same length)
// cut out: their content is shown literally, so it needs no escaping.
std::string WithoutCodeSpans(const std::string& md) {
  std::string out;
  for (std::size_t i = 0; i < md.size();) {
    if (md[i] == '`' && (i == 0 || md[i - 1] != '\\')) {
      std::size_t n = 0;
      while (i + n < md.size() && md[i + n] == '`') ++n;
      const std::string fence(n, '`');
      std::size_t close = i + n;
      for (;;) {
        close = md.find(fence, close);
        if (close == std::string::npos || close + n >= md.size() || md[close + n] != '`') break;
        while (close < md.size() && md[close] == '`') ++close;  // a longer run does not close
      }
      if (close != std::string::npos) {
        i = close + n;
        continue;
      }
    }
    out += md[i++];
  }
  return out;
}

// The section from heading `title` to the next heading of its level or above.
std::string Section(const std::string& md, const std::string& title) {
  const auto at = md.find("### " + title + "\n");
  if (at == std::string::npos) return {};
  const auto end = md.find("\n### ", at + 4);
  return md.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

TEST(MarkdownReport, HoldsTheScoresTableTopFixesExplanationsCheckoutAndPagesWithErrors) {
  const std::string json = testing::DemoReportJson();
  rapidjson::Document d;
  d.Parse(json.c_str());
  const std::string md = Render(json);
  EXPECT_EQ(md.rfind("## mmaudit report: `https://demo.example`\n", 0), 0u) << md.substr(0, 200);

  const std::string scores = Section(md, "Scores");
  ASSERT_FALSE(scores.empty()) << md;
  const std::string overall = std::to_string(d["summary"]["scores"]["overall"].GetInt());
  EXPECT_TRUE(Contains(scores, "| **Overall** | **" + overall + "** |")) << scores;
  for (const auto& c : d["categories"]["list"].GetArray()) {
    const std::string id = c["id"].GetString();
    const auto& v = d["summary"]["scores"]["moments"][id.c_str()];
    const std::string score = v.IsNull() ? "n/a" : std::to_string(v.GetInt());
    EXPECT_TRUE(Contains(scores, " (" + id + ") | " + score + " | ")) << id << "\n" << scores;
  }

  const std::string fixes = Section(md, "Top fixes");
  int n = 0;
  for (const auto& t : d["summary"]["top_findings"].GetArray()) {
    ++n;
    std::string title = MarkdownEscape(t["failure_title"].GetString());
    EXPECT_TRUE(Contains(fixes, std::to_string(n) + ". **" + title + "**")) << fixes;
  }
  EXPECT_GT(n, 0);

  ASSERT_TRUE(Contains(md, "<details><summary>Scores explained</summary>\n\n"));
  for (const auto& e : d["summary"]["explanations"].GetArray())
    EXPECT_TRUE(Contains(md, MarkdownEscape(e["text"].GetString()))) << e["moment"].GetString();

  const std::string checkout = Section(md, "Checkout");
  EXPECT_TRUE(Contains(checkout, "| Result | stopped before the order review step (inspect) |")) << checkout;
  EXPECT_TRUE(Contains(checkout, "| Steps | 6 (step indicator)")) << checkout;
  EXPECT_TRUE(Contains(checkout, "| Guest checkout | no (an account is required) |")) << checkout;
  EXPECT_TRUE(Contains(checkout, "Buy with Apple Pay")) << checkout;
  EXPECT_TRUE(Contains(checkout, "\xe2\x9d\x8c An account is required")) << checkout;  // the guest-checkout rule fails

  const std::string errors = Section(md, "Pages with errors");
  EXPECT_TRUE(Contains(errors, "- `https://gone.example/missing`: ")) << errors;
  EXPECT_TRUE(Contains(errors, "host not found")) << errors;

  const std::string lowest = Section(md, "Lowest-scoring pages");
  EXPECT_TRUE(Contains(lowest, "| product | `https://demo.example/p/trail-runner-x` |")) << lowest;
}

TEST(MarkdownReport, BaselineSectionIsMarkedAndHoldsTheGivenMarkdown) {
  const std::string json = testing::DemoReportJson();
  const std::string without = Render(json);
  const auto begin = without.find(kMarkdownBaselineBegin);
  const auto end = without.find(kMarkdownBaselineEnd);
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  ASSERT_LT(begin, end);
  EXPECT_TRUE(Contains(without.substr(begin, end - begin), "No baseline was given"));
  EXPECT_LT(without.find("### Scores"), begin) << "the scores come first, then the changes";
  EXPECT_LT(end, without.find("### Top fixes"));

  MarkdownOptions options;
  options.baseline_markdown = "| rule | change |\n| --- | --- |\n| viewport | fixed |";
  const std::string with = Render(json, options);
  const auto b = with.find(kMarkdownBaselineBegin), e = with.find(kMarkdownBaselineEnd);
  ASSERT_LT(b, e);
  const std::string section = with.substr(b, e - b);
  EXPECT_TRUE(Contains(section, "### Changes against the baseline\n\n" + options.baseline_markdown + "\n"));
  EXPECT_FALSE(Contains(section, "No baseline"));
}

TEST(MarkdownReport, HostileStringsCannotBreakTablesOrInjectMarkupLinksOrMentions) {
  const std::string md = Render(testing::HostileReportJson());
  ASSERT_FALSE(md.empty());
  std::size_t header_cells = 0;
  bool in_table = false;
  for (const std::string& line : Lines(md)) {
    if (!line.empty() && line[0] == '|') {
      if (!in_table) header_cells = CellSeparators(line);
      in_table = true;
      EXPECT_EQ(CellSeparators(line), header_cells) << "a row with a cell too many or too few: " << line;
    } else {
      in_table = false;
    }
    if (!line.empty() && line[0] == '#') {
      EXPECT_TRUE(line.rfind("## mmaudit report", 0) == 0 || line.rfind("### ", 0) == 0) << line;
    }
    if (line.rfind("- ", 0) == 0 || line.rfind("1. ", 0) == 0) {
      const std::string rest = line.substr(line.find(' ') + 1);
      EXPECT_FALSE(rest.rfind("#", 0) == 0 || rest.rfind("- ", 0) == 0) << line;
    }
  }
  // The only HTML is ours (code spans show theirs literally).
  const std::string outside_code = WithoutCodeSpans(md);
  for (std::size_t i = outside_code.find('<'); i != std::string::npos; i = outside_code.find('<', i + 1)) {
    const std::string tail = outside_code.substr(i, 32);
    const bool ours = tail.rfind("<!-- mmaudit:baseline:", 0) == 0 || tail.rfind("<details><summary>", 0) == 0 ||
                      tail.rfind("</summary>", 0) == 0 || tail.rfind("</details>", 0) == 0 ||
                      tail.rfind("<summary>", 0) == 0;
    EXPECT_TRUE(ours) << "raw HTML: " << tail;
  }
  // No unescaped link or image brackets, code spans, emphasis or mentions from the report: once our
  // own markup is taken out, every such character is escaped.
  std::string rest = md;
  for (const std::string ours : {"**", "_No baseline was given (`--baseline previous.json` compares this run with an earlier one)._",
                                 "_\xe2\x80\xa6 and ", " (see the full report)._", kMarkdownBaselineBegin,
                                 kMarkdownBaselineEnd, "`errors`"})
    for (std::size_t at; (at = rest.find(ours)) != std::string::npos;) rest.erase(at, ours.size());
  rest = WithoutCodeSpans(rest);
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char c = rest[i];
    const bool escaped = i > 0 && rest[i - 1] == '\\';
    const bool intraword = c == '_' && i > 0 && i + 1 < rest.size() && word(rest[i - 1]) && word(rest[i + 1]);
    if ((c == '[' || c == ']' || c == '`' || c == '*' || c == '_' || c == '~' || c == '$') && !escaped && !intraword)
      ADD_FAILURE() << "unescaped '" << c << "' in: " << rest.substr(i > 40 ? i - 40 : 0, 80);
  }
  EXPECT_FALSE(Contains(md, "@octocat"));
  EXPECT_TRUE(Contains(md, "@\xe2\x80\x8boctocat"));
  EXPECT_TRUE(Contains(md, "&lt;script&gt;alert(1)&lt;/script&gt;")) << "the title is shown as text";
  EXPECT_TRUE(Contains(md, "Title \\| with \\*stars\\* and")) << md;
  EXPECT_TRUE(Contains(md, " (know) | n/a | ")) << "a score outside 0..100 is no score";
  EXPECT_TRUE(Contains(md, "- (a page without a URL): host \"not\" found & gone"));
  EXPECT_TRUE(Contains(md, "- `https://hostile.example/notes`: the page could not be audited\n"));
  // The hostile URL (with a backtick and a pipe) is one code span in one table cell.
  EXPECT_TRUE(Contains(md, "| ``https://hostile.example/a\"b<c>&d'e\\|f*g`h next line ")) << md;
}

TEST(MarkdownReport, ListsAreCappedAndSayHowManyMore) {
  MarkdownOptions options;
  options.max_items = 2;
  const std::string md = Render(testing::DemoReportJson(), options);
  const std::string lowest = Section(md, "Lowest-scoring pages");
  std::size_t rows = 0;
  for (const std::string& line : Lines(lowest))
    if (line.rfind("| ", 0) == 0 && line.rfind("| Score", 0) != 0 && line.rfind("| ---", 0) != 0) ++rows;
  EXPECT_EQ(rows, 2u) << lowest;
  EXPECT_TRUE(Contains(lowest, "and 1 more (see the full report)")) << lowest;  // three audited pages
}

TEST(MarkdownReport, RefusesOnlyTextThatIsNotAJsonObject) {
  std::string md, error;
  for (const char* bad : {"", "not json", "[1]", "{\"summary\": "}) EXPECT_FALSE(RenderMarkdown(bad, {}, &md, &error)) << bad;
  ASSERT_TRUE(RenderMarkdown("{\"summary\": 5, \"pages\": {}, \"checkout\": []}", {}, &md, &error));
  EXPECT_TRUE(Contains(md, "### Scores"));
  EXPECT_TRUE(Contains(md, kMarkdownBaselineBegin));
  EXPECT_TRUE(Contains(md, "No checkout was inspected"));
}

TEST(MarkdownEscape, EscapesEveryMetacharacterAndKeepsOneLine) {
  EXPECT_EQ(MarkdownEscape("a|b"), "a\\|b");
  EXPECT_EQ(MarkdownEscape("*x* _y_ `z` [l](u) ![i](s) ~s~ $m$ \\"),
            "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) !\\[i\\](s) \\~s\\~ \\$m\\$ \\\\");
  EXPECT_EQ(MarkdownEscape("<script>&amp; & &#60; a&b"), "&lt;script&gt;&amp;amp; & &amp;#60; a&b");
  EXPECT_EQ(MarkdownEscape("line one\n\n- two\r\n# three"), "line one - two # three");
  EXPECT_EQ(MarkdownEscape("# heading"), "\\# heading");
  EXPECT_EQ(MarkdownEscape("- item"), "\\- item");
  EXPECT_EQ(MarkdownEscape("12. item"), "12\\. item");
  EXPECT_EQ(MarkdownEscape("snake_case_name and https://shop.example/a-b.html?x=1&y=2"),
            "snake_case_name and https://shop.example/a-b.html?x=1&y=2");
  EXPECT_EQ(MarkdownEscape("ask @octocat, mail a@b.example"), "ask @\xe2\x80\x8boctocat, mail a@b.example");
  EXPECT_EQ(MarkdownEscape("Zamawiam i płacę"), "Zamawiam i płacę");
  EXPECT_EQ(MarkdownEscape("\xff"), "\xef\xbf\xbd");
}

TEST(MarkdownCode, FencesWithMoreBackticksThanTheTextHoldsAndEscapesPipesInTables) {
  EXPECT_EQ(MarkdownCode("https://shop.example/a_b*c", false), "`https://shop.example/a_b*c`");
  EXPECT_EQ(MarkdownCode("a`b``c", false), "```a`b``c```");
  EXPECT_EQ(MarkdownCode("`edge`", false), "`` `edge` ``");
  EXPECT_EQ(MarkdownCode("a|b\nc", true), "`a\\|b c`");
  EXPECT_EQ(MarkdownCode("a|b", false), "`a|b`");
  EXPECT_EQ(MarkdownCode("", true), "");
}

}  // namespace
}  // namespace mmaudit::report
