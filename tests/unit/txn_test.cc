// Txn's pending writes: read before they are durable, merged into scans, rolled back to a
// save point, and written once each at commit. The database below holds committed keys so
// that every case sees a pending version hide a stored one.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "db.h"
#include "temp_dir.h"
#include "txn.h"

using namespace kura;

namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

Entries ScanAll(Txn& txn, std::string_view prefix, std::string_view start = {}) {
  Entries out;
  Status s = txn.Scan(Cf::kCells, prefix, [&](std::string_view key, std::string_view value) {
    out.emplace_back(key, value);
    return true;
  }, start);
  REQUIRE(s.ok());
  return out;
}

std::string GetOr(Txn& txn, std::string_view key, std::string absent = "<absent>") {
  std::string value;
  Status s = txn.Get(Cf::kCells, key, &value);
  if (s.code() == Status::Code::kNotFound) return absent;
  REQUIRE(s.ok());
  return value;
}

struct Stored {
  kura::test::TempDir dir;
  std::unique_ptr<Db> db;
  Stored() {
    auto opened = Db::Open(dir.Sub("db"));
    REQUIRE(opened.ok());
    db = std::move(*opened);
    Txn txn(db.get());
    for (const char* key : {"a/1", "s/b", "s/d", "s/f", "t/1"}) txn.Put(Cf::kCells, key, std::string("stored ") + key);
    REQUIRE(txn.Commit().ok());
  }
};

}  // namespace

TEST_CASE("a Txn reads its pending puts and deletes before the database", "[txn]") {
  Stored stored;
  Txn txn(stored.db.get());
  txn.Put(Cf::kCells, "s/b", "new b");
  txn.Delete(Cf::kCells, "s/d");
  txn.Put(Cf::kCells, "s/c", "new c");
  CHECK(GetOr(txn, "s/b") == "new b");
  CHECK(GetOr(txn, "s/c") == "new c");
  CHECK(GetOr(txn, "s/d") == "<absent>");
  CHECK(GetOr(txn, "s/f") == "stored s/f");
  // The same key in another column family is another key.
  std::string value;
  CHECK(txn.Get(Cf::kLocal, "s/b", &value).code() == Status::Code::kNotFound);
  // Nothing reached the database yet.
  Txn other(stored.db.get());
  CHECK(GetOr(other, "s/b") == "stored s/b");
  CHECK(GetOr(other, "s/c") == "<absent>");
}

TEST_CASE("a scan merges pending writes into the database's keys, in order, within the prefix", "[txn]") {
  Stored stored;
  Txn txn(stored.db.get());
  txn.Put(Cf::kCells, "s/a", "new a");      // before every stored key
  txn.Put(Cf::kCells, "s/b", "new b");      // hides a stored key
  txn.Delete(Cf::kCells, "s/d");            // hides a stored key
  txn.Delete(Cf::kCells, "s/e");            // deletes what was never there
  txn.Put(Cf::kCells, "s/g", "new g");      // after every stored key
  txn.Put(Cf::kCells, "t/0", "new t/0");    // beyond the prefix
  txn.Put(Cf::kCells, "a/2", "new a/2");    // before the prefix
  CHECK(ScanAll(txn, "s/") == Entries{{"s/a", "new a"}, {"s/b", "new b"}, {"s/f", "stored s/f"}, {"s/g", "new g"}});
  CHECK(ScanAll(txn, "s/", "s/c") == Entries{{"s/f", "stored s/f"}, {"s/g", "new g"}});
  CHECK(ScanAll(txn, "t/") == Entries{{"t/0", "new t/0"}, {"t/1", "stored t/1"}});
  // A prefix ending in 0xff bytes ends where the byte before them does.
  {
    Txn committed(stored.db.get());
    committed.Put(Cf::kCells, "s\xff\xff" "2", "stored ff");
    REQUIRE(committed.Commit().ok());
  }
  txn.Put(Cf::kCells, "s\xff\xff" "1", "ff");
  CHECK(ScanAll(txn, "s\xff\xff") == Entries{{"s\xff\xff" "1", "ff"}, {"s\xff\xff" "2", "stored ff"}});
  txn.Delete(Cf::kCells, "s\xff\xff" "1");
  txn.Delete(Cf::kCells, "s\xff\xff" "2");
  std::vector<std::string> every_key;
  for (const auto& [key, value] : ScanAll(txn, "")) every_key.push_back(key);
  CHECK(every_key == std::vector<std::string>{"a/1", "a/2", "s/a", "s/b", "s/f", "s/g", "t/0", "t/1"});
}

