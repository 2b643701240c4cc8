// Ledger: the simulator's own account of every acknowledged operation — what each store's
// on-hand must be, which receipts it journaled, which holds exist and the last state
// seen of each — built from the requests the engines acknowledged (their SKUs, quantities,
// prices and customers, a collection's hold as acknowledged when it was made) and from
// what only a reply can say (a hold's id, state and lines, the hold checked against the
// request by ReplyUnlikeAsked; a sale's view of promised units; a hold's pickup ticket,
// which its customer may redeem). The invariant checker compares the real replicas
// against it: a lost or doubled acknowledged operation shows up as a difference. Ordered
// containers only, so iteration is deterministic.
// Thread-safe only as the world's lanes and checks use it: everything of a store from one
// thread at a time, while the holds of all stores share one map (guarded: lanes add
// theirs, and the checks observe theirs, at once).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kura/schema/records.h"

namespace kura::sim {

struct HoldRecord {
  int store = 0;
  HoldState state = HoldState::kHeld;
  std::vector<std::pair<std::string, int64_t>> lines;
  int64_t expires_ms = 0;  // as acknowledged
  std::string ticket;  // the pickup ticket's code its reply gave, while the hold is active
};

// The hold an acknowledged reply to a hold-moving `op` (hold.ready, hold.collect, ...,
// ticket.redeem) shows: ticket.redeem's under "hold" (an empty object when it has none),
// the others' the reply itself.
const nlohmann::json& HoldOfReply(const std::string& op, const nlohmann::json& result);
// Whether `op` moves a hold that exists: the hold ops but hold.create, and ticket.redeem.
bool MovesHold(const std::string& op);
// The hold that the request `op` with `args` moves, as its client knows it: a hold op's
// `id`; for ticket.redeem, the hold its code names (read from the code as any client may,
// unverified); empty for other ops, or a code that does not decode.
std::string HoldAsked(const std::string& op, const nlohmann::json& args);

// A hold's lines as a reply or a listing shows it, in its order.
std::vector<std::pair<std::string, int64_t>> LinesShown(const nlohmann::json& hold);

// Whether a hold seen in `from` may later be seen in `to`: forward along
// held → confirmed → ready → collected, any active state to an end, and an end to
// `collected` only (concurrent ends resolve to the collection).
bool LegalHoldMove(HoldState from, HoldState to);

// Empty when the acknowledged reply `result` to `op` with `args` is one the request allows,
// else what is wrong with it:
//  - a hold.create or hq.order.place whose hold holds other units per SKU than asked (the
//    ledger and the checks take a hold's lines from its reply, so this ties them to the
//    request), is of another kind or for another customer, or expires another time after
//    it was made than asked (expires_in_s, else the kind's default, PROTOCOL.md);
//  - a stock.sell without override that left a SKU with fewer on hand than promised
//    (held + allotted online), which a store must refuse (needs_override). The oversell
//    check sees such a sale only while units are held; this sees it when it is made.
std::string ReplyUnlikeAsked(const std::string& op, const nlohmann::json& args, const nlohmann::json& result);
// The hold part of that: empty when `hold` (as a reply or a listing shows it) holds the units
// per SKU the hold.create or hq.order.place `op` with `args` asked for, of the kind and for
// the customer asked, lasting as asked.
std::string HoldUnlikeAsked(const std::string& op, const nlohmann::json& args, const nlohmann::json& hold);
// Whether `hold` lasts other than its kind's documented default (its request asked for
// its own expires_in_s).
bool LastsOwnLifetime(const nlohmann::json& hold);
// Empty when `hold` (a hold.create or hq.order.place reply's) was made while its request
// was out: its created_ms within [from_ms, to_ms], the clock of the node that made it
// read when the request was sent and when it was answered; else what is wrong. A hold
// stamped at another time lasts other than asked from when the customer asked, though
// HoldUnlikeAsked finds its lifetime (expires_ms - created_ms) right.
std::string HoldMadeOutside(const nlohmann::json& hold, int64_t from_ms, int64_t to_ms);
// Whether the acknowledged stock.sell answered `result` took promised units (any of its
// stock views with a PromisedShortfall).
bool TookPromised(const nlohmann::json& result);

// What a stock.sell took of the units promised at its store for one SKU (held + allotted
// online), from that SKU's stock view in the sale's reply (taken after the sale): how far
// on hand falls short of them, 0 when nothing is promised. A store lets a sale take promised
// units only with staff's override, and marks that sale's receipt `override`.
int64_t PromisedShortfall(const nlohmann::json& view);

// What a store's journal must hold: how many receipts, and the sum of their fingerprints,
// so receipts of other kinds, lines, customers or holds than acknowledged show without
// keeping every receipt (the sum does not depend on the order they were journaled in).
struct JournalTally {
  int64_t receipts = 0;
  uint64_t fingerprints = 0;

