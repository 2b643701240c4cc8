#include "process_ledger.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "system_clock.h"

namespace kura::sim {

using nlohmann::json;

namespace {

constexpr std::size_t kOpLines = 16, kEventLines = 10;

}  // namespace

OpCounts Total(const std::map<std::string, OpCounts>& by_kind) {
  OpCounts total;
  for (const auto& [kind, c] : by_kind) {
    total.acked += c.acked;
    total.refused += c.refused;
    total.unknown += c.unknown;
    total.resent += c.resent;
  }
  return total;
}

ProcessLedger::ProcessLedger(std::vector<std::string> store_ids)
    : store_ids_(std::move(store_ids)),
      ledger_(static_cast<int>(store_ids_.size())),
      uncertain_sold_(store_ids_.size()) {}

int64_t ProcessLedger::ElapsedMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               t0_)
      .count();
}

std::string ProcessLedger::Kind(const OpRecord& record) {
  if (record.op == "stock.sell" && record.args.value("override", 0) == 1)
    return "stock.sell override";
  return record.op;
}

// Only a sale with override may take promised units (a store refuses one without, when it
// runs it), so only those can leave held above on hand.
void ProcessLedger::AddUncertainSale(const OpRecord& record, int64_t sign) {
  if (record.op != "stock.sell" || record.args.value("override", 0) != 1) return;
  for (const json& line : record.args["lines"]) {
    uncertain_sold_[record.store][line["sku"].get<std::string>()] +=
        sign * line["qty"].get<int64_t>();
  }
}

int64_t WallMillis() { return SystemClock::Get()->NowMillis(); }

std::size_t ProcessLedger::Begin(int store, bool at_hq, const std::string& op,
                                 const std::string& rid, const json& args) {
  std::lock_guard<std::mutex> lock(mu_);
  records_.push_back(OpRecord{store, at_hq, op, rid, args, OpOutcome::kPending, nullptr, ""});
  OpRecord& record = records_.back();
  record.sent_ms = WallMillis();
  if (std::string id = HoldAsked(op, args); !id.empty()) {
    auto hold = ledger_.holds().find(id);
    if (hold != ledger_.holds().end()) record.hold_when_sent = hold->second.state;
  }
  AddUncertainSale(record, +1);
  return records_.size() - 1;
}

void ProcessLedger::Resolve(OpRecord& record, OpOutcome outcome, const std::string& what) {
  record.outcome = outcome;
  if (record.op == "stock.receive" && record.rid.starts_with(kOpeningRidPrefix)) {
    // Any but an ack stops the run before the workload (ProcessWorkload::Stock).
    opening_acked_ += outcome == OpOutcome::kAcked;
  } else {
    OpCounts& counts = counts_[Kind(record)];
    ++(outcome == OpOutcome::kAcked     ? counts.acked
       : outcome == OpOutcome::kRefused ? counts.refused
                                        : counts.unknown);
    if (outcome == OpOutcome::kRefused) ++counts.refusals[record.refusal];
  }
  std::string where = (record.resent ? "AGAIN " : "") + (record.at_hq ? "hq" : store_ids_[record.store]);
  std::string args = record.args.dump();
  if (args.size() > 110) args = args.substr(0, 107) + "...";
  AddLine(&op_lines_, where + " " + record.op + " " + record.rid + " " + args + " -> " + what);
}

void ProcessLedger::Ack(std::size_t handle, const json& result) {
  std::lock_guard<std::mutex> lock(mu_);
  AckLocked(records_[handle], result, Ledger::Reply::kFresh);
}

void ProcessLedger::AckLocked(OpRecord& record, const json& result, Ledger::Reply reply) {
  record.result = result;
  AddUncertainSale(record, -1);
  // HQ names the store in an order's hold; it must be the one ordered from.
  std::string named = result.value("store", "");
  if (record.op == "hq.order.place" && named != store_ids_[record.store]) {
    RaiseLocked("order " + record.rid + " for " + store_ids_[record.store] + " answered with a hold at " + named);
  }
  if (std::string other = ReplyUnlikeAsked(record.op, record.args, result); !other.empty()) {
    RaiseLocked(record.rid + ": " + other);
  }
  if (record.op == "hold.create" || record.op == "hq.order.place") {
    std::string other =
        HoldMadeOutside(result, record.sent_ms - kStampSlackMs, WallMillis() + kStampSlackMs);
    if (!other.empty()) RaiseLocked(record.rid + ": " + other);
  }
  std::string illegal = ledger_.Apply(record.store, record.op, record.args, result, reply);
  const json& hold = HoldOfReply(record.op, result);
  auto state = ParseHoldState(hold.value("state", ""));
  if (reply == Ledger::Reply::kRepeated && record.hold_when_sent != HoldState::kUnknown && state &&
      !LegalHoldMove(record.hold_when_sent, *state)) {
    illegal = record.op + " sent again answered hold " + hold.value("id", "") + " " +
              std::string(HoldStateName(*state)) + ", but it was " +
              std::string(HoldStateName(record.hold_when_sent)) + " when first sent";
  }
  Resolve(record, OpOutcome::kAcked,
          record.op == "hq.order.place" ? "ok " + result.value("id", "") : "ok");
  if (!illegal.empty()) RaiseLocked(illegal);
}

