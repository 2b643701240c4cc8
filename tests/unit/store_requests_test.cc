// The store engine driven in-process: request-id idempotency, per-request rollback inside
// a commit group, undecodable requests, reopening, and admin.check after a mixed workload.
#include <filesystem>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <rocksdb/write_batch.h>

#include "engine.h"
#include "engine_harness.h"
#include "kura/node/store.h"
#include "kura/schema/api.h"
#include "kura/schema/keys.h"
#include "store_calls.h"

namespace kura::test {
namespace {

using nlohmann::json;
using Code = Status::Code;

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

// Prunes until the pass is done; how many went.
int PruneAll(Store& store) {
  int pruned = 0;
  for (;;) {
    auto step = store.PruneRequestIds();
    REQUIRE(step.ok());
    pruned += step->pruned;
    if (step->done) return pruned;
  }
}

TEST_CASE("store request ids older than the retention are pruned", "[store][idempotency]") {
  EngineHarness e;
  std::string first = e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 5}}, "old-1");
  CHECK(PruneAll(*e.store) == 0);
  e.clock.Advance(e.options.request_retention_ms + 1);
  CHECK(PruneAll(*e.store) == 1);
  // Forgotten: the same id is now a new request.
  e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 5}}, "old-1");
  CHECK(e.Stock("SKU-1")["on_hand"] == 10);
}

TEST_CASE("store request ids are kept for the retention of time passed, whatever the clock does",
          "[store][idempotency]") {
  EngineHarness e;
  auto* engine = dynamic_cast<Engine*>(e.store.get());
  REQUIRE(engine != nullptr);
  const int64_t retention = e.options.request_retention_ms, hour = 3600 * 1000;

  SECTION("a clock set forward") {
    e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 1}}, "x-1");
    e.clock.Jump(2 * retention);
    CHECK(PruneAll(*e.store) == 0);
    e.clock.Advance(retention - 1);
    CHECK(PruneAll(*e.store) == 0);
    CHECK(engine->Answered("x-1"));
    e.clock.Advance(2);
    CHECK(PruneAll(*e.store) == 1);
  }
  SECTION("a clock set back between prunes, then put right") {
    e.clock.Jump(-3 * hour);
    e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 1}}, "y-1");
    e.clock.Jump(3 * hour);
    e.clock.Advance(retention - 1);
    CHECK(PruneAll(*e.store) == 0);
    CHECK(engine->Answered("y-1"));
    e.clock.Advance(2);
    CHECK(PruneAll(*e.store) == 1);
  }
  SECTION("a clock set forward while the daemon was down") {
    CHECK(PruneAll(*e.store) == 0);  // records the request-id clock
    e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 1}}, "z-1");
    e.store.reset();
    e.clock.Jump(2 * retention);  // a back-office PC booted with a dead clock battery
    e.Reopen();
    CHECK(PruneAll(*e.store) == 0);
    engine = dynamic_cast<Engine*>(e.store.get());
    CHECK(engine->Answered("z-1"));
    // A retry is still answered as the first time, not applied again.
    e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 1}}, "z-1");
    CHECK(e.Stock("SKU-1")["on_hand"] == 1);
    e.clock.Advance(retention + 1);  // a retention of time passed with the daemon running
    CHECK(PruneAll(*e.store) == 1);
  }
  SECTION("time a daemon ran idle counts after a restart") {
    e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 1}}, "i-1");
    CHECK(PruneAll(*e.store) == 0);
    e.clock.Advance(retention / 2);
    CHECK(PruneAll(*e.store) == 0);  // nothing due: reads no id, but records the clock
    e.Reopen();
    e.clock.Advance(retention / 2 + 1);
    CHECK(PruneAll(*e.store) == 1);
  }
  SECTION("a directory of an earlier build, opened under a clock set back") {
    e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 1}}, "u-1");
    rocksdb::WriteBatch forget;  // as an earlier build left it: no run_clock
    REQUIRE(forget.Delete(engine->db()->handle(Cf::kMeta), std::string(keys::kMetaRunClock)).ok());
    REQUIRE(engine->db()->WriteSynced(&forget).ok());
    e.store.reset();
    e.clock.Jump(-10 * 365 * 24 * hour);  // a dead clock battery
    e.Reopen();
    e.clock.Advance(retention - 1);
    CHECK(PruneAll(*e.store) == 0);
    e.clock.Advance(2);
    CHECK(PruneAll(*e.store) == 1);  // not ten years later
  }
}

