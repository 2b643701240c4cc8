#include "hq_sync.h"

#include <set>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "change_log.h"

namespace kura {
namespace {

// A group commit ends after this many messages or components, whichever comes first:
// that bounds how long its first ack waits (well inside the stores' 3 s retransmit, at
// ~15 us a component) and its pending write. 200 stores with 4 batches in flight each can
// have 800 batches queued, of up to 4096 components each.
constexpr int kMaxGroupMessages = 128;
constexpr uint64_t kMaxGroupComponents = 32768;

// The authenticator's view of HQ's store list: public key -> store id.
ZapAuthenticator::AllowList AllowListOf(const std::map<std::string, std::string>& stores) {
  ZapAuthenticator::AllowList allow;
  for (const auto& [store, key] : stores) allow[key] = store;
  return allow;
}

}  // namespace

StoreListChange CompareStoreLists(const std::map<std::string, std::string>& before,
                                  const std::map<std::string, std::string>& after) {
  StoreListChange change;
  for (const auto& [store, key] : after) {
    auto it = before.find(store);
    if (it == before.end()) {
      change.added.push_back(store);
    } else if (it->second != key) {
      change.rekeyed.push_back(store);
    }
  }
  for (const auto& [store, key] : before) {
    if (after.count(store) == 0) change.removed.push_back(store);
  }
  return change;
}

Result<HqSyncListener> HqSync::Listen(zmq::context_t& context, const HqSyncConfig& config,
                                      const std::vector<std::string>& endpoints) {
  KURA_ASSIGN_OR_RETURN(CurveKeyPair keys, ReadKeyFile(config.key_file));
  HqSyncListener listener;
  KURA_ASSIGN_OR_RETURN(listener.auth, ZapAuthenticator::Start(context, AllowListOf(config.stores)));
  listener.hub = std::make_unique<SyncHub>(context, keys, listener.auth.get());
  for (const auto& endpoint : endpoints) KURA_RETURN_IF_ERROR(listener.hub->Bind(endpoint));
  return listener;
}

Result<std::unique_ptr<HqSync>> HqSync::Start(HqSyncListener listener, Engine* engine, const HqSyncConfig& config,
                                              const std::vector<std::string>& more_endpoints) {
  for (const auto& endpoint : more_endpoints) KURA_RETURN_IF_ERROR(listener.hub->Bind(endpoint));
  std::unique_ptr<HqSync> sync(new HqSync(engine, config));
  sync->auth_ = std::move(listener.auth);
  sync->hub_ = std::move(listener.hub);
  return sync;
}

HqSync::HqSync(Engine* engine, HqSyncConfig config)
    : engine_(engine), config_(std::move(config)),
      replica_(engine->db(), kHqOrigin, CellReplica::Role::kHq, &observer_) {}

HqSync::~HqSync() {
  hub_.reset();  // sockets before the authenticator they rely on
  auth_.reset();
}

Result<StoreListChange> HqSync::SetStores(const std::map<std::string, std::string>& stores) {
  KURA_RETURN_IF_ERROR(auth_->SetAllowList(AllowListOf(stores)));
  StoreListChange change = CompareStoreLists(config_.stores, stores);
  for (const auto* ended : {&change.removed, &change.rekeyed}) {
    for (const std::string& store : *ended) sessions_.erase(store);
  }
  config_.stores = stores;
  return change;
}

void HqSync::Attach(EventLoop* loop) {
  loop->Watch(hub_->socket(), [this] { return OnReadable(); });
  loop->Every("sync-tick", 100, [this] { Tick(); });
}

SyncSession& HqSync::SessionFor(const std::string& store) {
  auto& slot = sessions_[store];
  if (!slot) {
    slot = std::make_unique<SyncSession>(&replica_, kHqOrigin, store, engine_->hlc());
    spdlog::info("event=sync_store_seen store={}", store);
  }
  return *slot;
}

void HqSync::RecordRefusal(const std::string& store, const std::string& message) {
  auto admitted = refusals_.Admit(store, message, engine_->clock()->ElapsedMillis());
  if (!admitted) return;  // held back: ExceptionThrottle
  spdlog::warn("event=sync_rejected store={} error=\"{}\"", store, *admitted);
  Txn txn(engine_->db());
  Status s = RecordException(
      txn, HqException{engine_->clock()->NowMillis(), "sync_rejected", store, *admitted});
  if (s.ok()) s = txn.Commit();
  if (!s.ok()) spdlog::error("event=exception_not_recorded error=\"{}\"", s.ToString());
}

Status HqSync::OnReadable() {
  // One group per call: every batch of it is merged into one pending write, made durable
  // by one synced commit, and only then are its acks sent. At 200 stores HQ would
  // otherwise make one synced write per store batch. The loop polls again for the rest,
  // serving API requests and timers in between.
  std::set<std::string> heard;
  // Recorded after the group's commit: a record takes its number from meta exc_seq, which
  // the group's pending write may also be taking (an override receipt it merged).
  std::vector<std::pair<std::string, std::string>> refusals;
  std::string store, bytes;
  int64_t now = engine_->clock()->ElapsedMillis();  // the sessions' timers
  uint64_t components = 0;
  replica_.BeginGroup();
  for (int received = 0; received < kMaxGroupMessages && components < kMaxGroupComponents &&
                         hub_->Receive(&store, &bytes);
       ++received) {
    SyncSession& session = SessionFor(store);
    uint64_t merged = session.stats().components_received, rejected = session.stats().rejected;
    session.Receive(bytes, now);
    components += session.stats().components_received - merged;
    if (session.stats().rejected != rejected)
      refusals.emplace_back(store, session.stats().last_error);
    heard.insert(store);
  }
  Status committed = replica_.CommitGroup();
  if (!committed.ok()) {
    spdlog::error("event=sync_merge_failed stores={} error=\"{}\"", heard.size(), committed.ToString());
    // Not durable: unsent, the acks are lost messages, and each store sends its batch
    // again. Dropped before any call reply is handled, since SendCall flushes.
    for (const std::string& heard_from : heard) sessions_.at(heard_from)->TakeOutbox();
  }
  for (const auto& [refused, error] : refusals) RecordRefusal(refused, error);
  for (const std::string& heard_from : heard) {
    SyncSession& session = *sessions_.at(heard_from);
    DeliverCallReplies(heard_from, session);
    Flush(heard_from, session);
  }
  return Status::Ok();
}

void HqSync::DeliverCallReplies(const std::string& store, SyncSession& session) {
  for (auto& message : session.TakeCalls()) {
    if (const auto* reply = std::get_if<CallReply>(&message)) {
      if (call_reply_handler_) call_reply_handler_(store, *reply);
    } else {
      RecordRefusal(store, "a store may not call HQ");
    }
  }
}

bool HqSync::SendCall(const std::string& store, uint64_t number, std::string request) {
  auto it = sessions_.find(store);
  if (it == sessions_.end()) return false;
  it->second->SendCall(number, std::move(request));
  Flush(store, *it->second);
  return true;
}

void HqSync::Tick() {
  int64_t now = engine_->clock()->ElapsedMillis();  // the sessions' timers
  for (auto& [store, session] : sessions_) {
    session->Tick(now);
    Flush(store, *session);
  }
}

void HqSync::Flush(const std::string& store, SyncSession& session) {
  for (const std::string& bytes : session.TakeOutbox()) {
    // Unsent messages are covered by the session's retransmission.
    hub_->Send(store, bytes).IgnoreError();
  }
}

bool HqSync::Reachable(std::string_view store) {
  auto it = sessions_.find(std::string(store));
  return it != sessions_.end() && it->second->PeerReachable(engine_->clock()->ElapsedMillis());
}

bool HqSync::ReadyForCalls(std::string_view store) {
  auto it = sessions_.find(std::string(store));
  if (it == sessions_.end()) return false;
  const SyncSession& session = *it->second;
  return session.greeted() && session.PeerReachable(engine_->clock()->ElapsedMillis()) && !Restoring(session);
}

bool HqSync::Restoring(const SyncSession& session) {
  if (!session.greeted()) return false;
  // A store's Hello says what it holds of its own lanes, its acks of what HQ sends back
  // raise that; a store with its disk never holds less of them than HQ.
  auto at_hq = replica_.Held(session.peer());
  return at_hq.ok() && !session.stats().peer_held.Covers(*at_hq);
}

nlohmann::json HqSync::Describe(int64_t /*now_ms: its times are on the boot clock*/) {
  nlohmann::json stores = nlohmann::json::array();
  for (const auto& [store, key] : config_.stores) {
    nlohmann::json row = {{"store", store}, {"connected", false}, {"last_seen_ms", 0}};
    auto held = replica_.Held(store);
    uint64_t at_hq = held.ok() ? held->Get(store) : 0;
    row["hq_seq"] = at_hq;
    auto it = sessions_.find(store);
    if (it != sessions_.end()) {
      const SessionStats& st = it->second->stats();
      uint64_t lag = st.peer_head > at_hq ? st.peer_head - at_hq : 0;
      bool connected = Reachable(store);
      row["connected"] = connected;
      row["greeted"] = it->second->greeted();
      row["restoring"] = connected && Restoring(*it->second);
      row["last_seen_ms"] = st.last_heard_ms;
      row["store_seq"] = st.peer_head;
      row["lag_components"] = lag;
      int64_t since_heard = it->second->MsSinceHeard(engine_->clock()->ElapsedMillis());
      row["lag_s"] = lag > 0 && st.last_heard_ms > 0 ? since_heard / 1000 : 0;
      row["clock_skew_ms"] = st.clock_skew_ms;
      row["components_received"] = st.components_received;
      row["components_sent"] = st.components_sent;
      row["rejected"] = st.rejected;
      row["last_error"] = st.last_error;
    }
    stores.push_back(std::move(row));
  }
  const CellReplica::MergeCounts& merged = replica_.merge_counts();
  return nlohmann::json{{"stores", stores}, {"refused_peers", auth_->refused()},
                        {"dropped_unlisted", hub_->dropped_unlisted()},
                        {"endpoint", hub_->endpoint()}, {"merge_commits", merged.commits},
                        {"batches_merged", merged.batches}};
}

}  // namespace kura
