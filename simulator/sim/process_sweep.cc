#include "process_sweep.h"

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "process_report.h"
#include "text_format.h"

namespace kura::sim {

int SweepProcesses(const ProcessOptions& options, int runs, bool json, const ProcessRunner& run,
                   std::ostream& out) {
  std::vector<uint64_t> failed;
  nlohmann::json all = nlohmann::json::array();
  int swept = 0, status = 0;
  for (int i = 0; i < runs && (status == 0 || status == 1); ++i) {
    ProcessOptions seeded = options;
    seeded.seed = options.seed + static_cast<uint64_t>(i);
    ProcessResult r = run(seeded);
    ++swept;
    if (json) all.push_back(ProcessRunJson(seeded, r));
    if (r.interrupted) {
      status = 130;
    } else if (!r.error.empty()) {
      status = 2;
    } else if (!r.ok) {
      failed.push_back(seeded.seed);
      status = 1;
    }
    if (json) continue;
    if (r.ok) {
      out << Printf("seed %llu: ok (%.1f s, converged %.2f s after the final heal)\n",
                    static_cast<unsigned long long>(seeded.seed), r.wall_s, r.converge_s)
          << std::flush;  // a sweep runs for minutes: each seed's line as it comes, even into a pipe
      continue;
    }
    out << FormatProcessRun(seeded, r);
    const char* verdict = r.interrupted      ? "interrupted; sweep stopped"
                          : !r.error.empty() ? "could not be carried out; sweep stopped"
                                             : "FAILED";
    out << Printf("seed %llu: %s\n", static_cast<unsigned long long>(seeded.seed), verdict) << std::flush;
  }
  if (json) {
    out << nlohmann::json{{"sweep", all}, {"seeds_run", swept}, {"failed_seeds", failed}}.dump(2) << "\n";
    return status;
  }
  out << (swept < runs ? Printf("%d of %d seeds run, ", swept, runs) : Printf("%d seeds, ", swept))
      << failed.size() << " failed";
  for (std::size_t i = 0; i < failed.size(); ++i) out << (i ? ", " : ": ") << failed[i];
  out << "\n";
  return status;
}

}  // namespace kura::sim
