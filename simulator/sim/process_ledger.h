// ProcessLedger: kura-sim's account of what it asked real daemons to do, for the
// multi-process mode. Every operation is recorded before it is sent and resolved by what
// came back: acknowledged (an ok reply: its effect goes into the Ledger, ledger.h, as in
// the in-process world), refused (an error reply: no effect), or unknown (no reply in time:
// the daemon may or may not have applied it). An unknown one is sent again with its rid
// after the final heal, or before its store's disk is replaced (process_resend.h), which
// resolves it; the checks allow for both outcomes of any still unknown after that. Also
// keeps the trace of recent operations and faults for a violation report, and the counts
// per kind of operation for the report.
//
// Thread-safe: the workload's threads and the control thread share one instance. The
// accessors marked "quiescent" may be used only once no workload thread is running.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "kura/schema/status.h"
#include "ledger.h"

namespace kura::sim {

enum class OpOutcome { kPending = 1, kAcked, kRefused, kUnknown };

struct OpRecord {
  int store = -1;  // the store it concerns (for hq.order.place, the ordered store)
  bool at_hq = false;
  std::string op, rid;
  nlohmann::json args;
  OpOutcome outcome = OpOutcome::kPending;
  nlohmann::json result;  // the acknowledged reply's result
  std::string refusal;    // the refusal's code, e.g. "insufficient_stock"
  bool resent = false;    // unknown, then sent again with its rid (ProcessLedger::Repeat)
  // For a move of a known hold: its state in the ledger when the request was first sent.
  HoldState hold_when_sent = HoldState::kUnknown;
  int64_t sent_ms = 0;  // WallMillis when first sent
};

// This machine's wall clock in ms, as the daemons on it read it (kura::SystemClock) to
// stamp holds.
int64_t WallMillis();
// How far a daemon's stamp may fall outside the wall-clock span of its request (the
// clocks are one; this allows only for a step of the clock while the run lasts).
inline constexpr int64_t kStampSlackMs = 1000;

// The deliveries that stock every store before the workload starts: their request ids
// begin with kOpeningRidPrefix, and they are counted apart from the workload's operations
// (OpeningAcked, not Counts).
inline constexpr const char* kOpeningRidPrefix = "open-";

// Acknowledged, refused and unknown operations of one kind, and the refusals by code;
// `resent` of them were unknown and sent again (their outcome is the repeat's).
struct OpCounts {
  int64_t acked = 0, refused = 0, unknown = 0, resent = 0;
  std::map<std::string, int64_t> refusals;
};

// The counts of every kind added up (refusals left out).
OpCounts Total(const std::map<std::string, OpCounts>& by_kind);

class ProcessLedger {
 public:
  explicit ProcessLedger(std::vector<std::string> store_ids);

  // Records `op` about to be sent (to HQ when `at_hq`); returns its handle. The outcome
  // follows from the reply, below.
  std::size_t Begin(int store, bool at_hq, const std::string& op, const std::string& rid,
                    const nlohmann::json& args);
  // The reply was ok: applies its effect. A hold the reply names moves in the Ledger; a
  // move that is not legal, or an order's hold at another store than ordered, is a
  // violation.
  void Ack(std::size_t handle, const nlohmann::json& result);
  // An error reply: refused, no effect; but io_error and busy leave it unknown, as they
  // may still take effect (PROTOCOL.md 1.4).
  void Refuse(std::size_t handle, const Status& status);
  // No reply came: the operation stays unknown.
  void Lose(std::size_t handle);
  // The workload's operations still unknown, in the order they were sent (opening
  // deliveries are never among them: anything but an ack stops the run); with `store`, only
  // those concerning it. While the workload runs, others may turn unknown meanwhile.
  std::vector<std::size_t> Unknown(std::optional<int> store = std::nullopt) const;
  // A copy of one operation's record, safe while the workload runs.
  OpRecord Record(std::size_t handle) const;
  // Unknown `handle` was sent again with its rid and args: `reply` (nullopt when none came)
  // resolves it as Ack and Refuse do, except that an ok reply may be the first execution's,
  // stored (PROTOCOL.md 1.2), so a hold state it shows that a later move has passed is no
  // violation (Ledger::Reply::kRepeated); one that is no legal move from the hold's state
  // when the request was first sent is.
  void Repeat(std::size_t handle, const std::optional<Result<nlohmann::json>>& reply);
  // A line for the trace (faults, harness events).
  void Note(const std::string& line);
  // A check failed while the workload ran; the first one is the run's violation.
  void Violation(const std::string& what);
  std::string violation() const;

  // For the workload.
  int64_t OnHand(int store, const std::string& sku) const;
  // The pickup ticket acknowledged with active hold `hold_id` (Ledger::TicketOf).
  std::string TicketOf(const std::string& hold_id) const;
  // An active hold at `store`, picked by `u` in [0, 1); none when it has none.
  std::optional<std::string> PickActive(int store, double u) const;
  // A hold seen in `state`; false (and *why set) when that is not a legal move.
  bool Observe(const std::string& hold_id, HoldState state, std::string* why);

  // For the continuous checks: the units of `sku` that `store`'s till sales may have taken
  // beyond available-to-promise — recorded overrides plus the whole of every override
  // sale still pending or unknown.
  int64_t OverrideBound(int store, const std::string& sku) const;

  std::string TraceTail() const;
  // The trace as it was at the first violation (the current one when none).
  std::string ViolationTrace() const;
  int64_t ElapsedMs() const;
  // The workload's operations by kind; the opening stock is not among them.
  std::map<std::string, OpCounts> Counts() const;
  int64_t OpeningAcked() const;

  // Quiescent accessors.
  const Ledger& ledger() const { return ledger_; }
  Ledger& mutable_ledger() { return ledger_; }
  const std::vector<OpRecord>& records() const { return records_; }
  const std::vector<std::string>& store_ids() const { return store_ids_; }

 private:
  static std::string Kind(const OpRecord& record);
  // REQUIRES: mu_ held.
  void AckLocked(OpRecord& record, const nlohmann::json& result, Ledger::Reply reply);
  void RefuseLocked(OpRecord& record, const Status& status);
  void Resolve(OpRecord& record, OpOutcome outcome, const std::string& what);
  void AddUncertainSale(const OpRecord& record, int64_t sign);
  std::string Tail() const;
  void RaiseLocked(const std::string& what);
  void AddLine(std::deque<std::pair<int64_t, std::string>>* lines, std::string line);

  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  std::vector<std::string> store_ids_;
  Ledger ledger_;
  std::vector<OpRecord> records_;
  std::vector<std::map<std::string, int64_t>> uncertain_sold_;  // per store, per SKU
  std::map<std::string, OpCounts> counts_;
  int64_t opening_acked_ = 0;
  // The last operations and, apart, the last faults and events, so that a burst of
  // operations does not push the faults out of a violation report.
  std::deque<std::pair<int64_t, std::string>> op_lines_, event_lines_;
  std::string violation_, violation_trace_;
};

}  // namespace kura::sim
