// The store engine (node/include/kura/node/store.h) driven in-process with encoded API
// requests and a manual clock: stock arithmetic, the hold state machine, expiry, pick slips,
// request-id idempotency, per-request rollback inside a commit group, reopening, and
// admin.check after a mixed workload.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine_harness.h"
#include "kura/node/store.h"
#include "kura/schema/api.h"

namespace kura {
namespace {

using nlohmann::json;
using test::EngineHarness;
using Code = Status::Code;

constexpr int64_t kStart = EngineHarness::kStartMs;

json Line(const std::string& sku, int64_t qty) { return {{"sku", sku}, {"qty", qty}}; }

// The status of an error reply; Ok when the call succeeded.
Status Err(const Result<json>& r) { return r.status(); }

json Receipts(EngineHarness& e) { return e.Ok("journal.list")["receipts"]; }

json Slips(EngineHarness& e, bool all = false) {
  return e.Ok("slip.list", {{"all", all ? 1 : 0}})["slips"];
}

// ---- stock ----

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

// ---- holds ----

TEST_CASE("store creating a hold moves units from available to promise into held", "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 5);
  json hold = e.Ok("hold.create", {{"kind", "pickup"},
                                   {"lines", {Line("SKU-1", 2)}},
                                   {"customer", "ana@example.com"},
                                   {"expires_in_s", 60}});
  CHECK(hold["id"] == "tokyo-01.1");
  CHECK(hold["state"] == "held");
  CHECK(hold["store"] == "tokyo-01");
  CHECK(hold["issuer"] == "tokyo-01");
  CHECK(hold["kind"] == "pickup");
  CHECK(hold["customer"] == "ana@example.com");
  CHECK(hold["created_ms"] == kStart);
  CHECK(hold["expires_ms"] == kStart + 60'000);
  CHECK(e.Stock("SKU-1") == json{{"sku", "SKU-1"}, {"on_hand", 5}, {"held", 2}, {"promised_online", 0}, {"atp", 3}});
  CHECK(e.Hold("SKU-1", 1) == "tokyo-01.2");
  CHECK(e.Stock("SKU-1")["held"] == 3);
}

TEST_CASE("store hold beyond available to promise is refused naming the shortfall",
          "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 5);
  std::string first = e.Hold("SKU-1", 3);
  json stock_before = e.Stock("SKU-1");
  json status_before = e.Ok("status");

  Result<json> refused = Status::Internal("not run");
  SECTION("one line") {
    refused = e.Call("hold.create", {{"kind", "pickup"}, {"lines", {Line("SKU-1", 4)}}});
    CHECK_THAT(Err(refused).message(), Catch::Contains("4 requested"));
  }
  SECTION("one sku on two lines counts their sum") {
    refused = e.Call("hold.create",
                     {{"kind", "tryon"}, {"lines", {Line("SKU-1", 1), Line("SKU-1", 3)}}});
  }
  CHECK(Err(refused).code() == Code::kInsufficientStock);
  CHECK_THAT(Err(refused).message(), Catch::Contains("SKU-1"));
  CHECK_THAT(Err(refused).message(), Catch::Contains("2 available"));
  CHECK_THAT(Err(refused).message(), Catch::Contains("short by 2"));

  // Nothing changed: stock, holds, slips, the journal and the origin's sequence.
  CHECK(e.Stock("SKU-1") == stock_before);
  json holds = e.Ok("hold.list")["holds"];
  REQUIRE(holds.size() == 1);
  CHECK(holds[0]["id"] == first);
  CHECK(Slips(e, true).size() == 1);
  CHECK(e.Ok("status")["origin_seq"] == status_before["origin_seq"]);
  CHECK(e.Ok("status")["journal_seq"] == status_before["journal_seq"]);
  CHECK(e.Hold("SKU-1", 2) == "tokyo-01.2");  // the refused hold took no number
}

TEST_CASE("store hold confirm is only allowed from held", "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 10);
  std::string id = e.Hold("SKU-1", 1);
  CHECK(e.Ok("hold.confirm", {{"id", id}})["state"] == "confirmed");
  auto again = e.Call("hold.confirm", {{"id", id}});
  CHECK(Err(again).code() == Code::kConflict);
  CHECK(Err(again).code_name() == "invalid_state");

  std::string ready = e.Hold("SKU-1", 1);
  e.Ok("hold.ready", {{"id", ready}});
  CHECK(Err(e.Call("hold.confirm", {{"id", ready}})).code() == Code::kConflict);
  CHECK(e.HoldState(ready) == "ready");
}

TEST_CASE("store hold moves forward from held through confirmed and ready to collected",
          "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 10);
  std::string id = e.Hold("SKU-1", 2);
  e.clock.Advance(1000);
  json confirmed = e.Ok("hold.confirm", {{"id", id}});
  CHECK(confirmed["state"] == "confirmed");
  CHECK(confirmed["state_since_ms"] == kStart + 1000);
  e.clock.Advance(1000);
  CHECK(e.Ok("hold.ready", {{"id", id}})["state"] == "ready");
  CHECK(e.Stock("SKU-1")["held"] == 2);  // still promised while ready
  e.clock.Advance(1000);
  json collected = e.Ok("hold.collect", {{"id", id}});
  CHECK(collected["state"] == "collected");
  CHECK(collected["state_since_ms"] == kStart + 3000);
  CHECK(e.HoldState(id) == "collected");

  SECTION("a held hold may skip confirm") {
    std::string quick = e.Hold("SKU-1", 1);
    CHECK(e.Ok("hold.ready", {{"id", quick}})["state"] == "ready");
  }
}

TEST_CASE("store hold collect decrements on hand and journals a collection receipt",
          "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 5);
  e.Receive("SKU-2", 5);
  json hold = e.Ok("hold.create", {{"kind", "phone"},
                                   {"lines", {Line("SKU-1", 2), Line("SKU-2", 1)}},
                                   {"customer", "c-1"}});
  std::string id = hold["id"].get<std::string>();
  e.clock.Advance(5000);
  e.Ok("hold.collect", {{"id", id}});
  CHECK(e.Stock("SKU-1") == json{{"sku", "SKU-1"}, {"on_hand", 3}, {"held", 0}, {"promised_online", 0}, {"atp", 3}});
  CHECK(e.Stock("SKU-2")["on_hand"] == 4);
  json receipts = Receipts(e);
  REQUIRE(receipts.size() == 1);
  CHECK(receipts[0]["kind"] == "collection");
  CHECK(receipts[0]["hold_id"] == id);
  CHECK(receipts[0]["customer"] == "c-1");
  CHECK(receipts[0]["at_ms"] == kStart + 5000);
  CHECK(receipts[0]["lines"] == json::array({{{"sku", "SKU-1"}, {"qty", 2}, {"price_cents", 0}},
                                             {{"sku", "SKU-2"}, {"qty", 1}, {"price_cents", 0}}}));
}

TEST_CASE("store hold cancel releases the held units without touching on hand", "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 5);
  std::string id = e.Hold("SKU-1", 4);
  CHECK(e.Stock("SKU-1")["atp"] == 1);
  CHECK(e.Ok("hold.cancel", {{"id", id}})["state"] == "cancelled");
  CHECK(e.Stock("SKU-1") == json{{"sku", "SKU-1"}, {"on_hand", 5}, {"held", 0}, {"promised_online", 0}, {"atp", 5}});
  CHECK(Receipts(e).empty());
}

TEST_CASE("store hold state never moves backwards", "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 5);
  std::string id = e.Hold("SKU-1", 1);
  e.Ok("hold.ready", {{"id", id}});
  for (const char* op : {"hold.confirm", "hold.ready"}) {
    CAPTURE(op);
    auto r = e.Call(op, {{"id", id}});
    CHECK(Err(r).code() == Code::kConflict);
    CHECK_THAT(Err(r).message(), Catch::Contains("is ready"));
  }
  CHECK(e.HoldState(id) == "ready");
}

TEST_CASE("store ended holds cannot move and refusals change no stock", "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 5);
  std::string id = e.Hold("SKU-1", 2, "pickup", 60);
  std::string end;
  SECTION("cancelled") {
    e.Ok("hold.cancel", {{"id", id}});
    end = "cancelled";
  }
  SECTION("collected") {
    e.Ok("hold.collect", {{"id", id}});
    end = "collected";
  }
  SECTION("expired") {
    e.clock.Advance(60'000);
    REQUIRE(*e.store->ExpireDueHolds() == 1);
    end = "expired";
  }
  json stock = e.Stock("SKU-1");
  CHECK(stock["held"] == 0);
  for (const char* op : {"hold.confirm", "hold.ready", "hold.collect", "hold.cancel"}) {
    CAPTURE(op, end);
    CHECK(Err(e.Call(op, {{"id", id}})).code() == Code::kConflict);
  }
  CHECK(e.HoldState(id) == end);
  CHECK(e.Stock("SKU-1") == stock);  // e.g. collect after cancel hands nothing over
  CHECK(e.Ok("admin.check")["ok"] == true);
}

TEST_CASE("store hold operations on a missing or malformed hold id fail", "[store][hold]") {
  EngineHarness e;
  CHECK(Err(e.Call("hold.get", {{"id", "tokyo-01.99"}})).code() == Code::kNotFound);
  CHECK(Err(e.Call("hold.cancel", {{"id", "tokyo-01.99"}})).code() == Code::kNotFound);
  auto bad = e.Call("hold.get", {{"id", "not-a-hold"}});
  CHECK(Err(bad).code() == Code::kInvalidArgument);
  CHECK_THAT(Err(bad).message(), Catch::StartsWith("id: "));
}

TEST_CASE("store hold expiry releases held units once when its time has come",
          "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 5);
  std::string soon = e.Hold("SKU-1", 2, "tryon", 60);
  std::string later = e.Hold("SKU-1", 1, "pickup", 120);
  CHECK(e.Stock("SKU-1")["held"] == 3);

  e.clock.Advance(59'999);
  CHECK(*e.store->ExpireDueHolds() == 0);
  CHECK(e.HoldState(soon) == "held");

  e.clock.Advance(1);  // exactly at expires_ms
  CHECK(*e.store->ExpireDueHolds() == 1);
  CHECK(e.HoldState(soon) == "expired");
  CHECK(e.HoldState(later) == "held");
  CHECK(e.Stock("SKU-1") == json{{"sku", "SKU-1"}, {"on_hand", 5}, {"held", 1}, {"promised_online", 0}, {"atp", 4}});
  json since = e.Ok("hold.get", {{"id", soon}})["state_since_ms"];
  CHECK(since == kStart + 60'000);

  // Running expiry again releases nothing twice.
  CHECK(*e.store->ExpireDueHolds() == 0);
  CHECK(e.Stock("SKU-1")["held"] == 1);

  SECTION("a hold collected before its time is not expired later") {
    e.Ok("hold.collect", {{"id", later}});
    e.clock.Advance(3'600'000);
    CHECK(*e.store->ExpireDueHolds() == 0);
    CHECK(e.HoldState(later) == "collected");
    CHECK(e.Stock("SKU-1") == json{{"sku", "SKU-1"}, {"on_hand", 4}, {"held", 0}, {"promised_online", 0}, {"atp", 4}});
  }
  SECTION("the later hold expires in its turn") {
    e.clock.Advance(60'000);
    CHECK(*e.store->ExpireDueHolds() == 1);
    CHECK(e.Stock("SKU-1")["held"] == 0);
    CHECK(Receipts(e).empty());  // expiry hands nothing over
  }
  CHECK(e.Ok("admin.check")["ok"] == true);
}

TEST_CASE("store hold expiry: a hold due before the job's last run still expires (clock set back)",
          "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 5);
  e.clock.Advance(2 * 3'600'000);  // the clock runs 2 h fast, and the job runs
  CHECK(*e.store->ExpireDueHolds() == 0);
  std::string early = e.Hold("SKU-1", 1, "tryon", 60);
  CHECK(*e.store->ExpireDueHolds() == 0);
  e.clock.Advance(-2 * 3'600'000);  // corrected: the job has run up to 2 h ahead of now
  std::string hold = e.Hold("SKU-1", 2, "tryon", 60);
  e.clock.Advance(60'000);
  CHECK(*e.store->ExpireDueHolds() == 1);
  CHECK(e.HoldState(hold) == "expired");
  CHECK(e.HoldState(early) == "held");
  e.clock.Advance(2 * 3'600'000);
  CHECK(*e.store->ExpireDueHolds() == 1);
  CHECK(e.HoldState(early) == "expired");
  CHECK(e.Stock("SKU-1")["held"] == 0);
  CHECK(e.Ok("admin.check")["ok"] == true);
}

TEST_CASE("store default hold expiry depends on the kind", "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 10);
  auto expires_in = [&](const char* kind) {
    json h = e.Ok("hold.create", {{"kind", kind}, {"lines", {Line("SKU-1", 1)}}});
    return h["expires_ms"].get<int64_t>() - h["created_ms"].get<int64_t>();
  };
  CHECK(expires_in("tryon") == 2 * 3600 * 1000);
  CHECK(expires_in("phone") == 24 * 3600 * 1000);
  CHECK(expires_in("pickup") == 72 * 3600 * 1000);
}

// ---- slips ----

TEST_CASE("store pick slips are queued for pickup and tryon holds but not phone holds",
          "[store][slip]") {
  EngineHarness e;
  e.Receive("SKU-1", 10);
  std::string pickup = e.Hold("SKU-1", 1, "pickup");
  std::string tryon = e.Hold("SKU-1", 1, "tryon");
  std::string phone = e.Hold("SKU-1", 1, "phone");
  json slips = Slips(e);
  REQUIRE(slips.size() == 2);
  CHECK(slips[0]["hold_id"] == pickup);
  CHECK(slips[0]["kind"] == "pickup");
  CHECK(slips[0]["acked"] == false);
  CHECK_THAT(slips[0]["shelf"].get<std::string>(), Catch::StartsWith("HOLD-"));
  CHECK(slips[1]["hold_id"] == tryon);
  CHECK(Err(e.Call("slip.print", {{"id", phone}})).code() == Code::kNotFound);
  json printed = e.Ok("slip.print", {{"id", pickup}});
  CHECK_THAT(printed["text"].get<std::string>(), Catch::Contains(pickup));
  CHECK_THAT(printed["text"].get<std::string>(),
             Catch::Contains("PUT ON SHELF: " + printed["shelf"].get<std::string>()));
  CHECK(e.Ok("status")["pending_slips"] == 2);
}

TEST_CASE("store pick slip is dropped when its hold ends", "[store][slip]") {
  EngineHarness e;
  e.Receive("SKU-1", 10);
  std::string id = e.Hold("SKU-1", 1, "pickup", 60);
  std::string other = e.Hold("SKU-1", 1, "tryon", 3600);
  REQUIRE(Slips(e, true).size() == 2);
  SECTION("cancelled") { e.Ok("hold.cancel", {{"id", id}}); }
  SECTION("collected") { e.Ok("hold.collect", {{"id", id}}); }
  SECTION("expired") {
    e.clock.Advance(60'000);
    REQUIRE(*e.store->ExpireDueHolds() == 1);
  }
  json slips = Slips(e, true);
  REQUIRE(slips.size() == 1);
  CHECK(slips[0]["hold_id"] == other);
  CHECK(Err(e.Call("slip.ack", {{"id", id}})).code() == Code::kNotFound);
  CHECK(Err(e.Call("slip.print", {{"id", id}})).code() == Code::kNotFound);
}

TEST_CASE("store acknowledging a slip twice keeps the first acknowledgement", "[store][slip]") {
  EngineHarness e;
  e.Receive("SKU-1", 10);
  std::string id = e.Hold("SKU-1", 1, "pickup");
  e.clock.Advance(1000);
  json first = e.Ok("slip.ack", {{"id", id}});
  CHECK(first["acked"] == true);
  CHECK(first["acked_ms"] == kStart + 1000);
  e.clock.Advance(5000);
  json second = e.Ok("slip.ack", {{"id", id}});  // a new request, not a retry
  CHECK(second["acked_ms"] == kStart + 1000);
  CHECK(Slips(e).empty());            // no longer pending ...
  CHECK(Slips(e, true).size() == 1);  // ... but kept while the hold is active
  CHECK(e.Ok("status")["pending_slips"] == 0);
}

// ---- idempotency and atomicity ----

TEST_CASE("store repeated request id returns the identical reply and applies once",
          "[store][idempotency]") {
  EngineHarness e;
  std::string first = e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 5}}, "till-1:1");
  std::string retry = e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 5}}, "till-1:1");
  CHECK(retry == first);
  CHECK(e.Stock("SKU-1")["on_hand"] == 5);

  SECTION("a retried hold after time passed is the same hold") {
    json args = {{"kind", "pickup"}, {"lines", {Line("SKU-1", 2)}}};
    std::string made = e.Raw("hold.create", args, "till-1:2");
    e.clock.Advance(10'000);
    CHECK(e.Raw("hold.create", args, "till-1:2") == made);
    CHECK(e.Ok("hold.list")["holds"].size() == 1);
    CHECK(e.Stock("SKU-1")["held"] == 2);
  }
  SECTION("a retried sale journals one receipt") {
    json args = {{"lines", {Line("SKU-1", 1)}}};
    std::string sold = e.Raw("stock.sell", args, "till-1:3");
    CHECK(e.Raw("stock.sell", args, "till-1:3") == sold);
    CHECK(Receipts(e).size() == 1);
    CHECK(e.Stock("SKU-1")["on_hand"] == 4);
  }
}

TEST_CASE("store repeated request id within one group applies once", "[store][idempotency]") {
  EngineHarness e;
  ApiRequest receive{"stock.receive", "r-1", {{"sku", "SKU-1"}, {"qty", 5}}};
  ApiRequest hold{"hold.create", "r-2", {{"kind", "pickup"}, {"lines", {Line("SKU-1", 1)}}}};
  std::vector<std::string> replies = e.Group({receive, receive, hold, hold,
                                              ApiRequest{"stock.get", "", {{"sku", "SKU-1"}}}});
  REQUIRE(replies.size() == 5);
  CHECK(replies[1] == replies[0]);
  CHECK(replies[3] == replies[2]);
  auto seen = DecodeReply(replies[4]);  // a later request of the group sees the writes
  REQUIRE(seen.ok());
  CHECK(*seen == json{{"sku", "SKU-1"}, {"on_hand", 5}, {"held", 1}, {"promised_online", 0}, {"atp", 4}});
  CHECK(e.Stock("SKU-1")["on_hand"] == 5);
  CHECK(e.Ok("hold.list")["holds"].size() == 1);
}

TEST_CASE("store refused request retried with the same rid returns the first refusal",
          "[store][idempotency]") {
  EngineHarness e;
  e.Receive("SKU-1", 1);
  json args = {{"kind", "pickup"}, {"lines", {Line("SKU-1", 3)}}};
  std::string refusal = e.Raw("hold.create", args, "h-1");
  REQUIRE(Err(DecodeReply(refusal)).code() == Code::kInsufficientStock);
  e.Receive("SKU-1", 10);  // now it could succeed ...
  CHECK(e.Raw("hold.create", args, "h-1") == refusal);  // ... but a retry is the same request
  CHECK(e.Ok("hold.list")["holds"].empty());
  CHECK(DecodeReply(e.Raw("hold.create", args, "h-2")).ok());  // a new request id succeeds
}

TEST_CASE("store mutating op without a request id is invalid_argument and not applied",
          "[store][idempotency]") {
  EngineHarness e;
  auto r = DecodeReply(e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 5}}, ""));
  CHECK(Err(r).code() == Code::kInvalidArgument);
  CHECK(Err(r).message() == "rid: required for stock.receive");
  CHECK(Err(e.Call("stock.get", {{"sku", "SKU-1"}})).code() == Code::kNotFound);
  // Reads need none.
  CHECK(DecodeReply(e.Raw("stock.list", json::object(), "")).ok());
}

TEST_CASE("store failing request inside a group leaves no partial writes", "[store][atomicity]") {
  EngineHarness e;
  e.Receive("SKU-1", 10);
  json status_before = e.Ok("status");

  SECTION("a sale whose second line is an unknown sku") {
    auto r = e.Call("stock.sell", {{"lines", {Line("SKU-1", 3), Line("NOPE", 1)}}});
    CHECK(Err(r).code() == Code::kNotFound);
    CHECK(e.Stock("SKU-1")["on_hand"] == 10);  // line 1 was rolled back
    CHECK(Receipts(e).empty());
    CHECK(e.Ok("status")["origin_seq"] == status_before["origin_seq"]);
    CHECK(e.Ok("status")["journal_seq"] == status_before["journal_seq"]);
  CHECK(e.Ok("status")["journal_seq"] == status_before["journal_seq"]);
  }
  SECTION("a hold whose second line is an unknown sku") {
    auto r = e.Call("hold.create", {{"kind", "pickup"}, {"lines", {Line("SKU-1", 3), Line("NOPE", 1)}}});
    CHECK(Err(r).code() == Code::kNotFound);
    CHECK(e.Stock("SKU-1")["held"] == 0);
    CHECK(Slips(e, true).empty());
  }
  SECTION("neighbours in the same group still apply") {
    std::vector<std::string> replies = e.Group({
        ApiRequest{"stock.receive", "g-1", {{"sku", "SKU-2"}, {"qty", 2}}},
        ApiRequest{"stock.sell", "g-2", {{"lines", {Line("SKU-1", 3), Line("NOPE", 1)}}}},
        ApiRequest{"stock.sell", "g-3", {{"lines", {Line("SKU-1", 1)}}}},
    });
    REQUIRE(replies.size() == 3);
    CHECK(DecodeReply(replies[0]).ok());
    CHECK(Err(DecodeReply(replies[1])).code() == Code::kNotFound);
    CHECK(DecodeReply(replies[2]).ok());
    CHECK(e.Stock("SKU-1")["on_hand"] == 9);
    CHECK(e.Stock("SKU-2")["on_hand"] == 2);
    CHECK(Receipts(e).size() == 1);
  }
  CHECK(e.Ok("admin.check")["ok"] == true);
}

TEST_CASE("store undecodable requests and unknown ops get error replies", "[store]") {
  EngineHarness e;
  std::string garbage = "\xc1";
  std::string unknown = EncodeRequest(ApiRequest{"stock.explode", "x-1", json::object()});
  std::string good = EncodeRequest(ApiRequest{"stock.receive", "x-2", {{"sku", "SKU-1"}, {"qty", 1}}});
  std::vector<std::string> replies = e.store->ExecuteGroup({garbage, unknown, good});
  REQUIRE(replies.size() == 3);
  CHECK(Err(DecodeReply(replies[0])).code() == Code::kBadRequest);
  CHECK(Err(DecodeReply(replies[1])).code() == Code::kUnknownOp);
  CHECK(DecodeReply(replies[2]).ok());
}

TEST_CASE("store request ids older than the retention are pruned", "[store][idempotency]") {
  EngineHarness e;
  std::string first = e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 5}}, "old-1");
  CHECK(*e.store->PruneRequestIds() == 0);
  e.clock.Advance(e.options.request_retention_ms + 1);
  CHECK(*e.store->PruneRequestIds() == 1);
  // Forgotten: the same id is now a new request.
  e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 5}}, "old-1");
  CHECK(e.Stock("SKU-1")["on_hand"] == 10);
}

