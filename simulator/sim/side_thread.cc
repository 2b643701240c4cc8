#include "side_thread.h"

#include <utility>

#include <sched.h>

namespace kura::sim {
namespace {

// A window's work is often done within microseconds of the other side's, and waking a
// sleeping thread takes tens of microseconds on a virtual machine: each side polls this
// long (a fraction of a millisecond) before it sleeps.
constexpr int kSpins = 20'000;
// Every this many pauses a poller yields the core: on two cores, RocksDB's flushes and
// compactions or a preempted lane may be waiting for it, and a poller holding it on
// slows the very window it waits for (SCALE.md, thirteenth stop). With nothing else
// runnable the yield returns at once. (A machine busier than our two threads is the
// world's SidePacer's to notice: there windows go back to one thread.)
constexpr int kSpinsPerYield = 512;

void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

template <typename Done>
void SpinUntil(Done done) {
  for (int spin = 0; spin < kSpins && !done(); ++spin) {
    CpuRelax();
    if (spin % kSpinsPerYield == kSpinsPerYield - 1) sched_yield();
  }
}

}  // namespace

SideThread::SideThread() : thread_([this] { Loop(); }) {}

SideThread::~SideThread() {
  try {
    Wait();
  } catch (...) {
    // Whoever destroys the side thread is already unwinding, or has waited.
  }
  stop_ = true;
  posted_.fetch_add(1, std::memory_order_release);
  posted_.notify_one();
  thread_.join();
}

void SideThread::Start(std::function<void()> work) {
  work_ = std::move(work);
  posted_.fetch_add(1, std::memory_order_release);
  posted_.notify_one();
}

void SideThread::Wait() {
  uint32_t posted = posted_.load(std::memory_order_relaxed);
  SpinUntil([&] { return finished_.load(std::memory_order_acquire) == posted; });
  for (uint32_t done = finished_.load(std::memory_order_acquire); done != posted;
       done = finished_.load(std::memory_order_acquire)) {
    finished_.wait(done, std::memory_order_acquire);
  }
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void SideThread::Loop() {
  uint32_t seen = 0;
  for (;;) {
    SpinUntil([&] { return posted_.load(std::memory_order_acquire) != seen; });
    posted_.wait(seen, std::memory_order_acquire);
    seen = posted_.load(std::memory_order_acquire);
    if (stop_) return;
    try {
      work_();
    } catch (...) {
      error_ = std::current_exception();
    }
    finished_.store(seen, std::memory_order_release);
    finished_.notify_one();
  }
}

int ShareOut(SideThread* side, int count, const std::function<void(int)>& fn,
             const std::function<void()>& on_side) {
  std::atomic<int> taken{0};
  auto take = [&] {
    int ran = 0;
    for (int i; (i = taken.fetch_add(1, std::memory_order_relaxed)) < count; ++ran) fn(i);
    return ran;
  };
  if (side == nullptr) {
    take();
    return 0;
  }
  int side_ran = 0;  // written by the side thread, read after Wait
  side->Start([&] {
    if (on_side) on_side();
    side_ran = take();
  });
  try {
    take();
  } catch (...) {
    // The side's work refers to this frame: it must finish before the frame goes.
    try {
      side->Wait();
    } catch (...) {
    }
    throw;
  }
  side->Wait();
  return side_ran;
}

}  // namespace kura::sim
