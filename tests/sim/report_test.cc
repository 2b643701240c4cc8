// kura-sim's report (report.h): the summary line of a run a violation stopped.
#include "report.h"

#include <catch2/catch.hpp>

#include <string>

namespace kura::sim {
namespace {

// The strategy's summary line: from its name to the end of that line.
std::string SummaryLine(const std::string& report, const std::string& strategy) {
  auto from = report.find(strategy + std::string(10 - strategy.size(), ' ') + " trace");
  return from == std::string::npos ? "" : report.substr(from, report.find('\n', from) - from);
}

TEST_CASE("a run a violation stopped says so on its summary line, not that ops were not drawn", "[sim][report]") {
  SimOptions options;
  options.ops = 3000;
  RunResult run;
  run.strategy = "escrow";
  run.ok = false;
  run.ops_drawn = 1960;
  run.ops_done = 1891;
  run.sim_ms = 15 * 3600 * 1000 + 40;  // the end of the window the violation came in
  run.violation_at_ms = 15 * 3600 * 1000;
  run.violation = "store-001 SKU-00000: on-hand 84, acknowledged operations say 0";
  SECTION("during the day") {
    std::string line = SummaryLine(FormatRun(options, {run}, Measured{}), "escrow");
    CHECK_THAT(line, Catch::Contains("1040 not run (a violation stopped the run at 0d15h00m00.000s)"));
    CHECK_THAT(line, Catch::EndsWith("no final heal"));
    CHECK_THAT(line, !Catch::Contains("not drawn") && !Catch::Contains("quiet"));
    CHECK(RunsJson(options, {run})["runs"][0]["final_heal"] == false);
  }
  SECTION("after the final heal: draws past the day are not drawn") {
    run.final_heal_ms = 86'400'000;
    SECTION("at the final checks, once sync went quiet") {
      run.quiescent_after_ms = 7640;
      std::string line = SummaryLine(FormatRun(options, {run}, Measured{}), "escrow");
      CHECK_THAT(line, Catch::Contains("1040 not drawn"));
      CHECK_THAT(line, Catch::EndsWith("quiet 0d00h00m07.640s after the final heal"));
    }
    SECTION("while sync settled") {
      run.violation_at_ms = 86'400'000 + 90'000;
      std::string line = SummaryLine(FormatRun(options, {run}, Measured{}), "escrow");
      CHECK_THAT(line, Catch::EndsWith("not quiet when a violation stopped the run, 0d00h01m30.000s after the final heal"));
    }
    CHECK(RunsJson(options, {run})["runs"][0]["final_heal"] == true);
  }
}

}  // namespace
}  // namespace kura::sim
