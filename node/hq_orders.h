// HQ's order API for the online shop and phone app (schema/PROTOCOL.md 1.7): availability
// of a SKU by store, nearest first; placing a pickup or try-on order for a store from HQ's
// promise rights (node/escrow.h), so orders keep flowing while the store is offline and
// are never promised beyond what the store allotted; cancel; status.
//
// An order for a store HQ can reach is decided by the store (node/order_router.h): its
// hold (id "<store>.<n>"), signed by the store's ticket key, which HQ records. One HQ
// decides from its allotment is a hold made by HQ (id "hq.<n>") under the store's key,
// signed by HQ's ticket key; the store learns of it on sync and queues its pick slip.
// Not thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "kura/sync/hold_cell.h"
#include "op_context.h"

namespace kura {

Result<nlohmann::json> OpHqAvailability(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHqOrderPlace(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHqOrderCancel(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHqOrderStatus(OpContext& ctx, const nlohmann::json& args);
// The pickup ticket of an active order HQ decided (issuer hq), signed again: the same code
// as hq.order.place gave, for a customer who lost it. A store's own tickets come from the
// store (hold.ticket).
Result<nlohmann::json> OpHqOrderTicket(OpContext& ctx, const nlohmann::json& args);
// The `id` of a hold in a store's answer, or "" when the answer is not a hold (it came
// from a peer: never throws).
std::string HoldIdOfAnswer(const nlohmann::json& hold);
// A store's refusal of a routed request, as HQ passes it on: same code, message
// prefixed "store <id>: ".
Status StoreRefusal(std::string_view store, const Status& refusal);
// Cancels a hold HQ holds (its own, or a store's) as HQ's origin, keeping HQ's stock index
// in step; the cancel reaches the hold's store on sync.
Status CancelHoldAsHq(OpContext& ctx, HoldCell& cell);
// The store an order HQ placed (or routed) is for; NotFound for an id HQ did not place.
Result<std::string> StoreOfOrder(Txn& txn, std::string_view hold_id);
// Gives stores back HQ's rights above their policy's target (run every few seconds).
Result<nlohmann::json> OpHqEscrowReturn(OpContext& ctx, const nlohmann::json& args);

}  // namespace kura
