#include "hq_index.h"

#include "kura/schema/codec.h"
#include "kura/schema/keys.h"
#include "kura/schema/records.h"
#include "kura/sync/cell_slice.h"
#include "kura/sync/hold_cell.h"
#include "kura/sync/pn_counter.h"
#include "routed_calls.h"

namespace kura {
namespace {

// Every stock cell and every hold cell, whatever the store (PROTOCOL.md 3).
constexpr std::string_view kStockCells = "s/", kHoldCells = "h/";

Status Update(Txn& txn, std::string_view sku, std::string_view store, int64_t on_hand_set,
              bool set_on_hand, int64_t held_delta) {
  std::string key = StockBySku(sku, store);
  KURA_ASSIGN_OR_RETURN(auto entry, txn.Read<HqStockEntry>(Cf::kLocal, key));
  HqStockEntry e = entry.value_or(HqStockEntry{});
  if (set_on_hand) e.on_hand = on_hand_set;
  e.held += held_delta;
  txn.Write(Cf::kLocal, key, e);
  return Status::Ok();
}

}  // namespace

std::string StockBySkuPrefix(std::string_view sku) { return std::string(kStockIndexPrefix) + std::string(sku) + "/"; }
std::string StockBySku(std::string_view sku, std::string_view store) {
  return StockBySkuPrefix(sku) + std::string(store);
}

Status RecordException(Txn& txn, const HqException& exception) {
  // Numbered by a counter kept with the log: a count kept in memory started again at each
  // start, and a record made at the same at_ms as one of an earlier run overwrote it.
  KURA_ASSIGN_OR_RETURN(auto next, txn.Read<uint64_t>(Cf::kMeta, keys::kMetaExceptionSeq));
  uint64_t n = next.value_or(kFirstExceptionSeq);
  std::string key(kExceptionPrefix);
  PutBigEndian64(&key, static_cast<uint64_t>(exception.at_ms));
  key.push_back('/');
  PutBigEndian64(&key, n);
  txn.Write(Cf::kMeta, keys::kMetaExceptionSeq, n + 1);
  txn.Write(Cf::kLocal, key, exception);
  return Status::Ok();
}

Result<std::map<std::string, HqStockEntry>> ExpectedStockIndex(Txn& txn) {
  std::map<std::string, HqStockEntry> expected;
  Status inner;
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kCells, kStockCells, [&](std::string_view key, std::string_view value) {
    PnCounter cell;
    inner = Decode(value, &cell);
    expected[StockBySku(keys::SkuOf(key), keys::OwnerOf(key))].on_hand = cell.Value();
    return inner.ok();
  }));
  KURA_RETURN_IF_ERROR(inner);
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kCells, kHoldCells, [&](std::string_view, std::string_view value) {
    HoldCell hold;
    inner = Decode(value, &hold);
    if (inner.ok() && IsActive(hold.State())) {
      for (const auto& line : hold.body.lines) expected[StockBySku(line.sku, hold.body.store)].held += line.qty;
    }
    return inner.ok();
  }));
  KURA_RETURN_IF_ERROR(inner);
  return expected;
}

std::string PlacedOrderKey(std::string_view hold_id) { return "order_placed/" + std::string(hold_id); }

Status HqObserver::OnCellMerged(Txn& txn, std::string_view key, const std::string* before,
                                const std::string& after) {
  switch (CellTypeOfKey(key)) {
    case CellType::kCounter: {
      PnCounter cell;
      KURA_RETURN_IF_ERROR(Decode(after, &cell));
      return Update(txn, keys::SkuOf(key), keys::OwnerOf(key), cell.Value(), true, 0);
    }
    case CellType::kHold: {
      HoldCell now;
      KURA_RETURN_IF_ERROR(Decode(after, &now));
      bool was = false;
      if (before != nullptr) {
        HoldCell old;
        KURA_RETURN_IF_ERROR(Decode(*before, &old));
        was = IsActive(old.State());
      }
      if (before == nullptr) {
        // The hold has reached HQ: its routed order needs no stand-in any more, and a
        // hold HQ did not record as its order is released (routed_calls.h).
        txn.Delete(Cf::kLocal, PlacedOrderKey(now.body.id));
        KURA_RETURN_IF_ERROR(NoteArrivedHold(txn, now));
      }
      bool is = IsActive(now.State());
      if (was == is) return Status::Ok();
      for (const auto& line : now.body.lines) {
        KURA_RETURN_IF_ERROR(Update(txn, line.sku, now.body.store, 0, false, is ? line.qty : -line.qty));
      }
      return Status::Ok();
    }
    case CellType::kJournal: {
      // A till sale that ate into promised units is an exception HQ lists.
      Receipt receipt;
      KURA_RETURN_IF_ERROR(Decode(after, &receipt));
      if (!receipt.override_promised) return Status::Ok();
      std::string lines;
      for (const auto& l : receipt.lines) lines += (lines.empty() ? "" : ", ") + std::to_string(l.qty) + " " + l.sku;
      return RecordException(
          txn, HqException{receipt.at_ms, "till_override", receipt.origin,
                           "till sale of " + lines + " ate into promised units (receipt " +
                               std::to_string(receipt.seq) + ")"});
    }
    default:
      return Status::Ok();
  }
}

}  // namespace kura
