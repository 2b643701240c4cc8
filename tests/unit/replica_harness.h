// Shared by the unit tests that replicate: an in-process replica (a kura-store or kura-hq
// engine over a temporary directory, with its own manual clock that may be skewed, and
// the CellReplica its sync sessions read and merge), and a Link joining a store to HQ
// with two SyncSessions whose messages the test delivers, drops, duplicates and reorders
// as it likes. Wired as kura-store and kura-hq wire them (simulator/bench/sync_suite.cc).
// Header-only; not thread-safe.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cell_replica.h"
#include "engine.h"
#include "hq_index.h"
#include "kura/schema/api.h"
#include "kura/sync/lww_register.h"
#include "kura/sync/session.h"
#include "store_observer.h"
#include "temp_dir.h"

namespace kura::test {

class Replica {
 public:
  static constexpr int64_t kStartMs = 1'700'000'000'000;

  // `id` "hq" serves HQ's ops, anything else a store's. Its wall clock reads
  // kStartMs + skew_ms. `env`: RocksDB's, null for the real file system.
  explicit Replica(std::string id, int64_t skew_ms = 0, rocksdb::Env* env = nullptr)
      : clock(kStartMs + skew_ms) {
    options.store_id = std::move(id);
    options.data_dir = dir.Sub("data");
    options.clock = &clock;
    options.env = env;
    bool hq = options.store_id == kHqOrigin;
    auto opened = Engine::Open(options, hq ? HqOps() : StoreOps());
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    engine = std::move(*opened);
    if (hq) {
      observer = std::make_unique<HqObserver>();
    } else {
      observer = std::make_unique<StoreObserver>(&engine->options(), &clock);
    }
    cells = std::make_unique<CellReplica>(engine->db(), options.store_id,
                                          hq ? CellReplica::Role::kHq : CellReplica::Role::kStore,
                                          observer.get());
  }

  const std::string& id() const { return options.store_id; }

  // Calls `op` with a fresh request id (ignored by read-only ops).
  Result<nlohmann::json> Call(const std::string& op,
                              const nlohmann::json& args = nlohmann::json::object()) {
    std::string request = EncodeRequest({op, "rid-" + std::to_string(++rids_), args});
    return DecodeReply(engine->ExecuteGroup({request})[0]);
  }
  nlohmann::json Ok(const std::string& op, const nlohmann::json& args = nlohmann::json::object()) {
    auto result = Call(op, args);
    INFO(id() << " " << op << " " << args.dump() << " -> " << result.status().ToString());
    REQUIRE(result.ok());
    return *result;
  }

  // The register cell stored under `key`, or an empty one.
  RegisterCell Register(const std::string& key) {
    Txn txn(engine->db());
    auto cell = txn.Read<RegisterCell>(Cf::kCells, key);
    REQUIRE(cell.ok());
    return cell->value_or(RegisterCell{});
  }

  TempDir dir;
  ManualClock clock;
  StoreOptions options;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<CellReplica::Observer> observer;
  std::unique_ptr<CellReplica> cells;

 private:
  int rids_ = 0;
};

// A store's link to HQ: two sessions, each on its own replica's clock and HLC, and the
// messages in flight each way, which move only when the test says so.
class Link {
 public:
  // `options` for both sessions (e.g. small batches, so that a lane is cut between them).
  Link(Replica& store, Replica& hq, SessionOptions options = {})
      : store_(store),
        hq_(hq),
        store_session_(store.cells.get(), store.id(), hq.id(), store.engine->hlc(), options),
        hq_session_(hq.cells.get(), hq.id(), store.id(), hq.engine->hlc(), options) {}

  void Start() {
    store_session_.Start(store_.clock.NowMillis());
    hq_session_.Start(hq_.clock.NowMillis());
    Collect();
  }

  // Both sessions' timers, then their new messages into flight.
  void Tick() {
    store_session_.Tick(store_.clock.NowMillis());
    hq_session_.Tick(hq_.clock.NowMillis());
    Collect();
  }

