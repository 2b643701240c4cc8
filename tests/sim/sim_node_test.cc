// A simulated node's clock: the world's epoch plus sim time plus the node's offset, with
// elapsed time (Clock::ElapsedMillis) following sim time alone, so that a clock fault
// reads to the node as a jump of its wall clock, as it would to a daemon.
#include <catch2/catch.hpp>

#include <memory>

#include <rocksdb/env.h>

#include "engine.h"
#include "sim_node.h"

namespace kura::sim {
namespace {

constexpr int64_t kEpoch = 1'795'392'000'000;
constexpr int64_t kHour = 3'600'000;

TEST_CASE("a sim node's clock reads the epoch, sim time and its offset; a jump is not elapsed time", "[sim]") {
  std::unique_ptr<rocksdb::Env> env(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  SimNode node("store-000", 0, env.get(), kEpoch, SessionOptions{});
  REQUIRE(node.Open({"hq"}).ok());
  Clock* clock = node.engine()->clock();

  node.SetTime(60'000);
  CHECK(node.LocalNow() == kEpoch + 60'000);
  const int64_t elapsed = clock->ElapsedMillis();

  node.offset_ms = 3 * kHour;  // a clock fault sets it three hours forward
  node.SetTime(61'000);
  CHECK(node.LocalNow() == kEpoch + 61'000 + 3 * kHour);
  CHECK(clock->ElapsedMillis() == elapsed + 1'000);
  // A session's timer, read on the node's clock, falls due at the matching sim time.
  CHECK(node.SimTimeOf(node.LocalNow() + 500) == 61'500);

  node.offset_ms = -5'000;  // put right, and now five seconds slow
  node.SetTime(62'000);
  CHECK(node.LocalNow() == kEpoch + 57'000);
  CHECK(clock->ElapsedMillis() == elapsed + 2'000);
  CHECK(node.SimTimeOf(node.LocalNow()) == 62'000);
}

}  // namespace
}  // namespace kura::sim
