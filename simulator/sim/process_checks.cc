#include "process_checks.h"

#include <algorithm>
#include <map>
#include <set>

#include "kura/sync/hold_cell.h"
#include "workload.h"

namespace kura::sim {

using nlohmann::json;

bool CheckReport::ok() const {
  return std::all_of(checks.begin(), checks.end(), [](const CheckResult& c) { return c.ok; });
}

bool IsSubsetSum(const std::vector<int64_t>& items, int64_t target) {
  std::set<int64_t> sums = {0};
  for (int64_t item : items) {
    std::set<int64_t> next = sums;
    for (int64_t s : sums) next.insert(s + item);
    sums.swap(next);
  }
  return sums.count(target) > 0;
}

std::string CheckHeld(const std::string& where, const std::string& sku, const StockRow& row,
                      int64_t overrides) {
  if (!Oversold(row.held, row.on_hand, overrides)) return "";
  return where + " " + sku + ": " + std::to_string(row.held) + " held > " +
         std::to_string(row.on_hand) + " on hand + " + std::to_string(overrides) + " overridden";
}

namespace {

std::string Tag(const OpRecord& r) { return r.args.value("customer", ""); }

// A receipt line as journal.list shows it.
json ReceiptLine(const json& sku, int64_t qty, int64_t price_cents) {
  return {{"sku", sku}, {"qty", qty}, {"price_cents", price_cents}};
}

// The lines the sale or return `r` asked its receipt to carry (a return's qty negative).
json LinesAsked(const OpRecord& r) {
  json lines = json::array();
  if (r.op == "stock.return") {
    lines.push_back(ReceiptLine(r.args["sku"], -r.args["qty"].get<int64_t>(),
                                r.args.value("price_cents", int64_t{0})));
    return lines;
  }
  for (const json& line : r.args["lines"])
    lines.push_back(ReceiptLine(line["sku"], line["qty"].get<int64_t>(),
                                line.value("price_cents", int64_t{0})));
  return lines;
}

// Empty when `receipt`, journaled at `store`, is the one the sale or return `r` asked for,
// else what differs: its origin, its kind, its lines with their prices, or its override
// flag (only where staff gave one, and there, for an acknowledged sale, exactly when its
// reply shows it took promised units), or that `r` was refused.
std::string ReceiptUnlikeAsked(const json& receipt, const OpRecord& r, const std::string& store) {
  if (r.outcome == OpOutcome::kRefused) return "its request was refused (" + r.refusal + ")";
  if (receipt.value("origin", "") != store) return "origin " + receipt.value("origin", "");
  std::string kind = r.op == "stock.return" ? "return" : "sale";
  if (receipt.value("kind", "") != kind) return "kind " + receipt.value("kind", "") + ", asked " + kind;
  json asked = LinesAsked(r), lines = receipt.value("lines", json::array());
  if (lines != asked) return "lines " + lines.dump() + ", asked " + asked.dump();
  bool flagged = receipt.value("override", false);
  if (flagged && r.args.value("override", 0) != 1) return "an override nobody gave";
  if (r.op == "stock.sell" && r.outcome == OpOutcome::kAcked && flagged != TookPromised(r.result))
    return flagged ? "an override flag, but its reply shows no promised units taken"
                   : "no override flag, but its reply shows promised units taken";
  if (receipt.contains("hold_id")) return "a hold id on a " + kind;
  return "";
}

class Checker {
 public:
  Checker(const ChainSnapshot& snapshot, const Ledger& ledger, const std::vector<OpRecord>& records)
      : snap_(snapshot),
        ledger_(ledger),
        records_(records),
        receipt_tags_(snapshot.stores.size()),
        hold_tags_(snapshot.stores.size()) {
    for (const OpRecord& r : records_) {
      if (!Tag(r).empty()) by_tag_[Tag(r)] = &r;
      if (r.op != "hold.collect" && r.op != "ticket.redeem") continue;
      std::string hold = HoldAsked(r.op, r.args);
      if (r.outcome == OpOutcome::kAcked) acked_collect_.insert(hold);
      if (r.outcome == OpOutcome::kUnknown) unknown_collect_.insert(hold);
      // Redeemed (or maybe) before the hold reached the store: the store made the hold from
      // the ticket, which names no customer, and journaled the collection without one.
      if (r.op != "ticket.redeem") continue;
      bool before_hold = r.outcome == OpOutcome::kUnknown ||
                         (r.outcome == OpOutcome::kAcked && r.result.is_object() &&
                          !r.result.value("hold_arrived", true));
      if (before_hold) collected_from_ticket_.insert(hold);
    }
    for (std::size_t s = 0; s < snap_.stores.size(); ++s) {
      for (const json& receipt : snap_.stores[s].receipts) {
        if (receipt.value("kind", "") != "collection")
          ++receipt_tags_[s][receipt.value("customer", "")];
      }
      for (const auto& [id, hold] : snap_.stores[s].holds)
        ++hold_tags_[s][hold.value("customer", "")];
    }
  }

