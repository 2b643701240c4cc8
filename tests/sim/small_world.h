// The small world the simulator's tests run: a few stores over half a day, faults on.
#pragma once

#include <cstdint>

#include "sim_options.h"

namespace kura::sim {

inline SimOptions SmallWorld(uint64_t seed) {
  SimOptions o;
  o.seed = seed;
  o.stores = 4;
  o.skus = 50;
  o.ops = 2000;
  o.days = 0.5;
  o.checks = 6;
  o.plot_samples = 50;
  return o;
}

}  // namespace kura::sim
