// SideThread: a second thread that runs one piece of work at a time on request, for the
// world's HQ lane and its share of the stores' lanes in each window, and its share of
// the stores' checks between windows (both through ShareOut, below; world.h): Start
// hands it the work, the caller does its own meanwhile, and Wait returns once the side
// thread is done, so both sides see everything the other wrote before (release on
// hand-over, acquire on return). Windows are short and many (one link latency each,
// millions at full scale), so the hand-over is two atomic words that each side polls
// briefly before it sleeps on them (a futex), rather than a mutex and condition
// variable. An exception in the work is rethrown by Wait. One caller thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <thread>

namespace kura::sim {

class SideThread {
 public:
  SideThread();
  SideThread(const SideThread&) = delete;
  SideThread& operator=(const SideThread&) = delete;
  // Waits for the work in hand, if any, then stops the thread.
  ~SideThread();

  // Starts `work` on the side thread. REQUIRES: no work in hand (Wait since the last Start).
  void Start(std::function<void()> work);
  // Returns when the work started last is done; rethrows what it threw.
  void Wait();

 private:
  void Loop();

  std::function<void()> work_;  // written before `posted_` moves, read after
  std::exception_ptr error_;    // written before `finished_` moves, read after
  bool stop_ = false;
  std::atomic<uint32_t> posted_{0};    // pieces of work handed over
  std::atomic<uint32_t> finished_{0};  // pieces of work done
  std::thread thread_;
};

// Runs fn(i) once for each i in [0, count), on the calling thread and, when `side` is
// given, on it at once, each taking the next i from a counter they share (which thread
// runs which i is timing's). `on_side` first sets up the side thread (per-thread
// settings, or work of its own before it takes any). Returns, once both are done, how
// many i the side thread ran; rethrows what either threw (the caller's first). Without
// `side`, runs them in order on the caller.
int ShareOut(SideThread* side, int count, const std::function<void(int)>& fn,
             const std::function<void()>& on_side = {});

}  // namespace kura::sim
