// Escrow end to end, in process (real engines over RocksDB, real sync sessions): a store
// grants HQ an online allotment by policy; HQ takes an order for the store while it is cut
// off, within the allotment and never beyond it; the store learns of the hold on sync and
// queues its slip; a till sale into promised units needs an override that HQ lists; and at
// every step active holds stay within on-hand.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "engine_harness.h"
#include "replica_harness.h"

namespace kura::test {
namespace {

using nlohmann::json;

struct Chain {
  Replica hq{kHqOrigin};
  Replica store{"tokyo-01"};
  Link link;

  explicit Chain(SessionOptions options = {}) : link(store, hq, options) {
    hq.Ok("hq.directory.set", {{"store", "tokyo-01"}, {"name", "Tokyo"}, {"lat", 35.68}, {"lon", 139.77},
                               {"pickup_enabled", true}});
    hq.Ok("hq.store_status.set", {{"store", "tokyo-01"}, {"status", "open"}});
    hq.Ok("hq.policy.set", {{"share_pct", 50}, {"cap", 4}});
    store.Ok("stock.receive", {{"sku", "TEE"}, {"qty", 10}});
    Sync();
  }
  void Sync() {
    link.Start();
    link.Flush();
  }
  json Order(int64_t qty) {
    return json{{"store", "tokyo-01"}, {"kind", "pickup"}, {"lines", {{{"sku", "TEE"}, {"qty", qty}}}}};
  }
};

TEST_CASE("escrow: the store grants HQ its allotment and keeps it out of its own ATP", "[escrow]") {
  Chain c;
  CHECK(c.store.Ok("escrow.grant")["granted"] == 4);  // min(cap 4, 50% of 10)
  CHECK(c.store.Ok("escrow.grant")["granted"] == 0);  // already at the target
  json view = c.store.Ok("stock.get", {{"sku", "TEE"}});
  CHECK(view["promised_online"] == 4);
  CHECK(view["atp"] == 6);
  // The store cannot promise HQ's units itself.
  auto refused = c.store.Call("hold.create", {{"kind", "phone"}, {"lines", {{{"sku", "TEE"}, {"qty", 7}}}}});
  CHECK(refused.status().code() == Status::Code::kInsufficientStock);
}

TEST_CASE("escrow: HQ promises for a cut-off store within its allotment, never beyond", "[escrow]") {
  Chain c;
  c.store.Ok("escrow.grant");
  c.Sync();
  // The store is now cut off: HQ decides alone.
  json hold = c.hq.Ok("hq.order.place", c.Order(3));
  CHECK(hold["issuer"] == "hq");
  CHECK(hold["state"] == "held");
  CHECK(hold.contains("ticket"));
  auto beyond = c.hq.Call("hq.order.place", c.Order(2));  // 1 left in the allotment
  CHECK(beyond.status().code() == Status::Code::kInsufficientStock);
  CHECK_THAT(beyond.status().message(), Catch::Contains("short by 1"));
  json avail = c.hq.Ok("hq.availability", {{"sku", "TEE"}, {"near", {{"lat", 35.0}, {"lon", 139.0}}}});
  REQUIRE(avail["stores"].size() == 1);
  CHECK(avail["stores"][0]["hq_allotment"] == 1);
  CHECK(avail["stores"][0]["can_promise"] == 1);
  CHECK(avail["stores"][0]["distance_km"].get<double>() > 0);

  // Meanwhile the store sells 5 at the till: 6 left, 4 promised online — fine.
  c.store.Ok("stock.sell", {{"lines", {{{"sku", "TEE"}, {"qty", 5}}}}});
  // One more would eat into what HQ may have promised: it needs an override.
  auto needs = c.store.Call("stock.sell", {{"lines", {{{"sku", "TEE"}, {"qty", 3}}}}});
  CHECK(needs.status().code() == Status::Code::kNeedsOverride);
  CHECK(c.store.Ok("stock.get", {{"sku", "TEE"}})["on_hand"] == 5);  // nothing changed

  // The link heals: the store learns of HQ's hold, counts it held, queues its slip.
  c.Sync();
  json view = c.store.Ok("stock.get", {{"sku", "TEE"}});
  CHECK(view["held"] == 3);
  CHECK(view["promised_online"] == 1);
  CHECK(view["on_hand"].get<int64_t>() >= view["held"].get<int64_t>());  // the invariant
  json slips = c.store.Ok("slip.list")["slips"];
  REQUIRE(slips.size() == 1);
  CHECK(slips[0]["hold_id"] == hold["id"]);
  CHECK(c.hq.Ok("hq.order.status", {{"id", hold["id"]}})["state"] == "held");

  // HQ cancels: the store releases the units once.
  c.hq.Ok("hq.order.cancel", {{"id", hold["id"]}});
  c.Sync();
  CHECK(c.store.Ok("stock.get", {{"sku", "TEE"}})["held"] == 0);
  CHECK(c.store.Ok("admin.check")["ok"] == true);
}

// HQ's lane reaches the store in order, but a link may be cut (or the store crash) between
// two of its batches. However it is cut, the store never counts an order HQ promised from
// its allotment as neither held nor HQ's.
TEST_CASE("escrow: an order HQ promised is never counted free at the store, whatever batch it has",
          "[escrow]") {
  Chain c(SessionOptions{.batch_bytes = 1});  // a batch per component
  c.store.Ok("escrow.grant");
  c.Sync();
  REQUIRE(c.store.Ok("stock.get", {{"sku", "TEE"}})["atp"] == 6);  // 10 on hand, 4 HQ's
  c.hq.Ok("hq.order.place", c.Order(3));  // the store is cut off: HQ spends its allotment

  c.link.Tick();
  int delivered = 0;
  while (c.link.DeliverOldestToStore()) {
    CAPTURE(++delivered);
    json view = c.store.Ok("stock.get", {{"sku", "TEE"}});
    CHECK(view["atp"].get<int64_t>() <= 6);  // 10 on hand - 3 held - 1 still HQ's, or less
  }
  CHECK(delivered >= 2);
  c.link.Flush();
  json view = c.store.Ok("stock.get", {{"sku", "TEE"}});
  CHECK(view["held"] == 3);
  CHECK(view["promised_online"] == 1);
  CHECK(view["atp"] == 6);
}

TEST_CASE("escrow: an override sale is journaled and listed as an exception at HQ", "[escrow]") {
  Chain c;
  c.store.Ok("escrow.grant");
  json sold = c.store.Ok("stock.sell", {{"lines", {{{"sku", "TEE"}, {"qty", 8}}}}, {"override", 1}});
  CHECK(sold["receipt"]["override"] == true);
  c.Sync();
  json exceptions = c.hq.Ok("hq.exceptions")["exceptions"];
  bool listed = false;
  for (const json& e : exceptions) listed = listed || (e["kind"] == "till_override" && e["store"] == "tokyo-01");
  CHECK(listed);
}

TEST_CASE("escrow: HQ refuses a store that cannot hand over, naming alternatives", "[escrow]") {
  Chain c;
  c.store.Ok("escrow.grant");
  c.Sync();
  c.hq.Ok("hq.store_status.set", {{"store", "tokyo-01"}, {"status", "no_handover"}});
  auto refused = c.hq.Call("hq.order.place", c.Order(1));
  CHECK(refused.status().code() == Status::Code::kConflict);
  CHECK_THAT(refused.status().message(), Catch::Contains("no other store"));
}

TEST_CASE("escrow: HQ refuses a malformed near wherever it takes one, and changes nothing",
          "[escrow]") {
  Chain c;
  c.store.Ok("escrow.grant");
  c.Sync();
  for (const json& near : {json("tokyo"), json::array({35, 139}), json{{"lat", 91}, {"lon", 0}}}) {
    CAPTURE(near.dump());
    auto availability = c.hq.Call("hq.availability", {{"sku", "TEE"}, {"near", near}});
    CHECK(availability.status().code() == Status::Code::kInvalidArgument);
    json order = c.Order(1);
    order["near"] = near;
    auto placed = c.hq.Call("hq.order.place", order);
    CHECK(placed.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(placed.status().message(), Catch::StartsWith("near"));
  }
  CHECK(c.hq.Ok("hq.availability", {{"sku", "TEE"}})["stores"][0]["hq_allotment"] == 4);
}

TEST_CASE("escrow: random orders, sales, cancels and partitions never oversell a promise",
          "[escrow][property]") {
  const uint64_t seed = PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int run = 0; run < 5; ++run) {
    Chain c;
    std::vector<std::string> orders;
    for (int step = 0; step < 60; ++step) {
      CAPTURE(run, step);
      switch (rng() % 6) {
        case 0: c.store.Ok("escrow.grant"); break;
        case 1: {  // an online order while possibly cut off
          auto r = c.hq.Call("hq.order.place", c.Order(1 + static_cast<int64_t>(rng() % 3)));
          if (r.ok()) orders.push_back((*r)["id"]);
          break;
        }
        case 2:  // a till sale, never with an override
          (void)c.store.Call("stock.sell", {{"lines", {{{"sku", "TEE"}, {"qty", 1 + static_cast<int64_t>(rng() % 3)}}}}});
          break;
        case 3: c.store.Ok("stock.receive", {{"sku", "TEE"}, {"qty", 1 + static_cast<int64_t>(rng() % 4)}}); break;
        case 4:
          if (!orders.empty()) (void)c.hq.Call("hq.order.cancel", {{"id", orders[rng() % orders.size()]}});
          break;
        default: c.Sync(); c.hq.Ok("hq.escrow.return"); break;
      }
      // At the store's merged view, active holds never exceed on-hand (no overrides here).
      // On-hand itself may go negative: a till sale of goods nobody promised always succeeds.
      json view = c.store.Ok("stock.get", {{"sku", "TEE"}});
      REQUIRE(view["held"].get<int64_t>() <= std::max<int64_t>(view["on_hand"].get<int64_t>(), 0));
    }
    c.Sync();
    json view = c.store.Ok("stock.get", {{"sku", "TEE"}});
    REQUIRE(view["held"].get<int64_t>() + view["promised_online"].get<int64_t>() <=
            std::max<int64_t>(view["on_hand"].get<int64_t>(), 0));
    json hq_view = c.hq.Ok("hq.stock", {{"sku", "TEE"}})["stores"][0];
    REQUIRE(hq_view["held"] == view["held"]);
    REQUIRE(hq_view["on_hand"] == view["on_hand"]);
  }
}

TEST_CASE("escrow: HQ records a routed order only from a well-formed answer of the store's own", "[escrow][orders]") {
  Chain c;
  c.store.Ok("escrow.grant");
  c.Sync();
  int rid = 0;
  auto place = [&](const RoutedDecision& decision) {
    std::string request = EncodeRequest({"hq.order.place", "routed-" + std::to_string(++rid), c.Order(1)});
    return DecodeReply(c.hq.engine->ExecuteRouted(request, decision));
  };
  json good = {{"id", "tokyo-01.9"}, {"store", "tokyo-01"}, {"state", "held"}, {"kind", "pickup"},
               {"issuer", "tokyo-01"}, {"lines", {{{"sku", "TEE"}, {"qty", 1}}}}};
  json padded = good;
  padded["note"] = "anything a store adds";
  auto recorded = place(RoutedDecision{true, padded});
  REQUIRE(recorded.ok());
  CHECK((*recorded)["decided_by"] == "store");
  CHECK_FALSE(recorded->contains("note"));  // HQ passes on a hold's keys only
  CHECK(c.hq.Ok("hq.order.status", {{"id", "tokyo-01.9"}})["state"] == "held");  // before its hold syncs
  CHECK_FALSE(c.hq.Ok("hq.order.status", {{"id", "tokyo-01.9"}}).contains("note"));
  // The store cancels it as HQ's call, its hold still not at HQ: status says so at once.
  json cancelled = good;
  cancelled["state"] = "cancelled";
  std::string cancel = EncodeRequest({"hq.order.cancel", "cancel-9", {{"id", "tokyo-01.9"}}});
  auto by_store = DecodeReply(c.hq.engine->ExecuteRouted(cancel, RoutedDecision{true, cancelled}));
  REQUIRE(by_store.ok());
  CHECK((*by_store)["decided_by"] == "store");
  CHECK(c.hq.Ok("hq.order.status", {{"id", "tokyo-01.9"}})["state"] == "cancelled");

  // Hostile or broken answers, or a hold of other lines (a late answer to another call
  // whose number was used again): an answer HQ cannot use, bad_request (PROTOCOL.md 2.4),
  // HQ keeps running, nothing recorded.
  json other_lines = good;
  other_lines["id"] = "tokyo-01.12";
  other_lines["lines"] = {{{"sku", "TEE"}, {"qty", 2}}};
  json no_lines = good;
  no_lines["id"] = "tokyo-01.13";
  no_lines.erase("lines");
  // Fields HQ repeats to its client that are not what the store's hold.create gives.
  std::vector<json> unsound(4, good);
  unsound[0]["customer"] = "\x1b[2Jsomeone-else";
  unsound[1]["issuer"] = "hq";
  unsound[2]["ticket"] = "KT1.\x1b[31m";
  unsound[3]["created_ms"] = "yesterday";
  for (std::size_t i = 0; i < unsound.size(); ++i) unsound[i]["id"] = "tokyo-01." + std::to_string(20 + i);
  std::vector<json> answers = {json("not an object"), json{{"id", 7}}, json{{"id", "other-02.1"}, {"store", "other-02"}},
                               json{{"id", "tokyo-01.10"}, {"store", "tokyo-01"}, {"state", "collected"}, {"kind", "pickup"}},
                               json{{"id", "tokyo-01.11"}, {"store", "tokyo-01"}, {"state", "held"}, {"kind", "tryon"}},
                               other_lines, no_lines};
  answers.insert(answers.end(), unsound.begin(), unsound.end());
  for (const json& bad : answers) {
    INFO(bad.dump());
    auto refused = place(RoutedDecision{true, bad});
    CHECK(refused.status().code() == Status::Code::kBadRequest);
  }
  CHECK(c.hq.Call("hq.order.status", {{"id", "tokyo-01.12"}}).status().code() == Status::Code::kNotFound);
  CHECK(c.hq.Call("hq.order.status", {{"id", "other-02.1"}}).status().code() == Status::Code::kNotFound);

  // The store's own refusal comes back as it gave it, except a shortage HQ's allotment covers.
  auto invalid = place(RoutedDecision{true, Status::InvalidArgument("customer: bad")});
  CHECK(invalid.status().code() == Status::Code::kInvalidArgument);
  // ... in few printable words.
  auto noisy = place(RoutedDecision{true, Status::InvalidArgument("customer: \x1b[2J" + std::string(4000, 'x'))});
  CHECK(noisy.status().code() == Status::Code::kInvalidArgument);
  CHECK(noisy.status().message().size() < 1'000);
  CHECK(noisy.status().message().find('\x1b') == std::string::npos);
  auto short_at_store = place(RoutedDecision{true, Status::InsufficientStock("sku TEE: short")});
  REQUIRE(short_at_store.ok());
  CHECK((*short_at_store)["decided_by"] == "hq");
  auto unanswered = place(RoutedDecision{});
  REQUIRE(unanswered.ok());
  CHECK((*unanswered)["decided_by"] == "hq");
}

// kura-hq merges what waits on its sync socket before it handles the call replies among
// it, so a routed order's hold, sent just after the store's answer, can be merged first.
TEST_CASE("escrow: a routed order whose hold reached HQ before the answer keeps no stand-in", "[escrow][orders]") {
  Chain c;
  json hold = c.store.Ok("hold.create", {{"kind", "pickup"}, {"lines", {{{"sku", "TEE"}, {"qty", 1}}}}});
  std::string id = hold["id"].get<std::string>();
  c.Sync();
  std::string request = EncodeRequest({"hq.order.place", "routed-1", c.Order(1)});
  auto recorded = DecodeReply(c.hq.engine->ExecuteRouted(request, RoutedDecision{true, hold}));
  REQUIRE(recorded.ok());
  CHECK((*recorded)["decided_by"] == "store");

  Txn txn(c.hq.engine->db());
  auto stand_in = txn.Read<std::string>(Cf::kLocal, PlacedOrderKey(id));
  REQUIRE(stand_in.ok());
  CHECK(!stand_in->has_value());
  CHECK(c.hq.Ok("hq.order.status", {{"id", id}})["state"] == "held");
}

TEST_CASE("escrow: a grant revisits every SKU after a policy change, and otherwise the SKUs that changed", "[escrow]") {
  Chain c;  // TEE: 10 units at the store, policy 50% capped at 4
  c.store.Ok("stock.receive", {{"sku", "CAP"}, {"qty", 10}});
  CHECK(c.store.Ok("escrow.grant")["granted"] == 8);  // 4 TEE + 4 CAP
  CHECK(c.store.Ok("escrow.grant")["granted"] == 0);
  c.hq.Ok("hq.policy.set", {{"share_pct", 50}, {"cap", 5}});
  c.Sync();
  CHECK(c.store.Ok("escrow.grant")["granted"] == 2);  // every SKU up to the new cap
  // HQ promises 3 TEE; on sync the store holds them and HQ has 2 left: TEE's target is
  // now min(5, 50% of 10 - 3) = 3, so the store tops HQ up by 1. CAP did not change.
  c.hq.Ok("hq.order.place", c.Order(3));
  c.Sync();
  CHECK(c.store.Ok("escrow.grant")["granted"] == 1);
  CHECK(c.store.Ok("stock.get", {{"sku", "TEE"}})["promised_online"] == 3);
  CHECK(c.store.Ok("stock.get", {{"sku", "CAP"}})["promised_online"] == 5);
}

}  // namespace
}  // namespace kura::test
