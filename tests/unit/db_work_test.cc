// Db counts what is asked of RocksDB (Db::Work), for kura-sim's storage floor: every
// synced write with its keys and bytes, every point read that reaches RocksDB (a meta read
// served from memory does not), every scan and the entries it stepped over.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <rocksdb/write_batch.h>

#include "db.h"
#include "temp_dir.h"
#include "txn.h"

using namespace kura;

TEST_CASE("Db::Work counts writes, keys, bytes, reads and scan steps exactly", "[db]") {
  kura::test::TempDir dir;
  auto db = Db::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  Txn txn(db->get());
  Db::Work before = (*db)->work();
  CHECK(before.synced_writes == 0);
  CHECK(before.keys_written == 0);

  for (char c : std::string("abcde")) txn.Put(Cf::kCells, std::string("s/") + c, "value");
  txn.Delete(Cf::kCells, "s/z");
  REQUIRE(txn.Commit().ok());
  Db::Work w = (*db)->work();
  CHECK(w.synced_writes == 1);
  CHECK(w.keys_written == 6);
  CHECK(w.bytes_written > 6 * 3);  // keys, values and the batch's own framing
  CHECK(w.point_reads == 0);
  CHECK(txn.Commit().ok());  // nothing pending: no write
  CHECK((*db)->work().synced_writes == 1);

  std::string value;
  CHECK(txn.Get(Cf::kCells, "s/a", &value).ok());
  CHECK(txn.Get(Cf::kCells, "s/missing", &value).code() == Status::Code::kNotFound);
  CHECK((*db)->work().point_reads == 2);
  // A read of the Txn's own pending write is served from its pending writes.
  txn.Put(Cf::kCells, "s/pending", "p");
  CHECK(txn.Get(Cf::kCells, "s/pending", &value).ok());
  CHECK((*db)->work().point_reads == 2);
  txn.Clear();
  // Meta: the first read goes to RocksDB, the second is served from memory.
  CHECK(txn.Get(Cf::kMeta, "seq/x", &value).code() == Status::Code::kNotFound);
  CHECK(txn.Get(Cf::kMeta, "seq/x", &value).code() == Status::Code::kNotFound);
  CHECK((*db)->work().point_reads == 3);

  int seen = 0;
  REQUIRE(txn.Scan(Cf::kCells, "s/", [&](std::string_view, std::string_view) { return ++seen < 2; }).ok());
  REQUIRE(txn.Scan(Cf::kCells, "s/", [&](std::string_view, std::string_view) { return true; }, "s/d").ok());
  w = (*db)->work();
  CHECK(w.scans == 2);
  CHECK(w.scan_steps == 2 + 2);  // stopped at the second; then d and e

  Db::Work sum = before;
  sum += w;
  sum += w;
  CHECK(sum.keys_written == 12);
  CHECK(sum.scan_steps == 8);
}

TEST_CASE("a commit writes each pending key once, at its newest version", "[db]") {
  kura::test::TempDir dir;
  auto db = Db::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  Txn txn(db->get());
  txn.Put(Cf::kCells, "s/kept", "old");
  REQUIRE(txn.Commit().ok());
  uint64_t before = (*db)->work().keys_written;

  for (int i = 1; i <= 5; ++i) txn.Write(Cf::kMeta, "seq/x", uint64_t(i));  // a head per request
  txn.Put(Cf::kCells, "s/kept", "new");
  txn.Put(Cf::kCells, "s/gone", "briefly");
  txn.Delete(Cf::kCells, "s/gone");
  txn.Delete(Cf::kCells, "s/back");
  txn.Put(Cf::kCells, "s/back", "again");
  txn.SetSavePoint();
  txn.Put(Cf::kCells, "s/rolled-back", "x");
  txn.RollbackToSavePoint();
  REQUIRE(txn.Commit().ok());
  CHECK((*db)->work().keys_written - before == 4);  // seq/x, s/kept, s/gone's delete, s/back

  Txn reader(db->get());
  auto seq = reader.Read<uint64_t>(Cf::kMeta, "seq/x");
  REQUIRE(seq.ok());
  CHECK(seq->value_or(0) == 5);
  std::string value;
  REQUIRE(reader.Get(Cf::kCells, "s/kept", &value).ok());
  CHECK(value == "new");
  CHECK(reader.Get(Cf::kCells, "s/gone", &value).code() == Status::Code::kNotFound);
  REQUIRE(reader.Get(Cf::kCells, "s/back", &value).ok());
  CHECK(value == "again");
  CHECK(reader.Get(Cf::kCells, "s/rolled-back", &value).code() == Status::Code::kNotFound);
}

TEST_CASE("a storage observer is told each request that reaches RocksDB, with its keys", "[db]") {
  struct Recorder : StorageObserver {
    std::vector<std::string> seen;
    void OnWrite(const rocksdb::WriteBatch& batch) override {
      seen.push_back("write " + std::to_string(batch.Count()));
    }
    void OnGet(Cf cf, std::string_view key, bool found) override {
      seen.push_back("get " + std::to_string(static_cast<int>(cf)) + " " + std::string(key) + (found ? " found" : " missed"));
    }
    void OnScan(Cf cf, std::string_view seek, uint64_t moved) override {
      seen.push_back("scan " + std::to_string(static_cast<int>(cf)) + " " + std::string(seek) + " " + std::to_string(moved));
    }
  } recorder;
  kura::test::TempDir dir;
  auto db = Db::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  (*db)->SetObserver(&recorder);
  Txn txn(db->get());
  for (char c : std::string("abc")) txn.Put(Cf::kLocal, std::string("s/") + c, "v");
  REQUIRE(txn.Commit().ok());

  std::string value;
  CHECK(txn.Get(Cf::kLocal, "s/a", &value).ok());
  CHECK(txn.Get(Cf::kCells, "s/a", &value).code() == Status::Code::kNotFound);  // another family
  txn.Put(Cf::kLocal, "s/pending", "p");
  CHECK(txn.Get(Cf::kLocal, "s/pending", &value).ok());  // pending: not RocksDB's
  CHECK(txn.Get(Cf::kMeta, "seq/x", &value).code() == Status::Code::kNotFound);
  CHECK(txn.Get(Cf::kMeta, "seq/x", &value).code() == Status::Code::kNotFound);  // from memory
  // s/b is hidden by a pending delete: the iterator still moves past it. The scan hands
  // over a, c and s/pending, moving past a, b and c.
  txn.Delete(Cf::kLocal, "s/b");
  int handed = 0;
  REQUIRE(txn.Scan(Cf::kLocal, "s/", [&](std::string_view, std::string_view) { return ++handed > 0; }).ok());
  CHECK(handed == 3);
  // Stopped at the first entry, before moving on.
  REQUIRE(txn.Scan(Cf::kLocal, "s/", [&](std::string_view, std::string_view) { return false; }, "s/c").ok());
  txn.Clear();

  std::vector<std::string> want = {"write 3",           "get 2 s/a found", "get 0 s/a missed",
                                   "get 4 seq/x missed", "scan 2 s/ 3",     "scan 2 s/c 0"};
  CHECK(recorder.seen == want);
  Db::Work w = (*db)->work();
  CHECK(w.point_reads == 3);
  CHECK(w.scan_steps == 3 + 1);  // what the scans handed over
  (*db)->SetObserver(nullptr);
}
