// A routed order's hold that HQ did not record as the order (node/routed_calls.h), in
// process: real engines over RocksDB and real sync sessions, with OrderRouter's part (the
// call and the store's answer) played by the test. The store makes the hold as HQ's call;
// HQ decides the order with or without it; the hold reaches HQ by sync before or after
// that. Whatever the order, a hold HQ did not record is cancelled, and one it recorded is
// left alone.
#include <catch2/catch.hpp>

#include "replica_harness.h"
#include "routed_calls.h"

namespace kura::test {
namespace {

using nlohmann::json;

constexpr char kStore[] = "tokyo-01";

struct Chain {
  Replica hq{kHqOrigin};
  Replica store{kStore};
  Link link{store, hq};

  Chain() {
    SetPickup(true);
    hq.Ok("hq.store_status.set", {{"store", kStore}, {"status", "open"}});
    hq.Ok("hq.policy.set", {{"share_pct", 50}, {"cap", 4}});
    store.Ok("stock.receive", {{"sku", "TEE"}, {"qty", 10}});
    Sync();  // the policy reaches the store
    REQUIRE(store.Ok("escrow.grant")["granted"] == 4);  // HQ may promise 4 of the 10 on its own
    Sync();
  }
  // Whether the store hands over online orders (HQ's directory).
  void SetPickup(bool enabled) {
    hq.Ok("hq.directory.set", {{"store", kStore}, {"name", "Tokyo"}, {"lat", 35.68}, {"lon", 139.77},
                               {"pickup_enabled", enabled}});
  }
  void Sync() {
    link.Start();
    link.Flush();
  }
  static json Order(int64_t qty) {
    return json{{"store", kStore}, {"kind", "pickup"}, {"lines", {{{"sku", "TEE"}, {"qty", qty}}}}};
  }

  // The store executes HQ's call for client order `rid`, as kura-store does (store_sync.cc).
  json StoreDecides(const std::string& rid) {
    json args = Order(1);
    args.erase("store");
    auto reply = DecodeReply(store.engine->ExecuteCall(EncodeRequest({"hold.create", OrderCallRid(rid), args})));
    REQUIRE(reply.ok());
    return *reply;
  }

  // HQ decides client order `rid` as `decision` says, as OrderRouter::Finish has it do.
  Result<json> HqDecides(const std::string& rid, const RoutedDecision& decision) {
    return DecodeReply(hq.engine->ExecuteRouted(EncodeRequest({"hq.order.place", rid, Order(1)}), decision));
  }
  // HQ decides client order `rid` without routing it (the store unreachable).
  Result<json> HqDecidesAlone(const std::string& rid) {
    return DecodeReply(hq.engine->ExecuteGroup({EncodeRequest({"hq.order.place", rid, Order(1)})})[0]);
  }

  std::string StoreHoldState(const std::string& id) { return store.Ok("hold.get", {{"id", id}})["state"]; }
  int64_t HeldAtStore() { return store.Ok("stock.get", {{"sku", "TEE"}})["held"]; }
  int64_t Released() { return hq.Ok("hq.orders.release")["released"]; }

