#include "process_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <set>
#include <thread>

#include "fault_schedule.h"
#include "interrupt_guard.h"
#include "kura/node/api_client.h"
#include "plural.h"
#include "poll_until.h"
#include "process_chain.h"
#include "process_faults.h"
#include "process_resend.h"
#include "process_snapshot.h"
#include "process_workload.h"
#include "workload.h"

namespace kura::sim {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kWatchTimeoutMs = 1000;
constexpr int kSnapshotTimeoutMs = 10'000;
// HQ's admin.check reads everything HQ holds, on its worker thread.
constexpr int kHqCheckTimeoutMs = 60'000;
constexpr int kConvergePollMs = 250;

constexpr const char* kInterrupted = "interrupted (SIGINT or SIGTERM): the daemons were stopped";

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

class Run {
 public:
  Run(const ProcessOptions& options, ProcessResult* result,
      const std::function<void(const std::string&)>& progress)
      : options_(options), result_(result), progress_(progress) {}

  void Go() {
    auto started = ProcessChain::Start(options_, context_);
    if (!started.ok()) return Fail("starting the chain: " + started.status().ToString());
    chain_ = std::move(*started);
    if (options_.keep) result_->work_dir = chain_->path();
    std::vector<std::string> ids;
    for (int i = 0; i < chain_->stores(); ++i) ids.push_back(chain_->store_id(i));
    ledger_ = std::make_unique<ProcessLedger>(ids);
    workload_ = std::make_unique<ProcessWorkload>(options_, chain_.get(), ledger_.get(), &context_);
    if (Status s = workload_->Stock(); !s.ok()) return Fail(s.ToString());
    Say("chain up in " + chain_->path() + "; workload running");
    Drive();
    workload_->Stop();
    Collect();
    if (!result_->error.empty()) return;
    if (!ledger_->violation().empty()) return StopAtViolation();
    ledger_->Note("FINAL HEAL: every daemon thawed, restarted and relinked");
    if (Status s = chain_->HealAll(); !s.ok()) return Fail("final heal: " + s.ToString());
    char stopped[48];
    std::snprintf(stopped, sizeof stopped, "workload stopped after %.1f s", result_->workload_s);
    Say(std::string(stopped) + (workload_->Spent() ? " (--ops reached)" : "") +
        (options_.faults ? "; every fault healed" : ""));
    Resend();
    if (!result_->error.empty()) return;
    Converge();
  }

  ~Run() {
    if (workload_) workload_->Stop();
  }

 private:
  void Fail(const std::string& what) {
    if (ledger_ && !ledger_->violation().empty()) {
      // The violation came first: it is the verdict, and what failed after it may be its
      // consequence (a daemon that crashed does not come back).
      Verdict();
      result_->trace_tail += "  then the run could not go on: " + what.substr(0, what.find('\n')) + "\n";
      return;
    }
    if (InterruptGuard::Requested()) {
      // Asked for: whatever failed after the stop came is its consequence, not a fault to debug.
      result_->interrupted = true;
      result_->error = what == kInterrupted ? what : std::string(kInterrupted) + " (" + what + ")";
      return;
    }
    result_->error = what;
    if (chain_) result_->error += "\ndaemon logs:\n" + chain_->LogTails(8);
  }

  void Verdict() {
    result_->violation = ledger_->violation();
    result_->ok = result_->violation.empty();
    result_->trace_tail = ledger_->ViolationTrace();
  }

  // A violation found while the workload ran ends the run there, as the issue asks: the
  // chain is left as the violation found it, unhealed, for --keep.
  void StopAtViolation() {
    result_->stopped_at_violation = true;
    Verdict();
  }

  // After the final heal: whether to stop waiting on the daemons, interrupted or one of
  // them gone (kept in exit_).
  bool ShouldStop() {
    if (exit_.empty()) exit_ = UnexpectedExit();
    return InterruptGuard::Requested() || !exit_.empty();
  }

  // A daemon that exited by itself, its log's end noted in the trace; empty when none did.
  std::string UnexpectedExit() {
    std::string log_tail, exit = chain_->UnexpectedExit(&log_tail);
    if (!exit.empty()) ledger_->Note(exit + "; its log ends:\n" + log_tail);
    return exit;
  }

  void Say(const std::string& line) {
    if (progress_) progress_(line);
  }

