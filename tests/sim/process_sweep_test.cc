// kura-sim processes --runs: the sweep's seeds, lines, verdicts and exit status, with a
// stand-in for the real runs (RunProcesses has its own tests in process_mode_test.cc).
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "process_sweep.h"

namespace kura::sim {
namespace {

ProcessResult Held(uint64_t seed) {
  ProcessResult r;
  r.seed = seed;
  r.ok = true;
  r.wall_s = 31.9;
  r.converge_s = 0.4;
  return r;
}

// A runner answering each seed from `outcomes` (a seed not in it holds), noting the seeds run.
struct Stand {
  std::map<uint64_t, ProcessResult> outcomes;
  std::vector<uint64_t> seeds;
  ProcessRunner runner() {
    return [this](const ProcessOptions& o) {
      seeds.push_back(o.seed);
      auto it = outcomes.find(o.seed);
      return it == outcomes.end() ? Held(o.seed) : it->second;
    };
  }
};

ProcessOptions FromSeed(uint64_t seed) {
  ProcessOptions o;
  o.seed = seed;
  return o;
}

TEST_CASE("a process sweep runs each seed in turn and says each held", "[sim][processes]") {
  Stand stand;
  std::ostringstream out;
  CHECK(SweepProcesses(FromSeed(301), 3, false, stand.runner(), out) == 0);
  CHECK(stand.seeds == std::vector<uint64_t>{301, 302, 303});
  CHECK(out.str().rfind(
            "seed 301: ok (31.9 s, converged 0.40 s after the final heal)\n"
            "seed 302: ok (31.9 s, converged 0.40 s after the final heal)\n"
            "seed 303: ok (31.9 s, converged 0.40 s after the final heal)\n"
            "3 seeds, 0 failed\nwall time ",
            0) == 0);
}

TEST_CASE("a failing seed is reported in full, the sweep goes on and lists it", "[sim][processes]") {
  Stand stand;
  ProcessResult broken;
  broken.violation = "on-hand SKU-00000 at store-000: 7, the ledger says 6";
  stand.outcomes[302] = broken;
  std::ostringstream out;
  CHECK(SweepProcesses(FromSeed(301), 3, false, stand.runner(), out) == 1);
  CHECK(stand.seeds == std::vector<uint64_t>{301, 302, 303});
  std::string text = out.str();
  CHECK(text.find("the ledger says 6") != std::string::npos);  // the run's own report
  CHECK(text.find("seed 302: FAILED\nseed 303: ok") != std::string::npos);
  CHECK(text.find("seed 303: ok (31.9 s, converged 0.40 s after the final heal)\n3 seeds, 1 failed: 302\n") !=
        std::string::npos);
}

TEST_CASE("a run that cannot be carried out or is interrupted stops the sweep", "[sim][processes]") {
  Stand stand;
  ProcessResult no_daemon;
  no_daemon.error = "kura-hq did not start";
  stand.outcomes[302] = no_daemon;
  std::ostringstream out;
  CHECK(SweepProcesses(FromSeed(301), 4, false, stand.runner(), out) == 2);
  CHECK(stand.seeds == std::vector<uint64_t>{301, 302});
  CHECK(out.str().find("seed 302: could not be carried out; sweep stopped\n2 of 4 seeds run, 0 failed\n") !=
        std::string::npos);

  Stand stopped;
  ProcessResult interrupted;
  interrupted.interrupted = true;
  interrupted.error = "interrupted";
  stopped.outcomes[301] = interrupted;
  std::ostringstream out2;
  CHECK(SweepProcesses(FromSeed(301), 4, false, stopped.runner(), out2) == 130);
  CHECK(stopped.seeds == std::vector<uint64_t>{301});
  CHECK(out2.str().find("seed 301: interrupted; sweep stopped\n1 of 4 seeds run, 0 failed\n") != std::string::npos);
}

TEST_CASE("a run interrupted after its checks held is not counted as held", "[sim][processes]") {
  Stand stand;
  ProcessResult late = Held(301);
  late.interrupted = true;
  late.error = "interrupted";
  stand.outcomes[301] = late;
  std::ostringstream out;
  CHECK(SweepProcesses(FromSeed(301), 2, false, stand.runner(), out) == 130);
  CHECK(out.str().find("seed 301: ok") == std::string::npos);
  CHECK(out.str().find("seed 301: interrupted; sweep stopped\n") != std::string::npos);
}

TEST_CASE("a Ctrl-C between two runs stops the sweep with its summary", "[sim][processes]") {
  Stand stand;
  ProcessRunner held_then_interrupted = [&stand](const ProcessOptions& o) {
    ProcessResult r = stand.runner()(o);
    std::raise(SIGINT);  // after the run's own guard: only the sweep's catches it
    return r;
  };
  std::ostringstream out;
  CHECK(SweepProcesses(FromSeed(301), 3, false, held_then_interrupted, out) == 130);
  CHECK(stand.seeds == std::vector<uint64_t>{301});
  CHECK(out.str().rfind(
            "seed 301: ok (31.9 s, converged 0.40 s after the final heal)\n"
            "interrupted; sweep stopped\n"
            "1 of 3 seeds run, 0 failed\n",
            0) == 0);
}

TEST_CASE("a kept run's directory is named on its seed's line", "[sim][processes]") {
  Stand stand;
  ProcessResult kept = Held(301);
  kept.work_dir = "/tmp/kura-sim-AbC123";
  stand.outcomes[301] = kept;
  std::ostringstream out;
  CHECK(SweepProcesses(FromSeed(301), 1, false, stand.runner(), out) == 0);
  CHECK(out.str().rfind("seed 301: ok (31.9 s, converged 0.40 s after the final heal; kept /tmp/kura-sim-AbC123)\n",
                        0) == 0);
}

TEST_CASE("a process sweep's JSON holds every run and the failing seeds", "[sim][processes]") {
  Stand stand;
  ProcessResult broken;
  broken.seed = 8;
  broken.violation = "no oversold promise";
  stand.outcomes[8] = broken;
  std::ostringstream out;
  CHECK(SweepProcesses(FromSeed(7), 2, true, stand.runner(), out) == 1);
  auto j = nlohmann::json::parse(out.str());
  CHECK(j["runs"] == 2);
  CHECK(j["seeds_run"] == 2);
  CHECK(j["failed_seeds"] == nlohmann::json::array({8}));
  CHECK(j["stopped"].is_null());
  REQUIRE(j["sweep"].size() == 2);
  CHECK(j["sweep"][0]["seed"] == 7);
  CHECK(j["sweep"][1]["seed"] == 8);
}

}  // namespace
}  // namespace kura::sim
