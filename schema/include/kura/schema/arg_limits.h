// The bounds the daemons hold ops' integer arguments to (PROTOCOL.md 3), beyond those of
// the records themselves (kMaxQty, records.h). kura-store, kura-hq and kuractl all read
// them from here, so kuractl refuses locally exactly what a daemon would refuse.
// Constants only; thread-safe.
#pragma once

#include <cstdint>
#include <limits>

namespace kura {

// hq.policy.set: the share of a store's ATP allotted to HQ, in percent (0..100), and the
// most units of one SKU it allots (0..kMaxAllotmentCap).
inline constexpr int64_t kMaxSharePct = 100;
inline constexpr int64_t kMaxAllotmentCap = 1'000'000;

// A unit price in the currency's minor unit: stock.sell's and stock.return's
// price_cents is 0..kMaxPriceCents.
inline constexpr int64_t kMaxPriceCents = std::numeric_limits<int32_t>::max();

// How long a hold may be asked to last: hold.create's and hq.order.place's expires_in_s
// is 1..kMaxHoldExpirySeconds (90 days).
inline constexpr int64_t kMaxHoldExpirySeconds = 90LL * 24 * 3600;

// The most items one page of a list returns: the list op's `limit` is 1..these.
inline constexpr int64_t kMaxStockListLimit = 100'000;   // stock.list
inline constexpr int64_t kMaxHoldListLimit = 100'000;    // hold.list
inline constexpr int64_t kMaxJournalListLimit = 10'000;  // journal.list
inline constexpr int64_t kMaxExceptionsLimit = 10'000;   // hq.exceptions

}  // namespace kura
