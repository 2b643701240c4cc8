// SideThread: the world's HQ lane runs on it, one window at a time, so each window's
// hand-over must carry every write across in both directions, and a failure must surface.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "side_thread.h"

namespace kura::sim {
namespace {

TEST_CASE("a side thread runs each piece of work on its own thread and hands its writes back", "[sim]") {
  SideThread side;
  std::thread::id caller = std::this_thread::get_id(), ran_on;
  // Plain (non-atomic) values: only the hand-over orders them.
  int64_t given = 0, made = 0;
  for (int64_t i = 1; i <= 20'000; ++i) {
    given = i;
    side.Start([&] {
      made += given;
      ran_on = std::this_thread::get_id();
    });
    side.Wait();
    REQUIRE(made == i * (i + 1) / 2);
  }
  CHECK(ran_on != caller);
}

TEST_CASE("a side thread's failure is rethrown by Wait and the thread goes on", "[sim]") {
  SideThread side;
  side.Start([] { throw std::runtime_error("window failed"); });
  CHECK_THROWS_WITH(side.Wait(), "window failed");
  int ran = 0;
  side.Start([&] { ++ran; });
  side.Wait();
  CHECK(ran == 1);
  side.Wait();  // nothing in hand: returns at once
}

TEST_CASE("a side thread finishes the work in hand before it stops", "[sim]") {
  bool finished = false;
  {
    SideThread side;
    side.Start([&] {
      volatile uint64_t sum = 0;
      for (uint64_t i = 0; i < 20'000'000; ++i) sum = sum + i;
      finished = true;
    });
  }  // destroyed without Wait
  CHECK(finished);
}

TEST_CASE("ShareOut runs every index once, on the caller and the side thread together", "[sim]") {
  SideThread side;
  std::thread::id caller = std::this_thread::get_id();
  for (int count : {0, 1, 2, 1000}) {
    // Plain values, each written by the one thread that took its index: only the
    // hand-over orders them.
    std::vector<int> runs(count, 0);
    std::vector<char> on_side(count, 0);  // not vector<bool>: its bits share words
    std::atomic<int> side_set_up{0};
    int side_ran = ShareOut(&side, count, [&](int i) {
      ++runs[i];
      on_side[i] = std::this_thread::get_id() != caller;
    }, [&] { side_set_up.fetch_add(1); });
    INFO(count << " indices");
    for (int i = 0; i < count; ++i) REQUIRE(runs[i] == 1);
    // It counts what the side thread ran, however many that was.
    CHECK(side_ran == std::count(on_side.begin(), on_side.end(), 1));
    // Set up once, whether or not it found an index left to take.
    CHECK(side_set_up.load() == 1);
  }
}

TEST_CASE("ShareOut without a side thread runs the indices in order on the caller", "[sim]") {
  std::thread::id caller = std::this_thread::get_id();
  std::vector<int> order;
  bool elsewhere = false;
  ShareOut(nullptr, 5, [&](int i) {
    order.push_back(i);
    elsewhere = elsewhere || std::this_thread::get_id() != caller;
  });
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
  CHECK_FALSE(elsewhere);
  CHECK(ShareOut(nullptr, 3, [](int) {}) == 0);  // nothing ran on a side thread
}

TEST_CASE("ShareOut rethrows a failure on either thread once both are done", "[sim]") {
  SideThread side;
  // Whichever thread takes index 7 throws and stops; the other takes every index left,
  // so each runs exactly once, and all have run by the time the failure surfaces.
  std::vector<std::atomic<int>> runs(200);
  CHECK_THROWS_WITH(ShareOut(&side, 200, [&](int i) {
    runs[i].fetch_add(1);
    if (i == 7) throw std::runtime_error("store 7 failed");
  }), "store 7 failed");
  for (int i = 0; i < 200; ++i) {
    INFO("index " << i);
    CHECK(runs[i].load() == 1);
  }
  // The side thread is free for the next.
  std::atomic<int> after{0};
  ShareOut(&side, 3, [&](int) { after.fetch_add(1); });
  CHECK(after.load() == 3);
}

TEST_CASE("ShareOut rethrows the caller's failure when both threads fail", "[sim]") {
  SideThread side;
  std::thread::id caller = std::this_thread::get_id();
  // The side thread fails on the first index it takes; the caller fails on its first
  // only once the side has (the side stops at its failure, so the caller gets an index
  // whichever thread takes the first).
  std::atomic<bool> side_failed{false};
  CHECK_THROWS_WITH(ShareOut(&side, 4, [&](int) {
    if (std::this_thread::get_id() != caller) {
      side_failed.store(true);
      throw std::runtime_error("side failed");
    }
    while (!side_failed.load()) std::this_thread::yield();
    throw std::runtime_error("caller failed");
  }), "caller failed");
}

}  // namespace
}  // namespace kura::sim
