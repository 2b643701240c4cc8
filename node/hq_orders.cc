#include "hq_orders.h"

#include <algorithm>
#include <map>
#include <optional>

#include "directory.h"
#include "escrow.h"
#include "holds.h"
#include "hq_index.h"
#include "kura/schema/args.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "kura/schema/printable.h"
#include "kura/schema/ticket.h"
#include "tickets.h"

namespace kura {
namespace {

using nlohmann::json;

// Local index of the orders HQ placed: order/<hold id> -> store.
std::string OrderKey(std::string_view hold_id) { return "order/" + std::string(hold_id); }

struct Offer {
  DirectoryEntry entry;
  bool reachable = false;
  HqStockEntry stock;
  int64_t allotment = 0;  // what HQ may promise for the store on its own now
  std::optional<double> distance_km;
};

// The directory, nearest first from `near` when given.
Result<std::vector<DirectoryEntry>> DirectoryNearestFirst(Txn& txn,
                                                          const std::optional<GeoPoint>& near) {
  KURA_ASSIGN_OR_RETURN(std::vector<DirectoryEntry> entries, LoadDirectory(txn));
  if (near) SortNearestFirst(near->lat, near->lon, &entries);
  return entries;
}

std::optional<double> DistanceFrom(const std::optional<GeoPoint>& near, const DirectoryEntry& e) {
  if (!near || !e.record) return std::nullopt;
  return DistanceKm(near->lat, near->lon, e.record->lat, e.record->lon);
}

// Every store in the directory with its figures for `sku`, nearest first from `near`.
Result<std::vector<Offer>> Offers(OpContext& ctx, std::string_view sku,
                                  const std::optional<GeoPoint>& near) {
  KURA_ASSIGN_OR_RETURN(std::vector<DirectoryEntry> entries, DirectoryNearestFirst(ctx.txn, near));
  std::vector<Offer> offers;
  for (DirectoryEntry& e : entries) {
    Offer o;
    o.distance_km = DistanceFrom(near, e);
    o.reachable = ctx.sync != nullptr && ctx.sync->Reachable(e.store);
    KURA_ASSIGN_OR_RETURN(auto stock, ctx.txn.Read<HqStockEntry>(Cf::kLocal, StockBySku(sku, e.store)));
    o.stock = stock.value_or(HqStockEntry{});
    KURA_ASSIGN_OR_RETURN(o.allotment, HqAllotment(ctx.txn, e.store, sku));
    o.entry = std::move(e);
    offers.push_back(std::move(o));
  }
  return offers;
}

json ToJson(const Offer& o) {
  json out = {{"store", o.entry.store},
              {"reachable", o.reachable},
              {"can_hand_over", CanHandOver(o.entry)},
              {"on_hand", o.stock.on_hand},
              {"held", o.stock.held},
              {"hq_allotment", o.allotment},
              {"can_promise", CanHandOver(o.entry) ? o.allotment : 0}};
  if (o.entry.record) out["name"] = o.entry.record->name;
  if (o.distance_km) out["distance_km"] = *o.distance_km;
  return out;
}

// "shibuya-01 (1.2 km), ..." for the three nearest stores (other than `store`) that can
// promise every line. Store by store, stopping at the third: a refusal at a 200-store
// chain need not read every store's allotment of every line.
Result<std::string> Alternatives(OpContext& ctx, std::string_view store, const HoldRequest& request,
                                 const std::optional<GeoPoint>& near) {
  std::map<std::string, int64_t> lines = request.UnitsBySku();
  if (lines.empty()) return std::string();
  KURA_ASSIGN_OR_RETURN(std::vector<DirectoryEntry> entries, DirectoryNearestFirst(ctx.txn, near));
  std::string out;
  int named = 0;
  for (const DirectoryEntry& e : entries) {
    if (e.store == store || !CanHandOver(e)) continue;
    bool all = true;
    for (const auto& [sku, qty] : lines) {
      KURA_ASSIGN_OR_RETURN(int64_t allotment, HqAllotment(ctx.txn, e.store, sku));
      if (allotment < qty) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    out += (out.empty() ? "" : ", ") + e.store;
    if (auto km = DistanceFrom(near, e))
      out += " (" + std::to_string(static_cast<int>(*km + 0.5)) + " km)";
    if (++named == 3) break;
  }
  return out;
}

// Keeps HQ's per-SKU held figures in step with a hold HQ wrote itself.
Status IndexOwnHold(Txn& txn, const HoldCell& cell, const std::string* before) {
  HqObserver observer;
  return observer.OnCellMerged(txn, keys::Hold(cell.body.store, cell.body.id), before, Encode(cell));
}

// A string field of a JSON object from a peer, or "" (never throws).
std::string StringField(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}


// The store's answer about hold `id` (its ticket left out), which hq.order.status gives
// until the hold itself reaches HQ, whose merge drops it (hq_index.h).
void KeepStoreAnswer(Txn& txn, const std::string& id, json answer) {
  answer.erase("ticket");
  txn.Write(Cf::kLocal, PlacedOrderKey(id), answer.dump(-1, ' ', false, json::error_handler_t::replace));
}

// Whether a hold's JSON from a peer holds the units `request` asks for.
bool SameUnits(const json& hold, const HoldRequest& request) {
  auto units = UnitsOfHoldJson(hold);
  return units.ok() && *units == request.UnitsBySku();
}

// Whether the fields of a store's answer that HQ repeats to its client, beyond those
// RecordRoutedOrder compares, are what the store's hold.create gives: no text HQ has not
// checked reaches the online shop or a terminal.
bool AnswerFieldsSound(const json& hold, const std::string& store, const HoldRequest& request) {
  for (const char* at : {"created_ms", "expires_ms", "state_since_ms"}) {
    if (auto it = hold.find(at); it != hold.end() && !it->is_number_integer()) return false;
  }
  if (auto it = hold.find("issuer"); it != hold.end() && *it != store) return false;
  if (auto it = hold.find("customer"); it != hold.end() && *it != request.customer) return false;
  if (auto it = hold.find("ticket"); it != hold.end()) {
    if (!it->is_string()) return false;
    auto bytes = ParseTicketCode(it->get<std::string>());
    if (!bytes.ok()) return false;
    auto payload = DecodeTicketPayload(bytes->payload);
    if (!payload.ok() || payload->hold != StringField(hold, "id") || payload->store != store) {
      return false;
    }
  }
  return true;
}

// Records an order the store decided and made (node/order_router.h). The answer comes from
// the store, so it is checked before HQ repeats it: a new hold of that store, of the kind
// and lines ordered (a late answer to another call, were its number reused, is not this
// order's). One that is not is an answer HQ cannot use: bad_request (PROTOCOL.md 2.4).
Result<json> RecordRoutedOrder(OpContext& ctx, const std::string& store, const HoldRequest& request, json hold) {
  std::string id = HoldIdOfAnswer(hold);
  if (id.empty() || StringField(hold, "store") != store || !ValidateHoldId(id).ok() ||
      id.rfind(store + ".", 0) != 0 || StringField(hold, "state") != "held" ||
      StringField(hold, "kind") != HoldKindName(request.kind) || !SameUnits(hold, request) ||
      !AnswerFieldsSound(hold, store, request)) {
    return Status::BadRequest("store " + store + " answered the order with something that is not its new hold");
  }
  // A store answering a retry from its own records (kept longer than HQ's) may name a
  // hold that has ended since: no ticket for it.
  auto here = ReadHoldAt(ctx.txn, store, id);
  if (here.ok() && !IsActive(here->State())) {
    return StoreRefusal(store, Status::Conflict("hold " + id + " has ended"));
  }
  ctx.txn.Write(Cf::kLocal, OrderKey(id), store);
  hold = HoldAnswerFields(hold);
  // HQ merges what waits on its sync socket before it reads the call replies among it, so
  // the hold, sent just after the reply, may be here already.
  if (here.status().code() == Status::Code::kNotFound) KeepStoreAnswer(ctx.txn, id, hold);
  hold["decided_by"] = "store";
  return hold;
}

}  // namespace

std::string HoldIdOfAnswer(const json& hold) { return hold.is_object() ? StringField(hold, "id") : ""; }

Result<std::string> StoreOfOrder(Txn& txn, std::string_view hold_id) {
  KURA_ASSIGN_OR_RETURN(auto store, txn.Read<std::string>(Cf::kLocal, OrderKey(hold_id)));
  if (!store) return Status::NotFound("no order " + std::string(hold_id));
  return *store;
}

Result<json> OpHqAvailability(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string sku, ArgString(args, "sku", ValidateSku));
  KURA_ASSIGN_OR_RETURN(std::optional<GeoPoint> near, NearArg(args));
  KURA_ASSIGN_OR_RETURN(auto offers, Offers(ctx, sku, near));
  json stores = json::array();
  for (const Offer& o : offers) stores.push_back(ToJson(o));
  return json{{"sku", sku}, {"stores", stores}};
}

Result<json> OpHqOrderPlace(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string store, ArgString(args, "store", ValidateStoreId));
  KURA_RETURN_IF_ERROR(CheckKnownStore(ctx, store));
  KURA_ASSIGN_OR_RETURN(HoldRequest request, ParseHoldRequest(args));
  if (request.kind == HoldKind::kPhone) return Status::InvalidArgument("kind: online orders are pickup or tryon");
  KURA_ASSIGN_OR_RETURN(std::optional<GeoPoint> near, NearArg(args));
  KURA_ASSIGN_OR_RETURN(DirectoryEntry entry, LoadDirectoryEntry(ctx.txn, store));
  auto refuse = [&](Status why) -> Status {
    auto alternatives = Alternatives(ctx, store, request, near);
    if (!alternatives.ok()) return alternatives.status();
    std::string more = alternatives->empty() ? "; no other store can promise it"
                                              : "; nearest alternatives: " + *alternatives;
    return Status::FromCode(why.code(), why.message() + more);
  };
  if (!CanHandOver(entry)) return refuse(Status::Conflict("store " + store + " cannot hand over orders now"));
  if (ctx.routed != nullptr && ctx.routed->answered) {
    const Result<json>& reply = ctx.routed->reply;
    if (reply.ok()) return RecordRoutedOrder(ctx, store, request, reply.value());
    // Short at the store: HQ's allotment for it (reserved for online orders) may still cover it.
    if (reply.status().code() != Status::Code::kInsufficientStock) {
      return StoreRefusal(store, reply.status());
    }
  }
  // The hold before the spends: HQ's lane reaches the store in order but may be cut between
  // batches, and a store that has the hold without the spend counts the units twice (held,
  // and still HQ's to promise) until the rest arrives, where the spend alone would count
  // them nowhere and raise its ATP by units HQ has promised (PROTOCOL.md 3.10).
  KURA_ASSIGN_OR_RETURN(HoldCell cell, MakeHold(ctx, store, request));
  for (const auto& [sku, qty] : request.UnitsBySku()) {
    Status spent = SpendAllotment(ctx, store, sku, qty);
    if (spent.code() == Status::Code::kInsufficientStock) return refuse(spent);
    KURA_RETURN_IF_ERROR(spent);
  }
  KURA_RETURN_IF_ERROR(IndexOwnHold(ctx.txn, cell, nullptr));
  ctx.txn.Write(Cf::kLocal, OrderKey(cell.body.id), store);
  json out = ToJson(cell);
  auto ticket = IssueTicket(ctx, cell.body);
  if (ticket.ok()) out["ticket"] = std::move(*ticket);
  else if (ticket.status().code() != Status::Code::kTooLarge) return ticket.status();
  out["decided_by"] = "hq";
  return out;
}

