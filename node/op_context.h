// OpContext: what an operation handler may use — the pending writes of its commit group,
// the store's options, and the time the group started. Not thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kura/node/store.h"
#include "kura/sync/hlc.h"
#include "txn.h"

namespace kura {

// The daemon's view of its sync links, for the status operations. Implemented by the
// daemons' sync drivers; called on the loop thread.
class SyncView {
 public:
  virtual ~SyncView() = default;
  virtual nlohmann::json Describe(int64_t now_ms) = 0;
  // The highest seq of our own journal lane the peer has acknowledged as durable
  // (0: unknown).
  virtual uint64_t AckedJournalSeq() = 0;
  // Whether the sync link to `peer` is up and the peer was heard from recently (timed by
  // a clock that never jumps).
  virtual bool Reachable(std::string_view peer) = 0;
};

// kura-hq: what a store answered to an online order HQ routed to it (order_router.h).
struct RoutedDecision {
  bool answered = false;  // false: the store did not answer in time
  Result<nlohmann::json> reply = Status::Internal("no answer");  // its result, or its refusal
};

struct OpContext {
  Txn& txn;
  const StoreOptions& options;
  int64_t now_ms;
  int64_t uptime_ms;  // since the daemon started, on the boot clock
  SyncView* sync = nullptr;  // null when the daemon has no sync link configured
  HybridLogicalClock* hlc = nullptr;  // the replica's clock for register writes
  // kura-hq only: what the store answered when HQ routed this online order to it
  // (node/order_router.h); null when the order was not routed.
  const RoutedDecision* routed = nullptr;
  // The request's rid, while its handler and follow-up run (empty for a read-only op sent
  // without one).
  std::string_view rid = {};
  // kura-store only: HQ sent the request over the sync link as a call (node/store_sync.h),
  // rather than a till or staff.
  bool from_hq_call = false;

  const std::string& origin() const { return options.store_id; }
};

// kura-hq: NotFound unless `store` is on HQ's allow-list (StoreOptions::known_stores).
inline Status CheckKnownStore(const OpContext& ctx, const std::string& store) {
  if (!ctx.options.known_stores || ctx.options.known_stores->count(store) > 0) return Status::Ok();
  return Status::NotFound("store: " + store + " is not on HQ's list of stores (kura-hq --store, [stores])");
}

// An operation handler: validates `args`, writes into ctx.txn, returns the result. On error
// the caller rolls back everything the handler wrote.
using OpHandler = Result<nlohmann::json> (*)(OpContext& ctx, const nlohmann::json& args);

// What an op runs after its handler, whatever the handler's result (OpSpec::follow_up).
using OpFollowUp = Status (*)(OpContext& ctx, const nlohmann::json& args, const Result<nlohmann::json>& result);

}  // namespace kura
