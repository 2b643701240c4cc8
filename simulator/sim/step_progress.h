// The share done of work in parts of equal weight, each counted in its own steps,
// reported as it goes. Steps may come from either of a world's threads: each report is
// made under a lock, so the shares reported never go back.
#pragma once

#include <algorithm>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace kura::sim {

class StepProgress {
 public:
  // `report` (may be empty) hears the share done, 0..1, after each step. It runs under
  // this object's lock, so it must not call back into it.
  StepProgress(int parts, std::function<void(double)> report)
      : parts_(std::max(1, parts)), report_(std::move(report)) {}

  // Starts the next part, of `steps` steps. REQUIRES: no Step() under way (one thread,
  // between parts). Throws std::logic_error past the parts declared: the work grew a
  // part its count did not, and the share would reach the whole too soon.
  void NextPart(int steps) {
    std::lock_guard<std::mutex> lock(mu_);
    if (part_ + 1 >= parts_) throw std::logic_error("StepProgress: more parts than declared");
    ++part_;
    steps_ = std::max(1, steps);
    done_ = 0;
  }

  // One step of the current part is done.
  void Step() {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = std::min(done_ + 1, steps_);
    double share = (part_ + static_cast<double>(done_) / steps_) / parts_;
    if (report_) report_(std::clamp(share, 0.0, 1.0));
  }

 private:
  std::mutex mu_;
  const int parts_;
  std::function<void(double)> report_;
  int part_ = -1, steps_ = 1, done_ = 0;
};

}  // namespace kura::sim
