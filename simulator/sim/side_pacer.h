// SidePacer: whether a world's next window runs HQ's lane on the side thread (sharing
// the stores' lanes with this one) or all its lanes on this one. Either way the window
// runs the same (world.h), so only speed decides, by measurement: windows side by side
// are timed in batches, and when a batch took more than twice its lanes' work (one after
// the other would have taken about that work: the machine is busier than our two threads
// and each hand-over waits for a core), the windows that follow run on one thread, twice
// as many after each batch that lost again, until a batch on the side thread is tried
// once more. Not "more than the work": at scale, HQ's lane kept on one core pays beyond
// what the batch shows (its data stays in that core's caches), and batches near the line
// did better side by side (SCALE.md, thirteenth stop). Not thread-safe: the world's main
// thread uses it.
#pragma once

#include <algorithm>
#include <cstdint>

namespace kura::sim {

class SidePacer {
 public:
  static constexpr int kBatch = 256;              // windows side by side per measurement
  static constexpr int64_t kFirstInline = 4'096;  // windows on one thread after a lost batch
  static constexpr int64_t kMostInline = 1 << 20;
  static constexpr double kLosingRatio = 2;      // a batch's wall time over its lanes' work

  // `adaptive` false: every window uses the side thread.
  explicit SidePacer(bool adaptive = true) : adaptive_(adaptive) {}

  // Whether the next window with work for two threads (HQ's lane, or two stores' lanes)
  // should use the side thread.
  bool UseSide() {
    if (!adaptive_ || inline_left_ == 0) return true;
    --inline_left_;
    return false;
  }
  // A window side by side took `wall_s`; its lanes worked `work_s` between them.
  void Record(double wall_s, double work_s) {
    wall_s_ += wall_s;
    work_s_ += work_s;
    if (++windows_ < kBatch) return;
    bool lost = wall_s_ > kLosingRatio * work_s_;
    inline_left_ = lost ? next_inline_ : 0;
    next_inline_ = lost ? std::min(2 * next_inline_, kMostInline) : kFirstInline;
    wall_s_ = work_s_ = 0;
    windows_ = 0;
  }

 private:
  bool adaptive_;
  double wall_s_ = 0, work_s_ = 0;
  int windows_ = 0;
  int64_t inline_left_ = 0;
  int64_t next_inline_ = kFirstInline;
};

}  // namespace kura::sim
