// kura-hq: the holds stores make for online orders HQ routes to them (order_router.h), so
// that one HQ did not record as the order is cancelled even when the store's answer never
// reaches HQ (the link dropped at that moment) or comes after HQ stopped waiting.
//
// Such a hold carries the rid of HQ's call (HoldBody::routed) and reaches HQ by sync. HQ
// settles each call once it decides the order (it recorded the store's hold, or decided
// without it), in the same write as the order. Whichever of the two comes second finds the
// other's record, so a hold HQ did not record is cancelled, as HQ's own origin:
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
// before it handles the call replies that came with it (hq_sync.cc). A call HQ did not
// settle (it restarted while waiting, or the store answered io_error) is settled by the
// order's retry; without one its hold stays until it expires (README, known gaps).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <msgpack.hpp>

#include "kura/schema/msgpack_map.h"
#include "kura/sync/hold_cell.h"
#include "op_context.h"

namespace kura {

struct RoutedCall {
  std::string hold;        // the store's hold that arrived first; empty: settled without it
  int64_t drop_after_ms = 0;  // wall clock: no use keeping it after this
  KURA_MSGPACK_MAP(hold, drop_after_ms);
};

// "hq:<kind>:" + 16 hex digits of the FNV-1a of `salt` and `key`: the rid of an HQ call
// that is the same for a retry of one client request and different for another.
std::string HashedCallRid(std::string_view kind, std::string_view salt, std::string_view key);
// The rid of the call that routes a client's order: "hq:o:" + rid, or "hq:o#:" + a hash of
// a rid too long for the 64-byte limit (the same for a retry, on any HQ build).
std::string OrderCallRid(std::string_view client_rid);

// Settles the call `call_rid` HQ made to `store`: `recorded`, HQ recorded the store's hold
// as the order; otherwise that hold is cancelled now if it is here, or when it arrives
// within HQ's request retention (after which the client's rid, and the call's, may be
// used again). Writes into ctx.txn, with the order.
Status SettleRoutedCall(OpContext& ctx, std::string_view store, std::string_view call_rid, bool recorded);

// For Engine::ExecuteRouted: settles the order's call `call_rid` to `store`, which the
// store answered as `decision`, after HQ decided the order; nothing when the store refused
// (it made no hold). Holds references to its arguments.
AfterRequest SettleAfterDecision(const std::string& store, const std::string& call_rid,
                                 const RoutedDecision& decision);

// `hq.order.place` deciding order ctx.rid for `store` without routing it (the store is
// unreachable or cannot hand over): a hold the store made for an earlier routing of the
// same order, which HQ never settled (it restarted while waiting, or the store answered
// io_error) and which has arrived, is cancelled in the order's write.
Status SettleUnroutedOrder(OpContext& ctx, std::string_view store);

// From HQ's merge (HqObserver), when `hold` first reaches HQ.
Status NoteArrivedHold(Txn& txn, const HoldCell& hold);

// `hq.orders.release`: cancels the holds queued above, and drops the records past their
// time. Returns {"released": n}.
Result<nlohmann::json> OpHqOrdersRelease(OpContext& ctx, const nlohmann::json& args);

}  // namespace kura
