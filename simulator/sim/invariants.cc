#include "invariants.h"

#include <algorithm>
#include <map>
#include <vector>

#include "kura/schema/codec.h"
#include "kura/schema/keys.h"
#include "kura/sync/hold_cell.h"
#include "kura/sync/lww_register.h"
#include "step_progress.h"
#include "strategy.h"
#include "text_format.h"
#include "txn.h"
#include "workload.h"
#include "world.h"

namespace kura::sim {

using nlohmann::json;

namespace {

std::map<std::string, std::string> CellsWithPrefix(SimNode& node, const std::string& prefix) {
  std::map<std::string, std::string> out;
  Txn txn(node.engine()->db());
  (void)txn.Scan(Cf::kCells, prefix, [&](std::string_view key, std::string_view value) {
    out.emplace(key, value);
    return true;
  });
  return out;
}

// The global registers as far as `store` and HQ wrote them: another store's writes reach
// a store through HQ on that store's lane, which quiet does not wait for.
std::map<std::string, std::string> OwnGlobalWrites(SimNode& node, const std::string& store) {
  std::map<std::string, std::string> out;
  for (auto& [key, value] : CellsWithPrefix(node, std::string(keys::kGlobalPrefix))) {
    RegisterCell cell;
    if (!Decode(value, &cell).ok()) {
      out.emplace(key, value);  // compared as it is: a cell that does not decode differs
      continue;
    }
    std::erase_if(cell.writes, [&](const auto& w) { return w.first != store && w.first != kHqOrigin; });
    if (!cell.writes.empty()) out.emplace(key, Encode(cell));
  }
  return out;
}

// The receipts of journal cells (key -> value); one that does not decode counts as a
// receipt no acknowledged operation made.
JournalTally TallyOf(const std::map<std::string, std::string>& journal) {
  JournalTally tally;
  for (const auto& [key, value] : journal) {
    Receipt receipt;
    if (!Decode(value, &receipt).ok()) {
      receipt = Receipt{};  // a kind and hold no acknowledged receipt has
      receipt.hold_id = "undecodable " + value;
    }
    tally.Add(std::move(receipt));
  }
  return tally;
}

}  // namespace

void Invariants::Held(const std::string& name) {
  auto& list = world_->result().invariants;
  if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

void Invariants::CheckAtEnd(const std::function<void(double)>& progress) {
  // Three parts: every store's SKUs (CheckStores), then the stores' final checks and HQ's
  // totals (CheckFinal). A part more throws rather than overrunning the share.
  StepProgress steps(3, progress);
  CheckStores(/*every_sku=*/true, &steps);
  if (!world_->stopped()) CheckFinal(&steps);
}

void Invariants::CheckDuringRun() {
  ++checks_during_run_;
  CheckStores(/*every_sku=*/false, nullptr);
  // HQ's check reads every stock, hold and change-index entry it holds (millions at 200 x
  // 5,000: at every sixth check that was 15% of such a run), so only the middle check.
  bool middle = checks_during_run_ == (world_->options().checks + 1) / 2;
  if (world_->stopped() || !middle || !world_->hq().up()) return;
  if (std::string wrong = DerivedInconsistent(world_->hq()); !wrong.empty()) world_->Violation(wrong);
}

void Invariants::CheckStores(bool every_sku, StepProgress* progress) {
  every_sku_views_.resize(world_->stores());
  overdue_.resize(world_->stores());
  std::vector<std::string> violations(world_->stores());
  if (progress != nullptr) progress->NextPart(world_->stores());
  world_->ForEachStore([&](int i) {
    // A store getting its data back holds part of it: checked once whole.
    if (world_->store(i).takes_writes()) violations[i] = CheckStore(i, every_sku);
    if (progress != nullptr) progress->Step();
  });
  for (const std::string& violation : violations) {
    if (!violation.empty()) return world_->Violation(violation);  // the first store's
  }
  Held("no acknowledged operation lost or doubled (on-hand = acknowledged effects)");
  Held("no oversold promise at any store (held <= on-hand + recorded overrides)");
  Held("only legal hold-state transitions; holds as acknowledged (lines, expiry); held units = active holds' lines; "
       "no hold expired early or left past its expiry");
}

std::string Invariants::ReadStock(int i, const std::set<std::string>* skus, StockViews* out) {
  SimNode& node = world_->store(i);
  auto add = [&](const json& view) {
    (*out)[view["sku"].get<std::string>()] = {view["on_hand"].get<int64_t>(), view["held"].get<int64_t>()};
  };
  // One listing is cheaper than a read per SKU once a fair share of them is wanted.
  if (skus == nullptr || skus->size() * 4 > static_cast<std::size_t>(world_->options().skus)) {
    auto list = world_->Read(node, "stock.list", {{"limit", 100000}});
    if (!list.ok()) return node.id() + " stock.list: " + list.status().ToString();
    if ((*list)["more"] == true) return node.id() + " stock.list: more SKUs than one listing holds";
    for (const auto& item : (*list)["items"]) {
      if (skus == nullptr || skus->count(item["sku"].get<std::string>()) > 0) add(item);
    }
    return "";
  }
  for (const std::string& sku : *skus) {
    auto view = world_->Read(node, "stock.get", {{"sku", sku}});
    if (view.ok()) {
      add(*view);
    } else if (view.status().code() != Status::Code::kNotFound) {
      return node.id() + " stock.get " + sku + ": " + view.status().ToString();
    }
  }
  return "";
}

std::string Invariants::CheckStore(int i, bool every_sku) {
  SimNode& node = world_->store(i);
  Ledger& ledger = world_->ledger();
  std::set<std::string> touched = ledger.TakeTouched(i);
  StockViews seen;
  if (std::string unread = ReadStock(i, every_sku ? nullptr : &touched, &seen); !unread.empty()) return unread;
  auto wrong_on_hand = [&](const std::string& sku, int64_t expected) -> std::string {
    auto it = seen.find(sku);
    int64_t on_hand = it == seen.end() ? 0 : it->second.first;
    if (on_hand == expected) return "";
    return node.id() + " " + sku + ": on-hand " + std::to_string(on_hand) + ", acknowledged operations say " +
           std::to_string(expected);
  };
  if (every_sku) {
    for (const auto& [sku, expected] : ledger.Skus(i)) {
      if (std::string wrong = wrong_on_hand(sku, expected); !wrong.empty()) return wrong;
    }
  } else {
    for (const std::string& sku : touched) {
      if (std::string wrong = wrong_on_hand(sku, ledger.OnHand(i, sku)); !wrong.empty()) return wrong;
    }
  }
  for (const auto& [sku, view] : seen) {
    auto [on_hand, held] = view;
    if (Oversold(held, on_hand, ledger.Overrides(i, sku))) {
      return node.id() + " " + sku + ": " + std::to_string(held) + " held > " + std::to_string(on_hand) +
             " on hand + " + std::to_string(ledger.Overrides(i, sku)) + " overridden";
    }
  }
  std::string holds = CheckHolds(i, seen);
  if (every_sku) every_sku_views_[i] = std::move(seen);
  int checks = world_->options().checks;
  bool derived_turn = !every_sku && i % checks == (checks_during_run_ - 1) % checks;
  if (holds.empty() && derived_turn) return DerivedInconsistent(node);
  return holds;
}

std::string Invariants::CheckHolds(int i, const StockViews& seen) {
  SimNode& node = world_->store(i);
  // The hold cells themselves (hold.list shows the same states as JSON, which at tens of
  // thousands of holds per check was a tenth of a big run).
  Txn txn(node.engine()->db());
  Status bad;
  std::map<std::string, int64_t> held_by_holds;  // per SKU, the lines of the active holds
  OverdueHolds& overdue = overdue_[i];
  if (overdue.incarnation != node.incarnation()) overdue = OverdueHolds{node.incarnation(), {}};
  std::map<std::string, int64_t> overdue_now;
  Status scanned = txn.Scan(Cf::kCells, keys::HoldPrefix(node.id()), [&](std::string_view key, std::string_view value) {
    HoldCell hold;
    if (Status s = Decode(value, &hold); !s.ok()) {
      bad = Status::Corruption(Printable(key) + ": " + s.ToString());
      return false;
    }
    HoldState from = HoldState::kUnknown;
    if (!world_->ledger().Observe(hold.body.id, hold.State(), &from)) {
      bad = Status::InvalidArgument("hold " + hold.body.id + " moved from " + std::string(HoldStateName(from)) +
                                    " to " + std::string(HoldStateName(hold.State())));
      return false;
    }
    // The promise as made: a hold whose lines or expiry changed after its reply.
    std::vector<std::pair<std::string, int64_t>> lines;
    for (const auto& line : hold.body.lines) lines.emplace_back(line.sku, line.qty);
    if (std::string why = world_->ledger().UnlikeAcknowledged(hold.body.id, lines, hold.body.expires_ms);
        !why.empty()) {
      bad = Status::InvalidArgument(why);
      return false;
    }
    // Each origin's move, not only the state they join to: an early expiry that a
    // concurrent collection then outranked is still a promise broken early.
    for (const auto& [origin, move] : hold.states) {
      if (!ExpiredEarly(move.state, move.at_ms, hold.body.expires_ms)) continue;
      bad = Status::InvalidArgument("hold " + hold.body.id + " expired by " + origin + " " +
                                    FormatSimTime(hold.body.expires_ms - move.at_ms) + " before its expiry");
      return false;
    }
    if (!IsActive(hold.State())) return true;
    for (const auto& line : hold.body.lines) held_by_holds[line.sku] += line.qty;
    if (hold.body.expires_ms >= node.LocalNow()) return true;
    // Past its expiry by the store's clock: since when, in simulated time, this check
    // has seen it so.
    auto it = overdue.since.find(hold.body.id);
    int64_t since = it == overdue.since.end() ? world_->now() : it->second;
    if (world_->now() - since > kExpiryWithinMs) {
      bad = Status::InvalidArgument("hold " + hold.body.id + " is still " + std::string(HoldStateName(hold.State())) +
                                    ", " + FormatSimTime(node.LocalNow() - hold.body.expires_ms) +
                                    " past its expiry; it was already at a check " +
                                    FormatSimTime(world_->now() - since) + " earlier");
      return false;
    }
    overdue_now.emplace(hold.body.id, since);
    return true;
  });
  overdue.since = std::move(overdue_now);
  if (!scanned.ok()) return node.id() + " reading holds: " + scanned.ToString();
  if (!bad.ok()) return node.id() + " " + bad.message();
  // The held units the store reports (its held index) are its active holds' lines.
  for (const auto& [sku, view] : seen) {
    auto it = held_by_holds.find(sku);
    int64_t by_holds = it == held_by_holds.end() ? 0 : it->second;
    if (view.second != by_holds) {
      return node.id() + " " + sku + ": " + std::to_string(view.second) + " held, its active holds' lines say " +
             std::to_string(by_holds);
    }
  }
  return "";
}

void Invariants::CheckFinal(StepProgress* progress) {
  // Each store's findings (reads only: of the store, and of HQ's copy of its partition),
  // on both threads; reported below in the order the checks are listed.
  std::vector<FinalFindings> found(world_->stores());
  if (progress != nullptr) progress->NextPart(world_->stores());
  world_->ForEachStore([&](int i) {
    found[i] = CheckStoreFinal(i);
    if (progress != nullptr) progress->Step();
  });
  auto first = [&](std::string FinalFindings::*what) -> const std::string* {
    for (const FinalFindings& f : found) {
      if (!(f.*what).empty()) return &(f.*what);
    }
    return nullptr;
  };
  if (const std::string* violation = first(&FinalFindings::replicas)) return world_->Violation(*violation);
  Held("sync quiescent after the final heal; all replicas equal");
  CheckHqTotals(progress);
  if (world_->stopped()) return;
  Held("HQ totals = sum of the stores' own views");
  if (const std::string* violation = first(&FinalFindings::receipts)) return world_->Violation(*violation);
  Held("receipts journaled once per acknowledged sale, return and collection, as acknowledged");
  if (world_->strategy().stats().routed > 0) {
    if (const std::string* violation = first(&FinalFindings::unreleased)) return world_->Violation(*violation);
    for (const FinalFindings& f : found) world_->result().routed_holds += f.routed;
    Held("no order promised twice: every hold a store made for an order HQ routed to it and did not record has "
         "ended (but for those PROTOCOL.md 2.4 leaves to expire)");
  }
  world_->result().routed_holds_counted = true;  // none to count when no order was routed
  if (const std::string* violation = first(&FinalFindings::derived)) return world_->Violation(*violation);
  if (std::string wrong = DerivedInconsistent(world_->hq()); !wrong.empty()) return world_->Violation(wrong);
  Held("derived state consistent with cells (admin.check), at the stores and HQ");
}

Invariants::FinalFindings Invariants::CheckStoreFinal(int i) {
  SimNode& store = world_->store(i);
  FinalFindings found;
  JournalTally at_store, at_hq;
  std::string journal = keys::JournalPrefix(store.id());
  // Every cell of the store's partition: its stock, holds, receipts, the rights it and HQ
  // both write, and its and HQ's writes of the global cells (directory, statuses, keys,
  // policies).
  for (const std::string& prefix : {keys::StockPrefix(store.id()), keys::HoldPrefix(store.id()), journal,
                                    keys::RightsPrefix(store.id()), std::string(keys::kGlobalPrefix)}) {
    bool global = prefix == keys::kGlobalPrefix;
    auto mine = global ? OwnGlobalWrites(store, store.id()) : CellsWithPrefix(store, prefix);
    auto theirs = global ? OwnGlobalWrites(world_->hq(), store.id()) : CellsWithPrefix(world_->hq(), prefix);
    if (prefix == journal) {  // the receipts, tallied from the same scan
      at_store = TallyOf(mine);
      at_hq = TallyOf(theirs);
    } else if (prefix == keys::HoldPrefix(store.id())) {
      CheckRoutedHolds(i, mine, &found);
    }
    if (mine == theirs || !found.replicas.empty()) continue;
    std::string example;
    for (const auto& [key, value] : mine) {
      auto it = theirs.find(key);
      if (it == theirs.end()) { example = Printable(key) + " is missing at hq"; break; }
      if (it->second != value) { example = Printable(key) + " has another value at hq"; break; }
    }
    for (const auto& [key, value] : theirs) {
      if (example.empty() && !mine.count(key)) example = Printable(key) + " is missing at the store";
    }
    found.replicas = "replicas differ after the final heal: under " + prefix + ", " + store.id() + " holds " +
                     std::to_string(mine.size()) + " cells and hq " + std::to_string(theirs.size()) +
                     "; first difference: " + example;
  }
  const JournalTally& acknowledged = world_->ledger().Journal(i);
  if (at_store != acknowledged || at_hq != acknowledged) {
    found.receipts = store.id() + ": " + std::to_string(acknowledged.receipts) + " receipts acknowledged, " +
                     std::to_string(at_store.receipts) + " journaled at the store, " +
                     std::to_string(at_hq.receipts) + " at hq";
    if (at_store.receipts == acknowledged.receipts && at_hq.receipts == acknowledged.receipts) {
      found.receipts += ", but not the receipts acknowledged: a kind, line, customer, hold or override flag differs";
    }
  }
  found.derived = DerivedInconsistent(store);
  return found;
}

void Invariants::CheckRoutedHolds(int i, const std::map<std::string, std::string>& holds, FinalFindings* found) {
  Ledger& ledger = world_->ledger();
  for (const auto& [key, value] : holds) {
    HoldCell hold;
    if (!Decode(value, &hold).ok() || hold.body.routed.empty() || ledger.Knows(hold.body.id)) continue;
    HoldState state = hold.State();
    if (state == HoldState::kCancelled) {
      ++found->routed.released;  // the workload cancels only holds the ledger knows
    } else if (!IsActive(state)) {
      ++found->routed.expired;
    } else if (ledger.LeftToExpiry(hold.body.store, hold.body.routed)) {
      ++found->routed.left_to_expiry;
    } else if (found->unreleased.empty()) {
      found->unreleased = world_->store(i).id() + " still holds " + hold.body.id + " (" +
                          std::string(HoldStateName(state)) + "), made for hq's call " + hold.body.routed +
                          ", which hq did not record as the order";
    }
  }
}

std::string Invariants::DerivedInconsistent(SimNode& node) {
  auto check = world_->Read(node, "admin.check", json::object());
  if (check.ok() && (*check)["ok"].get<bool>()) return "";
  return node.id() + " admin.check: " + (check.ok() ? check->dump() : check.status().ToString());
}

void Invariants::CheckHqTotals(StepProgress* progress) {
  // Each store's own view, read once per store rather than once per SKU (by the final
  // every-SKU check when it ran; no write came since).
  std::vector<StockViews> views(world_->stores());
  every_sku_views_.resize(world_->stores());
  for (int i = 0; i < world_->stores(); ++i) {
    if (every_sku_views_[i]) {
      views[i] = std::move(*every_sku_views_[i]);
    } else if (std::string unread = ReadStock(i, nullptr, &views[i]); !unread.empty()) {
      return world_->Violation(unread);
    }
  }
  every_sku_views_.clear();
  if (progress != nullptr) progress->NextPart(world_->options().skus);
  for (int k = 0; k < world_->options().skus; ++k) {
    std::string sku = Workload::Sku(k);
    auto at_hq = world_->Read(world_->hq(), "hq.stock", {{"sku", sku}});
    std::map<std::string, json> by_store;
    if (at_hq.ok()) {
      for (const auto& entry : (*at_hq)["stores"]) by_store[entry["store"].get<std::string>()] = entry;
    }
    int64_t on_hand = 0, held = 0;
    for (int i = 0; i < world_->stores(); ++i) {
      auto view = views[i].find(sku);
      if (view == views[i].end()) continue;
      auto [store_on_hand, store_held] = view->second;
      on_hand += store_on_hand;
      held += store_held;
      const std::string& store = world_->store(i).id();
      auto it = by_store.find(store);
      int64_t hq_on_hand = it == by_store.end() ? 0 : it->second["on_hand"].get<int64_t>();
      int64_t hq_held = it == by_store.end() ? 0 : it->second["held"].get<int64_t>();
      if (hq_on_hand != store_on_hand || hq_held != store_held) {
        return world_->Violation("hq.stock " + sku + " for " + store + ": on_hand " +
                                 std::to_string(hq_on_hand) + " held " + std::to_string(hq_held) +
                                 ", the store says " + std::to_string(store_on_hand) + " and " +
                                 std::to_string(store_held));
      }
    }
    int64_t total_on_hand = at_hq.ok() ? (*at_hq)["total"]["on_hand"].get<int64_t>() : 0;
    int64_t total_held = at_hq.ok() ? (*at_hq)["total"]["held"].get<int64_t>() : 0;
    if (total_on_hand != on_hand || total_held != held) {
      return world_->Violation("hq.stock " + sku + " total " + std::to_string(total_on_hand) +
                               " on hand, the stores sum to " + std::to_string(on_hand));
    }
    if (progress != nullptr) progress->Step();
  }
}

}  // namespace kura::sim
