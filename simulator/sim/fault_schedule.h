// FaultSchedule: when each step of a multi-process run's fault plan (process_faults.h)
// falls due, and how long each fault held. The plan gives every start and end a
// wall-clock offset from the workload's start; the harness applies them from one loop,
// which a restart or a check can hold up. A step applied late moves every later step by as
// much, so each fault keeps its length and its distance from the next (a fault cut short
// would be counted as injected with next to no exposure); a fault whose start takes
// preparing (a disk replacement) is timed from when it took effect (StartedAt). A step planned before
// the workload's end is owed even when the delay carries it past the end; one planned
// after it is not: a start so planned is never injected, an end so planned comes with the
// final heal, and the fault is held until the workload stops (Stop).
//
// Pure bookkeeping over the times it is given; not thread-safe (the control thread).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "process_faults.h"

namespace kura::sim {

// A kind of fault's count over a run, as the report gives it.
struct FaultCount {
  // asked: by the options (FaultsAsked); planned: in the plan, which leaves out a disk
  // replacement with no moment clear of HQ's faults (KeepWipesClearOfHq).
  int64_t asked = 0, planned = 0, injected = 0;
  int64_t shrunk = 0;  // planned shorter than the kind's lengths, to fit a short run
  // The planned faults' lengths, and how long the injected ones held: from the start's
  // injection to the end's (a fault still on when the workload stopped, to then).
  double planned_s = 0, held_s = 0;
};

// One fault's start or end.
struct FaultStep {
  const Fault* fault;
  bool start;
};

class FaultSchedule {
 public:
  // `plan` must outlive the schedule. Counts the planned faults into `counts`, by
  // FaultLabel, and later what was injected and held.
  FaultSchedule(const std::vector<Fault>& plan, int64_t duration_ms,
                std::map<std::string, FaultCount>* counts);
  FaultSchedule(std::vector<Fault>&& plan, int64_t, std::map<std::string, FaultCount>*) = delete;

  // The next step due at `now_ms`, taken as applied then (a start counts as injected);
  // none when nothing is due.
  std::optional<FaultStep> Due(int64_t now_ms);
  // The fault whose start Due gave last took effect only at `now_ms` (preparing it held
  // the harness up, as a disk replacement's does): it is held from then, and its end and
  // every later step move by as much.
  void StartedAt(int64_t now_ms);
  // Whether a step planned before the end is still to come.
  bool Owed() const;
  // When the next owed step falls due, as the plan runs now; none when none is owed.
  std::optional<int64_t> NextDueMs() const;
  // How late the plan runs.
  int64_t lag_ms() const { return lag_ms_; }
  // The workload stopped at `now_ms`: the faults still on held until then.
  void Stop(int64_t now_ms);

 private:
  struct Step {
    int64_t at_ms;
    FaultStep step;
  };

  std::vector<Step> steps_;  // by planned time
  std::size_t next_ = 0;
  int64_t duration_ms_;
  int64_t lag_ms_ = 0;
  std::map<const Fault*, int64_t> started_ms_;  // the faults on, by when they started
  std::map<std::string, FaultCount>* counts_;
};

}  // namespace kura::sim
