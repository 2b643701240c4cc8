// The common start of kura-store's and kura-hq's main(): operator logging, stop signals,
// the data directory and the engine over it.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "engine.h"

namespace kura {

// Sets up logging at `log_level` and the stop signals, creates the data directory and
// opens the engine serving `ops`. On failure the error is logged (event=open_failed).
Result<std::unique_ptr<Engine>> StartDaemon(const StoreOptions& options, std::span<const OpSpec> ops,
                                            const std::string& log_level);

}  // namespace kura
