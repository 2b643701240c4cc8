// Clock: where kura code gets the time. Daemons use the system clock (node/); the
// simulator and tests pass a clock they control. Implementations must be thread-safe.
#pragma once

#include <cassert>
#include <cstdint>

namespace kura {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch. May jump either way (set by hand, NTP).
  virtual int64_t NowMillis() = 0;
  // Milliseconds from an arbitrary origin on a clock that never jumps: how much time
  // passed between two readings in one process, whatever the wall clock did meanwhile.
  virtual int64_t ElapsedMillis() = 0;
};

// A clock that only moves when told to. Thread-compatible.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_ms) : now_ms_(now_ms), elapsed_ms_(now_ms) {}
  int64_t NowMillis() override { return now_ms_; }
  int64_t ElapsedMillis() override { return elapsed_ms_; }
  // Time passes: both clocks move. REQUIRES: ms >= 0 (a clock set back is a Jump).
  void Advance(int64_t ms) {
    assert(ms >= 0);
    now_ms_ += ms;
    elapsed_ms_ += ms;
  }
  // The wall clock is set, forward or back; no time passes.
  void Jump(int64_t ms) { now_ms_ += ms; }

 private:
  int64_t now_ms_;
  int64_t elapsed_ms_;
};

}  // namespace kura
