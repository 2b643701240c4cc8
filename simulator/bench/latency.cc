#include "latency.h"

#include <algorithm>
#include <cmath>

namespace kura::bench {
namespace {

// Nearest-rank percentile of sorted samples: the smallest sample with at least `q` of the
// samples at or below it.
int64_t Percentile(const std::vector<int64_t>& sorted, double q) {
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

PhaseSummary Summarize(const std::vector<LatencyRecorder>& recorders, double seconds) {
  std::vector<int64_t> all;
  for (const auto& r : recorders) all.insert(all.end(), r.samples_ns().begin(), r.samples_ns().end());
  PhaseSummary s;
  s.ops = static_cast<int64_t>(all.size());
  s.seconds = seconds;
  if (all.empty() || seconds <= 0) return s;
  std::sort(all.begin(), all.end());
  s.ops_per_s = static_cast<double>(s.ops) / seconds;
  s.p50_us = static_cast<double>(Percentile(all, 0.50)) / 1e3;
  s.p99_us = static_cast<double>(Percentile(all, 0.99)) / 1e3;
  s.max_us = static_cast<double>(all.back()) / 1e3;
  return s;
}

}  // namespace kura::bench
