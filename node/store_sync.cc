#include "store_sync.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "kura/schema/api.h"
#include "restore_end.h"

namespace kura {
namespace {

// What HQ may ask a store to do over the link: decide an online order routed to it, and
// cancel one it decided whose hold has not reached HQ. The rid prefix keeps HQ's requests
// apart from the tills'.
Status CheckCall(std::string_view bytes) {
  KURA_ASSIGN_OR_RETURN(ApiRequest request, DecodeRequest(bytes));
  if (request.op != "hold.create" && request.op != "hold.cancel") {
    return Status::UnknownOp("op " + request.op + " cannot be called by HQ");
  }
  if (request.rid.rfind("hq:", 0) != 0) return Status::InvalidArgument("rid: HQ's calls start with hq:");
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<StoreSync>> StoreSync::Start(zmq::context_t& context, Engine* engine,
                                                    const StoreSyncConfig& config) {
  KURA_ASSIGN_OR_RETURN(CurveKeyPair keys, ReadKeyFile(config.key_file));
  auto spoke = std::make_unique<SyncSpoke>(context, keys, config.hq_public_key, config.hq_endpoint);
  KURA_RETURN_IF_ERROR(spoke->Connect());
  return std::unique_ptr<StoreSync>(new StoreSync(engine, config, std::move(spoke)));
}

StoreSync::StoreSync(Engine* engine, const StoreSyncConfig& config, std::unique_ptr<SyncSpoke> spoke)
    : engine_(engine), config_(config), spoke_(std::move(spoke)),
      observer_(&engine->options(), engine->clock()),
      replica_(engine->db(), engine->options().store_id, CellReplica::Role::kStore, &observer_),
      session_(&replica_, engine->options().store_id, kHqOrigin, engine->hlc()) {}

void StoreSync::Attach(EventLoop* loop) {
  loop->Watch(spoke_->socket(), [this] { return OnReadable(); });
  loop->Every("sync-tick", 100, [this] { Tick(); });
}

Status StoreSync::OnReadable() {
  std::string bytes;
  int64_t now = engine_->clock()->ElapsedMillis();  // the session's timers
  uint64_t rejected = session_.stats().rejected;
  // HQ's batches waiting now (its window is 4, resends aside) merge in one synced write,
  // as at HQ (hq_sync.cc), and no Ack goes back before it is durable.
  replica_.BeginGroup();
  while (spoke_->Receive(&bytes)) session_.Receive(bytes, now);
  if (Status committed = replica_.CommitGroup(); !committed.ok()) {
    spdlog::error("event=sync_merge_failed error=\"{}\"", committed.ToString());
    session_.TakeOutbox();  // lost acks: HQ sends its batches again
  }
  if (session_.stats().rejected != rejected) {
    spdlog::warn("event=sync_rejected peer=hq error=\"{}\"", session_.stats().last_error);
  }
  EndAwaitingHqWhenBack();
  AnswerCalls();
  Flush();
  return Status::Ok();
}

void StoreSync::EndAwaitingHqWhenBack() {
  auto ended = EndAwaitingHqIfRestored(*engine_, replica_, session_);
  if (!ended.ok()) {
    spdlog::error("event=restore_end_failed error=\"{}\"", ended.status().ToString());
    return;
  }
  if (!*ended) return;
  auto head = replica_.Head();
  auto journal_head = replica_.LaneHead(keys::JournalLane(engine_->options().store_id));
  spdlog::info("event=restored_from_hq seq={} journal_seq={} action=taking_writes", head.ok() ? *head : 0,
               journal_head.ok() ? *journal_head : 0);
}

void StoreSync::AnswerCalls() {
  for (auto& message : session_.TakeCalls()) {
    const Call* call = std::get_if<Call>(&message);
    if (call == nullptr) continue;  // a store makes no calls, so expects no replies
    Status allowed = CheckCall(call->request);
    std::string reply = allowed.ok() ? engine_->ExecuteCall(call->request)
                                     : EncodeReply(allowed, nullptr);
    spdlog::debug("event=hq_call n={} allowed={}", call->number, allowed.ok());
    session_.SendCallReply(call->number, std::move(reply));
  }
}

void StoreSync::Tick() {
  int64_t now = engine_->clock()->ElapsedMillis();  // the session's timers
  bool up = spoke_->connected();
  if (spoke_->handshakes() != handshakes_seen_) {
    handshakes_seen_ = spoke_->handshakes();
    spdlog::info("event=sync_link_up hq={}", config_.hq_endpoint);
    session_.Start(now);
  } else if (up) {
    session_.Tick(now);
  }
  Flush();
}

void StoreSync::Flush() {
  for (const std::string& bytes : session_.TakeOutbox()) {
    // A message the link cannot take now is dropped: the session resends what is not
    // acknowledged once the link is back.
    if (!spoke_->Send(bytes).ok()) ++dropped_sends_;
  }
}

nlohmann::json StoreSync::Describe(int64_t now_ms) {
  const SessionStats& st = session_.stats();
  const std::string& self = engine_->options().store_id;
  auto head = replica_.Head();
  auto journal_head = replica_.LaneHead(keys::JournalLane(self));
  auto pending = replica_.Pending(st.peer_held);
  int64_t oldest = pending.ok() ? pending->first : 0;
  return nlohmann::json{
      {"hq", config_.hq_endpoint},
      {"link", spoke_->connected() ? "up" : "down"},
      {"hq_greeted", session_.greeted()},
      {"restoring", engine_->awaiting_hq()},
      {"link_error", spoke_->link_error()},
      {"head_seq", head.ok() ? *head : 0},
      {"acked_seq", st.peer_held.Get(self)},
      {"journal_head_seq", journal_head.ok() ? *journal_head : 0},
      {"journal_acked_seq", st.peer_held.Get(keys::JournalLane(self))},
      {"pending_components", pending.ok() ? pending->second : 0},
      {"oldest_unsynced_age_s", oldest > 0 ? std::max<int64_t>(0, now_ms - oldest) / 1000 : 0},  // a stamp: wall clock
      {"last_ack_ms", st.last_ack_ms},
      {"last_heard_ms", st.last_heard_ms},
      {"clock_skew_ms", st.clock_skew_ms},
      {"components_sent", st.components_sent},
      {"components_received", st.components_received},
      {"rejected", st.rejected},
      {"last_error", st.last_error},
      {"merge_commits", replica_.merge_counts().commits},
      {"batches_merged", replica_.merge_counts().batches},
  };
}

}  // namespace kura
