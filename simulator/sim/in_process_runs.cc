#include "in_process_runs.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>

#include "interrupt_guard.h"
#include "parallel_runs.h"
#include "plot.h"
#include "progress_line.h"
#include "report.h"
#include "sweep_summary.h"
#include "text_format.h"
#include "world.h"

namespace kura::sim {
namespace {

// Wall time since it was made: the reports' "wall time".
class Stopwatch {
 public:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
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

// Writes what `write` puts in the stream to `path`; why it could not (empty: it could).
std::string WriteFile(const std::string& path, const std::function<void(std::ostream&)>& write) {
  errno = 0;  // before the open, whose failure is the likeliest
  std::ofstream file(path);
  write(file);
  if (file.flush()) return "";
  // The stream keeps no reason; the failed call's errno is the best there is.
  return errno ? std::strerror(errno) : "write failed";
}

// Every run's trace (kura-sim --trace), each after a line naming its strategy, seed and
// hash, whether or not the run held; each run's lines are let go once written.
std::string WriteTraces(const std::string& path, std::vector<RunResult>& runs) {
  return WriteFile(path, [&](std::ostream& out) {
    for (RunResult& run : runs) {
      out << Printf("# %s, seed %llu: trace %016llx\n", run.strategy.c_str(),
                    static_cast<unsigned long long>(run.seed), static_cast<unsigned long long>(run.trace_hash))
          << run.trace;
      std::string().swap(run.trace);
    }
  });
}

}  // namespace

int WorldsAtOnce(const InProcessRuns& r) {
  return std::min<int>(r.jobs, static_cast<int>(r.kinds.size()) * r.runs);
}

int RunSweep(const InProcessRuns& r) {
  const SimOptions& o = r.options;
  const int worlds_at_once = WorldsAtOnce(r);
  const Stopwatch watch;
  const int runs = r.runs;
  const bool json_out = r.json;
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
      double elapsed = watch.Seconds();
      sweep.Report("seeds", static_cast<double>(swept) / runs, elapsed);
      std::optional<double> left_s = swept < runs ? sweep.SecondsLeft(elapsed) : std::nullopt;
      std::string left = left_s ? ", ~" + FormatDuration(*left_s) + " left" : "";
      std::fprintf(stderr, "\r");
      progress_width = std::fprintf(stderr, "sweep %d/%d (%s%s)", swept, runs, FormatDuration(elapsed).c_str(),
                                    left.c_str());
    }
  };
  try {
    RunWorlds(o, r.kinds, runs, r.jobs, nullptr, on_seed);
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
    report.update(MeasuredJson({watch.Seconds(), PeakRssMb(), worlds_at_once, o.threads}));
    std::cout << report.dump(2) << "\n";
  } else {
    if (interrupted) std::cout << "interrupted; sweep stopped\n";
    std::cout << SweepSummary(swept, runs, failed) << std::flush;
    std::printf("\nwall time %.2f s, peak RSS %.0f MB (whole process, %d worlds at once, %d %s each)\n", watch.Seconds(),
                PeakRssMb(), worlds_at_once, o.threads, o.threads == 1 ? "thread" : "threads");
  }
  if (interrupted) return 130;
  return failed.empty() ? 0 : 1;
}

int RunSingle(const InProcessRuns& r) {
  const SimOptions& o = r.options;
  const int worlds_at_once = WorldsAtOnce(r);
  const Stopwatch watch;
  const bool json_out = r.json;
  const std::string& plot = r.plot;
  std::vector<RunResult> results;
  {
    std::vector<std::string> labels;
    for (StrategyKind kind : r.kinds) labels.push_back(StrategyName(kind));
    ProgressLine line(labels);
    RunWorlds(o, r.kinds, 1, r.jobs, o.progress ? &line : nullptr,
              [&](const SimOptions&, std::vector<RunResult> runs) { results = std::move(runs); });
    if (o.progress) line.Close();
  }
  Measured m{watch.Seconds(), PeakRssMb(), worlds_at_once, o.threads};
  bool floor_failed = false;
  if (r.storage_floor) {
    // One replay per strategy's run, as the runs came one after another.
    m.storage_floor_s = 0;
    for (auto& run : results) {
      if (run.storage.empty()) continue;  // stopped before its day: a node failed to open, or no strategy
      ProgressLine replay_line({run.strategy});
      auto floor = MeasureStorageFloor(*run.storage_log, run.storage, [&](double done) {
        if (o.progress) replay_line.Update(0, "storage floor replay", done);
      });
      if (o.progress) replay_line.Close();
      if (!floor.ok()) {  // the report then goes without it
        std::cerr << "storage floor: " << floor.status().ToString() << "\n";
        m.storage_floor_s = -1;
        floor_failed = true;
        break;
      }
      m.storage_floor_s += floor->seconds;
      run.storage_log.reset();  // its memory, before the next replay
    }
  }
  std::string trace_problem = r.trace.empty() ? "" : WriteTraces(r.trace, results);
  if (!trace_problem.empty()) std::cerr << "cannot write the trace to " << r.trace << ": " << trace_problem << "\n";
  // The plot draws the first strategy that ran (the order given to --strategy). Written
  // before the report, so that the report says whether it was.
  const RunResult* plotted = plot.empty() ? nullptr : FirstAvailable(results);
  std::string plot_problem = plotted != nullptr ? WriteFile(plot, [&](std::ostream& out) { out << PlotSvg(o, *plotted); }) : "";
  if (!plot_problem.empty()) {
    std::cerr << "cannot write the plot to " << plot << ": " << plot_problem << "\n";
    plotted = nullptr;
  }
  if (json_out) {
    nlohmann::json report = RunsJson(o, results);
    report.update(MeasuredJson(m));
    report["plot"] = plotted ? nlohmann::json{{"path", plot}, {"strategy", plotted->strategy}}
                             : nlohmann::json(nullptr);
    if (!plot_problem.empty()) report["plot_error"] = plot_problem;
    if (!r.trace.empty()) report["trace_file"] = trace_problem.empty() ? nlohmann::json(r.trace) : nlohmann::json(nullptr);
    if (!trace_problem.empty()) report["trace_error"] = trace_problem;
    std::cout << report.dump(2) << "\n";
  } else {
    std::cout << FormatRun(o, results, m);
    if (plotted != nullptr) std::cout << "plot (" << plotted->strategy << "): " << plot << "\n";
    if (!r.trace.empty() && trace_problem.empty()) std::cout << "trace: " << r.trace << "\n";
  }
  for (const auto& run : results) {
    if (!run.ok) return 1;
  }
  return plot_problem.empty() && trace_problem.empty() && !floor_failed ? 0 : kExitNotMeasured;
}

}  // namespace kura::sim
