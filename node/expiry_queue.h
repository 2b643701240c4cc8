// The queue of active holds by expiry time, and a cursor in front of it.
//
// Holds leave the queue when they end, expired or not; RocksDB keeps the deleted keys
// until compaction, and a scan from the queue's start would step over every one of them
// on every run of the expiry job (each second in kura-store). The scan starts at the
// cursor instead: everything due before it was handled, and a hold due earlier than the
// cursor (its clock was behind) pulls the cursor back when it joins.
//
//   cf "local"  exp/<u64be expires_ms>/<hold id>   empty
//               exp_from                           i64: the cursor, in ms
//
// Not thread-safe (runs inside one commit group).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "txn.h"

namespace kura {

Status EnqueueExpiry(Txn& txn, int64_t expires_ms, std::string_view hold_id);
void DequeueExpiry(Txn& txn, int64_t expires_ms, std::string_view hold_id);

// The queue's keys due at `now_ms` (expires_ms <= now_ms), in order. The caller ends each
// of their holds (or drops a stale key) in the same write as AdvanceExpiryCursor.
Result<std::vector<std::string>> DueExpiries(Txn& txn, int64_t now_ms);

// Records that everything due at `now_ms` was handled. Writes only when something was
// due or the cursor lags an hour, so an idle store does not sync a write each second.
Status AdvanceExpiryCursor(Txn& txn, int64_t now_ms, bool handled_any);

}  // namespace kura
