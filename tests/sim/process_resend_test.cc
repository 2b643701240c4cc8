// kura-sim's multi-process mode sends its unknown requests again after the final heal
// (process_resend.h): against a real kura-store SIGKILLed and restarted in between, a
// request that had been applied is answered from the store's memory of its rid, once, and
// one that never arrived is applied then; the ledger then matches the store exactly.
#include <catch2/catch.hpp>
#include <zmq.hpp>

#include "kura/node/api_client.h"
#include "process_call.h"
#include "process_chain.h"
#include "process_ledger.h"
#include "process_resend.h"
#include "workload.h"

namespace kura::sim {
namespace {

using nlohmann::json;

TEST_CASE("unknown requests sent again after a store's SIGKILL take effect once", "[sim][processes]") {
  zmq::context_t context;
  ProcessOptions o;
  o.stores = 1;
  o.skus = 1;
  o.faults = false;
  o.store_bin = KURA_STORE_BIN;
  o.hq_bin = KURA_HQ_BIN;
  auto started = ProcessChain::Start(o, context);
  REQUIRE(started.ok());
  ProcessChain& chain = **started;
  ProcessLedger ledger({chain.store_id(0)});
  ApiClient store(context, chain.store_endpoint(0), 10'000);
  const std::string sku = Workload::Sku(0);
  // Sends for real; records the reply, or, when `lose`, records the request as unanswered.
  auto send = [&](const std::string& op, const std::string& rid, const json& args, bool lose) {
    std::size_t handle = ledger.Begin(0, false, op, rid, args);
    auto reply = CallOnce(store, op, rid, args);
    REQUIRE(reply);
    REQUIRE(reply->ok());
    if (lose)
      ledger.Lose(handle);
    else
      ledger.Ack(handle, reply->value());
    return std::make_pair(handle, reply->value());
  };
  json line = {{"sku", sku}, {"qty", 1}};
  send("stock.receive", "r-1", {{"sku", sku}, {"qty", 10}}, false);
  auto [applied, first_reply] =
      send("stock.sell", "s-1", {{"lines", json::array({line})}, {"customer", "c-s-1"}}, true);
  std::size_t never = ledger.Begin(0, false, "stock.sell", "s-2",
                                   {{"lines", json::array({line})}, {"customer", "c-s-2"}});
  ledger.Lose(never);  // as if lost on the way: the store never saw it
  json hold = send("hold.create", "h-1", {{"kind", "phone"}, {"lines", json::array({line})}}, false).second;
  auto [ready, ready_reply] = send("hold.ready", "h-2", {{"id", hold["id"]}}, true);
  send("hold.collect", "h-3", {{"id", hold["id"]}}, false);
  REQUIRE(ledger.Unknown() == std::vector<std::size_t>{applied, never, ready});

  REQUIRE(chain.KillStore(0).ok());
  REQUIRE(chain.RestartStore(0).ok());
  ResendUnknown(o, chain, &ledger, context, [] { return false; });

  CHECK(ledger.Unknown().empty());
  CHECK(ledger.violation().empty());
  const auto& records = ledger.records();
  REQUIRE(records[applied].outcome == OpOutcome::kAcked);
  CHECK(records[applied].result == first_reply);  // the stored answer, not a second sale
  REQUIRE(records[never].outcome == OpOutcome::kAcked);
  CHECK(records[never].result["receipt"]["seq"] != first_reply["receipt"]["seq"]);
  CHECK(records[ready].result == ready_reply);  // stale (the hold is collected), and no violation
  CHECK(ledger.Counts()["stock.sell"].resent == 2);
  auto view = store.Call("stock.get", {{"sku", sku}});
  REQUIRE(view.ok());
  CHECK((*view)["on_hand"] == 10 - 1 - 1 - 1);  // two sales and the collection
  CHECK((*view)["on_hand"] == ledger.ledger().OnHand(0, sku));
}

}  // namespace
}  // namespace kura::sim
