#include "signals.h"

#include <csignal>

namespace kura {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};

void OnStopSignal(int) { g_stop.store(true); }
void OnReloadSignal(int) { g_reload.store(true); }

void Handle(int signal, void (*handler)(int), int flags) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  sigaction(signal, &sa, nullptr);
}

}  // namespace

void InstallStopSignals() {
  Handle(SIGTERM, OnStopSignal, 0);
  Handle(SIGINT, OnStopSignal, 0);
  std::signal(SIGPIPE, SIG_IGN);
}

const std::atomic<bool>& StopRequested() { return g_stop; }

// A reload comes while the daemon runs: a system call it interrupts resumes rather than
// failing with EINTR (a write to the log, say); the loop's poll is never restarted, but
// the loop looks at the flag on its timer anyway.
void InstallReloadSignal() { Handle(SIGHUP, OnReloadSignal, SA_RESTART); }

bool TakeReloadRequest() { return g_reload.exchange(false); }

}  // namespace kura
