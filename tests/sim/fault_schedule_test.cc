// FaultSchedule over given times: no processes, no clock.
#include "fault_schedule.h"

#include <catch2/catch.hpp>

namespace kura::sim {
namespace {

TEST_CASE("a fault plan runs on time when the harness keeps up", "[sim][faults]") {
  std::vector<Fault> plan = {{FaultKind::kKillStore, 0, 100, 500}, {FaultKind::kFreezeHq, -1, 300, 1000}};
  std::map<std::string, FaultCount> counts;
  FaultSchedule schedule(plan, 2000, &counts);
  CHECK(counts["SIGKILL store"].planned == 1);
  CHECK(counts["SIGSTOP hq"].planned_s == Approx(1.0));
  CHECK_FALSE(schedule.Due(99));
  auto kill = schedule.Due(100);
  REQUIRE(kill);
  CHECK((kill->fault == &plan[0] && kill->start));
  CHECK(counts["SIGKILL store"].injected == 1);
  CHECK(schedule.NextDueMs() == 300);
  REQUIRE(schedule.Due(300));
  REQUIRE(schedule.Due(600));  // the kill's end
  CHECK(counts["SIGKILL store"].held_s == Approx(0.5));
  REQUIRE(schedule.Due(1300));  // the freeze's end
  CHECK(counts["SIGSTOP hq"].held_s == Approx(1.0));
  CHECK_FALSE(schedule.Owed());
  CHECK(schedule.lag_ms() == 0);
}

TEST_CASE("a step applied late moves the rest of the plan, so no fault is cut short", "[sim][faults]") {
  // A store's kill ends (its restart) at 600, but the harness is held up and applies it
  // at 1400, past the freeze's planned start (700) and end (900). The freeze still holds
  // its 200 ms, and starts its planned 100 ms after the restart.
  std::vector<Fault> plan = {{FaultKind::kKillStore, 0, 100, 500}, {FaultKind::kFreezeStore, 1, 700, 200}};
  std::map<std::string, FaultCount> counts;
  FaultSchedule schedule(plan, 1000, &counts);
  REQUIRE(schedule.Due(100));
  REQUIRE(schedule.Due(1400));  // the restart, 800 ms late
  CHECK(schedule.lag_ms() == 800);
  CHECK_FALSE(schedule.Due(1450));
  CHECK(schedule.NextDueMs() == 1500);
  auto freeze = schedule.Due(1500);
  REQUIRE(freeze);
  CHECK(freeze->start);
  CHECK_FALSE(schedule.Due(1600));
  REQUIRE(schedule.Due(1700));
  CHECK(counts["SIGSTOP store"].held_s == Approx(0.2));
  CHECK(counts["SIGKILL store"].held_s == Approx(1.3));  // held up, it lasted longer
}

TEST_CASE("a fault whose start takes time to prepare runs its full length from when it took effect",
          "[sim][faults]") {
  // A disk replacement due at 100 takes effect at 900 (the store synced first): it is held
  // its 500 ms from then, and the freeze after it keeps its distance.
  std::vector<Fault> plan = {{FaultKind::kWipeStore, 0, 100, 500}, {FaultKind::kFreezeStore, 1, 700, 200}};
  std::map<std::string, FaultCount> counts;
  FaultSchedule schedule(plan, 2000, &counts);
  REQUIRE(schedule.Due(100));
  schedule.StartedAt(900);
  CHECK(schedule.lag_ms() == 800);
  CHECK_FALSE(schedule.Due(1399));
  auto end = schedule.Due(1400);
  REQUIRE(end);
  CHECK_FALSE(end->start);
  CHECK(counts["disk replaced"].held_s == Approx(0.5));
  CHECK(schedule.NextDueMs() == 1500);
  // An end applied late is not a start: StartedAt leaves the plan as it is.
  schedule.StartedAt(1450);
  CHECK(schedule.NextDueMs() == 1500);
}

TEST_CASE("steps planned before the end are owed past it; those after are not", "[sim][faults]") {
  std::vector<Fault> plan = {{FaultKind::kCutStore, 0, 900, 300}, {FaultKind::kKillHq, -1, 1200, 300}};
  std::map<std::string, FaultCount> counts;
  FaultSchedule schedule(plan, 1000, &counts);
  CHECK(schedule.Owed());
  REQUIRE(schedule.Due(950));  // the cut, 50 ms late
  CHECK_FALSE(schedule.Owed());  // its end and HQ's kill were planned after the end
  CHECK(schedule.NextDueMs() == std::nullopt);
  CHECK_FALSE(schedule.Due(5000));
  schedule.Stop(1100);
  CHECK(counts["link cut"].held_s == Approx(0.15));  // until the workload stopped
  CHECK(counts["SIGKILL hq"].injected == 0);
  CHECK(counts["SIGKILL hq"].planned == 1);
}

TEST_CASE("a step the delay carries past the end is still owed", "[sim][faults]") {
  std::vector<Fault> plan = {{FaultKind::kKillStore, 0, 100, 500}, {FaultKind::kFreezeHq, -1, 800, 100}};
  std::map<std::string, FaultCount> counts;
  FaultSchedule schedule(plan, 1000, &counts);
  REQUIRE(schedule.Due(100));
  REQUIRE(schedule.Due(1400));  // the restart, 800 ms late
  CHECK(schedule.Owed());
  CHECK(schedule.NextDueMs() == 1600);  // after the end, but planned before it
  REQUIRE(schedule.Due(1600));
  REQUIRE(schedule.Due(1700));
  CHECK_FALSE(schedule.Owed());
  CHECK(counts["SIGSTOP hq"].injected == 1);
  CHECK(counts["SIGSTOP hq"].held_s == Approx(0.1));
}

}  // namespace
}  // namespace kura::sim
