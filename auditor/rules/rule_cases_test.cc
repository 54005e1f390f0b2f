// One passing and one failing case per rule of the default catalogue, from fixtures/rule-cases/
// (its README.md describes the format). Each rule is its own test instance, named after the rule,
// so a missing or broken case says which rule it is about:
//   RuleCases/RuleCase.PassesOnItsPassPageAndFailsOnItsFailPage/<rule_id with - as _>
// A static case is audited as `mmaudit audit --file` audits a page: facts::ExtractPage over a
// canned 200 text/html response read from disk, then rules::EvaluateAll. A covered_by case names
// tests elsewhere, which must exist in the named files.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "facts/extract.h"
#include "rules/catalogue.h"
#include "rules/scoring.h"
#include "tests/support/test_paths.h"

namespace mmaudit::rules {
namespace {

const char kCasesDir[] = "fixtures/rule-cases";

const Catalogue& Rules() {
  static const Catalogue catalogue = DefaultCatalogue();
  return catalogue;
}

std::vector<std::string> RuleIds() {
  std::vector<std::string> ids;
  for (const RuleSpec& r : Rules().rules) ids.push_back(r.id);
  return ids;
}

// One case.json, read.
struct RuleCaseSpec {
  // Static form.
  std::string url = "https://shop.example/";
  std::string page_type;  // "" lets the classifier decide
  std::string pass_file, fail_file;
  Status fail_status = Status::kFail;
  // Covered-elsewhere form.
  std::vector<std::string> covered_by;
  std::string why;