Status StoreRefusal(std::string_view store, const Status& refusal) {
  // The store's own words, passed on to HQ's client: kept short and printable.
  return Status::FromCode(refusal.code(),
                          "store " + std::string(store) + ": " + Printable(refusal.message(), kMaxQuotedBytes));
}

Result<json> OpHqOrderCancel(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string id, ArgString(args, "id", ValidateHoldId));
  KURA_ASSIGN_OR_RETURN(std::string store, StoreOfOrder(ctx.txn, id));
  if (ctx.routed != nullptr && ctx.routed->answered) {  // the store cancelled it (order_router.h)
    const Result<json>& reply = ctx.routed->reply;
    if (!reply.ok()) return StoreRefusal(store, reply.status());
    if (HoldIdOfAnswer(reply.value()) != id) {
      return Status::BadRequest("store " + store + " answered the cancel with another hold");
    }
    json out = HoldAnswerFields(reply.value());
    if (ReadHoldAt(ctx.txn, store, id).status().code() == Status::Code::kNotFound) KeepStoreAnswer(ctx.txn, id, out);
    out["decided_by"] = "store";
    return out;
  }
  KURA_ASSIGN_OR_RETURN(HoldCell cell, ReadHoldAt(ctx.txn, store, id));
  KURA_RETURN_IF_ERROR(CancelHoldAsHq(ctx, cell));
  return ToJson(cell);
}

