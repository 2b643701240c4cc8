// Invariants: what must hold of the real replicas, checked during the run (every up
// store) and at the end (after the final heal and sync quiescence). The first failure
// stops the run through World::Violation.
//
// During and at the end, at every up store:
//  - on-hand of every SKU equals the ledger's (no acknowledged operation lost or doubled);
//  - held ≤ on-hand + recorded overrides (no oversold promise);
//  - every hold's state is a legal move from the last one seen;
//  - the held units the store reports are its active holds' lines (its held index);
//  - no hold stays active past its expiry (by the store's clock) for longer than the
//    store's minute expiry job needs (kExpiryWithinMs of simulated time, while up), and
//    none expired before it (any origin's expired stamp earlier than its expires_ms).
// During the run the first two look at the SKUs acknowledged operations moved since the
// store's last check (at 200 stores x 5,000 SKUs, reading every SKU 24 times would be
// most of the run); at the end, at every SKU.
// At the end only:
//  - sync went quiet, and HQ's cells of each store's partition (stock, holds, journal)
//    equal the store's own, byte for byte (all replicas equal);
//  - HQ's per-store and total on-hand and held for every SKU equal the stores' own views;
//  - receipts journaled at the store and at HQ equal the acknowledged sales, returns and
//    collections, in number and in kind, lines, customer, hold and override flag
//    (JournalTally);
//  - admin.check finds the derived state of every store consistent with its cells.
// Each store's checks (all but HQ's totals, which go through HQ's engine) share the
// stores out between the world's two threads (World::ForEachStore); they read HQ's
// database, never its engine. Either way the first store's violation, of the first
// check listed above that finds one, is the one reported.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "world.h"

namespace kura::sim {

class StepProgress;
class SimNode;

class Invariants {
 public:
  explicit Invariants(World* world) : world_(world) {}
  // During the run: each store's SKUs moved since its last check, admin.check of this
  // check's share of the stores (store i at checks i, i + checks, ...: each once a run),
  // and HQ's admin.check at the middle check.
  void CheckDuringRun();
  // After the final heal: every SKU of every store, then the checks at the end only.
  // `progress` (may be empty) hears the share done, from either of the world's threads.
  void CheckAtEnd(const std::function<void(double)>& progress);

 private:
  using StockViews = std::map<std::string, std::pair<int64_t, int64_t>>;  // sku -> on_hand, held

  // every_sku: all of each store's SKUs, else those moved since its last check.
  // `progress` (may be null) counts one part, in stores.
  void CheckStores(bool every_sku, StepProgress* progress);
  // `progress` (may be null) counts two parts: the stores' final checks, in stores, then
  // HQ's totals, in SKUs.
  void CheckFinal(StepProgress* progress);

  // Store i's checks, on either of the world's threads (World::ForEachStore): the
  // violation found, or empty.
  std::string CheckStore(int i, bool every_sku);
  // Store i's hold cells: their moves, their lines against the held units in `seen`, and
  // those left past their expiry. The violation found, or empty.
  std::string CheckHolds(int i, const StockViews& seen);
  // Each SKU's {on_hand, held} at store i: all of them, or just `skus`. The violation
  // when the store does not answer, or empty.
  std::string ReadStock(int i, const std::set<std::string>* skus, StockViews* out);
  // What the final checks of store i find, each empty when it holds. On either thread:
  // they read the store and HQ's copy of its partition (HQ's database, not its engine),
  // each part once.
  struct FinalFindings {
    std::string replicas, receipts, derived;
    std::string unreleased;  // a hold made for HQ's call, unrecorded and still active
    RoutedHolds routed;      // the holds made for HQ's calls that HQ did not record
  };
  // Looks at the holds `store` made for HQ's calls (routed orders) in `holds`, its hold
  // cells: one HQ did not record as the order (the ledger does not know it) must have ended,
  // unless the ledger leaves it to expire.
  void CheckRoutedHolds(int store, const std::map<std::string, std::string>& holds, FinalFindings* found);
  FinalFindings CheckStoreFinal(int i);
  std::string DerivedInconsistent(SimNode& node);  // admin.check, at a store or HQ
  void CheckHqTotals(StepProgress* progress);  // through HQ's engine: one thread
  void Held(const std::string& name);

  World* world_;
  int checks_during_run_ = 0;
  // Per store, every SKU's {on_hand, held} as the last every-SKU check read it: the
  // final check compares HQ against these rather than reading 200 x 5,000 SKUs again.
  // One slot per store, so that the two threads' checks write apart.
  std::vector<std::optional<StockViews>> every_sku_views_;
  // A hold past its expiry at a check may be ended by the next run of the store's minute
  // job; still active this much simulated time later, it was missed.
  static constexpr int64_t kExpiryWithinMs = 3 * 60'000;
  // Per store (a slot each, as above): the active holds past their expiry at its checks
  // since it last (re)started, each with the simulated time a check first found it so.
  struct OverdueHolds {
    uint64_t incarnation = 0;
    std::map<std::string, int64_t> since;
  };
  std::vector<OverdueHolds> overdue_;
};

}  // namespace kura::sim
