#include "kura/sync/pn_counter.h"

#include <algorithm>

namespace kura {
namespace {
thread_local bool broken_merge = false;  // TEST_SetBrokenPnMerge, per thread
}  // namespace

void TEST_SetBrokenPnMerge(bool broken) { broken_merge = broken; }

int64_t PnCounter::Value() const {
  int64_t total = 0;
  for (const auto& [origin, c] : components) total += c.p - c.n;
  return total;
}

uint64_t PnCounter::Add(const std::string& origin, uint64_t seq, int64_t delta) {
  PnComponent& c = components[origin];
  uint64_t previous = c.seq;
  if (delta >= 0) {
    c.p += delta;
  } else {
    c.n -= delta;
  }
  c.seq = seq;
  return previous;
}

void PnCounter::Merge(const PnCounter& other) {
  for (const auto& [origin, theirs] : other.components) {
    PnComponent& mine = components[origin];
    mine.seq = std::max(mine.seq, theirs.seq);
    mine.p = std::max(mine.p, theirs.p);
    mine.n = broken_merge ? std::min(mine.n, theirs.n) : std::max(mine.n, theirs.n);
  }
}

}  // namespace kura
