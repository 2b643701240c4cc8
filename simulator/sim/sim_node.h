// SimNode: one replica of the simulated chain — a store or HQ — running the real engine
// (node/engine.h) over RocksDB in the world's in-memory environment, with its own
// ManualClock (skew and jumps are applied there), its CellReplica and one SyncSession per
// link (a store: HQ; HQ: every store). Crash drops all of it without a clean shutdown of
// anything but RocksDB's handles; what was acknowledged is synced in the memory env and
// comes back on restart. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cell_replica.h"
#include "engine.h"
#include "kura/sync/clock.h"
#include "kura/schema/api.h"
#include "kura/sync/session.h"

namespace kura::sim {

class SimNode {
 public:
  // `env` is not owned. `index` is the store's index, -1 for HQ.
  SimNode(std::string id, int index, rocksdb::Env* env, int64_t epoch_ms, SessionOptions session);
  SimNode(const SimNode&) = delete;
  SimNode& operator=(const SimNode&) = delete;
  ~SimNode();

  // Opens the engine and replica and makes a session for each of `peers`. A store on a
  // replaced disk opens waiting for HQ (Engine::awaiting_hq), as kura-store --hq does.
  Status Open(const std::vector<std::string>& peers);
  void Crash();
  // Crashes the node and deletes its data directory: it opens next on an empty one (its
  // disk replaced), with a ticket key of its own. REQUIRES: a store.
  Status ReplaceDisk();
  // A store waiting for HQ to send its data back after a disk replacement.
  bool restoring() const { return engine_ != nullptr && engine_->awaiting_hq(); }
  // Up and not restoring: what it is asked to write, it may write.
  bool takes_writes() const { return engine_ != nullptr && !engine_->awaiting_hq(); }
  // Ends a restore once HQ's data is back (EndAwaitingHqIfRestored). Returns whether it
  // ended now. REQUIRES: up().
  Result<bool> EndRestoreIfBack(const std::string& hq);

  // Moves the node's clock to the epoch plus `sim_now` plus its offset: time passes as sim
  // time does (Clock::ElapsedMillis), the wall clock jumps as the offset did.
  void SetTime(int64_t sim_now) {
    clock_.Advance(epoch_ms_ + sim_now - clock_.ElapsedMillis());
    clock_.Jump(epoch_ms_ + sim_now + offset_ms - clock_.NowMillis());
  }
  int64_t LocalNow() { return clock_.NowMillis(); }
  // The sim time at which the node's clock will read `local_ms`, if its offset holds.
  int64_t SimTimeOf(int64_t local_ms) const { return local_ms - epoch_ms_ - offset_ms; }

  // Executes one request (a group of one, as a till's request would be). Returns the reply
  // bytes. REQUIRES: up().
  std::string Execute(const std::string& op, const std::string& rid, const nlohmann::json& args);
  // Executes `requests` as one commit group, as the API loop does with a burst. REQUIRES: up().
  std::vector<std::string> ExecuteGroup(const std::vector<ApiRequest>& requests);
  // A store: executes `request` as HQ's call over the sync link (Engine::ExecuteCall).
  // REQUIRES: up().
  std::string ExecuteCall(const ApiRequest& request) { return engine_->ExecuteCall(EncodeRequest(request)); }
  // HQ: records an order it routed to a store as `decision` says (Engine::ExecuteRouted).
  // REQUIRES: up().
  std::string ExecuteRouted(const ApiRequest& request, const RoutedDecision& decision) {
    return engine_->ExecuteRouted(EncodeRequest(request), decision);
  }

  // The node's database footprint (Db::MeasureFootprint). REQUIRES: up().
  Db::Footprint Footprint();
  // What the node has asked of RocksDB over all its incarnations (Db::Work).
  Db::Work Work() const;
  // Components its sessions have received and merged, over all its incarnations.
  uint64_t ComponentsReceived() const;
  // Told of every request the node's database passes to RocksDB, from its next Open on
  // (StoreOptions::storage_observer). Not owned.
  void set_storage_observer(StorageObserver* observer) { storage_observer_ = observer; }

  bool up() const { return engine_ != nullptr; }
  // Its own lane's head when it last went down: what it holds of its own writes, which
  // nothing moves while it is down. None after its disk was replaced (it holds nothing).
  std::optional<uint64_t> head_when_down() const { return head_when_down_; }
  bool hq() const { return index_ < 0; }
  // Its database's memory budget: HQ merges every store's cells.
  int64_t cache_mb() const { return hq() ? kHqCacheMb : kStoreCacheMb; }
  int index() const { return index_; }
  const std::string& id() const { return id_; }
  uint64_t incarnation() const { return incarnation_; }
  Engine* engine() { return engine_.get(); }
  CellReplica* replica() { return replica_.get(); }
  // Null when down or no such peer.
  SyncSession* session(const std::string& peer);

  int64_t offset_ms = 0;  // local clock minus the epoch and sim time (skew, jumps)
  bool restore_new_disks = true;  // false: TEST ONLY (SimOptions::skip_restore)
  // Timer bookkeeping per peer session, kept by the world: the armed sim time and a token
  // that makes superseded timer events no-ops.
  struct Timer {
    int64_t at = -1;
    uint64_t token = 0;
  };
  std::map<std::string, Timer> timers;

 private:
  // Each disk of the node a directory of its own, the first as before there were more.
  std::string DataDir() const {
    return "/kura-sim/" + id_ + (disks_replaced_ == 0 ? "" : "-disk" + std::to_string(disks_replaced_));
  }
  std::string id_;
  int index_;
  rocksdb::Env* env_;
  int64_t epoch_ms_;  // what the clock reads at sim time 0
  ManualClock clock_;
  SessionOptions session_options_;
  uint64_t incarnation_ = 0;
  int disks_replaced_ = 0;
  std::optional<uint64_t> head_when_down_;
  Db::Work past_work_;  // of the incarnations before this one
  uint64_t past_received_ = 0;  // likewise
  StorageObserver* storage_observer_ = nullptr;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<CellReplica::Observer> observer_;
  std::unique_ptr<CellReplica> replica_;
  std::map<std::string, std::unique_ptr<SyncSession>> sessions_;
};

}  // namespace kura::sim
