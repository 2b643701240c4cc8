#include "registers.h"

#include <algorithm>
#include <cstdint>

#include "change_log.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "kura/sync/lww_register.h"

namespace kura {

Status WriteRegister(OpContext& ctx, std::string_view key, std::string value) {
  if (!keys::MayWrite(key, ctx.origin())) {
    return Status::InvalidArgument(ctx.origin() + " may not write " + std::string(key));
  }
  KURA_ASSIGN_OR_RETURN(auto stored, ctx.txn.Read<RegisterCell>(Cf::kCells, key));
  RegisterCell cell = stored.value_or(RegisterCell{});
  KURA_ASSIGN_OR_RETURN(uint64_t seq, NextSeq(ctx.txn, ctx.origin()));
  // Stamped after the winner this replica holds, as an HLC that had observed it would stamp
  // it: the clock starts afresh at each start, and a peer's may run minutes ahead.
  HlcTimestamp stamp = ctx.hlc->Now();
  if (const LwwRegister* winner = cell.Winner(); winner != nullptr && winner->hlc >= stamp) {
    ctx.hlc->Observe(winner->hlc);
    stamp = std::max(ctx.hlc->Now(), winner->hlc == UINT64_MAX ? winner->hlc : winner->hlc + 1);
  }
  if (ctx.origin() != kHqOrigin && stamp >= kStoreStampCeiling) {
    return Status::Conflict(std::string(key) +
                            " is held by a write stamped past a store's ceiling");
  }
  LwwRegister& mine = cell.writes[ctx.origin()];
  uint64_t previous = mine.seq;
  mine = LwwRegister{std::move(value), stamp, ctx.origin(), seq};
  ctx.txn.Write(Cf::kCells, key, cell);
  IndexChange(ctx.txn, ctx.origin(), previous, seq, key, ctx.now_ms);
  return Status::Ok();
}

Result<std::optional<std::string>> ReadRegister(Txn& txn, std::string_view key) {
  KURA_ASSIGN_OR_RETURN(auto stored, txn.Read<RegisterCell>(Cf::kCells, key));
  if (!stored) return std::optional<std::string>();
  const LwwRegister* winner = stored->Winner();
  if (winner == nullptr) return std::optional<std::string>();
  return std::optional<std::string>(winner->value);
}

}  // namespace kura
