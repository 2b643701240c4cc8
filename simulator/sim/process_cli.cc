#include "process_cli.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "daemon.h"
#include "given_options.h"
#include "process_report.h"
#include "process_run.h"
#include "process_sweep.h"
#include "value_checks.h"

namespace kura::sim {

namespace {

constexpr char kDescription[] =
    "kura-sim processes: the same kind of checks as the in-process world, against real\n"
    "kura-store and kura-hq processes on loopback, linked over CURVE with fresh keys, in a\n"
    "temporary directory (removed unless --keep). Sets up HQ's store directory, the stores'\n"
    "open status and HQ's allotment policy, stocks every store, then runs a seeded workload\n"
    "through the local APIs for --seconds: one till thread per store (sales, with an override\n"
    "when HQ's allotment is in the way; deliveries; returns; phone holds; collections, half\n"
    "by the customer's pickup ticket (ticket.redeem: also of a hold HQ made that has not\n"
    "reached the store), and cancellations of active holds) and an online shop placing pickup\n"
    "and try-on orders at HQ (hq.order.place: a connected store decides, otherwise HQ's\n"
    "allotment). Meanwhile it injects faults: SIGKILL and restart of a store or HQ,\n"
    "SIGSTOP/SIGCONT of a store or HQ, cutting a store's link while both keep running (stores\n"
    "reach HQ through a TCP relay in kura-sim that drops the link's connections and refuses\n"
    "new ones until relinked), and replacing a store's disk (once HQ holds all the store\n"
    "acknowledged: its data comes back from HQ, and it refuses writes until then).\n"
    "\n"
    "Every acknowledged operation goes into a ledger; one without a reply in time, or\n"
    "answered io_error or busy, is unknown. While running: held <= on-hand + recorded\n"
    "overrides at every store and HQ, only legal hold moves in the replies, their holds as\n"
    "asked (lines, kind, customer, lifetime), no sale without override taking promised units,\n"
    "and no daemon exiting unless killed; a violation there stops the run at once (no heal,\n"
    "no final checks; --keep leaves the chain's directory). After the final heal, once HQ\n"
    "hears from every store, each unknown operation is sent again with its rid: the daemon\n"
    "answers with its stored reply if it applied it, or decides it then, and that answer\n"
    "resolves it (the report's \"sent again\" column; a store's own are sent again too before\n"
    "its disk is replaced). One still unknown after three tries is allowed for either way: a\n"
    "sale, return, hold or order happened iff its receipt or hold shows up (each carries a\n"
    "customer id unique to its request), a collection iff its hold ended collected, unknown\n"
    "deliveries as a subset sum. Then it polls (deadline --converge-timeout) until every link\n"
    "is up and caught up and HQ's views equal the stores', and checks that snapshot: on-hand\n"
    "per store and SKU = the ledger; hq.stock per store = the store's view and its total\n"
    "their sum; no acknowledged hold or order lost or changed, only forward hold moves, none\n"
    "expired early, one hold per till request; no oversold promise at any store or HQ; every\n"
    "sale and return journaled once with the kind, lines and prices asked (an override flag\n"
    "only where staff gave one, and then exactly when its reply shows promised units taken),\n"
    "every collection once with its hold's lines and customer (none when its ticket came\n"
    "before the hold), and the whole journal acknowledged by HQ; admin.check.\n"
    "\n"
    "Not replayable event for event: the seed fixes the workload's draws and the fault plan\n"
    "(which daemon, when, how long), but wall-clock timing decides how they meet the\n"
    "daemons. --runs N sweeps seeds one at a time: a line per seed, the full report of each\n"
    "that fails, then the failing seeds (JSON: sweep, runs, seeds_run, failed_seeds,\n"
    "stopped: null, \"interrupted\" or \"error\", wall_s).\n"
    "\n"
    "Exit status: 0 when every check held, 1 on a violation (the seed, the check and the\n"
    "last operations and faults are printed), 2 when a run could not be carried out (a\n"
    "daemon would not start, a fault or the heal could not be made; a sweep stops there)\n"
    "or on bad usage, 130 when stopped by Ctrl-C (SIGINT or SIGTERM: the daemons are\n"
    "stopped and the directory removed unless --keep; a second Ctrl-C, over a second\n"
    "after the first, stops at once; a sweep stops too, with its summary, even between\n"
    "two runs).";

std::string BadMixOf(const ProcessOptions& o) {
  return BadMix({o.w_sale, o.w_delivery, o.w_return, o.w_phone, o.w_collect, o.w_cancel});
}

}  // namespace

void AddProcessesCommand(CLI::App& app, ProcessCommand* command) {
  ProcessOptions& o = command->options;
  o.store_bin = harness::Daemon::BinaryFromEnv("KURA_STORE_BIN", KURA_STORE_BIN);
  o.hq_bin = harness::Daemon::BinaryFromEnv("KURA_HQ_BIN", KURA_HQ_BIN);
  CLI::App* cmd =
      app.add_subcommand("processes",
                         "the multi-process mode: real kura-store and kura-hq processes under "
                         "SIGKILL, SIGSTOP, cut\n"
                         "links and replaced disks, checked as the in-process world is (kura-sim processes --help)");
  cmd->footer(kDescription);
  command->app = cmd;
  cmd->add_option("--runs", command->runs,
                  "sweep this many seeds (seed, seed+1, ...) one at a time and list those that fail; "
                  "a run that cannot be carried out or is interrupted stops the sweep")
      ->capture_default_str()
      ->check(WholeIn(1, 10'000));
  cmd->add_option("--seed", o.seed, "seed of the workload's draws and the fault plan (the first of a sweep)")
      ->capture_default_str()
      ->check(SeedCheck());
  cmd->add_option("--stores", o.stores, "kura-store processes")
      ->capture_default_str()
      ->check(WholeIn(1, 32));
  cmd->add_option("--skus", o.skus, "SKUs every store stocks")
      ->capture_default_str()
      ->check(WholeIn(1, 5000));
  cmd->add_option("--seconds", o.seconds,
                  "wall-clock time the workload runs; the faults are planned within it, and a "
                  "fault held up by a restart may carry the workload past it")
      ->capture_default_str()
      ->check(NumberIn(1.0, 86400.0));
  cmd->add_option("--ops", o.ops,
                  "stop the workload after this many turns of the tills and the shop (0: run for "
                  "--seconds). A turn sends up to two requests (a sale refused for stock again as "
                  "an override; a collection may ready its hold first), or none when it finds "
                  "nothing to do. Faults are planned over --seconds, so an early stop injects only "
                  "those already due, and ends those still on")
      ->capture_default_str()
      ->check(WholeIn(int64_t{0}, int64_t{100'000'000}));
  cmd->add_option("--till-rate", o.till_rate, "operations a second at each store's till (Poisson)")
      ->capture_default_str()
      ->check(NumberIn(0.1, 10000.0));
  cmd->add_option("--order-rate", o.order_rate, "online orders a second at HQ (Poisson; 0: none)")
      ->capture_default_str()
      ->check(NumberIn(0.0, 10000.0));
  cmd->add_option("--sku-skew", o.sku_skew, "Zipf exponent of SKU popularity, 0 to 10 (SKU-00000 busiest)")
      ->capture_default_str()
      ->check(NumberIn(0.0, 10.0));
  auto* mix = cmd->add_option_group("till mix", "relative weights of what a till does");
  mix->add_option(
         "--w-sale", o.w_sale,
         "sale of 1-2 units on the shelf; refused needs_override is repeated with override 1")
      ->capture_default_str();
  mix->add_option("--w-delivery", o.w_delivery, "delivery of 2-11 units (stock.receive)")
      ->capture_default_str();
  mix->add_option("--w-return", o.w_return, "customer return of 1 unit")->capture_default_str();
  mix->add_option("--w-phone,--w-hold", o.w_phone,
                  "phone reservation of 1-2 units staff take at the store (hold.create, kind "
                  "phone; --w-hold is its old name)")
      ->capture_default_str();
  mix->add_option("--w-collect", o.w_collect,
                  "collection of an active hold, readied first half of the time; half are by the "
                  "customer's pickup ticket (ticket.redeem)")
      ->capture_default_str();
  mix->add_option("--w-cancel", o.w_cancel, "cancellation of an active hold")
      ->capture_default_str();
  cmd->add_option("--tryon-share", o.tryon_share,
                  "share of online orders that are try-ons expiring in 5-20 s (the rest: pickups)")
      ->capture_default_str()
      ->check(NumberIn(0.0, 1.0));
  cmd->add_option("--share-pct", o.share_pct,
                  "HQ's allotment policy: share of each store's ATP (hq.policy.set)")
      ->capture_default_str()
      ->check(WholeIn(0, 100));
  cmd->add_option("--cap", o.cap, "HQ's allotment policy: at most this many units per SKU")
      ->capture_default_str()
      ->check(WholeIn(0, 1'000'000));
  auto* faults = cmd->add_option_group("faults",
                                       "how many of each over the run; the seed draws which "
                                       "daemon, when and for how long, each within "
                                       "5-85% of it; one daemon's faults never overlap. A run too "
                                       "short for them shrinks them (to 0.3 s at least; the "
                                       "report counts those cut below the lengths given here) and may "
                                       "run some past 85% or past its end. While a restart holds "
                                       "the harness up, the rest of the plan moves later by as "
                                       "much, and the workload runs on until every fault planned "
                                       "to end before its end has run its length");
  faults->add_option("--store-kills", o.store_kills, "SIGKILL a store, restart it after 0.5-3 s")
      ->capture_default_str();
  faults
      ->add_option("--hq-kills", o.hq_kills,
                   "SIGKILL kura-hq, restart it after 0.5-3 s (same sync port)")
      ->capture_default_str();
  faults->add_option("--store-stops", o.store_stops, "SIGSTOP a store, SIGCONT after 1-4 s")
      ->capture_default_str();
  faults->add_option("--hq-stops", o.hq_stops, "SIGSTOP kura-hq, SIGCONT after 1-4 s")
      ->capture_default_str();
  faults
      ->add_option("--link-cuts", o.link_cuts,
                   "cut a store's link to HQ (the store keeps selling), relink it after 3-12 s "
                   "(kura-hq counts a store unreachable after 10 s of silence)")
      ->capture_default_str();
  faults
      ->add_option("--store-wipes", o.store_wipes,
                   "replace a store's disk: once HQ holds all the store acknowledged (its tills "
                   "and orders for it wait meanwhile, and its unknown requests are sent again "
                   "while it remembers their rids; one with some still unknown keeps its disk, "
                   "SIGKILL only), SIGKILL it, delete its data directory and "
                   "restart it empty after 0.5-3 s; it refuses writes until HQ has sent its data "
                   "back, and HQ serves its orders meanwhile. Every second one also loses the store's "
                   "key: it comes back with a new one, which HQ takes by reloading its config (SIGHUP). "
                   "It starts only while HQ is up: one the seed "
                   "puts in HQ's fault moves just before or after it, or is left out when no "
                   "moment fits (the fault table says how many were left out)")
      ->capture_default_str();
  auto* no_faults =
      faults->add_flag_callback("--no-faults", [&o] { o.faults = false; }, "none of the above");
  // Counts and weights are checked alike; a fault asked for beside --no-faults would be
  // dropped silently, and read as a run that survived it.
  for (auto* group : {faults, mix}) {
    for (CLI::Option* option : group->get_options()) {
      if (option == no_faults || option->get_name() == "--help") continue;
      option->check(group == faults ? WholeIn(0, 10'000) : NumberIn(0.0, 1e9));
      if (group == faults) no_faults->excludes(option);
    }
  }
  cmd->add_option("--store-timeout-ms", o.store_timeout_ms,
                  "a till request without a reply within this is unknown")
      ->capture_default_str()
      ->check(WholeIn(100, 600'000));
  cmd->add_option("--hq-timeout-ms", o.hq_timeout_ms,
                  "the same for online orders (keep it above kura-hq's 2 s route timeout)")
      ->capture_default_str()
      ->check(WholeIn(100, 600'000));
  cmd->add_option("--converge-timeout", o.converge_timeout_s,
                  "seconds after the final heal to wait for convergence")
      ->capture_default_str()
      ->check(NumberIn(1.0, 3600.0));
  cmd->add_option("--check-every", o.check_every_s,
                  "seconds between continuous checks while the workload runs")
      ->capture_default_str()
      ->check(NumberIn(0.1, 3600.0));
  cmd->add_option("--store-bin", o.store_bin,
                  "kura-store binary (default $KURA_STORE_BIN, else the one built with kura-sim)")
      ->capture_default_str()
      ->check(CLI::ExistingFile);
  cmd->add_option("--hq-bin", o.hq_bin,
                  "kura-hq binary (default $KURA_HQ_BIN, else the one built with kura-sim)")
      ->capture_default_str()
      ->check(CLI::ExistingFile);
  cmd->add_option("--data-dir", o.data_dir,
                  "parent of the run's directory, created with its parents if missing (default $TMPDIR or /tmp)");
  cmd->add_flag("--keep", o.keep, "keep the run's directory: databases, keys, daemon logs");
  cmd->add_flag("--corrupt-expectation", o.corrupt_expectation,
                "TEST ONLY: expect one unit more of SKU-00000 at the first store than the ledger "
                "says; the on-hand check must fail");
  cmd->add_flag("--json", command->json, "print the report as JSON instead of a table");
  cmd->add_flag("--quiet", command->quiet, "no progress lines on stderr");
}

int RunProcessesCommand(ProcessCommand& command) {
  ProcessOptions& o = command.options;
  for (const std::string& bad : {BadMixOf(o), BadSweep(o.seed, command.runs)}) {
    if (bad.empty()) continue;
    std::cerr << bad << "\n";
    return 2;
  }
  o.progress = !command.quiet;
  // The run-again line names the seed itself; output options do not change the run.
  o.rerun_options = GivenOptionsLine(*command.app, {"--seed", "--runs", "--json", "--quiet", "--keep"});
  // One line, rewritten in place on a terminal; one line per update otherwise.
  bool tty = isatty(STDERR_FILENO);
  auto progress = [&](const std::string& line) {
    if (o.progress)
      std::fprintf(stderr, tty ? "\r\033[Kkura-sim processes: %s" : "kura-sim processes: %s\n",
                   line.c_str());
  };
  if (command.runs > 1) {
    return SweepProcesses(o, command.runs, command.json, [&](const ProcessOptions& seeded) {
      ProcessResult r = RunProcesses(seeded, [&](const std::string& line) {
        progress("seed " + std::to_string(seeded.seed) + " (" + std::to_string(seeded.seed - o.seed + 1) + "/" +
                 std::to_string(command.runs) + "): " + line);
      });
      if (o.progress && tty) std::fprintf(stderr, "\r\033[K");  // the seed's line follows on stdout
      return r;
    }, std::cout);
  }
  ProcessResult result = RunProcesses(o, progress);
  if (o.progress && tty) std::fprintf(stderr, "\n");
  if (command.json)
    std::cout << ProcessRunJson(o, result).dump(2) << "\n";
  else
    std::cout << FormatProcessRun(o, result);
  if (result.interrupted) return 130;  // as a shell reports a Ctrl-C
  if (!result.error.empty()) return 2;
  return result.ok ? 0 : 1;
}

}  // namespace kura::sim
