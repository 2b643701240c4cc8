#include "restore_end.h"

namespace kura {

Result<bool> EndAwaitingHqIfRestored(Engine& engine, CellReplica& replica, const SyncSession& session) {
  if (!engine.awaiting_hq() || !session.greeted()) return false;
  // HQ's Hello said what it holds of our lanes; merging its batches raised ours to match.
  KURA_ASSIGN_OR_RETURN(bool back, replica.HoldsOwnLanes(session.stats().peer_held));
  if (!back) return false;
  KURA_RETURN_IF_ERROR(engine.EndAwaitingHq());
  return true;
}

}  // namespace kura
