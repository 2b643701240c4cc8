// SidePacer: a world's windows leave the side thread only while batches side by side
// lose to one thread, for longer after each loss, and come back after a win.
#include <catch2/catch.hpp>

#include "side_pacer.h"

namespace kura::sim {
namespace {

// Records a batch side by side whose wall time is `wall` per window against `work`.
void Batch(SidePacer& pacer, double wall, double work) {
  for (int i = 0; i < SidePacer::kBatch; ++i) {
    REQUIRE(pacer.UseSide());
    pacer.Record(wall, work);
  }
}

// How many windows in a row the pacer keeps on one thread.
int64_t InlineRun(SidePacer& pacer) {
  int64_t n = 0;
  while (!pacer.UseSide()) ++n;
  return n;
}

TEST_CASE("windows leave the side thread while side by side loses, longer each time", "[sim]") {
  SidePacer pacer;
  Batch(pacer, 1.9, 1.0);  // side by side did not lose by the ratio: it stays
  CHECK(InlineRun(pacer) == 0);
  Batch(pacer, 2.5, 1.0);
  CHECK(InlineRun(pacer) == SidePacer::kFirstInline);
  Batch(pacer, 2.5, 1.0);
  CHECK(InlineRun(pacer) == 2 * SidePacer::kFirstInline);
  Batch(pacer, 1.0, 1.5);
  CHECK(InlineRun(pacer) == 0);
  Batch(pacer, 2.5, 1.0);
  CHECK(InlineRun(pacer) == SidePacer::kFirstInline);  // the win reset the back-off
}

TEST_CASE("the pacer's back-off stops at its cap", "[sim]") {
  SidePacer pacer;
  int64_t run = 0;
  for (int i = 0; i < 12; ++i) {
    Batch(pacer, 2.5, 1.0);
    run = InlineRun(pacer);
  }
  CHECK(run == SidePacer::kMostInline);
}

TEST_CASE("a pacer that is not adaptive keeps every window on the side thread", "[sim]") {
  SidePacer pacer(/*adaptive=*/false);
  Batch(pacer, 2.5, 1.0);
  CHECK(InlineRun(pacer) == 0);
}

}  // namespace
}  // namespace kura::sim