  CheckResult OnHand(bool corrupt, UnknownTally* tally) {
    CheckResult out{"on-hand = acknowledged operations + the unknown ones that happened", true, ""};
    for (std::size_t s = 0; s < snap_.stores.size() && out.ok; ++s) {
      if (!snap_.stores[s].read) continue;
      std::map<std::string, int64_t> expected = ledger_.Skus(static_cast<int>(s));
      std::map<std::string, std::vector<int64_t>> maybe;
      for (const OpRecord& r : records_) {
        if (r.outcome != OpOutcome::kUnknown || r.store != static_cast<int>(s)) continue;
        Resolve(r, s, &expected, &maybe, tally);
      }
      for (const auto& [id, hold] : ledger_.holds()) {
        if (hold.store != static_cast<int>(s) || acked_collect_.count(id) || !Collected(s, id))
          continue;
        for (const auto& [sku, qty] : hold.lines)
          expected[sku] -= qty;  // an unknown collection that happened
      }
      if (corrupt && s == 0) expected[Workload::Sku(0)] += 1;
      std::set<std::string> skus;
      for (const auto& [sku, qty] : expected) skus.insert(sku);
      for (const auto& [sku, row] : snap_.stores[s].stock) skus.insert(sku);
      for (const std::string& sku : skus) {
        auto row = snap_.stores[s].stock.find(sku);
        int64_t on_hand = row == snap_.stores[s].stock.end() ? 0 : row->second.on_hand;
        if (IsSubsetSum(maybe[sku], on_hand - expected[sku])) continue;
        out.ok = false;
        out.detail = snap_.store_ids[s] + " " + sku + ": on-hand " + std::to_string(on_hand) +
                     ", acknowledged operations say " + std::to_string(expected[sku]);
        if (!maybe[sku].empty())
          out.detail += " plus any of " + std::to_string(maybe[sku].size()) + " unknown deliveries";
        break;
      }
    }
    return out;
  }

