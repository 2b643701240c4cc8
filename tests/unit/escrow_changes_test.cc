// The escrow jobs' view of what changed (node/escrow_changes.h): each pair whose stock,
// rights or hold moved is visited once, in (store, sku) order, read from the change index
// beyond per-lane cursors; without cursors the job makes a full pass; a store reads only
// its own lane and HQ's; a visit does not walk the changes before its cursors (counted by
// RocksDB's perf context).
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>

#include "change_log.h"
#include "db.h"
#include "escrow_changes.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "kura/sync/hold_cell.h"
#include "temp_dir.h"
#include "txn.h"

using namespace kura;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;
constexpr uint64_t kPolicies = 7;  // the fingerprint of unchanging policies

class Replica {
 public:
  explicit Replica(std::string self) : self_(std::move(self)) {
    auto db = Db::Open(dir_.Sub("db"));
    REQUIRE(db.ok());
    db_ = std::move(*db);
    txn_ = std::make_unique<Txn>(db_.get());
  }

  // `origin` changes its component of `cell_key` (value irrelevant to the visit, except a hold's).
  void Change(const std::string& origin, const std::string& cell_key, const std::string& value = "x") {
    auto seq = NextSeq(*txn_, origin);
    REQUIRE(seq.ok());
    txn_->Put(Cf::kCells, cell_key, value);
    uint64_t& previous = previous_[{origin, cell_key}];
    IndexChange(*txn_, origin, previous, *seq, cell_key, 1);
    previous = *seq;
  }
  void ChangeHold(const std::string& origin, const std::string& store, const std::string& id,
                  const std::vector<std::string>& skus) {
    HoldCell cell;
    cell.body.id = id;
    cell.body.store = store;
    for (const auto& sku : skus) cell.body.lines.push_back({sku, 1});
    Change(origin, keys::Hold(store, id), Encode(cell));
  }
  void Commit() { REQUIRE(txn_->Commit().ok()); }

  Pairs Visit() {
    Pairs seen;
    auto changes = EscrowChanges::Load(*txn_, self_, kPolicies);
    REQUIRE(changes.ok());
    auto visited = changes->Visit([&](std::string_view store, std::string_view sku) {
      seen.emplace_back(store, sku);
      return Status::Ok();
    });
    REQUIRE(visited.ok());
    CHECK(*visited == seen.size());
    return seen;
  }
  void MarkSeen() {
    auto changes = EscrowChanges::Load(*txn_, self_, kPolicies);
    REQUIRE(changes.ok());
    REQUIRE(changes->MarkSeen().ok());
  }
  bool FullPass() {
    auto changes = EscrowChanges::Load(*txn_, self_, kPolicies);
    REQUIRE(changes.ok());
    return changes->full_pass();
  }
  Txn& txn() { return *txn_; }

 private:
  std::string self_;
  kura::test::TempDir dir_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<Txn> txn_;
  std::map<std::pair<std::string, std::string>, uint64_t> previous_;
};

TEST_CASE("escrow changes: each changed pair once, in order, until seen", "[escrow]") {
  Replica store("s1");
  store.Change("s1", keys::Stock("s1", "SKU-2"));
  store.Change(kHqOrigin, keys::Rights("s1", "SKU-9"));  // HQ spent rights
  store.Change("s1", keys::Rights("s1", "SKU-2"));
  store.Change("s1", keys::Stock("s1", "SKU-2"));
  store.Change("s1", "g/catalog");                       // moves no pair
  store.Change("s2", keys::Policy("s2"));                // another store's lane: not read
  store.Commit();
  CHECK(store.FullPass());  // new policies
  CHECK(store.FullPass());  // the same policies, but no cursors yet
  CHECK(store.Visit() == Pairs{{"s1", "SKU-2"}, {"s1", "SKU-9"}});
  CHECK(store.Visit().size() == 2);  // visiting alone moves no cursor

  // The job's own writes come after its visit: marking seen covers them.
  store.Change("s1", keys::Rights("s1", "SKU-5"));
  store.MarkSeen();
  store.Commit();
  CHECK_FALSE(store.FullPass());
  CHECK(store.Visit().empty());

  store.Change("s1", keys::Stock("s1", "SKU-2"));
  store.Commit();
  CHECK(store.Visit() == Pairs{{"s1", "SKU-2"}});
}

TEST_CASE("escrow changes: a hold moves the pairs of its lines", "[escrow]") {
  Replica store("s1");
  store.ChangeHold(kHqOrigin, "s1", "hq.1", {"SKU-3", "SKU-1"});
  store.Commit();
  CHECK(store.Visit() == Pairs{{"s1", "SKU-1"}, {"s1", "SKU-3"}});
}

TEST_CASE("escrow changes: HQ reads every lane it holds, not journal lanes", "[escrow]") {
  Replica hq(kHqOrigin);
  hq.Change("s1", keys::Stock("s1", "SKU-1"));
  hq.Change("s2", keys::Rights("s2", "SKU-2"));
  hq.ChangeHold("s3", "s3", "s3.1", {"SKU-3"});
  hq.Change(kHqOrigin, keys::Rights("s4", "SKU-4"));
  REQUIRE(NextSeq(hq.txn(), keys::JournalLane("s1")).ok());  // receipts: no index entries
  hq.Commit();
  CHECK(hq.Visit() == Pairs{{"s1", "SKU-1"}, {"s2", "SKU-2"}, {"s3", "SKU-3"}, {"s4", "SKU-4"}});
  hq.MarkSeen();
  hq.Commit();
  CHECK(hq.Visit().empty());
  hq.Change("s2", keys::Stock("s2", "SKU-7"));
  hq.Commit();
  CHECK(hq.Visit() == Pairs{{"s2", "SKU-7"}});
}

TEST_CASE("escrow changes: a visit does not walk the changes before its cursors", "[escrow]") {
  Replica store("s1");
  for (int round = 0; round < 20; ++round) {
    // Each round retires the index entries of the round before: deleted keys RocksDB keeps.
    for (int i = 0; i < 100; ++i) store.Change("s1", keys::Stock("s1", "SKU-" + std::to_string(i)));
    store.Commit();
    store.MarkSeen();
    store.Commit();
  }
  store.Change("s1", keys::Stock("s1", "SKU-new"));
  store.Commit();

  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  CHECK(store.Visit() == Pairs{{"s1", "SKU-new"}});
  uint64_t walked = rocksdb::get_perf_context()->internal_delete_skipped_count;
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  CHECK(walked == 0);  // 1,900 entries were retired before this visit
}

}  // namespace
