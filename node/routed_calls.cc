#include "routed_calls.h"

#include <cstdio>
#include <vector>

#include <spdlog/spdlog.h>

#include "holds.h"
#include "hq_orders.h"
#include "kura/schema/api.h"
#include "kura/schema/codec.h"
#include "kura/schema/ids.h"

namespace kura {
namespace {

constexpr std::string_view kCallPrefix = "routed/", kCancelPrefix = "routed_cancel/";
// An arrived hold's record outlives the hold's expiry by this much, in case of clock skew.
constexpr int64_t kArrivedKeptAfterExpiryMs = 24LL * 3600 * 1000;

std::string CallKey(std::string_view store, std::string_view call_rid) {
  return std::string(kCallPrefix) + std::string(store) + "/" + std::string(call_rid);
}
std::string CancelKey(std::string_view store, std::string_view hold_id) {
  return std::string(kCancelPrefix) + std::string(store) + "/" + std::string(hold_id);
}

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

}  // namespace

std::string HashedCallRid(std::string_view kind, std::string_view salt, std::string_view key) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a64(key, Fnv1a64(salt))));
  return "hq:" + std::string(kind) + ":" + hex;
}

std::string OrderCallRid(std::string_view client_rid) {
  return client_rid.size() <= 59 ? "hq:o:" + std::string(client_rid) : HashedCallRid("o#", "", client_rid);
}

Status SettleRoutedCall(OpContext& ctx, std::string_view store, std::string_view call_rid, bool recorded) {
  std::string key = CallKey(store, call_rid);
  KURA_ASSIGN_OR_RETURN(auto call, ctx.txn.Read<RoutedCall>(Cf::kLocal, key));
  if (!call) {
    // The hold, if the store made one, has not arrived: it is cancelled when it does.
    if (!recorded) {
      ctx.txn.Write(Cf::kLocal, key, RoutedCall{"", ctx.now_ms + ctx.options.request_retention_ms});
    }
    return Status::Ok();
  }
  ctx.txn.Delete(Cf::kLocal, key);
  if (recorded || call->hold.empty()) return Status::Ok();
  return CancelIfActive(ctx, store, call->hold).status();
}

AfterRequest SettleAfterDecision(const std::string& store, const std::string& call_rid,
                                 const RoutedDecision& decision) {
  return [&store, &call_rid, &decision](OpContext& ctx, std::string_view reply) {
    std::string store_hold = decision.answered ? HoldIdOfReply(decision.reply) : "";
    // A refusal the store gave made no hold; an answer HQ could not read may have.
    bool refused = decision.answered && store_hold.empty() &&
                   decision.reply.status().code() != Status::Code::kBadRequest;
    if (refused) return Status::Ok();
    bool recorded = !store_hold.empty() && HoldIdOfReply(DecodeReply(reply)) == store_hold;
    return SettleRoutedCall(ctx, store, call_rid, recorded);
  };
}

Status SettleUnroutedOrder(OpContext& ctx, std::string_view store) {
  std::string key = CallKey(store, OrderCallRid(ctx.rid));
  KURA_ASSIGN_OR_RETURN(auto call, ctx.txn.Read<RoutedCall>(Cf::kLocal, key));
  if (!call || call->hold.empty()) return Status::Ok();  // never routed, or settled already
  ctx.txn.Delete(Cf::kLocal, key);
  return CancelIfActive(ctx, store, call->hold).status();
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
  KURA_ASSIGN_OR_RETURN(auto call, txn.Read<RoutedCall>(Cf::kLocal, key));
  if (call && call->hold.empty()) {  // settled without it
    txn.Delete(Cf::kLocal, key);
    if (IsActive(hold.State())) txn.Put(Cf::kLocal, CancelKey(body.store, body.id), "");
    return Status::Ok();
  }
  if (!call && IsActive(hold.State())) {
    txn.Write(Cf::kLocal, key, RoutedCall{body.id, body.expires_ms + kArrivedKeptAfterExpiryMs});
  }
  return Status::Ok();
}

Result<nlohmann::json> OpHqOrdersRelease(OpContext& ctx, const nlohmann::json&) {
  std::vector<std::string> due;
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kLocal, kCancelPrefix, [&](std::string_view key, std::string_view) {
    due.emplace_back(key);
    return true;
  }));
  int64_t released = 0;
  for (const std::string& key : due) {
    ctx.txn.Delete(Cf::kLocal, key);
    std::string_view rest = std::string_view(key).substr(kCancelPrefix.size());
    std::size_t slash = rest.find('/');
    Result<bool> cancelled = slash == std::string_view::npos
                                 ? Status::Corruption("malformed key")
                                 : CancelIfActive(ctx, rest.substr(0, slash), rest.substr(slash + 1));
    // One entry that cannot be read must not hold up the others, run after run.
    if (!cancelled.ok()) {
      spdlog::error("event=routed_hold_release_failed key={} error=\"{}\"", key, cancelled.status().ToString());
    }
    released += cancelled.ok() && *cancelled ? 1 : 0;
  }
  std::vector<std::string> stale;
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kLocal, kCallPrefix, [&](std::string_view key, std::string_view value) {
    RoutedCall call;
    if (!Decode(value, &call).ok() || call.drop_after_ms < ctx.now_ms) stale.emplace_back(key);
    return true;
  }));
  for (const std::string& key : stale) ctx.txn.Delete(Cf::kLocal, key);
  return nlohmann::json{{"released", released}};
}

}  // namespace kura