// ---- opening ----

TEST_CASE("store reopened from the same directory sees everything", "[store][open]") {
  EngineHarness e;
  e.Receive("SKU-1", 10);
  std::string sold = e.Raw("stock.sell", {{"lines", {Line("SKU-1", 2)}}}, "keep-1");
  std::string held = e.Hold("SKU-1", 3, "pickup", 60);
  std::string done = e.Hold("SKU-1", 1, "phone");
  e.Ok("hold.collect", {{"id", done}});
  e.Ok("slip.ack", {{"id", held}});

  e.Reopen();
  CHECK(e.Stock("SKU-1") == json{{"sku", "SKU-1"}, {"on_hand", 7}, {"held", 3}, {"promised_online", 0}, {"atp", 4}});
  CHECK(e.HoldState(held) == "held");
  CHECK(e.HoldState(done) == "collected");
  CHECK(Receipts(e).size() == 2);
  CHECK(Slips(e, true)[0]["acked"] == true);
  // Request ids, the hold counter and the expiry queue survive too.
  CHECK(e.Raw("stock.sell", {{"lines", {Line("SKU-1", 2)}}}, "keep-1") == sold);
  CHECK(e.Stock("SKU-1")["on_hand"] == 7);
  CHECK(e.Hold("SKU-1", 1) == "tokyo-01.3");
  e.clock.Advance(60'000);
  CHECK(*e.store->ExpireDueHolds() == 1);
  CHECK(e.Ok("admin.check")["ok"] == true);
}

TEST_CASE("store directory of another store id cannot be opened", "[store][open]") {
  EngineHarness e;
  e.Receive("SKU-1", 4);
  e.store.reset();
  StoreOptions other = e.options;
  other.store_id = "osaka-02";
  auto opened = Store::Open(other);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Code::kInvalidArgument);
  CHECK_THAT(opened.status().message(), Catch::Contains("tokyo-01"));
  e.Reopen();  // the refusal left the directory intact and unlocked
  CHECK(e.Stock("SKU-1")["on_hand"] == 4);
}

