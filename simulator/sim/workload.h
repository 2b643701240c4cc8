// Workload: what a chain's tills, back offices and customers do, skewed like a real chain
// (Zipf: store 0 and SKU 0 are the busiest). Every store starts stocked; then operations
// arrive one at a time (Poisson) over the run: deliveries, till sales, returns,
// stocktakes, transfers between stores, online pickup orders and try-on requests (through
// the run's OnlineOrderStrategy), collections and cancellations of holds; expiries happen
// in the stores' own expiry job. Each operation draws the same number of random values
// whatever happens to it, so strategies see the same workload. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kura::sim {

class World;

// Picks an index in [0, n) with probability proportional to 1/(i+1)^s.
class ZipfPicker {
 public:
  ZipfPicker(int n, double s);
  int Pick(double u) const;

 private:
  std::vector<double> cdf_;
};

// Operations the workload drew but could not take, by why.
struct OpSkips {
  int64_t store_down = 0;   // a till operation while the store's back office was down
  int64_t empty_shelf = 0;  // a till sale of a SKU the store had too few of
  int64_t no_hold = 0;      // a collection or cancellation at a store with no active hold
  int64_t same_store = 0;   // a transfer drawn to the store it leaves
  int64_t total() const { return store_down + empty_shelf + no_hold + same_store; }
};

class Workload {
 public:
  explicit Workload(World* world);

  // Stocks every store (telling `progress` the fraction done after each store) and
  // schedules the first operation.
  void Start(const std::function<void(double)>& progress);
  // Operations taken, and those drawn but not taken.
  int64_t done() const { return issued_ - skipped_.total(); }
  const OpSkips& skipped() const { return skipped_; }

  static std::string Sku(int i);

 private:
  void Next();
  void Run(int64_t n, const double* u);

  World* world_;
  ZipfPicker store_pick_, sku_pick_;
  std::vector<double> kind_cdf_;
  int64_t issued_ = 0;
  OpSkips skipped_;
  double mean_gap_ms_;
};

}  // namespace kura::sim
