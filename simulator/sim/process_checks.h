// The checks of kura-sim's multi-process mode, over one converged ChainSnapshot and the
// ProcessLedger's records. An operation still unknown after it was sent again
// (process_resend.h) is allowed for exactly: a sale, return, hold or order happened iff
// the daemons show its receipt or hold (each carries a customer id unique to its request),
// a collection iff its hold ended collected, and an unknown delivery is any subset of the
// unknown deliveries of that SKU (subset sum). The checks:
//  - on-hand: each store's on-hand of every SKU = acknowledged effects + the unknown
//    operations that happened;
//  - HQ = stores: hq.stock per store equals each store's own on-hand and held, and its
//    total the sum of the stores' own;
//  - holds: no acknowledged hold or order lost (at its store, and at HQ for orders, in the
//    same state), each still holding the lines and expiry acknowledged, hold states only
//    moved forward, no hold expired before its expires_ms (by its expired stamp), a hold no
//    reply showed made as its request asked (lines, kind, customer, lifetime) and while
//    it was out (HoldMadeOutside), no hold nobody asked for, and a till's hold.create
//    made its acknowledged hold alone, none when refused, at most one when unknown (an
//    order may leave a store's hold besides HQ's, PROTOCOL.md 2.4);
//  - no oversold promise: held <= on-hand + recorded overrides (and the unknown sales that
//    happened, and those acknowledged only when sent again), at every store and at HQ;
//  - receipts: each acknowledged sale and return journaled once under its seq, each
//    collection once, nothing else, and each as asked: a sale's or return's kind, lines
//    and prices those of its request, an override flag only where one was given (for an
//    acknowledged sale, exactly when its reply shows promised units taken), a collection
//    its hold's lines and customer (none when its ticket was, or may have been, redeemed
//    before the hold reached the store), each its store's origin; no receipt of a refused
//    request; HQ acknowledged every store's whole journal lane (kura-hq has no op to
//    list its journal, so its Ack, seen in the store's sync.status, is the evidence);
//  - admin.check is clean at every store.
// A store that did not answer every read is skipped: the chain did not converge, which is
// the run's violation already.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger.h"
#include "process_ledger.h"
#include "process_snapshot.h"

namespace kura::sim {

struct CheckResult {
  std::string name;
  bool ok = true;
  std::string detail;  // the first failure; empty when ok
};

// What became of the operations that got no reply.
struct UnknownTally {
  int64_t happened = 0;    // shown by a receipt, a hold, or a collected hold
  int64_t did_not = 0;     // no trace of them
  int64_t bounded = 0;     // deliveries: allowed for as a subset sum
  int64_t state_only = 0;  // ready and cancel: judged by legal hold moves only
};

struct CheckReport {
  std::vector<CheckResult> checks;
  UnknownTally unknown;
  // Holds a store made for an order HQ answered from its allotment instead, still active
  // (HQ cancels them, but remembers them only for its current run).
  int64_t stranded_holds = 0;
  bool ok() const;
};

// Every check on `snapshot`. `corrupt` (TEST ONLY) expects one unit more of SKU-00000 at
// the first store than the ledger says.
CheckReport RunChecks(const ChainSnapshot& snapshot, const Ledger& ledger,
                      const std::vector<OpRecord>& records, bool corrupt);

// Empty when `row` (one replica's view of `sku` at a store) oversells nothing beyond
// `overrides` (Oversold, ledger.h); otherwise says where and by how much.
std::string CheckHeld(const std::string& where, const std::string& sku, const StockRow& row,
                      int64_t overrides);

// Whether some sub-multiset of `items` sums to `target` (the empty one sums to 0).
bool IsSubsetSum(const std::vector<int64_t>& items, int64_t target);

}  // namespace kura::sim
