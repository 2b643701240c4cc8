// StepProgress: parts of equal weight, each in its own steps, reported as shares that
// never go back, from one thread or two.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <thread>
#include <vector>

#include "step_progress.h"

namespace kura::sim {
namespace {

TEST_CASE("each part weighs the same whatever its steps", "[progress]") {
  std::vector<double> heard;
  StepProgress progress(3, [&](double done) { heard.push_back(done); });
  progress.NextPart(4);
  progress.Step();
  progress.Step();
  progress.NextPart(2);
  progress.Step();
  progress.NextPart(1);
  progress.Step();
  REQUIRE(heard.size() == 4);
  CHECK(heard[0] == Approx(1.0 / 12));
  CHECK(heard[1] == Approx(2.0 / 12));
  CHECK(heard[2] == Approx(1.5 / 3));
  CHECK(heard[3] == Approx(1.0));
}

TEST_CASE("steps beyond a part's count do not run into the next part", "[progress]") {
  std::vector<double> heard;
  StepProgress progress(2, [&](double done) { heard.push_back(done); });
  progress.NextPart(1);
  progress.Step();
  progress.Step();
  REQUIRE(heard.size() == 2);
  CHECK(heard[0] == Approx(0.5));
  CHECK(heard[1] == Approx(0.5));
}

TEST_CASE("a part beyond those declared is a mistake in the caller", "[progress]") {
  StepProgress progress(2, {});  // no listener: steps count for nothing
  progress.NextPart(3);
  progress.Step();
  progress.NextPart(0);
  progress.Step();
  CHECK_THROWS_AS(progress.NextPart(1), std::logic_error);
}

TEST_CASE("steps from two threads are heard in order, ending at the whole", "[progress]") {
  constexpr int kSteps = 4000;
  std::vector<double> heard;  // appended under StepProgress's lock
  StepProgress progress(1, [&](double done) { heard.push_back(done); });
  progress.NextPart(kSteps);
  auto half = [&] {
    for (int i = 0; i < kSteps / 2; ++i) progress.Step();
  };
  std::thread other(half);
  half();
  other.join();
  REQUIRE(heard.size() == kSteps);
  for (std::size_t i = 1; i < heard.size(); ++i) REQUIRE(heard[i] > heard[i - 1]);
  CHECK(heard.back() == Approx(1.0));
}

}  // namespace
}  // namespace kura::sim