Status CancelHoldAsHq(OpContext& ctx, HoldCell& cell) {
  std::string before = Encode(cell);
  KURA_RETURN_IF_ERROR(AdvanceHold(ctx, cell, HoldState::kCancelled));
  return IndexOwnHold(ctx.txn, cell, &before);
}

Result<json> OpHqOrderStatus(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string id, ArgString(args, "id", ValidateHoldId));
  KURA_ASSIGN_OR_RETURN(std::string store, StoreOfOrder(ctx.txn, id));
  auto cell = ReadHoldAt(ctx.txn, store, id);
  if (cell.ok()) return ToJson(*cell);
  // A routed order whose hold has not reached HQ yet: as the store answered.
  KURA_ASSIGN_OR_RETURN(auto placed, ctx.txn.Read<std::string>(Cf::kLocal, PlacedOrderKey(id)));
  if (!placed) return cell.status();
  json out = json::parse(*placed, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) return Status::Corruption("order " + id + ": stored answer is not JSON");
  return out;
}

Result<json> OpHqOrderTicket(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string id, ArgString(args, "id", ValidateHoldId));
  KURA_ASSIGN_OR_RETURN(std::string store, StoreOfOrder(ctx.txn, id));
  KURA_ASSIGN_OR_RETURN(HoldCell cell, ReadHoldAt(ctx.txn, store, id));
  if (!IsActive(cell.State())) {
    return Status::Conflict("order " + id + " is " + std::string(HoldStateName(cell.State())) +
                            "; tickets are only issued for active holds");
  }
  KURA_ASSIGN_OR_RETURN(std::string code, IssueTicket(ctx, cell.body));
  return json{{"code", code}, {"hold", ToJson(cell)}};
}

Result<json> OpHqEscrowReturn(OpContext& ctx, const json&) {
  KURA_ASSIGN_OR_RETURN(int64_t returned, ReturnExcessAllotments(ctx));
  return json{{"returned", returned}};
}

}  // namespace kura
