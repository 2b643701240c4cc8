#include "routed_calls.h"

#include <cstdio>
#include <optional>
#include <vector>

#include <msgpack.hpp>
#include <spdlog/spdlog.h>

#include "holds.h"
#include "hq_orders.h"
#include "kura/schema/codec.h"
#include "kura/schema/ids.h"
#include "kura/schema/msgpack_map.h"

namespace kura {
namespace {

using nlohmann::json;

constexpr std::string_view kCallPrefix = "routed/", kCancelPrefix = "routed_cancel/";
// An arrived hold's record outlives the hold's expiry by this much, in case of clock skew.
constexpr int64_t kArrivedKeptAfterExpiryMs = 24LL * 3600 * 1000;

struct RoutedCall {
  std::string hold;  // the store's hold that arrived first; empty: settled without it
  int64_t drop_after_ms = 0;  // wall clock: no use keeping it after this
  KURA_MSGPACK_MAP(hold, drop_after_ms);
};

std::string CallKey(std::string_view store, std::string_view call_rid) {
  return std::string(kCallPrefix) + std::string(store) + "/" + std::string(call_rid);
}
std::string CancelKey(std::string_view store, std::string_view hold_id) {
  return std::string(kCancelPrefix) + std::string(store) + "/" + std::string(hold_id);
}

// The record under `key`; one that does not decode is logged and read as absent, so it
// cannot stop a store's merges (the release job drops it).
Result<std::optional<RoutedCall>> ReadCall(Txn& txn, const std::string& key) {
  auto call = txn.Read<RoutedCall>(Cf::kLocal, key);
  if (call.status().code() != Status::Code::kCorruption) return call;
  spdlog::error("event=routed_record_unreadable key={} error=\"{}\"", key, call.status().ToString());
  return std::optional<RoutedCall>();
}

// The id of the hold in a decoded reply, or "" when it is a refusal or not a hold.
std::string HoldIdOfReply(const Result<json>& reply) { return reply.ok() ? HoldIdOfAnswer(reply.value()) : ""; }

Result<bool> RecordedAsOrder(Txn& txn, std::string_view hold_id) {
  Result<std::string> store = StoreOfOrder(txn, hold_id);
  if (store.status().code() == Status::Code::kNotFound) return false;
  KURA_RETURN_IF_ERROR(store.status());
  return true;
}

// Cancels the store's hold `hold_id` as HQ if it is here, still active and not an order
// HQ recorded (a client's rid used again after HQ forgot it); whether it did.
Result<bool> CancelIfActive(OpContext& ctx, std::string_view store, std::string_view hold_id) {
  auto cell = ReadHoldAt(ctx.txn, store, hold_id);
  if (cell.status().code() == Status::Code::kNotFound) return false;
  KURA_RETURN_IF_ERROR(cell.status());
  if (!IsActive(cell->State())) return false;
  KURA_ASSIGN_OR_RETURN(bool recorded, RecordedAsOrder(ctx.txn, hold_id));
  if (recorded) return false;
  spdlog::warn("event=routed_hold_released store={} hold={}", store, hold_id);
  KURA_RETURN_IF_ERROR(CancelHoldAsHq(ctx, *cell));
  return true;
}

// Settles call `call_rid` to `store`: HQ recorded the store's hold `recorded_hold` as the
// order (empty: none). Any other hold of the call that has arrived is cancelled now; if
// none has, and `routed` (HQ called the store for this decision), one arriving within
// HQ's request retention is cancelled then (after it, the rid may be used again).
Status SettleCall(OpContext& ctx, std::string_view store, std::string_view call_rid,
                  std::string_view recorded_hold, bool routed) {
  std::string key = CallKey(store, call_rid);
  KURA_ASSIGN_OR_RETURN(auto call, ReadCall(ctx.txn, key));
  if (!call) {
    if (routed && recorded_hold.empty()) {
      ctx.txn.Write(Cf::kLocal, key, RoutedCall{"", ctx.now_ms + ctx.options.request_retention_ms});
    }
    return Status::Ok();
  }
  if (call->hold.empty()) {  // settled before without it: still waiting for it
    if (!recorded_hold.empty()) ctx.txn.Delete(Cf::kLocal, key);
    return Status::Ok();
  }
  ctx.txn.Delete(Cf::kLocal, key);
  if (call->hold == recorded_hold) return Status::Ok();
  return CancelIfActive(ctx, store, call->hold).status();
}

}  // namespace

std::string HashedCallRid(std::string_view kind, std::string_view salt, std::string_view key) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a64(key, Fnv1a64(salt))));
  return "hq:" + std::string(kind) + ":" + hex;
}

std::string OrderCallRid(std::string_view client_rid) {
  return client_rid.size() <= 59 ? "hq:o:" + std::string(client_rid) : HashedCallRid("oh", "", client_rid);
}

