// The options a kura-sim command line gave, read back from CLI11 after parsing: to refuse
// options given to the wrong mode, and to print a replay line that reruns the same world.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace kura::sim {

// The names of the options given to `app` itself or its option groups (not subcommands).
std::vector<std::string> GivenOptions(CLI::App& app);

// The first "--name" on the command line that `app` does not know and its subcommand
// `sub` does (an option of `kura-sim processes` given without the word processes); empty
// when none.
std::string OptionOnlyOf(CLI::App& app, CLI::App& sub, int argc, const char* const* argv);

// " --name value ..." for every option given to `app` (and its option groups) except
// those in `skip`, values shell-quoted where they need it: appended to a replay line.
std::string GivenOptionsLine(CLI::App& app, const std::set<std::string>& skip);

}  // namespace kura::sim
