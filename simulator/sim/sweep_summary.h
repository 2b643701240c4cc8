// The last line of a seed sweep, in-process or of real processes: how many seeds ran (of
// how many asked, when the sweep stopped early) and which failed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kura::sim {

// "3 seeds, 1 failed: 302", or "2 of 4 seeds run, 0 failed" (no newline).
inline std::string SweepSummary(int swept, int runs, const std::vector<uint64_t>& failed) {
  std::string line = swept < runs ? std::to_string(swept) + " of " + std::to_string(runs) + " seeds run, "
                                  : std::to_string(swept) + " seeds, ";
  line += std::to_string(failed.size()) + " failed";
  for (std::size_t i = 0; i < failed.size(); ++i) line += (i ? ", " : ": ") + std::to_string(failed[i]);
  return line;
}

}  // namespace kura::sim
