// The progress line's text: the time since it began, and the time left only when every
// world is under way, from the slowest world's pace in its current phase.
#include <catch2/catch.hpp>

#include <vector>

#include "progress_line.h"

namespace kura::sim {
namespace {

ProgressEntry Running(const char* label, const char* phase, double done, double phase_started_s) {
  return ProgressEntry{label, phase, done, phase_started_s, false};
}

ProgressEntry Waiting(const char* label) {
  ProgressEntry e;
  e.label = label;
  return e;
}

TEST_CASE("progress durations read as minutes and seconds, hours from an hour", "[progress]") {
  CHECK(FormatDuration(0) == "0:00");
  CHECK(FormatDuration(59.4) == "0:59");
  CHECK(FormatDuration(59.6) == "1:00");
  CHECK(FormatDuration(398) == "6:38");
  CHECK(FormatDuration(3600) == "1:00:00");
  CHECK(FormatDuration(3 * 3600 + 62) == "3:01:02");
  CHECK(FormatDuration(-5) == "0:00");
}

TEST_CASE("progress line estimates the time left from the slowest world's pace in its phase", "[progress]") {
  // escrow: 25% of its day in the 40 s since the day began -> 120 s left;
  // strong: 50% in 20 s -> 20 s left. The line waits for the slower.
  std::vector<ProgressEntry> entries{Running("escrow", "day", 0.25, 10), Running("strong", "day", 0.5, 30)};
  CHECK(FormatProgress(entries, 50) == "escrow 25% day | strong 50% day (0:50, ~2:00 left)");
}

TEST_CASE("progress line gives no estimate while a world waits or has barely begun", "[progress]") {
  std::vector<ProgressEntry> entries{Running("escrow", "day", 0.5, 0), Waiting("last-known")};
  CHECK(FormatProgress(entries, 10) == "escrow 50% day | last-known waiting (0:10)");

  entries[1] = Running("last-known", "opening stock", 0.001, 9);
  CHECK(FormatProgress(entries, 10) == "escrow 50% day | last-known 0% opening stock (0:10)");

  entries[1].done = 0.5;  // now under way: 1 s for half -> 1 s left; escrow's 10 s is longer
  CHECK(FormatProgress(entries, 10) == "escrow 50% day | last-known 50% opening stock (0:10, ~0:10 left)");
}

TEST_CASE("progress line leaves finished worlds out of the estimate", "[progress]") {
  std::vector<ProgressEntry> entries{Running("escrow", "day", 0.1, 0), Running("strong", "day", 0.9, 0)};
  entries[0].finished = true;
  CHECK(FormatProgress(entries, 90) == "escrow done | strong 90% day (1:30, ~0:10 left)");

  entries[1].finished = true;
  CHECK(FormatProgress(entries, 95) == "escrow done | strong done (1:35)");
}

}  // namespace
}  // namespace kura::sim