  // Whether HQ has noted the store's hold for client order `rid`, waiting for its settle.
  bool HoldNoted(const std::string& rid) {
    Txn txn(hq.engine->db());
    auto noted = HoldNotedForCall(txn, kStore, OrderCallRid(rid));
    REQUIRE(noted.ok());
    return *noted;
  }
  // HQ's routing records left (keys under routed/ and routed_cancel/).
  int RoutingRecords() {
    Txn txn(hq.engine->db());
    int n = 0;
    REQUIRE(txn.Scan(Cf::kLocal, "routed", [&](std::string_view, std::string_view) { return ++n, true; }).ok());
    return n;
  }
};

TEST_CASE("routed orders: a client rid too long to prefix is hashed into a rid the store accepts", "[orders][routing]") {
  std::string longest(64, 'r'), other = std::string(63, 'r') + "s";
  CHECK(OrderCallRid(longest).size() <= 64);
  CHECK(OrderCallRid(longest) != OrderCallRid(other));
  Chain c;
  CHECK(c.StoreDecides(longest)["state"] == "held");  // a rid outside 1.2's alphabet is bad_request
}

TEST_CASE("routed orders: a hold arriving after HQ served the order itself is cancelled", "[orders][routing]") {
  Chain c;
  json made = c.StoreDecides("web-1");
  CHECK(made["state"] == "held");
  // The store's answer never reaches HQ, which serves the order from its allotment.
  auto served = c.HqDecides("web-1", RoutedDecision{});
  REQUIRE(served.ok());
  CHECK((*served)["issuer"] == "hq");
  CHECK(c.Released() == 0);  // nothing has arrived yet

  c.Sync();  // the store's hold reaches HQ; HQ's hold reaches the store
  CHECK(c.HeldAtStore() == 2);
  CHECK(c.Released() == 1);
  CHECK(c.Released() == 0);  // once
  c.Sync();
  CHECK(c.StoreHoldState(made["id"]) == "cancelled");
  CHECK(c.StoreHoldState((*served)["id"]) == "held");
  CHECK(c.HeldAtStore() == 1);
  CHECK(c.RoutingRecords() == 0);
}

TEST_CASE("routed orders: a hold arriving before HQ served the order itself is cancelled with it",
          "[orders][routing]") {
  Chain c;
  json made = c.StoreDecides("web-2");
  c.Sync();  // the hold reaches HQ while HQ still waits for the answer
  CHECK(c.hq.Ok("hq.stock", {{"sku", "TEE"}})["stores"][0]["held"] == 1);
  auto served = c.HqDecides("web-2", RoutedDecision{});
  REQUIRE(served.ok());
  CHECK((*served)["issuer"] == "hq");
  CHECK(c.Released() == 0);  // already cancelled, in the order's own write
  c.Sync();
  CHECK(c.StoreHoldState(made["id"]) == "cancelled");
  CHECK(c.HeldAtStore() == 1);
  CHECK(c.RoutingRecords() == 0);
}

TEST_CASE("routed orders: a hold HQ never settled is cancelled when HQ decides the order's retry itself",
          "[orders][routing]") {
  Chain c;
  // HQ routed web-10 and restarted before the answer; the hold has arrived by sync.
  json made = c.StoreDecides("web-10");
  CHECK_FALSE(c.HoldNoted("web-10"));
  c.Sync();
  CHECK(c.HoldNoted("web-10"));  // kura-sim asks this before leaving a hold to expire
  // The client's retry finds the store unreachable: HQ decides it alone.
  auto retry = c.HqDecidesAlone("web-10");
  REQUIRE(retry.ok());
  CHECK_FALSE(c.HoldNoted("web-10"));
  CHECK((*retry)["issuer"] == "hq");
  c.Sync();
  CHECK(c.StoreHoldState(made["id"]) == "cancelled");
  CHECK(c.StoreHoldState((*retry)["id"]) == "held");
  CHECK(c.HeldAtStore() == 1);
  CHECK(c.RoutingRecords() == 0);
  // An order never routed cancels nothing.
  REQUIRE(c.hq.Call("hq.order.place", Chain::Order(1)).ok());
  c.Sync();
  CHECK(c.HeldAtStore() == 2);
}

TEST_CASE("routed orders: a hold HQ never settled is cancelled when HQ refuses the order's retry",
          "[orders][routing]") {
  Chain c;
  json made = c.StoreDecides("web-11");
  c.Sync();
  c.SetPickup(false);
  CHECK(c.HqDecidesAlone("web-11").status().code() == Status::Code::kConflict);
  c.Sync();
  CHECK(c.StoreHoldState(made["id"]) == "cancelled");
  CHECK(c.HeldAtStore() == 0);
  CHECK(c.RoutingRecords() == 0);
}

TEST_CASE("routed orders: a queued hold HQ has since recorded as an order is not cancelled", "[orders][routing]") {
  Chain c;
  json made = c.StoreDecides("web-12");
  REQUIRE(c.HqDecides("web-12", RoutedDecision{}).ok());
  c.Sync();  // arrives after HQ settled without it: queued
  // Another order's answer names the same hold (its rid used again after the store forgot it).
  REQUIRE(c.HqDecides("web-13", RoutedDecision{true, made}).ok());
  CHECK(c.Released() == 0);
  c.Sync();
  CHECK(c.StoreHoldState(made["id"]) == "held");
  CHECK(c.RoutingRecords() == 0);
}

TEST_CASE("routed orders: HQ does not record a hold that has ended as the order", "[orders][routing]") {
  Chain c;
  json made = c.StoreDecides("web-14");
  c.store.Ok("hold.cancel", {{"id", made["id"]}});
  c.Sync();
  CHECK(c.HqDecides("web-15", RoutedDecision{true, made}).status().code() == Status::Code::kConflict);
}

TEST_CASE("routed orders: a hold HQ refused as the answer is cancelled", "[orders][routing]") {
  Chain c;
  json made = c.StoreDecides("web-3");
  // The store stops handing over before its answer is recorded: HQ refuses the order.
  c.SetPickup(false);
  auto refused = c.HqDecides("web-3", RoutedDecision{true, made});
  CHECK(refused.status().code() == Status::Code::kConflict);
  c.Sync();
  CHECK(c.Released() == 1);
  c.Sync();
  CHECK(c.StoreHoldState(made["id"]) == "cancelled");
  CHECK(c.HeldAtStore() == 0);
}

TEST_CASE("routed orders: a hold HQ recorded as the order is left alone, whenever it arrives",
          "[orders][routing]") {
  Chain c;
  bool arrives_first = GENERATE(false, true);
  CAPTURE(arrives_first);
  json made = c.StoreDecides("web-4");
  if (arrives_first) c.Sync();
  auto recorded = c.HqDecides("web-4", RoutedDecision{true, made});
  REQUIRE(recorded.ok());
  CHECK((*recorded)["id"] == made["id"]);
  c.Sync();
  CHECK(c.Released() == 0);
  c.Sync();
  CHECK(c.StoreHoldState(made["id"]) == "held");
  CHECK(c.HeldAtStore() == 1);
  CHECK(c.RoutingRecords() == 0);
}

TEST_CASE("routed orders: only HQ's calls mark a hold, so a till's hold is never released", "[orders][routing]") {
  Chain c;
  // HQ gave up on call hq:o:web-5, which never reached the store; a till then uses the
  // same rid for a hold of its own.
  REQUIRE(c.HqDecides("web-5", RoutedDecision{}).ok());
  json till = c.store.Ok("hold.create", {{"kind", "phone"}, {"lines", {{{"sku", "TEE"}, {"qty", 1}}}}});
  auto own = DecodeReply(c.store.engine->ExecuteGroup({EncodeRequest(
      {"hold.create", "hq:o:web-5", {{"kind", "phone"}, {"lines", {{{"sku", "TEE"}, {"qty", 1}}}}}})})[0]);
  REQUIRE(own.ok());
  c.Sync();
  CHECK(c.Released() == 0);
  c.Sync();
  CHECK(c.StoreHoldState(till["id"]) == "held");
  CHECK(c.StoreHoldState((*own)["id"]) == "held");
}

TEST_CASE("routed orders: a store's refusal settles nothing; an answer HQ cannot read may have made a hold",
          "[orders][routing]") {
  Chain c;
  REQUIRE_FALSE(c.HqDecides("web-6", RoutedDecision{true, Status::InvalidArgument("customer: bad")}).ok());
  CHECK(c.RoutingRecords() == 0);
  // HQ passes the unreadable answer on as the store's refusal, and still settles the call.
  CHECK(c.HqDecides("web-7", RoutedDecision{true, Status::BadRequest("not a kura reply")}).status().code() ==
        Status::Code::kBadRequest);
  CHECK(c.RoutingRecords() == 1);
}

TEST_CASE("routed orders: a call settled without its hold is forgotten after HQ's request retention",
          "[orders][routing]") {
  Chain c;
  REQUIRE(c.HqDecides("web-8", RoutedDecision{}).ok());  // the call never reached the store
  CHECK(c.RoutingRecords() == 1);
  c.hq.clock.Advance(c.hq.options.request_retention_ms - 1000);
  c.Released();
  CHECK(c.RoutingRecords() == 1);
  c.hq.clock.Advance(2000);
  c.Released();
  CHECK(c.RoutingRecords() == 0);
}

TEST_CASE("routed orders: an unreadable record stops neither a store's merges nor the release", "[orders][routing]") {
  Chain c;
  {
    Txn txn(c.hq.engine->db());
    txn.Put(Cf::kLocal, "routed/tokyo-01/" + OrderCallRid("web-9"), "not msgpack");
    txn.Put(Cf::kLocal, "routed_cancel/no-slash", "");
    REQUIRE(txn.Commit().ok());
  }
  json made = c.StoreDecides("web-9");
  c.Sync();  // the hold's merge reads the unreadable record as none
  CHECK(c.hq.Ok("hq.stock", {{"sku", "TEE"}})["stores"][0]["held"] == 1);
  REQUIRE(c.HqDecides("web-9", RoutedDecision{}).ok());  // and the note it left is found
  CHECK(c.Released() == 0);
  CHECK(c.RoutingRecords() == 0);
  c.Sync();
  CHECK(c.StoreHoldState(made["id"]) == "cancelled");
}

}  // namespace
}  // namespace kura::test