TEST_CASE("a scan stops when told to, and its callback may delete the key it is given", "[txn]") {
  Stored stored;
  Txn txn(stored.db.get());
  txn.Put(Cf::kCells, "s/c", "new c");
  int calls = 0;
  REQUIRE(txn.Scan(Cf::kCells, "s/", [&](std::string_view, std::string_view) { return ++calls < 2; }).ok());
  CHECK(calls == 2);
  // Pruning as Engine::PruneRequestIds does: delete each key as the scan passes it.
  std::vector<std::string> pruned;
  REQUIRE(txn.Scan(Cf::kCells, "s/", [&](std::string_view key, std::string_view) {
    pruned.emplace_back(key);
    txn.Delete(Cf::kCells, key);
    return true;
  }).ok());
  CHECK(pruned == std::vector<std::string>{"s/b", "s/c", "s/d", "s/f"});
  CHECK(ScanAll(txn, "s/").empty());
  REQUIRE(txn.Commit().ok());
  Txn after(stored.db.get());
  CHECK(ScanAll(after, "s/").empty());
  CHECK(GetOr(after, "t/1") == "stored t/1");
}

TEST_CASE("rolling back to a save point restores each key's pending version before it", "[txn]") {
  Stored stored;
  Txn txn(stored.db.get());
  txn.Put(Cf::kCells, "s/b", "first b");
  txn.SetSavePoint();
  txn.Put(Cf::kCells, "s/b", "second b");   // overwrites a pending version
  txn.Delete(Cf::kCells, "s/f");            // hides a stored key
  txn.Put(Cf::kCells, "s/new", "new");      // a key not pending before
  txn.Put(Cf::kCells, "s/new", "newer");    // twice
  txn.RollbackToSavePoint();
  CHECK(GetOr(txn, "s/b") == "first b");
  CHECK(GetOr(txn, "s/f") == "stored s/f");
  CHECK(GetOr(txn, "s/new") == "<absent>");

  SECTION("nested: popping the inner save point leaves its writes to the outer one") {
    txn.SetSavePoint();
    txn.Put(Cf::kCells, "s/outer", "o");
    txn.SetSavePoint();
    txn.Put(Cf::kCells, "s/inner", "i");
    txn.PopSavePoint();
    CHECK(GetOr(txn, "s/inner") == "i");
    txn.RollbackToSavePoint();
    CHECK(GetOr(txn, "s/inner") == "<absent>");
    CHECK(GetOr(txn, "s/outer") == "<absent>");
    CHECK(GetOr(txn, "s/b") == "first b");
  }
  SECTION("a popped save point keeps its writes, and they commit") {
    txn.SetSavePoint();
    txn.Put(Cf::kCells, "s/kept", "k");
    txn.PopSavePoint();
    txn.RollbackToSavePoint();  // none open: nothing to undo
    REQUIRE(txn.Commit().ok());
    Txn after(stored.db.get());
    CHECK(GetOr(after, "s/kept") == "k");
    CHECK(GetOr(after, "s/b") == "first b");
  }
  SECTION("everything rolled back leaves nothing to commit") {
    Txn fresh(stored.db.get());
    fresh.SetSavePoint();
    fresh.Put(Cf::kCells, "s/x", "x");
    fresh.RollbackToSavePoint();
    CHECK(fresh.empty());
    uint64_t writes = stored.db->work().synced_writes;
    REQUIRE(fresh.Commit().ok());
    CHECK(stored.db->work().synced_writes == writes);
  }
}

TEST_CASE("a commit makes the pending writes durable once and starts empty; Clear forgets them", "[txn]") {
  Stored stored;
  Txn txn(stored.db.get());
  txn.Put(Cf::kCells, "s/b", "new b");
  txn.Delete(Cf::kCells, "s/d");
  txn.Put(Cf::kLocal, "held/x", "3");
  CHECK_FALSE(txn.empty());
  REQUIRE(txn.Commit().ok());
  CHECK(txn.empty());
  Txn after(stored.db.get());
  CHECK(GetOr(after, "s/b") == "new b");
  CHECK(GetOr(after, "s/d") == "<absent>");
  std::string value;
  REQUIRE(after.Get(Cf::kLocal, "held/x", &value).ok());
  CHECK(value == "3");

  txn.Put(Cf::kCells, "s/b", "forgotten");
  txn.Clear();
  CHECK(txn.empty());
  CHECK(GetOr(txn, "s/b") == "new b");
}
