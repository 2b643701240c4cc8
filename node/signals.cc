#include "signals.h"

#include <csignal>

namespace kura {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};

void OnStopSignal(int) { g_stop.store(true); }
void OnReloadSignal(int) { g_reload.store(true); }

void Handle(int signal, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sigaction(signal, &sa, nullptr);
}

}  // namespace

void InstallStopSignals() {
  Handle(SIGTERM, OnStopSignal);
  Handle(SIGINT, OnStopSignal);
  std::signal(SIGPIPE, SIG_IGN);
}

const std::atomic<bool>& StopRequested() { return g_stop; }

void InstallReloadSignal() { Handle(SIGHUP, OnReloadSignal); }

bool TakeReloadRequest() { return g_reload.exchange(false); }

}  // namespace kura
