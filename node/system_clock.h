// The real wall clock. Thread-safe.
#pragma once

#include <chrono>

#include "kura/sync/clock.h"

namespace kura {

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t ElapsedMillis() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  // One shared instance for the process.
  static SystemClock* Get() {
    static SystemClock clock;
    return &clock;
  }
};

}  // namespace kura
