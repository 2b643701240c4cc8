#include "process_report.h"

#include <cstdio>
#include <sstream>

#include "plural.h"
#include "text_format.h"

namespace kura::sim {

using nlohmann::json;

namespace {

long long L(int64_t v) { return static_cast<long long>(v); }

std::string Rerun(const ProcessOptions& o) {
  return Printf("kura-sim processes --seed %llu", static_cast<unsigned long long>(o.seed)) + o.rerun_options;
}

// The faults planned and injected, by kind, and how long they held.
std::string FaultTable(const std::map<std::string, FaultCount>& faults) {
  if (faults.empty()) return "\nfaults: none planned\n";
  std::string out =
      Printf("\n%-22s %8s %9s %10s %7s\n", "fault", "planned", "injected", "planned s", "held s");
  int64_t not_injected = 0, shrunk = 0;
  std::string left_out;
  for (const auto& [kind, c] : faults) {
    if (c.asked > c.planned) {
      left_out += Printf("  %s: %lld of the %lld asked for left out of the plan: no moment of the run had HQ up and\n"
                         "   the store clear of its other faults\n",
                         kind.c_str(), L(c.asked - c.planned), L(c.asked));
    }
    out += Printf("  %-20s %8lld %9lld %10.1f %7.1f\n", kind.c_str(), L(c.planned),
                  L(c.injected), c.planned_s, c.held_s);
    not_injected += c.planned - c.injected;
    shrunk += c.shrunk;
  }
  out +=
      "  (planned s: the kind's planned lengths added up; held s: how long its faults were in "
      "effect, each from\n   its injection to its end, or to the end of the workload. A fault due "
      "while the harness is busy\n   starts late and moves the rest of the plan with it, so each "
      "runs its full length unless the\n   workload ends first (--ops reached, or an end planned "
      "past it); an end that waits for the\n   harness, e.g. for another daemon's restart, holds "
      "its fault a little longer)\n";
  out += left_out;
  if (shrunk > 0) {
    out += Printf("  %s shrunk to fit a run this short: shorter than the lengths --help gives\n",
                  harness::Plural(shrunk, "fault").c_str());
  }
  if (not_injected > 0) {
    out += Printf("  %lld planned %s not injected: the workload ended before %s time (--ops reached, or "
                  "planned past the end of a run too short for them)\n",
                  L(not_injected), not_injected == 1 ? "fault was" : "faults were",
                  not_injected == 1 ? "its" : "their");
  }
  return out;
}

}  // namespace

std::string FormatProcessViolation(const ProcessOptions& options, const ProcessResult& r) {
  return "VIOLATION (seed " + std::to_string(r.seed) + "): " + r.violation +
         "\nlast operations and faults:\n" + r.trace_tail + "run again: " + Rerun(options) +
         " (same workload draws and fault plan; wall-clock timing differs)\n";
}

std::string FormatProcessRun(const ProcessOptions& o, const ProcessResult& r) {
  std::ostringstream out;
  out << Printf(
      "kura-sim processes  seed %llu: %d kura-store + kura-hq on loopback over CURVE, %d SKUs, "
      "workload ran %.1f s of %g s asked\n",
      static_cast<unsigned long long>(r.seed), r.stores, o.skus, r.workload_s, o.seconds);
  out << "(wall-clock timing: the seed fixes the workload's draws and the fault plan, not how they "
         "interleave with\n"
         " the daemons; a run is not replayable event for event)\n";
  if (!r.error.empty()) {
    out << (r.interrupted ? "\nSTOPPED (no verdict): " : "\nRUN FAILED (no verdict): ") << r.error << "\n";
    return out.str();
  }
  out << Printf("\n%-22s %12s %8s %8s %11s\n", "operation", "acknowledged", "refused", "unknown",
                "sent again");
  for (const auto& [kind, c] : r.ops) {
    out << Printf("  %-20s %12lld %8lld %8lld %11lld\n", kind.c_str(), L(c.acked), L(c.refused),
                  L(c.unknown), L(c.resent));
  }
  OpCounts total = Total(r.ops);
  out << Printf("  %-20s %12lld %8lld %8lld %11lld\n", "total", L(total.acked), L(total.refused),
                L(total.unknown), L(total.resent));
  if (total.resent > 0) {
    out << "  (sent again: unknown at first (no reply in time, or io_error or busy), then sent again "
           "with its rid after\n   the final heal, or before its store's disk was replaced; counted by "
           "that answer: the first one,\n   stored, or the request decided then)\n";
  }
  if (r.opening_deliveries > 0) {
    out << Printf("before the workload: %lld opening deliveries acknowledged, one per SKU per store\n",
                  L(r.opening_deliveries));
  }
  std::string refusals;
  for (const auto& [kind, c] : r.ops) {
    for (const auto& [code, n] : c.refusals)
      refusals += (refusals.empty() ? "" : ", ") + kind + " " + code + " " + std::to_string(n);
  }
  if (!refusals.empty()) out << "refused: " << refusals << "\n";
  out << Printf(
      "online orders decided by the store: %lld, by HQ's allotment: %lld; pickup tickets redeemed "
      "before their hold\nreached the store: %lld; turns skipped (a till or the shop sat out its "
      "turn while its daemon was\ndown): %lld; store operations acknowledged while the store's link "
      "was cut: %lld\n",
      L(r.decided_by_store), L(r.decided_by_hq), L(r.tickets_before_hold), L(r.skipped),
      L(r.acked_while_cut));
  out << FaultTable(r.faults);
  if (r.disks_replaced + r.disks_kept > 0) {
    out << Printf(
        "disks replaced: %lld, each once HQ held all the store had acknowledged (%lld of them without "
        "the store's key:\nit came back with a new one, which HQ took by reloading its store list); "
        "%lld kept (SIGKILL only:\noperations at the store still unknown, whose rids it would have "
        "forgotten)\n",
        L(r.disks_replaced), L(r.disks_rekeyed), L(r.disks_kept));
  }
  const UnknownTally& u = r.checks.unknown;
  out << Printf(
      "\nunknown operations that sending again did not resolve: %lld happened, %lld did not (by "
      "receipts, holds\nand hold states), %lld deliveries allowed for as a subset sum, %lld "
      "hold.ready/hold.cancel allowed\neither way (the hold's state shows the move was legal, not "
      "which request made it)\n",
      L(u.happened), L(u.did_not), L(u.bounded), L(u.state_only));
  if (r.stopped_at_violation)
    out << "stopped at the violation: no final heal, convergence or final checks";
  else if (r.converge_s >= 0)
    out << Printf("converged %.1f s after the %s", r.converge_s,
                  o.faults ? "final heal" : "workload stopped");
  else
    out << "NOT converged by the deadline ("
        << (r.not_converged.empty() ? "" : r.not_converged.front()) << ")";
  out << "; " << harness::Plural(r.continuous_checks, "continuous check") << " while running";
  if (r.checks.stranded_holds > 0) {
    out << Printf("; %lld store holds stranded by orders HQ answered itself",
                  L(r.checks.stranded_holds));
  }
  out << (r.checks.checks.empty() ? "\n" : r.ok ? "\n\nchecks (all held):\n" : "\n\nchecks:\n");
  for (const CheckResult& c : r.checks.checks) {
    out << "  " << (c.ok ? "ok    " : "FAIL  ") << c.name << "\n";
    if (!c.ok) out << "        " << c.detail << "\n";
  }
  if (!r.ok) out << "\n" << FormatProcessViolation(o, r);
  out << Printf("\nwall time %.1f s", r.wall_s);
  if (!r.work_dir.empty()) out << "; kept " << r.work_dir;
  out << "\n";
  return out.str();
}

json ProcessRunJson(const ProcessOptions& o, const ProcessResult& r) {
  json ops = json::object(), faults = json::object(), checks = json::array();
  for (const auto& [kind, c] : r.ops) {
    ops[kind] = {{"acknowledged", c.acked},
                 {"refused", c.refused},
                 {"unknown", c.unknown},
                 {"resent", c.resent},
                 {"refusals", c.refusals}};
  }
  for (const auto& [kind, c] : r.faults)
    faults[kind] = {{"asked", c.asked},
                    {"planned", c.planned},
                    {"injected", c.injected},
                    {"shrunk", c.shrunk},
                    {"planned_s", c.planned_s},
                    {"held_s", c.held_s}};
  for (const CheckResult& c : r.checks.checks)
    checks.push_back({{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
  const UnknownTally& u = r.checks.unknown;
  json out = {
      {"mode", "processes"},
      {"seed", r.seed},
      {"stores", r.stores},
      {"skus", o.skus},
      {"replayable", false},
      {"ok", r.ok},
      {"error", r.error},
      // As a sweep's: why the run gave no verdict (ok is then false with no check failed).
      {"stopped", NoVerdict(r) ? json(NoVerdict(r)) : json(nullptr)},
      {"violation", r.violation},
      {"stopped_at_violation", r.stopped_at_violation},
      {"seconds", o.seconds},  // the workload asked for; workload_s what ran
      {"workload_s", r.workload_s},
      {"converge_s", r.converge_s},
      {"wall_s", r.wall_s},
      {"ops", ops},
      {"opening_deliveries", r.opening_deliveries},
      {"skipped", r.skipped},
      {"acked_while_cut", r.acked_while_cut},
      {"orders", {{"decided_by_store", r.decided_by_store}, {"decided_by_hq", r.decided_by_hq}}},
      {"tickets_before_hold", r.tickets_before_hold},
      {"disks", {{"replaced", r.disks_replaced}, {"rekeyed", r.disks_rekeyed}, {"kept", r.disks_kept}}},
      {"faults", faults},
      {"unknown",
       {{"happened", u.happened},
        {"did_not", u.did_not},
        {"bounded", u.bounded},
        {"state_only", u.state_only}}},
      {"continuous_checks", r.continuous_checks},
      {"stranded_holds", r.checks.stranded_holds},
      {"not_converged", r.not_converged},
      {"checks", checks}};
  if (!r.ok) out["trace_tail"] = Lines(r.trace_tail);
  if (!r.work_dir.empty()) out["work_dir"] = r.work_dir;
  return out;
}

}  // namespace kura::sim
