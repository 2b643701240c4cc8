// The fault plan of a multi-process run, drawn from the seed before the run starts: which
// daemon gets which fault (SIGKILL and restart, SIGSTOP and SIGCONT, a cut link, a store's
// disk replaced), when (wall-clock offsets from the workload's start) and for how long.
// One daemon's faults never overlap, and no disk is replaced while HQ is down or frozen
// (the harness has the store sync first, process_run.cc); every fault starts after 5% and
// ends before 85% of the run. The plan is replayable; its execution is not (wall-clock
// timing meets the daemons' own timing). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "process_options.h"

namespace kura::sim {

enum class FaultKind { kKillStore = 1, kKillHq, kFreezeStore, kFreezeHq, kCutStore, kWipeStore };

struct Fault {
  FaultKind kind = FaultKind::kKillStore;
  int store = -1;  // -1 for HQ's faults
  int64_t at_ms = 0;
  int64_t length_ms = 0;
  bool shrunk = false;  // shorter than its kind's lengths, to fit a short run
  bool operator==(const Fault&) const = default;
};

// Every fault of the run in start order, for a workload of `duration_ms`.
std::vector<Fault> PlanFaults(const ProcessOptions& options, int64_t duration_ms);
// How many faults of each kind (by FaultLabel) `options` ask for: PlanFaults's plan has
// them all but the disk replacements it leaves out.
std::map<std::string, int64_t> FaultsAsked(const ProcessOptions& options);

// A disk is replaced only once HQ holds what the store acknowledged, so HQ must be up when
// it starts: a replacement `plan` puts in one of HQ's faults moves to the nearest moment
// just before or after one of them that keeps it within [begin_ms, end_ms] and clear of
// its store's other faults, or is left out when there is none. `plan` is in start order,
// and the result too. (PlanFaults's last step.)
std::vector<Fault> KeepWipesClearOfHq(const std::vector<Fault>& plan, int64_t begin_ms, int64_t end_ms);

// "SIGKILL", "SIGSTOP", "link cut", "disk replaced".
const char* FaultName(FaultKind kind);
// The report's kind of fault: "SIGKILL store", "SIGSTOP hq", "link cut", "disk replaced", ...
std::string FaultLabel(const Fault& fault);
bool AtHq(FaultKind kind);

}  // namespace kura::sim
