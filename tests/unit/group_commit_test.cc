// Group commit (CellReplica::BeginGroup/CommitGroup, used by HqSync and StoreSync): several
// batches merge into one pending write that becomes durable, all at once, only at
// CommitGroup; a refused batch leaves the rest of its group; a commit that fails leaves
// nothing behind, not even in the replica's cached lane heads.
#include <catch2/catch.hpp>

#include <atomic>
#include <random>

#include "engine_harness.h"
#include "failing_log_env.h"
#include "replica_harness.h"

namespace kura::test {
namespace {

// What a store would send HQ first: every component of its own, and how far they go.
struct StoreBatch {
  std::vector<Component> components;
  VersionVector through;
};

StoreBatch FirstBatch(Replica& store) {
  StoreBatch batch;
  auto read = store.cells->ReadBeyond(kHqOrigin, VersionVector{}, 1 << 20, &batch.through);
  REQUIRE(read.ok());
  batch.components = std::move(*read);
  REQUIRE(!batch.components.empty());
  return batch;
}

void Receive(Replica& store, const std::string& sku, int qty) {
  store.Ok("stock.receive", {{"sku", sku}, {"qty", qty}});
}

// 0 when no store has reported the SKU to HQ.
int64_t OnHandAtHq(Replica& hq, const std::string& sku) {
  auto stock = hq.Call("hq.stock", {{"sku", sku}});
  if (stock.status().code() == Status::Code::kNotFound) return 0;
  REQUIRE(stock.ok());
  return (*stock)["total"]["on_hand"].get<int64_t>();
}

}  // namespace

TEST_CASE("hq makes a group of store batches durable in one write, at its commit", "[sync][hq]") {
  Replica a("store-001"), b("store-002"), hq("hq");
  Receive(a, "SKU-A", 3);
  Receive(b, "SKU-B", 5);
  StoreBatch from_a = FirstBatch(a), from_b = FirstBatch(b);
  uint64_t writes = hq.engine->db()->writes();

  hq.cells->BeginGroup();
  REQUIRE(hq.cells->Merge("store-001", from_a.components, from_a.through).ok());
  REQUIRE(hq.cells->Merge("store-002", from_b.components, from_b.through).ok());
  // Pending: the group reads it (a store's next batch starts where this one ended) ...
  CHECK(*hq.cells->HeldLane("store-001", "store-001") == from_a.through.Get("store-001"));
  // ... but nothing is written, so HQ's ops, which read the database, do not see it yet.
  CHECK(hq.engine->db()->writes() == writes);
  CHECK(OnHandAtHq(hq, "SKU-A") == 0);

  REQUIRE(hq.cells->CommitGroup().ok());
  CHECK(hq.engine->db()->writes() == writes + 1);
  CHECK(OnHandAtHq(hq, "SKU-A") == 3);
  CHECK(OnHandAtHq(hq, "SKU-B") == 5);
}

TEST_CASE("a refused batch leaves the rest of its group", "[sync][hq][security]") {
  Replica a("store-001"), b("store-002"), c("store-003"), hq("hq");
  Receive(a, "SKU-A", 3);
  Receive(b, "SKU-B", 5);
  Receive(c, "SKU-C", 7);
  StoreBatch from_a = FirstBatch(a), from_b = FirstBatch(b), from_c = FirstBatch(c);
  // store-003's batch ends in a stock cell whose key has no valid SKU: refused only when
  // merging reaches it, after the batch's other cells are in the group's write.
  StoreBatch malformed = from_c;
  for (const Component& component : from_c.components) {
    if (component.key.rfind("s/", 0) != 0) continue;
    Component bad = component;
    bad.key += "/B";
    malformed.components.push_back(bad);
    break;
  }
  REQUIRE(malformed.components.size() == from_c.components.size() + 1);

  hq.cells->BeginGroup();
  REQUIRE(hq.cells->Merge("store-001", from_a.components, from_a.through).ok());
  CHECK(!hq.cells->Merge("store-003", malformed.components, malformed.through).ok());
  // store-003 sending store-002's cells: refused before anything is merged.
  CHECK(!hq.cells->Merge("store-003", from_b.components, from_b.through).ok());
  REQUIRE(hq.cells->Merge("store-002", from_b.components, from_b.through).ok());
  REQUIRE(hq.cells->CommitGroup().ok());

  CHECK(OnHandAtHq(hq, "SKU-A") == 3);
  CHECK(OnHandAtHq(hq, "SKU-B") == 5);
  CHECK(OnHandAtHq(hq, "SKU-C") == 0);
  CHECK(*hq.cells->HeldLane("store-003", "store-003") == 0);
}

TEST_CASE("a group that carried only private batches is news to its own stores alone", "[sync][hq]") {
  Replica a("store-001"), b("store-002"), c("store-003"), hq("hq");
  Receive(a, "SKU-A", 3);
  Receive(b, "SKU-B", 5);
  StoreBatch from_a = FirstBatch(a), from_b = FirstBatch(b);
  auto before_a = hq.cells->Generation("store-001");
  auto before_b = hq.cells->Generation("store-002");
  auto before_c = hq.cells->Generation("store-003");

  hq.cells->BeginGroup();
  REQUIRE(hq.cells->Merge("store-001", from_a.components, from_a.through).ok());
  REQUIRE(hq.cells->Merge("store-002", from_b.components, from_b.through).ok());
  REQUIRE(hq.cells->CommitGroup().ok());

  CHECK(hq.cells->Generation("store-001") != before_a);
  CHECK(hq.cells->Generation("store-002") != before_b);
  CHECK(hq.cells->Generation("store-003") == before_c);
}

TEST_CASE("a group whose commit fails is forgotten, lane heads included", "[sync][hq]") {
  FailingLogEnv env;
  Replica a("store-001"), hq("hq", 0, &env);
  Receive(a, "SKU-A", 3);
  StoreBatch from_a = FirstBatch(a);

  hq.cells->BeginGroup();
  REQUIRE(hq.cells->Merge("store-001", from_a.components, from_a.through).ok());
  REQUIRE(*hq.cells->HeldLane("store-001", "store-001") > 0);
  env.fail = true;
  CHECK(!hq.cells->CommitGroup().ok());

  // What HQ tells the store it holds (its Hello, the next batch's gap check) is what is
  // durable: the store sends the batch again.
  CHECK(*hq.cells->HeldLane("store-001", "store-001") == 0);
  CHECK(OnHandAtHq(hq, "SKU-A") == 0);
}

// Stores selling, receiving and holding while HQ merges random groups of their messages
// (several batches of one store in a group among them) under loss, duplication and
// reordering: HQ ends with every store's stock and holds, and its indexes agree.
TEST_CASE("hq's group commits converge under loss, duplication and reordering", "[sync][hq][property]") {
  const uint64_t seed = PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  const std::vector<std::string> skus = {"SKU-A", "SKU-B", "SKU-C", "SKU-D"};
  for (int run = 0; run < 4; ++run) {
    CAPTURE(run);
    Replica hq("hq"), a("store-001"), b("store-002"), c("store-003");
    std::vector<Replica*> stores = {&a, &b, &c};
    Link link_a(a, hq), link_b(b, hq), link_c(c, hq);
    std::vector<Link*> links = {&link_a, &link_b, &link_c};
    for (Replica* store : stores) {
      for (const std::string& sku : skus) store->Ok("stock.receive", {{"sku", sku}, {"qty", 3}});
    }
    for (Link* link : links) link->Start();
    int shared_groups = 0;  // groups that merged batches of two stores or more
    for (int step = 0; step < 60; ++step) {
      Replica& store = *stores[rng() % stores.size()];
      const std::string& sku = skus[rng() % skus.size()];
      switch (rng() % 3) {
        case 0: store.Ok("stock.receive", {{"sku", sku}, {"qty", 1 + static_cast<int>(rng() % 5)}}); break;
        case 1:  // refused when the store is short: nothing to sync then
          store.Call("stock.sell", {{"lines", {{{"sku", sku}, {"qty", 1}}}}}).status().IgnoreError();
          break;
        default:
          store.Call("hold.create", {{"kind", "pickup"}, {"lines", {{{"sku", sku}, {"qty", 1}}}}}).status().IgnoreError();
          break;
      }
      if (rng() % 2 == 0) {
        for (Link* link : links) link->Tick();
      }
      std::vector<uint64_t> received;
      for (Link* link : links) received.push_back(link->hq_session().stats().components_received);
      hq.cells->BeginGroup();
      for (int k = static_cast<int>(rng() % 8); k > 0; --k) links[rng() % links.size()]->DeliverOneToHq(rng, 0.1, 0.1);
      REQUIRE(hq.cells->CommitGroup().ok());
      int stores_merged = 0;
      for (std::size_t l = 0; l < links.size(); ++l) {
        if (links[l]->hq_session().stats().components_received > received[l]) ++stores_merged;
      }
      if (stores_merged >= 2) ++shared_groups;
      for (Link* link : links) {
        link->Collect();
        for (int k = static_cast<int>(rng() % 3); k > 0; --k) link->DeliverOne(rng, 0.1, 0.1);
      }
      int64_t ms = static_cast<int64_t>(rng() % 1500);
      for (Replica* r : {&hq, &a, &b, &c}) r->clock.Advance(ms);
    }
    Settle({&hq, &a, &b, &c}, links);

    for (Replica* store : stores) {
      for (const std::string& sku : skus) {
        auto own = store->Call("stock.get", {{"sku", sku}});
        int64_t on_hand = own.ok() ? (*own)["on_hand"].get<int64_t>() : 0;
        int64_t held = own.ok() ? (*own)["held"].get<int64_t>() : 0;
        auto at_hq = hq.Call("hq.stock", {{"sku", sku}});
        int64_t hq_on_hand = 0, hq_held = 0;
        if (at_hq.ok()) {
          for (const auto& row : (*at_hq)["stores"]) {
            if (row["store"] != store->id()) continue;
            hq_on_hand = row["on_hand"].get<int64_t>();
            hq_held = row["held"].get<int64_t>();
          }
        }
        INFO(store->id() << " " << sku);
        CHECK(hq_on_hand == on_hand);
        CHECK(hq_held == held);
      }
    }
    CHECK(hq.Ok("admin.check")["ok"] == true);
    CHECK(shared_groups > 0);
  }
}

// kura-store merges the batches HQ has in flight to it together: the second starts where
// the first, still pending, ends (its gap check reads the pending head).
TEST_CASE("a store merges HQ's waiting batches in one write", "[sync][store]") {
  Replica hq("hq"), store("store-001");
  Link link(store, hq);
  link.Start();
  link.Flush();
  hq.Ok("hq.directory.set", {{"store", "store-001"}, {"name", "First"}, {"lat", 35.0}, {"lon", 139.0}});
  link.Tick();  // HQ's first batch in flight
  hq.Ok("hq.directory.set", {{"store", "store-002"}, {"name", "Second"}, {"lat", 34.0}, {"lon", 135.0}});
  hq.clock.Advance(2000);  // past the heartbeat: HQ pushes again before the first is acked
  link.Tick();
  REQUIRE(link.in_flight() >= 2);
  CellReplica::MergeCounts before = store.cells->merge_counts();

  store.cells->BeginGroup();
  link.DeliverAllToStore();
  REQUIRE(store.cells->CommitGroup().ok());
  link.Collect();
  link.Flush();

  CellReplica::MergeCounts after = store.cells->merge_counts();
  CHECK(after.commits == before.commits + 1);
  CHECK(after.batches == before.batches + 2);
  CHECK(store.Ok("directory.list")["stores"].size() == 2);
  CHECK(link.store_session().stats().rejected == 0);
}

}  // namespace kura::test
