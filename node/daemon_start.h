// The common start of kura-store's and kura-hq's main(): operator logging, stop signals,
// the data directory and the engine over it.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "engine.h"
#include "event_loop.h"

namespace kura {

// Sets up logging at `log_level` and the stop signals, creates the data directory and
// opens the engine serving `ops`. On failure the error is logged (event=open_failed).
Result<std::unique_ptr<Engine>> StartDaemon(const StoreOptions& options, std::span<const OpSpec> ops,
                                            const std::string& log_level);

// Stops `loop` once `engine`'s database has refused a write (Db::WriteFailure says why),
// logging event=storage_failed: main then exits non-zero for the supervisor to restart it.
void StopOnStorageFailure(EventLoop& loop, Engine* engine);

}  // namespace kura
