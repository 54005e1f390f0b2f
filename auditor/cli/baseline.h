// The baseline comparison on the command line (issue 7): `mmaudit audit --baseline FILE` with its
// gate `--fail-on-regression[=POINTS]`, and the `mmaudit diff OLD NEW` subcommand. The diff itself
// is report/diff.h; this file reads the options, attaches the diff to the report JSON and decides
// the gate. Kept apart from the other gates so that each can change on its own.
#pragma once

#include <boost/program_options.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/diff.h"

namespace mmaudit::cli {

// The options `audit` takes for a baseline: --baseline, --fail-on-regression, --compare-origins.
void AddBaselineAuditOptions(boost::program_options::options_description* options);

// A baseline asked for on `audit`, read and checked before anything is fetched.
struct Baseline {
  std::string file;                    // as given
  std::string json;                    // its bytes
  std::optional<double> tolerance;     // --fail-on-regression: the gate is on, with this many points
  report::DiffOptions diff_options;
};

// An extra parser for Boost.Program_options: the bare token "--fail-on-regression" becomes that
// option with 0 points, so that the next token stays a positional argument (Boost's implicit values
// would swallow it). Every other token: {"", ""}, left to the regular parser.
std::pair<std::string, std::string> BareGateOption(const std::string& token);

// Reads the baseline options of `vm`. Returns nullopt when --baseline is absent. Throws
// std::invalid_argument (a usage error, exit 2) naming the problem when the file cannot be read or is
// not a report mmaudit can read, when the tolerance is negative, or when --fail-on-regression or
// --compare-origins comes without --baseline.
std::optional<Baseline> ReadBaselineOptions(const boost::program_options::variables_map& vm);

// Diffs `baseline` against the finished report *report_json and adds the "baseline" section to it.
// Fills *regressions with the gate's reasons to fail (empty when the gate is off or nothing
// regressed) and *summary (when not null) with one line for the terminal ("Since the baseline:
// ..."). Returns false with *error when the new report cannot be read (it is then left unchanged).
bool ApplyBaseline(const Baseline& baseline, std::string* report_json, std::vector<std::string>* regressions,
                   std::string* summary, std::string* error);

// Prints the gate's reasons to `err` ("mmaudit: gate failed: ..." lines).
void PrintRegressions(const std::vector<std::string>& regressions, std::ostream& err);

// `mmaudit diff OLD.json NEW.json`.
boost::program_options::options_description DiffCommandOptions();
// Exit codes: 0 when done (and, with --fail-on-regression, nothing regressed), 1 when the gate
// failed, 2 when a file cannot be read or is not a readable report, or on a usage error.
int RunDiffCommand(const boost::program_options::variables_map& vm, std::ostream& out, std::ostream& err);

}  // namespace mmaudit::cli
