// The command-line interface: a static table of subcommands, each with its Boost.Program_options
// description (the one source of `--help` text) and its run function.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace mmaudit::cli {

// Runs mmaudit with the given arguments (argv[0] excluded), writing normal output to `out` and
// errors to `err`. Returns the process exit code (see pipeline::ExitCode). Never throws.
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The text of `mmaudit --help`, including every subcommand's options and the exit codes.
std::string FullHelp();

}  // namespace mmaudit::cli
