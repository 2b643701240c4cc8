#include "progress_line.h"

#include <cstdio>

namespace kura::sim {

ProgressLine::ProgressLine(std::vector<std::string> labels) {
  for (auto& label : labels) entries_.push_back(Entry{std::move(label), "", -1, false});
}

void ProgressLine::Update(std::size_t i, const char* phase, double done) {
  std::lock_guard<std::mutex> lock(mu_);
  int percent = static_cast<int>(done * 100);
  Entry& e = entries_[i];
  // Redraw only when something visible changed: worlds report thousands of times.
  if (e.percent == percent && e.phase == phase) return;
  e.percent = percent;
  e.phase = phase;
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
  std::string line;
  for (const Entry& e : entries_) {
    if (!line.empty()) line += " | ";
    line += e.label + " ";
    if (e.finished) {
      line += "done";
    } else if (e.percent < 0) {
      line += "waiting";
    } else {
      line += std::to_string(e.percent) + "% " + e.phase;
    }
  }
  // Pad over whatever a longer previous line left on the terminal.
  std::size_t width = line.size();
  if (width < printed_width_) line.append(printed_width_ - width, ' ');
  printed_width_ = width;
  std::fprintf(stderr, "\r%s", line.c_str());
  std::fflush(stderr);
}

}  // namespace kura::sim
