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

// CLI11 2.1 converts whole numbers with strtoll(..., 0): "010" would be read as 8 and
// "0x10" as 16. The checks below let through only plain decimal digits (a leading minus
// allowed), and say what is wrong with anything else. Empty when `value` is plain.
inline std::string NotPlainDigits(const std::string& value) {
  std::size_t first = !value.empty() && value[0] == '-' ? 1 : 0;
  if (value.size() == first || value.find_first_not_of("0123456789", first) != std::string::npos)
    return "Value " + value + ": give the whole number in digits";
  if (value[first] == '0' && value.size() > first + 1)
    return "Value " + value + ": give the number without a leading 0 (it would be read as octal)";
  return "";
}

// --seed's check: plain digits, up to 2^64 - 1 (CLI11 would read "-1" as 2^64 - 1, a
// larger number as 2^64 - 1 too, and call "1.5" a failed conversion).
inline CLI::Validator SeedCheck() {
  return CLI::Validator(
      [](const std::string& value) -> std::string {
        uint64_t seed;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seed);
        bool whole = error == std::errc() && end == value.data() + value.size();
        if (std::string why = NotPlainDigits(value); whole && !why.empty()) return why;
        if (whole && value[0] != '-') return "";
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
// says what is wrong with 1.5 (a fraction), "ten" (not a number), "1e3" or "010" (not
// plain digits), and keeps Range's words for a count out of range.
template <typename T>
CLI::Validator WholeIn(T lo, T hi) {
  std::string range = std::to_string(lo) + " to " + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& value) -> std::string {
        if (value.empty()) return "no value given";
        auto out_of_range = [&] { return "Value " + value + " not in range " + range; };
        double number;
        bool numeric = CLI::detail::lexical_cast(value, number) && !std::isnan(number);
        if (std::string why = NotPlainDigits(value); !why.empty()) {
          if (!numeric) return "Value " + value + " is not a number";
          if (number != std::floor(number)) return "Value " + value + " is not a whole number";
          return number < static_cast<double>(lo) || number > static_cast<double>(hi) ? out_of_range() : why;
        }
        T whole;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), whole);
        if (error != std::errc() || whole < lo || whole > hi) return out_of_range();
        return "";
      },
      "INT in [" + std::to_string(lo) + " - " + std::to_string(hi) + "]");
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
        if (value.empty()) return "no value given";
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

}  // namespace kura::sim
