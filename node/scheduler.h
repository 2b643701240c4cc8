// Scheduler: the daemon's periodic work (hold expiry, request-id pruning, later
// anti-entropy) as named jobs run from the request loop, between commit groups, so a job
// never races a request. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kura {

class Scheduler {
 public:
  using Job = std::function<void()>;
  // Does a bounded share of a job's work; returns true while some is left.
  using Step = std::function<bool()>;

  // Runs `job` every `interval_ms`, first at now_ms + interval_ms.
  void Add(std::string name, int64_t interval_ms, int64_t now_ms, Job job);
  // Like Add, for work done in steps: while `step` returns true it runs again at the
  // loop's next turn, after the requests waiting then, and the interval counts from the
  // run that began the work.
  void AddInSteps(std::string name, int64_t interval_ms, int64_t now_ms, Step step);
  // Runs every job that is due at `now_ms`.
  void RunDue(int64_t now_ms);
  // Milliseconds until the next job is due (0 if one is due; -1 if there are no jobs).
  int64_t MsUntilNext(int64_t now_ms) const;

 private:
  struct Entry {
    std::string name;
    int64_t interval_ms;
    int64_t next_ms;
    Step step;
    bool stepping = false;  // a step left work: the next runs at the next turn, whatever the clock
  };
  std::vector<Entry> entries_;
};

}  // namespace kura
