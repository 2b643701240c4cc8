// InterruptGuard: SIGINT caught for a scope, guards nesting so an outer one (a sweep's)
// covers the time between inner ones (each run's), the previous handler restored after.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

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

TEST_CASE("a signal a moment after the first is the same stop", "[sim][interrupt]") {
  // `timeout` sends SIGINT to kura-sim and then to its process group: two at once.
  InterruptGuard guard;
  std::raise(SIGINT);
  std::raise(SIGINT);  // dies here if the second counted as a second Ctrl-C
  CHECK(InterruptGuard::Requested());
}

TEST_CASE("a second Ctrl-C later than a second after the first kills outright", "[sim][interrupt]") {
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    InterruptGuard guard;
    std::raise(SIGINT);
    // The window is the input here, not synchronisation: a second stop past it.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    std::raise(SIGINT);
    _exit(0);  // reached only if the second was swallowed
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGINT);
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
