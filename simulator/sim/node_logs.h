// The nodes a simulated world runs log as the daemons would (HQ warns of every routed
// hold it releases, say). In a world of faults such warnings are routine and not the
// report, so kura-sim and its tests keep only errors, on stderr, clear of --json's stdout.
#pragma once

namespace kura::sim {

// Sends the process's default spdlog logger to stderr, errors only. Once per process,
// before any world runs.
void KeepNodeLogsToErrors();

}  // namespace kura::sim
