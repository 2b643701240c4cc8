// EventLoop times its jobs by a clock that never jumps (Clock::ElapsedMillis): a wall
// clock set back, by hand or by NTP after running fast, must not hold up hold expiry,
// sync heartbeats or order timeouts until it catches up.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "event_loop.h"
#include "kura/sync/clock.h"

namespace kura {
namespace {

TEST_CASE("a daemon's jobs keep their pace when the wall clock is set back", "[daemon]") {
  // Both readings far from the real clocks' (2096), so a loop that read the system clock
  // for either would find the job never due, or always due.
  ManualClock clock(4'000'000'000'000);
  const int64_t start = clock.ElapsedMillis();
  EventLoop loop(&clock);
  std::atomic<bool> stop{false};
  std::vector<int64_t> ran_at;
  loop.Every("tick", 100, [&] {
    ran_at.push_back(clock.ElapsedMillis() - start);
    clock.Jump(-3'600'000);  // the wall clock set an hour back...
    clock.Advance(100);      // ... as the job's interval passes
    if (ran_at.size() == 3) stop = true;
  });
  clock.Advance(100);

  // Only if the loop waits for the wall clock: end the test rather than hang it.
  std::mutex mu;
  std::condition_variable done;
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lock(mu);
    if (!done.wait_for(lock, std::chrono::seconds(20), [&] { return stop.load(); })) stop = true;
  });
  Status ran = loop.Run(stop);
  {
    std::lock_guard<std::mutex> lock(mu);
    done.notify_all();
  }
  watchdog.join();
  CHECK(ran.ok());
  CHECK(ran_at == std::vector<int64_t>{100, 200, 300});  // each when due, not an hour later
}

}  // namespace
}  // namespace kura
