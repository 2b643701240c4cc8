// The held index: per SKU, the units in this store's active holds. Derived state, kept in
// step with the hold cells in the same WriteBatch; `admin.check` recomputes and compares.
#pragma once

#include <cstdint>
#include <string_view>

#include "txn.h"

namespace kura {

Result<int64_t> HeldUnits(Txn& txn, std::string_view sku);
// Adds `delta` (either sign) to the units held of `sku`.
Status AddHeldUnits(Txn& txn, std::string_view sku, int64_t delta);

}  // namespace kura
