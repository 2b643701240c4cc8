#include "interrupt_guard.h"

#include <atomic>
#include <cstdint>
#include <ctime>

namespace kura::sim {
namespace {

// Written from the handler: a lock-free atomic is async-signal-safe and, unlike a
// volatile sig_atomic_t, may be read from other threads.
std::atomic<bool> g_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

int g_depth = 0;  // guards held, on the one thread that makes them

// When the first signal came (CLOCK_MONOTONIC, ms), 0 before it.
std::atomic<int64_t> g_first_ms{0};
static_assert(std::atomic<int64_t>::is_always_lock_free);

// A signal within this long of the first is the same stop: `timeout` and a process-group
// kill send SIGINT to kura-sim and then to its group, twice within milliseconds.
constexpr int64_t kSameStopMs = 1000;

int64_t MonotonicMs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
}

void OnInterrupt(int signal) {
  int64_t now = MonotonicMs(), first = g_first_ms.load();
  if (first == 0) {
    g_first_ms.store(now);
    g_requested.store(true);
    return;
  }
  if (now - first < kSameStopMs) return;
  // A second Ctrl-C, a moment later: the user wants out now.
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(signal, &fallback, nullptr);
  raise(signal);  // delivered when this handler returns
}

}  // namespace

InterruptGuard::InterruptGuard() : outermost_(g_depth++ == 0) {
  if (!outermost_) return;
  g_requested.store(false);
  g_first_ms.store(0);
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
}

InterruptGuard::~InterruptGuard() {
  --g_depth;
  if (!outermost_) return;
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

bool InterruptGuard::Requested() { return g_requested.load(); }

}  // namespace kura::sim
