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

Sample At(int64_t at_ms, std::optional<int64_t> first, std::optional<int64_t> second,
           std::optional<int64_t> largest) {
  Sample s;
  s.at_ms = at_ms;
  s.lag = {first, second};
  s.largest_lag = largest;
  return s;
}

TEST_CASE("the largest store lag is the sampler's, drawn through a store's gap and broken only where unknown",
          "[sim][plot]") {
  RunResult run;
  run.strategy = "escrow";
  run.store_ids = {"store-000", "store-001"};
  // store-001 is down at the third sample, its lag as it went down still counted in the
  // largest; HQ is down at the fifth, when no lag is known.
  run.samples = {At(0, 0, 5, 5), At(1000, 0, 6, 6), At(2000, 0, std::nullopt, 6), At(3000, 0, 7, 7),
                 At(4000, std::nullopt, std::nullopt, std::nullopt), At(5000, 0, 8, 8)};
  std::string svg = PlotSvg(SimOptions{}, run);
  const std::string grey = "stroke=\"#bbb\" stroke-width=\"1.3\"";
  CHECK(Count(svg, grey) == 1);  // one polyline from 0 to 3000, through store-001's gap
  // Polylines: the grey one, store-000's to 3000, store-001's to 1000. Dots, where a line
  // has a lone point: the grey one and store-000's at 5000, store-001's at 3000 and 5000.
  CHECK(Count(svg, "<polyline") == 3);
  CHECK(Count(svg, "<circle") == 4);
}

}  // namespace
}  // namespace kura::sim