  CheckResult HqEqualsStores() {
    CheckResult out{"HQ's hq.stock per store = each store's own view; its totals = their sum", true, ""};
    std::map<std::string, StockRow> sums;
    for (std::size_t s = 0; s < snap_.stores.size(); ++s) {
      for (const auto& [sku, mine] : snap_.stores[s].stock) {
        sums[sku].on_hand += mine.on_hand;
        sums[sku].held += mine.held;
      }
    }
    for (const auto& [sku, total] : snap_.hq.totals) {
      if (total == sums[sku]) continue;
      out.ok = false;
      out.detail = "hq.stock " + sku + " total on_hand/held " + std::to_string(total.on_hand) + "/" +
                   std::to_string(total.held) + ", the stores' own views sum to " +
                   std::to_string(sums[sku].on_hand) + "/" + std::to_string(sums[sku].held);
      return out;
    }
    for (std::size_t s = 0; s < snap_.stores.size() && out.ok; ++s) {
      const std::string& id = snap_.store_ids[s];
      for (const auto& [sku, mine] : snap_.stores[s].stock) {
        auto rows = snap_.hq.stock.find(sku);
        StockRow theirs;
        if (rows != snap_.hq.stock.end() && rows->second.count(id)) theirs = rows->second.at(id);
        if (mine == theirs) continue;
        out.ok = false;
        out.detail = id + " " + sku + ": on_hand/held " + std::to_string(mine.on_hand) + "/" +
                     std::to_string(mine.held) + " at the store, " +
                     std::to_string(theirs.on_hand) + "/" + std::to_string(theirs.held) + " at hq";
        break;
      }
    }
    return out;
  }

  CheckResult Holds(int64_t* stranded) {
    CheckResult out{"no acknowledged hold or order lost or changed, only forward moves, none expired early, no unasked-for hold",
                    true, ""};
    auto fail = [&](const std::string& why) {
      if (out.ok) out.detail = why;
      out.ok = false;
    };
    for (const auto& [id, record] : ledger_.holds()) {
      const StoreSnapshot& store = snap_.stores[record.store];
      if (!store.read) continue;
      auto it = store.holds.find(id);
      if (it == store.holds.end()) {
        fail("acknowledged hold " + id + " missing at " + snap_.store_ids[record.store]);
        continue;
      }
      if (std::string why = ledger_.UnlikeAcknowledged(id, LinesShown(it->second),
                                                       it->second.value("expires_ms", int64_t{0}));
          !why.empty())
        fail(why + ", at " + snap_.store_ids[record.store]);
      auto state = ParseHoldState(it->second["state"].get<std::string>());
      if (!state || !LegalHoldMove(record.state, *state)) {
        fail("hold " + id + " acknowledged " + std::string(HoldStateName(record.state)) + ", now " +
             it->second["state"].get<std::string>());
      }
      if (state == HoldState::kCollected && !acked_collect_.count(id) &&
          !unknown_collect_.count(id)) {
        fail("hold " + id + " collected, but nobody asked to collect it");
      }
    }
    for (const OpRecord& r : records_) {
      if (r.op != "hq.order.place" || r.outcome != OpOutcome::kAcked) continue;
      std::string id = r.result["id"];
      auto order = snap_.hq.orders.find(id);
      if (order == snap_.hq.orders.end()) {
        fail("acknowledged order " + id + " unknown to hq.order.status");
        continue;
      }
      const StoreSnapshot& store = snap_.stores[r.store];
      auto hold = store.holds.find(id);
      if (store.read && hold != store.holds.end() &&
          hold->second["state"] != order->second["state"]) {
        fail("order " + id + " " + order->second["state"].get<std::string>() + " at hq, " +
             hold->second["state"].get<std::string>() + " at " + snap_.store_ids[r.store]);
      }
    }
    for (std::size_t s = 0; s < snap_.stores.size(); ++s) {
      for (const auto& [id, hold] : snap_.stores[s].holds) {
        int64_t expires = hold.value("expires_ms", int64_t{0}), since = hold.value("state_since_ms", int64_t{0});
        if (ExpiredEarly(ParseHoldState(hold.value("state", "")).value_or(HoldState::kUnknown), since, expires))
          fail("hold " + id + " at " + snap_.store_ids[s] + " expired " + std::to_string(expires - since) +
               " ms before its expiry");
        if (ledger_.holds().count(id)) continue;
        std::string tag = hold.value("customer", "");
        auto asked = by_tag_.find(tag);
        const OpRecord* r = asked == by_tag_.end() ? nullptr : asked->second;
        std::string where = "hold " + id + " at " + snap_.store_ids[s];
        if (r == nullptr || r->store != static_cast<int>(s) ||
            (r->op != "hold.create" && r->op != "hq.order.place")) {
          fail(where + " that no request asked for");
        } else if (std::string why = HoldUnlikeAsked(r->op, r->args, hold); !why.empty()) {
          fail(where + ", for request " + r->rid + ": " + why);  // a hold no reply showed
        } else if (std::string when = HoldMadeOutside(hold, r->sent_ms - kStampSlackMs, WallMillis() + kStampSlackMs);
                   !when.empty()) {
          fail(where + ", for request " + r->rid + ": " + when);
        } else if (r->op == "hold.create") {
          // A till's request makes one hold at most: the one acknowledged, none when refused.
          if (r->outcome == OpOutcome::kAcked)
            fail(where + ", a second hold for till request " + r->rid + " (acknowledged as " +
                 r->result.value("id", "") + ")");
          else if (r->outcome == OpOutcome::kRefused)
            fail(where + " made by till request " + r->rid + ", which was refused (" + r->refusal + ")");
          else if (hold_tags_[s][tag] > 1)
            fail(where + ": " + std::to_string(hold_tags_[s][tag]) + " holds for till request " + r->rid);
        } else if (r->outcome == OpOutcome::kAcked &&
                   IsActive(ParseHoldState(hold["state"].get<std::string>()).value_or(HoldState::kCancelled))) {
          // An order's call the store decided after HQ stopped waiting (PROTOCOL.md 2.4):
          // HQ cancels its hold, but remembers it only for its current run.
          ++*stranded;
        }
      }
    }
    return out;
  }

