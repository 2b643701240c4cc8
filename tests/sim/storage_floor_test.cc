// kura-sim's storage floor: a run records every request its nodes pass to RocksDB, and
// the floor replays exactly those on raw RocksDB, finding what the run found.
#include <catch2/catch.hpp>

#include <rocksdb/env.h>
#include <rocksdb/write_batch.h>

#include "sim_node.h"
#include "storage_floor.h"
#include "storage_log.h"
#include "world.h"

namespace kura::sim {
namespace {

SimOptions SmallWorld() {
  SimOptions o;
  o.stores = 3;
  o.skus = 20;
  o.ops = 300;
  o.days = 0.05;
  o.checks = 2;
  o.plot_samples = 10;
  return o;
}

TEST_CASE("a run records every request it counts, and the floor replays exactly them", "[sim]") {
  SimOptions o = SmallWorld();
  o.record_storage = true;
  World world(o, StrategyKind::kEscrow);
  RunResult r = world.Run();
  REQUIRE(r.ok);
  REQUIRE(r.storage.size() == 4);  // the stores, then HQ
  for (const NodeStorage& node : r.storage) {
    CHECK(node.work.synced_writes > 0);
    CHECK(node.work.keys_written >= node.work.synced_writes);
    CHECK(node.work.point_reads > 0);
  }
  CHECK(r.storage.back().cache_mb == kHqCacheMb);
  CHECK(r.storage.front().cache_mb == kStoreCacheMb);

  REQUIRE(r.storage_log != nullptr);
  Db::Work asked = TotalWork(r.storage);
  // ...and a record for each disk replaced, where the replay starts that node afresh.
  CHECK(r.storage_log->records() == asked.synced_writes + asked.point_reads + asked.scans + r.disks_replaced);

  uint64_t found = 0, moved = 0;
  REQUIRE(r.storage_log->ForEach([&](const StorageLog::Record& rec) {
    found += rec.kind == StorageLog::Kind::kGet && rec.found;
    moved += rec.moved;
    return Status::Ok();
  }).ok());
  CHECK(found > 0);
  CHECK(found < asked.point_reads);  // request ids are looked up before they exist

  // The replay stops with Corruption should any read find other than the run's did.
  auto floor = MeasureStorageFloor(*r.storage_log, r.storage);
  REQUIRE(floor.ok());
  const Db::Work& done = floor->replayed;
  CHECK(floor->seconds > 0);
  // The very batches the run wrote, so keys and bytes too.
  CHECK(done.synced_writes == asked.synced_writes);
  CHECK(done.keys_written == asked.keys_written);
  CHECK(done.bytes_written == asked.bytes_written);
  CHECK(done.point_reads == asked.point_reads);
  CHECK(done.scans == asked.scans);
  CHECK(done.scan_steps == moved);
  CHECK(moved > 0);
}

TEST_CASE("a replay that finds other than the run did stops", "[sim]") {
  SECTION("a read the run found, of a key never written") {
    StorageLog log;
    log.ForNode(0)->OnGet(Cf::kCells, "s/store-000/SKU-1", true);
    auto floor = MeasureStorageFloor(log, {NodeStorage{}});
    REQUIRE_FALSE(floor.ok());
    CHECK(floor.status().code() == Status::Code::kCorruption);
  }
  SECTION("a scan that went further than the database holds") {
    StorageLog log;
    rocksdb::WriteBatch one;
    REQUIRE(one.Put("k", "v").ok());  // the default family: not a scan's
    log.ForNode(0)->OnWrite(one);
    log.ForNode(0)->OnScan(Cf::kLocal, "", 1);
    auto floor = MeasureStorageFloor(log, {NodeStorage{}});
    REQUIRE_FALSE(floor.ok());
    CHECK(floor.status().code() == Status::Code::kCorruption);
  }
}

TEST_CASE("a run keeps no storage log unless asked", "[sim]") {
  World world(SmallWorld(), StrategyKind::kEscrow);
  RunResult r = world.Run();
  REQUIRE(r.ok);
  CHECK(r.storage_log == nullptr);
}

TEST_CASE("the storage log gives back every record in order, however large", "[sim]") {
  StorageLog log;
  rocksdb::WriteBatch big;
  REQUIRE(big.Put(std::string(100, 'k'), std::string(20 << 20, 'v')).ok());  // beyond one chunk
  log.ForNode(7)->OnGet(Cf::kLocal, "held/SKU-1", true);
  log.ForNode(300)->OnWrite(big);
  log.ForNode(0)->OnScan(Cf::kMeta, "seq/", 1ULL << 40);
  log.ForNode(1)->OnGet(Cf::kCells, std::string("\0\xff", 2), false);

  std::vector<StorageLog::Record> seen;
  std::vector<std::string> bytes;
  REQUIRE(log.ForEach([&](const StorageLog::Record& r) {
    seen.push_back(r);
    bytes.emplace_back(r.bytes);
    return Status::Ok();
  }).ok());
  REQUIRE(seen.size() == 4);
  CHECK(log.records() == 4);
  CHECK(log.bytes() > big.GetDataSize());
  CHECK((seen[0].kind == StorageLog::Kind::kGet && seen[0].node == 7 && seen[0].cf == Cf::kLocal && seen[0].found));
  CHECK(bytes[0] == "held/SKU-1");
  CHECK((seen[1].kind == StorageLog::Kind::kWrite && seen[1].node == 300));
  CHECK(bytes[1] == big.Data());
  CHECK((seen[2].kind == StorageLog::Kind::kScan && seen[2].cf == Cf::kMeta && seen[2].moved == 1ULL << 40));
  CHECK(bytes[2] == "seq/");
  CHECK(bytes[3] == std::string("\0\xff", 2));
  CHECK((seen[3].kind == StorageLog::Kind::kGet && seen[3].cf == Cf::kCells && !seen[3].found));

  // ForEach stops at the first error and returns it.
  int calls = 0;
  Status s = log.ForEach([&](const StorageLog::Record&) {
    return ++calls == 2 ? Status::Corruption("stop") : Status::Ok();
  });
  CHECK(s.code() == Status::Code::kCorruption);
  CHECK(calls == 2);
}

TEST_CASE("the storage log keeps small records in order across its chunks", "[sim]") {
  StorageLog log;
  constexpr uint64_t kRecords = 300'000;  // 64-byte keys: more than one chunk's worth
  StorageObserver* nodes[3] = {log.ForNode(0), log.ForNode(1), log.ForNode(2)};
  for (uint64_t i = 0; i < kRecords; ++i) {
    std::string key = std::to_string(i);
    nodes[i % 3]->OnScan(Cf::kChanges, key + std::string(64 - key.size(), '.'), i);
  }
  uint64_t next = 0;
  REQUIRE(log.ForEach([&](const StorageLog::Record& r) {
    std::string key = std::to_string(next);
    if (r.moved != next || r.node != next % 3 || r.bytes != key + std::string(64 - key.size(), '.')) {
      return Status::Corruption("record " + std::to_string(next) + " came back changed");
    }
    ++next;
    return Status::Ok();
  }).ok());
  CHECK(next == kRecords);
  CHECK(log.bytes() > kRecords * 64);
}

TEST_CASE("the floor refuses a log that names a node it was not given", "[sim]") {
  StorageLog log;
  log.ForNode(1)->OnGet(Cf::kCells, "s/store-000/SKU-1", false);
  auto floor = MeasureStorageFloor(log, {NodeStorage{}});
  REQUIRE_FALSE(floor.ok());
  CHECK(floor.status().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("a node's storage work and its log outlive its crashes", "[sim]") {
  std::unique_ptr<rocksdb::Env> env(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  StorageLog log;
  SimNode node("store-000", 0, env.get(), 1'795'392'000'000, SessionOptions{});
  node.set_storage_observer(log.ForNode(0));
  REQUIRE(node.Open({"hq"}).ok());
  node.Execute("stock.receive", "r1", {{"sku", "SKU-00001"}, {"qty", 3}});
  Db::Work first = node.Work();
  CHECK(first.synced_writes >= 2);  // the format record, then the receipt
  uint64_t logged = log.records();
  CHECK(logged == first.synced_writes + first.point_reads + first.scans);
  node.Crash();
  CHECK(node.Work().synced_writes == first.synced_writes);
  REQUIRE(node.Open({"hq"}).ok());
  node.Execute("stock.receive", "r2", {{"sku", "SKU-00001"}, {"qty", 3}});
  Db::Work second = node.Work();
  CHECK(second.synced_writes > first.synced_writes);
  CHECK(second.keys_written > first.keys_written);
  CHECK(log.records() == second.synced_writes + second.point_reads + second.scans);
}

}  // namespace
}  // namespace kura::sim
