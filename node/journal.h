// The journal: write-once receipts (sales, returns, collections) of this store, numbered
// by the store's origin sequence, and the journal.list operation.
#pragma once

#include "kura/schema/records.h"
#include "op_context.h"

namespace kura {

// Appends `receipt` (origin and seq are filled in) and returns it as stored.
Result<Receipt> AppendReceipt(OpContext& ctx, Receipt receipt);
nlohmann::json ToJson(const Receipt& receipt);

Result<nlohmann::json> OpJournalList(OpContext& ctx, const nlohmann::json& args);
// Drops receipts that HQ has acknowledged and that are older than the retention (HQ keeps
// them all): bounded storage at the store.
Result<nlohmann::json> OpJournalCompact(OpContext& ctx, const nlohmann::json& args);

}  // namespace kura
