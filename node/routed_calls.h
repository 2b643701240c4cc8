// kura-hq: the holds stores make for online orders HQ routes to them (order_router.h), so
// that one HQ did not record as the order is cancelled even when the store's answer never
// reaches HQ (the link dropped at that moment) or comes after HQ stopped waiting.
//
// Such a hold carries the rid of HQ's call (HoldBody::routed) and reaches HQ by sync. When
// HQ decides the order (it records the store's hold, or decides without it, or refuses),
// it settles the call in the same write (SettleOrderCall, hq.order.place's follow-up).
// Whichever of that and the hold's arrival comes second finds the other's record, so a
// hold HQ did not record is cancelled, as HQ's own origin:
//
//   cf "local"  routed/<store>/<call rid>          RoutedCall: the hold that arrived before
//                                                   HQ settled its call, or a call HQ
//                                                   settled without the store's hold
//               routed_cancel/<store>/<hold id>    empty: a hold that arrived after HQ
//                                                   settled its call without it; cancelled
//                                                   by the next `hq.orders.release`
//
// Both are dropped once used, and a record nothing came to use after `drop_after_ms`. The
// settling write (the order's) and the arrival (a sync merge) are separate commit groups
// on HQ's loop thread; each sees the other's record because kura-hq commits a merge group
// before it handles the call replies that came with it (hq_sync.cc). What this leaves
// uncovered is listed in schema/PROTOCOL.md 2.4. Not thread-safe (one commit group).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kura/schema/api.h"
#include "kura/sync/hold_cell.h"
#include "op_context.h"

namespace kura {

// "hq:<kind>:" + 16 hex digits of the FNV-1a of `salt` and `key`: the rid of an HQ call
// that is the same for a retry of one client request and different for another.
std::string HashedCallRid(std::string_view kind, std::string_view salt, std::string_view key);
// The rid of the call that routes a client's order: "hq:o:" + rid, or "hq:oh:" + a hash of
// a rid too long for the 64-byte limit (the same for a retry, on any HQ build).
std::string OrderCallRid(std::string_view client_rid);

// The store's hold.create for client order `order` (an hq.order.place) that HQ routes to
// it: the same order under OrderCallRid, without what only HQ uses.
ApiRequest OrderStoreCall(const ApiRequest& order);

// hq.order.place's follow-up (OpSpec::follow_up): settles the call that routed order
// ctx.rid (args.store) to its store, given what HQ answered (`result`) and what the store
// did (ctx.routed; null when HQ decided without routing this time, as for a retry after
// HQ restarted while waiting, or after the store answered io_error).
Status SettleOrderCall(OpContext& ctx, const nlohmann::json& args, const Result<nlohmann::json>& result);

// From HQ's merge (HqObserver), when `hold` first reaches HQ.
Status NoteArrivedHold(Txn& txn, const HoldCell& hold);

// Whether the store's hold for call `call_rid` has reached HQ before HQ settled the call
// (it is noted above, waiting for the settle).
Result<bool> HoldNotedForCall(Txn& txn, std::string_view store, std::string_view call_rid);

// Whether holds wait in the queue above for the next `hq.orders.release`.
Result<bool> ReleasesQueued(Txn& txn);

// `hq.orders.release`: cancels the holds queued above, and drops the records past their
// time. Returns {"released": n}.
Result<nlohmann::json> OpHqOrdersRelease(OpContext& ctx, const nlohmann::json& args);

}  // namespace kura
