// PollUntil: waiting on other processes' asynchronous progress (a sync link coming up,
// replicas converging), where there is no event to block on: poll a condition with a
// deadline, never sleep a fixed time and hope. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <functional>

namespace kura::sim {

// Calls `done` every `every_ms` until it returns true (returns true) or `timeout_ms` has
// passed since the call (returns false; `done` ran at least once).
bool PollUntil(const std::function<bool()>& done, int64_t timeout_ms, int every_ms = 100);

}  // namespace kura::sim
