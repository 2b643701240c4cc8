// The progress line's text: the time since it began, and the time left only when every
// world can tell it, at the slowest world's pace since its phase's first report.
#include <catch2/catch.hpp>

#include <vector>

#include "progress_line.h"

namespace kura::sim {
namespace {

ProgressEntry Waiting(const char* label) {
  ProgressEntry e;
  e.label = label;
  return e;
}

// A world whose phase first reported `first_done` at `first_s`, then `done` since.
ProgressEntry Running(const char* label, const char* phase, double first_done, double first_s, double done,
                      double now_s) {
  ProgressEntry e = Waiting(label);
  e.Report(phase, first_done, first_s);
  e.Report(phase, done, now_s);
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
  // escrow: from 5% at 10 s to 25% at 50 s, 20% in 40 s -> 75% takes 150 s;
  // strong: from 0% at 30 s to 50% at 50 s -> 20 s. The line waits for the slower.
  std::vector<ProgressEntry> entries{Running("escrow", "day", 0.05, 10, 0.25, 50),
                                     Running("strong", "day", 0, 30, 0.5, 50)};
  CHECK(FormatProgress(entries, 50) == "escrow 25% day | strong 50% day (0:50, ~2:30 left)");
}

TEST_CASE("progress pace counts from a phase's first report, which may come well past 0", "[progress]") {
  // The opening stock reports once per store: with 8 stores its first report is 12.5%.
  ProgressEntry e = Running("escrow", "opening stock", 0.125, 2, 0.25, 4);
  REQUIRE(e.SecondsLeft(4).has_value());
  CHECK(*e.SecondsLeft(4) == Approx(12));  // 12.5% per 2 s, 75% to go

  e.Report("day", 0.02, 6);  // a new phase paces afresh
  CHECK_FALSE(e.SecondsLeft(6).has_value());
  e.Report("day", 0.12, 16);
  REQUIRE(e.SecondsLeft(16).has_value());
  CHECK(*e.SecondsLeft(16) == Approx(88));  // 10% per 10 s, 88% to go
}

TEST_CASE("progress line gives no estimate while a world waits or has barely moved", "[progress]") {
  std::vector<ProgressEntry> entries{Running("escrow", "day", 0, 0, 0.5, 10), Waiting("last-known")};
  CHECK(FormatProgress(entries, 10) == "escrow 50% day | last-known waiting (0:10)");

  entries[1].Report("opening stock", 0.125, 9);
  CHECK(FormatProgress(entries, 10) == "escrow 50% day | last-known 12% opening stock (0:10)");

  entries[1].Report("opening stock", 0.625, 10);  // 50% in 1 s -> 0.75 s left; escrow's 10 s is longer
  CHECK(FormatProgress(entries, 10) == "escrow 50% day | last-known 62% opening stock (0:10, ~0:10 left)");
}

TEST_CASE("progress line shows a phase that reports no share by its name alone", "[progress]") {
  ProgressEntry e = Running("escrow", "day", 0, 0, 0.99, 100);
  e.Report("settling", 0, 101);
  CHECK(FormatProgress({e}, 101) == "escrow settling (1:41)");
}

TEST_CASE("progress line leaves finished worlds out of the estimate", "[progress]") {
  std::vector<ProgressEntry> entries{Running("escrow", "day", 0, 0, 0.1, 90), Running("strong", "day", 0, 0, 0.9, 90)};
  entries[0].finished = true;
  CHECK(FormatProgress(entries, 90) == "escrow done | strong 90% day (1:30, ~0:10 left)");

  entries[1].finished = true;
  CHECK(FormatProgress(entries, 95) == "escrow done | strong done (1:35)");
}

}  // namespace
}  // namespace kura::sim
