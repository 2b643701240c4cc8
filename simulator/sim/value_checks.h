// Checks of kura-sim's command-line values that CLI11's own checks cannot make, shared by
// the in-process mode and `kura-sim processes`: a seed CLI11 would wrap, a fraction given
// for a count, NaN (which passes CLI11's range check), a sweep past the largest seed, a
// workload mix with nothing in it. The validators go to CLI11; the functions return the
// message to refuse with, empty when the value is fine.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <string>

#include <CLI/CLI.hpp>

namespace kura::sim {

// --seed's check: digits only, up to 2^64 - 1 (CLI11 would read "-1" as 2^64 - 1, a
// larger number as 2^64 - 1 too, and call "1.5" a failed conversion).
inline CLI::Validator SeedCheck() {
  return CLI::Validator(
      [](const std::string& value) -> std::string {
        uint64_t seed;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seed);
        if (!value.empty() && error == std::errc() && end == value.data() + value.size()) return "";
        return "a seed is a whole number from 0 up to " +
               std::to_string(std::numeric_limits<uint64_t>::max());
      },
      "SEED");
}

// A sweep's seeds, seed .. seed + runs - 1: none may wrap past the largest to 0.
inline std::string BadSweep(uint64_t seed, int runs) {
  constexpr uint64_t kLargest = std::numeric_limits<uint64_t>::max();
  if (runs <= 1 || seed <= kLargest - static_cast<uint64_t>(runs - 1)) return "";
  return "--runs " + std::to_string(runs) + " from --seed " + std::to_string(seed) +
         " would pass the largest seed, " + std::to_string(kLargest) + ": give a smaller --seed";
}

// A count's range, [lo, hi]. CLI11's Range says "Value 1.5 not in range 0 to 10"; this
// says what is wrong with 1.5 (a fraction), "ten" or "1e3" (not in digits), and keeps
// Range's words for a count out of range.
template <typename T>
CLI::Validator WholeIn(T lo, T hi) {
  CLI::Range range(lo, hi);
  return CLI::Validator(
      [range, lo, hi](std::string& value) mutable -> std::string {
        T whole;
        if (CLI::detail::lexical_cast(value, whole)) return range(value);
        double number;
        if (!CLI::detail::lexical_cast(value, number)) return "Value " + value + " is not a number";
        if (number < static_cast<double>(lo) || number > static_cast<double>(hi)) return range(value);
        if (number != std::floor(number)) return "Value " + value + " is not a whole number";
        return "Value " + value + ": give the whole number in digits";
      },
      range.get_description());
}

// A quantity's range, [lo, hi], in the words WholeIn uses (CLI11's Range prints bounds as
// 1.000000 and calls "abc" out of range).
inline CLI::Validator NumberIn(double lo, double hi) {
  auto bound = [](double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return std::string(text);
  };
  std::string range = bound(lo) + " to " + bound(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& value) -> std::string {
        double number;
        if (!CLI::detail::lexical_cast(value, number) || std::isnan(number))
          return "Value " + value + " is not a number";
        if (!(number >= lo && number <= hi)) return "Value " + value + " not in range " + range;
        return "";
      },
      "FLOAT in [" + bound(lo) + " - " + bound(hi) + "]");
}

// The --w-* weights (each checked by NumberIn): at least one above 0.
inline std::string BadMix(std::initializer_list<double> weights) {
  double total = 0;
  for (double w : weights) total += w;
  return total > 0 ? "" : "the workload mix is empty: give at least one --w-* weight above 0";
}

// A Zipf exponent, 0 to 10 (negative would reverse "busiest first").
inline std::string BadSkew(const char* option, double skew) {
  return skew >= 0 && skew <= 10 ? "" : std::string(option) + " must be between 0 and 10";
}

}  // namespace kura::sim
