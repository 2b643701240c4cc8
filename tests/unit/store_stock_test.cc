// The store engine (node/include/kura/node/store.h) driven in-process with encoded API
// requests and a manual clock: stock arithmetic (receive, sell, return, count, transfer),
// unknown SKUs, argument errors and safety stock.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine.h"
#include "engine_harness.h"
#include "kura/node/store.h"
#include "kura/schema/api.h"
#include "kura/schema/keys.h"
#include "kura/sync/pn_counter.h"
#include "store_calls.h"
#include "txn.h"

namespace kura::test {
namespace {

using nlohmann::json;
using Code = Status::Code;

constexpr int64_t kStart = EngineHarness::kStartMs;

TEST_CASE("store receiving stock makes a sku known and adds to on hand", "[store]") {
  EngineHarness e;
  CHECK(Err(e.Call("stock.get", {{"sku", "SKU-1"}})).code() == Code::kNotFound);
  json r = e.Ok("stock.receive", {{"sku", "SKU-1"}, {"qty", 5}});
  CHECK(r == json{{"sku", "SKU-1"}, {"on_hand", 5}, {"held", 0}, {"promised_online", 0}, {"atp", 5}});
  e.Ok("stock.receive", {{"sku", "SKU-1"}, {"qty", 3}});
  CHECK(e.Stock("SKU-1")["on_hand"] == 8);
  json list = e.Ok("stock.list")["items"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["sku"] == "SKU-1");
}

TEST_CASE("store selling past zero succeeds and available to promise goes negative", "[store]") {
  EngineHarness e;
  e.Receive("SKU-1", 2);
  e.Receive("SKU-2", 10);
  json sale = e.Ok("stock.sell", {{"lines", {{{"sku", "SKU-1"}, {"qty", 5}, {"price_cents", 1999}},
                                             Line("SKU-2", 1)}},
                                  {"customer", "c-1"}});
  CHECK(sale["receipt"]["kind"] == "sale");
  CHECK(sale["receipt"]["customer"] == "c-1");
  REQUIRE(sale["receipt"]["lines"].size() == 2);
  CHECK(sale["receipt"]["lines"][0] == json{{"sku", "SKU-1"}, {"qty", 5}, {"price_cents", 1999}});
  CHECK(sale["stock"][0]["on_hand"] == -3);
  CHECK(sale["stock"][0]["atp"] == -3);
  CHECK(e.Stock("SKU-1")["atp"] == -3);
  CHECK(e.Stock("SKU-2")["on_hand"] == 9);
  json receipts = Receipts(e);
  REQUIRE(receipts.size() == 1);
  CHECK(receipts[0]["kind"] == "sale");
  CHECK(receipts[0]["at_ms"] == kStart);

  SECTION("oversold stock cannot be promised") {
    CHECK(Err(e.Call("hold.create", {{"kind", "pickup"}, {"lines", {Line("SKU-1", 1)}}})).code() ==
          Code::kInsufficientStock);
  }
}

TEST_CASE("store returning stock adds it back and journals a return receipt", "[store]") {
  EngineHarness e;
  e.Receive("SKU-1", 1);
  json r = e.Ok("stock.return", {{"sku", "SKU-1"}, {"qty", 2}, {"price_cents", 500}, {"customer", "c-9"}});
  CHECK(r["stock"]["on_hand"] == 3);
  CHECK(r["receipt"]["kind"] == "return");
  CHECK(r["receipt"]["lines"][0] == json{{"sku", "SKU-1"}, {"qty", -2}, {"price_cents", 500}});
  CHECK(Receipts(e).size() == 1);
}

TEST_CASE("store counting stock records the difference as an adjustment", "[store]") {
  EngineHarness e;
  e.Receive("SKU-1", 10);
  json lower = e.Ok("stock.count", {{"sku", "SKU-1"}, {"counted", 7}});
  CHECK(lower["adjustment"] == -3);
  CHECK(lower["on_hand"] == 7);
  json same = e.Ok("stock.count", {{"sku", "SKU-1"}, {"counted", 7}});
  CHECK(same["adjustment"] == 0);
  CHECK(same["on_hand"] == 7);
  json higher = e.Ok("stock.count", {{"sku", "SKU-1"}, {"counted", 12}});
  CHECK(higher["adjustment"] == 5);
  CHECK(e.Stock("SKU-1")["on_hand"] == 12);

  SECTION("counting an unknown sku makes it known") {
    json found = e.Ok("stock.count", {{"sku", "SKU-NEW"}, {"counted", 4}});
    CHECK(found["adjustment"] == 4);
    CHECK(e.Stock("SKU-NEW")["on_hand"] == 4);
  }
  SECTION("counting zero of an unknown sku still makes it known") {
    e.Ok("stock.count", {{"sku", "SKU-ZERO"}, {"counted", 0}});
    CHECK(e.Stock("SKU-ZERO")["on_hand"] == 0);
  }
}

TEST_CASE("store transfers move stock out of and into the store", "[store]") {
  EngineHarness e;
  e.Receive("SKU-1", 10);
  json out = e.Ok("stock.transfer_out", {{"sku", "SKU-1"}, {"qty", 4}, {"to", "osaka-02"}});
  CHECK(out["on_hand"] == 6);
  json in = e.Ok("stock.transfer_in", {{"sku", "SKU-2"}, {"qty", 3}, {"from", "osaka-02"}});
  CHECK(in["on_hand"] == 3);  // transferring in makes a SKU known
  CHECK(Err(e.Call("stock.transfer_out", {{"sku", "SKU-3"}, {"qty", 1}})).code() == Code::kNotFound);
  auto bad_to = e.Call("stock.transfer_out", {{"sku", "SKU-1"}, {"qty", 1}, {"to", "Osaka/02"}});
  CHECK(Err(bad_to).code() == Code::kInvalidArgument);
  CHECK_THAT(Err(bad_to).message(), Catch::StartsWith("to: "));
  CHECK(e.Stock("SKU-1")["on_hand"] == 6);
}

TEST_CASE("store operations on an unknown sku are not_found and change nothing", "[store]") {
  EngineHarness e;
  e.Receive("SKU-1", 5);
  std::vector<std::pair<std::string, json>> calls = {
      {"stock.get", {{"sku", "NOPE"}}},
      {"stock.sell", {{"lines", {Line("NOPE", 1)}}}},
      {"stock.return", {{"sku", "NOPE"}, {"qty", 1}}},
      {"stock.transfer_out", {{"sku", "NOPE"}, {"qty", 1}}},
      {"hold.create", {{"kind", "pickup"}, {"lines", {Line("NOPE", 1)}}}},
  };
  for (const auto& [op, args] : calls) {
    CAPTURE(op);
    auto r = e.Call(op, args);
    CHECK(Err(r).code() == Code::kNotFound);
    CHECK_THAT(Err(r).message(), Catch::Contains("NOPE"));
  }
  CHECK(Receipts(e).empty());
  CHECK(e.Ok("hold.list")["holds"].empty());
  CHECK(e.Ok("stock.list")["items"].size() == 1);
}

TEST_CASE("store argument errors are invalid_argument naming the field", "[store]") {
  EngineHarness e;
  e.Receive("SKU-1", 5);
  auto zero = e.Call("stock.receive", {{"sku", "SKU-1"}, {"qty", 0}});
  CHECK(Err(zero).code() == Code::kInvalidArgument);
  CHECK(Err(zero).message() == "qty: must be an integer in 1..1000000");
  auto too_many = e.Call("stock.sell", {{"lines", {Line("SKU-1", 1'000'001)}}});
  CHECK_THAT(Err(too_many).message(), Catch::StartsWith("qty: "));
  auto kind = e.Call("hold.create", {{"kind", "layaway"}, {"lines", {Line("SKU-1", 1)}}});
  CHECK(Err(kind).code() == Code::kInvalidArgument);
  CHECK_THAT(Err(kind).message(), Catch::StartsWith("kind: "));
  CHECK(e.Stock("SKU-1")["on_hand"] == 5);
}

TEST_CASE("store safety stock is kept out of available to promise", "[store]") {
  EngineHarness e("tokyo-01", /*safety_stock=*/2);
  e.Receive("SKU-1", 5);
  CHECK(e.Stock("SKU-1")["atp"] == 3);
  CHECK(Err(e.Call("hold.create", {{"kind", "pickup"}, {"lines", {Line("SKU-1", 4)}}})).code() ==
        Code::kInsufficientStock);
  e.Hold("SKU-1", 3);
}

}  // namespace
}  // namespace kura::test

namespace kura::test {
namespace {

// The bound sync puts on a peer's totals (PROTOCOL.md 3.1) holds for a store's own writes:
// a write past it is refused, never made and then refused by every peer.
TEST_CASE("store refuses a receipt that would take its stock totals past 2^50 units", "[store]") {
  EngineHarness h;
  h.Receive("TEE", 1);
  {
    auto* engine = dynamic_cast<Engine*>(h.store.get());
    REQUIRE(engine != nullptr);
    Txn txn(engine->db());
    PnCounter cell;
    cell.components["tokyo-01"] = PnComponent{1, kMaxCumulativeUnits - 5, 0};
    txn.Write(Cf::kCells, keys::Stock("tokyo-01", "TEE"), cell);
    REQUIRE(txn.Commit().ok());
  }
  CHECK(h.Call("stock.receive", {{"sku", "TEE"}, {"qty", 6}}).status().code() == Status::Code::kInvalidArgument);
  CHECK(h.Stock("TEE")["on_hand"] == kMaxCumulativeUnits - 5);
  h.Ok("stock.receive", {{"sku", "TEE"}, {"qty", 5}});
}

}  // namespace
}  // namespace kura::test
