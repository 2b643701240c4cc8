// HQ's own lane holds its writes to every store's rights and holds; a store may receive
// only its own and the global cells. HQ reads those from two views of its lane (change
// index `~s/<store>/` and `~g/hq/`, node/change_log.h), merged in seq order: each store
// gets exactly its share, a batch cut short vouches only for what it read, and a format-2
// HQ directory gets its views (and loses the escrow marks of earlier builds) on open.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "cell_replica.h"
#include "change_log.h"
#include "engine.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "kura/sync/lww_register.h"
#include "kura/sync/messages.h"
#include "kura/sync/rights_counter.h"
#include "ops.h"
#include "temp_dir.h"

using namespace kura;

namespace {

constexpr std::size_t kBigBatch = 1 << 30;

// HQ's side of the chain, written below the ops: its lane's changes made by hand.
class HqLane {
 public:
  HqLane() { Open(); }

  void Open() {
    StoreOptions options;
    options.store_id = kHqOrigin;
    options.data_dir = dir_.Sub("data");
    replica_.reset();
    engine_.reset();
    auto opened = Engine::Open(options, HqOps());
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    engine_ = std::move(*opened);
    replica_ = std::make_unique<CellReplica>(engine_->db(), kHqOrigin, CellReplica::Role::kHq, nullptr);
  }

  // HQ sends `store` one unit of rights for `sku`: a write to the store's r/ cell.
  uint64_t SendRights(const std::string& store, const std::string& sku) {
    Txn txn(engine_->db());
    std::string key = keys::Rights(store, sku);
    auto stored = txn.Read<RightsCell>(Cf::kCells, key);
    REQUIRE(stored.ok());
    RightsCell cell = stored->value_or(RightsCell{});
    auto seq = NextSeq(txn, kHqOrigin);
    REQUIRE(seq.ok());
    uint64_t previous = cell.Send(kHqOrigin, store, *seq, 1);
    txn.Write(Cf::kCells, key, cell);
    IndexChange(txn, kHqOrigin, previous, *seq, key, 1);
    REQUIRE(txn.Commit().ok());
    return *seq;
  }
  // HQ writes a global cell.
  uint64_t SetGlobal(const std::string& key) {
    Txn txn(engine_->db());
    auto seq = NextSeq(txn, kHqOrigin);
    REQUIRE(seq.ok());
    RegisterCell cell;
    cell.writes[kHqOrigin] = LwwRegister{"v", 1, kHqOrigin, *seq};
    txn.Write(Cf::kCells, key, cell);
    IndexChange(txn, kHqOrigin, 0, *seq, key, 1);
    REQUIRE(txn.Commit().ok());
    return *seq;
  }

  // What HQ sends `store` of its lane beyond `after`: the cell keys, and the lane's `through`.
  std::pair<std::multiset<std::string>, uint64_t> Read(const std::string& store, uint64_t after) {
    VersionVector from, through;
    if (after > 0) from.Advance(kHqOrigin, after);
    auto read = replica_->ReadBeyond(store, from, kBigBatch, &through);
    INFO(read.status().ToString());
    REQUIRE(read.ok());
    std::multiset<std::string> keys;
    for (const Component& c : *read) {
      CHECK(c.origin == kHqOrigin);
      keys.insert(c.key);
    }
    return {keys, through.Get(kHqOrigin)};
  }

  uint64_t Head() {
    auto head = replica_->Head();
    REQUIRE(head.ok());
    return *head;
  }
  Engine& engine() { return *engine_; }

