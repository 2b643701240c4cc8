// kura-sim: N stores and HQ in one process, running the real engines and sync sessions over
// a simulated network and clock, under faults, with invariant checks and a report; and
// `kura-sim processes`, the same kind of checks against real daemons (process_cli.h).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_args.h"
#include "given_options.h"
#include "in_process_runs.h"
#include "node_logs.h"
#include "parallel_runs.h"
#include "process_cli.h"
#include "value_checks.h"

namespace {

using namespace kura::sim;

// Why `path` cannot be opened for writing (empty: it can), without leaving a file behind
// that was not there (a run stopped early then leaves nothing at the plot's path).
std::string WriteProblem(const std::string& path) {
  std::error_code ec;
  bool existed = std::filesystem::exists(path, ec);
  // Non-blocking: a FIFO with no reader is refused (ENXIO) rather than waited on.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd < 0) return std::strerror(errno);
  ::close(fd);
  // The file the probe made, which a dangling symbolic link names rather than is.
  if (!existed) std::filesystem::remove(std::filesystem::canonical(path, ec), ec);
  return "";
}

std::vector<StrategyKind> Strategies(const std::string& name) {
  if (name == "escrow") return {StrategyKind::kEscrow};
  if (name == "last-known") return {StrategyKind::kLastKnown};
  if (name == "strong") return {StrategyKind::kStrong};
  return {StrategyKind::kEscrow, StrategyKind::kLastKnown, StrategyKind::kStrong};
}

std::string BadMixOf(const SimOptions& o) {
  return BadMix({o.w_sale, o.w_delivery, o.w_return, o.w_stocktake, o.w_transfer, o.w_pickup, o.w_tryon, o.w_phone,
                 o.w_collect, o.w_cancel});
}

}  // namespace

