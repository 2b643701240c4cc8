// Clock: where kura code gets the time. Daemons use the system clock (node/); the
// simulator and tests pass a clock they control. Implementations must be thread-safe.
#pragma once

#include <cstdint>

namespace kura {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch.
  virtual int64_t NowMillis() = 0;
};

// A clock that only moves when told to. Thread-compatible.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMillis() override { return now_ms_; }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  int64_t now_ms_;
};

}  // namespace kura
