#include "stock.h"

#include <map>

#include "change_log.h"
#include "escrow.h"
#include "held_index.h"
#include "journal.h"
#include "kura/schema/arg_limits.h"
#include "kura/schema/args.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "kura/sync/pn_counter.h"

namespace kura {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxSaleLines = 100;

Result<StockView> ViewOf(OpContext& ctx, std::string_view sku, const PnCounter& cell) {
  KURA_ASSIGN_OR_RETURN(int64_t held, HeldUnits(ctx.txn, sku));
  KURA_ASSIGN_OR_RETURN(int64_t allotted, HqAllotment(ctx.txn, ctx.origin(), sku));
  StockView view{std::string(sku), cell.Value(), held, allotted, 0};
  view.atp = view.on_hand - view.held - ctx.options.safety_stock - view.promised_online;
  return view;
}

Result<std::string> SkuArg(const json& args) { return ArgString(args, "sku", ValidateSku); }
Result<int64_t> QtyArg(const json& args) { return ArgInt(args, "qty", 1, kMaxQty); }

// The shared shape of receive/return/transfer: one SKU, one positive quantity.
Result<json> MoveStock(OpContext& ctx, const json& args, int64_t sign, bool create) {
  KURA_ASSIGN_OR_RETURN(std::string sku, SkuArg(args));
  KURA_ASSIGN_OR_RETURN(int64_t qty, QtyArg(args));
  KURA_RETURN_IF_ERROR(AddStock(ctx, sku, sign * qty, create));
  KURA_ASSIGN_OR_RETURN(StockView view, ViewStock(ctx, sku));
  return ToJson(view);
}

}  // namespace

json ToJson(const StockView& view) {
  return {{"sku", view.sku}, {"on_hand", view.on_hand}, {"held", view.held},
          {"promised_online", view.promised_online}, {"atp", view.atp}};
}

Result<StockView> ViewStock(OpContext& ctx, std::string_view sku) {
  KURA_ASSIGN_OR_RETURN(auto cell, ctx.txn.Read<PnCounter>(Cf::kCells, keys::Stock(ctx.origin(), sku)));
  if (!cell) return Status::NotFound("unknown sku " + std::string(sku));
  return ViewOf(ctx, sku, *cell);
}

Status AddStock(OpContext& ctx, std::string_view sku, int64_t delta, bool create) {
  std::string key = keys::Stock(ctx.origin(), sku);
  KURA_ASSIGN_OR_RETURN(auto cell, ctx.txn.Read<PnCounter>(Cf::kCells, key));
  if (!cell) {
    if (!create) return Status::NotFound("unknown sku " + std::string(sku));
    cell.emplace();
  }
  KURA_ASSIGN_OR_RETURN(uint64_t seq, NextSeq(ctx.txn, ctx.origin()));
  uint64_t previous = cell->Add(ctx.origin(), seq, delta);
  if (!cell->components[ctx.origin()].WithinBounds()) {
    return Status::InvalidArgument("sku " + std::string(sku) +
                                   ": this store's stock totals would pass " +
                                   std::to_string(kMaxCumulativeUnits) + " units");
  }
  ctx.txn.Write(Cf::kCells, key, *cell);
  IndexChange(ctx.txn, ctx.origin(), previous, seq, key, ctx.now_ms);
  return Status::Ok();
}

Result<json> OpStockGet(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string sku, SkuArg(args));
  KURA_ASSIGN_OR_RETURN(StockView view, ViewStock(ctx, sku));
  return ToJson(view);
}