  bool is_static() const { return covered_by.empty(); }
};

// Reads `dir`/case.json into *out. Returns "" on success, else what is wrong with it.
std::string ReadCase(const std::string& dir, RuleCaseSpec* out) {
  const std::filesystem::path path = std::filesystem::path(testing::SourcePath(dir)) / "case.json";
  if (!std::filesystem::is_regular_file(path)) return "no " + dir + "/case.json";
  const std::string text = testing::ReadFixture(dir + "/case.json");
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError())
    return dir + "/case.json is not valid JSON: " + rapidjson::GetParseError_En(d.GetParseError()) + " at offset " +
           std::to_string(d.GetErrorOffset());
  if (!d.IsObject()) return dir + "/case.json is not a JSON object";
  static const std::set<std::string> kKeys = {"url", "page_type", "pass", "fail", "fail_status", "covered_by", "why"};
  for (const auto& m : d.GetObject()) {
    const std::string key = m.name.GetString();
    if (!kKeys.count(key)) return dir + "/case.json: unknown key \"" + key + "\"";
    if (key != "covered_by" && !m.value.IsString()) return dir + "/case.json: \"" + key + "\" must be a string";
  }
  auto str = [&](const char* key) { return d.HasMember(key) ? std::string(d[key].GetString()) : std::string(); };
  if (d.HasMember("covered_by")) {
    for (const char* key : {"url", "page_type", "pass", "fail", "fail_status"})
      if (d.HasMember(key)) return dir + "/case.json: \"covered_by\" goes without \"" + key + "\"";
    const auto& list = d["covered_by"];
    if (!list.IsArray() || list.Empty()) return dir + "/case.json: \"covered_by\" must be a non-empty list";
    for (const auto& entry : list.GetArray()) {
      if (!entry.IsString()) return dir + "/case.json: \"covered_by\" entries must be strings";
      out->covered_by.push_back(entry.GetString());
    }
    out->why = str("why");
    if (out->why.empty()) return dir + "/case.json: a covered_by case needs a \"why\"";
    return "";
  }
  if (d.HasMember("why")) return dir + "/case.json: \"why\" belongs to a covered_by case";
  out->pass_file = str("pass");
  out->fail_file = str("fail");
  if (out->pass_file.empty() || out->fail_file.empty())
    return dir + "/case.json needs either \"pass\" and \"fail\" pages or \"covered_by\"";
  if (d.HasMember("url")) out->url = str("url");
  if (out->url.rfind("https://", 0) != 0 && out->url.rfind("http://", 0) != 0)
    return dir + "/case.json: \"url\" must be an http(s) URL, not \"" + out->url + "\"";
  out->page_type = str("page_type");
  if (d.HasMember("page_type") && out->page_type.empty()) return dir + "/case.json: \"page_type\" is empty";
  const std::string fail_status = str("fail_status");
  if (fail_status == "warn")
    out->fail_status = Status::kWarn;
  else if (!fail_status.empty() && fail_status != "fail")
    return dir + "/case.json: \"fail_status\" is \"fail\" or \"warn\", not \"" + fail_status + "\"";
  for (const std::string* file : {&out->pass_file, &out->fail_file})
    if (!std::filesystem::is_regular_file(std::filesystem::path(testing::SourcePath(dir)) / *file))
      return dir + "/case.json names " + *file + ", which is not a file there";
  return "";
}

// The page `html` audited at `url` as --file audits it, its type forced when `page_type` is set.
facts::PageFacts AuditAsFile(const std::string& html, const std::string& url, const std::string& page_type) {
  fetch::Response response;
  response.requested_url = response.final_url = url;
  response.status = 200;
  response.headers = {{"content-type", "text/html"}};
  response.body = html;
  response.decoded_bytes = response.transfer_bytes = response.body_transfer_bytes = html.size();
  response.from_file = true;
  facts::ExtractOptions options;
  options.find_subresources = false;  // a saved page's load is not measured
  facts::PageFacts page = facts::ExtractPage(response, options);
  page.performance.not_measured_reason = "audited from a file";
  if (!page_type.empty()) {
    page.page_type = page_type;
    page.page_type_source = "override";
    page.page_type_confidence = 1;
  }
  return page;
}

std::string Describe(const Finding& f) {
  std::ostringstream out;
  out << StatusName(f.status);
  if (f.score) out << " (score " << *f.score << ")";
  if (!f.display_value.empty()) out << ": " << f.display_value;
  if (!f.error.empty()) out << " [error: " << f.error << "]";
  for (const auto& d : f.details) out << "\n    " << d;
  return out.str();
}

// Audits the case's page `file` and checks that `rule` comes out `want`.
void ExpectVerdict(const RuleSpec& rule, const std::string& dir, const RuleCaseSpec& c, const std::string& file,
                   Status want) {
  SCOPED_TRACE(dir + "/" + file);
  const facts::PageFacts page = AuditAsFile(testing::ReadFixture(dir + "/" + file), c.url, c.page_type);
  ASSERT_TRUE(page.parsed) << "the page was not audited: " << page.error;
  const std::vector<Finding> findings = EvaluateAll(Rules(), page);
  const auto it = std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.rule_id == rule.id; });
  if (it == findings.end()) {
    std::string types;
    for (const auto& t : rule.page_types) types += " " + t;
    FAIL() << rule.id << " did not run: the page is of type \"" << page.page_type << "\" and the rule applies to"
           << types << " (set \"page_type\" in case.json?)";
  }
  EXPECT_EQ(it->status, want) << rule.id << " on " << file << ": wanted " << StatusName(want) << ", got "
                              << Describe(*it);
}

// Checks one covered_by entry, "<source file>: <Suite>.<TestName>".
void ExpectTestExists(const std::string& entry) {
  static const std::regex kEntry(R"(^\s*([^:\s]+)\s*:\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*$)");
  std::smatch m;
  if (!std::regex_match(entry, m, kEntry)) {
    ADD_FAILURE() << "covered_by entry \"" << entry << "\" is not \"<source file>: <Suite>.<TestName>\"";
    return;
  }
  const std::string file = m[1], suite = m[2], name = m[3];
  if (!std::filesystem::is_regular_file(testing::SourcePath(file))) {
    ADD_FAILURE() << "covered_by names " << file << ", which does not exist";
    return;
  }
  const std::regex test("\\bTEST(_F|_P)?\\(\\s*" + suite + "\\s*,\\s*" + name + "\\s*\\)");
  const std::string source = testing::ReadFixture(file);
  EXPECT_TRUE(std::regex_search(source, test)) << "covered_by names " << suite << "." << name << ", but " << file
                                               << " holds no TEST, TEST_F or TEST_P of that name";
}

