// The store engine driven in-process: the hold state machine, expiry and pick slips.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "engine_harness.h"
#include "holds.h"
#include "kura/node/store.h"
#include "kura/schema/api.h"
#include "store_calls.h"

namespace kura::test {
namespace {

using nlohmann::json;
using Code = Status::Code;

constexpr int64_t kStart = EngineHarness::kStartMs;

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

TEST_CASE("HQ passes on every key of a store's hold answer, and nothing a store adds", "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 5);
  json hold = e.Ok("hold.create", {{"kind", "pickup"}, {"lines", {Line("SKU-1", 2)}}, {"customer", "ana@example.com"}});
  hold["ticket"] = "a ticket";  // hold.create adds one when the store has a ticket key
  CHECK(HoldAnswerFields(hold) == hold);  // fails when ToJson gains a key HoldAnswerFields drops
  json padded = hold;
  padded["note"] = std::string(4000, 'x');
  CHECK(HoldAnswerFields(padded) == hold);
  CHECK(HoldAnswerFields(json("not a hold")) == json::object());
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
  e.clock.Jump(2 * 3'600'000);  // the clock runs 2 h fast, and the job runs
  CHECK(*e.store->ExpireDueHolds() == 0);
  std::string early = e.Hold("SKU-1", 1, "tryon", 60);
  CHECK(*e.store->ExpireDueHolds() == 0);
  e.clock.Jump(-2 * 3'600'000);  // corrected: the job has run up to 2 h ahead of now
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

}  // namespace
}  // namespace kura::test
