// Regression tests, named after what broke (found in review of the first store engine).
#include <catch2/catch.hpp>

#include "engine_harness.h"

using kura::test::EngineHarness;
using nlohmann::json;

TEST_CASE("a reused request id with a different request is refused", "[store][idempotency]") {
  EngineHarness h;
  h.Receive("TEE", 5);
  auto first = kura::DecodeReply(h.Raw("stock.receive", {{"sku", "TEE"}, {"qty", 1}}, "same-id"));
  REQUIRE(first.ok());
  auto reused = kura::DecodeReply(h.Raw("stock.receive", {{"sku", "TEE"}, {"qty", 9}}, "same-id"));
  CHECK(reused.status().code() == kura::Status::Code::kInvalidArgument);
  CHECK(h.Stock("TEE")["on_hand"] == 6);
}

TEST_CASE("a transfer out may not take units promised to customers", "[store][stock]") {
  EngineHarness h;
  h.Receive("TEE", 5);
  h.Ok("hold.create", {{"kind", "phone"}, {"lines", json::array({{{"sku", "TEE"}, {"qty", 4}}})}});
  auto r = h.Call("stock.transfer_out", {{"sku", "TEE"}, {"qty", 2}, {"to", "osaka-01"}});
  CHECK(r.status().code() == kura::Status::Code::kInsufficientStock);
  CHECK(h.Stock("TEE")["on_hand"] == 5);
  CHECK(h.Call("stock.transfer_out", {{"sku", "TEE"}, {"qty", 1}}).ok());
}

TEST_CASE("expiry continues past a hold that already ended", "[store][hold]") {
  EngineHarness h;
  h.Receive("TEE", 5);
  auto a = h.Ok("hold.create", {{"kind", "phone"}, {"lines", json::array({{{"sku", "TEE"}, {"qty", 1}}})}, {"expires_in_s", 60}});
  auto b = h.Ok("hold.create", {{"kind", "phone"}, {"lines", json::array({{{"sku", "TEE"}, {"qty", 1}}})}, {"expires_in_s", 60}});
  h.Ok("hold.cancel", {{"id", a["id"]}});
  h.clock.Advance(61'000);
  auto expired = h.store->ExpireDueHolds();
  REQUIRE(expired.ok());
  CHECK(*expired == 1);
  CHECK(h.Ok("hold.get", {{"id", b["id"]}})["state"] == "expired");
  CHECK(h.Stock("TEE")["held"] == 0);
}

TEST_CASE("a mutating request with a non utf-8 string is answered not fatal", "[store][idempotency]") {
  EngineHarness h;
  // {"v":1,"op":"stock.receive","rid":"r1","args":{"sku":"\xff\xfe","qty":1}} by hand: the
  // request fingerprint must not choke on bytes that are not UTF-8.
  std::string bytes = "\x84\xa1v\x01\xa2op\xad" "stock.receive" "\xa3rid\xa2r1\xa4" "args"
                      "\x82\xa3sku\xa2\xff\xfe\xa3qty\x01";
  std::vector<std::string_view> group = {bytes};
  auto replies = h.store->ExecuteGroup(group);
  REQUIRE(replies.size() == 1);
  CHECK(kura::DecodeReply(replies[0]).status().code() == kura::Status::Code::kInvalidArgument);
}

TEST_CASE("status uptime counts time that passed, whatever the wall clock did", "[store][status]") {
  EngineHarness e;
  e.clock.Advance(5'000);
  e.clock.Jump(-3'600'000);  // set an hour back: once uptime went negative
  CHECK(e.Ok("status")["uptime_s"] == 5);
  e.clock.Jump(7'200'000);
  e.clock.Advance(2'000);
  CHECK(e.Ok("status")["uptime_s"] == 7);
}
