// kura-sim's storage floor: a run reports what each node asked of RocksDB, and the floor
// replays exactly that work on raw RocksDB.
#include <catch2/catch.hpp>

#include <rocksdb/env.h>

#include "sim_node.h"
#include "storage_floor.h"
#include "world.h"

namespace kura::sim {
namespace {

TEST_CASE("a run reports every node's storage work, and the floor replays exactly it", "[sim]") {
  SimOptions o;
  o.stores = 3;
  o.skus = 20;
  o.ops = 300;
  o.days = 0.05;
  o.checks = 2;
  o.plot_samples = 10;
  World world(o, StrategyKind::kEscrow);
  RunResult r = world.Run();
  REQUIRE(r.ok);
  REQUIRE(r.storage.size() == 4);  // the stores, then HQ
  for (const NodeStorage& node : r.storage) {
    CHECK(node.work.synced_writes > 0);
    CHECK(node.work.keys_written >= node.work.synced_writes);
    CHECK(node.work.point_reads > 0);
    CHECK(node.keys_held > 0);
  }
  CHECK(r.storage.back().cache_mb == kHqCacheMb);
  CHECK(r.storage.front().cache_mb == kStoreCacheMb);

  auto floor = MeasureStorageFloor(r.storage);
  REQUIRE(floor.ok());
  Db::Work asked = TotalWork(r.storage), done = floor->replayed;
  CHECK(floor->seconds > 0);
  CHECK(done.synced_writes == asked.synced_writes);
  CHECK(done.keys_written == asked.keys_written);
  CHECK(done.point_reads == asked.point_reads);
  CHECK(done.scans == asked.scans);
  CHECK(done.scan_steps == asked.scan_steps);
  // Values are the mean size: the bytes agree but for rounding and framing.
  CHECK(done.bytes_written == Approx(asked.bytes_written).epsilon(0.15));
}

TEST_CASE("the floor spreads uneven work over the writes exactly", "[sim]") {
  NodeStorage odd;
  odd.work = Db::Work{7, 23, 23 * 60 + 7 * 12, 11, 3, 10};
  odd.keys_held = 5;
  NodeStorage idle;  // a node that wrote nothing replays nothing
  NodeStorage reader;  // one that only read still has its reads replayed
  reader.work.point_reads = 4;
  auto floor = MeasureStorageFloor({odd, idle, reader});
  REQUIRE(floor.ok());
  const Db::Work& done = floor->replayed;
  CHECK(done.synced_writes == 7);
  CHECK(done.keys_written == 23);
  CHECK(done.point_reads == 11 + 4);
  CHECK(done.scans == 3);
  CHECK(done.scan_steps == 10);  // past the last of the 5 keys, a scan wraps around
}

TEST_CASE("a node's storage work and key count outlive its crashes", "[sim]") {
  std::unique_ptr<rocksdb::Env> env(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  SimNode node("store-000", 0, env.get(), 1'795'392'000'000, SessionOptions{});
  REQUIRE(node.Open({"hq"}).ok());
  node.Execute("stock.receive", "r1", {{"sku", "SKU-00001"}, {"qty", 3}});
  Db::Work first = node.Work();
  uint64_t keys = node.KeysHeld();
  CHECK(first.synced_writes >= 2);  // the format record, then the receipt
  CHECK(keys > 0);
  node.Crash();
  CHECK(node.Work().synced_writes == first.synced_writes);
  CHECK(node.KeysHeld() == keys);
  REQUIRE(node.Open({"hq"}).ok());
  node.Execute("stock.receive", "r2", {{"sku", "SKU-00001"}, {"qty", 3}});
  CHECK(node.Work().synced_writes > first.synced_writes);
  CHECK(node.Work().keys_written > first.keys_written);
}

}  // namespace
}  // namespace kura::sim
