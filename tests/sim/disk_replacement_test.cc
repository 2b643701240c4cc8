// kura-sim's store disk replacements (World::ReplaceStoreDisk): a store wiped once HQ holds
// all it wrote gets everything back before it sells again, and one that sells first is
// caught.
#include <catch2/catch.hpp>

#include "report.h"
#include "small_world.h"
#include "storage_floor.h"
#include "world.h"

namespace kura::sim {
namespace {

SimOptions WithWipes(uint64_t seed) {
  SimOptions o = SmallWorld(seed);
  o.store_wipes = 4;
  return o;
}

TEST_CASE("a store whose disk is replaced gets everything back from HQ before it sells again", "[sim]") {
  int64_t skipped_meanwhile = 0;
  for (uint64_t seed : {1, 2, 3}) {
    SimOptions o = WithWipes(seed);
    o.record_storage = true;
    RunResult r = World(o, StrategyKind::kEscrow).Run();
    INFO("seed " << seed << ": " << FormatViolation(o, r));
    // The final checks read the replaced stores too: their on-hand against every
    // acknowledged operation, their cells and receipts against HQ's. A request of the
    // world's answered busy (a store refusing writes while restoring) stops the run too.
    REQUIRE(r.ok);
    CHECK(r.disks_replaced > 0);
    skipped_meanwhile += r.ops_skipped.disk_replaced;
    // The storage floor replays a replaced store on a new database too, finding what it found.
    auto floor = MeasureStorageFloor(*r.storage_log, r.storage);
    CHECK(floor.ok());
  }
  CHECK(skipped_meanwhile > 0);  // tills waited while HQ caught up or the data came back
}

TEST_CASE("a world replacing disks replays exactly on two threads", "[sim]") {
  SimOptions o = WithWipes(1);
  RunResult one = World(o, StrategyKind::kEscrow).Run();
  o.threads = 2;
  o.pace_threads = false;  // every window with work for two threads runs on both
  RunResult two = World(o, StrategyKind::kEscrow).Run();
  REQUIRE(one.ok);
  CHECK(one.disks_replaced > 0);
  CHECK(two.trace_hash == one.trace_hash);
  CHECK(two.windows_on_side_thread > 0);
}

TEST_CASE("a store that sells on a new disk before its data is back is caught within a sweep", "[sim]") {
  // A store that takes writes at once on its new disk loses only what it writes to a cell
  // before HQ's copy of that cell reaches it: a world whose replaced store has no till
  // operation in that window (often seconds, longer when it comes back cut off) loses
  // nothing, and its checks rightly pass. So, as for a broken merge, a sweep.
  int caught = 0;
  for (uint64_t seed : {1, 2, 3, 4}) {
    SimOptions o = WithWipes(seed);
    o.skip_restore = true;  // as kura-store --offline-first-start on a replaced disk
    RunResult r = World(o, StrategyKind::kEscrow).Run();
    INFO("seed " << seed << ": " << FormatViolation(o, r));
    REQUIRE(r.disks_replaced > 0);
    if (r.ok) continue;
    ++caught;
    // Its new disk starts from nothing: what it sells there leaves its on-hand short of
    // the acknowledged operations, or differing from HQ's copy.
    bool lost = r.violation.find("acknowledged operations say") != std::string::npos ||
                r.violation.find("replicas differ") != std::string::npos;
    CHECK(lost);
  }
  CHECK(caught >= 1);
}

}  // namespace
}  // namespace kura::sim
