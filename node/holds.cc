#include "holds.h"

#include <map>

#include "change_log.h"
#include "expiry_queue.h"
#include "held_index.h"
#include "journal.h"
#include "kura/schema/arg_limits.h"
#include "kura/schema/args.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "slips.h"
#include "stock.h"
#include "tickets.h"

namespace kura {
namespace {

using nlohmann::json;

int64_t DefaultExpirySeconds(HoldKind kind) {
  switch (kind) {
    case HoldKind::kTryOn: return 2 * 3600;
    case HoldKind::kPhone: return 24 * 3600;
    default: return 72 * 3600;
  }
}

// Units per SKU over all lines (a hold may list one SKU twice).
std::map<std::string, int64_t> UnitsBySku(const std::vector<HoldLine>& lines) {
  std::map<std::string, int64_t> units;
  for (const auto& line : lines) units[line.sku] += line.qty;
  return units;
}

Status WriteHold(OpContext& ctx, HoldCell& cell, HoldState state) {
  KURA_ASSIGN_OR_RETURN(uint64_t seq, NextSeq(ctx.txn, ctx.origin()));
  uint64_t previous = cell.Advance(ctx.origin(), seq, state, ctx.now_ms);
  std::string key = keys::Hold(cell.body.store, cell.body.id);
  ctx.txn.Write(Cf::kCells, key, cell);
  IndexChange(ctx.txn, ctx.origin(), previous, seq, key, ctx.now_ms);
  return Status::Ok();
}

// Hands a hold's goods over: on-hand goes down by its lines and a collection receipt is
// journaled.
Status HandOver(OpContext& ctx, const HoldBody& body) {
  for (const auto& [sku, qty] : UnitsBySku(body.lines)) {
    KURA_RETURN_IF_ERROR(AddStock(ctx, sku, -qty, false));
  }
  Receipt receipt;
  receipt.kind = ReceiptKind::kCollection;
  receipt.customer = body.customer;
  receipt.hold_id = body.id;
  for (const auto& line : body.lines) receipt.lines.push_back({line.sku, line.qty, 0});
  return AppendReceipt(ctx, std::move(receipt)).status();
}

// Ends a hold: releases it and, for a collection, hands the goods over.
Status EndHold(OpContext& ctx, const HoldCell& cell, HoldState end) {
  KURA_RETURN_IF_ERROR(ReleaseHold(ctx, cell.body));
  if (end == HoldState::kCollected) KURA_RETURN_IF_ERROR(HandOver(ctx, cell.body));
  return Status::Ok();
}

// Whether a hold in `from` may be moved to `to` by a local operation. Ended holds stay
// ended; confirm (payment) only applies to a held hold; everything else moves forward.
Status CheckTransition(const HoldCell& cell, HoldState to) {
  HoldState from = cell.State();
  auto refuse = [&] {
    return Status::Conflict("hold " + cell.body.id + " is " + std::string(HoldStateName(from)) +
                            "; cannot move to " + std::string(HoldStateName(to)));
  };
  if (!IsActive(from) || to <= from) return refuse();
  if (to == HoldState::kConfirmed && from != HoldState::kHeld) return refuse();
  return Status::Ok();
}

Result<json> Transition(OpContext& ctx, const json& args, HoldState to) {
  KURA_ASSIGN_OR_RETURN(std::string id, ArgString(args, "id", ValidateHoldId));
  KURA_ASSIGN_OR_RETURN(HoldCell cell, ReadHold(ctx, id));
  KURA_RETURN_IF_ERROR(CheckTransition(cell, to));
  KURA_RETURN_IF_ERROR(WriteHold(ctx, cell, to));
  if (!IsActive(to)) KURA_RETURN_IF_ERROR(EndHold(ctx, cell, to));
  return ToJson(cell);
}

Result<std::vector<HoldLine>> LinesArg(const json& args) {
  KURA_ASSIGN_OR_RETURN(const json* lines, ArgArray(args, "lines", kMaxHoldLines));
  std::vector<HoldLine> out;
  for (const json& line : *lines) {
    if (!line.is_object()) return Status::InvalidArgument("lines: each line must be a map");
    KURA_ASSIGN_OR_RETURN(std::string sku, ArgString(line, "sku", ValidateSku));
    KURA_ASSIGN_OR_RETURN(int64_t qty, ArgInt(line, "qty", 1, kMaxQty));
    out.push_back({std::move(sku), qty});
  }
  return out;
}

}  // namespace

Status AdmitHold(OpContext& ctx, const HoldBody& body) {
  for (const auto& [sku, qty] : UnitsBySku(body.lines)) KURA_RETURN_IF_ERROR(AddHeldUnits(ctx.txn, sku, qty));
  KURA_RETURN_IF_ERROR(EnqueueExpiry(ctx.txn, body.expires_ms, body.id));
  QueueSlip(ctx, body);
  return Status::Ok();
}

Status ReleaseHold(OpContext& ctx, const HoldBody& body) {
  for (const auto& [sku, qty] : UnitsBySku(body.lines)) KURA_RETURN_IF_ERROR(AddHeldUnits(ctx.txn, sku, -qty));
  DequeueExpiry(ctx.txn, body.expires_ms, body.id);
  DropSlip(ctx, body.id);
  return Status::Ok();
}

Result<HoldCell> ReadHold(OpContext& ctx, std::string_view hold_id) {
  KURA_ASSIGN_OR_RETURN(auto cell, ctx.txn.Read<HoldCell>(Cf::kCells, keys::Hold(ctx.origin(), hold_id)));
  if (!cell) return Status::NotFound("no hold " + std::string(hold_id));
  return std::move(*cell);
}

json ToJson(const HoldCell& hold) {
  const HoldBody& b = hold.body;
  json lines = json::array();
  for (const auto& line : b.lines) lines.push_back({{"sku", line.sku}, {"qty", line.qty}});
  json out = {{"id", b.id},           {"store", b.store},
              {"kind", HoldKindName(b.kind)}, {"state", HoldStateName(hold.State())},
              {"lines", lines},       {"created_ms", b.created_ms},
              {"expires_ms", b.expires_ms}, {"state_since_ms", hold.StateSinceMs()},
              {"issuer", b.issuer}};
  if (!b.customer.empty()) out["customer"] = b.customer;
  return out;
}

json HoldAnswerFields(const json& answer) {
  // ToJson's keys, and the ticket hold.create adds (tests/unit/store_hold_test.cc keeps them in step).
  static constexpr const char* kKeys[] = {"id",         "store",      "kind",           "state",  "lines",   "created_ms",
                                          "expires_ms", "state_since_ms", "issuer", "customer", "ticket"};
  json out = json::object();
  if (!answer.is_object()) return out;
  for (const char* key : kKeys) {
    if (auto it = answer.find(key); it != answer.end()) out[key] = *it;
  }
  return out;
}

Result<std::map<std::string, int64_t>> UnitsOfHoldJson(const json& hold) {
  if (!hold.is_object()) return Status::InvalidArgument("a hold must be a map");
  KURA_ASSIGN_OR_RETURN(std::vector<HoldLine> lines, LinesArg(hold));
  return UnitsBySku(lines);
}

Result<HoldRequest> ParseHoldRequest(const json& args) {
  HoldRequest r;
  KURA_ASSIGN_OR_RETURN(std::string kind_name, ArgString(args, "kind", nullptr));
  auto kind = ParseHoldKind(kind_name);
  if (!kind) return Status::InvalidArgument("kind: must be pickup, tryon or phone");
  r.kind = *kind;
  KURA_ASSIGN_OR_RETURN(r.lines, LinesArg(args));
  KURA_ASSIGN_OR_RETURN(r.customer, ArgOptString(args, "customer", ValidateCustomerId));
  KURA_ASSIGN_OR_RETURN(r.expires_in_s, ArgOptInt(args, "expires_in_s", 1, kMaxHoldExpirySeconds,
                                                  DefaultExpirySeconds(r.kind)));
  return r;
}

std::map<std::string, int64_t> HoldRequest::UnitsBySku() const { return kura::UnitsBySku(lines); }

Result<HoldCell> MakeHold(OpContext& ctx, std::string_view store, const HoldRequest& r) {
  KURA_ASSIGN_OR_RETURN(auto counter, ctx.txn.Read<uint64_t>(Cf::kMeta, keys::HoldCounter(ctx.origin())));
  uint64_t number = counter.value_or(0) + 1;
  ctx.txn.Write(Cf::kMeta, keys::HoldCounter(ctx.origin()), number);
  HoldCell cell;
  cell.body = HoldBody{MakeHoldId(ctx.origin(), number), std::string(store), r.kind, r.lines,
                       r.customer, ctx.now_ms, ctx.now_ms + r.expires_in_s * 1000, ctx.origin(),
                       ctx.from_hq_call ? std::string(ctx.rid) : std::string()};
  KURA_RETURN_IF_ERROR(WriteHold(ctx, cell, HoldState::kHeld));
  return cell;
}

Status AdvanceHold(OpContext& ctx, HoldCell& cell, HoldState to) {
  KURA_RETURN_IF_ERROR(CheckTransition(cell, to));
  return WriteHold(ctx, cell, to);
}

Result<HoldCell> ReadHoldAt(Txn& txn, std::string_view store, std::string_view hold_id) {
  KURA_ASSIGN_OR_RETURN(auto cell, txn.Read<HoldCell>(Cf::kCells, keys::Hold(store, hold_id)));
  if (!cell) return Status::NotFound("no hold " + std::string(hold_id) + " at " + std::string(store));
  return std::move(*cell);
}

Result<json> OpHoldCreate(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(HoldRequest request, ParseHoldRequest(args));
  for (const auto& [sku, qty] : request.UnitsBySku()) {
    KURA_ASSIGN_OR_RETURN(StockView view, ViewStock(ctx, sku));
    if (qty > view.atp) {
      return Status::InsufficientStock(
          "sku " + sku + ": " + std::to_string(qty) + " requested, " +
          std::to_string(std::max<int64_t>(view.atp, 0)) + " available to promise (short by " +
          std::to_string(qty - std::max<int64_t>(view.atp, 0)) + ")");
    }
  }
  KURA_ASSIGN_OR_RETURN(HoldCell cell, MakeHold(ctx, ctx.origin(), request));
  KURA_RETURN_IF_ERROR(AdmitHold(ctx, cell.body));
  json out = ToJson(cell);
  // The pickup ticket; a hold too big for one is still made, without it.
  auto ticket = IssueTicket(ctx, cell.body);
  if (ticket.ok()) out["ticket"] = std::move(*ticket);
  else if (ticket.status().code() != Status::Code::kTooLarge) return ticket.status();
  return out;
}

Status CollectHold(OpContext& ctx, HoldCell& cell) {
  bool arrived = cell.State() != HoldState::kUnknown;
  if (arrived) KURA_RETURN_IF_ERROR(CheckTransition(cell, HoldState::kCollected));
  KURA_RETURN_IF_ERROR(WriteHold(ctx, cell, HoldState::kCollected));
  return arrived ? EndHold(ctx, cell, HoldState::kCollected) : HandOver(ctx, cell.body);
}

Result<json> OpHoldConfirm(OpContext& ctx, const json& args) {
  return Transition(ctx, args, HoldState::kConfirmed);
}
Result<json> OpHoldReady(OpContext& ctx, const json& args) {
  return Transition(ctx, args, HoldState::kReady);
}
Result<json> OpHoldCollect(OpContext& ctx, const json& args) {
  return Transition(ctx, args, HoldState::kCollected);
}
Result<json> OpHoldCancel(OpContext& ctx, const json& args) {
  return Transition(ctx, args, HoldState::kCancelled);
}

Result<json> OpHoldGet(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string id, ArgString(args, "id", ValidateHoldId));
  KURA_ASSIGN_OR_RETURN(HoldCell cell, ReadHold(ctx, id));
  return ToJson(cell);
}

