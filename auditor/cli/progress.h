// Progress implementations for the command line. Pick one with MakeProgress.
#pragma once

#include <cstdio>
#include <memory>

#include "core/progress.h"

namespace mmaudit::cli {

enum class ProgressStyle {
  kBar,    // a redrawn bar on a terminal (stderr is a TTY)
  kLines,  // an occasional plain line (stderr is a pipe or file)
  kQuiet,  // errors only (CI=true, or --quiet)
};

// kQuiet when `quiet` or the CI environment variable is "true"/"1"; else kBar when `out` is a
// terminal; else kLines.
ProgressStyle ChooseStyle(bool quiet, std::FILE* out);

// A Progress writing to `out` (normally stderr) in `style`. Thread-safe.
std::unique_ptr<Progress> MakeProgress(ProgressStyle style, std::FILE* out);

}  // namespace mmaudit::cli