void ProcessLedger::Refuse(std::size_t handle, const Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  RefuseLocked(records_[handle], status);
}

void ProcessLedger::RefuseLocked(OpRecord& record, const Status& status) {
  record.refusal = std::string(Status::CodeName(status.code()));
  if (status.code() == Status::Code::kIOError || status.code() == Status::Code::kBusy) {
    // PROTOCOL.md 1.4: the request may still take effect (retry with its rid to learn).
    Resolve(record, OpOutcome::kUnknown, record.refusal + " (unknown)");
    return;
  }
  AddUncertainSale(record, -1);
  Resolve(record, OpOutcome::kRefused, record.refusal);
}

void ProcessLedger::Lose(std::size_t handle) {
  std::lock_guard<std::mutex> lock(mu_);
  Resolve(records_[handle], OpOutcome::kUnknown, "NO REPLY (unknown)");
}

std::vector<std::size_t> ProcessLedger::Unknown(std::optional<int> store) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < records_.size(); ++i) {
    if (records_[i].outcome == OpOutcome::kUnknown && (!store || records_[i].store == *store)) out.push_back(i);
  }
  return out;
}

OpRecord ProcessLedger::Record(std::size_t handle) const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_[handle];
}

void ProcessLedger::Repeat(std::size_t handle, const std::optional<Result<json>>& reply) {
  std::lock_guard<std::mutex> lock(mu_);
  OpRecord& record = records_[handle];
  OpCounts& counts = counts_[Kind(record)];
  // Counted again below, by the repeat's outcome; resent once however often it is sent.
  --counts.unknown;
  if (!record.resent) ++counts.resent;
  record.resent = true;
  if (!reply)
    Resolve(record, OpOutcome::kUnknown, "NO REPLY again (unknown)");
  else if (reply->ok())
    AckLocked(record, reply->value(), Ledger::Reply::kRepeated);
  else
    RefuseLocked(record, reply->status());
}

void ProcessLedger::Note(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  AddLine(&event_lines_, line);
}

void ProcessLedger::AddLine(std::deque<std::pair<int64_t, std::string>>* lines, std::string line) {
  lines->emplace_back(ElapsedMs(), std::move(line));
  if (lines->size() > (lines == &op_lines_ ? kOpLines : kEventLines)) lines->pop_front();
}

std::string ProcessLedger::Tail() const {
  std::vector<std::pair<int64_t, std::string>> all(op_lines_.begin(), op_lines_.end());
  all.insert(all.end(), event_lines_.begin(), event_lines_.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [at, line] : all) {
    char when[32];
    std::snprintf(when, sizeof when, "  %8.3f s  ", at / 1000.0);
    out += when + line + "\n";
  }
  return out;
}

void ProcessLedger::Violation(const std::string& what) {
  std::lock_guard<std::mutex> lock(mu_);
  RaiseLocked(what);
}

void ProcessLedger::RaiseLocked(const std::string& what) {
  AddLine(&event_lines_, "VIOLATION " + what);
  if (!violation_.empty()) return;
  violation_ = what;
  violation_trace_ = Tail();
}

std::string ProcessLedger::ViolationTrace() const {
  std::lock_guard<std::mutex> lock(mu_);
  return violation_.empty() ? Tail() : violation_trace_;
}

std::string ProcessLedger::violation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return violation_;
}

int64_t ProcessLedger::OnHand(int store, const std::string& sku) const {
  std::lock_guard<std::mutex> lock(mu_);
  return ledger_.OnHand(store, sku);
}

std::string ProcessLedger::TicketOf(const std::string& hold_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return ledger_.TicketOf(hold_id);
}

std::optional<std::string> ProcessLedger::PickActive(int store, double u) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto& active = ledger_.Active(store);
  if (active.empty()) return std::nullopt;
  auto it = active.begin();
  std::advance(
      it, std::min<std::size_t>(active.size() - 1, static_cast<std::size_t>(u * active.size())));
  return *it;
}

bool ProcessLedger::Observe(const std::string& hold_id, HoldState state, std::string* why) {
  std::lock_guard<std::mutex> lock(mu_);
  HoldState from = HoldState::kUnknown;
  if (ledger_.Observe(hold_id, state, &from)) return true;
  *why = "hold " + hold_id + " moved from " + std::string(HoldStateName(from)) + " to " +
         std::string(HoldStateName(state));
  return false;
}

int64_t ProcessLedger::OverrideBound(int store, const std::string& sku) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = uncertain_sold_[store].find(sku);
  return ledger_.Overrides(store, sku) + (it == uncertain_sold_[store].end() ? 0 : it->second);
}

std::string ProcessLedger::TraceTail() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Tail();
}

std::map<std::string, OpCounts> ProcessLedger::Counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

int64_t ProcessLedger::OpeningAcked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return opening_acked_;
}

}  // namespace kura::sim
