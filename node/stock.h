// Stock: on-hand per SKU as a PN counter cell, and the API operations on it
// (stock.get/list/receive/sell/return/count/transfer_out/transfer_in).
//
// A SKU is known once stock has been received, counted or transferred in; selling,
// returning or holding an unknown SKU is NotFound. A till sale succeeds even past zero (the
// goods are in the customer's hand), but one that would eat into promised units — held for
// customers or allotted to HQ — needs `override`, which its receipt records.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kura/schema/records.h"
#include "op_context.h"

namespace kura {

struct StockView {
  std::string sku;
  int64_t on_hand = 0;
  int64_t held = 0;
  int64_t promised_online = 0;  // units allotted to HQ for online orders (node/escrow.h)
  int64_t atp = 0;  // on_hand - held - safety stock - promised_online; negative when oversold
};
nlohmann::json ToJson(const StockView& view);

// NotFound when the SKU is unknown.
Result<StockView> ViewStock(OpContext& ctx, std::string_view sku);
// Adds `delta` to this store's on-hand of `sku`, creating the cell when `create` is set
// (NotFound otherwise).
Status AddStock(OpContext& ctx, std::string_view sku, int64_t delta, bool create);

Result<nlohmann::json> OpStockGet(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpStockList(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpStockReceive(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpStockSell(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpStockReturn(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpStockCount(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpStockTransferOut(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpStockTransferIn(OpContext& ctx, const nlohmann::json& args);

}  // namespace kura
