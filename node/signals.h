// Signals for the daemons: SIGTERM and SIGINT set a flag the event loop checks; SIGPIPE is
// ignored. kura-hq also takes SIGHUP (systemctl reload) as a request to read its settings
// again (hq_reload.h).
#pragma once

#include <atomic>

namespace kura {

void InstallStopSignals();
const std::atomic<bool>& StopRequested();

// SIGHUP sets a flag TakeReloadRequest clears; without this call SIGHUP ends the process.
void InstallReloadSignal();
// Whether SIGHUP came since the last call.
bool TakeReloadRequest();

}  // namespace kura
