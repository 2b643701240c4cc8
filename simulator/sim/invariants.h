// Invariants: what must hold of the real replicas, checked during the run (every up
// store) and at the end (after the final heal and sync quiescence). The first failure
// stops the run through World::Violation.
//
// During and at the end, at every up store:
//  - on-hand of every SKU equals the ledger's (no acknowledged operation lost or doubled);
//  - held ≤ on-hand + recorded overrides (no oversold promise);
//  - every hold's state is a legal move from the last one seen.
// At the end only:
//  - sync went quiet, and HQ's cells of each store's partition (stock, holds, journal)
//    equal the store's own, byte for byte (all replicas equal);
//  - HQ's per-store and total on-hand and held for every SKU equal the stores' own views;
//  - receipts journaled at the store and at HQ equal the acknowledged sales, returns and
//    collections;
//  - admin.check finds the derived state of every store consistent with its cells.
#pragma once

#include <string>

namespace kura::sim {

class World;

class Invariants {
 public:
  explicit Invariants(World* world) : world_(world) {}
  void CheckStores();
  void CheckFinal();

 private:
  void CheckStore(int i);
  void CheckReplicasEqual(int i);
  void CheckHqTotals();
  void CheckReceipts(int i);
  void Held(const std::string& name);

  World* world_;
};

}  // namespace kura::sim
