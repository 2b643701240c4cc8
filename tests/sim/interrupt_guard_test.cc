// InterruptGuard: SIGINT caught for a scope, guards nesting so an outer one (a sweep's)
// covers the time between inner ones (each run's), the previous handler restored after.
#include <catch2/catch.hpp>

#include <csignal>

#include "interrupt_guard.h"

namespace kura::sim {
namespace {

int g_outside_calls = 0;
void Outside(int) { ++g_outside_calls; }

TEST_CASE("a guard catches SIGINT instead of dying of it", "[sim][interrupt]") {
  InterruptGuard guard;
  CHECK_FALSE(InterruptGuard::Requested());
  std::raise(SIGINT);
  CHECK(InterruptGuard::Requested());
}

TEST_CASE("an inner guard keeps an interrupt that came before it and after it", "[sim][interrupt]") {
  InterruptGuard sweep;
  { InterruptGuard first_run; }
  std::raise(SIGINT);  // between two runs
  {
    InterruptGuard second_run;
    CHECK(InterruptGuard::Requested());
  }
  CHECK(InterruptGuard::Requested());
}

TEST_CASE("the outermost guard restores the handler it found and clears the flag", "[sim][interrupt]") {
  struct sigaction outside {}, before {};
  outside.sa_handler = Outside;
  sigemptyset(&outside.sa_mask);
  sigaction(SIGINT, &outside, &before);
  {
    InterruptGuard guard;
    std::raise(SIGINT);
  }
  CHECK(g_outside_calls == 0);
  std::raise(SIGINT);
  CHECK(g_outside_calls == 1);
  {
    InterruptGuard next;
    CHECK_FALSE(InterruptGuard::Requested());
  }
  sigaction(SIGINT, &before, nullptr);
}

}  // namespace
}  // namespace kura::sim
