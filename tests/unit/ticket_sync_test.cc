// Tickets across replicas: a store and HQ (two engines, CellReplica + SyncSession in
// process). The store verifies an HQ-issued ticket once HQ's key has synced, redeems it
// before the hold itself has arrived, and the hold arriving later merges to collected with
// on-hand decremented exactly once.
#include <catch2/catch.hpp>

#include "cell_replica.h"
#include "change_log.h"
#include "engine.h"
#include "engine_harness.h"
#include "kura/schema/codec.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "registers.h"
#include "store_observer.h"
#include "tickets.h"

using kura::test::EngineHarness;
using namespace kura;
using nlohmann::json;

namespace {

// Moves messages between the sessions until both are quiet.
void Pump(SyncSession& a, SyncSession& b, int64_t now) {
  for (int idle = 0; idle < 3;) {
    bool moved = false;
    for (auto& m : a.TakeOutbox()) { b.Receive(m, now); moved = true; }
    for (auto& m : b.TakeOutbox()) { a.Receive(m, now); moved = true; }
    if (moved) {
      idle = 0;
    } else {
      a.Tick(now);
      b.Tick(now);
      ++idle;
    }
  }
}

// HQ promises `qty` TEE units at `store` as hold hq.<n> (the way escrow will) and signs
// its ticket: one durable write. Returns the ticket code.
std::string HqHold(Engine& hq, const std::string& store, uint64_t n, int64_t qty) {
  Txn txn(hq.db());
  int64_t now = hq.clock()->NowMillis();
  OpContext ctx{txn, hq.options(), now, 0, nullptr, hq.hlc()};
  HoldCell cell;
  cell.body = HoldBody{MakeHoldId(kHqOrigin, n), store, HoldKind::kPickup, {{"TEE", qty}}, "c-7",
                       now, now + 3'600'000, kHqOrigin};
  auto seq = NextSeq(txn, kHqOrigin);
  REQUIRE(seq.ok());
  uint64_t previous = cell.Advance(kHqOrigin, *seq, HoldState::kHeld, now);
  std::string key = keys::Hold(store, cell.body.id);
  txn.Write(Cf::kCells, key, cell);
  IndexChange(txn, kHqOrigin, previous, *seq, key, now);
  auto code = IssueTicket(ctx, cell.body);
  REQUIRE(code.ok());
  REQUIRE(txn.Commit().ok());
  return *code;
}

// The hold cell at `key` as `engine` holds it, encoded (canonical: equal cells, equal bytes).
std::string CellAt(Engine& engine, const std::string& key) {
  Txn txn(engine.db());
  auto cell = txn.Read<HoldCell>(Cf::kCells, key);
  REQUIRE(cell.ok());
  REQUIRE(cell->has_value());
  return Encode(**cell);
}

HoldState StateAt(Engine& engine, const std::string& key) {
  Txn txn(engine.db());
  auto cell = txn.Read<HoldCell>(Cf::kCells, key);
  REQUIRE(cell.ok());
  REQUIRE(cell->has_value());
  return (*cell)->State();
}

// Store tokyo-01 (through its harness) and HQ, each an engine, and a sync session between.
struct StoreAndHq {
  EngineHarness h{"tokyo-01"};
  Engine* store = dynamic_cast<Engine*>(h.store.get());
  std::unique_ptr<Engine> hq = OpenHq(h);
  StoreObserver observer{&store->options(), store->clock()};
  CellReplica store_replica{store->db(), "tokyo-01", CellReplica::Role::kStore, &observer};
  CellReplica hq_replica{hq->db(), kHqOrigin, CellReplica::Role::kHq, nullptr};
  SyncSession store_session{&store_replica, "tokyo-01", kHqOrigin, store->hlc()};
  SyncSession hq_session{&hq_replica, kHqOrigin, "tokyo-01", hq->hlc()};

  static std::unique_ptr<Engine> OpenHq(EngineHarness& h) {
    StoreOptions options{kHqOrigin, h.dir.Sub("hq")};
    options.clock = &h.clock;
    auto hq = Engine::Open(options, HqOps());
    REQUIRE(hq.ok());
    return std::move(*hq);
  }
  void Sync() {
    int64_t now = h.clock.NowMillis();
    store_session.Start(now);
    hq_session.Start(now);
    Pump(store_session, hq_session, now);
  }
  // Whether the store would take `code` now, checked offline.
  std::string Reason(const std::string& code) {
    return h.Ok("ticket.verify", {{"code", code}})["reason"].get<std::string>();
  }
};

}  // namespace