  std::size_t in_flight() const { return to_hq_.size() + to_store_.size(); }

  // Delivers, drops or duplicates one message in flight, picked at random from either
  // direction and any position (so messages overtake each other). False when none is.
  bool DeliverOne(std::mt19937_64& rng, double drop = 0, double duplicate = 0) {
    if (in_flight() == 0) return false;
    bool up = rng() % in_flight() < to_hq_.size();
    std::vector<std::string>& queue = up ? to_hq_ : to_store_;
    std::size_t at = rng() % queue.size();
    std::string bytes = queue[at];
    std::uniform_real_distribution<double> p(0, 1);
    if (p(rng) >= duplicate) queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(at));
    if (p(rng) >= drop) {
      if (up) hq_session_.Receive(bytes, hq_.clock.NowMillis());
      else store_session_.Receive(bytes, store_.clock.NowMillis());
    }
    Collect();
    return true;
  }

  // As DeliverOne, towards HQ only, and HQ's answer stays in its session until Collect:
  // HQ's group commit sends nothing before the group is durable (node/hq_sync.cc).
  bool DeliverOneToHq(std::mt19937_64& rng, double drop = 0, double duplicate = 0) {
    if (to_hq_.empty()) return false;
    std::size_t at = rng() % to_hq_.size();
    std::string bytes = to_hq_[at];
    std::uniform_real_distribution<double> p(0, 1);
    if (p(rng) >= duplicate) to_hq_.erase(to_hq_.begin() + static_cast<std::ptrdiff_t>(at));
    if (p(rng) >= drop) hq_session_.Receive(bytes, hq_.clock.NowMillis());
    return true;
  }

  // Every message in flight to the store, in order, its answers left in its session until
  // Collect (kura-store's group commit, node/store_sync.cc).
  void DeliverAllToStore() {
    std::vector<std::string> down;
    down.swap(to_store_);
    for (const auto& m : down) store_session_.Receive(m, store_.clock.NowMillis());
  }

  // Both sessions' new messages into flight.
  void Collect() {
    for (auto& m : store_session_.TakeOutbox()) to_hq_.push_back(std::move(m));
    for (auto& m : hq_session_.TakeOutbox()) to_store_.push_back(std::move(m));
  }

  // Delivers the oldest message in flight to the store and collects both sides' answers,
  // which stay in flight. False when none is.
  bool DeliverOldestToStore() {
    if (to_store_.empty()) return false;
    std::string bytes = std::move(to_store_.front());
    to_store_.erase(to_store_.begin());
    store_session_.Receive(bytes, store_.clock.NowMillis());
    Collect();
    return true;
  }

  // Delivers everything in order until the link is quiet.
  void Flush() {
    for (int guard = 0; guard < 100'000 && in_flight() > 0; ++guard) {
      std::vector<std::string> up, down;
      up.swap(to_hq_);
      down.swap(to_store_);
      for (const auto& m : up) hq_session_.Receive(m, hq_.clock.NowMillis());
      for (const auto& m : down) store_session_.Receive(m, store_.clock.NowMillis());
      Collect();
    }
  }

  SyncSession& store_session() { return store_session_; }
  SyncSession& hq_session() { return hq_session_; }

 private:

  Replica& store_;
  Replica& hq_;
  SyncSession store_session_, hq_session_;
  std::vector<std::string> to_hq_, to_store_;
};

// Advances every replica's clock by `ms` (their skews stay) and ticks every link, until
// all links are quiet: after it, every retransmission has happened.
inline void Settle(const std::vector<Replica*>& replicas, const std::vector<Link*>& links,
                   int64_t total_ms = 20'000, int64_t step_ms = 250) {
  for (int64_t t = 0; t < total_ms; t += step_ms) {
    for (Replica* r : replicas) r->clock.Advance(step_ms);
    for (Link* l : links) {
      l->Tick();
      l->Flush();
    }
  }
}

}  // namespace kura::test