TEST_CASE("store directory already open is busy", "[store][open]") {
  EngineHarness e;
  auto second = Store::Open(e.options);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Code::kBusy);
}

TEST_CASE("store options without a valid store id or data dir are refused", "[store][open]") {
  test::TempDir dir;
  StoreOptions bad;
  bad.store_id = "Tokyo/01";
  bad.data_dir = dir.Sub("d");
  CHECK(Store::Open(bad).status().code() == Code::kInvalidArgument);
  bad.store_id = "tokyo-01";
  bad.data_dir = "";
  CHECK(Store::Open(bad).status().code() == Code::kInvalidArgument);
}

// ---- consistency ----

TEST_CASE("store admin check reports ok after a mixed workload", "[store][admin]") {
  EngineHarness e;
  for (int i = 1; i <= 4; ++i) e.Receive("SKU-" + std::to_string(i), 20);
  e.Ok("stock.sell", {{"lines", {Line("SKU-1", 3), Line("SKU-2", 25)}}});  // SKU-2 oversold
  e.Ok("stock.return", {{"sku", "SKU-1"}, {"qty", 1}});
  e.Ok("stock.count", {{"sku", "SKU-3"}, {"counted", 17}});
  e.Ok("stock.transfer_out", {{"sku", "SKU-4"}, {"qty", 5}, {"to", "osaka-02"}});
  e.Ok("stock.transfer_in", {{"sku", "SKU-5"}, {"qty", 5}, {"from", "osaka-02"}});

  std::string collected = e.Hold("SKU-1", 2, "pickup");
  e.Ok("hold.confirm", {{"id", collected}});
  e.Ok("hold.ready", {{"id", collected}});
  e.Ok("slip.ack", {{"id", collected}});
  e.Ok("hold.collect", {{"id", collected}});
  std::string cancelled = e.Hold("SKU-3", 4, "tryon");
  e.Ok("hold.cancel", {{"id", cancelled}});
  std::string expired = e.Hold("SKU-4", 1, "phone", 30);
  std::string active =
      e.Ok("hold.create", {{"kind", "pickup"},
                           {"lines", {Line("SKU-1", 1), Line("SKU-3", 2), Line("SKU-1", 1)}}})["id"]
          .get<std::string>();
  CHECK_FALSE(e.Call("stock.sell", {{"lines", {Line("SKU-1", 1), Line("NOPE", 1)}}}).ok());
  CHECK_FALSE(e.Call("hold.cancel", {{"id", collected}}).ok());
  e.clock.Advance(30'000);
  REQUIRE(*e.store->ExpireDueHolds() == 1);

  json check = e.Ok("admin.check");
  INFO(check.dump());
  CHECK(check["ok"] == true);
  CHECK(check["problems"].empty());
  CHECK(check["holds"] == 4);
  // The change index keeps one entry per changed cell: retired versions are gone, and
  // receipts need none (their lane is numbered by their own keys). The one more is the
  // store's key-directory entry, published with its first hold's ticket.
  json status = e.Ok("status");
  CHECK(check["changes"].get<int64_t>() == status["skus"].get<int64_t>() + 4 + 1);
  CHECK(status["journal_seq"] == status["receipts"]);
  CHECK(status["skus"] == 5);
  CHECK(status["receipts"] == 3);  // sale, return, collection
  CHECK(status["active_holds"] == 1);
  CHECK(e.Ok("hold.list", {{"state", "expired"}})["holds"][0]["id"] == expired);
  CHECK(e.Ok("hold.list", {{"state", "held"}})["holds"][0]["id"] == active);
  CHECK(e.Stock("SKU-1") == json{{"sku", "SKU-1"}, {"on_hand", 16}, {"held", 2}, {"promised_online", 0}, {"atp", 14}});
  CHECK(e.Stock("SKU-3")["held"] == 2);
  CHECK(e.Stock("SKU-4")["held"] == 0);

  e.Reopen();
  CHECK(e.Ok("admin.check")["ok"] == true);
}

}  // namespace
}  // namespace kura
