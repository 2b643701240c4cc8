#include "process_sweep.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "interrupt_guard.h"
#include "process_report.h"
#include "sweep_summary.h"
#include "text_format.h"

namespace kura::sim {

int SweepProcesses(const ProcessOptions& options, int runs, bool json, const ProcessRunner& run,
                   std::ostream& out) {
  // Held for the whole sweep, so a Ctrl-C between two runs (outside each run's own
  // guard) still ends it with its summary rather than killing kura-sim.
  InterruptGuard guard;
  auto started = std::chrono::steady_clock::now();
  std::vector<uint64_t> failed;
  nlohmann::json all = nlohmann::json::array();
  int swept = 0;
  const char* stopped = nullptr;  // why the sweep ended before its last seed
  for (int i = 0; i < runs && stopped == nullptr; ++i) {
    if (InterruptGuard::Requested()) {  // came between two runs
      stopped = "interrupted";
      if (!json) out << "interrupted; sweep stopped\n";
      break;
    }
    ProcessOptions seeded = options;
    seeded.seed = options.seed + static_cast<uint64_t>(i);
    ProcessResult r = run(seeded);
    ++swept;
    const char* verdict = nullptr;  // none: it held
    if ((stopped = NoVerdict(r)) != nullptr) {
      verdict = r.interrupted ? "interrupted; sweep stopped" : "could not be carried out; sweep stopped";
    } else if (!r.ok) {
      failed.push_back(seeded.seed);
      verdict = "FAILED";
    }
    if (json) {
      all.push_back(ProcessRunJson(seeded, r));
      continue;
    }
    auto seed = static_cast<unsigned long long>(seeded.seed);
    if (verdict == nullptr) {
      out << Printf("seed %llu: ok (%.1f s, converged %.2f s after the final heal", seed, r.wall_s, r.converge_s)
          << (r.work_dir.empty() ? "" : "; kept " + r.work_dir) << ")\n";
    } else {
      out << FormatProcessRun(seeded, r) << Printf("seed %llu: %s\n", seed, verdict);
    }
    out << std::flush;  // a sweep runs for minutes: each seed's line as it comes, even into a pipe
  }
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (json) {
    out << nlohmann::json{{"sweep", all},
                          {"runs", runs},
                          {"seeds_run", swept},
                          {"failed_seeds", failed},
                          {"stopped", stopped == nullptr ? nlohmann::json() : nlohmann::json(stopped)},
                          {"wall_s", wall_s}}
               .dump(2)
        << "\n";
  } else {
    out << SweepSummary(swept, runs, failed) << Printf("\nwall time %.1f s\n", wall_s);
  }
  if (stopped != nullptr) return std::string(stopped) == "interrupted" ? 130 : 2;
  return failed.empty() ? 0 : 1;
}

}  // namespace kura::sim
