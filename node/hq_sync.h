// HqSync: HQ's side of every store link — one SyncSession per store over the CURVE
// SyncHub, all sharing HQ's CellReplica. A store is known by the store id its key is bound
// to on the allow-list (never by anything it sends); a batch that a store may not write is
// refused whole, logged and recorded as an HQ exception. Reports per-store sync health for
// `hq.sync_status`. Runs on the loop thread; not thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "cell_replica.h"
#include "curve_keys.h"
#include "engine.h"
#include "exception_throttle.h"
#include "event_loop.h"
#include "hq_index.h"
#include "kura/sync/session.h"
#include "sync_transport.h"
#include "zap_authenticator.h"

namespace kura {

struct HqSyncConfig {
  std::vector<std::string> endpoints;           // e.g. tcp://0.0.0.0:7431
  std::string key_file;                         // HQ's keypair
  std::map<std::string, std::string> stores;    // store id -> its public key (Z85)
};

// How one store list (store id -> public key) differs from another, by store id.
struct StoreListChange {
  std::vector<std::string> added, removed, rekeyed;
};
StoreListChange CompareStoreLists(const std::map<std::string, std::string>& before,
                                  const std::map<std::string, std::string>& after);

// HQ's sync socket and the authenticator it relies on, made before HQ opens its storage
// (HqSync::Listen) and handed to HqSync::Start.
struct HqSyncListener {
  std::unique_ptr<ZapAuthenticator> auth;
  std::unique_ptr<SyncHub> hub;  // after auth: closed before it
};

class HqSync final : public SyncView {
 public:
  // Reads HQ's key file, starts the authenticator with config.stores and binds `endpoints`
  // (some of config.endpoints: BindOrder, daemon_start.h). Stores may link and send at
  // once; what they send waits for the loop.
  static Result<HqSyncListener> Listen(zmq::context_t& context, const HqSyncConfig& config,
                                       const std::vector<std::string>& endpoints);
  // Binds the rest of config.endpoints, `more_endpoints`, and serves the stores over
  // `listener` from `engine`, which must outlive this.
  static Result<std::unique_ptr<HqSync>> Start(HqSyncListener listener, Engine* engine, const HqSyncConfig& config,
                                               const std::vector<std::string>& more_endpoints);
  ~HqSync() override;

  void Attach(EventLoop* loop);
  void Tick();
  // Puts a new store list (store id -> public key) in force: later handshakes and every
  // later message are judged by it, so a key taken off it speaks no more even on a
  // connection already open (ZapAuthenticator::StoreOf). The sessions of stores removed or
  // given a new key end, so their next link starts ungreeted: HQ sends it only its own
  // Hello (no batch, no order) until the store's Hello. Returns how the list changed. On
  // InvalidArgument (a malformed key) the old list stays. The caller has checked ids and
  // duplicate keys (hq_config.h).
  Result<StoreListChange> SetStores(const std::map<std::string, std::string>& stores);
  nlohmann::json Describe(int64_t now_ms) override;
  uint64_t AckedJournalSeq() override { return 0; }
  bool Reachable(std::string_view store) override;  // HQ keeps everything
  // Whether a Call to `store` would be executed with all its data there: its link is up,
  // its Hello has arrived (so Restoring knows), and it is not being restored.
  bool ReadyForCalls(std::string_view store);
  const std::string& endpoint() const { return hub_->endpoint(); }

  // Asks `store` to execute an encoded API request (order_router.h); its reply comes to
  // the handler. False when the store has no session.
  bool SendCall(const std::string& store, uint64_t number, std::string request);
  using CallReplyHandler = std::function<void(const std::string& store, const CallReply& reply)>;
  void OnCallReply(CallReplyHandler handler) { call_reply_handler_ = std::move(handler); }

 private:
  HqSync(Engine* engine, HqSyncConfig config);
  Status OnReadable();
  SyncSession& SessionFor(const std::string& store);
  void Flush(const std::string& store, SyncSession& session);
  void RecordRefusal(const std::string& store, const std::string& message);
  // Whether the session's store greeted HQ holding less of its own two lanes than HQ does,
  // and has not caught up since: its disk was replaced and HQ is sending its data back (a
  // store linked to HQ refuses writes until then, `meta awaiting_hq`, PROTOCOL.md 3).
  bool Restoring(const SyncSession& session);
  void DeliverCallReplies(const std::string& store, SyncSession& session);

  Engine* engine_;
  HqSyncConfig config_;
  std::unique_ptr<ZapAuthenticator> auth_;
  std::unique_ptr<SyncHub> hub_;
  HqObserver observer_;
  CellReplica replica_;
  std::map<std::string, std::unique_ptr<SyncSession>> sessions_;
  ExceptionThrottle refusals_{60'000};  // a refusal of a store once a minute, 8 kinds of it
  CallReplyHandler call_reply_handler_;
};

}  // namespace kura
