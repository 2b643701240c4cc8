// What HQ sends a store, and when it looks: HQ relays every origin's components in a
// store's partition, the store's own included (a wiped store bootstraps that way), but
// what the store itself just sent must not come back (the batch told HQ the store holds
// it); another store's private batch gives HQ's session for this store nothing to read;
// and HQ's writes for another store reach it only as a heartbeat.
#include <catch2/catch.hpp>

#include "replica_harness.h"

namespace kura::test {

TEST_CASE("hq does not send a store's own writes back to it", "[sync][session]") {
  Replica store("store-001");
  Replica hq("hq");
  Link link(store, hq);
  link.Start();
  link.Flush();
  uint64_t relayed_before = link.hq_session().stats().components_sent;

  for (int i = 0; i < 20; ++i) store.Ok("stock.receive", {{"sku", "SKU-" + std::to_string(i)}, {"qty", 5}});
  store.Ok("stock.sell", {{"lines", {{{"sku", "SKU-0"}, {"qty", 1}}}}});
  link.Tick();
  link.Flush();
  for (int i = 0; i < 3; ++i) {  // later pushes, as the timers would make them
    link.Tick();
    link.Flush();
  }

  REQUIRE(link.hq_session().stats().components_received >= 21);  // stock cells and the receipt
  CHECK(hq.Ok("hq.stock", {{"sku", "SKU-0"}})["total"]["on_hand"] == 4);
  CHECK(link.hq_session().stats().components_sent == relayed_before);
}

// HQ's sessions skip reading while the replica's generation for their store stands still;
// another store's stock (nothing global) must not move it, HQ's own writes must.
TEST_CASE("hq's generation for a store ignores another store's private batches", "[sync][session]") {
  Replica a("store-001"), b("store-002"), hq("hq");
  Link link_a(a, hq), link_b(b, hq);
  link_a.Start();
  link_b.Start();
  link_a.Flush();
  link_b.Flush();
  auto before_b = hq.cells->Generation("store-002");
  auto before_a = hq.cells->Generation("store-001");
  REQUIRE(before_b.has_value());

  a.Ok("stock.receive", {{"sku", "SKU-1"}, {"qty", 3}});
  link_a.Tick();
  link_a.Flush();
  REQUIRE(link_a.hq_session().stats().components_received >= 1);
  CHECK(hq.cells->Generation("store-002") == before_b);
  CHECK(hq.cells->Generation("store-001") != before_a);

  hq.Ok("hq.policy.set", {{"share_pct", 50}, {"cap", 10}});  // a global cell HQ writes
  CHECK(hq.cells->Generation("store-002") != before_b);
}

// HQ with two stores linked; HQ may promise store-001's TEE, and has published its
// signing key (the first ticket's global cell, which every store gets).
struct OrdersForOneStore {
  Replica a{"store-001"}, b{"store-002"}, hq{"hq"};
  Link link_a{a, hq}, link_b{b, hq};

  OrdersForOneStore() {
    hq.Ok("hq.directory.set", {{"store", "store-001"}, {"name", "One"}, {"lat", 35.68}, {"lon", 139.77},
                               {"pickup_enabled", true}});
    hq.Ok("hq.store_status.set", {{"store", "store-001"}, {"status", "open"}});
    hq.Ok("hq.policy.set", {{"share_pct", 50}, {"cap", 4}});
    a.Ok("stock.receive", {{"sku", "TEE"}, {"qty", 10}});
    link_a.Start();
    link_b.Start();
    link_a.Flush();
    link_b.Flush();
    a.Ok("escrow.grant");
    link_a.Tick();
    link_a.Flush();
    Order();
    link_b.Tick();
    link_b.Flush();
  }
  void Order() {
    hq.Ok("hq.order.place", {{"store", "store-001"}, {"kind", "pickup"}, {"lines", {{{"sku", "TEE"}, {"qty", 1}}}}});
  }
  uint64_t HeldByB() { return b.cells->Held("hq")->Get("hq"); }
  void Advance(int64_t ms) {
    for (Replica* r : {&a, &b, &hq}) r->clock.Advance(ms);
  }
};

// An order HQ places for one store moves HQ's own lane, which HQ's session for every
// store reads. The others find nothing of theirs there and say so a heartbeat later,
// not with an empty batch, a write and an Ack each time.
TEST_CASE("hq tells other stores of its writes for one store only at the heartbeat", "[sync][session]") {
  OrdersForOneStore w;
  uint64_t batches_before = w.link_b.store_session().stats().batches_received;
  w.Order();
  uint64_t hq_head = *w.hq.cells->Head();
  REQUIRE(w.HeldByB() < hq_head);
  w.link_b.Tick();
  w.link_b.Flush();
  CHECK(w.link_b.store_session().stats().batches_received == batches_before);

  w.Advance(SessionOptions{}.heartbeat_ms);
  w.link_b.Tick();
  w.link_b.Flush();
  CHECK(w.link_b.store_session().stats().batches_received == batches_before + 1);
  CHECK(w.HeldByB() == hq_head);
}

// A store that keeps its link busy (HQ acks a batch of its every half heartbeat) still
// hears within a heartbeat or so: the wait counts from the first lane kept, not from
// HQ's last message on the link.
TEST_CASE("a busy link still learns of hq's writes for other stores", "[sync][session]") {
  OrdersForOneStore w;
  w.Order();
  uint64_t hq_head = *w.hq.cells->Head();
  const int64_t step = SessionOptions{}.heartbeat_ms / 2;
  for (int i = 0; i < 4 && w.HeldByB() < hq_head; ++i) {
    w.Advance(step);
    w.b.Ok("stock.receive", {{"sku", "SOCK"}, {"qty", 1}});
    w.link_b.Tick();
    w.link_b.Flush();
  }
  CHECK(w.HeldByB() == hq_head);
}

// Kept lanes are positions past entries the store may not receive, beyond the send
// cursor. A rewind (here: a lost batch's retransmit timeout) must drop them, or the resend
// would claim the lost batch's lane in a `through` without its components.
TEST_CASE("a rewind resends a lost batch rather than claim it with kept lanes", "[sync][session]") {
  OrdersForOneStore w;
  w.hq.Ok("hq.policy.set", {{"share_pct", 60}, {"cap", 4}});  // global: for store-002 too
  w.link_b.Tick();
  REQUIRE(w.link_b.in_flight() == 1);
  std::mt19937_64 rng(1);
  w.link_b.DeliverOne(rng, /*drop=*/1.0);
  w.Order();  // kept for store-002, past the lost batch
  w.link_b.Tick();
  REQUIRE(w.link_b.in_flight() == 0);

  w.Advance(SessionOptions{}.retransmit_ms);
  w.link_b.Tick();
  w.link_b.Flush();
  CHECK(w.b.Ok("policy.get")["share_pct"] == 60);
  CHECK(w.HeldByB() == *w.hq.cells->Head());
}

}  // namespace kura::test
