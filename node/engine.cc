#include "engine.h"

#include <spdlog/spdlog.h>

#include "cell_replica.h"
#include "format_upgrade.h"
#include "holds.h"
#include "kura/schema/api.h"
#include "kura/schema/codec.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "ops.h"
#include "system_clock.h"
#include "tickets.h"

namespace kura {
namespace {

// Idempotency record (cf requests): u64be written-at ms, u64be fingerprint, reply bytes.
constexpr std::size_t kRecordHeader = 16;

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  KURA_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Open(options, StoreOps()));
  return std::unique_ptr<Store>(std::move(engine));
}

Result<std::unique_ptr<Engine>> Engine::Open(const StoreOptions& options,
                                             std::span<const OpSpec> ops) {
  if (options.store_id != kHqOrigin) KURA_RETURN_IF_ERROR(ValidateStoreId(options.store_id));
  if (options.data_dir.empty()) return Status::InvalidArgument("data dir is required");
  KURA_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(options.data_dir, options.env, options.cache_mb));
  db->SetObserver(options.storage_observer);
  Clock* clock = options.clock != nullptr ? options.clock : SystemClock::Get();
  auto engine = std::make_unique<Engine>(options, std::move(db), clock, ops);
  KURA_RETURN_IF_ERROR(engine->Init());
  return engine;
}

Engine::Engine(const StoreOptions& options, std::unique_ptr<Db> db, Clock* clock,
               std::span<const OpSpec> ops)
    : options_(options), db_(std::move(db)), clock_(clock), hlc_(clock), ops_(ops), txn_(db_.get()),
      run_clock_at_start_ms_(clock->NowMillis()),
      elapsed_at_start_ms_(clock->ElapsedMillis()) {}

Status Engine::Init() {
  KURA_ASSIGN_OR_RETURN(auto format, txn_.Read<uint64_t>(Cf::kMeta, keys::kMetaFormat));
  if (!format) {
    txn_.Write(Cf::kMeta, keys::kMetaFormat, keys::kFormatVersion);
    txn_.Write(Cf::kMeta, keys::kMetaStoreId, options_.store_id);
    if (options_.await_hq_when_new) txn_.Write(Cf::kMeta, keys::kMetaAwaitingHq, uint64_t{1});
    awaiting_hq_ = options_.await_hq_when_new;
    return txn_.Commit();
  }
  if (!CanOpenFormat(*format)) {
    return Status::Unsupported("data format " + std::to_string(*format) + " is not supported");
  }
  KURA_ASSIGN_OR_RETURN(auto owner, txn_.Read<std::string>(Cf::kMeta, keys::kMetaStoreId));
  if (owner.value_or("") != options_.store_id) {
    return Status::InvalidArgument("data directory belongs to store " + owner.value_or("?") +
                                   ", not " + options_.store_id);
  }
  KURA_ASSIGN_OR_RETURN(auto awaiting, txn_.Read<uint64_t>(Cf::kMeta, keys::kMetaAwaitingHq));
  awaiting_hq_ = awaiting.has_value() && options_.await_hq_when_new;
  if (awaiting && !awaiting_hq_) {
    // Without HQ the wait could never end, and --offline-first-start asks to end it: the
    // operator's call.
    spdlog::warn("event=restore_abandoned store={} note=\"taking writes without HQ's copy of this store's data: "
                 "if HQ holds any, what is written before it comes back is lost under it\"",
                 options_.store_id);
    txn_.Delete(Cf::kMeta, keys::kMetaAwaitingHq);
    KURA_RETURN_IF_ERROR(txn_.Commit());
  }
  KURA_RETURN_IF_ERROR(RestoreRunClock());
  if (*format == keys::kFormatVersion) return Status::Ok();
  return UpgradeFormat(txn_, options_.store_id, *format);
}

