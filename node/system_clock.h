// The real wall clock. Thread-safe.
#pragma once

#include <chrono>
#include <ctime>

#include "kura/sync/clock.h"

namespace kura {

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // CLOCK_BOOTTIME, not steady_clock (CLOCK_MONOTONIC): a back office PC asleep overnight
  // has seen that night pass.
  int64_t ElapsedMillis() override {
    timespec ts{};
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
  }
  // One shared instance for the process.
  static SystemClock* Get() {
    static SystemClock clock;
    return &clock;
  }
};

}  // namespace kura
