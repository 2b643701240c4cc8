// Latency recording for kura-bench: a per-thread recorder of operation latencies and the
// summary of a phase (throughput, p50, p99) made by merging the recorders of its threads.
// A LatencyRecorder belongs to one thread; Summarize runs after the threads have joined.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace kura::bench {

using BenchClock = std::chrono::steady_clock;

class LatencyRecorder {
 public:
  LatencyRecorder() { samples_ns_.reserve(1 << 16); }

  void Add(BenchClock::duration latency) {
    samples_ns_.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count());
  }
  const std::vector<int64_t>& samples_ns() const { return samples_ns_; }

 private:
  std::vector<int64_t> samples_ns_;
};

// What one phase measured. Latencies are in microseconds; callers print ms or µs.
struct PhaseSummary {
  int64_t ops = 0;         // operations completed (every one acknowledged)
  double seconds = 0;      // wall time from the start signal until the last thread finished
  double ops_per_s = 0;
  double p50_us = 0;
  double p99_us = 0;
  double max_us = 0;
};

// Merges the recorders of a phase that ran for `seconds`. Percentiles are nearest-rank; an
// empty phase gives all zeros.
PhaseSummary Summarize(const std::vector<LatencyRecorder>& recorders, double seconds);

}  // namespace kura::bench
