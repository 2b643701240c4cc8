// kura-hq's local API operations (schema/PROTOCOL.md, "HQ API").
#include <deque>

#include "admin.h"
#include "escrow.h"
#include "hq_orders.h"
#include "directory.h"
#include "hq_index.h"
#include "kura/schema/arg_limits.h"
#include "kura/schema/args.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "ops.h"
#include "routed_calls.h"

namespace kura {
namespace {

using nlohmann::json;

Result<json> OpHqStock(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string sku, ArgString(args, "sku", ValidateSku));
  std::string prefix = StockBySkuPrefix(sku);
  json stores = json::array();
  int64_t on_hand = 0, held = 0;
  Status inner;
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kLocal, prefix, [&](std::string_view key, std::string_view value) {
    HqStockEntry e;
    inner = Decode(value, &e);
    if (!inner.ok()) return false;
    on_hand += e.on_hand;
    held += e.held;
    stores.push_back({{"store", std::string(key.substr(prefix.size()))}, {"on_hand", e.on_hand},
                      {"held", e.held}, {"atp", e.on_hand - e.held}});
    return true;
  }));
  KURA_RETURN_IF_ERROR(inner);
  if (stores.empty()) return Status::NotFound("no store has reported sku " + sku);
  return json{{"sku", sku}, {"stores", stores},
              {"total", {{"on_hand", on_hand}, {"held", held}, {"atp", on_hand - held}}}};
}

// The oldest `limit`, or the newest (then every record is read: the log only grows, and an
// operator looks for what happened last).
Result<json> OpHqExceptions(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(int64_t limit, ArgOptInt(args, "limit", 1, kMaxExceptionsLimit, 100));
  KURA_ASSIGN_OR_RETURN(int64_t newest, ArgOptInt(args, "newest", 0, 1, 0));
  std::deque<json> kept;
  bool more = false;
  Status inner;
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kLocal, kExceptionPrefix, [&](std::string_view, std::string_view value) {
    if (newest == 0 && static_cast<int64_t>(kept.size()) == limit) {
      more = true;
      return false;
    }
    HqException e;
    inner = Decode(value, &e);
    if (!inner.ok()) return false;
    kept.push_back({{"at_ms", e.at_ms}, {"kind", e.kind}, {"store", e.store}, {"message", e.message}});
    if (static_cast<int64_t>(kept.size()) > limit) {
      kept.pop_front();
      more = true;
    }
    return true;
  }));
  KURA_RETURN_IF_ERROR(inner);
  return json{{"exceptions", json(kept)}, {"more", more}};
}

Result<json> OpHqStatus(OpContext& ctx, const json&) {
  return json{{"store_id", ctx.origin()}, {"data_dir", ctx.options.data_dir},
              {"uptime_s", ctx.uptime_ms / 1000}};
}

constexpr OpSpec kHqOps[] = {
    {"status", OpHqStatus, false},
    {"hq.availability", OpHqAvailability, false},
    // Settles the call that routed the order to its store, whatever HQ answered.
    {"hq.order.place", OpHqOrderPlace, true, SettleOrderCall},
    {"hq.order.cancel", OpHqOrderCancel, true},
    {"hq.order.status", OpHqOrderStatus, false},
    // Mutating as hold.ticket is: the first ticket publishes HQ's signing key.
    {"hq.order.ticket", OpHqOrderTicket, true},
    {"hq.policy.set", OpHqPolicySet, true},
    {"policy.get", OpPolicyGet, false},
    // Writes, but needs no request id: returning down to the target twice is once.
    {"hq.escrow.return", OpHqEscrowReturn, false},
    // Likewise: a hold already cancelled stays cancelled.
    {"hq.orders.release", OpHqOrdersRelease, false},
    {"hq.stock", OpHqStock, false},
    {"hq.sync_status", OpSyncStatus, false},
    {"hq.exceptions", OpHqExceptions, false},
    {"admin.check", OpHqAdminCheck, false},
    {"directory.list", OpDirectoryList, false},
    {"hq.directory.set", OpHqDirectorySet, true},
    {"hq.store_status.set", OpHqStoreStatusSet, true},
};

}  // namespace

std::span<const OpSpec> HqOps() { return kHqOps; }

}  // namespace kura
