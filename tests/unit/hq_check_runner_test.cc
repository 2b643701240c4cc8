// kura-hq's admin.check on a worker thread (HqCheckRunner): it answers as the op does,
// from the database as it was when the request came, requests arriving meanwhile share
// its answer, and every other request is left to the commit group.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "hq_check_runner.h"
#include "hq_index.h"
#include "replica_harness.h"
#include "txn.h"

namespace kura::test {
namespace {

constexpr std::chrono::milliseconds kPatience{60'000};

std::string Request(const std::string& op) { return EncodeRequest({op, "rid-" + op, nlohmann::json::object()}); }

void SetIndex(Replica& hq, const std::string& sku, const std::string& store, const HqStockEntry& entry) {
  Txn txn(hq.engine->db());
  txn.Write(Cf::kLocal, StockBySku(sku, store), entry);
  REQUIRE(txn.Commit().ok());
}

// HQ holding one store's stock.
struct HqWithStock {
  Replica store{"store-001"};
  Replica hq{"hq"};
  Link link{store, hq};
  HqWithStock() {
    store.Ok("stock.receive", {{"sku", "SKU-1"}, {"qty", 5}});
    link.Start();
    link.Flush();
    REQUIRE(hq.Ok("hq.stock", {{"sku", "SKU-1"}})["total"]["on_hand"] == 5);
  }
};

}  // namespace

TEST_CASE("a txn at a snapshot reads the database as it was then", "[txn]") {
  Replica hq("hq");
  Txn write(hq.engine->db());
  write.Put(Cf::kLocal, "k/1", "before");
  REQUIRE(write.Commit().ok());
  auto snapshot = hq.engine->db()->Snapshot();
  write.Put(Cf::kLocal, "k/1", "after");
  write.Put(Cf::kLocal, "k/2", "new");
  REQUIRE(write.Commit().ok());

  Txn then(hq.engine->db(), snapshot.get()), now(hq.engine->db());
  std::string value;
  REQUIRE(then.Get(Cf::kLocal, "k/1", &value).ok());
  CHECK(value == "before");
  CHECK(then.Get(Cf::kLocal, "k/2", &value).code() == Status::Code::kNotFound);
  std::vector<std::string> seen;
  REQUIRE(then.Scan(Cf::kLocal, "k/", [&](std::string_view key, std::string_view) {
    seen.emplace_back(key);
    return true;
  }).ok());
  CHECK(seen == std::vector<std::string>{"k/1"});
  REQUIRE(now.Get(Cf::kLocal, "k/1", &value).ok());
  CHECK(value == "after");
}

TEST_CASE("kura-hq's admin.check runs beside the loop, from the database as it was asked", "[hq][admin]") {
  HqWithStock c;
  // The worker reads only once the test has written behind the check's back.
  std::promise<void> written;
  std::shared_future<void> written_done = written.get_future().share();
  HqCheckRunner runner(c.hq.engine->db(), [written_done] { written_done.wait(); });
  // Destroyed before the runner, which waits for its worker: a failed REQUIRE must not hang.
  struct Release {
    std::promise<void>* promise;
    ~Release() {
      try {
        promise->set_value();
      } catch (const std::future_error&) {  // already set
      }
    }
  } release{&written};
  std::vector<std::string> replies;
  auto collect = [&](std::string_view reply) { replies.emplace_back(reply); };

  CHECK(!runner.Route(Request("status"), collect));
  CHECK(!runner.Route("not a request", collect));
  REQUIRE(runner.Route(Request("admin.check"), collect));
  REQUIRE(runner.Route(Request("admin.check"), collect));
  CHECK(!runner.running());  // not before the loop's tick, after the commit group
  runner.Tick();
  REQUIRE(runner.running());  // one check for both: the snapshot is taken
  // Written after the check began, as a merge would be: not what it reads ...
  SetIndex(c.hq, "SKU-1", "store-001", HqStockEntry{9, 0});
  // ... but what a request arriving now is answered from, by the next check.
  REQUIRE(runner.Route(Request("admin.check"), collect));
  runner.Tick();
  CHECK(replies.empty());  // still waiting to read
  written.set_value();
  runner.Tick(kPatience);
  REQUIRE(replies.size() == 2);
  CHECK(replies[0] == replies[1]);
  auto first = DecodeReply(replies[0]);
  REQUIRE(first.ok());
  CHECK((*first)["ok"] == true);
  CHECK((*first)["stock_entries"] == 1);

  REQUIRE(runner.running());  // the third request's check
  runner.Tick(kPatience);
  REQUIRE(replies.size() == 3);
  auto third = DecodeReply(replies[2]);
  REQUIRE(third.ok());
  CHECK((*third)["ok"] == false);
  CHECK(*third == c.hq.Ok("admin.check"));
  CHECK(!runner.running());
}

TEST_CASE("a scan told to stop ends early with busy", "[txn]") {
  Replica hq("hq");
  Txn write(hq.engine->db());
  for (int i = 0; i < 10; ++i) write.Put(Cf::kLocal, "k/" + std::to_string(i), "v");
  REQUIRE(write.Commit().ok());
  std::atomic<bool> stop{false};
  Txn read(hq.engine->db());
  read.StopWhen(&stop);
  int seen = 0;
  Status scanned = read.Scan(Cf::kLocal, "k/", [&](std::string_view, std::string_view) {
    if (++seen == 3) stop = true;
    return true;
  });
  CHECK(scanned.code() == Status::Code::kBusy);
  CHECK(seen == 3);
}

}  // namespace kura::test
