// The progress of worlds that may run at once, on one terminal line (stderr): each
// world's label, the share of its current phase done and the phase, then the time since
// the line began and, once every world is under way, an estimate of the time left in the
// phases under way (the day is most of a run; the settling after it has no known length
// and is not estimated). Short enough for 80 columns with three worlds in their day (a
// wrapped line would not redraw in place). Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kura::sim {

struct ProgressEntry {
  std::string label, phase;
  double done = -1;  // of the phase, 0..1; -1: not started
  // The phase's first report: its time (seconds since the line began) and `done` then.
  // Reports come in steps, so a phase may first report well past 0.
  double first_report_s = 0, first_done = 0;
  bool finished = false;

  // Takes a report of `done` (0..1) of `phase` at `now_s`.
  void Report(const std::string& phase_now, double done_now, double now_s);
  // The time left in the phase at the pace kept since its first report; nullopt until it
  // has moved at least 1% since then.
  std::optional<double> SecondsLeft(double now_s) const;
};

// The line for `entries` at `now_s` seconds since it began. The time left is the longest
// of the worlds' current phases (SecondsLeft), shown only when no world waits and each
// can tell: a waiting world's time is unknown. A phase at 0% shows without a share (the
// settling reports no progress within; a phase's first report is often 0).
std::string FormatProgress(const std::vector<ProgressEntry>& entries, double now_s);

// M:SS, or H:MM:SS from an hour.
std::string FormatDuration(double seconds);

class ProgressLine {
 public:
  explicit ProgressLine(std::vector<std::string> labels);

  // World `i` has done `done` (0..1) of `phase`.
  void Update(std::size_t i, const char* phase, double done);
  // World `i` has finished.
  void Finish(std::size_t i);
  // Ends the line.
  void Close();

 private:
  double SecondsLocked() const;
  void PrintLocked();

  std::mutex mu_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::vector<ProgressEntry> entries_;  // as last shown
  long second_shown_ = -1;     // the elapsed second last shown: the line ticks while a phase is quiet
  std::size_t printed_width_ = 0;
};

}  // namespace kura::sim
