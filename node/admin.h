// Operator operations: `status` (who and how much) and `admin.check` (a store's or HQ's),
// which recomputes every piece of derived state from the cells and reports any
// disagreement — the "nothing half-applied" check of the crash tests, and an fsck for
// operators.
#pragma once

#include "op_context.h"

namespace kura {

Result<nlohmann::json> OpStatus(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpAdminCheck(OpContext& ctx, const nlohmann::json& args);
// HQ's admin.check: its stock index against the merged stock and hold cells, and its
// change index. kura-hq runs it from a snapshot on a worker thread (hq_check_runner.h).
Result<nlohmann::json> OpHqAdminCheck(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> HqAdminCheck(Txn& txn);
// The sync link's health (SyncView::Describe), or {configured: false}.
Result<nlohmann::json> OpSyncStatus(OpContext& ctx, const nlohmann::json& args);

}  // namespace kura
