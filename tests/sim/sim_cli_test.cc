// kura-sim's command line: input it cannot honour is refused up front (exit 2, a message
// naming the option, no run), rather than ignored or found out after a long run.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "kuractl_run.h"
#include "temp_dir.h"

namespace kura::test {
namespace {

CommandRun Sim(const TempDir& dir, const std::string& args) {
  // --quiet last, where it belongs to processes too when the args start with it.
  return RunCommand(dir, "cd '" + dir.path() + "' && '" + KURA_SIM_BIN + "' " + args + " --quiet");
}

void RefusedNaming(const CommandRun& run, const std::string& words) {
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.exit_code == 2);
  CHECK(run.out.empty());  // no report: nothing ran
  CHECK(run.err.find(words) != std::string::npos);
}

TEST_CASE("kura-sim refuses a plot it could not write before running", "[sim][cli]") {
  TempDir dir;
  RefusedNaming(Sim(dir, "--plot '" + dir.Sub("missing/plot.svg") + "'"), "cannot write the plot to " + dir.Sub("missing/plot.svg") + ": No such file");
  RefusedNaming(Sim(dir, "--runs 2 --plot sweep.svg"), "--plot draws a single run");
  CHECK_FALSE(std::filesystem::exists(dir.Sub("sweep.svg")));
  CommandRun sweep = Sim(dir, "--runs 2 --plot '' --stores 2 --skus 5 --ops 100 --days 0.02 --strategy strong");
  CHECK(sweep.exit_code == 0);
  CHECK(sweep.out.find("seed 2: ok (strong trace ") != std::string::npos);  // each seed's line, with its trace
  CommandRun sweep_json = Sim(dir, "--runs 2 --json --stores 2 --skus 5 --ops 100 --days 0.02 --strategy strong");
  REQUIRE(sweep_json.exit_code == 0);
  CHECK(sweep_json.Json()["seeds_run"] == 2);  // as processes --runs --json gives it
  CHECK(sweep_json.Json()["sweep"][0]["runs"].size() == 1);  // one per strategy, as a single run's
  CHECK_FALSE(sweep_json.Json()["sweep"][0].contains("wall_s"));  // the process's, given once
  CHECK(sweep_json.Json().contains("wall_s"));
  CHECK(sweep_json.Json()["sweep"].size() == 2);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST_CASE("kura-sim --trace writes every line of a run's trace in time order, the same whatever --threads",
          "[sim][cli]") {
  TempDir dir;
  const std::string world = "--stores 2 --skus 5 --ops 200 --days 0.05 --strategy escrow --plot '' ";
  CommandRun one = Sim(dir, world + "--threads 1 --trace one.txt");
  CommandRun two = Sim(dir, world + "--threads 2 --trace two.txt");
  INFO("stdout: " << one.out << "\nstderr: " << one.err);
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  std::string trace = ReadText(dir.Sub("one.txt"));
  CHECK(trace == ReadText(dir.Sub("two.txt")));
  // A header naming the strategy and the trace hash the report gives, then every line.
  std::size_t hash_at = one.out.find("escrow     trace ");
  REQUIRE(hash_at != std::string::npos);
  std::string hash = one.out.substr(hash_at + 17, 16);
  CHECK(trace.rfind("# escrow, seed 1: trace " + hash + "\n", 0) == 0);
  CHECK(trace.find("FINAL HEAL") != std::string::npos);
  std::istringstream lines(trace.substr(trace.find('\n') + 1));
  std::string line, last_time;
  int count = 0;
  for (; std::getline(lines, line); ++count) {
    std::string time = line.substr(0, line.find(' '));
    CHECK(time >= last_time);  // "0d00h00m00.000s": fixed width, so text order is time order
    last_time = time;
  }
  CHECK(count > 100);  // far more than a violation's last 20
  CHECK(one.out.find("\ntrace: one.txt\n") != std::string::npos);

  RefusedNaming(Sim(dir, "--runs 2 --trace sweep.txt"), "--trace writes a single run, not a sweep");
  RefusedNaming(Sim(dir, "--trace ''"), "--trace");
  RefusedNaming(Sim(dir, "--trace '" + dir.Sub("missing/trace.txt") + "'"), "cannot write the trace to");
}

TEST_CASE("a run killed before its end leaves nothing at the plot's path", "[sim][cli]") {
  // The plot's path is checked before the run; the check must not leave an empty plot.
  // A world this size takes minutes, so the kill lands during the run.
  TempDir dir;
  CommandRun run = RunCommand(dir, "cd '" + dir.path() + "' && timeout -s KILL 2 '" + KURA_SIM_BIN +
                                   "' --stores 200 --skus 5000 --strategy escrow --plot p.svg --quiet");
  CHECK(run.exit_code != 0);
  CHECK_FALSE(std::filesystem::exists(dir.Sub("p.svg")));
}

TEST_CASE("kura-sim refuses options given to the other mode, naming the mode", "[sim][cli]") {
  TempDir dir;
  RefusedNaming(Sim(dir, "--stores 5 processes --seconds 3"), "--stores is an option of the in-process world");
  RefusedNaming(Sim(dir, "--break-merge processes"), "--break-merge is an option of the in-process world");
  RefusedNaming(Sim(dir, "--seconds 5"), "--seconds is an option of `kura-sim processes`: give it after the word processes");
}

TEST_CASE("kura-sim refuses negative counts and seeds, fractions for counts, an empty mix and bad skews", "[sim][cli]") {
  TempDir dir;
  RefusedNaming(Sim(dir, "--checks -5"), "--checks");
  RefusedNaming(Sim(dir, "--crashes -1"), "--crashes");
  RefusedNaming(Sim(dir, "--w-sale -10"), "--w-sale");
  RefusedNaming(Sim(dir,
                    "--w-sale 0 --w-delivery 0 --w-return 0 --w-stocktake 0 --w-transfer 0 --w-pickup 0 "
                    "--w-tryon 0 --w-phone 0 --w-collect 0 --w-cancel 0"),
                "the workload mix is empty");
  RefusedNaming(Sim(dir, "--sku-skew nan"), "--sku-skew");
  RefusedNaming(Sim(dir, "--w-sale nan"), "--w-sale: Value nan is not a number");
  RefusedNaming(Sim(dir, "processes --seconds abc"), "--seconds: Value abc is not a number");
  RefusedNaming(Sim(dir, "--drop 2"), "--drop: Value 2 not in range 0 to 0.9");
  RefusedNaming(Sim(dir, "processes --store-bin /nonexistent/kura-store"), "--store-bin: File does not exist");
  RefusedNaming(Sim(dir, "--store-skew -3"), "--store-skew");
  RefusedNaming(Sim(dir, "--store-skew abc"), "--store-skew: Value abc is not a number");
  RefusedNaming(Sim(dir, "processes --sku-skew 11"), "--sku-skew: Value 11 not in range 0 to 10");
  // processes refuses the same
  RefusedNaming(Sim(dir, "processes --store-kills -1"), "--store-kills");
  RefusedNaming(Sim(dir, "processes --w-sale -5"), "--w-sale");
  RefusedNaming(Sim(dir, "processes --w-sale 0 --w-delivery 0 --w-return 0 --w-phone 0 --w-collect 0 --w-cancel 0"),
                "the workload mix is empty");
  RefusedNaming(Sim(dir, "processes --sku-skew nan"), "--sku-skew");
  RefusedNaming(Sim(dir, "--seed -1"), "--seed: a seed is a whole number from 0 up");
  RefusedNaming(Sim(dir, "processes --seed -1"), "--seed: a seed is a whole number from 0 up");
  RefusedNaming(Sim(dir, "--seed 1.5"), "--seed: a seed is a whole number from 0 up");
  RefusedNaming(Sim(dir, "--seed 99999999999999999999"), "--seed: a seed is a whole number from 0 up");
  // a count given as a fraction, a word or an exponent is named as such, not "out of range"
  RefusedNaming(Sim(dir, "--ops 1.5"), "--ops: Value 1.5 is not a whole number");
  RefusedNaming(Sim(dir, "--stores ten"), "--stores: Value ten is not a number");
  RefusedNaming(Sim(dir, "--ops 1e3"), "--ops: Value 1e3: give the whole number in digits");
  RefusedNaming(Sim(dir, "--ops 1e30"), "--ops: Value 1e30 not in range");
  RefusedNaming(Sim(dir, "--stores 010"), "--stores: Value 010: give the number without a leading 0");
  RefusedNaming(Sim(dir, "--stores 0x10"), "--stores: Value 0x10: give the whole number in digits");
  RefusedNaming(Sim(dir, "--seed 010"), "--seed: Value 010: give the number without a leading 0");
  RefusedNaming(Sim(dir, "processes --store-kills 1.5"), "--store-kills: Value 1.5 is not a whole number");
  // a sweep that would wrap past the largest seed to 0
  RefusedNaming(Sim(dir, "--seed 18446744073709551615 --runs 2"), "would pass the largest seed");
  RefusedNaming(Sim(dir, "processes --seed 18446744073709551614 --runs 3"), "would pass the largest seed");
}

TEST_CASE("an option given as --name= takes the empty value, not the argument after it", "[sim][cli]") {
  // CLI11 alone read "--plot= --stores 2" as a plot named "--stores".
  TempDir dir;
  RefusedNaming(Sim(dir, "--days="), "--days: no value given");
  RefusedNaming(Sim(dir, "processes --seconds="), "--seconds: no value given");
  CommandRun run = Sim(dir, "--plot= --stores 2 --skus 5 --ops 10 --days 0.01 --strategy strong");
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("2 stores") != std::string::npos);
  CHECK(run.out.find("plot (") == std::string::npos);  // an empty --plot: no plot
  CHECK_FALSE(std::filesystem::exists(dir.Sub("--stores")));
  CHECK_FALSE(std::filesystem::exists(dir.Sub("kura-sim.svg")));
}

TEST_CASE("kura-sim refuses faults asked for beside --no-faults", "[sim][cli]") {
  TempDir dir;
  RefusedNaming(Sim(dir, "--no-faults --crashes 4"), "--crashes excludes --no-faults");
  RefusedNaming(Sim(dir, "--no-faults --drop 0.5"), "--drop excludes --no-faults");
  RefusedNaming(Sim(dir, "processes --no-faults --store-kills 3"), "--store-kills excludes --no-faults");
  // A flag takes no value: --no-faults=false would run with faults while its replay line
  // said --no-faults.
  RefusedNaming(Sim(dir, "--no-faults=false"), "no-faults was given a disallowed flag override");
  RefusedNaming(Sim(dir, "--break-merge=false"), "break-merge was given a disallowed flag override");
}

// From "VIOLATION" to the end of the replay line: what a replayed failure must repeat
// (wall time and memory after it vary).
std::string ViolationBlock(const std::string& out) {
  auto from = out.find("VIOLATION");
  auto to = out.find('\n', out.find("replay: ", from));
  return from == std::string::npos ? "" : out.substr(from, to - from);
}

// The options of the report's first "replay: kura-sim ..." line; empty when there is none.
std::string ReplayArgs(const std::string& out) {
  const std::string lead = "replay: kura-sim ";
  auto at = out.find(lead);
  if (at == std::string::npos) return "";
  return out.substr(at + lead.size(), out.find('\n', at) - at - lead.size());
}

TEST_CASE("a violation's replay line reruns the same failing world", "[sim][cli]") {
  TempDir dir;
  CommandRun broken = Sim(dir, "--break-merge --stores 3 --skus 20 --ops 500 --days 0.1 --latency-ms 200 --strategy strong");
  INFO("stdout: " << broken.out << "\nstderr: " << broken.err);
  REQUIRE(broken.exit_code == 1);
  // The violation's own replay line (the report's header gives the same command).
  std::string args = ReplayArgs(broken.out.substr(broken.out.find("VIOLATION")));
  REQUIRE(!args.empty());
  CHECK(args == ReplayArgs(broken.out));
  CHECK(args.find("--break-merge") != std::string::npos);  // the switch that made it fail
  CommandRun replay = Sim(dir, args);
  CHECK(replay.exit_code == 1);
  CHECK(ViolationBlock(replay.out) == ViolationBlock(broken.out));  // the same events, to the replay line

  CommandRun as_json = Sim(dir, args + " --json");
  CHECK(as_json.exit_code == 1);
  CHECK(as_json.Json()["runs"][0]["replay"] == "kura-sim " + args);
  // The last events, a line each, as the text gives them.
  nlohmann::json tail = as_json.Json()["runs"][0]["trace_tail"];
  REQUIRE(tail.is_array());
  REQUIRE(!tail.empty());
  CHECK(broken.out.find("  " + tail.back().get<std::string>() + "\n") != std::string::npos);
  // Stopped before its final check counted the routed orders' holds: not zeros, null.
  CHECK(as_json.Json()["runs"][0]["routed_holds"].is_null());
}

TEST_CASE("a passing run names the command that replays it, trace hash for trace hash", "[sim][cli]") {
  TempDir dir;
  // --store-lanes and --checks move the trace hash: the replay must carry them.
  CommandRun run = Sim(dir, "--stores 3 --skus 20 --ops 300 --days 0.1 --store-lanes 2 --checks 3 --plot ''");
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  std::string args = ReplayArgs(run.out);
  REQUIRE(!args.empty());
  CHECK(args.find("--store-lanes 2") != std::string::npos);
  CommandRun again = Sim(dir, args + " --json");
  REQUIRE(again.exit_code == 0);
  nlohmann::json report = again.Json();
  CHECK(report["replay"] == "kura-sim " + args);
  REQUIRE(report["runs"].size() == 3);  // every strategy, as the first run
  for (const auto& r : report["runs"]) {
    CHECK(run.out.find(r["strategy"].get<std::string>() + " ") != std::string::npos);
    CHECK(run.out.find("trace " + r["trace_hash"].get<std::string>()) != std::string::npos);
    // The faults that were HQ's are among the run's, and every message is accounted for
    // (a count taken twice would leave fewer than none in flight: a wrapped, huge figure).
    CHECK(r["crashes_of_hq"].get<int64_t>() <= r["crashes"].get<int64_t>());
    CHECK(r["partitions_of_hq"].get<int64_t>() <= r["partitions"].get<int64_t>());
    const auto& net = r["network"];
    CHECK(net["in_flight_at_end"].get<uint64_t>() < net["sent"].get<uint64_t>());
    CHECK(net["delivered"].get<uint64_t>() + net["dropped"].get<uint64_t>() +
              net["lost_to_partitions"].get<uint64_t>() + net["lost_to_crashes"].get<uint64_t>() <=
          net["sent"].get<uint64_t>() + net["duplicated"].get<uint64_t>());
  }
}

TEST_CASE("an option given twice takes its last value, and the replay line says so", "[sim][cli]") {
  TempDir dir;
  CommandRun run = Sim(dir, "--seed 3 --stores 2 --skus 5 --ops 100 --days 0.01 --strategy escrow --plot '' --seed 4");
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("seed 4: 2 stores") != std::string::npos);
  CHECK(ReplayArgs(run.out) == "--seed 4 --strategy escrow --stores 2 --skus 5 --ops 100 --days 0.01");
}

