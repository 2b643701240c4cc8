// SideThread: the world's HQ lane runs on it, one window at a time, so each window's
// hand-over must carry every write across in both directions, and a failure must surface.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <thread>

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

}  // namespace
}  // namespace kura::sim
