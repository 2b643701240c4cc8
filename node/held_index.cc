#include "held_index.h"

#include "kura/schema/keys.h"

namespace kura {

Result<int64_t> HeldUnits(Txn& txn, std::string_view sku) {
  KURA_ASSIGN_OR_RETURN(auto held, txn.Read<int64_t>(Cf::kLocal, keys::Held(sku)));
  return held.value_or(0);
}

Status AddHeldUnits(Txn& txn, std::string_view sku, int64_t delta) {
  KURA_ASSIGN_OR_RETURN(int64_t held, HeldUnits(txn, sku));
  held += delta;
  if (held == 0) {
    txn.Delete(Cf::kLocal, keys::Held(sku));
  } else {
    txn.Write(Cf::kLocal, keys::Held(sku), held);
  }
  return Status::Ok();
}

}  // namespace kura