TEST_CASE("a stopped in-process sweep finishes the worlds under way and reports the seeds run", "[sim][cli]") {
  TempDir dir;
  // Stopped (SIGTERM, as Ctrl-C) once its first seed's line is out; the loop waits on
  // that line, or on kura-sim having exited.
  // Every strategy: a stop between a seed's worlds still runs the seed whole.
  std::string sweep = std::string("'") + KURA_SIM_BIN + "' --runs 100000 --stores 2 --skus 5 --ops 50 --days 0.01 " +
                      "--plot '' --quiet";
  CommandRun run = RunCommand(dir, "cd '" + dir.path() + "' && { " + sweep + " > out.txt & pid=$!; " +
                                       "while ! grep -q '^seed ' out.txt && kill -0 $pid 2>/dev/null; do sleep 0.05; done; " +
                                       "kill -TERM $pid; wait $pid; echo \"exit $?\" >> out.txt; cat out.txt; }");
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.out.find("seed 1: ok") != std::string::npos);
  CHECK(run.out.find("interrupted; sweep stopped") != std::string::npos);
  CHECK(run.out.find(" of 100000 seeds run, 0 failed") != std::string::npos);
  CHECK(run.out.find("exit 130") != std::string::npos);
  // Each seed listed ran whole: its three strategies' traces.
  for (std::size_t at = run.out.find("seed "); at != std::string::npos; at = run.out.find("\nseed ", at + 1)) {
    std::string line = run.out.substr(at, run.out.find('\n', at + 1) - at);
    if (line.find(": ok") == std::string::npos) continue;
    CHECK(line.find("escrow trace") != std::string::npos);
    CHECK(line.find("strong trace") != std::string::npos);
  }
}