int main(int argc, char** argv) {
  SimOptions o;
  std::string strategy = "all", plot = "kura-sim.svg", trace;
  int runs = 1, jobs = DefaultJobs(), threads = 0;
  bool json_out = false, no_faults = false, quiet = false, storage_floor = false;

  CLI::App app{
      "kura-sim: a retail chain's kura stores and HQ in one process — the real engines\n"
      "(RocksDB in memory) and sync sessions over a simulated network and clock — run through\n"
      "a workload under faults, then healed and checked. Deterministic: the same seed replays\n"
      "the same run event for event (compare the trace hash). Prints the invariants that\n"
      "held, the online-order strategy table, and writes an SVG plot of sync lag and ATP.\n"
      "Exit status: 0 when every invariant held, 1 on a violation (seed and last events\n"
      "printed), 2 on bad usage, 3 when every invariant held but the plot or the trace could\n"
      "not be written or the storage floor measured, 130 when a sweep (--runs) was stopped by\n"
      "Ctrl-C.\n"
      "\n"
      "`kura-sim processes --help`: the multi-process mode, real kura-store and kura-hq\n"
      "processes under SIGKILL, SIGSTOP, cut links and replaced disks."};
  // An option given twice takes the last value, as most commands do (CLI11 refuses it);
  // the processes command and the option groups inherit this.
  // A flag takes no value (--no-faults=false is refused): the replay line and the
  // exclusions of --no-faults read a flag's presence.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)->disable_flag_override();
  app.add_option("--seed", o.seed, "seed of the run (or the first of a sweep)")->capture_default_str()->check(SeedCheck());
  app.add_option("--runs", runs, "sweep this many seeds (seed, seed+1, ...) and list those that fail, a line per seed; a sweep draws no plot. 1: a single run and its full report")
      ->capture_default_str()->check(WholeIn(1, 1'000'000));
  app.add_option("--stores", o.stores, "number of stores")->capture_default_str()->check(WholeIn(1, 1000));
  app.add_option("--skus", o.skus, "SKUs per store (every store stocks all)")->capture_default_str()->check(WholeIn(1, 100000));
  app.add_option("--ops", o.ops, "workload operations drawn over the run, at most (a draw past the last day is not made); the report counts those taken, those skipped and those not drawn (or not run, when a violation stopped the run during the day)")->capture_default_str()->check(WholeIn(0, 100'000'000));
  app.add_option("--days", o.days, "simulated days the workload is spread over")->capture_default_str()->check(NumberIn(0.01, 365.0));
  app.add_option("--store-skew", o.store_skew, "Zipf exponent of store popularity, 0 to 10 (0 uniform; store-000 busiest)")->capture_default_str()->check(NumberIn(0.0, 10.0));
  app.add_option("--sku-skew", o.sku_skew, "Zipf exponent of SKU popularity, 0 to 10 (SKU-00000 busiest)")->capture_default_str()->check(NumberIn(0.0, 10.0));
  auto* mix = app.add_option_group("workload mix", "relative weights of each kind of operation");
  mix->add_option("--w-sale", o.w_sale, "till sale of 1-2 units on the shelf; one the store refuses for taking units promised to holds is repeated with staff's override, which the checks allow for")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-delivery", o.w_delivery, "delivery received (stock.receive)")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-return", o.w_return, "customer return")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-stocktake", o.w_stocktake, "stocktake count, sometimes a unit off")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-transfer", o.w_transfer, "transfer to another store, arriving 2-6 h later")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-pickup", o.w_pickup, "online pickup order, through the strategy; a fifth ask for their own lifetime (expires_in_s, 1-7 days) rather than the default 72 h")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-tryon", o.w_tryon, "online try-on request (2 h hold; a fifth ask for 1-4 h), through the strategy")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-phone", o.w_phone, "phone reservation staff make at the store (hold.create, kind phone, 1-2 units): half for 1-8 h (until closing), the rest for the default 24 h")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-collect", o.w_collect, "collection of an active hold (readied first half of the time); half are by the customer's pickup ticket (ticket.redeem), which collects even a hold HQ made that has not reached the store")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-cancel", o.w_cancel, "cancellation of an active hold (expiries happen by themselves)")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--repeats", o.repeats, "share of operations whose request is sent again, same request id, 1-30 min later, as by a till or the online shop retrying after a timeout, to the node that answered it: the second answer must be the first's, byte for byte, and change nothing")->capture_default_str()->check(NumberIn(0.0, 1.0));
  auto* net = app.add_option_group("network", "every store-HQ sync link");
  net->add_option("--latency-ms", o.latency_ms, "one-way latency; jitter adds up to as much again (a link keeps order: only --reorder, and the second copy of a --duplicate, make a message overtake). Sync must go quiet within 6 h of the final heal, or 64 latencies, or 64 heartbeats for each message and its reply to get through --drop, whichever is longest")->capture_default_str()->check(WholeIn(1, 3'600'000));
  net->add_option("--drop", o.drop, "probability a message is lost")->capture_default_str()->check(NumberIn(0.0, 0.9));
  net->add_option("--duplicate", o.duplicate, "probability a message arrives twice")->capture_default_str()->check(NumberIn(0.0, 1.0));
  net->add_option("--reorder", o.reorder, "probability a message is held back up to 2 s")->capture_default_str()->check(NumberIn(0.0, 1.0));
  net->add_option("--late-answers", o.late_answers, "escrow: share of HQ's calls to a store it can reach (routing an online order) it has no answer to within its 2 s wait, half for a slow answer, half for a slow call; HQ then decides from its allotment, and must release any hold the store made (the final check finds none left active but those PROTOCOL.md 2.4 leaves to expire)")->capture_default_str()->check(NumberIn(0.0, 1.0));
  auto* faults = app.add_option_group("faults", "counts over the whole run; each starts in its first 90%");
  faults->add_option("--partitions-one", o.partitions_one, "one store cut off from HQ, 2 min to 1 day")->capture_default_str()->check(WholeIn(0, 1'000'000));
  faults->add_option("--partitions-many", o.partitions_many, "a third of the stores cut off, 10 min to 12 h")->capture_default_str()->check(WholeIn(0, 1'000'000));
  faults->add_option("--partitions-hq", o.partitions_hq, "HQ cut off from every store, 5 min to 6 h")->capture_default_str()->check(WholeIn(0, 1'000'000));
  faults->add_option("--crashes", o.crashes, "a store (80%) or HQ crashes, down 10 s to 30 min; a till request is in flight half of the time and retried with its request id")->capture_default_str()->check(WholeIn(0, 1'000'000));
  faults->add_option("--clock-faults", o.clock_faults, "a store's clock skewed (1 s-10 min) or jumping (1 min-3 h), either way, for 10 min-12 h")->capture_default_str()->check(WholeIn(0, 1'000'000));
  faults->add_option("--store-wipes", o.store_wipes,
                     "a store's disk replaced as a planned replacement would be: its till operations are "
                     "skipped and HQ makes no new call to it (its online orders go as for a store cut off) "
                     "until HQ holds everything it wrote and no retry or routed order to it is still to come "
                     "(called off, the disk kept, if the store crashes, after an hour, or at the final heal); "
                     "then it is wiped, down 10 min to 4 h, and restarts empty, refusing writes until HQ has "
                     "sent its data back")
      ->capture_default_str()->check(WholeIn(0, 1'000'000));
  auto* no_faults_flag =
      faults->add_flag("--no-faults", no_faults, "no partitions, crashes, clock faults or disk replacements, and a perfect network");
  // A fault asked for and silently dropped would read as a run that survived it.
  for (auto* group : {faults, net}) {
    for (CLI::Option* fault : group->get_options()) {
      std::string name = fault->get_name();
      if (fault != no_faults_flag && name != "--latency-ms" && name != "--help") no_faults_flag->excludes(fault);
    }
  }
  app.add_option("--heartbeat-ms", o.heartbeat_ms, "sync session heartbeat (pings on idle links)")->capture_default_str()->check(WholeIn(100, 600000));
  app.add_option("--checks", o.checks, "invariant checks of every up store during the run, each of the SKUs moved since its last (the final check reads every SKU), and admin.check of every store once over the run's checks (each check takes its share of the stores) and of HQ at the middle check. A check is an event of the run, so the count moves the trace hash. Each reads every up store: thousands on a small run cost more than the run")->capture_default_str()->check(WholeIn(0, 1'000'000));
  app.add_option("--strategy", strategy, "online-order strategy: all, escrow, last-known, strong")
      ->capture_default_str()->check(CLI::IsMember({"all", "escrow", "last-known", "strong"}));
  app.add_option("--jobs", jobs,
                 "worlds run at once, one per thread (each strategy of each seed is its own world); "
                 "the same runs event for event whatever this is, only faster. Memory grows with it: "
                 "each world holds its stores and HQ. --storage-floor runs one at a time. "
                 "Default: the cores this process may use")
      ->capture_default_str()->check(WholeIn(1, 256));
  app.add_option("--threads", threads,
                 "threads for each world: 2 runs HQ's lane (HQ and its quietest stores) beside the other "
                 "stores' lanes, which the two threads share out (in windows of one link latency, which no "
                 "message can cross), 1 one after the other; the same run event for event either way. "
                 "Default: 2 when one world runs at a time on two cores or more, else 1. --storage-floor "
                 "runs on one")
      ->check(WholeIn(1, 2));
  app.add_option("--store-lanes", o.store_lanes,
                 "lanes the stores outside HQ's lane are spread over, evenly by their share of the work: "
                 "more lanes than threads even out the threads' work in each window; no more lanes are "
                 "made than there are such stores. It changes the order of same-time events, so it "
                 "changes the trace hash (--threads does not)")
      ->capture_default_str()->check(WholeIn(1, 64));
  app.add_flag("--break-merge", o.break_merge, "TEST ONLY: run with a deliberately broken PN-counter merge (min instead of max); the checks must catch it");
  app.add_flag("--json", json_out, "print the report as JSON instead of a table");
  auto* plot_option = app.add_option("--plot", plot, "write the SVG plot here (empty: no plot)")->capture_default_str();
  app.add_option("--trace", trace,
                 "write every line of the run's trace here: in simulated-time order, each fault, restart, "
                 "request and answer, what the jobs and HQ did, each strategy's run after a line naming it "
                 "with its trace hash (a violation's report shows only the last 20). Single runs only; memory "
                 "for every line until the end, a few hundred bytes an event: fine for the default world, "
                 "not for 200 x 5,000 x 1,000,000");
  app.add_flag("--quiet", quiet, "no progress bar");
  app.add_flag("--storage-floor", storage_floor,
               "record every request the nodes pass to RocksDB (each synced write's batch, each point "
               "read's key, each scan's start and how far it went) and, after the run, replay them in order "
               "on raw RocksDB with kura's options and no kura code, each read finding what the run's found "
               "(or the replay fails); report the run's wall time as a multiple of that replay: the floor "
               "of the same storage work on this machine. Takes about that floor's "
               "time again, and memory for each strategy's log until its replay (about the bytes written "
               "plus the keys read: several GB at 200 x 5,000 x 1,000,000; the peak RSS reported includes "
               "it); single runs only, one world at a time");
  ProcessCommand processes;
  AddProcessesCommand(app, &processes);
  app.require_subcommand(0, 1);
  try {
    std::vector<std::string> args = kura::ArgsForCli11(app, argc, argv);
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    std::string name = dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr
                           ? OptionOnlyOf(app, *processes.app, argc, argv)
                           : "";
    if (!name.empty()) {
      std::cerr << name << " is an option of `kura-sim processes`: give it after the word processes "
                << "(kura-sim processes " << name << " ...)\n";
      return 2;
    }
    int code = app.exit(e);  // prints help, or the error
    return code == 0 ? 0 : 2;  // bad usage is 2, as --help says, in both modes
  }
  // An empty --plot is "no plot"; any other empty value would read as the option not given.
  if (std::string why = kura::EmptyValueGiven(app, {"--plot"}); !why.empty()) {
    std::cerr << why << "\nRun with --help for more information.\n";
    return 2;
  }
  if (processes.app->parsed()) {
    if (auto given = GivenOptions(app); !given.empty()) {
      std::cerr << given.front() << " is an option of the in-process world; `kura-sim processes --help` lists "
                << "the options of processes, which come after the word processes\n";
      return 2;
    }
    return RunProcessesCommand(processes);
  }
  for (const std::string& bad : {BadMixOf(o), BadSweep(o.seed, runs)}) {
    if (bad.empty()) continue;
    std::cerr << bad << "\n";
    return 2;
  }
  if (runs > 1 && plot_option->count() > 0 && !plot.empty()) {  // --plot '' (no plot) is fine
    std::cerr << "--plot draws a single run, not a sweep (--runs)\n";
    return 2;
  }
  if (runs > 1 && !trace.empty()) {
    std::cerr << "--trace writes a single run, not a sweep (--runs)\n";
    return 2;
  }
  // Checked before the run, which may take minutes, rather than lost after it. A sweep
  // draws none, so the default path need not be writable.
  if (std::string problem = plot.empty() || runs > 1 ? "" : WriteProblem(plot); !problem.empty()) {
    std::cerr << "cannot write the plot to " << plot << ": " << problem << "\n";
    return 2;
  }
  if (std::string problem = trace.empty() ? "" : WriteProblem(trace); !problem.empty()) {
    std::cerr << "cannot write the trace to " << trace << ": " << problem << "\n";
    return 2;
  }
  if (no_faults) o.faults = false;
  // The replay line names the seed and strategy itself; output and speed options do not
  // change the run (--store-lanes does, so it stays).
  o.replay_options = GivenOptionsLine(
      app, {"--seed", "--runs", "--strategy", "--json", "--plot", "--trace", "--quiet", "--jobs", "--threads",
            "--storage-floor"});
  if (storage_floor && runs > 1) {
    std::cerr << "--storage-floor measures a single run, not a sweep (--runs)\n";
    return 2;
  }
  o.progress = !quiet && isatty(STDERR_FILENO);

  // The floor is set beside the run's wall time: the worlds must run one at a time, as
  // the replays do.
  if (storage_floor) jobs = 1;
  o.record_storage = storage_floor;
  KeepNodeLogsToErrors();
  o.keep_trace = !trace.empty();
  InProcessRuns request{o, Strategies(strategy), runs, jobs, json_out, storage_floor, plot, trace};
  if (threads == 0) threads = WorldsAtOnce(request) == 1 && DefaultJobs() >= 2 ? 2 : 1;
  request.options.threads = storage_floor ? 1 : threads;
  return runs > 1 ? RunSweep(request) : RunSingle(request);
}
