#include "progress_line.h"

#include <algorithm>
#include <cstdio>

namespace kura::sim {

std::string FormatDuration(double seconds) {
  long s = std::max(0L, static_cast<long>(seconds + 0.5));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

void ProgressEntry::Report(const std::string& phase_now, double done_now, double now_s) {
  if (phase_now != phase || done < 0) {
    phase = phase_now;
    first_report_s = now_s;
    first_done = done_now;
  }
  done = done_now;
}

std::optional<double> ProgressEntry::SecondsLeft(double now_s) const {
  double moved = done - first_done;
  if (done < 0 || moved < 0.01) return std::nullopt;
  return (now_s - first_report_s) * (1 - done) / moved;
}

std::string FormatProgress(const std::vector<ProgressEntry>& entries, double now_s) {
  std::string line;
  bool estimable = true;
  double left_s = 0;
  for (const ProgressEntry& e : entries) {
    if (!line.empty()) line += " | ";
    line += e.label + " ";
    if (e.finished) {
      line += "done";
      continue;
    }
    if (e.done < 0) {
      line += "waiting";
      estimable = false;
      continue;
    }
    int percent = static_cast<int>(e.done * 100);
    line += percent > 0 ? std::to_string(percent) + "% " + e.phase : e.phase;
    std::optional<double> left = e.SecondsLeft(now_s);
    if (left) {
      left_s = std::max(left_s, *left);
    } else {
      estimable = false;
    }
  }
  line += " (" + FormatDuration(now_s);
  if (estimable && left_s >= 0.5) line += ", ~" + FormatDuration(left_s) + " left";  // not "~0:00"
  return line + ")";
}

ProgressLine::ProgressLine(std::vector<std::string> labels) {
  for (auto& label : labels) {
    entries_.emplace_back();
    entries_.back().label = std::move(label);
  }
}

double ProgressLine::SecondsLocked() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressLine::Update(std::size_t i, const char* phase, double done) {
  std::lock_guard<std::mutex> lock(mu_);
  double now_s = SecondsLocked();
  ProgressEntry& e = entries_[i];
  // Redraw only when something visible changed: worlds report thousands of times.
  bool same_percent = e.done >= 0 && static_cast<int>(e.done * 100) == static_cast<int>(done * 100);
  if (same_percent && e.phase == phase && static_cast<long>(now_s) == second_shown_) return;
  e.Report(phase, done, now_s);
  PrintLocked();
}

void ProgressLine::Finish(std::size_t i) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[i].finished = true;
  PrintLocked();
}

void ProgressLine::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  std::fprintf(stderr, "\n");
}

void ProgressLine::PrintLocked() {
  double now_s = SecondsLocked();
  second_shown_ = static_cast<long>(now_s);
  std::string line = FormatProgress(entries_, now_s);
  // Pad over whatever a longer previous line left on the terminal.
  std::size_t width = line.size();
  if (width < printed_width_) line.append(printed_width_ - width, ' ');
  printed_width_ = width;
  std::fprintf(stderr, "\r%s", line.c_str());
  std::fflush(stderr);
}

}  // namespace kura::sim