TEST_CASE("a process run's violation says how to run it again with every option given", "[sim][cli][processes]") {
  TempDir dir;
  CommandRun run = Sim(dir, "processes --stores 2 --skus 5 --seconds 3 --store-kills 1 --corrupt-expectation");
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.exit_code == 1);
  // The command's own options first, then its option groups'.
  CHECK(run.out.find("run again: kura-sim processes --seed 1 --stores 2 --skus 5 --seconds 3 --corrupt-expectation "
                     "--store-kills 1 (same workload draws and fault plan") != std::string::npos);
}

TEST_CASE("kura-sim writes the plot it names", "[sim][cli]") {
  TempDir dir;
  CommandRun run = Sim(dir, "--no-faults --stores 2 --skus 5 --ops 200 --days 0.05 --strategy escrow --plot p.svg");
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.exit_code == 0);
  CHECK(std::filesystem::file_size(dir.Sub("p.svg")) > 0);
  CHECK(run.out.find("plot (escrow): p.svg") != std::string::npos);
  CommandRun as_json = Sim(dir, "--no-faults --stores 2 --skus 5 --ops 200 --days 0.05 --strategy escrow --plot q.svg --json");
  CHECK(as_json.Json()["plot"]["path"] == "q.svg");  // JSON says where the plot went
  CHECK(std::filesystem::exists(dir.Sub("q.svg")));
}

