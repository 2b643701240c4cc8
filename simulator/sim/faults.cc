#include "faults.h"

#include <cmath>
#include <numeric>

#include "world.h"

namespace kura::sim {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;

class Draw {
 public:
  explicit Draw(std::mt19937_64& rng) : rng_(rng) {}
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  int64_t Between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Uniform() * (hi - lo)); }
  // Log-uniform: as many five-minute outages as five-hour ones.
  int64_t LogBetween(int64_t lo, int64_t hi) {
    return static_cast<int64_t>(std::exp(std::log(lo) + Uniform() * (std::log(hi) - std::log(lo))));
  }
  int Index(int n) { return std::min(n - 1, static_cast<int>(Uniform() * n)); }

 private:
  std::mt19937_64& rng_;
};

}  // namespace

void ScheduleFaults(World& world) {
  Draw draw(world.fault_rng());
  const SimOptions& o = world.options();
  int64_t span = world.duration_ms() * 9 / 10;
  auto& q = world.world_queue();
  for (int n = 0; n < o.partitions_one; ++n) {
    int64_t at = draw.Between(0, span), length = draw.LogBetween(2 * kMinute, 24 * kHour);
    int store = draw.Index(o.stores);
    q.At(at, [&world, store, length] { world.CutStores({store}, length); });
  }
  for (int n = 0; n < o.partitions_many; ++n) {
    int64_t at = draw.Between(0, span), length = draw.LogBetween(10 * kMinute, 12 * kHour);
    std::vector<int> order(o.stores);
    std::iota(order.begin(), order.end(), 0);
    for (int i = o.stores - 1; i > 0; --i) std::swap(order[i], order[draw.Index(i + 1)]);
    order.resize(std::max(1, o.stores / 3));
    q.At(at, [&world, order, length] { world.CutStores(order, length); });
  }
  for (int n = 0; n < o.partitions_hq; ++n) {
    int64_t at = draw.Between(0, span), length = draw.LogBetween(5 * kMinute, 6 * kHour);
    q.At(at, [&world, length] { world.CutHq(length); });
  }
  for (int n = 0; n < o.crashes; ++n) {
    int64_t at = draw.Between(0, span), down = draw.LogBetween(10'000, 30 * kMinute);
    bool hq = draw.Uniform() < 0.2;
    int store = draw.Index(o.stores);
    bool in_flight = draw.Uniform() < 0.5, applied = draw.Uniform() < 0.5;
    if (hq) {
      q.At(at, [&world, down] { world.CrashHq(down); });
    } else {
      q.At(at, [&world, store, down, in_flight, applied] { world.CrashStore(store, down, in_flight, applied); });
    }
  }
  for (int n = 0; n < o.clock_faults; ++n) {
    int64_t at = draw.Between(0, span), length = draw.LogBetween(10 * kMinute, 12 * kHour);
    int store = draw.Index(o.stores);
    bool jump = draw.Uniform() < 0.5;
    int64_t sign = draw.Uniform() < 0.5 ? -1 : 1;
    int64_t offset = sign * (jump ? draw.LogBetween(kMinute, 3 * kHour) : draw.LogBetween(1000, 10 * kMinute));
    q.At(at, [&world, store, offset, jump, length] { world.ShiftClock(store, offset, jump, length); });
  }
  // Drawn last, so that a seed's other faults stay as they were before disks were replaced.
  for (int n = 0; n < o.store_wipes; ++n) {
    int64_t at = draw.Between(0, span), down = draw.LogBetween(10 * kMinute, 4 * kHour);
    int store = draw.Index(o.stores);
    q.At(at, [&world, store, down] { world.ReplaceStoreDisk(store, down); });
  }
}

}  // namespace kura::sim
