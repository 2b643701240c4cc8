// The daemon's job scheduler: jobs run when due, missed runs are skipped, and a job done
// in steps runs again at the next turn until it is through.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "scheduler.h"

namespace kura::test {
namespace {

TEST_CASE("scheduler runs a job every interval and skips the runs it missed", "[scheduler]") {
  Scheduler scheduler;
  int runs = 0;
  scheduler.Add("tick", 100, 0, [&] { ++runs; });
  CHECK(scheduler.MsUntilNext(0) == 100);
  scheduler.RunDue(99);
  CHECK(runs == 0);
  scheduler.RunDue(100);
  CHECK(runs == 1);
  CHECK(scheduler.MsUntilNext(100) == 100);
  scheduler.RunDue(1'000);  // a stall: one run, not nine
  CHECK(runs == 2);
  CHECK(scheduler.MsUntilNext(1'000) == 1);
}

TEST_CASE("scheduler runs a job in steps at every turn until it is through, between the others", "[scheduler]") {
  Scheduler scheduler;
  std::vector<std::string> ran;
  int steps_left = 3;
  scheduler.AddInSteps("pass", 100, 0, [&] {
    ran.push_back("step");
    return --steps_left > 0;
  });
  scheduler.Add("other", 100, 0, [&] { ran.push_back("other"); });
  scheduler.RunDue(100);
  CHECK(ran == std::vector<std::string>{"step", "other"});
  CHECK(scheduler.MsUntilNext(101) == 0);  // the pass goes on at the next turn
  scheduler.RunDue(101);
  scheduler.RunDue(50);  // the clock set back mid-pass: the pass goes on all the same
  CHECK(ran == std::vector<std::string>{"step", "other", "step", "step"});
  // Through: the next pass comes an interval after the run that began this one.
  CHECK(scheduler.MsUntilNext(102) == 98);
  steps_left = 1;
  scheduler.RunDue(200);
  CHECK(ran.size() == 6);
}

}  // namespace
}  // namespace kura::test
