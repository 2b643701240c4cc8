// Which (store, SKU) pairs the escrow jobs must look at again: those whose stock, held
// units or rights moved since the jobs last ran, so `escrow.grant` and `hq.escrow.return`
// visit only those instead of every SKU of every store (a full pass only when the
// policies changed).
//
// The change index (change_log.h) already records every cell each lane changed, newest
// version only, in sequence order; the jobs keep one cursor per lane and read the cells
// changed beyond it. An operation writes nothing for the jobs' sake: a stock, hold or
// rights cell's index entry is its mark. A cursor only moves in the job's own write, so a
// crash before it leaves the changes to the next run.
//
//   cf "local"  escrow_seen               {lane: u64 seq}: the lane's changes up to seq were visited
//               escrow_policies_applied   u64: fingerprint of the policies last applied
//
// Lanes read: at HQ every origin it holds; at a store its own and HQ's (another store's
// lane reaches a store with global cells only, PROTOCOL.md 2.3 rule 6).
// Not thread-safe (runs inside one commit group).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "txn.h"

namespace kura {

// Calls visit(store, sku) once for each pair whose stock (s/), rights (r/) or one of whose
// holds (h/) changed since the last MarkEscrowChangesSeen at the replica `self`, in
// (store, sku) order. Returns the number of pairs visited.
Result<std::size_t> VisitEscrowChanges(Txn& txn, std::string_view self,
                          const std::function<Status(std::string_view store, std::string_view sku)>& visit);

// Moves every lane's cursor to its head, past the job's own writes too (which leave their
// pairs at the target), in the same write as the job's. A job calls it after a full pass
// or a visit of at least one pair: when the lanes moved only with cells no pair depends on
// (catalog, status), it is cheaper to read those again next run than to write each run.
Status MarkEscrowChangesSeen(Txn& txn, std::string_view self);

// Whether `fingerprint` differs from the one recorded by the last call; records it.
Result<bool> EscrowPoliciesChanged(Txn& txn, uint64_t fingerprint);

}  // namespace kura