TEST_CASE("a sweep runs where the default plot could not be written, as it draws none", "[sim][cli]") {
  TempDir dir;
  // /proc takes no new files, even from root.
  CommandRun sweep = RunCommand(dir, std::string("cd /proc && '") + KURA_SIM_BIN +
                                         "' --runs 2 --stores 2 --skus 5 --ops 100 --days 0.02 --strategy strong --quiet");
  INFO("stdout: " << sweep.out << "\nstderr: " << sweep.err);
  CHECK(sweep.exit_code == 0);
  CHECK(sweep.out.find("2 seeds, 0 failed") != std::string::npos);
}

TEST_CASE("a plot that cannot be written after the run is no violation, and the report says so", "[sim][cli]") {
  TempDir dir;
  // /dev/full opens for writing, so the check before the run passes; the write fails.
  CommandRun run = Sim(dir, "--no-faults --stores 2 --skus 5 --ops 200 --days 0.05 --strategy escrow --plot /dev/full --json");
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.exit_code == 3);
  CHECK(run.Json()["runs"][0]["ok"] == true);
  CHECK(run.Json()["plot"].is_null());
  CHECK(run.Json()["plot_error"] == "No space left on device");
  CHECK(run.err.find("cannot write the plot to /dev/full") != std::string::npos);
  // The same for the trace.
  CommandRun traced = Sim(dir, "--no-faults --stores 2 --skus 5 --ops 200 --days 0.05 --strategy escrow --plot '' "
                               "--trace /dev/full --json");
  INFO("stdout: " << traced.out << "\nstderr: " << traced.err);
  CHECK(traced.exit_code == 3);
  CHECK(traced.Json()["trace_file"].is_null());
  CHECK(traced.Json()["trace_error"] == "No space left on device");
  // A FIFO with no reader is refused before the run rather than waited on.
  REQUIRE(RunCommand(dir, "mkfifo '" + dir.Sub("fifo") + "'").exit_code == 0);
  RefusedNaming(RunCommand(dir, "cd '" + dir.path() + "' && timeout 60 '" + KURA_SIM_BIN + "' --plot fifo --quiet"),
                "cannot write the plot to fifo: No such device or address");
}

