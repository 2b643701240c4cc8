// The end of a store's restore after a disk replacement: a store on a new directory waits
// for HQ (Engine::awaiting_hq, PROTOCOL.md 3 `meta awaiting_hq`) and takes writes once HQ
// has greeted it and it holds what HQ's Hello said HQ holds of its own two lanes. One rule
// for kura-store (StoreSync), kura-sim's world and kura-bench's restore.
#pragma once

#include "cell_replica.h"
#include "engine.h"
#include "kura/sync/session.h"

namespace kura {

// Ends the wait when the restore is done. Returns whether it ended now (false: not
// waiting, or HQ's data not all back yet).
Result<bool> EndAwaitingHqIfRestored(Engine& engine, CellReplica& replica, const SyncSession& session);

}  // namespace kura
