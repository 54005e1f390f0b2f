// Runs the real mmaudit binary (built alongside the tests) for end-to-end tests.
#pragma once

#include <string>
#include <vector>

namespace mmaudit::testing {

struct RunResult {
  int exit_code = -1;  // -1 when the process did not exit normally (e.g. it crashed)
  std::string output;  // stdout and stderr, interleaved
};

// Runs MMAUDIT_BINARY with `args` (each shell-quoted) and CI=`ci` in its environment: "true" makes
// its progress quiet; "" lets it print a line per page, as on a terminal that is not a tty.
RunResult RunMmaudit(const std::vector<std::string>& args, const std::string& ci = "true");

// A fresh empty directory under the system temp dir, removed when the test binary exits.
std::string TempDir();

}  // namespace mmaudit::testing
