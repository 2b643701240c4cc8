// SIGINT and SIGTERM caught for a scope, so a multi-process run stops where it is and
// unwinds (its daemons killed, its directory removed) instead of dying with them running,
// and a sweep (either mode) ends with the seeds it ran reported.
#pragma once

#include <csignal>

namespace kura::sim {

// Guards nest: the outermost installs the handler and clears the flag, inner ones share
// it, so a sweep's guard also covers the time between its runs, each with its own guard.
// A second Ctrl-C kills outright, unless it comes within a second of the first: `timeout`
// and a kill of the process group deliver one stop twice, milliseconds apart.
// Guards are made and dropped on one thread; Requested() may be read from any.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // True once SIGINT or SIGTERM came while a guard was held (until the next outermost guard).
  static bool Requested();

 private:
  bool outermost_;
  struct sigaction old_int_ {}, old_term_ {};
};

}  // namespace kura::sim
