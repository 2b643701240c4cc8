// Escrow: the promise rights a store grants HQ so HQ can keep taking online orders for the
// store while it is unreachable, without ever promising goods that are not there
// (DESIGN.md, "Stock and promises"; the cell is sync/rights_counter.h, r/<store>/<sku>).
//
//  - The store tops HQ's allotment up to its policy's target (a share of ATP, capped per
//    SKU; set at HQ in g/policy/*, overridable per store in g/policy/<store>): it creates
//    rights and sends them to HQ in one component write. Units allotted to HQ are out of
//    the store's own ATP, so the store never promises them twice.
//  - HQ spends its rights when it makes a hold for the store, and returns what it does
//    not need.
//  - A till sale that would eat into promised units (held, or allotted to HQ) needs an
//    explicit override, which the receipt records and HQ lists as an exception.
// Invariant at every replica's merged view: active holds never exceed on-hand, except by
// recorded overrides. Not thread-safe (runs inside one commit group).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <msgpack.hpp>

#include "kura/schema/msgpack_map.h"
#include "op_context.h"

namespace kura {

struct AllotmentPolicy {
  int64_t share_pct = 0;  // 0..100: the share of the store's ATP allotted to HQ
  int64_t cap = 0;        // at most this many units per SKU
  KURA_MSGPACK_MAP(share_pct, cap);

  // HQ's target allotment for a SKU whose ATP (before any allotment) is `atp`.
  int64_t Target(int64_t atp) const;
};

// The policy for `store`: its own, else the chain's default, else none (no allotment).
Result<AllotmentPolicy> LoadPolicy(Txn& txn, std::string_view store);

// The rights HQ holds for (store, sku) in this replica's view: units it may still promise.
Result<int64_t> HqAllotment(Txn& txn, std::string_view store, std::string_view sku);

// Store side: tops HQ's allotment up to the policy's target for every SKU whose target
// exceeds it. Returns the units granted.
Result<int64_t> GrantAllotments(OpContext& ctx);

// HQ side: spends `qty` of HQ's rights for (store, sku); InsufficientStock beyond them.
Status SpendAllotment(OpContext& ctx, std::string_view store, std::string_view sku, int64_t qty);

// HQ side: gives back to each store whatever of HQ's rights exceeds the store's policy's
// target for the store's ATP as HQ sees it. Returns the units returned.
Result<int64_t> ReturnExcessAllotments(OpContext& ctx);

// `escrow.grant` (store; run every few seconds), `hq.policy.set {store?, share_pct, cap}`
// and `policy.get {store?}`.
Result<nlohmann::json> OpEscrowGrant(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHqPolicySet(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpPolicyGet(OpContext& ctx, const nlohmann::json& args);

}  // namespace kura
