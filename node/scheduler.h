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

  // Runs `job` every `interval_ms`, first at now_ms + interval_ms.
  void Add(std::string name, int64_t interval_ms, int64_t now_ms, Job job);
  // Runs every job that is due at `now_ms`.
  void RunDue(int64_t now_ms);
  // Milliseconds until the next job is due (0 if one is due; -1 if there are no jobs).
  int64_t MsUntilNext(int64_t now_ms) const;

 private:
  struct Entry {
    std::string name;
    int64_t interval_ms;
    int64_t next_ms;
    Job job;
  };
  std::vector<Entry> entries_;
};

}  // namespace kura
