#include "interrupt_guard.h"

#include <atomic>

namespace kura::sim {
namespace {

// Written from the handler: a lock-free atomic is async-signal-safe and, unlike a
// volatile sig_atomic_t, may be read from other threads.
std::atomic<bool> g_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

int g_depth = 0;  // guards held, on the one thread that makes them

void OnInterrupt(int) { g_requested.store(true); }

}  // namespace

InterruptGuard::InterruptGuard() : outermost_(g_depth++ == 0) {
  if (!outermost_) return;
  g_requested.store(false);
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  action.sa_flags = SA_RESETHAND;
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
