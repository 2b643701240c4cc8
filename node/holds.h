// Holds: promises of stock to a customer (pickup, try-on, phone), their forward-only state
// machine, and the hold.* API operations.
//
// A hold is promised only within available-to-promise: creating one beyond ATP fails with
// insufficient_stock naming the shortfall. Active holds (held, confirmed, ready) count in
// the held index; leaving the active states releases them exactly once. Collecting hands
// the goods over: on-hand goes down and a collection receipt is journaled.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kura/sync/hold_cell.h"
#include "op_context.h"

namespace kura {

inline constexpr std::size_t kMaxHoldLines = 50;

// Counts a new active hold in (held units, expiry queue, pick slip).
Status AdmitHold(OpContext& ctx, const HoldBody& body);
// Counts an ended hold out again; the inverse of AdmitHold.
Status ReleaseHold(OpContext& ctx, const HoldBody& body);

// Reads a hold cell of this store; NotFound when absent.
Result<HoldCell> ReadHold(OpContext& ctx, std::string_view hold_id);
// Reads `store`'s hold cell (HQ reads any store's); NotFound when absent.
Result<HoldCell> ReadHoldAt(Txn& txn, std::string_view store, std::string_view hold_id);

// What hold.create and hq.order.place take: kind, lines, customer?, expires_in_s?.
struct HoldRequest {
  HoldKind kind = HoldKind::kUnknown;
  std::vector<HoldLine> lines;
  std::string customer;
  int64_t expires_in_s = 0;
  std::map<std::string, int64_t> UnitsBySku() const;  // a SKU may be on two lines
};
Result<HoldRequest> ParseHoldRequest(const nlohmann::json& args);

// Numbers a new hold with this replica's counter (id "<origin>.<n>") for `store` and writes
// its cell with this replica's state `held`. Checks no stock: callers admit it (a store
// within its ATP, HQ within its allotment).
Result<HoldCell> MakeHold(OpContext& ctx, std::string_view store, const HoldRequest& request);
// Moves this replica's state component of `cell` to `to` if the lattice allows it
// (invalid_state otherwise); derived state is the caller's.
Status AdvanceHold(OpContext& ctx, HoldCell& cell, HoldState to);
nlohmann::json ToJson(const HoldCell& hold);
// Of a hold's JSON from a peer (a store's answer to HQ's call), only the keys ToJson writes
// and hold.create's `ticket`: HQ passes on nothing else a store puts in its answer.
nlohmann::json HoldAnswerFields(const nlohmann::json& answer);
// The units per SKU of a hold's JSON from a peer, its "lines" read as hold.create reads
// them; InvalidArgument when they are malformed.
Result<std::map<std::string, int64_t>> UnitsOfHoldJson(const nlohmann::json& hold);

// Collects a hold at this store: from any active state when the hold is here (as
// hold.collect), or, for a cell made from a pickup ticket before the hold arrived (no state
// component yet), without releasing units it never held. Either way on-hand goes down by
// the lines and a collection receipt is journaled. Conflict when the hold has ended.
Status CollectHold(OpContext& ctx, HoldCell& cell);

// Expires every active hold whose expiry is at or before ctx.now_ms; returns how many.
Result<int> ExpireDueHolds(OpContext& ctx);

Result<nlohmann::json> OpHoldCreate(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHoldConfirm(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHoldReady(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHoldCollect(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHoldCancel(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHoldGet(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHoldList(OpContext& ctx, const nlohmann::json& args);

}  // namespace kura
