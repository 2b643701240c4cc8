// Which (store, SKU) pairs the escrow jobs must look at again: those whose stock, held
// units or rights moved since the jobs last ran, so `escrow.grant` and `hq.escrow.return`
// visit only those instead of every SKU of every store (a full pass when the policies
// changed, or before there are cursors).
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
// Lanes read: at HQ every origin it holds; at a store its own and HQ's, the only origins
// that may write a store's cells (PROTOCOL.md 3.6; a store syncs with HQ alone, 2.3 rule 5).
// Not thread-safe (runs inside one commit group).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "txn.h"

namespace kura {

// The escrow jobs' cursors at one replica, read once per job run (inside its commit group).
class EscrowChanges {
 public:
  // The cursors of replica `self`, and the lanes it reads. Records `policies`, the
  // fingerprint of every allotment policy (and the safety stock) the job applies.
  static Result<EscrowChanges> Load(Txn& txn, std::string_view self, uint64_t policies);

  // Whether the job must visit every pair: the policies changed since the last Load, or
  // there are no cursors yet (a new directory, or one written by a build that kept marks
  // instead; reading every change entry ever into memory would cost more).
  bool full_pass() const { return full_pass_; }

  // Calls visit(store, sku) once for each pair whose stock (s/), rights (r/) or one of
  // whose holds (h/) changed beyond the cursors, in (store, sku) order. Returns the number
  // of pairs visited.
  Result<std::size_t> Visit(const std::function<Status(std::string_view store, std::string_view sku)>& visit);

  // Moves every lane's cursor to its head, past the job's own writes too (which leave their
  // pairs at the target), in the same write as the job's; the first cursors are written
  // even if no lane moved. A job calls it after a full pass or a visit of at least one
  // pair: when the lanes moved only with cells no pair depends on (catalog, status), it is
  // cheaper to read those again next run than to write each run.
  Status MarkSeen();

 private:
  using Cursors = std::map<std::string, uint64_t, std::less<>>;
  EscrowChanges(Txn& txn, std::vector<std::string> lanes, std::optional<Cursors> stored, bool policies_changed);

  Txn* txn_;
  std::vector<std::string> lanes_;
  bool fresh_;  // no cursors stored yet
  bool full_pass_;
  Cursors seen_;
};

}  // namespace kura
