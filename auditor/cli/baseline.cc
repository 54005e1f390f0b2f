#include "cli/baseline.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "pipeline/audit.h"
#include "report/json_view.h"

namespace po = boost::program_options;

namespace mmaudit::cli {
namespace {

constexpr const char* kGateHelp =
    "with --baseline (audit) or on diff: exit 1 when a site score (overall or a moment) dropped by more than "
    "POINTS (default 0) or a finding newly fails (warn or fail where it passed or was absent; or warn -> fail)";
constexpr const char* kOriginsHelp =
    "match pages by their whole URL; by default each report's own origin is removed, so a staging and a "
    "production host (or two ports) compare page by page";

// A report, less its site.urls entries, which no comparison reads (report/json_view.h).
bool ReadText(const std::string& path, std::string* out) {
  std::string error;
  return report::view::ReadReportWithoutUrlList(path, out, &error);
}

std::optional<double> ToleranceOf(const po::variables_map& vm) {
  if (!vm.count("fail-on-regression")) return std::nullopt;
  const double t = vm["fail-on-regression"].as<double>();
  if (!(t >= 0 && t <= 100)) throw std::invalid_argument("--fail-on-regression takes points between 0 and 100");
  return t;
}

}  // namespace

std::pair<std::string, std::string> BareGateOption(const std::string& token) {
  if (token == "--fail-on-regression") return {"fail-on-regression", "0"};
  return {"", ""};
}

void AddBaselineAuditOptions(po::options_description* o) {
  o->add_options()
      ("baseline", po::value<std::string>()->value_name("FILE"),
       "compare with an earlier report.json: new, fixed and changed findings and score deltas go into the "
       "report (\"baseline\") and the HTML (\"Since the baseline\")")
      ("fail-on-regression", po::value<double>()->implicit_value(0)->value_name("POINTS"), kGateHelp)
      ("compare-origins", kOriginsHelp);
}

std::optional<Baseline> ReadBaselineOptions(const po::variables_map& vm) {
  if (!vm.count("baseline")) {
    if (vm.count("fail-on-regression")) throw std::invalid_argument("--fail-on-regression needs --baseline FILE");
    if (vm.count("compare-origins")) throw std::invalid_argument("--compare-origins needs --baseline FILE");
    return std::nullopt;
  }
  Baseline b;
  b.file = vm["baseline"].as<std::string>();
  if (!ReadText(b.file, &b.json)) throw std::invalid_argument("cannot read --baseline " + b.file);
  b.tolerance = ToleranceOf(vm);
  b.diff_options.compare_origins = vm.count("compare-origins") > 0;
  report::ReportDiff check;
  std::string error;
  if (!report::DiffReports(b.json, b.json, b.diff_options, &check, &error))
    throw std::invalid_argument("--baseline " + b.file + ": " + error);
  return b;
}

bool ApplyBaseline(const Baseline& baseline, std::string* report_json, std::vector<std::string>* regressions,
                   std::string* summary, std::string* error) {
  report::ReportDiff diff;
  if (!report::DiffReports(baseline.json, *report_json, baseline.diff_options, &diff, error)) return false;
  std::vector<std::string> reasons;
  if (baseline.tolerance) reasons = report::Regressions(diff, *baseline.tolerance);
  std::string updated = *report_json;
  if (!report::AttachBaselineSection(&updated, report::DiffToJson(diff, baseline.file, baseline.tolerance, reasons))) {
    *error = "the new report does not end with a JSON object";
    return false;
  }
  *report_json = std::move(updated);
  if (summary) {
    std::ostringstream line;
    line << "Since the baseline: ";
    if (auto delta = diff.site_scores.empty() ? std::nullopt : diff.site_scores[0].Delta())
      line << "site score " << (*delta > 0 ? "+" : "") << *delta << ", ";
    line << diff.new_findings.size() << " new, " << diff.fixed_findings.size() << " fixed, "
         << diff.changed_findings.size() << " changed findings; pages: " << diff.pages_added.size() << " added, "
         << diff.pages_removed.size() << " removed (mmaudit diff for details)\n";
    *summary = line.str();
  }
  if (regressions) *regressions = std::move(reasons);
  return true;
}

void PrintRegressions(const std::vector<std::string>& regressions, std::ostream& err) {
  err << "mmaudit: gate failed: " << regressions.size()
      << (regressions.size() == 1 ? " regression" : " regressions") << " since the baseline\n";
  for (const std::string& r : regressions) err << "mmaudit: gate failed: " << r << "\n";
}

po::options_description DiffCommandOptions() {
  po::options_description o("diff options");
  o.add_options()
      ("help,h", "show this help")
      ("reports", po::value<std::vector<std::string>>()->multitoken(), "OLD.json NEW.json (positional)")
      ("format", po::value<std::string>()->default_value("text"), "text, or json (the report's \"baseline\" section)")
      ("fail-on-regression", po::value<double>()->implicit_value(0)->value_name("POINTS"), kGateHelp)
      ("compare-origins", kOriginsHelp);
  return o;
}

int RunDiffCommand(const po::variables_map& vm, std::ostream& out, std::ostream& err) {
  std::vector<std::string> files;
  if (vm.count("reports")) files = vm["reports"].as<std::vector<std::string>>();
  if (files.size() != 2) {
    err << "mmaudit: error: diff takes two reports: mmaudit diff OLD.json NEW.json\n";
    return pipeline::kExitUsage;
  }
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json") {
    err << "mmaudit: error: unknown --format \"" << format << "\" (text, json)\n";
    return pipeline::kExitUsage;
  }
  std::optional<double> tolerance;
  try {
    tolerance = ToleranceOf(vm);
  } catch (const std::invalid_argument& e) {
    err << "mmaudit: error: " << e.what() << "\n";
    return pipeline::kExitUsage;
  }
  std::string before, after;
  for (const auto& [path, text] : {std::pair<const std::string&, std::string*>{files[0], &before}, {files[1], &after}})
    if (!ReadText(path, text)) {
      err << "mmaudit: error: cannot read " << path << "\n";
      return pipeline::kExitUsage;
    }
  report::DiffOptions options;
  options.compare_origins = vm.count("compare-origins") > 0;
  report::ReportDiff diff;
  std::string error;
  if (!report::DiffReports(before, after, options, &diff, &error)) {
    err << "mmaudit: error: " << error << " (" << files[0] << ", " << files[1] << ")\n";
    return pipeline::kExitUsage;
  }
  std::vector<std::string> regressions;
  if (tolerance) regressions = report::Regressions(diff, *tolerance);
  if (format == "json") out << report::DiffToJson(diff, files[0], tolerance, regressions) << "\n";
  else out << report::DiffToText(diff);
  if (!regressions.empty()) {
    PrintRegressions(regressions, err);
    return pipeline::kExitGateFailed;
  }
  return pipeline::kExitOk;
}

}  // namespace mmaudit::cli
