// A linked store's new data directory waits for HQ to send back its data before it takes
// writes (StoreOptions::await_hq_when_new, PROTOCOL.md 3 `meta awaiting_hq`): every write
// is refused busy with nothing kept, reads are served, holds do not expire, and the wait
// survives a restart until Engine::EndAwaitingHq, or until the store opens without it.
#include <catch2/catch.hpp>

#include "engine.h"
#include "kura/schema/api.h"
#include "kura/sync/clock.h"
#include "temp_dir.h"

namespace kura {
namespace {

using nlohmann::json;

struct AwaitingStore {
  test::TempDir dir;
  ManualClock clock{1'700'000'000'000};
  StoreOptions options;
  std::unique_ptr<Engine> engine;

  explicit AwaitingStore(bool await) {
    options.store_id = "tokyo-01";
    options.data_dir = dir.Sub("data");
    options.clock = &clock;
    options.await_hq_when_new = await;
    Reopen();
  }
  void Reopen() {
    engine.reset();
    auto opened = Engine::Open(options, StoreOps());
    REQUIRE(opened.ok());
    engine = std::move(*opened);
  }
  Result<json> Call(const std::string& op, const json& args, const std::string& rid = "") {
    std::string request = EncodeRequest(ApiRequest{op, rid, args});
    return DecodeReply(engine->ExecuteGroup({request})[0]);
  }
};

bool RefusedAwaitingHq(const Result<json>& r) {
  return !r.ok() && r.status().code() == Status::Code::kBusy &&
         r.status().message().find("waiting for HQ") != std::string::npos;
}

TEST_CASE("a new directory awaiting HQ refuses every write and keeps nothing of it", "[store][restore]") {
  AwaitingStore s(true);
  CHECK(s.engine->awaiting_hq());
  CHECK(RefusedAwaitingHq(s.Call("stock.receive", {{"sku", "TEE"}, {"qty", 5}}, "r-1")));
  CHECK(RefusedAwaitingHq(s.Call("store.status.set", {{"status", "open"}}, "r-2")));
  CHECK(RefusedAwaitingHq(s.Call("escrow.grant", json::object())));  // writes without a rid
  // Refused before it is judged: an unknown SKU now may be known once HQ's data is back.
  json sale = {{"lines", json::array({{{"sku", "TEE"}, {"qty", 1}}})}};
  CHECK(RefusedAwaitingHq(s.Call("stock.sell", sale, "r-4")));
  CHECK(s.Call("stock.get", {{"sku", "TEE"}}).status().code() == Status::Code::kNotFound);  // reads go on
  CHECK(s.Call("status", json::object()).ok());
  auto expired = s.engine->ExpireDueHolds();
  REQUIRE(expired.ok());
  CHECK(*expired == 0);

  SECTION("the wait survives a restart") {
    s.Reopen();
    CHECK(s.engine->awaiting_hq());
    CHECK(RefusedAwaitingHq(s.Call("stock.receive", {{"sku", "TEE"}, {"qty", 5}}, "r-1")));
  }
  SECTION("opened without the wait (no --hq, or --offline-first-start), it ends for good") {
    s.options.await_hq_when_new = false;
    s.Reopen();
    CHECK_FALSE(s.engine->awaiting_hq());
    CHECK(s.Call("stock.receive", {{"sku", "TEE"}, {"qty", 5}}, "r-1").ok());
    s.options.await_hq_when_new = true;
    s.Reopen();
    CHECK_FALSE(s.engine->awaiting_hq());
  }
  SECTION("once HQ's data is back, the same rid runs afresh, and the end of the wait is durable") {
    REQUIRE(s.engine->EndAwaitingHq().ok());
    CHECK_FALSE(s.engine->awaiting_hq());
    auto received = s.Call("stock.receive", {{"sku", "TEE"}, {"qty", 5}}, "r-1");
    REQUIRE(received.ok());
    CHECK((*received)["on_hand"] == 5);
    CHECK(s.Call("stock.sell", sale, "r-4").ok());
    s.Reopen();
    CHECK_FALSE(s.engine->awaiting_hq());
    CHECK(s.Call("stock.receive", {{"sku", "TEE"}, {"qty", 1}}, "r-3").ok());
  }
}

TEST_CASE("a directory made without the wait, or opened again after it, takes writes at once", "[store][restore]") {
  AwaitingStore s(false);
  CHECK_FALSE(s.engine->awaiting_hq());
  REQUIRE(s.Call("stock.receive", {{"sku", "TEE"}, {"qty", 5}}, "r-1").ok());
  // An existing directory never starts waiting, whatever the options say now.
  s.options.await_hq_when_new = true;
  s.Reopen();
  CHECK_FALSE(s.engine->awaiting_hq());
  CHECK(s.Call("stock.sell", {{"lines", json::array({{{"sku", "TEE"}, {"qty", 1}}})}}, "r-2").ok());
}

}  // namespace
}  // namespace kura
