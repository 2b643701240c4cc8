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

class Workload {
 public:
  explicit Workload(World* world);

  // Stocks every store (telling `progress` the fraction done after each store) and
  // schedules the first operation.
  void Start(const std::function<void(double)>& progress);
  int64_t done() const { return done_; }
  int64_t skipped() const { return skipped_; }

  static std::string Sku(int i);

 private:
  void Next();
  void Run(int64_t n, const double* u);

  World* world_;
  ZipfPicker store_pick_, sku_pick_;
  std::vector<double> kind_cdf_;
  int64_t done_ = 0, skipped_ = 0, issued_ = 0;
  double mean_gap_ms_;
};

}  // namespace kura::sim
