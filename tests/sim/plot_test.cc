// The run's plot (plot.h): what it draws where a value is not known.
#include "plot.h"

#include <catch2/catch.hpp>

#include <string>

namespace kura::sim {
namespace {

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

Sample At(int64_t at_ms, std::optional<int64_t> first, std::optional<int64_t> second) {
  Sample s;
  s.at_ms = at_ms;
  s.lag = {first, second};
  return s;
}

TEST_CASE("the largest store lag is not drawn while any store's is not known", "[sim][plot]") {
  RunResult run;
  run.strategy = "escrow";
  run.store_ids = {"store-000", "store-001"};
  // store-001 lags and is down at the third sample: the largest is not 0 then, it is unknown.
  run.samples = {At(0, 0, 5), At(1000, 0, 6), At(2000, 0, std::nullopt), At(3000, 0, 7), At(4000, 0, 8)};
  std::string svg = PlotSvg(SimOptions{}, run);
  const std::string grey = "stroke=\"#bbb\" stroke-width=\"1.3\"";
  CHECK(Count(svg, grey) == 2);  // broken at the gap, on both sides of it
  // store-001's own line is broken there too, store-000's is not.
  CHECK(Count(svg, "<polyline") == 2 + 2 + 1);
}

}  // namespace
}  // namespace kura::sim
