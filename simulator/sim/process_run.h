// RunProcesses: one run of kura-sim's multi-process mode. Starts the chain (ProcessChain),
// stocks it, runs the workload (ProcessWorkload) for the wall-clock duration while the
// fault plan (process_faults.h) is carried out and a continuous check watches for oversold
// promises, then stops the workload, ends every fault, polls until the chain has converged
// (or the deadline passes) and runs the checks (process_checks.h) on that converged
// snapshot. Not replayable event for event: the seed fixes the workload's draws and the
// fault plan, but wall-clock timing decides how they meet. Call from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "fault_schedule.h"
#include "process_checks.h"
#include "process_ledger.h"
#include "process_options.h"

namespace kura::sim {

struct ProcessResult {
  uint64_t seed = 0;
  int stores = 0;
  bool ok = false;         // the run completed and every check held
  std::string error;       // the harness failed (a daemon would not start, ...); no verdict
  bool interrupted = false;  // stopped by SIGINT/SIGTERM (error says so); daemons stopped, directory removed unless kept
  std::string violation;   // the first check that failed
  bool stopped_at_violation = false;  // found while running (or a daemon exited): no final heal or checks
  std::string trace_tail;  // the last operations and faults, for a violation report
  std::map<std::string, OpCounts> ops;  // the workload's, by kind
  int64_t opening_deliveries = 0;        // acknowledged before the workload, one per SKU per store
  int64_t skipped = 0;  // turns a till or the shop sat out while its daemon was down
  int64_t acked_while_cut = 0;  // store operations acknowledged while that store's link was cut
  int64_t decided_by_store = 0, decided_by_hq = 0;
  // Acknowledged ticket.redeem of a hold that had not reached the store (made from the ticket).
  int64_t tickets_before_hold = 0;
  // Disk replacements done, and those that fell back to a SIGKILL because operations at the
  // store were still unknown (its memory of their rids would have gone with the disk).
  int64_t disks_replaced = 0, disks_kept = 0;
  int64_t disks_rekeyed = 0;  // of those replaced, the ones whose store came back with a new key
  std::map<std::string, FaultCount> faults;  // by "SIGKILL store", "link cut", ...
  int64_t continuous_checks = 0;             // rounds while the workload ran
  double workload_s = 0;
  double converge_s = -1;                  // from the final heal to converged; -1: never
  std::vector<std::string> not_converged;  // what still differed at the deadline
  CheckReport checks;
  double wall_s = 0;
  std::string work_dir;  // set when kept
};

// Why `result` gives no verdict: "interrupted", "error" (the harness failed), or null
// when it gives one (ok or a violation).
inline const char* NoVerdict(const ProcessResult& result) {
  if (result.interrupted) return "interrupted";
  return result.error.empty() ? nullptr : "error";
}

// `progress` (may be empty) gets a one-line status now and then.
ProcessResult RunProcesses(const ProcessOptions& options,
                           const std::function<void(const std::string&)>& progress);

}  // namespace kura::sim
