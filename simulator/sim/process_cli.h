// `kura-sim processes`: the multi-process mode's subcommand — its flags (every field of
// ProcessOptions, explained in its --help) and its main. Call from main's thread.
#pragma once

#include <CLI/CLI.hpp>

#include "process_options.h"

namespace kura::sim {

struct ProcessCommand {
  ProcessOptions options;
  int runs = 1;  // seeds swept, from options.seed
  bool json = false;
  bool quiet = false;
  CLI::App* app = nullptr;  // the subcommand; parsed() says whether it was given
};

// Adds the `processes` subcommand to `app`, filling `command` when parsed.
void AddProcessesCommand(CLI::App& app, ProcessCommand* command);
// Runs it, or sweeps its seeds: prints the report (stdout) and progress (stderr). Exit
// status 0 when every check held, 1 on a violation, 2 when a run could not be carried
// out, 130 when interrupted.
int RunProcessesCommand(ProcessCommand& command);

}  // namespace kura::sim
