#include "ledger.h"

#include <algorithm>

#include "kura/schema/codec.h"
#include "kura/schema/ticket.h"
#include "kura/sync/hold_cell.h"

namespace kura::sim {

using nlohmann::json;

namespace {

Receipt ReceiptOf(ReceiptKind kind, const json& args) {
  Receipt receipt;
  receipt.kind = kind;
  receipt.customer = args.value("customer", "");
  return receipt;
}

// The array `j` holds under `key`, or an empty one: unlike json::value, no copy, as these
// run on every acknowledged reply.
const json& ArrayAt(const json& j, const char* key) {
  static const json kEmpty = json::array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

// How long a hold lasts when its request gives no expires_in_s, by kind: the defaults
// PROTOCOL.md gives for hold.create, kept here as a client would rather than taken from
// the node, so that a store that changed them fails the check.
int64_t DocumentedExpirySeconds(const std::string& kind) {
  if (kind == "tryon") return 2 * 3600;
  if (kind == "phone") return 24 * 3600;
  return 72 * 3600;  // pickup
}

std::map<std::string, int64_t> UnitsBySku(const json& lines) {
  std::map<std::string, int64_t> units;
  for (const json& line : lines) units[line.value("sku", "")] += line.value("qty", int64_t{0});
  return units;
}

}  // namespace

bool LastsOwnLifetime(const json& hold) {
  int64_t lasts_ms = hold.value("expires_ms", int64_t{0}) - hold.value("created_ms", int64_t{0});
  return lasts_ms != DocumentedExpirySeconds(hold.value("kind", "")) * 1000;
}

const json& HoldOfReply(const std::string& op, const json& result) {
  static const json kNone = json::object();
  if (op != "ticket.redeem") return result;
  auto hold = result.find("hold");
  return hold != result.end() && hold->is_object() ? *hold : kNone;
}

bool MovesHold(const std::string& op) {
  return (op.starts_with("hold.") && op != "hold.create") || op == "ticket.redeem";
}

std::string HoldAsked(const std::string& op, const json& args) {
  if (!MovesHold(op)) return "";
  if (op != "ticket.redeem") return args.value("id", "");
  auto bytes = ParseTicketCode(args.value("code", ""));
  if (!bytes.ok()) return "";
  auto payload = DecodeTicketPayload(bytes->payload);
  return payload.ok() ? payload->hold : "";
}

std::vector<std::pair<std::string, int64_t>> LinesShown(const json& hold) {
  std::vector<std::pair<std::string, int64_t>> lines;
  for (const json& line : ArrayAt(hold, "lines"))
    lines.emplace_back(line.value("sku", ""), line.value("qty", int64_t{0}));
  return lines;
}

int64_t PromisedShortfall(const json& view) {
  int64_t promised = view.value("held", int64_t{0}) + view.value("promised_online", int64_t{0});
  return promised > 0 ? std::max<int64_t>(0, promised - view.value("on_hand", int64_t{0})) : 0;
}

std::string ReplyUnlikeAsked(const std::string& op, const json& args, const json& result) {
  if (op == "stock.sell" && args.value("override", 0) != 1) {
    for (const json& view : ArrayAt(result, "stock")) {
      if (PromisedShortfall(view) == 0) continue;
      return "stock.sell without override left " + view.value("sku", "") + " with " +
             std::to_string(view.value("on_hand", int64_t{0})) + " on hand for " +
             std::to_string(view.value("held", int64_t{0}) + view.value("promised_online", int64_t{0})) +
             " promised";
    }
    return "";
  }
  if (op != "hold.create" && op != "hq.order.place") return "";
  return HoldUnlikeAsked(op, args, result);
}

std::string HoldUnlikeAsked(const std::string& op, const json& args, const json& hold) {
  if (UnitsBySku(ArrayAt(args, "lines")) != UnitsBySku(ArrayAt(hold, "lines"))) {
    return op + " asked for " + ArrayAt(args, "lines").dump() + " and made hold " + hold.value("id", "") +
           " of " + ArrayAt(hold, "lines").dump();
  }
  for (const char* field : {"kind", "customer"}) {
    if (hold.value(field, "") != args.value(field, ""))
      return op + " asked for " + field + " \"" + args.value(field, "") + "\" and made hold " +
             hold.value("id", "") + " with \"" + hold.value(field, "") + "\"";
  }
  int64_t asked_s = args.value("expires_in_s", DocumentedExpirySeconds(args.value("kind", "")));
  int64_t made_ms = hold.value("expires_ms", int64_t{0}) - hold.value("created_ms", int64_t{0});
  if (made_ms != asked_s * 1000) {
    return op + " asked for a hold of " + std::to_string(asked_s) + " s and made hold " +
           hold.value("id", "") + " expiring " + std::to_string(made_ms) + " ms after it was made";
  }
  return "";
}

std::string HoldMadeOutside(const json& hold, int64_t from_ms, int64_t to_ms) {
  int64_t created_ms = hold.value("created_ms", int64_t{0});
  if (created_ms >= from_ms && created_ms <= to_ms) return "";
  return "hold " + hold.value("id", "") + " created_ms " + std::to_string(created_ms) +
         ", outside its request's time by the clock that made it (" + std::to_string(from_ms) + " to " +
         std::to_string(to_ms) + ")";
}

bool TookPromised(const json& result) {
  const json& views = ArrayAt(result, "stock");
  return std::any_of(views.begin(), views.end(), [](const json& v) { return PromisedShortfall(v) > 0; });
}

void JournalTally::Add(Receipt receipt) {
  receipt.origin.clear();
  receipt.seq = 0;
  receipt.at_ms = 0;
  if (receipt.kind == ReceiptKind::kCollection) receipt.customer.clear();
  ++receipts;
  fingerprints += Fnv1a64(Encode(receipt));
}

bool ExpiredEarly(HoldState state, int64_t state_since_ms, int64_t expires_ms) {
  return state == HoldState::kExpired && state_since_ms < expires_ms;
}

bool Oversold(int64_t held, int64_t on_hand, int64_t overrides) {
  return held > 0 && held > on_hand + overrides;
}

bool LegalHoldMove(HoldState from, HoldState to) {
  if (to == from) return true;
  if (IsActive(from)) {
    if (to < from) return false;
    return to != HoldState::kConfirmed || from == HoldState::kHeld;
  }
  return to == HoldState::kCollected;
}

int64_t Ledger::OnHand(int store, const std::string& sku) const {
  auto it = on_hand_[store].find(sku);
  return it == on_hand_[store].end() ? 0 : it->second;
}

int64_t Ledger::Overrides(int store, const std::string& sku) const {
  auto it = overrides_[store].find(sku);
  return it == overrides_[store].end() ? 0 : it->second;
}

std::set<std::string> Ledger::TakeTouched(int store) {
  std::set<std::string> out;
  out.swap(touched_[store]);
  return out;
}

void Ledger::Touch(int store, const json& j) {
  if (!j.is_object()) return;
  if (auto sku = j.find("sku"); sku != j.end() && sku->is_string()) touched_[store].insert(sku->get<std::string>());
  if (auto lines = j.find("lines"); lines != j.end() && lines->is_array()) {
    for (const auto& line : *lines) Touch(store, line);
  }
}

int64_t Ledger::own_lifetime_holds() const {
  std::lock_guard lock(holds_mutex_);
  return own_lifetime_holds_;
}

void Ledger::AddHold(int store, const json& hold) {
  HoldRecord record;
  record.store = store;
  record.state = ParseHoldState(hold.value("state", "held")).value_or(HoldState::kHeld);
  std::string id = hold["id"].get<std::string>();
  record.lines = LinesShown(hold);
  record.expires_ms = hold.value("expires_ms", int64_t{0});
  if (IsActive(record.state)) record.ticket = hold.value("ticket", "");
  std::lock_guard lock(holds_mutex_);
  if (LastsOwnLifetime(hold)) ++own_lifetime_holds_;
  holds_[id] = record;
  if (IsActive(record.state)) active_[store].insert(id);
}

std::vector<std::pair<std::string, int64_t>> Ledger::LinesOf(const std::string& hold_id, const json& hold) const {
  {
    std::lock_guard lock(holds_mutex_);
    if (auto it = holds_.find(hold_id); it != holds_.end()) return it->second.lines;
  }
  return LinesShown(hold);
}

std::string Ledger::UnlikeAcknowledged(const std::string& hold_id,
                                       const std::vector<std::pair<std::string, int64_t>>& lines,
                                       int64_t expires_ms) const {
  std::lock_guard lock(holds_mutex_);
  auto it = holds_.find(hold_id);
  if (it == holds_.end()) return "";
  const HoldRecord& acked = it->second;
  if (acked.lines == lines && acked.expires_ms == expires_ms) return "";
  auto describe = [](const std::vector<std::pair<std::string, int64_t>>& of, int64_t until) {
    std::string out;
    for (const auto& [sku, qty] : of) out += (out.empty() ? "" : ", ") + std::to_string(qty) + " " + sku;
    return out + " until " + std::to_string(until);
  };
  return "hold " + hold_id + " holds " + describe(lines, expires_ms) + ", acknowledged as " +
         describe(acked.lines, acked.expires_ms);
}

std::string Ledger::TicketOf(const std::string& hold_id) const {
  std::lock_guard lock(holds_mutex_);
  auto it = holds_.find(hold_id);
  return it == holds_.end() ? "" : it->second.ticket;
}

bool Ledger::Knows(const std::string& hold_id) {
  std::lock_guard lock(holds_mutex_);
  return holds_.count(hold_id) > 0;
}

void Ledger::LeaveToExpiry(const std::string& store, const std::string& call_rid) {
  std::lock_guard lock(holds_mutex_);
  left_to_expiry_.emplace(store, call_rid);
}

bool Ledger::LeftToExpiry(const std::string& store, const std::string& call_rid) {
  std::lock_guard lock(holds_mutex_);
  return left_to_expiry_.count({store, call_rid}) > 0;
}

bool Ledger::Observe(const std::string& hold_id, HoldState state, HoldState* from) {
  std::lock_guard lock(holds_mutex_);
  auto it = holds_.find(hold_id);
  if (it == holds_.end()) return true;  // made elsewhere and not acknowledged to us
  *from = it->second.state;
  if (!LegalHoldMove(it->second.state, state)) return false;
  it->second.state = state;
  if (!IsActive(state)) {
    active_[it->second.store].erase(hold_id);
    std::string().swap(it->second.ticket);  // the customer has no more use for it
  }
  return true;
}

std::string Ledger::Apply(int store, const std::string& op, const json& args, const json& result,
                          Reply reply) {
  auto& stock = on_hand_[store];
  Touch(store, args);
  Touch(store, result);
  if (op == "stock.receive" || op == "stock.transfer_in") {
    stock[args["sku"].get<std::string>()] += args["qty"].get<int64_t>();
  } else if (op == "stock.transfer_out") {
    stock[args["sku"].get<std::string>()] -= args["qty"].get<int64_t>();
  } else if (op == "stock.return") {
    stock[args["sku"].get<std::string>()] += args["qty"].get<int64_t>();
    Receipt receipt = ReceiptOf(ReceiptKind::kReturn, args);
    receipt.lines.push_back({args["sku"], -args["qty"].get<int64_t>(), args.value("price_cents", int64_t{0})});
    journals_[store].Add(std::move(receipt));
  } else if (op == "stock.sell") {
    Receipt receipt = ReceiptOf(ReceiptKind::kSale, args);
    for (std::size_t i = 0; i < args["lines"].size(); ++i) {
      const json& line = args["lines"][i];
      const json& view = result["stock"][i];
      int64_t qty = line["qty"];
      stock[line["sku"].get<std::string>()] -= qty;
      receipt.lines.push_back({line["sku"], qty, line.value("price_cents", int64_t{0})});
      // Only a sale staff confirmed (override) may take promised units: what it took of them
      // is what on hand now falls short of the promised (held + allotted online), at most
      // the sale. One a store let through unasked records no override: ReplyUnlikeAsked
      // flags it.
      if (args.value("override", 0) != 1) continue;
      overrides_[store][line["sku"].get<std::string>()] += std::min(PromisedShortfall(view), qty);
    }
    // The store marks the receipt of an override sale that took promised units.
    receipt.override_promised = args.value("override", 0) == 1 && TookPromised(result);
    journals_[store].Add(std::move(receipt));
  } else if (op == "stock.count") {
    // On hand becomes what was counted, whatever the store answers: the checks then see a
    // store that adjusted by anything else.
    int64_t adjustment = result["adjustment"];
    stock[args["sku"].get<std::string>()] = args["counted"].get<int64_t>();
    if (adjustment < 0) {
      int64_t atp_before = result["atp"].get<int64_t>() - adjustment;
      overrides_[store][args["sku"].get<std::string>()] +=
          std::max<int64_t>(0, -adjustment - std::max<int64_t>(0, atp_before));
    }
  } else if (op == "hold.create" || op == "hq.order.place") {
    if (reply == Reply::kFresh || !Knows(result["id"].get<std::string>())) AddHold(store, result);
  } else if (op == "hold.collect" || op == "ticket.redeem") {
    // A redeemed ticket collects the hold it names as hold.collect does, whether or not
    // the hold had reached the store (PROTOCOL.md 1.5).
    Receipt receipt = ReceiptOf(ReceiptKind::kCollection, args);
    receipt.hold_id = HoldAsked(op, args);
    for (const auto& [sku, qty] : LinesOf(receipt.hold_id, HoldOfReply(op, result))) {
      stock[sku] -= qty;
      receipt.lines.push_back({sku, qty, 0});
    }
    journals_[store].Add(std::move(receipt));
  }
  if (MovesHold(op)) {
    const json& hold = HoldOfReply(op, result);
    HoldState from = HoldState::kUnknown;
    std::string id = hold.value("id", ""), state = hold.value("state", "");
    if (!Observe(id, ParseHoldState(state).value_or(HoldState::kHeld), &from) &&
        reply == Reply::kFresh)
      return op + " answered hold " + id + " " + state + ", after it was seen " + std::string(HoldStateName(from));
  }
  return "";
}

}  // namespace kura::sim