  CheckResult NotOversold() {
    CheckResult out{"no oversold promise: held <= on-hand + recorded overrides (stores and HQ)",
                    true, ""};
    for (std::size_t s = 0; s < snap_.stores.size() && out.ok; ++s) {
      // The override sales the till made without knowing what they took: unknown ones that
      // happened (a receipt), and those acknowledged only when sent again (after the final
      // heal, or before their store's disk was replaced), which may have been applied then,
      // after later sales emptied the shelf. A sale without override takes no promised unit.
      std::map<std::string, int64_t> uncertain_sold;
      for (const OpRecord& r : records_) {
        bool happened = r.outcome == OpOutcome::kUnknown ? receipt_tags_[s].count(Tag(r)) > 0
                                                          : r.resent && r.outcome == OpOutcome::kAcked;
        if (r.op != "stock.sell" || r.args.value("override", 0) != 1 ||
            r.store != static_cast<int>(s) || !happened) {
          continue;
        }
        for (const json& line : r.args["lines"])
          uncertain_sold[line["sku"].get<std::string>()] += line["qty"].get<int64_t>();
      }
      const std::string& id = snap_.store_ids[s];
      auto overrides = [&](const std::string& sku) {
        return ledger_.Overrides(static_cast<int>(s), sku) + uncertain_sold[sku];
      };
      for (const auto& [sku, row] : snap_.stores[s].stock) {
        if (out.detail.empty()) out.detail = CheckHeld(id, sku, row, overrides(sku));
      }
      for (const auto& [sku, rows] : snap_.hq.stock) {
        if (out.detail.empty() && rows.count(id))
          out.detail = CheckHeld("hq's view of " + id, sku, rows.at(id), overrides(sku));
      }
      out.ok = out.detail.empty();
    }
    return out;
  }

