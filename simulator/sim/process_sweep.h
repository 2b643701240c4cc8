// `kura-sim processes --runs N`: seeds swept one at a time (each run owns its daemons,
// ports and the machine's cores), a line per seed, the full report of each that fails,
// and the list of failing seeds at the end, as the in-process `--runs` gives.
#pragma once

#include <functional>
#include <ostream>

#include "process_options.h"
#include "process_run.h"

namespace kura::sim {

using ProcessRunner = std::function<ProcessResult(const ProcessOptions&)>;

// Runs `run` for seeds options.seed .. options.seed + runs - 1 and writes the sweep to
// `out` (text, or one JSON object when `json`). Returns the exit status: 0 when every
// seed held, 1 when any failed a check, 2 when a run could not be carried out (a daemon
// would not start, a fault or the heal could not be made: the harness or the machine is
// in the way, so the sweep stops there), 130 when interrupted (SIGINT or SIGTERM, during a
// run or between two: the sweep stops with its summary).
int SweepProcesses(const ProcessOptions& options, int runs, bool json, const ProcessRunner& run,
                   std::ostream& out);

}  // namespace kura::sim
