// kura-sim's command line: input it cannot honour is refused up front (exit 2, a message
// naming the option, no run), rather than ignored or found out after a long run.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "kuractl_run.h"
#include "temp_dir.h"

namespace kura::test {
namespace {

CtlRun Sim(const TempDir& dir, const std::string& args) {
  return RunCommand(dir, "cd '" + dir.path() + "' && '" + KURA_SIM_BIN + "' --quiet " + args);
}

void RefusedNaming(const CtlRun& run, const std::string& words) {
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.exit_code == 2);
  CHECK(run.out.empty());  // no report: nothing ran
  CHECK(run.err.find(words) != std::string::npos);
}

TEST_CASE("kura-sim refuses a plot it could not write before running", "[sim][cli]") {
  TempDir dir;
  RefusedNaming(Sim(dir, "--plot '" + dir.Sub("missing/plot.svg") + "'"), "cannot write the plot");
  RefusedNaming(Sim(dir, "--runs 2 --plot sweep.svg"), "--plot draws a single run");
  CHECK_FALSE(std::filesystem::exists(dir.Sub("sweep.svg")));
}

TEST_CASE("kura-sim refuses in-process options given to processes", "[sim][cli]") {
  TempDir dir;
  RefusedNaming(Sim(dir, "--stores 5 processes --seconds 3"), "--stores is an option of the in-process world");
  RefusedNaming(Sim(dir, "--break-merge processes"), "--break-merge is an option of the in-process world");
}

TEST_CASE("kura-sim refuses negative counts, an empty mix and bad skews", "[sim][cli]") {
  TempDir dir;
  RefusedNaming(Sim(dir, "--checks -5"), "--checks");
  RefusedNaming(Sim(dir, "--crashes -1"), "--crashes");
  RefusedNaming(Sim(dir, "--w-sale -10"), "--w-sale");
  RefusedNaming(Sim(dir,
                    "--w-sale 0 --w-delivery 0 --w-return 0 --w-stocktake 0 --w-transfer 0 --w-pickup 0 "
                    "--w-tryon 0 --w-collect 0 --w-cancel 0"),
                "the workload mix is empty");
  RefusedNaming(Sim(dir, "--sku-skew nan"), "--sku-skew");
  RefusedNaming(Sim(dir, "--store-skew -3"), "--store-skew");
}

TEST_CASE("kura-sim refuses faults asked for beside --no-faults", "[sim][cli]") {
  TempDir dir;
  RefusedNaming(Sim(dir, "--no-faults --crashes 4"), "--crashes excludes --no-faults");
  RefusedNaming(Sim(dir, "--no-faults --drop 0.5"), "--drop excludes --no-faults");
}

TEST_CASE("kura-sim writes the plot it names", "[sim][cli]") {
  TempDir dir;
  CtlRun run = Sim(dir, "--no-faults --stores 2 --skus 5 --ops 200 --days 0.05 --strategy escrow --plot p.svg");
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.exit_code == 0);
  CHECK(std::filesystem::file_size(dir.Sub("p.svg")) > 0);
  CHECK(run.out.find("plot (escrow): p.svg") != std::string::npos);
}

}  // namespace
}  // namespace kura::test
