// kura-sim: N stores and HQ in one process, running the real engines and sync sessions over
// a simulated network and clock, under faults, with invariant checks and a report; and
// `kura-sim processes`, the same kind of checks against real daemons (process_cli.h).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "given_options.h"
#include "interrupt_guard.h"
#include "parallel_runs.h"
#include "plot.h"
#include "process_cli.h"
#include "progress_line.h"
#include "report.h"
#include "sweep_summary.h"
#include "value_checks.h"
#include "world.h"

namespace {

using namespace kura::sim;

// Why `path` cannot be opened for writing (empty: it can), without leaving a file behind
// that was not there (a run stopped early then leaves nothing at the plot's path).
std::string WriteProblem(const std::string& path) {
  std::error_code ec;
  bool existed = std::filesystem::exists(path, ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return std::strerror(errno);
  ::close(fd);
  // The file the probe made, which a dangling symbolic link names rather than is.
  if (!existed) std::filesystem::remove(std::filesystem::canonical(path, ec), ec);
  return "";
}

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

std::vector<StrategyKind> Strategies(const std::string& name) {
  if (name == "escrow") return {StrategyKind::kEscrow};
  if (name == "last-known") return {StrategyKind::kLastKnown};
  if (name == "strong") return {StrategyKind::kStrong};
  return {StrategyKind::kEscrow, StrategyKind::kLastKnown, StrategyKind::kStrong};
}

// Thrown by a world not started because a sweep was interrupted (InterruptGuard).
struct SweepInterrupted {};

// Runs one world per (seed, strategy), up to `jobs` at once: world t is seed
// options.seed + t / kinds.size() with strategy kinds[t % kinds.size()]. `done` gets each
// seed's runs, strategies in the order given, seeds in order, as soon as they are ready.
// Under an InterruptGuard a stop request starts no more seeds: the worlds of those under
// way run and finish, every seed is handed over whole, and SweepInterrupted is thrown.
void RunWorlds(const SimOptions& options, const std::vector<StrategyKind>& kinds, int seeds, int jobs,
               ProgressLine* progress, const std::function<void(const SimOptions&, std::vector<RunResult>)>& done) {
  const std::size_t per_seed = kinds.size();
  auto seed_options = [&](std::size_t t) {
    SimOptions seeded = options;
    seeded.seed = options.seed + t / per_seed;
    return seeded;
  };
  std::vector<RunResult> seed_runs;
  RunInOrder<RunResult>(
      static_cast<std::size_t>(seeds) * per_seed, jobs,
      [&](std::size_t t) {
        if (t % per_seed == 0 && InterruptGuard::Requested()) throw SweepInterrupted{};
        World world(seed_options(t), kinds[t % per_seed]);
        if (progress == nullptr) return world.Run();
        RunResult run = world.Run([&](const char* phase, double d) { progress->Update(t % per_seed, phase, d); });
        progress->Finish(t % per_seed);
        return run;
      },
      [&](std::size_t t, RunResult run) {
        seed_runs.push_back(std::move(run));
        if (seed_runs.size() < per_seed) return;
        done(seed_options(t), std::move(seed_runs));
        seed_runs.clear();
      });
}

std::string BadMixOrSkew(const SimOptions& o) {
  for (const std::string& bad :
       {BadMix({o.w_sale, o.w_delivery, o.w_return, o.w_stocktake, o.w_transfer, o.w_pickup, o.w_tryon, o.w_collect,
                o.w_cancel}),
        BadSkew("--store-skew", o.store_skew), BadSkew("--sku-skew", o.sku_skew)}) {
    if (!bad.empty()) return bad;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  SimOptions o;
  std::string strategy = "all", plot = "kura-sim.svg";
  int runs = 1, jobs = DefaultJobs(), threads = 0;
  bool json_out = false, no_faults = false, quiet = false, storage_floor = false;

  CLI::App app{
      "kura-sim: a retail chain's kura stores and HQ in one process — the real engines\n"
      "(RocksDB in memory) and sync sessions over a simulated network and clock — run through\n"
      "a workload under faults, then healed and checked. Deterministic: the same seed replays\n"
      "the same run event for event (compare the trace hash). Prints the invariants that\n"
      "held, the online-order strategy table, and writes an SVG plot of sync lag and ATP.\n"
      "Exit status: 0 when every invariant held, 1 on a violation (seed and last events\n"
      "printed), 2 on bad usage, 130 when a sweep (--runs) was stopped by Ctrl-C.\n"
      "\n"
      "`kura-sim processes --help`: the multi-process mode, real kura-store and kura-hq\n"
      "processes under SIGKILL, SIGSTOP and cut links."};
  // An option given twice takes the last value, as most commands do (CLI11 refuses it);
  // the processes command and the option groups inherit this.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--seed", o.seed, "seed of the run (or the first of a sweep)")->capture_default_str()->check(SeedCheck());
  app.add_option("--runs", runs, "sweep this many seeds (seed, seed+1, ...) and list those that fail, a line per seed; a sweep draws no plot. 1: a single run and its full report")
      ->capture_default_str()->check(WholeIn(1, 1'000'000));
  app.add_option("--stores", o.stores, "number of stores")->capture_default_str()->check(WholeIn(1, 1000));
  app.add_option("--skus", o.skus, "SKUs per store (every store stocks all)")->capture_default_str()->check(WholeIn(1, 100000));
  app.add_option("--ops", o.ops, "workload operations drawn over the run, at most (a draw past the last day is not made); the report counts those taken, those skipped and those not drawn")->capture_default_str()->check(WholeIn(0, 100'000'000));
  app.add_option("--days", o.days, "simulated days the workload is spread over")->capture_default_str()->check(NumberIn(0.01, 365.0));
  app.add_option("--store-skew", o.store_skew, "Zipf exponent of store popularity, 0 to 10 (0 uniform; store-000 busiest)")->capture_default_str();
  app.add_option("--sku-skew", o.sku_skew, "Zipf exponent of SKU popularity, 0 to 10 (SKU-00000 busiest)")->capture_default_str();
  auto* mix = app.add_option_group("workload mix", "relative weights of each kind of operation");
  mix->add_option("--w-sale", o.w_sale, "till sale of 1-2 units on the shelf; one the store refuses for taking units promised to holds is repeated with staff's override, which the checks allow for")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-delivery", o.w_delivery, "delivery received (stock.receive)")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-return", o.w_return, "customer return")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-stocktake", o.w_stocktake, "stocktake count, sometimes a unit off")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-transfer", o.w_transfer, "transfer to another store, arriving 2-6 h later")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-pickup", o.w_pickup, "online pickup order, through the strategy")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-tryon", o.w_tryon, "online try-on request (2 h hold), through the strategy")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-collect", o.w_collect, "collection of an active hold (sometimes readied first)")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--w-cancel", o.w_cancel, "cancellation of an active hold (expiries happen by themselves)")->capture_default_str()->check(NumberIn(0.0, 1e9));
  mix->add_option("--repeats", o.repeats, "share of operations whose request is sent again, same request id, 1-30 min later, as by a till or the online shop retrying after a timeout, to the node that answered it: the second answer must be the first's, byte for byte, and change nothing")->capture_default_str()->check(NumberIn(0.0, 1.0));
  auto* net = app.add_option_group("network", "every store-HQ sync link");
  net->add_option("--latency-ms", o.latency_ms, "one-way latency; jitter adds up to as much again (a link keeps order: only --reorder makes a message overtake). Sync must go quiet within 6 h of the final heal, or 64 latencies, or 64 heartbeats for each message and its reply to get through --drop, whichever is longest")->capture_default_str()->check(WholeIn(1, 3'600'000));
  net->add_option("--drop", o.drop, "probability a message is lost")->capture_default_str()->check(NumberIn(0.0, 0.9));
  net->add_option("--duplicate", o.duplicate, "probability a message arrives twice")->capture_default_str()->check(NumberIn(0.0, 1.0));
  net->add_option("--reorder", o.reorder, "probability a message is held back up to 2 s")->capture_default_str()->check(NumberIn(0.0, 1.0));
  auto* faults = app.add_option_group("faults", "counts over the whole run; each starts in its first 90%");
  faults->add_option("--partitions-one", o.partitions_one, "one store cut off from HQ, 2 min to 1 day")->capture_default_str()->check(WholeIn(0, 1'000'000));
  faults->add_option("--partitions-many", o.partitions_many, "a third of the stores cut off, 10 min to 12 h")->capture_default_str()->check(WholeIn(0, 1'000'000));
  faults->add_option("--partitions-hq", o.partitions_hq, "HQ cut off from every store, 5 min to 6 h")->capture_default_str()->check(WholeIn(0, 1'000'000));
  faults->add_option("--crashes", o.crashes, "a store (80%) or HQ crashes, down 10 s to 30 min; a till request is in flight half of the time and retried with its request id")->capture_default_str()->check(WholeIn(0, 1'000'000));
  faults->add_option("--clock-faults", o.clock_faults, "a store's clock skewed (1 s-10 min) or jumping (1 min-3 h), either way, for 10 min-12 h")->capture_default_str()->check(WholeIn(0, 1'000'000));
  auto* no_faults_flag =
      faults->add_flag("--no-faults", no_faults, "no partitions, crashes or clock faults, and a perfect network");
  // A fault asked for and silently dropped would read as a run that survived it.
  for (auto* group : {faults, net}) {
    for (CLI::Option* fault : group->get_options()) {
      std::string name = fault->get_name();
      if (fault != no_faults_flag && name != "--latency-ms" && name != "--help") no_faults_flag->excludes(fault);
    }
  }
  app.add_option("--heartbeat-ms", o.heartbeat_ms, "sync session heartbeat (pings on idle links)")->capture_default_str()->check(WholeIn(100, 600000));
  app.add_option("--checks", o.checks, "invariant checks of every up store during the run, each of the SKUs moved since its last (the final check reads every SKU). A check is an event of the run, so the count moves the trace hash. Each reads every up store: thousands on a small run cost more than the run")->capture_default_str()->check(WholeIn(0, 1'000'000));
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
    app.parse(argc, argv);
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
  if (processes.app->parsed()) {
    if (auto given = GivenOptions(app); !given.empty()) {
      std::cerr << given.front() << " is an option of the in-process world; `kura-sim processes --help` lists "
                << "the options of processes, which come after the word processes\n";
      return 2;
    }
    return RunProcessesCommand(processes);
  }
  for (const std::string& bad : {BadMixOrSkew(o), BadSweep(o.seed, runs)}) {
    if (bad.empty()) continue;
    std::cerr << bad << "\n";
    return 2;
  }
  if (runs > 1 && plot_option->count() > 0 && !plot.empty()) {  // --plot '' (no plot) is fine
    std::cerr << "--plot draws a single run, not a sweep (--runs)\n";
    return 2;
  }
  // Checked before the run, which may take minutes, rather than lost after it.
  if (std::string problem = plot.empty() ? "" : WriteProblem(plot); !problem.empty()) {
    std::cerr << "cannot write the plot to " << plot << ": " << problem << "\n";
    return 2;
  }
  if (no_faults) o.faults = false;
  // The replay line names the seed and strategy itself; output and speed options do not
  // change the run (--store-lanes does, so it stays).
  o.replay_options = GivenOptionsLine(
      app, {"--seed", "--runs", "--strategy", "--json", "--plot", "--quiet", "--jobs", "--threads", "--storage-floor"});
  if (storage_floor && runs > 1) {
    std::cerr << "--storage-floor measures a single run, not a sweep (--runs)\n";
    return 2;
  }
  o.progress = !quiet && isatty(STDERR_FILENO);

  auto kinds = Strategies(strategy);
  // The floor is set beside the run's wall time: the worlds must run one at a time, as
  // the replays do.
  if (storage_floor) jobs = 1;
  o.record_storage = storage_floor;
  const int worlds_at_once = std::min<int>(jobs, static_cast<int>(kinds.size()) * runs);
  if (threads == 0) threads = worlds_at_once == 1 && DefaultJobs() >= 2 ? 2 : 1;
  o.threads = storage_floor ? 1 : threads;
  auto t0 = std::chrono::steady_clock::now();
  auto wall = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  if (runs > 1) {
    // Ctrl-C or SIGTERM: the worlds under way finish, and the seeds run are reported.
    InterruptGuard guard;
    std::vector<uint64_t> failed;
    nlohmann::json all = nlohmann::json::array();
    int swept = 0;
    int progress_width = 0;  // of the sweep line on stderr, cleared before each seed's line
    // Paced from the first result on (ProgressEntry): seeds run side by side, so one
    // seed's time says little about how fast results come.
    ProgressEntry sweep;
    auto on_seed = [&](const SimOptions& seeded, std::vector<RunResult> results) {
      if (progress_width > 0) std::fprintf(stderr, "\r%*s\r", progress_width, "");
      ++swept;
      bool ok = true;
      for (const auto& run : results) {
        if (run.ok) continue;
        ok = false;
        if (!json_out) std::cout << FormatViolation(seeded, run);
      }
      if (!ok) failed.push_back(seeded.seed);
      if (json_out) all.push_back(RunsJson(seeded, results));  // the process's figures: once, below
      else std::cout << FormatSweepSeed(seeded.seed, results) << std::endl;
      if (o.progress) {
        double elapsed = wall();
        sweep.Report("seeds", static_cast<double>(swept) / runs, elapsed);
        std::optional<double> left_s = swept < runs ? sweep.SecondsLeft(elapsed) : std::nullopt;
        std::string left = left_s ? ", ~" + FormatDuration(*left_s) + " left" : "";
        std::fprintf(stderr, "\r");
        progress_width = std::fprintf(stderr, "sweep %d/%d (%s%s)", swept, runs, FormatDuration(elapsed).c_str(),
                                      left.c_str());
      }
    };
    try {
      RunWorlds(o, kinds, runs, jobs, nullptr, on_seed);
    } catch (const SweepInterrupted&) {
    }
    // Asked to stop: even with every seed already under way (and so run), the exit says so.
    const bool interrupted = InterruptGuard::Requested();
    if (o.progress) std::fprintf(stderr, "\n");
    if (json_out) {
      // seeds_run and stopped as `kura-sim processes --runs --json` gives them (there `runs`
      // is the count asked; here each seed's entry has its `runs`, one per strategy).
      nlohmann::json report = {{"sweep", all}, {"seeds_run", swept}, {"failed_seeds", failed},
                               {"stopped", interrupted ? nlohmann::json("interrupted") : nlohmann::json()}};
      report.update(MeasuredJson({wall(), PeakRssMb(), worlds_at_once, o.threads}));
      std::cout << report.dump(2) << "\n";
    } else {
      if (interrupted) std::cout << "interrupted; sweep stopped\n";
      std::cout << SweepSummary(swept, runs, failed) << std::flush;
      std::printf("\nwall time %.2f s, peak RSS %.0f MB (whole process, %d worlds at once, %d %s each)\n", wall(),
                  PeakRssMb(), worlds_at_once, o.threads, o.threads == 1 ? "thread" : "threads");
    }
    if (interrupted) return 130;
    return failed.empty() ? 0 : 1;
  }

  std::vector<RunResult> results;
  {
    std::vector<std::string> labels;
    for (StrategyKind kind : kinds) labels.push_back(StrategyName(kind));
    ProgressLine line(labels);
    RunWorlds(o, kinds, 1, jobs, o.progress ? &line : nullptr,
              [&](const SimOptions&, std::vector<RunResult> runs) { results = std::move(runs); });
    if (o.progress) line.Close();
  }
  Measured m{wall(), PeakRssMb(), worlds_at_once, o.threads};
  if (storage_floor) {
    // One replay per strategy's run, as the runs came one after another.
    m.storage_floor_s = 0;
    for (auto& run : results) {
      if (run.storage.empty()) continue;  // stopped before its day: a node failed to open, or no strategy
      ProgressLine replay_line({run.strategy});
      auto floor = MeasureStorageFloor(*run.storage_log, run.storage, [&](double done) {
        if (o.progress) replay_line.Update(0, "storage floor replay", done);
      });
      if (o.progress) replay_line.Close();
      if (!floor.ok()) {
        std::cerr << "storage floor: " << floor.status().ToString() << "\n";
        return 1;
      }
      m.storage_floor_s += floor->seconds;
      run.storage_log.reset();  // its memory, before the next replay
    }
  }
  // The plot draws the first strategy that ran (the order given to --strategy).
  const RunResult* plotted = plot.empty() ? nullptr : FirstAvailable(results);
  if (json_out) {
    nlohmann::json report = RunsJson(o, results);
    report.update(MeasuredJson(m));
    report["plot"] = plotted ? nlohmann::json{{"path", plot}, {"strategy", plotted->strategy}}
                             : nlohmann::json(nullptr);
    std::cout << report.dump(2) << "\n";
  } else {
    std::cout << FormatRun(o, results, m);
  }
  if (plotted != nullptr) {
    errno = 0;  // before the open, whose failure is the likeliest
    std::ofstream file(plot);
    if (!(file << PlotSvg(o, *plotted)).flush()) {
      // The stream keeps no reason; the failed call's errno is the best there is.
      std::cerr << "cannot write the plot to " << plot << ": " << (errno ? std::strerror(errno) : "write failed") << "\n";
      return 1;
    }
    if (!json_out) std::cout << "plot (" << plotted->strategy << "): " << plot << "\n";
  }
  for (const auto& run : results) {
    if (!run.ok) return 1;
  }
  return 0;
}
