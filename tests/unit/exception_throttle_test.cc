// HQ records the same refusal of the same store at most once a minute, saying how many it
// held back, so one store refused on every message cannot bury HQ's exception log.
#include <catch2/catch.hpp>

#include "exception_throttle.h"

namespace kura {
namespace {

TEST_CASE("the exception throttle lets one of a kind through per interval and counts the rest", "[hq][sync]") {
  ExceptionThrottle throttle(60'000);
  CHECK(throttle.Admit("store-1", "peer clock too far ahead", 0) == "peer clock too far ahead");
  CHECK_FALSE(throttle.Admit("store-1", "peer clock too far ahead", 1'000));
  CHECK_FALSE(throttle.Admit("store-1", "peer clock too far ahead", 59'999));
  // Another store, or another refusal, is its own kind.
  CHECK(throttle.Admit("store-2", "peer clock too far ahead", 2'000) == "peer clock too far ahead");
  CHECK(throttle.Admit("store-1", "may not write as origin store-2", 3'000) == "may not write as origin store-2");
  CHECK(throttle.Admit("store-1", "peer clock too far ahead", 60'000) ==
        "peer clock too far ahead (and 2 more like it since)");
  CHECK_FALSE(throttle.Admit("store-1", "peer clock too far ahead", 60'001));
  CHECK(throttle.Admit("store-1", "peer clock too far ahead", 200'000) ==
        "peer clock too far ahead (and 1 more like it since)");
}

TEST_CASE("the exception throttle records few kinds of one store a minute, whatever it varies",
          "[hq][sync][security]") {
  ExceptionThrottle throttle(60'000, 8);
  int admitted = 0;
  for (int i = 0; i < 1'000; ++i) {
    if (throttle.Admit("store-1", "hello from forged-" + std::to_string(i), i)) ++admitted;
  }
  CHECK(admitted == 8);
  CHECK(throttle.Admit("store-2", "hello from forged-0", 1'000));  // another store is not held back
  // A minute on, the kinds recorded are forgotten and what was held back is said.
  CHECK(throttle.Admit("store-1", "peer clock too far ahead", 61'000) ==
        "peer clock too far ahead (and 992 other refusals of this store since)");
  CHECK(throttle.Admit("store-1", "peer clock too far ahead", 121'000) ==
        "peer clock too far ahead");
}

TEST_CASE("the exception throttle keeps the count of a kind it forgets", "[hq][sync]") {
  ExceptionThrottle throttle(60'000, 8);
  CHECK(throttle.Admit("store-1", "a", 0) == "a");
  CHECK_FALSE(throttle.Admit("store-1", "a", 10));
  CHECK_FALSE(throttle.Admit("store-1", "a", 20));
  CHECK(throttle.Admit("store-1", "b", 70'000) == "b (and 2 other refusals of this store since)");
  CHECK(throttle.Admit("store-1", "a", 70'001) == "a");
}

}  // namespace
}  // namespace kura
