// Pick slips: the store's queue of goods to set aside for new pickup and try-on holds, and
// the slip.* API operations. Slips are store-local; a slip leaves the queue when staff
// acknowledge it or when its hold ends.
#pragma once

#include "kura/schema/records.h"
#include "op_context.h"

namespace kura {

// Queues the slip of a new hold (pickup and try-on only; phone holds are taken by staff).
void QueueSlip(OpContext& ctx, const HoldBody& hold);
// Drops the slip of an ended hold, if any.
void DropSlip(OpContext& ctx, std::string_view hold_id);

// The slip as plain text for a receipt printer (42 columns).
std::string FormatSlip(const Slip& slip, const HoldBody& hold);

Result<nlohmann::json> OpSlipList(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpSlipPrint(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpSlipAck(OpContext& ctx, const nlohmann::json& args);

}  // namespace kura
