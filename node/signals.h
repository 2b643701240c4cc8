// Stop signals for the daemons: SIGTERM and SIGINT set a flag the event loop checks;
// SIGPIPE is ignored.
#pragma once

#include <atomic>

namespace kura {

void InstallStopSignals();
const std::atomic<bool>& StopRequested();

}  // namespace kura