ApiRequest OrderStoreCall(const ApiRequest& order) {
  json args = order.args;
  args.erase("store");
  args.erase("near");
  return ApiRequest{"hold.create", OrderCallRid(order.rid), std::move(args)};
}

Status SettleOrderCall(OpContext& ctx, const json& args, const Result<json>& result) {
  auto store = args.find("store");
  if (store == args.end() || !store->is_string() || !ValidateStoreId(store->get<std::string>()).ok()) {
    return Status::Ok();  // refused as such: never routed
  }
  std::string call_rid = OrderCallRid(ctx.rid);
  if (ctx.routed == nullptr) return SettleCall(ctx, store->get<std::string>(), call_rid, "", false);
  const Result<json>& answer = ctx.routed->reply;
  // A refusal the store gave made no hold; an answer HQ could not read may have.
  if (ctx.routed->answered && !answer.ok() && answer.status().code() != Status::Code::kBadRequest) {
    return Status::Ok();
  }
  std::string store_hold = ctx.routed->answered ? HoldIdOfReply(answer) : "";
  std::string recorded = !store_hold.empty() && HoldIdOfReply(result) == store_hold ? store_hold : "";
  return SettleCall(ctx, store->get<std::string>(), call_rid, recorded, true);
}

Status NoteArrivedHold(Txn& txn, const HoldCell& hold) {
  const HoldBody& body = hold.body;
  // Only a store's own holds carry its call's rid (a store writes no other holds).
  if (body.routed.empty() || body.routed.size() > kMaxRequestIdLen || body.issuer != body.store) {
    return Status::Ok();
  }
  KURA_ASSIGN_OR_RETURN(bool recorded, RecordedAsOrder(txn, body.id));
  if (recorded) return Status::Ok();
  std::string key = CallKey(body.store, body.routed);
  KURA_ASSIGN_OR_RETURN(auto call, ReadCall(txn, key));
  if (call && call->hold.empty()) {  // settled without it
    txn.Delete(Cf::kLocal, key);
    if (IsActive(hold.State())) txn.Put(Cf::kLocal, CancelKey(body.store, body.id), "");
    return Status::Ok();
  }
  // Noted for the settling write; a second hold of one call (its rid used again after the
  // store forgot it) leaves the first's record as it is.
  if (!call && IsActive(hold.State())) {
    txn.Write(Cf::kLocal, key, RoutedCall{body.id, body.expires_ms + kArrivedKeptAfterExpiryMs});
  }
  return Status::Ok();
}

Result<bool> HoldNotedForCall(Txn& txn, std::string_view store, std::string_view call_rid) {
  KURA_ASSIGN_OR_RETURN(auto call, ReadCall(txn, CallKey(store, call_rid)));
  return call && !call->hold.empty();
}

Result<bool> ReleasesQueued(Txn& txn) {
  bool queued = false;
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kLocal, kCancelPrefix, [&](std::string_view, std::string_view) {
    queued = true;
    return false;
  }));
  return queued;
}

Result<json> OpHqOrdersRelease(OpContext& ctx, const json&) {
  std::vector<std::string> due;
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kLocal, kCancelPrefix, [&](std::string_view key, std::string_view) {
    due.emplace_back(key);
    return true;
  }));
  int64_t released = 0;
  for (const std::string& key : due) {
    std::string_view rest = std::string_view(key).substr(kCancelPrefix.size());
    std::size_t slash = rest.find('/');
    ctx.txn.SetSavePoint();  // a cancel half written is undone
    Result<bool> cancelled = slash == std::string_view::npos
                                 ? Status::Corruption("malformed key")
                                 : CancelIfActive(ctx, rest.substr(0, slash), rest.substr(slash + 1));
    if (cancelled.ok()) {
      ctx.txn.PopSavePoint();
      ctx.txn.Delete(Cf::kLocal, key);
      released += *cancelled ? 1 : 0;
      continue;
    }
    ctx.txn.RollbackToSavePoint();
    spdlog::error("event=routed_hold_release_failed key={} error=\"{}\"", key, cancelled.status().ToString());
    // A passing failure is tried again next run; an entry that can never be done is
    // dropped, so it does not hold up the others run after run.
    Status::Code code = cancelled.status().code();
    if (code != Status::Code::kIOError && code != Status::Code::kBusy) ctx.txn.Delete(Cf::kLocal, key);
  }
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kLocal, kCallPrefix, [&](std::string_view key, std::string_view value) {
    RoutedCall call;
    if (!Decode(value, &call).ok() || call.drop_after_ms < ctx.now_ms) ctx.txn.Delete(Cf::kLocal, key);
    return true;
  }));
  return json{{"released", released}};
}

}  // namespace kura
