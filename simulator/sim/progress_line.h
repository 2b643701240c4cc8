// The progress of worlds that may run at once, on one terminal line (stderr): each
// world's label, the share of its current phase done and the phase, short enough for 80
// columns with three worlds (a wrapped line would not redraw in place). Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

namespace kura::sim {

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
  struct Entry {
    std::string label, phase;
    int percent = -1;  // -1: not started
    bool finished = false;
  };
  void PrintLocked();

  std::mutex mu_;
  std::vector<Entry> entries_;
  std::size_t printed_width_ = 0;
};

}  // namespace kura::sim
