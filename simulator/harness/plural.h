// Plural: "1 client", "4 clients", for kura-bench's and kura-sim's reports.
#pragma once

#include <cstdint>
#include <string>

namespace kura::harness {

// `n` and `word`, with an "s" unless n is 1 (every word the reports count takes one).
inline std::string Plural(int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace kura::harness
