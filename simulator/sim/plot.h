// The plot of one kura-sim run, as SVG: sync lag per store and the busiest SKU's
// available-to-promise at the busiest store over simulated time, as the store and HQ saw
// it, with the run's faults on a timeline between them (and HQ's shaded behind both), so a
// spike or a parting of the lines can be matched to what caused it. A value not known at a
// sample (a node it needs was down) leaves a gap. Pure formatting; thread-safe.
#pragma once

#include <string>

#include "sim_options.h"
#include "world.h"

namespace kura::sim {

// Store lines are drawn for the first six stores (the busiest under --store-skew).
std::string PlotSvg(const SimOptions& options, const RunResult& run);

}  // namespace kura::sim
