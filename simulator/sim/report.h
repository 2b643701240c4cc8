// The report of a kura-sim run: a human table and JSON (--json); the plot is plot.h's.
// Pure formatting; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim_options.h"
#include "world.h"

namespace kura::sim {

struct Measured {
  double wall_s = 0;
  double peak_rss_mb = 0;  // the whole process: every store and HQ, of every world at once
  int worlds_at_once = 1;  // --jobs, as far as there were worlds to run side by side
  int threads_per_world = 1;  // --threads
  // The same storage work on raw RocksDB (storage_floor.h), every run's; < 0 when not measured.
  double storage_floor_s = -1;
};

std::string FormatRun(const SimOptions& options, const std::vector<RunResult>& runs, const Measured& m);
// What ran: the run asked for and each strategy's run (the text report's figures).
nlohmann::json RunsJson(const SimOptions& options, const std::vector<RunResult>& runs);
// The process's own figures (wall time, peak RSS, worlds, threads, storage floor): a single
// run's report and a sweep's give them once, beside what ran.
nlohmann::json MeasuredJson(const Measured& m);
// The first strategy's run that this build could run (none when none could).
const RunResult* FirstAvailable(const std::vector<RunResult>& runs);
// What a violation prints: the seed, the violation, the last trace lines, and the command
// that replays it (with the options that shaped the run, SimOptions::replay_options).
std::string FormatViolation(const SimOptions& options, const RunResult& run);
// A sweep's line for one seed: "seed 3: ok (escrow trace ..., 0 oversold; ...)", so that
// two sweeps' seeds can be compared without a full report of each.
std::string FormatSweepSeed(uint64_t seed, const std::vector<RunResult>& runs);
// The command that replays `run` (its seed, strategy and every option given that shapes it).
std::string ReplayCommand(const SimOptions& options, const RunResult& run);
// The command that replays all of `runs` (one run's, or every strategy's of one seed).
std::string RunCommand(const SimOptions& options, const std::vector<RunResult>& runs);

}  // namespace kura::sim