Result<json> OpHoldList(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string state_name, ArgOptString(args, "state", nullptr));
  std::optional<HoldState> state;
  if (!state_name.empty()) {
    state = ParseHoldState(state_name);
    if (!state) return Status::InvalidArgument("state: unknown hold state " + state_name);
  }
  KURA_ASSIGN_OR_RETURN(int64_t limit, ArgOptInt(args, "limit", 1, kMaxHoldListLimit, 1'000));
  KURA_ASSIGN_OR_RETURN(std::string after, ArgOptString(args, "after", ValidateHoldId));
  json holds = json::array();
  bool more = false;
  Status inner;
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(
      Cf::kCells, keys::HoldPrefix(ctx.origin()),
      [&](std::string_view, std::string_view value) {
        HoldCell cell;
        inner = Decode(value, &cell);
        if (!inner.ok()) return false;
        if (state && cell.State() != *state) return true;
        more = static_cast<int64_t>(holds.size()) == limit;  // one more matched: stop here
        if (!more) holds.push_back(ToJson(cell));
        return !more;
      },
      ScanStartAfter(keys::HoldPrefix(ctx.origin()), after.empty() ? "" : keys::Hold(ctx.origin(), after))));
  KURA_RETURN_IF_ERROR(inner);
  return json{{"holds", holds}, {"more", more}};
}

Result<int> ExpireDueHolds(OpContext& ctx) {
  KURA_ASSIGN_OR_RETURN(std::vector<std::string> due, DueExpiries(ctx.txn, ctx.now_ms));
  int expired = 0;
  for (const auto& key : due) {
    auto cell = ReadHold(ctx, keys::HoldIdOfExpiry(key));
    if (!cell.ok() || !IsActive(cell->State())) {
      // A stale entry must not stall the queue: drop it and go on with the rest.
      if (!cell.ok() && cell.status().code() != Status::Code::kNotFound) return cell.status();
      ctx.txn.Delete(Cf::kLocal, key);
      continue;
    }
    KURA_RETURN_IF_ERROR(WriteHold(ctx, *cell, HoldState::kExpired));
    KURA_RETURN_IF_ERROR(EndHold(ctx, *cell, HoldState::kExpired));
    ++expired;
  }
  KURA_RETURN_IF_ERROR(AdvanceExpiryCursor(ctx.txn, ctx.now_ms, !due.empty()));
  return expired;
}

}  // namespace kura