Status Engine::RestoreRunClock() {
  KURA_ASSIGN_OR_RETURN(auto recorded, txn_.Read<int64_t>(Cf::kMeta, keys::kMetaRunClock));
  if (recorded) {
    run_clock_at_start_ms_ = run_clock_recorded_ms_ = *recorded;
    return Status::Ok();
  }
  // A directory of an earlier build, its ids stamped by the wall clock: go on from the
  // newest of them if the wall clock reads earlier (a dead clock battery), so none is kept
  // for years; read once, as the clock is recorded straight away.
  Status s = txn_.Scan(Cf::kRequests, "", [&](std::string_view, std::string_view value) {
    if (value.size() >= 8) {
      run_clock_at_start_ms_ = std::max(run_clock_at_start_ms_, static_cast<int64_t>(GetBigEndian64(value)));
    }
    return true;
  });
  KURA_RETURN_IF_ERROR(s);
  RecordRunClock(run_clock_at_start_ms_);
  return txn_.Commit();
}

void Engine::RecordRunClock(int64_t now_ms) {
  txn_.Write(Cf::kMeta, keys::kMetaRunClock, now_ms);
  run_clock_recorded_ms_ = now_ms;
}

std::string Engine::ExecuteOne(OpContext& ctx, std::string_view bytes) {
  auto request = DecodeRequest(bytes);
  if (!request.ok()) return EncodeReply(request.status(), nullptr);
  const OpSpec* op = FindOp(ops_, request->op);
  if (op == nullptr) return EncodeReply(Status::UnknownOp("unknown op " + request->op), nullptr);

  if (op->mutating) {
    // Refused before the handler runs, so that no answer is kept under the rid: one given
    // without the store's data (an unknown SKU, say) would be wrong once it is back.
    if (awaiting_hq_) return EncodeReply(AwaitingHqRefusal(), nullptr);
    if (request->rid.empty()) {
      return EncodeReply(Status::InvalidArgument("rid: required for " + request->op), nullptr);
    }
    // A retry gets the first answer, whether that was a success or a refusal.
    std::string first;
    Status seen = txn_.Get(Cf::kRequests, request->rid, &first);
    if (seen.ok() && first.size() >= kRecordHeader) {
      if (GetBigEndian64(std::string_view(first).substr(8)) != RequestFingerprint(*request)) {
        return EncodeReply(Status::InvalidArgument("rid: already used for a different request"), nullptr);
      }
      return first.substr(kRecordHeader);
    }
    if (!seen.ok() && seen.code() != Status::Code::kNotFound) return EncodeReply(seen, nullptr);
  }

  ctx.rid = request->rid;
  txn_.SetSavePoint();  // the request's, around the handler and its follow-up
  txn_.SetSavePoint();
  Result<nlohmann::json> result = op->handler(ctx, request->args);
  if (!result.ok()) txn_.RollbackToSavePoint(); else txn_.PopSavePoint();
  Status followed = op->follow_up != nullptr ? op->follow_up(ctx, request->args, result) : Status::Ok();
  ctx.rid = {};  // it points into this request
  // An op that writes without a rid (escrow.grant, journal.compact): refused as a mutating one.
  if (followed.ok() && awaiting_hq_ && txn_.WroteSinceSavePoint()) followed = AwaitingHqRefusal();
  if (!followed.ok()) {
    // Nothing of the request is written, its rid included: a retry runs afresh.
    txn_.RollbackToSavePoint();
    return EncodeReply(followed, nullptr);
  }
  txn_.PopSavePoint();
  // Storage that did not answer a read (io_error, busy) says nothing about the request:
  // that answer is not kept for its rid, so a retry runs afresh once storage answers.
  const bool storage_failed = !result.ok() && (result.status().code() == Status::Code::kIOError ||
                                               result.status().code() == Status::Code::kBusy);
  std::string reply = result.ok() ? EncodeReply(Status::Ok(), std::move(*result))
                                  : EncodeReply(result.status(), nullptr);
  if (op->mutating && !storage_failed) {
    std::string record;
    const int64_t written = RunClockMillis();
    PutBigEndian64(&record, static_cast<uint64_t>(written));
    PutBigEndian64(&record, RequestFingerprint(*request));
    record += reply;
    txn_.Put(Cf::kRequests, request->rid, record);
    oldest_request_ms_ = std::min(oldest_request_ms_, written);  // when none was kept
    prune_pass_oldest_ms_ = std::min(prune_pass_oldest_ms_, written);  // maybe behind the pass
    // With the request, at most once a minute: a crash forgets at most that much of it.
    if (written - run_clock_recorded_ms_ >= kRecordRunClockEveryMs) RecordRunClock(written);
  }
  return reply;
}

