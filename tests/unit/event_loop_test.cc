// EventLoop times its jobs by a clock that never jumps (Clock::ElapsedMillis): a wall
// clock set back, by hand or by NTP after running fast, must not hold up hold expiry,
// sync heartbeats or order timeouts until it catches up.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "event_loop.h"
#include "kura/sync/clock.h"

namespace kura {
namespace {

TEST_CASE("a daemon's jobs keep their pace when the wall clock is set back", "[daemon]") {
  ManualClock clock(1'700'000'000'000);
  EventLoop loop(&clock);
  std::atomic<bool> stop{false};
  int runs = 0;
  loop.Every("tick", 100, [&] {
    ++runs;
    clock.Jump(-3'600'000);  // the wall clock set an hour back...
    clock.Advance(100);      // ... as the job's interval passes
    if (runs == 3) stop = true;
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
  CHECK(runs == 3);
}

}  // namespace
}  // namespace kura
