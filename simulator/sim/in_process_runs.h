// The in-process mode's two ways to run the worlds kura_sim_main.cc has parsed: a sweep of
// seeds (--runs N: a line per seed, the failures listed, Ctrl-C stops it between seeds)
// and a single run with its full report, plot and optional storage floor.
#pragma once

#include <string>
#include <vector>

#include "sim_options.h"

namespace kura::sim {

struct InProcessRuns {
  SimOptions options;  // the first seed's; threads per world and progress already set
  std::vector<StrategyKind> kinds;  // a world each, per seed, reported in this order
  int runs = 1;  // seeds: options.seed, options.seed + 1, ...
  int jobs = 1;  // worlds at once, at most
  bool json = false;
  bool storage_floor = false;  // single runs only: replay each run's storage on raw RocksDB
  std::string plot;  // single runs only: the SVG's path, "" for none (checked writable)
  std::string trace;  // single runs only: where every line of each run's trace goes, "" for nowhere
};

// How many worlds run at once: jobs, or fewer when there are fewer worlds.
int WorldsAtOnce(const InProcessRuns& r);

// Sweeps r.runs seeds and prints a line per seed (or JSON), the failures in full, and a
// summary. Returns the exit status: 0 every seed held, 1 one failed, 130 stopped by Ctrl-C.
int RunSweep(const InProcessRuns& r);

// The exit status of a single run whose every invariant held but whose plot or trace could
// not be written or whose storage floor could not be measured: not a violation (1).
constexpr int kExitNotMeasured = 3;

// Runs one seed, a world per strategy, writes the plot and the trace and prints the full
// report (or JSON). Returns the exit status: 0 every invariant held, 1 a violation, else
// kExitNotMeasured when the plot, the trace or the storage floor failed.
int RunSingle(const InProcessRuns& r);

}  // namespace kura::sim
