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
    line += std::to_string(static_cast<int>(e.done * 100)) + "% " + e.phase;
    if (e.done < 0.01) {
      estimable = false;
    } else {
      left_s = std::max(left_s, (now_s - e.phase_started_s) * (1 - e.done) / e.done);
    }
  }
  line += " (" + FormatDuration(now_s);
  if (estimable && left_s > 0) line += ", ~" + FormatDuration(left_s) + " left";
  return line + ")";
}

ProgressLine::ProgressLine(std::vector<std::string> labels) : percent_(labels.size(), -1) {
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
  int percent = static_cast<int>(done * 100);
  ProgressEntry& e = entries_[i];
  // Redraw only when something visible changed: worlds report thousands of times.
  if (percent_[i] == percent && e.phase == phase) return;
  if (e.phase != phase) {
    e.phase = phase;
    e.phase_started_s = SecondsLocked();
  }
  e.done = done;
  percent_[i] = percent;
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
  std::string line = FormatProgress(entries_, SecondsLocked());
  // Pad over whatever a longer previous line left on the terminal.
  std::size_t width = line.size();
  if (width < printed_width_) line.append(printed_width_ - width, ' ');
  printed_width_ = width;
  std::fprintf(stderr, "\r%s", line.c_str());
  std::fflush(stderr);
}

}  // namespace kura::sim