TEST_CASE("store request-id pruning reads nothing while no kept id can be due, and misses none", "[store][idempotency]") {
  EngineHarness e;
  auto* engine = dynamic_cast<Engine*>(e.store.get());
  REQUIRE(engine != nullptr);
  const int64_t retention = e.options.request_retention_ms, hour = 3600 * 1000;
  e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 1}}, "a-1");
  CHECK(PruneAll(*e.store) == 0);  // the first prune reads every id: a-1 is the oldest
  uint64_t scans = engine->db()->work().scans;
  e.clock.Advance(hour);
  CHECK(PruneAll(*e.store) == 0);
  CHECK(engine->db()->work().scans == scans);  // a-1 is an hour old: nothing can be due

  // Under a clock set back two hours, b-1 is still stamped an hour after a-1 (the
  // request-id clock does not jump), and each is pruned a retention after it was written.
  e.clock.Jump(-2 * hour);
  e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 1}}, "b-1");
  e.clock.Jump(2 * hour);
  e.clock.Advance(retention - hour + 1);  // a-1 due; b-1 not
  CHECK(PruneAll(*e.store) == 1);
  CHECK(!engine->Answered("a-1"));
  CHECK(engine->Answered("b-1"));
  e.clock.Advance(hour);
  CHECK(PruneAll(*e.store) == 1);
  CHECK(!engine->Answered("b-1"));
}

TEST_CASE("store request-id pruning goes in steps, and misses no id written during a pass",
          "[store][idempotency]") {
  EngineHarness e;
  e.options.prune_step_ids = 2;
  e.Reopen();
  auto* engine = dynamic_cast<Engine*>(e.store.get());
  REQUIRE(engine != nullptr);
  const int64_t retention = e.options.request_retention_ms;
  auto receive = [&](const char* rid) { e.Raw("stock.receive", {{"sku", "SKU-1"}, {"qty", 1}}, rid); };
  for (const char* rid : {"k-1", "k-2", "k-3", "k-4"}) receive(rid);
  e.clock.Advance(retention + 1);  // every k id due
  auto first = e.store->PruneRequestIds();  // k-1 and k-2
  REQUIRE(first.ok());
  CHECK(first->pruned == 2);
  CHECK(!first->done);

  // Written behind the pass (its key sorts before where the pass goes on), so the pass
  // does not read it, and the only id left when the pass ends: it must still be pruned
  // when due.
  receive("a-0");
  CHECK(PruneAll(*e.store) == 2);  // k-3 and k-4: the pass is done
  CHECK(engine->Answered("a-0"));
  e.clock.Advance(retention + 1);
  CHECK(PruneAll(*e.store) == 1);
  CHECK(!engine->Answered("a-0"));

  // Every id due: two steps of two, none skipped at the edge between them.
  for (const char* rid : {"m-1", "m-2", "m-3", "m-4"}) receive(rid);
  e.clock.Advance(retention + 1);
  auto one = e.store->PruneRequestIds(), two = e.store->PruneRequestIds();
  REQUIRE((one.ok() && two.ok()));
  CHECK((one->pruned == 2 && !one->done));
  CHECK((two->pruned == 2 && two->done));
  for (const char* rid : {"m-1", "m-2", "m-3", "m-4"}) CHECK(!engine->Answered(rid));
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
  // Refused before RocksDB's open, which would rotate the running store's info LOG.
  for (const auto& entry : std::filesystem::directory_iterator(e.options.data_dir)) {
    CHECK_FALSE(entry.path().filename().string().starts_with("LOG.old"));
  }
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
}  // namespace kura::test