  CheckResult Receipts() {
    CheckResult out{
        "receipts: acknowledged sales, returns, collections journaled once, as asked; HQ acked all", true,
        ""};
    auto fail = [&](const std::string& why) {
      if (out.ok) out.detail = why;
      out.ok = false;
    };
    for (std::size_t s = 0; s < snap_.stores.size(); ++s) {
      const StoreSnapshot& store = snap_.stores[s];
      if (!store.read) continue;  // not converged: its own violation
      const std::string& id = snap_.store_ids[s];
      std::map<int64_t, const json*> by_seq;
      std::map<std::string, int> collections;
      for (const json& receipt : store.receipts) {
        by_seq[receipt["seq"].get<int64_t>()] = &receipt;
        std::string kind = receipt.value("kind", "");
        if (kind == "collection") {
          std::string hold = receipt.value("hold_id", "");
          if (++collections[hold] > 1)
            fail(id + ": hold " + hold + " collected twice in the journal");
          if (!Collected(s, hold))
            fail(id + ": a collection receipt for hold " + hold + ", which is not collected");
          else if (std::string why = CollectionUnlikeHold(s, receipt); !why.empty())
            fail(id + ": receipt seq " + std::to_string(receipt["seq"].get<int64_t>()) +
                 " collecting " + hold + ": " + why);
        } else {
          std::string tag = receipt.value("customer", "");
          auto asked = by_tag_.find(tag);
          if (receipt_tags_[s][tag] > 1) fail(id + ": receipt of " + tag + " journaled twice");
          if (asked == by_tag_.end() || asked->second->store != static_cast<int>(s) ||
              (asked->second->op != "stock.sell" && asked->second->op != "stock.return")) {
            fail(id + ": receipt seq " + std::to_string(receipt["seq"].get<int64_t>()) +
                 " that no request made");
          } else if (std::string why = ReceiptUnlikeAsked(receipt, *asked->second, id); !why.empty()) {
            fail(id + ": receipt seq " + std::to_string(receipt["seq"].get<int64_t>()) + " of " +
                 asked->second->op + " " + asked->second->rid + ": " + why);
          }
        }
      }
      for (const OpRecord& r : records_) {
        if (r.store != static_cast<int>(s) || r.outcome != OpOutcome::kAcked) continue;
        if (r.op != "stock.sell" && r.op != "stock.return") continue;
        int64_t seq = r.result["receipt"]["seq"];
        auto it = by_seq.find(seq);
        if (it == by_seq.end() || it->second->value("customer", "") != Tag(r)) {
          fail(id + ": acknowledged " + r.op + " " + r.rid + " (receipt seq " +
               std::to_string(seq) + ") not in the journal");
        }
      }
      for (const auto& [hold, body] : store.holds) {
        if (body["state"] == "collected" && body.value("store", "") == id &&
            !collections.count(hold)) {
          fail(id + ": hold " + hold + " collected without a collection receipt");
        }
      }
      int64_t head = store.sync.value("journal_head_seq", int64_t{0}),
              acked = store.sync.value("journal_acked_seq", int64_t{0});
      int64_t last = by_seq.empty() ? 0 : by_seq.rbegin()->first;
      if (acked != head || acked < last) {
        fail(id + ": hq acknowledged its journal through seq " + std::to_string(acked) + " of " +
             std::to_string(head));
      }
    }
    return out;
  }

  CheckResult AdminCheck() {
    CheckResult out{"admin.check clean at every store and HQ (derived state = cells)", true, ""};
    for (std::size_t s = 0; s < snap_.stores.size() && out.ok; ++s) {
      if (!snap_.stores[s].read || snap_.stores[s].check.value("ok", false)) continue;
      out.ok = false;
      out.detail = snap_.store_ids[s] + " admin.check: " + snap_.stores[s].check.dump();
    }
    // Not read when the chain did not converge: that is its own violation.
    if (out.ok && !snap_.hq.check.is_null() && !snap_.hq.check.value("ok", false)) {
      out.ok = false;
      out.detail = "hq admin.check: " + snap_.hq.check.dump();
    }
    return out;
  }

 private:
  bool Collected(std::size_t s, const std::string& hold) const {
    auto it = snap_.stores[s].holds.find(hold);
    return it != snap_.stores[s].holds.end() && it->second["state"] == "collected";
  }

