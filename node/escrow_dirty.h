// Which (store, SKU) pairs the escrow jobs must look at again. Everything that can move a
// target or an allotment — the store's stock, its held units, the rights cell — marks its
// pair in the same write, so `escrow.grant` and `hq.escrow.return` visit only those
// instead of every SKU of every store (a full pass only when the policies changed).
//
// Marks form a queue in arrival order behind a cursor, not a set keyed by the pair: a
// visit seeks straight to the cursor, so the marks it cleared (deleted keys RocksDB keeps
// until compaction) are never walked again. A set would make every visit step over every
// pair ever cleared, which at HQ is every pair of the chain.
//
//   cf "local"  escrow_marks/<u64be n>      "<store>/<sku>"
//               escrow_marks_next            u64: n of the next mark
//               escrow_marks_from            u64: the cursor; marks below it were visited
//               escrow_policies_applied      u64: fingerprint of the policies last applied
//
// Not thread-safe (runs inside one commit group).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "txn.h"

namespace kura {

Status MarkEscrowDirty(Txn& txn, std::string_view store, std::string_view sku);

// Calls visit(store, sku) once for each pair marked since the last ClearEscrowDirty, in
// (store, sku) order.
Status VisitEscrowDirty(Txn& txn,
                        const std::function<Status(std::string_view store, std::string_view sku)>& visit);

// Clears every mark so far — those visited and those the job's own writes made since,
// which leave their pairs at the target — in the same write as the job's.
Status ClearEscrowDirty(Txn& txn);

// Whether `fingerprint` differs from the one recorded by the last call; records it.
Result<bool> EscrowPoliciesChanged(Txn& txn, uint64_t fingerprint);

}  // namespace kura