  void Drive() {
    int64_t duration_ms = static_cast<int64_t>(options_.seconds * 1000);
    auto plan = PlanFaults(options_, duration_ms);
    FaultSchedule schedule(plan, duration_ms, &result_->faults);
    for (const auto& [label, n] : FaultsAsked(options_)) result_->faults[label].asked = n;
    workload_->Start();
    auto t0 = Clock::now();
    auto elapsed_ms = [&] { return static_cast<int64_t>(Since(t0) * 1000); };
    int64_t next_watch = static_cast<int64_t>(options_.check_every_s * 1000), next_say = 1000;
    // Every way out times the faults still on: a failed run reports what held too.
    auto fail = [&](const std::string& what) {
      schedule.Stop(elapsed_ms());
      Fail(what);
    };
    while (true) {
      result_->workload_s = Since(t0);  // kept as it goes: a run cut short reports what ran
      if (InterruptGuard::Requested()) return fail(kInterrupted);
      if (std::string exit = UnexpectedExit(); !exit.empty()) ledger_->Violation(exit);
      if (!ledger_->violation().empty()) break;  // StopAtViolation
      if (workload_->Spent()) break;  // no workload left to fault
      while (auto step = schedule.Due(elapsed_ms())) {
        if (Status s = Apply(*step); !s.ok()) return fail(s.ToString());
        // A disk replacement's preparation can find a violation or meet an interrupt: the
        // chain stays as it was then.
        if (InterruptGuard::Requested() || !ledger_->violation().empty()) break;
        if (step->start && step->fault->kind == FaultKind::kWipeStore) schedule.StartedAt(elapsed_ms());
      }
      int64_t now = elapsed_ms();
      if (now >= duration_ms && !schedule.Owed()) break;
      if (now >= next_watch) {
        Watch();
        next_watch = now + static_cast<int64_t>(options_.check_every_s * 1000);
      }
      if (now >= next_say) {
        Say(StatusLine(now, duration_ms));
        next_say = now + 1000;
      }
      int64_t wake = std::min({std::max(duration_ms, now + 1), next_watch, next_say,
                               schedule.NextDueMs().value_or(duration_ms)});
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::clamp<int64_t>(wake - now, 1, 100)));
    }
    schedule.Stop(elapsed_ms());
  }

  Status Apply(const FaultStep& step) {
    const Fault& f = *step.fault;
    std::string who = f.store < 0 ? "hq" : chain_->store_id(f.store);
    char length[32];
    std::snprintf(length, sizeof length, "%.1f s", f.length_ms / 1000.0);
    if (step.start) {
      ledger_->Note("FAULT " + who + " " + FaultName(f.kind) + " for " + length);
    }
    Status s;
    switch (f.kind) {
      case FaultKind::kKillStore:
        s = step.start ? chain_->KillStore(f.store) : chain_->RestartStore(f.store);
        break;
      case FaultKind::kKillHq:
        s = step.start ? chain_->KillHq() : chain_->RestartHq();
        break;
      case FaultKind::kFreezeStore:
        s = step.start ? chain_->FreezeStore(f.store) : chain_->ThawStore(f.store);
        break;
      case FaultKind::kFreezeHq:
        s = step.start ? chain_->FreezeHq() : chain_->ThawHq();
        break;
      case FaultKind::kCutStore:
        s = step.start ? chain_->CutStore(f.store) : chain_->RelinkStore(f.store);
        break;
      case FaultKind::kWipeStore:
        return ApplyWipe(step);
    }
    if (!step.start && s.ok()) {
      ledger_->Note(who + (f.kind == FaultKind::kCutStore                      ? " relinked"
                           : AtHq(f.kind) || f.kind == FaultKind::kFreezeStore ? " resumed"
                                                                               : " restarted"));
    }
    return s;
  }

  Status ApplyWipe(const FaultStep& step) {
    int i = step.fault->store;
    if (step.start) return ReplaceDisk(*step.fault);
    KURA_RETURN_IF_ERROR(chain_->RestartStore(i));
    workload_->OpenStore(i);
    bool kept = disks_kept_.erase(step.fault) > 0;
    ledger_->Note(chain_->store_id(i) + (kept ? " restarted on its own disk" : " restarted on an empty disk"));
    return Status::Ok();
  }

  // What store i acknowledged must be at HQ before its disk goes, or the checks could not
  // tell a loss kura caused from one the disk did (store_gates.h): its traffic stops, it
  // finishes a restore still going, its unknown operations are resolved while it still
  // remembers their rids, and HQ catches up; then the machine dies, and its data directory
  // with it. The plan keeps HQ up at this point (process_faults.h). A store with
  // operations still unknown keeps its disk; one that exits meanwhile is the violation.
  Status ReplaceDisk(const Fault& fault) {
    int i = fault.store;
    // Every wait below ends at an interrupt or a daemon's exit (the violation), and the
    // Drive loop then ends the run.
    auto stop = [&] {
      if (std::string exit = UnexpectedExit(); !exit.empty()) ledger_->Violation(exit);
      return InterruptGuard::Requested() || !ledger_->violation().empty();
    };
    workload_->CloseStore(i);
    if (Status s = chain_->AwaitTakesWrites(i, stop); !s.ok()) return stop() ? Status::Ok() : s;
    ResendUnknown(options_, *chain_, ledger_.get(), context_, stop, i);
    if (stop()) return Status::Ok();
    if (std::size_t left = ledger_->Unknown(i).size(); left > 0) {
      ledger_->Note("disk kept: " + harness::Plural(static_cast<int64_t>(left), "operation") +
                    " still unknown; SIGKILL only");
      ++result_->disks_kept;
      disks_kept_.insert(&fault);
      return chain_->KillStore(i);
    }
    if (Status s = chain_->AwaitSynced(i, stop); !s.ok()) return stop() ? Status::Ok() : s;
    if (stop()) return Status::Ok();
    ++result_->disks_replaced;
    KURA_RETURN_IF_ERROR(chain_->WipeStore(i));
    // Every second disk goes without a backup of the store's key: the store comes back
    // with a new one, which HQ takes by reloading its list (the runbook's step 1).
    if (result_->disks_replaced % 2 == 1) return Status::Ok();
    KURA_RETURN_IF_ERROR(chain_->GiveStoreNewKey(i));
    ++result_->disks_rekeyed;
    ledger_->Note(chain_->store_id(i) + " gets a new key, listed in HQ's config");
    return Status::Ok();
  }

  // The continuous check: held <= on-hand + overrides at every store and HQ that answers.
  // Each view is read before the ledger's bound, so a sale the view already shows is
  // either acknowledged or still counted as uncertain. A daemon the harness froze is
  // skipped: waiting out its timeout would hold up the fault plan.
  void Watch() {
    ++result_->continuous_checks;
    for (int i = 0; i < chain_->stores(); ++i) {
      if (!chain_->store_up(i) || chain_->store_frozen(i)) continue;
      ApiClient api(context_, chain_->store_endpoint(i), kWatchTimeoutMs);
      // A store getting its data back from HQ after a disk replacement has it in part (a
      // hold, say, before the delivery it draws on): it is checked once whole.
      auto sync = api.Call("sync.status");
      if (!sync.ok() || sync->value("restoring", false)) continue;
      auto list = api.ListAll("stock.list", {{"limit", 100'000}}, "items", "sku");
      if (!list.ok()) continue;
      for (const json& item : *list) {
        std::string sku = item["sku"];
        StockRow row{item["on_hand"].get<int64_t>(), item["held"].get<int64_t>()};
        std::string why = CheckHeld(chain_->store_id(i), sku, row, ledger_->OverrideBound(i, sku));
        if (!why.empty()) ledger_->Violation("while running: " + why);
      }
    }
    if (!chain_->hq_up() || chain_->hq_frozen()) return;
    ApiClient hq(context_, chain_->hq_endpoint(), kWatchTimeoutMs);
    for (int k = 0; k < options_.skus; ++k) {
      auto view = hq.Call("hq.stock", {{"sku", Workload::Sku(k)}});
      if (!view.ok()) {
        if (view.status().code() == Status::Code::kIOError) return;  // gone or stuck: next round
        continue;
      }
      for (const json& row : (*view)["stores"]) {
        int i = chain_->StoreIndex(row["store"]);
        if (i < 0) continue;
        StockRow r{row["on_hand"].get<int64_t>(), row["held"].get<int64_t>()};
        std::string why = CheckHeld("hq's view of " + chain_->store_id(i), Workload::Sku(k), r,
                                    ledger_->OverrideBound(i, Workload::Sku(k)));
        if (!why.empty()) ledger_->Violation("while running: " + why);
      }
    }
  }

  std::string StatusLine(int64_t now_ms, int64_t duration_ms) {
    OpCounts ops = Total(ledger_->Counts());
    int64_t injected = 0;
    for (const auto& [kind, c] : result_->faults) injected += c.injected;
    char line[160];
    std::snprintf(line, sizeof line,
                  "%5.1f/%.0f s  %lld ops acknowledged, %lld unknown, %s injected",
                  now_ms / 1000.0, duration_ms / 1000.0, static_cast<long long>(ops.acked),
                  static_cast<long long>(ops.unknown), harness::Plural(injected, "fault").c_str());
    return line;
  }

  // Resolves the unknown operations by sending them again with their rids, then counts
  // them again.
  void Resend() {
    std::size_t unknown = ledger_->Unknown().size();
    if (unknown == 0) return;
    // Linked first: HQ routes a repeated order only to a store it hears from.
    if (Status s = chain_->AwaitLinked(); !s.ok()) return Fail("after the final heal: " + s.ToString());
    ledger_->Note("SENDING AGAIN the " + std::to_string(unknown) + " unknown operations, with their rids");
    ResendUnknown(options_, *chain_, ledger_.get(), context_, [this] { return ShouldStop(); });
    result_->ops = ledger_->Counts();
    CountOrders();
    OpCounts total = Total(result_->ops);  // every operation still unknown was sent again
    Say("sent " + harness::Plural(total.resent, "unknown operation") + " again with " +
        (total.resent == 1 ? "its rid" : "their rids") + "; " + std::to_string(total.unknown) +
        " still unknown");
  }

  void Collect() {
    result_->ops = ledger_->Counts();
    result_->opening_deliveries = ledger_->OpeningAcked();
    result_->skipped = workload_->skipped();
    result_->acked_while_cut = workload_->acked_while_cut();
    CountOrders();
  }

  // From the ledger, so that orders and redeems acknowledged only when sent again count too.
  void CountOrders() {
    result_->decided_by_store = result_->decided_by_hq = result_->tickets_before_hold = 0;
    for (const OpRecord& r : ledger_->records()) {
      if (r.outcome != OpOutcome::kAcked) continue;
      if (r.op == "hq.order.place")
        ++(r.result.value("decided_by", "") == "store" ? result_->decided_by_store : result_->decided_by_hq);
      if (r.op == "ticket.redeem" && !r.result.value("hold_arrived", true)) ++result_->tickets_before_hold;
    }
  }

  void Converge() {
    if (!ShouldStop()) Say("waiting for the chain to converge");
    std::vector<std::string> skus, orders;
    for (int k = 0; k < options_.skus; ++k) skus.push_back(Workload::Sku(k));
    for (const OpRecord& r : ledger_->records()) {
      if (r.op == "hq.order.place" && r.outcome == OpOutcome::kAcked)
        orders.push_back(r.result["id"]);
    }
    auto t0 = Clock::now();
    ChainSnapshot snapshot;
    std::vector<std::string> problems;
    bool converged = PollUntil(
        [&] {
          if (ShouldStop()) return true;
          snapshot = TakeSnapshot(context_, *chain_, skus, orders, kSnapshotTimeoutMs);
          problems = ConvergenceProblems(snapshot);
          return problems.empty();
        },
        static_cast<int64_t>(options_.converge_timeout_s * 1000), kConvergePollMs);
    if (InterruptGuard::Requested()) return Fail(kInterrupted);
    if (!exit_.empty()) {
      ledger_->Violation("after the final heal: " + exit_);
      return StopAtViolation();
    }
    if (converged) {
      result_->converge_s = Since(t0);
      snapshot.hq.check = ReadHqCheck(context_, *chain_, kHqCheckTimeoutMs);
      ledger_->Note("converged " + std::to_string(Since(t0)).substr(0, 5) +
                    " s after the final heal");
    } else {
      result_->not_converged = problems;
      ledger_->Violation("not converged " +
                         std::to_string(static_cast<int>(options_.converge_timeout_s)) +
                         " s after the final heal: " + problems.front());
    }
    result_->checks =
        RunChecks(snapshot, ledger_->ledger(), ledger_->records(), options_.corrupt_expectation);
    for (const CheckResult& c : result_->checks.checks) {
      if (!c.ok) ledger_->Violation(c.name + ": " + c.detail);
    }
    Verdict();
  }

  ProcessOptions options_;
  ProcessResult* result_;
  std::function<void(const std::string&)> progress_;
  zmq::context_t context_;
  std::unique_ptr<ProcessChain> chain_;
  std::unique_ptr<ProcessLedger> ledger_;
  std::unique_ptr<ProcessWorkload> workload_;
  std::string exit_;  // a daemon's exit found after the final heal (UnexpectedExit)
  std::set<const Fault*> disks_kept_;  // disk replacements that fell back to a SIGKILL
};

}  // namespace

ProcessResult RunProcesses(const ProcessOptions& options,
                           const std::function<void(const std::string&)>& progress) {
  auto t0 = Clock::now();
  ProcessResult result;
  result.seed = options.seed;
  result.stores = options.stores;
  {
    InterruptGuard guard;
    Run run(options, &result, progress);
    try {
      run.Go();
    } catch (const std::exception& e) {  // kura-sim's own bug: reported with the seed, daemons stopped
      result.error = std::string("kura-sim failed: ") + e.what();
    }
  }
  result.wall_s = Since(t0);
  return result;
}

}  // namespace kura::sim
