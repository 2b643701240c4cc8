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

TEST_CASE("a store whose disk is replaced gets everything back from HQ before it sells again", "[sim]") {
  int64_t replaced_in_all = 0;
  for (uint64_t seed : {1, 2, 3}) {
    SimOptions o = SmallWorld(seed);
    o.store_wipes = 4;
    o.record_storage = true;
    World world(o, StrategyKind::kEscrow);
    RunResult r = world.Run();
    INFO("seed " << seed << ": " << FormatViolation(o, r));
    // The final checks read the replaced stores too: their on-hand against every acknowledged
    // operation, their cells and receipts against HQ's.
    REQUIRE(r.ok);
    CHECK(r.disks_replaced + r.disks_kept <= o.store_wipes);
    int64_t new_disks = 0;
    for (int i = 0; i < o.stores; ++i) new_disks += world.store(i).disks_replaced();
    CHECK(new_disks == r.disks_replaced);
    replaced_in_all += r.disks_replaced;
    // The storage floor replays a replaced store on a new database too, finding what it found.
    auto floor = MeasureStorageFloor(*r.storage_log, r.storage);
    CHECK(floor.ok());
  }
  CHECK(replaced_in_all >= 6);
}

TEST_CASE("a store that sells on a new disk before its data is back is caught", "[sim]") {
  int caught = 0;
  for (uint64_t seed : {1, 2, 3}) {
    SimOptions o = SmallWorld(seed);
    o.store_wipes = 4;
    o.skip_restore = true;  // as kura-store --offline-first-start on a replaced disk
    RunResult r = World(o, StrategyKind::kEscrow).Run();
    INFO("seed " << seed << ": " << FormatViolation(o, r));
    REQUIRE(r.disks_replaced > 0);
    caught += !r.ok;
  }
  CHECK(caught == 3);
}

}  // namespace
}  // namespace kura::sim
