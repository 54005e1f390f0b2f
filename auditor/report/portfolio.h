// The portfolio of a several-site run (`mmaudit audit --sites FILE`, issue 9): one line per site,
// ranked by its overall score, for an agency that audits many client shops in one go. The portfolio
// JSON is built from each site's report JSON; the portfolio HTML is rendered from the portfolio JSON
// alone, as the site reports are from theirs: one self-contained file, no script, every string that
// came from a sites file or a report escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::report {

inline constexpr const char* kPortfolioSchemaVersion = "1.0.0";

// One site of the run, as the CLI saw it.
struct PortfolioSite {
  std::string name;         // the name given in the sites file, else the start URL's host
  std::string start_url;
  std::string dir;          // its reports' directory, relative to the portfolio's ("sites/shop-example-com")
  std::string report_html;  // its HTML report's file name in `dir` ("report.html"); "" when not written
  std::string report_json;  // the text of its report.json; "" when the audit wrote none
  int exit_code = 0;        // of its audit (0 pass, 1 a gate failed, 2 usage/config, 3 nothing audited)
  std::string error;        // why it has no report, when it has none
};

// The portfolio JSON: the sites ranked by overall score (best first; sites without a score last,
// ties by name), each with its scores per category, pages audited and failed, gate verdict, the
// three fixes that matter most and the path of its report; the categories (id, title) of the first
// report that has them. A report that does not parse makes its site "failed" with that error, so
// this never fails. `generated_at` is copied into the output as given.
std::string PortfolioJson(const std::vector<PortfolioSite>& sites, std::string_view generated_at);

// Renders the portfolio JSON as HTML. Returns true and fills *html on success; false with *error
// when `portfolio_json` does not parse or is not a portfolio.
bool RenderPortfolioHtml(std::string_view portfolio_json, std::string* html, std::string* error);

}  // namespace mmaudit::report
