// The escrow jobs' mark queue (node/escrow_dirty.h): each marked pair is visited once, in
// (store, sku) order; marks cleared are not visited again, and a visit does not walk
// over them (counted by RocksDB's perf context, which a set of deleted keys would fail).
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>

#include "db.h"
#include "escrow_dirty.h"
#include "temp_dir.h"
#include "txn.h"

using namespace kura;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs Visit(Txn& txn) {
  Pairs seen;
  REQUIRE(VisitEscrowDirty(txn, [&](std::string_view store, std::string_view sku) {
            seen.emplace_back(store, sku);
            return Status::Ok();
          }).ok());
  return seen;
}

TEST_CASE("escrow marks: each marked pair once, in order, until cleared", "[escrow]") {
  kura::test::TempDir dir;
  auto db = Db::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  Txn txn(db->get());
  REQUIRE(MarkEscrowDirty(txn, "b", "SKU-2").ok());
  REQUIRE(MarkEscrowDirty(txn, "a", "SKU-9").ok());
  REQUIRE(MarkEscrowDirty(txn, "b", "SKU-2").ok());
  REQUIRE(txn.Commit().ok());
  CHECK(Visit(txn) == Pairs{{"a", "SKU-9"}, {"b", "SKU-2"}});
  CHECK(Visit(txn).size() == 2);  // visiting alone clears nothing

  // The job's own writes mark too, after its visit: the clear covers them.
  REQUIRE(MarkEscrowDirty(txn, "c", "SKU-1").ok());
  REQUIRE(ClearEscrowDirty(txn).ok());
  REQUIRE(txn.Commit().ok());
  CHECK(Visit(txn).empty());

  REQUIRE(MarkEscrowDirty(txn, "a", "SKU-9").ok());
  REQUIRE(txn.Commit().ok());
  CHECK(Visit(txn) == Pairs{{"a", "SKU-9"}});
}

TEST_CASE("escrow marks: a visit does not walk the marks cleared before it", "[escrow]") {
  kura::test::TempDir dir;
  auto db = Db::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  Txn txn(db->get());
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 100; ++i) REQUIRE(MarkEscrowDirty(txn, "s", "SKU-" + std::to_string(i)).ok());
    REQUIRE(txn.Commit().ok());
    REQUIRE(ClearEscrowDirty(txn).ok());
    REQUIRE(txn.Commit().ok());
  }
  REQUIRE(MarkEscrowDirty(txn, "s", "SKU-new").ok());
  REQUIRE(txn.Commit().ok());

  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  CHECK(Visit(txn) == Pairs{{"s", "SKU-new"}});
  uint64_t walked = rocksdb::get_perf_context()->internal_delete_skipped_count;
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  CHECK(walked == 0);  // 2,000 marks were cleared before this visit
}

}  // namespace
