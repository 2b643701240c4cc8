#include "store_observer.h"

#include "holds.h"
#include "kura/schema/keys.h"
#include "kura/sync/cell_slice.h"
#include "kura/sync/hold_cell.h"

namespace kura {

Status StoreObserver::OnCellMerged(Txn& txn, std::string_view key, const std::string* before,
                                   const std::string& after) {
  if (CellTypeOfKey(key) != CellType::kHold) return Status::Ok();
  HoldCell now;
  KURA_RETURN_IF_ERROR(Decode(after, &now));
  bool was_active = false;
  if (before != nullptr) {
    HoldCell old;
    KURA_RETURN_IF_ERROR(Decode(*before, &old));
    was_active = IsActive(old.State());
  }
  OpContext ctx{txn, *options_, clock_->NowMillis(), 0};
  if (before == nullptr && now.body.issuer == options_->store_id) {
    // Our own hold coming back after a wiped disk: never hand its number out again.
    uint64_t number = std::strtoull(now.body.id.substr(now.body.id.rfind('.') + 1).c_str(), nullptr, 10);
    KURA_ASSIGN_OR_RETURN(auto counter, txn.Read<uint64_t>(Cf::kMeta, keys::HoldCounter(options_->store_id)));
    if (counter.value_or(0) < number) txn.Write(Cf::kMeta, keys::HoldCounter(options_->store_id), number);
  }
  bool is_active = IsActive(now.State());
  if (before == nullptr && is_active) return AdmitHold(ctx, now.body);
  if (was_active && !is_active) return ReleaseHold(ctx, now.body);
  return Status::Ok();
}

}  // namespace kura
