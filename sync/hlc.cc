#include "kura/sync/hlc.h"

#include <algorithm>

namespace kura {

HlcTimestamp HybridLogicalClock::Now() {
  HlcTimestamp wall = MakeHlc(clock_->NowMillis(), 0);
  // If the wall clock has not passed the last timestamp (same ms, or it went backwards),
  // count on logically.
  last_ = std::max(wall, last_ + 1);
  return last_;
}

bool HybridLogicalClock::Observe(HlcTimestamp remote) {
  if (HlcMillis(remote) > clock_->NowMillis() + max_forward_ms_) return false;
  last_ = std::max(last_, remote);
  return true;
}

}  // namespace kura
