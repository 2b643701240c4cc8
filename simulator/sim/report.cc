#include "report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "plural.h"
#include "text_format.h"

namespace kura::sim {

using harness::Plural;
using nlohmann::json;

const RunResult* FirstAvailable(const std::vector<RunResult>& runs) {
  for (const auto& run : runs) {
    if (run.strategy_available) return &run;
  }
  return nullptr;
}

namespace {

Db::Work AllWork(const std::vector<RunResult>& runs) {
  Db::Work total;
  for (const auto& run : runs) total += TotalWork(run.storage);
  return total;
}

// How many of the run's faults of `kind` were HQ's.
int64_t OfHq(const RunResult& run, FaultSpan::Kind kind) {
  return std::count_if(run.fault_spans.begin(), run.fault_spans.end(),
                       [kind](const FaultSpan& f) { return f.node < 0 && f.kind == kind; });
}

// "1.23 M", "456 k", "789"
std::string Count(uint64_t n) {
  if (n >= 1'000'000) return Printf("%.2f M", n / 1e6);
  if (n >= 10'000) return Printf("%.0f k", n / 1e3);
  return std::to_string(n);
}

// What the run was asked for, beyond its size: the fault schedule and the network.
std::string FaultsLine(const SimOptions& o) {
  if (!o.faults) {
    return Printf("faults off: no partitions, crashes, clock faults or disk replacements; a perfect network, %lld ms "
                  "latency\n", static_cast<long long>(o.latency_ms));
  }
  return Printf("faults: %d partitions of one store, %d of a third of the stores, %d of HQ; %d crashes; %d clock "
                "faults; %s; network %lld ms latency, %g%% dropped, %g%% duplicated, %g%% "
                "reordered; %g%% of HQ's routing calls answered late\n",
                o.partitions_one, o.partitions_many, o.partitions_hq, o.crashes, o.clock_faults,
                Plural(o.store_wipes, "disk replacement").c_str(),
                static_cast<long long>(o.latency_ms), o.drop * 100, o.duplicate * 100, o.reorder * 100,
                o.late_answers * 100);
}

// Under the strategy table: what its columns count, and, when last-known ran, why its
// "oversold promises" do not contradict the invariant of the same name above the table.
constexpr const char* kOrdersLegend =
    "  orders = accepted + refused:cut + refused:stock. accepted: promised to the customer (any\n"
    "  later cancelled included); while cut off: those of them accepted while HQ could not reach\n"
    "  the store (or it was having its disk replaced). refused:cut: HQ down (every strategy: the\n"
    "  online shop goes through HQ), or the store out of reach or having its disk replaced\n"
    "  (strong), or, asked again after HQ restarted, the store's hold for the order ended\n"
    "  meanwhile (escrow). refused:stock: less available to promise than ordered.\n";
constexpr const char* kOversoldLegend =
    "  oversold promises: orders last-known accepted from HQ's snapshot of a cut-off store that the\n"
    "  store could not hold once the link came back. They were never holds, so the invariant \"no\n"
    "  oversold promise at any store\" does not see them (escrow's and strong's promises are holds,\n"
    "  which it checks). kura-sim offers no other store, so each is also a cancelled order.\n";

}  // namespace

std::string ReplayCommand(const SimOptions& options, const RunResult& run) {
  return "kura-sim --seed " + std::to_string(run.seed) + " --strategy " + run.strategy + options.replay_options;
}

std::string RunCommand(const SimOptions& options, const std::vector<RunResult>& runs) {
  if (runs.size() == 1) return ReplayCommand(options, runs[0]);
  return "kura-sim --seed " + std::to_string(options.seed) + options.replay_options;  // every strategy
}

std::string FormatSweepSeed(uint64_t seed, const std::vector<RunResult>& runs) {
  bool ok = std::all_of(runs.begin(), runs.end(), [](const RunResult& r) { return r.ok; });
  std::string line = "seed " + std::to_string(seed) + ": " + (ok ? "ok" : "FAILED");
  std::string each;
  for (const auto& run : runs) {
    if (!run.strategy_available) continue;
    each += Printf("%s%s trace %016llx, %lld oversold", each.empty() ? "" : "; ", run.strategy.c_str(),
                   static_cast<unsigned long long>(run.trace_hash), static_cast<long long>(run.orders.oversold));
  }
  return each.empty() ? line : line + " (" + each + ")";
}

// Operations of --ops never drawn: a draw past the last day is not made (and a run a
// violation stopped draws no more).
int64_t NotDrawn(const SimOptions& o, const RunResult& run) { return o.ops - run.ops_drawn; }

std::string FormatViolation(const SimOptions& options, const RunResult& run) {
  return "VIOLATION (seed " + std::to_string(run.seed) + ", strategy " + run.strategy + "): " +
         run.violation + "\nlast events:\n" + run.trace_tail + "replay: " + ReplayCommand(options, run) + "\n";
}

std::string FormatRun(const SimOptions& o, const std::vector<RunResult>& runs, const Measured& m) {
  std::ostringstream out;
  out << Printf("kura-sim  seed %llu: %s x %s, up to %lld ops over %g simulated %s\n",
                static_cast<unsigned long long>(o.seed), Plural(o.stores, "store").c_str(),
                Plural(o.skus, "SKU").c_str(), static_cast<long long>(o.ops), o.days,
                o.days == 1 ? "day" : "days");
  out << FaultsLine(o);
  out << "replay: " << RunCommand(o, runs) << "\n";
  const RunResult* main = FirstAvailable(runs);
  for (const auto& run : runs) {
    if (!run.strategy_available) {
      out << run.strategy << ": not available in this build (no hq.order.place op)\n";
      continue;
    }
    // A violation stops the run where it is: during the day, with no more draws and no
    // final heal; after it, before sync went quiet.
    const bool violated = !run.violation.empty();
    const bool stopped_in_day = violated && run.final_heal_ms < 0;
    std::string not_drawn = stopped_in_day ? " not run (a violation stopped the run at " +
                                                 FormatSimTime(run.violation_at_ms) + ")"
                                           : " not drawn";
    std::string quiet = stopped_in_day ? "no final heal"
                        : run.quiescent_after_ms >= 0
                            ? "quiet " + FormatSimTime(run.quiescent_after_ms) + " after the final heal"
                        : violated ? "not quiet when a violation stopped the run, " +
                                         FormatSimTime(run.violation_at_ms - run.final_heal_ms) + " after the final heal"
                                   : "quiet never after the final heal";
    out << Printf("%-10s trace %016llx  %llu events, %lld ops done, %lld skipped, %lld%s, %lld crashes (%lld "
                  "of hq), %lld partitions (%lld of hq), %lld clock faults, %s\n",
                  run.strategy.c_str(), static_cast<unsigned long long>(run.trace_hash),
                  static_cast<unsigned long long>(run.events), static_cast<long long>(run.ops_done),
                  static_cast<long long>(run.ops_skipped.total()), static_cast<long long>(NotDrawn(o, run)),
                  not_drawn.c_str(), static_cast<long long>(run.crashes),
                  static_cast<long long>(OfHq(run, FaultSpan::Kind::kDown)), static_cast<long long>(run.partitions),
                  static_cast<long long>(OfHq(run, FaultSpan::Kind::kCut)), static_cast<long long>(run.clock_faults),
                  quiet.c_str());
    if (const OpSkips& k = run.ops_skipped; k.total() > 0) {
      out << Printf("%-10s skipped: %lld with the store down, %lld during a disk replacement, %lld with too little on "
                    "the shelf, %lld with no hold to collect or cancel, %lld transfers to the same store\n",
                    "", static_cast<long long>(k.store_down), static_cast<long long>(k.disk_replaced),
                    static_cast<long long>(k.empty_shelf), static_cast<long long>(k.no_hold),
                    static_cast<long long>(k.same_store));
    }
    if (const Collections& c = run.collections; c.by_id + c.by_ticket > 0) {
      out << Printf("%-10s collections: %lld by hold id, %lld by pickup ticket (%lld of them before the hold had "
                    "reached the store)\n",
                    "", static_cast<long long>(c.by_id), static_cast<long long>(c.by_ticket),
                    static_cast<long long>(c.ticket_before_hold));
    }
    if (const PhoneHolds& p = run.phone_holds; p.made + p.short_of_stock > 0) {
      out << Printf("%-10s phone reservations: %lld made (%lld for a lifetime of their own), %lld refused for too "
                    "little stock; %lld holds acknowledged in all with a lifetime of their own (expires_in_s)\n",
                    "", static_cast<long long>(p.made), static_cast<long long>(p.own_lifetime),
                    static_cast<long long>(p.short_of_stock), static_cast<long long>(run.holds_own_lifetime));
    }
    if (int64_t asked = o.faults ? o.store_wipes : 0; asked > 0 && run.ok) {
      out << Printf("%-10s disks replaced: %lld of %lld asked, each store taking writes again once hq had sent its "
                    "data back; %lld called off, the disk kept (the store crashed, hq had not caught up within an "
                    "hour, or the final heal came first); %lld not made (the store down or its disk already being "
                    "replaced)\n",
                    "", static_cast<long long>(run.disks_replaced), static_cast<long long>(asked),
                    static_cast<long long>(run.disks_kept),
                    static_cast<long long>(asked - run.disks_replaced - run.disks_kept));
    }
    out << Printf("%-10s requests: %lld sent again and answered as the first time, %lld not sent again (node "
                  "down), %lld still to come at the end; %lld request ids pruned past their retention\n",
                  "", static_cast<long long>(run.repeats_answered), static_cast<long long>(run.repeats_node_down),
                  static_cast<long long>(run.repeats_left_at_end), static_cast<long long>(run.request_ids_pruned));
    if (int64_t asked = o.faults ? o.crashes : 0; run.ok && run.crashes < asked) {
      out << Printf("%-10s crashes: %lld of %lld asked; the other %lld fell while their node was still "
                    "down from an earlier one, and were not made\n",
                    "", static_cast<long long>(run.crashes), static_cast<long long>(asked),
                    static_cast<long long>(asked - run.crashes));
    }
    if (!run.ok) out << FormatViolation(o, run);
  }
  if (main != nullptr) {
    const NetStats& net = main->net;
    out << Printf("network (%s): %llu messages (%.1f MB), %llu duplicated, %llu reordered; %llu delivered, %llu "
                  "dropped, %llu lost to a cut link, %llu to a crash, %llu in flight at the end; %llu components "
                  "merged at hq\n",
                  main->strategy.c_str(), static_cast<unsigned long long>(net.sent), net.bytes / 1e6,
                  static_cast<unsigned long long>(net.duplicated), static_cast<unsigned long long>(net.reordered),
                  static_cast<unsigned long long>(net.delivered), static_cast<unsigned long long>(net.dropped),
                  static_cast<unsigned long long>(net.cut), static_cast<unsigned long long>(net.crashed),
                  static_cast<unsigned long long>(net.in_flight()),
                  static_cast<unsigned long long>(main->components_synced));
    bool all_ok = std::all_of(runs.begin(), runs.end(), [](const RunResult& r) { return r.ok; });
    out << (!all_ok           ? "\ninvariants checked before the violation:\n"
            : runs.size() > 1 ? "\ninvariants held (every strategy):\n"
                              : "\ninvariants held:\n");
    for (const auto& name : main->invariants) out << "  ok  " << name << "\n";
  }
  out << "\nonline orders, same workload and faults:\n";
  out << Printf("%-11s %8s %9s %12s %12s %9s %9s %10s\n", "strategy", "orders", "accepted",
                "while cut", "refused:cut", "refused:", "oversold", "cancelled");
  out << Printf("%-11s %8s %9s %12s %12s %9s %9s %10s\n", "", "", "", "off", "", "stock", "promises", "no stock");
  for (const auto& run : runs) {
    if (!run.strategy_available) {
      out << Printf("%-11s %s\n", run.strategy.c_str(), "not available in this build");
      continue;
    }
    const OrderStats& s = run.orders;
    out << Printf("%-11s %8lld %9lld %12lld %12lld %9lld %9lld %10lld\n", run.strategy.c_str(),
                  static_cast<long long>(s.orders), static_cast<long long>(s.accepted),
                  static_cast<long long>(s.accepted_unreachable), static_cast<long long>(s.refused_unreachable),
                  static_cast<long long>(s.refused_stock), static_cast<long long>(s.oversold),
                  static_cast<long long>(s.cancelled_no_stock));
  }
  bool last_known = std::any_of(runs.begin(), runs.end(), [](const RunResult& r) {
    return r.strategy_available && r.strategy == StrategyName(StrategyKind::kLastKnown);
  });
  if (main != nullptr) out << kOrdersLegend;
  for (const auto& run : runs) {
    if (!run.strategy_available || run.orders.routed == 0) continue;
    const RoutedHolds& held = run.routed_holds;
    out << Printf("  %s: HQ sent %lld orders to the store it could reach, for the store to decide; for %lld\n"
                  "  of its calls HQ had no answer in time. ",
                  run.strategy.c_str(), static_cast<long long>(run.orders.routed),
                  static_cast<long long>(run.orders.answers_late));
    // A violation may stop the run before its final check has counted them.
    if (!run.routed_holds_counted) {
      out << "The run stopped before the final check counted the holds\n"
             "  stores made for routed orders that HQ did not record.\n";
      continue;
    }
    out << Printf("Holds stores made for routed orders that HQ did not\n"
                  "  record, at the final check: %lld cancelled by HQ, %lld ended otherwise, %lld left to\n"
                  "  expire (HQ, restarted, decided alone before the hold reached it).\n",
                  static_cast<long long>(held.released), static_cast<long long>(held.expired),
                  static_cast<long long>(held.left_to_expiry));
  }
  if (last_known) out << kOversoldLegend;
  std::string worlds = m.worlds_at_once > 1 ? Printf("%d worlds at once, each ", m.worlds_at_once) : "";
  out << Printf("\nwall time %.2f s, peak RSS %.0f MB (whole process: %s%s + hq, in-memory RocksDB, %d %s)\n",
                m.wall_s, m.peak_rss_mb, worlds.c_str(), Plural(o.stores, "store").c_str(), m.threads_per_world,
                m.threads_per_world == 1 ? "thread" : "threads");
  double hq_mb = 0;
  for (const auto& run : runs) hq_mb = std::max(hq_mb, run.hq_footprint_mb);
  out << Printf("hq's database at the end: %.0f MB%s (block cache incl. memtables, table readers, its files)\n", hq_mb,
                runs.size() > 1 ? ", the largest of the strategies'" : "");
  Db::Work w = AllWork(runs);
  out << (runs.size() > 1 ? "storage work, all strategies: " : "storage work: ") << Count(w.synced_writes) << " synced writes of " << Count(w.keys_written) << " keys ("
      << Printf("%.0f MB", w.bytes_written / 1e6) << "), " << Count(w.point_reads) << " point reads, "
      << Count(w.scans) << " scans over " << Count(w.scan_steps) << " entries\n";
  if (m.storage_floor_s >= 0) {
    out << Printf("the same work on raw RocksDB alone: %.2f s; this run took %.1fx that\n", m.storage_floor_s,
                  m.wall_s / std::max(1e-9, m.storage_floor_s));
  }
  return out.str();
}

json MeasuredJson(const Measured& m) {
  return {{"wall_s", m.wall_s},
          {"peak_rss_mb", m.peak_rss_mb},
          {"worlds_at_once", m.worlds_at_once},
          {"threads_per_world", m.threads_per_world},
          {"storage_floor_s", m.storage_floor_s >= 0 ? json(m.storage_floor_s) : json(nullptr)}};
}

json RunsJson(const SimOptions& o, const std::vector<RunResult>& runs) {
  const int on = o.faults ? 1 : 0;  // --no-faults: none scheduled, a perfect network
  json out = {{"seed", o.seed}, {"stores", o.stores}, {"skus", o.skus}, {"ops", o.ops},
              {"days", o.days}, {"faults", o.faults},
              {"fault_schedule", {{"partitions_one", on * o.partitions_one},
                                  {"partitions_many", on * o.partitions_many},
                                  {"partitions_hq", on * o.partitions_hq}, {"crashes", on * o.crashes},
                                  {"clock_faults", on * o.clock_faults},
                                  {"store_wipes", on * o.store_wipes}}},
              {"network", {{"latency_ms", o.latency_ms}, {"drop", on * o.drop}, {"duplicate", on * o.duplicate},
                           {"reorder", on * o.reorder}, {"late_answers", on * o.late_answers}}},
              {"replay", RunCommand(o, runs)}, {"runs", json::array()}};
  Db::Work w = AllWork(runs);
  out["storage_work"] = {{"synced_writes", w.synced_writes}, {"keys_written", w.keys_written},
                         {"bytes_written", w.bytes_written}, {"point_reads", w.point_reads},
                         {"scans", w.scans}, {"scan_steps", w.scan_steps}};
  for (const auto& r : runs) {
    json run = {{"strategy", r.strategy}, {"available", r.strategy_available}};
    if (r.strategy_available) {
      const OrderStats& s = r.orders;
      run.update({{"ok", r.ok}, {"violation", r.violation}, {"trace_hash", Printf("%016llx", static_cast<unsigned long long>(r.trace_hash))},
                  {"events", r.events}, {"sim_ms", r.sim_ms}, {"hq_footprint_mb", r.hq_footprint_mb}, {"quiescent_after_ms", r.quiescent_after_ms},
                  {"final_heal", r.final_heal_ms >= 0}, {"violation_at_ms", r.violation_at_ms},
                  {"lanes", {{"windows", r.windows}, {"windows_on_side_thread", r.windows_on_side_thread},
                             {"stores_in_hq_lane", r.stores_in_hq_lane},
                             {"stores_lane_s", r.stores_lane_s}, {"hq_lane_s", r.hq_lane_s},
                             {"store_lanes", r.store_lanes},
                             {"store_lanes_on_side_thread", r.store_lanes_on_side_thread}}},
                  {"ops_done", r.ops_done}, {"ops_skipped", r.ops_skipped.total()}, {"ops_not_drawn", NotDrawn(o, r)},
                  {"ops_skipped_by", {{"store_down", r.ops_skipped.store_down},
                                      {"disk_replaced", r.ops_skipped.disk_replaced},
                                      {"empty_shelf", r.ops_skipped.empty_shelf},
                                      {"no_hold", r.ops_skipped.no_hold}, {"same_store", r.ops_skipped.same_store}}},
                  {"collections", {{"by_id", r.collections.by_id}, {"by_ticket", r.collections.by_ticket},
                                   {"ticket_before_hold", r.collections.ticket_before_hold}}},
                  {"phone_holds", {{"made", r.phone_holds.made}, {"own_lifetime", r.phone_holds.own_lifetime},
                                   {"short_of_stock", r.phone_holds.short_of_stock}}},
                  {"holds_own_lifetime", r.holds_own_lifetime},
                  {"crashes", r.crashes}, {"crashes_of_hq", OfHq(r, FaultSpan::Kind::kDown)},
                  {"partitions", r.partitions}, {"partitions_of_hq", OfHq(r, FaultSpan::Kind::kCut)},
                  {"clock_faults", r.clock_faults},
                  {"disks", {{"replaced", r.disks_replaced}, {"kept", r.disks_kept}}},
                  {"repeats_answered", r.repeats_answered}, {"repeats_node_down", r.repeats_node_down},
                  {"repeats_left_at_end", r.repeats_left_at_end},
                  {"request_ids_pruned", r.request_ids_pruned},
                  {"invariants_held", r.invariants},
                  {"orders", {{"orders", s.orders}, {"accepted", s.accepted},
                              {"accepted_unreachable", s.accepted_unreachable},
                              {"refused_unreachable", s.refused_unreachable},
                              {"refused_stock", s.refused_stock}, {"oversold", s.oversold},
                              {"cancelled_no_stock", s.cancelled_no_stock}, {"routed", s.routed},
                              {"answers_late", s.answers_late}}},
                  // null when a violation stopped the run before the final check counted them
                  {"routed_holds", r.routed_holds_counted ? json{{"released", r.routed_holds.released},
                                               {"expired", r.routed_holds.expired},
                                               {"left_to_expiry", r.routed_holds.left_to_expiry}}
                                        : json(nullptr)},
                  {"network", {{"sent", r.net.sent}, {"bytes", r.net.bytes}, {"duplicated", r.net.duplicated},
                               {"reordered", r.net.reordered}, {"delivered", r.net.delivered},
                               {"dropped", r.net.dropped}, {"lost_to_partitions", r.net.cut},
                               {"lost_to_crashes", r.net.crashed}, {"in_flight_at_end", r.net.in_flight()}}},
                  {"components_synced", r.components_synced}});
      if (!r.ok) {
        run["trace_tail"] = Lines(r.trace_tail);
        run["replay"] = ReplayCommand(o, r);
      }
    }
    out["runs"].push_back(run);
  }
  return out;
}

}  // namespace kura::sim
