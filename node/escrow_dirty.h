// Which (store, SKU) pairs the escrow jobs must look at again. Everything that can move a
// target or an allotment — the store's stock, its held units, the rights cell — marks its
// pair in the same write, so `escrow.grant` and `hq.escrow.return` visit only those
// instead of every SKU of every store (a full pass only when the policies changed).
//
//   cf "local"  escrow_dirty/<store>/<sku>  empty
//               escrow_policies             u64: fingerprint of the policies last applied
//
// Not thread-safe (runs inside one commit group).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "txn.h"

namespace kura {

void MarkEscrowDirty(Txn& txn, std::string_view store, std::string_view sku);
// For the escrow jobs' own writes, which leave the pair at its target.
void ClearEscrowDirty(Txn& txn, std::string_view store, std::string_view sku);

// Calls visit(store, sku) for each marked pair of `store` (every store when empty), in key
// order, and clears the marks it visited (in the same write as whatever visit wrote).
Status VisitEscrowDirty(Txn& txn, std::string_view store,
                        const std::function<Status(std::string_view store, std::string_view sku)>& visit);

// Whether `fingerprint` differs from the one recorded by the last call; records it.
Result<bool> EscrowPoliciesChanged(Txn& txn, uint64_t fingerprint);

}  // namespace kura