 private:
  kura::test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<CellReplica> replica_;
};

TEST_CASE("hq sends each store its own share of hq's lane and the global cells", "[sync][hq]") {
  HqLane hq;
  hq.SendRights("s1", "SKU-1");
  hq.SendRights("s2", "SKU-1");
  hq.SetGlobal(keys::Policy("s2"));
  hq.SendRights("s1", "SKU-2");
  hq.SendRights("s2", "SKU-2");
  hq.SendRights("s1", "SKU-1");  // a newer version of a cell: sent once

  auto [to_s1, through_s1] = hq.Read("s1", 0);
  CHECK(to_s1 == std::multiset<std::string>{keys::Rights("s1", "SKU-1"), keys::Rights("s1", "SKU-2"),
                                             keys::Policy("s2")});
  CHECK(through_s1 == hq.Head());
  auto [to_s3, through_s3] = hq.Read("s3", 0);
  CHECK(to_s3 == std::multiset<std::string>{keys::Policy("s2")});
  CHECK(through_s3 == hq.Head());

  // From a position: only what changed beyond it.
  uint64_t at = hq.Head();
  hq.SendRights("s2", "SKU-9");
  CHECK(hq.Read("s1", at).first.empty());
  CHECK(hq.Read("s1", at).second == hq.Head());
  CHECK(hq.Read("s2", at).first == std::multiset<std::string>{keys::Rights("s2", "SKU-9")});
}

TEST_CASE("a batch cut short vouches only for the part of hq's lane it read", "[sync][hq]") {
  HqLane hq;
  hq.SetGlobal("g/catalog");
  uint64_t last_of_first_batch = 0;
  for (std::size_t i = 0; i < kMaxBatchComponents + 10; ++i) {
    uint64_t seq = hq.SendRights("s1", "SKU-" + std::to_string(i));
    if (i + 2 == kMaxBatchComponents) last_of_first_batch = seq;  // the global cell is one of the batch
    hq.SendRights("s2", "SKU-" + std::to_string(i));  // between each: another store's
  }
  auto [first, through] = hq.Read("s1", 0);
  CHECK(first.size() == kMaxBatchComponents);
  CHECK(through == last_of_first_batch);
  auto [rest, through_rest] = hq.Read("s1", through);
  CHECK(rest.size() == 11);
  CHECK(through_rest == hq.Head());
  CHECK(first.count("g/catalog") == 1);
}

TEST_CASE("a view read in part vouches up to its first unread entry", "[sync][hq]") {
  HqLane hq;
  // More global changes than a batch holds, each followed by one for another store: the
  // global view is cut at its 4097th entry, and the batch vouches up to just below it.
  uint64_t first_unread = 0;
  for (std::size_t i = 0; i < kMaxBatchComponents + 4; ++i) {
    uint64_t seq = hq.SetGlobal("g/catalog-" + std::to_string(i));
    if (i == kMaxBatchComponents) first_unread = seq;
    hq.SendRights("s2", "SKU-" + std::to_string(i));
  }
  auto [first, through] = hq.Read("s1", 0);
  CHECK(first.size() == kMaxBatchComponents);
  CHECK(through == first_unread - 1);  // past s2's entry after the last global sent
  auto [rest, through_rest] = hq.Read("s1", through);
  CHECK(rest.size() == 4);
  CHECK(rest.count("g/catalog-" + std::to_string(kMaxBatchComponents)) == 1);
  CHECK(through_rest == hq.Head());
}

TEST_CASE("a format-2 hq directory gets its store views of hq's lane on open", "[sync][hq]") {
  HqLane hq;
  hq.SendRights("s1", "SKU-1");
  hq.SetGlobal("g/catalog");
  hq.SendRights("s2", "SKU-1");
  {
    // Undo what format 3 added: the views, and the format.
    Txn txn(hq.engine().db());
    std::vector<std::string> views;
    REQUIRE(txn.Scan(Cf::kChanges, keys::kStoreChangePrefix, [&](std::string_view key, std::string_view) {
      views.emplace_back(key);
      return true;
    }).ok());
    REQUIRE(views.size() == 2);
    for (const auto& key : views) txn.Delete(Cf::kChanges, key);
    // A stale view entry (an interrupted upgrade, then an older build), and old marks.
    txn.Put(Cf::kChanges, keys::StoreChange("s1", 1000), "stale");
    txn.Put(Cf::kLocal, "escrow_marks/x", "s1/SKU-1");
    txn.Write(Cf::kLocal, "escrow_marks_next", uint64_t{1});
    txn.Write(Cf::kMeta, keys::kMetaFormat, uint64_t{2});
    REQUIRE(txn.Commit().ok());
  }

  hq.Open();
  CHECK(hq.Read("s1", 0).first == std::multiset<std::string>{keys::Rights("s1", "SKU-1"), "g/catalog"});
  CHECK(hq.Read("s2", 0).first == std::multiset<std::string>{keys::Rights("s2", "SKU-1"), "g/catalog"});
  Txn txn(hq.engine().db());
  auto format = txn.Read<uint64_t>(Cf::kMeta, keys::kMetaFormat);
  REQUIRE(format.ok());
  CHECK(format->value_or(0) == keys::kFormatVersion);
  std::string ignored;
  CHECK(txn.Get(Cf::kChanges, keys::StoreChange("s1", 1000), &ignored).code() == Status::Code::kNotFound);
  CHECK(txn.Get(Cf::kLocal, "escrow_marks/x", &ignored).code() == Status::Code::kNotFound);
  CHECK(txn.Get(Cf::kLocal, "escrow_marks_next", &ignored).code() == Status::Code::kNotFound);
}

TEST_CASE("neither a store's own writes nor merged hq writes enter a store view", "[sync][hq]") {
  kura::test::TempDir dir;
  auto db = Db::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  Txn txn(db->get());
  IndexChange(txn, "s1", 0, 1, keys::Rights("s1", "SKU-1"), 1);
  IndexMergedChange(txn, kHqOrigin, 0, 1, keys::Rights("s1", "SKU-1"));
  REQUIRE(txn.Commit().ok());
  int views = 0;
  REQUIRE(txn.Scan(Cf::kChanges, keys::kStoreChangePrefix, [&](std::string_view, std::string_view) {
    ++views;
    return true;
  }).ok());
  CHECK(views == 0);
}

}  // namespace
