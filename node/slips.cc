#include "slips.h"

#include <ctime>

#include "holds.h"
#include "kura/schema/args.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "kura/schema/utc_time.h"

namespace kura {
namespace {

using nlohmann::json;

std::string Rule() { return std::string(42, '-') + "\n"; }

json ToJson(const Slip& slip, const HoldBody& hold) {
  json out = {{"hold_id", slip.hold_id}, {"shelf", slip.shelf}, {"kind", HoldKindName(hold.kind)},
              {"created_ms", slip.created_ms}, {"expires_ms", hold.expires_ms},
              {"acked", slip.acked_ms != 0}};
  if (slip.acked_ms != 0) out["acked_ms"] = slip.acked_ms;
  if (!hold.customer.empty()) out["customer"] = hold.customer;
  return out;
}

Result<Slip> ReadSlip(OpContext& ctx, std::string_view hold_id) {
  KURA_ASSIGN_OR_RETURN(auto slip, ctx.txn.Read<Slip>(Cf::kLocal, keys::Slip(hold_id)));
  if (!slip) return Status::NotFound("no pending slip for hold " + std::string(hold_id));
  return std::move(*slip);
}

}  // namespace

void QueueSlip(OpContext& ctx, const HoldBody& hold) {
  if (hold.kind != HoldKind::kPickup && hold.kind != HoldKind::kTryOn) return;
  // Spread holds over the bins by their number, so consecutive holds go side by side.
  uint64_t number = std::strtoull(hold.id.substr(hold.id.rfind('.') + 1).c_str(), nullptr, 10);
  char shelf[16];
  int bins = std::max(1, ctx.options.hold_shelf_bins);
  std::snprintf(shelf, sizeof shelf, "HOLD-%02d", static_cast<int>(number % bins) + 1);
  ctx.txn.Write(Cf::kLocal, keys::Slip(hold.id), Slip{hold.id, shelf, ctx.now_ms, 0});
}

void DropSlip(OpContext& ctx, std::string_view hold_id) {
  ctx.txn.Delete(Cf::kLocal, keys::Slip(hold_id));
}

std::string FormatSlip(const Slip& slip, const HoldBody& hold) {
  std::string out;
  out += Rule();
  out += "PICK SLIP  " + std::string(HoldKindName(hold.kind)) + "\n";
  out += "store:    " + hold.store + "\n";
  out += "hold:     " + hold.id + "\n";
  out += "customer: " + (hold.customer.empty() ? std::string("-") : hold.customer) + "\n";
  out += "expires:  " + FormatUtcMillis(hold.expires_ms, "%Y-%m-%d %H:%M UTC") + "\n";
  out += Rule();
  for (const auto& line : hold.lines) {
    std::string qty = std::to_string(line.qty) + " x ";
    out += qty + line.sku + "\n";
  }
  out += Rule();
  out += "PUT ON SHELF: " + slip.shelf + "\n";
  out += Rule();
  return out;
}

Result<json> OpSlipList(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(int64_t all, ArgOptInt(args, "all", 0, 1, 0));
  std::vector<Slip> slips;
  Status inner;
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kLocal, keys::kSlipPrefix, [&](std::string_view, std::string_view value) {
    Slip slip;
    inner = Decode(value, &slip);
    if (!inner.ok()) return false;
    if (all || slip.acked_ms == 0) slips.push_back(std::move(slip));
    return true;
  }));
  KURA_RETURN_IF_ERROR(inner);
  json out = json::array();
  for (const Slip& slip : slips) {
    KURA_ASSIGN_OR_RETURN(HoldCell hold, ReadHold(ctx, slip.hold_id));
    out.push_back(ToJson(slip, hold.body));
  }
  return json{{"slips", out}};
}

Result<json> OpSlipPrint(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string id, ArgString(args, "id", ValidateHoldId));
  KURA_ASSIGN_OR_RETURN(Slip slip, ReadSlip(ctx, id));
  KURA_ASSIGN_OR_RETURN(HoldCell hold, ReadHold(ctx, id));
  json out = ToJson(slip, hold.body);
  out["text"] = FormatSlip(slip, hold.body);
  return out;
}

Result<json> OpSlipAck(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string id, ArgString(args, "id", ValidateHoldId));
  KURA_ASSIGN_OR_RETURN(Slip slip, ReadSlip(ctx, id));
  KURA_ASSIGN_OR_RETURN(HoldCell hold, ReadHold(ctx, id));
  // Acknowledging twice is harmless: the first time stands.
  if (slip.acked_ms == 0) {
    slip.acked_ms = ctx.now_ms;
    ctx.txn.Write(Cf::kLocal, keys::Slip(id), slip);
  }
  return ToJson(slip, hold.body);
}

}  // namespace kura