TEST_CASE("the report gives the run asked for and explains the order table", "[sim][cli]") {
  TempDir dir;
  CommandRun run = Sim(dir, "--stores 1 --skus 1 --ops 50 --days 0.02 --crashes 2 --drop 0.05 --strategy last-known --plot ''");
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("seed 1: 1 store x 1 SKU, up to 50 ops over 0.02 simulated days\n") != std::string::npos);
  CHECK(run.out.find("faults: 6 partitions of one store, 2 of a third of the stores, 1 of HQ; 2 crashes; 4 clock "
                     "faults; 1 disk replacement; network 40 ms latency, 5% dropped") != std::string::npos);
  CHECK(run.out.find("They were never holds") != std::string::npos);
  CHECK(run.out.find("(whole process: 1 store + hq") != std::string::npos);
}

TEST_CASE("the report accounts for every operation and crash asked for", "[sim][cli]") {
  TempDir dir;
  // A short day and eight crashes of 10 s to 30 min: some fall on a node still down.
  std::string args = "--stores 2 --skus 5 --ops 200 --days 0.01 --crashes 8 --strategy escrow --plot ''";
  CommandRun run = Sim(dir, args + " --json");
  REQUIRE(run.exit_code == 0);
  nlohmann::json r = run.Json()["runs"][0];
  CHECK(r["ops_done"].get<int64_t>() + r["ops_skipped"].get<int64_t>() + r["ops_not_drawn"].get<int64_t>() == 200);
  int64_t crashes = r["crashes"];
  REQUIRE(crashes < 8);
  CommandRun text = Sim(dir, args);
  CHECK(text.out.find("crashes: " + std::to_string(crashes) + " of 8 asked; the other " + std::to_string(8 - crashes) +
                      " fell while their node was still down") != std::string::npos);
}

}  // namespace
}  // namespace kura::test
