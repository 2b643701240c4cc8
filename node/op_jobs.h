// Periodic jobs that are API operations without a request id (journal.compact,
// escrow.grant, hq.escrow.return): the loop runs them through the engine like any client,
// so they share its group commit, and logs what they did. Also the request-id pruning
// both daemons run.
#pragma once

#include <cstdint>
#include <string>

#include "engine.h"
#include "event_loop.h"

namespace kura {

// Every `every_ms`, runs `op` with no arguments; logs an error, or `event` with the
// reply's `count_field` when it is above zero. Skipped while the store waits for HQ's data
// (Engine::awaiting_hq), which would refuse it every time.
void ScheduleOpJob(EventLoop& loop, Engine* engine, const std::string& op, int64_t every_ms,
                   const std::string& event, const std::string& count_field);

// How often a daemon forgets request ids older than its request retention.
constexpr int64_t kPruneRequestIdsEveryMs = 10 * 60 * 1000;

// Every kPruneRequestIdsEveryMs, Engine::PruneRequestIds in steps between the requests
// until a pass is done; logs how many went.
void SchedulePruneRequestIds(EventLoop& loop, Engine* engine);

}  // namespace kura
