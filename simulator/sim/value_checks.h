// Checks of kura-sim's command-line values that CLI11's own checks cannot make, shared by
// the in-process mode and `kura-sim processes`: a seed CLI11 would wrap, a workload mix
// with nothing in it, and NaN (which passes a range check). Each returns the message to
// refuse with, empty when the value is fine.
#pragma once

#include <cmath>
#include <initializer_list>
#include <string>

#include <CLI/CLI.hpp>

namespace kura::sim {

// --seed's check: CLI11 would read "-1" into a uint64_t as 2^64 - 1.
inline CLI::Validator SeedCheck() {
  return CLI::Validator(
      [](const std::string& value) -> std::string {
        return value.find('-') == std::string::npos ? "" : "a seed is a whole number from 0 up";
      },
      "SEED");
}

// The --w-* weights: none NaN, and at least one above 0.
inline std::string BadMix(std::initializer_list<double> weights) {
  double total = 0;
  for (double w : weights) {
    if (std::isnan(w)) return "a --w-* weight is not a number";
    total += w;
  }
  return total > 0 ? "" : "the workload mix is empty: give at least one --w-* weight above 0";
}

// A Zipf exponent, 0 to 10 (negative would reverse "busiest first").
inline std::string BadSkew(const char* option, double skew) {
  return skew >= 0 && skew <= 10 ? "" : std::string(option) + " must be between 0 and 10";
}

}  // namespace kura::sim
