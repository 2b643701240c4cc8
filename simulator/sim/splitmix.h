// splitmix64 (Steele, Lea and Flood): the small generator kura-sim derives its streams
// with, and the stream each network link direction draws from (8 bytes of state where
// mt19937_64 takes 5,000, so every link can have its own).
#pragma once

#include <cstdint>

namespace kura::sim {

// Advances `state` and returns the next value of its stream.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A uniform double in [0, 1) from `state`'s stream.
inline double SplitMixUniform(uint64_t& state) { return static_cast<double>(SplitMix64(state) >> 11) * 0x1.0p-53; }

// An independent stream for `purpose` from the run's seed.
inline uint64_t DeriveSeed(uint64_t seed, uint64_t purpose) {
  uint64_t state = seed + 0x9E3779B97F4A7C15ULL * purpose;
  return SplitMix64(state);
}

}  // namespace kura::sim
