// Hybrid logical clock: timestamps that follow wall time but never go backwards and
// always order an event after everything it has seen, even across skewed clocks
// (Kulkarni et al., 2014). Used to order last-writer-wins registers and to measure peers'
// clock skew. Not thread-safe; one per replica, driven from its loop.
//
// Encoding: a u64, the upper 48 bits wall milliseconds, the lower 16 bits a logical
// counter; so timestamps compare as plain integers.
#pragma once

#include <cstdint>

#include "kura/sync/clock.h"

namespace kura {

using HlcTimestamp = uint64_t;

inline constexpr int kHlcLogicalBits = 16;
inline int64_t HlcMillis(HlcTimestamp t) { return static_cast<int64_t>(t >> kHlcLogicalBits); }
inline uint32_t HlcLogical(HlcTimestamp t) { return static_cast<uint32_t>(t & 0xFFFF); }
inline HlcTimestamp MakeHlc(int64_t ms, uint32_t logical) {
  return (static_cast<uint64_t>(ms) << kHlcLogicalBits) | (logical & 0xFFFF);
}

class HybridLogicalClock {
 public:
  // `clock` is not owned. `max_forward_ms` bounds how far a remote timestamp may pull
  // this clock ahead of its own wall time; beyond it Observe refuses (skew alarm).
  HybridLogicalClock(Clock* clock, int64_t max_forward_ms = 5 * 60 * 1000)
      : clock_(clock), max_forward_ms_(max_forward_ms) {}

  // A timestamp for a local event, greater than every one issued or observed before.
  HlcTimestamp Now();
  // Takes in a timestamp seen from a peer. Returns false, and ignores it, when it lies
  // more than max_forward_ms ahead of local wall time (the caller raises the alarm).
  bool Observe(HlcTimestamp remote);
  // The last timestamp issued or observed.
  HlcTimestamp last() const { return last_; }
  // Local wall time, as this clock reads it.
  int64_t WallMillis() const { return clock_->NowMillis(); }

 private:
  Clock* clock_;
  int64_t max_forward_ms_;
  HlcTimestamp last_ = 0;
};

}  // namespace kura