  // Adds `receipt` as the sim can know it from the request and its reply (a sale's override
  // flag from its stock views): its number and time are the store's, and a collection's
  // customer is the hold's, so neither is counted.
  void Add(Receipt receipt);
  bool operator==(const JournalTally&) const = default;
};

// Whether a hold in `state` since `state_since_ms` (the stamp of the node that moved it
// there, by that node's clock, as its expiry job also reads it) expired before its
// `expires_ms`: a promise broken early.
bool ExpiredEarly(HoldState state, int64_t state_since_ms, int64_t expires_ms);

// Whether `held` units promised to holds at a store oversell its `on_hand` beyond
// `overrides` (what staff's override sales took of promised units, and stocktakes' losses
// beyond available-to-promise). Only a promise can be oversold: on hand below zero with
// nothing held is a till selling past the shelf's count, which a store allows while
// nothing is promised (a sale sent again, say, and applied after later sales).
bool Oversold(int64_t held, int64_t on_hand, int64_t overrides);

class Ledger {
 public:
  explicit Ledger(int stores) : on_hand_(stores), overrides_(stores), journals_(stores), active_(stores), touched_(stores) {}

  // How old a reply's view of a hold may be.
  enum class Reply {
    kFresh,     // as the request was executed: its hold state is the newest
    kRepeated,  // to a request sent again with its rid (PROTOCOL.md 1.2): maybe the first
                // execution's stored reply, whose hold state a later move may have passed
  };
  // Records the effect of an acknowledged (ok) reply to `op` at `store`. Returns why the
  // hold state the reply shows is not a legal move from the last one seen (empty when it
  // is, or when the reply moves no hold); the state recorded is then left as it was. A
  // repeated reply's state is taken only when it is a legal move, and is never a fault;
  // a repeated hold.create or hq.order.place whose hold is known adds nothing.
  std::string Apply(int store, const std::string& op, const nlohmann::json& args,
                    const nlohmann::json& result, Reply reply = Reply::kFresh);
  // A hold observed in `state` (by a reply or a scan). Returns false when that is not a
  // legal move from the last state seen; *from is set to it.
  bool Observe(const std::string& hold_id, HoldState state, HoldState* from);

  int64_t OnHand(int store, const std::string& sku) const;
  // Units promised to holds that sales made with staff's override took, and units a
  // stocktake found missing beyond available-to-promise (recorded overrides): the only
  // ways held may exceed on-hand.
  int64_t Overrides(int store, const std::string& sku) const;
  // The receipts the acknowledged sales, returns and collections journaled at `store`.
  const JournalTally& Journal(int store) const { return journals_[store]; }
  const std::map<std::string, int64_t>& Skus(int store) const { return on_hand_[store]; }
  // The SKUs of `store` whose on-hand or held units an acknowledged operation moved since
  // the last call, in order; the call forgets them.
  std::set<std::string> TakeTouched(int store);
  // Whether a hold was acknowledged (to a till, or to the shop by HQ). Guarded.
  bool Knows(const std::string& hold_id);
  // HQ decided an order alone after routing it to `store` (HQ had restarted during its
  // wait) before the store's hold for call `call_rid` reached it: that hold is left to
  // expire (PROTOCOL.md 2.4). Guarded.
  void LeaveToExpiry(const std::string& store, const std::string& call_rid);
  bool LeftToExpiry(const std::string& store, const std::string& call_rid);
  // The lines of a hold the ledger knows, as acknowledged when it was made; else those of
  // `hold`, a reply or listing showing it (a hold HQ routed to a store that no reply to the
  // sim showed). Guarded.
  std::vector<std::pair<std::string, int64_t>> LinesOf(const std::string& hold_id, const nlohmann::json& hold) const;
  // Empty when a replica's hold `hold_id` with `lines` expiring at `expires_ms` holds the
  // lines and expiry it was acknowledged with, or was not acknowledged; else what differs:
  // a promise changed after it was made. Guarded.
  std::string UnlikeAcknowledged(const std::string& hold_id,
                                 const std::vector<std::pair<std::string, int64_t>>& lines,
                                 int64_t expires_ms) const;
  // The pickup ticket code acknowledged with an active hold, as its customer keeps it; empty
  // when none is known (ended, or too large for a ticket). Guarded.
  std::string TicketOf(const std::string& hold_id) const;
  // Acknowledged holds lasting other than their kind's documented default: the request
  // asked for its own lifetime (expires_in_s). Guarded.
  int64_t own_lifetime_holds() const;
  // Holds believed active at `store`, in id order.
  const std::set<std::string>& Active(int store) const { return active_[store]; }
  // Unguarded: between windows (or with no lanes) only, and not in World::ForEachStore.
  const std::map<std::string, HoldRecord>& holds() const { return holds_; }

 private:
  void AddHold(int store, const nlohmann::json& hold);
  // Notes the SKUs `j` names: its "sku", and the "sku" of each of its "lines".
  void Touch(int store, const nlohmann::json& j);

  std::vector<std::map<std::string, int64_t>> on_hand_;
  std::vector<std::map<std::string, int64_t>> overrides_;
  std::vector<JournalTally> journals_;
  std::vector<std::set<std::string>> active_;
  std::vector<std::set<std::string>> touched_;
  mutable std::mutex holds_mutex_;  // for holds_'s shape; a hold's record is its store's
  std::map<std::string, HoldRecord> holds_;
  std::set<std::pair<std::string, std::string>> left_to_expiry_;  // {store, call rid}
  int64_t own_lifetime_holds_ = 0;
};

}  // namespace kura::sim
