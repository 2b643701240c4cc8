// StoreSync: a store's link to HQ — the SyncSession over a CURVE SyncSpoke and the store's
// CellReplica. Restarts the session (hello) whenever the link is re-established, pushes
// local changes as soon as the loop has committed them, and reports link health for
// `sync.status` (`kuractl sync status`). Runs on the loop thread; not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "cell_replica.h"
#include "curve_keys.h"
#include "engine.h"
#include "event_loop.h"
#include "kura/schema/keys.h"
#include "kura/sync/session.h"
#include "store_config.h"
#include "store_observer.h"
#include "sync_transport.h"

namespace kura {

class StoreSync final : public SyncView {
 public:
  // Reads the key file and connects (in the background). `engine` must outlive this.
  static Result<std::unique_ptr<StoreSync>> Start(zmq::context_t& context, Engine* engine,
                                                  const StoreSyncConfig& config);

  // Registers the socket and the periodic tick with the loop.
  void Attach(EventLoop* loop);
  // Moves the session along now: new local changes, link changes, timers.
  void Tick();

  nlohmann::json Describe(int64_t now_ms) override;
  bool Reachable(std::string_view peer) override {
    return peer == kHqOrigin && session_.PeerReachable(engine_->clock()->ElapsedMillis());
  }
  uint64_t AckedJournalSeq() override {
    return session_.stats().peer_held.Get(keys::JournalLane(engine_->options().store_id));
  }

 private:
  StoreSync(Engine* engine, const StoreSyncConfig& config, std::unique_ptr<SyncSpoke> spoke);
  Status OnReadable();
  // Executes what HQ called (an online order routed to this store) and replies.
  void AnswerCalls();
  // A new directory waiting for HQ (Engine::awaiting_hq): takes writes once HQ has greeted
  // it and what HQ holds of this store's two lanes is merged here.
  void EndAwaitingHqWhenBack();
  void Flush();

  Engine* engine_;
  StoreSyncConfig config_;
  std::unique_ptr<SyncSpoke> spoke_;
  StoreObserver observer_;
  CellReplica replica_;
  SyncSession session_;
  uint64_t handshakes_seen_ = 0;
  uint64_t dropped_sends_ = 0;
};

}  // namespace kura