  // Empty when the collection `receipt` at store `s` is its hold's: the hold's lines (as
  // acknowledged when the hold was made, else as the store shows it: a hold HQ routed
  // there) at no price, its customer (none when its ticket was redeemed before the hold
  // reached the store), the store's origin and no override; else what differs.
  std::string CollectionUnlikeHold(std::size_t s, const json& receipt) const {
    const std::string hold = receipt.value("hold_id", "");
    const json& body = snap_.stores[s].holds.at(hold);  // Collected(): it is there
    json held = json::array();
    for (const auto& [sku, qty] : ledger_.LinesOf(hold, body)) held.push_back(ReceiptLine(sku, qty, 0));
    json lines = receipt.value("lines", json::array());
    if (lines != held) return "lines " + lines.dump() + ", held " + held.dump();
    bool none_from_ticket = collected_from_ticket_.count(hold) && receipt.value("customer", "").empty();
    if (!none_from_ticket && receipt.value("customer", "") != body.value("customer", ""))
      return "customer " + receipt.value("customer", "") + ", the hold's " + body.value("customer", "");
    if (receipt.value("origin", "") != snap_.store_ids[s]) return "origin " + receipt.value("origin", "");
    if (receipt.contains("override")) return "an override flag on a collection";
    return "";
  }

  // An unknown operation at store `s`: its effect on `expected` when the daemons show it
  // happened, or a possible delta in `maybe`.
  void Resolve(const OpRecord& r, std::size_t s, std::map<std::string, int64_t>* expected,
               std::map<std::string, std::vector<int64_t>>* maybe, UnknownTally* tally) {
    bool shown =
        (r.op == "stock.sell" || r.op == "stock.return" ? receipt_tags_ : hold_tags_)[s].count(
            Tag(r)) > 0;
    if (r.op == "stock.sell" || r.op == "stock.return") {
      ++(shown ? tally->happened : tally->did_not);
      if (!shown) return;
      if (r.op == "stock.return")
        (*expected)[r.args["sku"].get<std::string>()] += r.args["qty"].get<int64_t>();
      else
        for (const json& line : r.args["lines"])
          (*expected)[line["sku"].get<std::string>()] -= line["qty"].get<int64_t>();
    } else if (r.op == "stock.receive") {
      ++tally->bounded;
      (*maybe)[r.args["sku"].get<std::string>()].push_back(r.args["qty"].get<int64_t>());
    } else if (r.op == "hold.create" || r.op == "hq.order.place") {
      ++(shown ? tally->happened : tally->did_not);
    } else if (r.op == "hold.collect" || r.op == "ticket.redeem") {
      std::string hold = HoldAsked(r.op, r.args);
      ++(Collected(s, hold) && !acked_collect_.count(hold) ? tally->happened : tally->did_not);
    } else {
      ++tally->state_only;
    }
  }

  const ChainSnapshot& snap_;
  const Ledger& ledger_;
  const std::vector<OpRecord>& records_;
  std::map<std::string, const OpRecord*> by_tag_;
  std::set<std::string> acked_collect_, unknown_collect_;
  std::set<std::string> collected_from_ticket_;  // holds whose receipt may have no customer
  // Per store: how many sale and return receipts, and how many holds, carry each customer id.
  std::vector<std::map<std::string, int>> receipt_tags_, hold_tags_;
};

}  // namespace

CheckReport RunChecks(const ChainSnapshot& snapshot, const Ledger& ledger,
                      const std::vector<OpRecord>& records, bool corrupt) {
  CheckReport report;
  Checker checker(snapshot, ledger, records);
  report.checks.push_back(checker.OnHand(corrupt, &report.unknown));
  report.checks.push_back(checker.HqEqualsStores());
  report.checks.push_back(checker.Holds(&report.stranded_holds));
  report.checks.push_back(checker.NotOversold());
  report.checks.push_back(checker.Receipts());
  report.checks.push_back(checker.AdminCheck());
  return report;
}

}  // namespace kura::sim
