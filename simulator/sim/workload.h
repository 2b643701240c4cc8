// Workload: what a chain's tills, back offices and customers do, skewed like a real chain
// (Zipf: store 0 and SKU 0 are the busiest). Every store starts stocked; then operations
// arrive one at a time (Poisson) over the run: deliveries, till sales, returns,
// stocktakes, transfers between stores, online pickup orders and try-on requests (through
// the run's OnlineOrderStrategy), phone reservations staff take at the store, collections
// (half by the customer's pickup ticket) and cancellations of holds; some holds ask for a
// lifetime of their own, and expiries happen in the stores' own expiry job. Each operation
// draws the same number of random values whatever happens to it, so strategies see the
// same workload.
//
// The draws do not depend on the world's state, so they are made between windows
// (DrawUntil) and each operation is queued in its store's lane. What it then does reads
// and writes that store's state (and reads whether HQ is up and reachable, which changes
// only between windows); a transfer queues its arrival in the receiving store's lane
// (World::AtStore), an online order HQ must answer waits for the window's end. Thread-
// safe as the lanes use it: a store's operations run in one lane (counts are per store).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kura::sim {

class World;
struct SimOptions;

// Picks an index in [0, n) with probability proportional to 1/(i+1)^s.
class ZipfPicker {
 public:
  ZipfPicker(int n, double s);
  int Pick(double u) const;
  // The probability of picking `i`.
  double Share(int i) const { return cdf_[i] - (i > 0 ? cdf_[i - 1] : 0.0); }

 private:
  std::vector<double> cdf_;
};

// Operations the workload drew but could not take, by why.
struct OpSkips {
  int64_t store_down = 0;   // a till operation while the store's back office was down
  int64_t empty_shelf = 0;  // a till sale of a SKU the store had too few of
  int64_t no_hold = 0;      // a collection or cancellation at a store with no active hold
  int64_t same_store = 0;   // a transfer drawn to the store it leaves
  int64_t disk_replaced = 0;  // a till operation while the store's disk was being replaced (World::TakesTills)
  int64_t total() const { return store_down + empty_shelf + no_hold + same_store + disk_replaced; }
  OpSkips& operator+=(const OpSkips& o) {
    store_down += o.store_down;
    empty_shelf += o.empty_shelf;
    no_hold += o.no_hold;
    same_store += o.same_store;
    disk_replaced += o.disk_replaced;
    return *this;
  }
};

// Holds collected (acknowledged), by how: staff finding the hold by id, or the customer's
// pickup ticket, some of those before the hold itself had reached the store.
struct Collections {
  int64_t by_id = 0;
  int64_t by_ticket = 0;
  int64_t ticket_before_hold = 0;  // of by_ticket: the store made the hold from the ticket
  Collections& operator+=(const Collections& o) {
    by_id += o.by_id;
    by_ticket += o.by_ticket;
    ticket_before_hold += o.ticket_before_hold;
    return *this;
  }
};

// Phone reservations staff took at the store (hold.create, kind phone): made, of those
// with a lifetime of their own (expires_in_s), and refused for too little stock.
struct PhoneHolds {
  int64_t made = 0;
  int64_t own_lifetime = 0;
  int64_t short_of_stock = 0;
  PhoneHolds& operator+=(const PhoneHolds& o) {
    made += o.made;
    own_lifetime += o.own_lifetime;
    short_of_stock += o.short_of_stock;
    return *this;
  }
};

class Workload {
 public:
  explicit Workload(World* world);

  // Stocks every store (telling `progress` the fraction done after each store); the
  // first operation is due at time 0.
  void Start(const std::function<void(double)>& progress);
  // When the next operation not yet drawn is due; the largest int64 when none is left.
  int64_t next_at() const { return next_at_; }
  // Draws every operation due before `end` and queues each in its store's lane.
  // Call between windows.
  void DrawUntil(int64_t end);
  // Each store's share of the operations drawn, as a world of `options` draws them.
  static std::vector<double> StoreShares(const SimOptions& options);
  // Operations taken, and those drawn but not taken.
  int64_t done() const;
  // Operations drawn so far; a draw past the last day is not made.
  int64_t drawn() const { return issued_; }
  OpSkips skipped() const;
  Collections collections() const;
  PhoneHolds phone_holds() const;

  static std::string Sku(int i);

 private:
  static constexpr int kDraws = 10;  // random values per operation, used or not
  using Draws = std::array<double, kDraws>;
  // Operation `n`, drawn for `store` (u[1] picked it).
  void Run(int64_t n, int store, const Draws& u);

  World* world_;
  ZipfPicker store_pick_, sku_pick_;
  std::vector<double> kind_cdf_;
  int64_t issued_ = 0;
  int64_t next_at_;
  std::vector<int64_t> ran_;       // per store: operations that came due (taken or skipped)
  std::vector<OpSkips> skipped_;  // per store
  std::vector<Collections> collections_;  // per store
  std::vector<PhoneHolds> phone_holds_;   // per store
  double mean_gap_ms_;
};

}  // namespace kura::sim