std::vector<std::string> Engine::ExecuteGroup(const std::vector<std::string_view>& requests) {
  OpContext ctx = Context();
  return ExecuteInGroup(ctx, requests);
}

std::string Engine::ExecuteRouted(std::string_view request, const RoutedDecision& decision) {
  OpContext ctx = Context();
  ctx.routed = &decision;
  return ExecuteInGroup(ctx, {request})[0];
}

std::string Engine::ExecuteCall(std::string_view request) {
  OpContext ctx = Context();
  ctx.from_hq_call = true;
  return ExecuteInGroup(ctx, {request})[0];
}

std::vector<std::string> Engine::ExecuteInGroup(OpContext& ctx, const std::vector<std::string_view>& requests) {
  std::vector<std::string> replies;
  replies.reserve(requests.size());
  for (std::string_view request : requests) replies.push_back(ExecuteOne(ctx, request));
  Status s = txn_.Commit();
  if (!s.ok()) {
    // Every reply in the group may rest on its writes: a request's own, or an earlier
    // one's that a read or a retry of the same rid saw before they were durable.
    txn_.Clear();
    for (std::string& reply : replies) reply = EncodeReply(s, nullptr);
  }
  return replies;
}

bool Engine::Answered(std::string_view rid) {
  std::string first;
  return txn_.Get(Cf::kRequests, rid, &first).ok();
}

Status Engine::AwaitingHqRefusal() {
  return Status::Busy("waiting for HQ to send back this store's data (its data directory is new): no writes "
                      "until then; retry later (kuractl sync status says restoring meanwhile)");
}

Status Engine::EndAwaitingHq() {
  txn_.Delete(Cf::kMeta, keys::kMetaAwaitingHq);
  KURA_RETURN_IF_ERROR(txn_.Commit());
  awaiting_hq_ = false;
  return Status::Ok();
}

Status Engine::PublishSigningKey() {
  OpContext ctx = Context();
  if (Status s = kura::PublishSigningKey(ctx); !s.ok()) {
    txn_.Clear();
    return s;
  }
  return txn_.Commit();
}

Result<int> Engine::ExpireDueHolds() {
  if (awaiting_hq_) return 0;  // an expiry is a write; the holds HQ sends back expire after
  OpContext ctx = Context();
  Result<int> expired = kura::ExpireDueHolds(ctx);
  if (!expired.ok()) {
    txn_.Clear();
    return expired;
  }
  KURA_RETURN_IF_ERROR(txn_.Commit());
  return expired;
}

Result<Store::PruneStep> Engine::PruneRequestIds() {
  const int64_t now = RunClockMillis(), cutoff = now - options_.request_retention_ms;
  bool starting = prune_resume_key_.empty();
  if (starting) RecordRunClock(now);  // an idle daemon's time counts too
  // Nothing kept is old enough: no need to read them.
  if (starting && cutoff <= oldest_request_ms_) {
    KURA_RETURN_IF_ERROR(txn_.Commit());
    return PruneStep{};
  }
  if (starting) prune_pass_oldest_ms_ = std::numeric_limits<int64_t>::max();
  PruneStep step;
  const int most = std::max(1, options_.prune_step_ids);
  int read = 0;
  std::string next_key;  // where the following step starts; empty: the pass is over
  Status s = txn_.Scan(Cf::kRequests, "", [&](std::string_view key, std::string_view value) {
    if (read == most) {
      next_key = key;
      return false;
    }
    ++read;
    if (value.size() < 8) return true;
    auto written = static_cast<int64_t>(GetBigEndian64(value));
    if (written < cutoff) {
      txn_.Delete(Cf::kRequests, key);
      ++step.pruned;
    } else {
      prune_pass_oldest_ms_ = std::min(prune_pass_oldest_ms_, written);
    }
    return true;
  }, prune_resume_key_);
  if (!s.ok()) {
    txn_.Clear();
    return s;
  }
  KURA_RETURN_IF_ERROR(txn_.Commit());
  prune_resume_key_ = std::move(next_key);
  step.done = prune_resume_key_.empty();
  if (step.done) oldest_request_ms_ = prune_pass_oldest_ms_;
  return step;
}

}  // namespace kura
