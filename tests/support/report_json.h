// Report JSON for tests of the renderers, made the real way: fixture pages run through facts, rules,
// the site stage and ToJson, so the tests see what users see.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mmaudit::testing {

struct ReportSpec {
  std::vector<std::pair<std::string, std::string>> pages;  // URL, fixture path of its HTML
  bool with_failed_page = false;  // add https://gone.example/missing, which failed with a DNS error
  bool with_checkout = false;     // add an inspected checkout that stopped before the review step
  std::string mode = "live";      // settings.mode: "live" or "file"
};

// The report JSON (pretty) for `spec`. Fails the current test when a fixture cannot be read.
std::string BuildReportJson(const ReportSpec& spec);

// Three pages of the demo shop (a product page, the store locator, the home page) from fixtures,
// a page that failed, and a checkout.
std::string DemoReportJson();

// fixtures/reports/hostile.json: a report JSON with markup, Markdown, CSV-formula and XML
// metacharacters, control characters and line breaks in its strings, members of the wrong type and
// missing members; its marker INVALID_UTF8 is replaced by ill-formed UTF-8 bytes.
std::string HostileReportJson();

// `json` with the members that measure time removed at any depth: when the report was written, how
// long things took (generated_at, duration_ms, ttfb_ms, total_ms, walk_ms), and the value and
// display value of findings measured in ms. Everything else must come out the same from the same
// site. "not JSON" when `json` does not parse.
std::string WithoutTimings(const std::string& json);

// A GoogleTest failure, showing 200 bytes either side of the first difference, unless the two report
// texts are the same; also fails when `first` is too short to be a real report (10,000 bytes).
void ExpectSameReport(const std::string& first, const std::string& second);

}  // namespace mmaudit::testing