class RuleCase : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleCase, PassesOnItsPassPageAndFailsOnItsFailPage) {
  const RuleSpec* rule = Rules().Find(GetParam());
  ASSERT_NE(rule, nullptr);
  const std::string dir = std::string(kCasesDir) + "/" + rule->id;
  ASSERT_TRUE(std::filesystem::is_directory(testing::SourcePath(dir)))
      << "rule " << rule->id << " has no case: add " << dir << "/case.json (see " << kCasesDir << "/README.md)";
  RuleCaseSpec c;
  const std::string problem = ReadCase(dir, &c);
  ASSERT_EQ(problem, "") << "rule " << rule->id;
  if (!c.is_static()) {
    for (const std::string& entry : c.covered_by) ExpectTestExists(entry);
    return;
  }
  ASSERT_EQ(rule->scope, "page") << rule->id << " is scoped to the " << rule->scope
                                 << ": a static page cannot exercise it, use covered_by";
  ExpectVerdict(*rule, dir, c, c.pass_file, Status::kPass);
  ExpectVerdict(*rule, dir, c, c.fail_file, c.fail_status);
}

std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace_if(name.begin(), name.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(RuleCases, RuleCase, ::testing::ValuesIn(RuleIds()), CaseName);

TEST(RuleCases, EveryCaseDirectoryBelongsToARuleOfTheCatalogue) {
  const std::filesystem::path root = testing::SourcePath(kCasesDir);
  ASSERT_TRUE(std::filesystem::is_directory(root));
  std::size_t cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    ++cases;
    const std::string id = entry.path().filename().string();
    EXPECT_NE(Rules().Find(id), nullptr) << kCasesDir << "/" << id << "/ is the case of a rule the catalogue no longer has";
  }
  EXPECT_GE(cases, Rules().rules.size());
}

// The checks above must be able to fail: a case whose pages are swapped, a case that names a test
// that is not there, and a malformed case are all refused.
TEST(RuleCases, TheHarnessRefusesSwappedPagesMissingTestsAndMalformedCases) {
  const RuleSpec* rule = Rules().Find("html-lang");
  ASSERT_NE(rule, nullptr);
  RuleCaseSpec c;
  ASSERT_EQ(ReadCase(std::string(kCasesDir) + "/html-lang", &c), "");
  ASSERT_TRUE(c.is_static());
  std::swap(c.pass_file, c.fail_file);
  {
    ::testing::TestPartResultArray failures;
    {
      ::testing::ScopedFakeTestPartResultReporter reporter(
          ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
      ExpectVerdict(*rule, std::string(kCasesDir) + "/html-lang", c, c.pass_file, Status::kPass);
      ExpectVerdict(*rule, std::string(kCasesDir) + "/html-lang", c, c.fail_file, Status::kFail);
      ExpectTestExists("auditor/rules/rule_cases_test.cc: RuleCases.NoSuchTestAnywhere");
      ExpectTestExists("auditor/rules/no_such_file_test.cc: RuleCases.EveryCaseDirectoryBelongsToARuleOfTheCatalogue");
      ExpectTestExists("auditor/rules/rule_cases_test.cc RuleCases");
    }
    EXPECT_EQ(failures.size(), 5);
  }
  {
    ::testing::TestPartResultArray failures;
    {
      ::testing::ScopedFakeTestPartResultReporter reporter(
          ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
      ExpectTestExists("auditor/rules/rule_cases_test.cc: RuleCases.EveryCaseDirectoryBelongsToARuleOfTheCatalogue");
    }
    EXPECT_EQ(failures.size(), 0);
  }
  for (const char* dir : {"no-such-rule", "../rules/bad-rule-cases/misspelt-key", "../rules/bad-rule-cases/both-forms",
                          "../rules/bad-rule-cases/no-why", "../rules/bad-rule-cases/not-json"}) {
    RuleCaseSpec bad;
    EXPECT_NE(ReadCase(std::string(kCasesDir) + "/" + dir, &bad), "") << dir;
  }
}

}  // namespace
}  // namespace mmaudit::rules
