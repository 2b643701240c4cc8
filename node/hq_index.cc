#include "hq_index.h"

#include <atomic>
#include <map>

#include "kura/schema/codec.h"
#include "kura/schema/keys.h"
#include "kura/schema/records.h"
#include "kura/sync/cell_slice.h"
#include "kura/sync/hold_cell.h"
#include "kura/sync/pn_counter.h"

namespace kura {
namespace {

constexpr std::string_view kStockBySkuPrefix = "bysku/";

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

std::string StockBySkuPrefix(std::string_view sku) { return std::string(kStockBySkuPrefix) + std::string(sku) + "/"; }
std::string StockBySku(std::string_view sku, std::string_view store) {
  return StockBySkuPrefix(sku) + std::string(store);
}

void RecordException(Txn& txn, const HqException& exception) {
  static std::atomic<uint64_t> counter{0};
  std::string key(kExceptionPrefix);
  PutBigEndian64(&key, static_cast<uint64_t>(exception.at_ms));
  key.push_back('/');
  PutBigEndian64(&key, counter++);
  txn.Write(Cf::kLocal, key, exception);
}

Result<int64_t> CheckHqStockIndex(Txn& txn, nlohmann::json* problems) {
  // What the index should say, per "<sku>/<store>", from the cells as HqObserver reads
  // them: a stock cell's value, and the lines of the active holds the store hands over.
  std::map<std::string, HqStockEntry> expected;
  Status inner;
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kCells, "", [&](std::string_view key, std::string_view value) {
    if (CellTypeOfKey(key) == CellType::kCounter) {
      PnCounter cell;
      inner = Decode(value, &cell);
      expected[std::string(keys::SkuOf(key)) + "/" + std::string(keys::OwnerOf(key))].on_hand = cell.Value();
    } else if (CellTypeOfKey(key) == CellType::kHold) {
      HoldCell hold;
      inner = Decode(value, &hold);
      if (inner.ok() && IsActive(hold.State())) {
        for (const auto& line : hold.body.lines) expected[line.sku + "/" + hold.body.store].held += line.qty;
      }
    }
    return inner.ok();
  }));
  KURA_RETURN_IF_ERROR(inner);
  int64_t entries = 0, wrong = 0;
  auto report = [&](const std::string& at, const HqStockEntry& index, const HqStockEntry& cells) {
    if (index.on_hand == cells.on_hand && index.held == cells.held) return;
    if (++wrong > 20) return;
    problems->push_back("stock index " + at + ": on_hand " + std::to_string(index.on_hand) + ", held " +
                        std::to_string(index.held) + "; the cells say " + std::to_string(cells.on_hand) + ", " +
                        std::to_string(cells.held));
  };
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kLocal, kStockBySkuPrefix, [&](std::string_view key, std::string_view value) {
    ++entries;
    HqStockEntry index;
    inner = Decode(value, &index);
    std::string at(key.substr(kStockBySkuPrefix.size()));
    auto it = expected.find(at);
    report(at, index, it == expected.end() ? HqStockEntry{} : it->second);
    if (it != expected.end()) expected.erase(it);
    return inner.ok();
  }));
  KURA_RETURN_IF_ERROR(inner);
  for (const auto& [at, cells] : expected) report(at, HqStockEntry{}, cells);  // no index entry
  if (wrong > 20) problems->push_back(std::to_string(wrong - 20) + " more stock index entries disagree");
  return entries;
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
      // The hold has reached HQ: its routed order needs no stand-in any more.
      if (before == nullptr) txn.Delete(Cf::kLocal, PlacedOrderKey(now.body.id));
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
      RecordException(txn, HqException{receipt.at_ms, "till_override", receipt.origin,
                                        "till sale of " + lines + " ate into promised units (receipt " +
                                            std::to_string(receipt.seq) + ")"});
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

}  // namespace kura
