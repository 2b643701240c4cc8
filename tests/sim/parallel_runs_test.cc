// kura-sim --jobs: worlds run side by side replay exactly as they do one at a time, and
// their results come back in order.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "parallel_runs.h"
#include "small_world.h"
#include "world.h"

namespace kura::sim {
namespace {

TEST_CASE("worlds run side by side replay exactly as they do one at a time", "[sim]") {
  // Two worlds of the same seed among them: anything they shared would show first there.
  const std::vector<std::pair<uint64_t, StrategyKind>> worlds = {
      {7, StrategyKind::kLastKnown}, {7, StrategyKind::kStrong}, {8, StrategyKind::kLastKnown}};
  auto run = [&](std::size_t i) {
    World world(SmallWorld(worlds[i].first), worlds[i].second);
    return world.Run();
  };
  std::vector<RunResult> one_at_a_time;
  for (std::size_t i = 0; i < worlds.size(); ++i) one_at_a_time.push_back(run(i));

  std::vector<RunResult> side_by_side;
  RunInOrder<RunResult>(worlds.size(), 3, run, [&](std::size_t, RunResult r) { side_by_side.push_back(std::move(r)); });

  REQUIRE(side_by_side.size() == worlds.size());
  for (std::size_t i = 0; i < worlds.size(); ++i) {
    INFO("world " << i);
    REQUIRE(one_at_a_time[i].ok);
    CHECK(side_by_side[i].ok);
    CHECK(side_by_side[i].trace_hash == one_at_a_time[i].trace_hash);
    CHECK(side_by_side[i].events == one_at_a_time[i].events);
    CHECK(side_by_side[i].orders.accepted == one_at_a_time[i].orders.accepted);
  }
  CHECK(one_at_a_time[0].trace_hash != one_at_a_time[1].trace_hash);
}

TEST_CASE("a broken merge reaches only its own world when worlds run side by side", "[sim]") {
  auto options = [](std::size_t i) {
    SimOptions o = SmallWorld(1 + i / 2);
    o.break_merge = i % 2 == 0;  // worlds 0 and 2 broken, 1 and 3 clean
    return o;
  };
  auto run = [&](std::size_t i) {
    World world(options(i), StrategyKind::kStrong);
    return world.Run();
  };
  std::vector<RunResult> one_at_a_time, side_by_side;
  for (std::size_t i = 0; i < 4; ++i) one_at_a_time.push_back(run(i));
  RunInOrder<RunResult>(4, 2, run, [&](std::size_t, RunResult r) { side_by_side.push_back(std::move(r)); });
  REQUIRE(side_by_side.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("world " << i);
    CHECK(side_by_side[i].trace_hash == one_at_a_time[i].trace_hash);
    CHECK(side_by_side[i].ok == one_at_a_time[i].ok);
    if (i % 2 == 1) CHECK(side_by_side[i].ok);
  }
}

TEST_CASE("results come back in order even when a later run finishes first", "[sim]") {
  std::mutex mu;
  std::condition_variable cv;
  bool second_finished = false;
  std::vector<std::size_t> finish_order, handed_over;
  RunInOrder<std::size_t>(
      4, 2,
      [&](std::size_t i) {
        std::unique_lock<std::mutex> lock(mu);
        // The first run waits for the second, so the second is done before it.
        if (i == 0) cv.wait(lock, [&] { return second_finished; });
        if (i == 1) second_finished = true;
        finish_order.push_back(i);
        cv.notify_all();
        return i * 10;
      },
      [&](std::size_t i, std::size_t result) {
        CHECK(result == i * 10);
        handed_over.push_back(i);
      });
  REQUIRE(finish_order.size() == 4);
  CHECK(finish_order[0] == 1);
  CHECK(handed_over == std::vector<std::size_t>{0, 1, 2, 3});
}

TEST_CASE("a run that throws: earlier results are handed over, then the first failure", "[sim]") {
  std::vector<std::size_t> handed_over;
  auto throwing = [](std::size_t i) -> int {
    if (i == 1 || i == 3) throw std::runtime_error("run " + std::to_string(i) + " failed");
    return static_cast<int>(i);
  };
  CHECK_THROWS_WITH(RunInOrder<int>(8, 2, throwing, [&](std::size_t i, int) { handed_over.push_back(i); }),
                    "run 1 failed");
  CHECK(handed_over == std::vector<std::size_t>{0});
}

TEST_CASE("an exception from the caller's hand-over stops and joins the threads", "[sim]") {
  std::atomic<int> started{0};
  auto run = [&](std::size_t i) {
    ++started;
    return i;
  };
  CHECK_THROWS_WITH(RunInOrder<std::size_t>(100, 2, run,
                                           [](std::size_t i, std::size_t) {
                                             if (i == 2) throw std::runtime_error("report failed");
                                           }),
                    "report failed");
  // The window bounds what ran ahead of the hand-over: 2 x 2 threads beyond run 2, at most.
  CHECK(started.load() <= 3 + 4);
}

TEST_CASE("no more than twice the threads' results wait for an earlier one", "[sim]") {
  std::mutex mu;
  std::condition_variable cv;
  bool first_may_finish = false;
  std::size_t started = 0, max_started_while_first_ran = 0;
  RunInOrder<std::size_t>(
      20, 2,
      [&](std::size_t i) {
        std::unique_lock<std::mutex> lock(mu);
        if (++started == 4) {
          first_may_finish = true;
          cv.notify_all();
        }
        if (i == 0) {
          // Hold run 0 until the window is full: nothing more may start until it is done.
          cv.wait(lock, [&] { return first_may_finish; });
          max_started_while_first_ran = started;
        }
        return i;
      },
      [](std::size_t, std::size_t) {});
  // Runs 0..3 fit the window of 4; run 4 may not start before run 0 is handed over.
  CHECK(max_started_while_first_ran == 4);
}

}  // namespace
}  // namespace kura::sim