TEST_CASE("a ticket redeemed before its hold arrives leaves the hold collected once", "[ticket][sync]") {
  StoreAndHq chain;
  EngineHarness& h = chain.h;
  Engine* store = chain.store;
  REQUIRE(store != nullptr);
  auto* hq = &chain.hq;
  auto sync = [&] { chain.Sync(); };
  auto reason = [&](const std::string& code) { return chain.Reason(code); };

  h.Receive("TEE", 10);
  std::string first = HqHold(**hq, "tokyo-01", 1, 2);
  CHECK(reason(first) == "unknown_issuer");  // HQ's key has not synced yet
  sync();
  CHECK(reason(first) == "ok");
  CHECK(h.Stock("TEE")["held"] == 2);
  auto resign = h.Call("hold.ticket", {{"id", "hq.1"}});
  REQUIRE_FALSE(resign.ok());
  CHECK_THAT(resign.status().message(), Catch::Contains("only hq can sign"));

  // HQ promises three more units; the customer arrives before that hold syncs.
  std::string second = HqHold(**hq, "tokyo-01", 2, 3);
  json verdict = h.Ok("ticket.verify", {{"code", second}});
  CHECK(verdict["valid"] == true);
  CHECK_FALSE(verdict.contains("hold"));
  json redeemed = h.Ok("ticket.redeem", {{"code", second}});
  CHECK(redeemed["hold_arrived"] == false);
  CHECK(redeemed["hold"]["state"] == "collected");
  CHECK(redeemed["hold"]["issuer"] == "hq");
  auto check_store = [&] {
    json stock = h.Stock("TEE");
    CHECK(stock["on_hand"] == 7);
    CHECK(stock["held"] == 2);  // hq.1 only: hq.2 never counted as held
    json receipts = h.Ok("journal.list")["receipts"];
    REQUIRE(receipts.size() == 1);
    CHECK(receipts[0]["kind"] == "collection");
    CHECK(receipts[0]["hold_id"] == "hq.2");
    CHECK(h.HoldState("hq.2") == "collected");
  };
  check_store();
  CHECK(reason(second) == "already_collected");

  sync();  // the hold arrives; HQ learns of the collection
  check_store();
  CHECK(h.Ok("slip.list")["slips"].size() == 1);  // hq.1's slip; none for hq.2
  CHECK(h.Ok("admin.check")["ok"] == true);
  CHECK(StateAt(**hq, keys::Hold("tokyo-01", "hq.2")) == HoldState::kCollected);
  // The store's cell took HQ's body (its customer, its time) over the one made from the
  // ticket: both replicas hold the same cell.
  CHECK(CellAt(*store, keys::Hold("tokyo-01", "hq.2")) == CellAt(**hq, keys::Hold("tokyo-01", "hq.2")));
  CHECK(h.Ok("hold.get", {{"id", "hq.2"}})["customer"] == "c-7");
  auto replay = h.Call("ticket.redeem", {{"code", second}});
  REQUIRE_FALSE(replay.ok());
  CHECK_THAT(replay.status().message(), Catch::StartsWith("already_collected"));

  // The first hold arrived before its ticket: redeeming it is a normal collection.
  json normal = h.Ok("ticket.redeem", {{"code", first}});
  CHECK(normal["hold_arrived"] == true);
  CHECK(h.Stock("TEE")["on_hand"] == 5);
  CHECK(h.Stock("TEE")["held"] == 0);
  CHECK(h.Ok("slip.list")["slips"].empty());
}

TEST_CASE("HQ publishes its key when it starts, so a store cut off since checks HQ's first ticket", "[ticket][sync]") {
  StoreAndHq chain;
  REQUIRE(chain.hq->PublishSigningKey().ok());  // as kura-hq does at start
  chain.Sync();
  auto directory = [&] {
    Txn txn(chain.store->db());
    auto entry = ReadRegister(txn, keys::KeyDirectory(kHqOrigin));
    REQUIRE(entry.ok());
    return entry->value_or("");
  };
  std::string published = directory();
  CHECK(published.size() == kSignPublicKeyBytes);
  // Cut off from here: HQ promises units at the store and signs its first ticket.
  std::string code = HqHold(*chain.hq, "tokyo-01", 1, 2);
  CHECK(chain.Reason(code) == "ok");
  // Starting again publishes nothing new: the key is the one the store has.
  REQUIRE(chain.hq->PublishSigningKey().ok());
  chain.Sync();
  CHECK(directory() == published);
}
