// Db keeps Cf::kMeta (sequence heads, counters) in memory: every read still sees the
// newest committed write from any Txn and the reader's own pending writes and deletes,
// across a reopen; and a repeated read does not go to RocksDB (its perf context counts).
#include <catch2/catch.hpp>

#include <string>

#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>

#include "db.h"
#include "temp_dir.h"
#include "txn.h"

using namespace kura;

namespace {

constexpr std::string_view kKey = "seq/store-001";

// The value `txn` reads for kKey, or "<absent>".
std::string Read(Txn& txn) {
  std::string value;
  Status s = txn.Get(Cf::kMeta, kKey, &value);
  if (s.code() == Status::Code::kNotFound) return "<absent>";
  REQUIRE(s.ok());
  return value;
}

TEST_CASE("meta reads see every committed write and their own pending ones", "[db]") {
  kura::test::TempDir dir;
  {
    auto db = Db::Open(dir.Sub("db"));
    REQUIRE(db.ok());
    Txn reader(db->get()), writer(db->get());
    CHECK(Read(reader) == "<absent>");  // remembered as absent

    writer.Put(Cf::kMeta, kKey, "1");
    CHECK(Read(reader) == "<absent>");  // not committed yet
    REQUIRE(writer.Commit().ok());
    CHECK(Read(reader) == "1");

    reader.Put(Cf::kMeta, kKey, "2");
    CHECK(Read(reader) == "2");
    CHECK(Read(writer) == "1");
    reader.Delete(Cf::kMeta, kKey);
    CHECK(Read(reader) == "<absent>");
    CHECK(Read(writer) == "1");
    REQUIRE(reader.Commit().ok());
    CHECK(Read(writer) == "<absent>");

    writer.Put(Cf::kMeta, kKey, "3");
    REQUIRE(writer.Commit().ok());
    writer.SetSavePoint();
    writer.Put(Cf::kMeta, kKey, "4");
    writer.RollbackToSavePoint();
    CHECK(Read(writer) == "3");
  }
  auto db = Db::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  Txn txn(db->get());
  CHECK(Read(txn) == "3");
}

TEST_CASE("a repeated meta read does not go to RocksDB", "[db]") {
  kura::test::TempDir dir;
  auto db = Db::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  Txn txn(db->get());
  txn.Put(Cf::kMeta, kKey, "7");
  REQUIRE(txn.Commit().ok());

  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  CHECK(Read(txn) == "7");
  CHECK(Read(txn) == "7");
  std::string other;
  CHECK(txn.Get(Cf::kMeta, "seq/store-002", &other).code() == Status::Code::kNotFound);
  CHECK(txn.Get(Cf::kMeta, "seq/store-002", &other).code() == Status::Code::kNotFound);
  uint64_t lookups = rocksdb::get_perf_context()->get_from_memtable_count;
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  // The commit remembered kKey; store-002 is looked up once, then remembered as absent.
  CHECK(lookups == 1);
}

}  // namespace
