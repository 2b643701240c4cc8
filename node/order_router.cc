#include "order_router.h"

#include <spdlog/spdlog.h>

#include "directory.h"
#include "holds.h"
#include "hq_orders.h"
#include "kura/schema/api.h"
#include "kura/schema/ids.h"
#include "routed_calls.h"

namespace kura {

using nlohmann::json;

OrderRouter::OrderRouter(Engine* engine, HqSync* sync, int64_t timeout_ms)
    : engine_(engine), sync_(sync), timeout_ms_(timeout_ms),
      // Call numbers from the wall clock: a late reply to a call made before a restart
      // does not match a new one.
      next_call_(static_cast<uint64_t>(engine->clock()->NowMillis()) * 1000) {
  sync_->OnCallReply([this](const std::string& store, const CallReply& reply) { OnCallReply(store, reply); });
}

bool OrderRouter::Routable(const std::string& store) {
  // A store getting its data back from HQ would refuse the order busy: HQ's allotment
  // for it serves the customer meanwhile, as for a store that is offline.
  if (!sync_->ReadyForCalls(store)) return false;
  Txn txn(engine_->db());
  auto entry = LoadDirectoryEntry(txn, store);
  return entry.ok() && CanHandOver(*entry);
}

std::optional<OrderRouter::StoreCall> OrderRouter::StoreCallFor(const ApiRequest& request) {
  const json& args = request.args;
  if (request.op == "hq.order.place") {
    auto store = args.find("store");
    auto kind = args.find("kind");
    if (store == args.end() || !store->is_string() ||
        !ValidateStoreId(store->get<std::string>()).ok() || kind == args.end() ||
        (*kind != "pickup" && *kind != "tryon") || !NearArg(args).ok()) {
      return std::nullopt;  // the op itself explains what is wrong
    }
    if (!Routable(*store)) return std::nullopt;
    return StoreCall{*store, EncodeRequest(OrderStoreCall(request))};
  }
  if (request.op == "hq.order.cancel") {
    // An order its store decided, whose hold has not reached HQ: only the store can cancel it.
    auto id = args.find("id");
    if (id == args.end() || !id->is_string() || !ValidateHoldId(id->get<std::string>()).ok()) return std::nullopt;
    Txn txn(engine_->db());
    auto store = StoreOfOrder(txn, id->get<std::string>());
    if (!store.ok() || *store == kHqOrigin || ReadHoldAt(txn, *store, id->get<std::string>()).ok() ||
        !sync_->ReadyForCalls(*store)) {
      return std::nullopt;
    }
    // Keyed by the client's rid: its retry is answered as before, another cancel anew.
    ApiRequest cancel{"hold.cancel", HashedCallRid("x", request.rid, id->get<std::string>()), json{{"id", *id}}};
    return StoreCall{*store, EncodeRequest(cancel)};
  }
  return std::nullopt;
}

bool OrderRouter::Route(std::string_view bytes, Reply reply) {
  auto request = DecodeRequest(bytes);
  if (!request.ok() || request->rid.empty() || engine_->Answered(request->rid)) return false;
  if (request->op != "hq.order.place" && request->op != "hq.order.cancel") return false;
  for (auto& [number, pending] : pending_) {
    if (pending.rid != request->rid) continue;
    if (pending.fingerprint != RequestFingerprint(*request)) {  // the same request as the Engine judges it (1.2)
      reply(EncodeReply(Status::InvalidArgument("rid: already used for a different request"), nullptr));
    } else {
      pending.replies.push_back(std::move(reply));  // a retry while the store decides
    }
    return true;
  }
  std::optional<StoreCall> call = StoreCallFor(*request);
  if (!call) return false;
  uint64_t number = next_call_++;
  if (!sync_->SendCall(call->store, number, std::move(call->request))) return false;
  spdlog::debug("event=order_routed op={} store={} call={}", request->op, call->store, number);
  // Timed by the clock that never jumps: a wall clock set back must not keep the client waiting.
  int64_t deadline = engine_->clock()->ElapsedMillis() + timeout_ms_;
  pending_[number] = Pending{call->store,          request->rid, std::string(bytes), RequestFingerprint(*request),
                             request->op == "hq.order.cancel", {std::move(reply)}, deadline};
  return true;
}

void OrderRouter::OnCallReply(const std::string& store, const CallReply& reply) {
  auto it = pending_.find(reply.number);
  // A late answer, or not a call of ours to this store. A late answer's hold, if any, is
  // released when it arrives by sync if HQ settled the call without it; after an HQ
  // restart nothing was settled, and it stays until it expires or the client's retry
  // settles it (PROTOCOL.md 2.4).
  if (it == pending_.end() || it->second.store != store) return;
  // The store's answer is untrusted input: bounded as a request is, and anything HQ cannot
  // decode is bad_request (2.4 step 4).
  Finish(reply.number, RoutedDecision{true, DecodeUntrustedReply(reply.reply)});
}

void OrderRouter::Finish(uint64_t number, const RoutedDecision& decision) {
  Pending pending = std::move(pending_.at(number));
  pending_.erase(number);
  if (decision.answered && decision.reply.status().code() == Status::Code::kIOError) {
    // The store's write failed (it stops for a restart, and its hold may yet take effect):
    // HQ records no answer, so the client's retry is routed again, or decided by HQ, and
    // settles the call then (routed_calls.h).
    std::string reply = EncodeReply(StoreRefusal(pending.store, decision.reply.status()), nullptr);
    for (const Reply& r : pending.replies) r(reply);
    return;
  }
  if (!decision.answered && pending.cancel) {
    // The store may have cancelled the hold or not, and HQ cannot cancel it for the store
    // (it does not have it): nothing is recorded, so the client's retry is routed again
    // and answered as the store first answered it, or decided once the hold reaches HQ.
    std::string reply = EncodeReply(
        Status::Busy("store " + pending.store + " did not answer the cancel in time: retry with the same rid"), nullptr);
    for (const Reply& r : pending.replies) r(reply);
    return;
  }
  // An order's hold at the store that HQ does not record is released (hq.order.place's
  // follow-up, routed_calls.h).
  std::string reply = engine_->ExecuteRouted(pending.request, decision);
  for (const Reply& r : pending.replies) r(reply);
}

void OrderRouter::Tick() {
  int64_t now = engine_->clock()->ElapsedMillis();
  std::vector<uint64_t> due;
  for (const auto& [number, pending] : pending_) {
    if (now >= pending.deadline_ms) due.push_back(number);
  }
  for (uint64_t number : due) {
    spdlog::warn("event=routed_order_timeout store={} call={}", pending_.at(number).store, number);
    Finish(number, RoutedDecision{});
  }
}

}  // namespace kura
