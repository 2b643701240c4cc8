// HQ's stock index: per (SKU, store) the on-hand and held units as merged from the
// stores, kept by HqObserver inside each merge's write so `hq.stock` answers from one
// prefix scan instead of visiting every store's cells. Also HQ's exception log.
//
//   cf "local"  bysku/<sku>/<store>        HqStockEntry
//               exc/<u64be ms>/<u64be n>  HqException
//               order_placed/<hold id>    a routed order as its store answered (hq_orders.h),
//                                         dropped when the hold itself arrives
//                                         (never written if it is already here)
//               routed/, routed_cancel/   for holds made for routed orders HQ did not record
//                                         (routed_calls.h; noted here as each hold arrives)
#pragma once

#include <map>
#include <string>

#include <msgpack.hpp>

#include "cell_replica.h"
#include "kura/schema/msgpack_map.h"
#include "txn.h"

namespace kura {

struct HqStockEntry {
  int64_t on_hand = 0;
  int64_t held = 0;
  KURA_MSGPACK_MAP(on_hand, held);
};

inline constexpr std::string_view kStockIndexPrefix = "bysku/";
std::string StockBySkuPrefix(std::string_view sku);
std::string StockBySku(std::string_view sku, std::string_view store);

struct HqException {
  int64_t at_ms = 0;
  std::string kind;   // e.g. "sync_refused"
  std::string store;
  std::string message;
  KURA_MSGPACK_MAP(at_ms, kind, store, message);
};
inline constexpr std::string_view kExceptionPrefix = "exc/";

std::string PlacedOrderKey(std::string_view hold_id);

// What HQ's stock index should hold, by its keys (StockBySku), from the cells as HqObserver reads them: each stock cell's value, and the lines of the
// active holds a store hands over (merged, or HQ's own). admin.check compares the two.
Result<std::map<std::string, HqStockEntry>> ExpectedStockIndex(Txn& txn);

// Appends an exception to HQ's log (written with the caller's Txn).
Status RecordException(Txn& txn, const HqException& exception);
// The number of the first exception of a log without meta exc_seq: above those a build
// before that key gave (a count from 0 at each start), so no earlier record is overwritten.
inline constexpr uint64_t kFirstExceptionSeq = uint64_t{1} << 32;

class HqObserver final : public CellReplica::Observer {
 public:
  Status OnCellMerged(Txn& txn, std::string_view key, const std::string* before,
                      const std::string& after) override;
};

}  // namespace kura
