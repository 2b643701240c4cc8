#include "scheduler.h"

#include <algorithm>

namespace kura {

void Scheduler::Add(std::string name, int64_t interval_ms, int64_t now_ms, Job job) {
  AddInSteps(std::move(name), interval_ms, now_ms, [job = std::move(job)] {
    job();
    return false;
  });
}

void Scheduler::AddInSteps(std::string name, int64_t interval_ms, int64_t now_ms, Step step) {
  entries_.push_back(Entry{std::move(name), interval_ms, now_ms + interval_ms, std::move(step)});
}

void Scheduler::RunDue(int64_t now_ms) {
  for (Entry& e : entries_) {
    if (!e.stepping && e.next_ms > now_ms) continue;
    e.stepping = e.step();
    if (e.stepping) continue;
    // Skip missed runs rather than bursting after a stall or a clock jump.
    e.next_ms = std::max(e.next_ms + e.interval_ms, now_ms + 1);
  }
}

int64_t Scheduler::MsUntilNext(int64_t now_ms) const {
  int64_t best = -1;
  for (const Entry& e : entries_) {
    int64_t wait = e.stepping ? 0 : std::max<int64_t>(0, e.next_ms - now_ms);
    if (best < 0 || wait < best) best = wait;
  }
  return best;
}

}  // namespace kura