Result<json> OpStockList(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string prefix, ArgOptString(args, "prefix", nullptr));
  KURA_ASSIGN_OR_RETURN(int64_t max_atp, ArgOptInt(args, "max_atp", INT64_MIN, INT64_MAX, INT64_MAX));
  KURA_ASSIGN_OR_RETURN(int64_t limit, ArgOptInt(args, "limit", 1, kMaxStockListLimit, 1'000));
  KURA_ASSIGN_OR_RETURN(std::string after, ArgOptString(args, "after", ValidateSku));
  std::string key_prefix = keys::StockPrefix(ctx.origin());
  json items = json::array();
  bool more = false;
  Status inner;
  Status s = ctx.txn.Scan(
      Cf::kCells, key_prefix + prefix,
      [&](std::string_view key, std::string_view value) {
        PnCounter cell;
        inner = Decode(value, &cell);
        if (!inner.ok()) return false;
        auto view = ViewOf(ctx, key.substr(key_prefix.size()), cell);
        if (!view.ok()) {
          inner = view.status();
          return false;
        }
        if (view->atp > max_atp) return true;
        more = static_cast<int64_t>(items.size()) == limit;  // one more matched: stop here
        if (!more) items.push_back(ToJson(*view));
        return !more;
      },
      ScanStartAfter(key_prefix + prefix, after.empty() ? "" : keys::Stock(ctx.origin(), after)));
  KURA_RETURN_IF_ERROR(s);
  KURA_RETURN_IF_ERROR(inner);
  return json{{"items", items}, {"more", more}};
}

Result<json> OpStockReceive(OpContext& ctx, const json& args) {
  return MoveStock(ctx, args, +1, /*create=*/true);
}

Result<json> OpStockTransferIn(OpContext& ctx, const json& args) {
  KURA_RETURN_IF_ERROR(ArgOptString(args, "from", ValidateStoreId).status());
  return MoveStock(ctx, args, +1, /*create=*/true);
}

Result<json> OpStockTransferOut(OpContext& ctx, const json& args) {
  KURA_RETURN_IF_ERROR(ArgOptString(args, "to", ValidateStoreId).status());
  // Unlike a till sale, a transfer is planned: it may not take goods promised to customers.
  KURA_ASSIGN_OR_RETURN(std::string sku, SkuArg(args));
  KURA_ASSIGN_OR_RETURN(int64_t qty, QtyArg(args));
  KURA_ASSIGN_OR_RETURN(StockView view, ViewStock(ctx, sku));
  if (qty > view.atp) {
    return Status::InsufficientStock("sku " + sku + ": transfer of " + std::to_string(qty) +
                                     " exceeds the " + std::to_string(std::max<int64_t>(view.atp, 0)) +
                                     " units available to promise");
  }
  return MoveStock(ctx, args, -1, /*create=*/false);
}

Result<json> OpStockReturn(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string sku, SkuArg(args));
  KURA_ASSIGN_OR_RETURN(int64_t qty, QtyArg(args));
  KURA_ASSIGN_OR_RETURN(int64_t price, ArgOptInt(args, "price_cents", 0, kMaxPriceCents, 0));
  KURA_ASSIGN_OR_RETURN(std::string customer, ArgOptString(args, "customer", ValidateCustomerId));
  KURA_RETURN_IF_ERROR(AddStock(ctx, sku, qty, /*create=*/false));
  Receipt receipt;
  receipt.kind = ReceiptKind::kReturn;
  receipt.customer = customer;
  receipt.lines.push_back({sku, -qty, price});
  KURA_ASSIGN_OR_RETURN(receipt, AppendReceipt(ctx, std::move(receipt)));
  KURA_ASSIGN_OR_RETURN(StockView view, ViewStock(ctx, sku));
  return json{{"receipt", ToJson(receipt)}, {"stock", ToJson(view)}};
}

Result<json> OpStockSell(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(const json* lines, ArgArray(args, "lines", kMaxSaleLines));
  KURA_ASSIGN_OR_RETURN(std::string customer, ArgOptString(args, "customer", ValidateCustomerId));
  KURA_ASSIGN_OR_RETURN(int64_t override_flag, ArgOptInt(args, "override", 0, 1, 0));
  Receipt receipt;
  receipt.kind = ReceiptKind::kSale;
  receipt.customer = customer;
  std::map<std::string, int64_t> units;
  for (const json& line : *lines) {
    if (!line.is_object()) return Status::InvalidArgument("lines: each line must be a map");
    KURA_ASSIGN_OR_RETURN(std::string sku, SkuArg(line));
    KURA_ASSIGN_OR_RETURN(int64_t qty, QtyArg(line));
    KURA_ASSIGN_OR_RETURN(int64_t price, ArgOptInt(line, "price_cents", 0, kMaxPriceCents, 0));
    units[sku] += qty;
    receipt.lines.push_back({sku, qty, price});
  }
  for (const auto& [sku, qty] : units) {
    KURA_ASSIGN_OR_RETURN(StockView view, ViewStock(ctx, sku));
    int64_t promised = view.held + view.promised_online;
    if (promised > 0 && view.on_hand - qty < promised) {
      if (override_flag == 0) {
        return Status::NeedsOverride("sku " + sku + ": selling " + std::to_string(qty) + " of " +
                                     std::to_string(view.on_hand) + " on hand eats into " +
                                     std::to_string(promised) + " promised units (" +
                                     std::to_string(view.held) + " held, " +
                                     std::to_string(view.promised_online) +
                                     " allotted to online orders); sell with override");
      }
      receipt.override_promised = true;
    }
    KURA_RETURN_IF_ERROR(AddStock(ctx, sku, -qty, /*create=*/false));
  }
  KURA_ASSIGN_OR_RETURN(receipt, AppendReceipt(ctx, std::move(receipt)));
  json stock = json::array();
  for (const auto& line : receipt.lines) {
    KURA_ASSIGN_OR_RETURN(StockView view, ViewStock(ctx, line.sku));
    stock.push_back(ToJson(view));
  }
  return json{{"receipt", ToJson(receipt)}, {"stock", stock}};
}

Result<json> OpStockCount(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string sku, SkuArg(args));
  KURA_ASSIGN_OR_RETURN(int64_t counted, ArgInt(args, "counted", 0, kMaxQty));
  auto before = ViewStock(ctx, sku);
  if (!before.ok() && before.status().code() != Status::Code::kNotFound) return before.status();
  int64_t adjustment = counted - (before.ok() ? before->on_hand : 0);
  // A count that matches changes nothing, but a found SKU must still become known.
  if (adjustment != 0 || !before.ok()) KURA_RETURN_IF_ERROR(AddStock(ctx, sku, adjustment, true));
  KURA_ASSIGN_OR_RETURN(StockView view, ViewStock(ctx, sku));
  json out = ToJson(view);
  out["adjustment"] = adjustment;
  return out;
}

}  // namespace kura
