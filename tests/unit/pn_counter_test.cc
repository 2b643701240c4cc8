// PN counter cells (sync/pn_counter.h): value arithmetic, Add's previous seq, and the merge
// laws that make duplicated, reordered or retried deliveries harmless — as property tests
// over random counters with a printed seed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine_harness.h"
#include "kura/sync/pn_counter.h"

namespace kura {
namespace {

constexpr int kIterations = 500;
const std::vector<std::string> kOrigins = {"tokyo-01", "osaka-02", "hq", "kyoto-03", "nara-04"};

// A counter with a random subset of origins, each with arbitrary (grown-only) fields.
PnCounter RandomCounter(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> coin(0, 2);
  std::uniform_int_distribution<uint64_t> seq(0, 1000);
  std::uniform_int_distribution<int64_t> amount(0, 1'000'000);
  PnCounter c;
  for (const auto& origin : kOrigins) {
    if (coin(rng) == 0) continue;
    c.components[origin] = PnComponent{seq(rng), amount(rng), amount(rng)};
  }
  return c;
}

PnCounter Merged(PnCounter a, const PnCounter& b) {
  a.Merge(b);
  return a;
}

TEST_CASE("pn counter value is increments minus decrements summed over origins", "[pn_counter]") {
  PnCounter c;
  CHECK(c.Value() == 0);
  c.Add("tokyo-01", 1, 10);
  c.Add("tokyo-01", 2, -3);
  c.Add("osaka-02", 1, -4);
  c.Add("osaka-02", 2, 1);
  CHECK(c.Value() == 10 - 3 - 4 + 1);
  CHECK(c.components.at("tokyo-01") == PnComponent{2, 10, 3});
  CHECK(c.components.at("osaka-02") == PnComponent{2, 1, 4});

  SECTION("a value can go below zero") {
    c.Add("hq", 1, -100);
    CHECK(c.Value() == 4 - 100);
  }
  SECTION("a zero delta changes only the seq") {
    c.Add("tokyo-01", 3, 0);
    CHECK(c.components.at("tokyo-01") == PnComponent{3, 10, 3});
    CHECK(c.Value() == 4);
  }
}

TEST_CASE("pn counter add returns the component's previous seq", "[pn_counter]") {
  PnCounter c;
  CHECK(c.Add("tokyo-01", 5, 1) == 0);  // new component
  CHECK(c.Add("tokyo-01", 9, 1) == 5);
  CHECK(c.Add("osaka-02", 7, 1) == 0);  // another origin's component is independent
  CHECK(c.Add("tokyo-01", 12, -1) == 9);
  CHECK(c.components.at("tokyo-01").seq == 12);
  CHECK(c.components.at("osaka-02").seq == 7);
}

TEST_CASE("pn counter add only ever grows a component's fields", "[pn_counter]") {
  PnCounter c;
  c.Add("tokyo-01", 1, 5);
  c.Add("tokyo-01", 2, -2);
  const PnComponent& comp = c.components.at("tokyo-01");
  CHECK(comp.p == 5);  // a decrement does not shrink p ...
  CHECK(comp.n == 2);  // ... it grows n
  CHECK(c.Value() == 3);
}

TEST_CASE("pn counter merge takes the pointwise maximum of every field", "[pn_counter]") {
  PnCounter a, b;
  a.components["tokyo-01"] = {4, 10, 1};
  a.components["osaka-02"] = {1, 0, 2};
  b.components["tokyo-01"] = {3, 12, 0};
  b.components["hq"] = {8, 5, 5};
  a.Merge(b);
  CHECK(a.components.size() == 3);
  CHECK(a.components.at("tokyo-01") == PnComponent{4, 12, 1});
  CHECK(a.components.at("osaka-02") == PnComponent{1, 0, 2});
  CHECK(a.components.at("hq") == PnComponent{8, 5, 5});
  CHECK(a.Value() == 11 - 2 + 0);
}

TEST_CASE("pn counter merge is commutative", "[pn_counter][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < kIterations; ++i) {
    CAPTURE(i);
    PnCounter a = RandomCounter(rng), b = RandomCounter(rng);
    REQUIRE(Merged(a, b) == Merged(b, a));
  }
}

TEST_CASE("pn counter merge is associative", "[pn_counter][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < kIterations; ++i) {
    CAPTURE(i);
    PnCounter a = RandomCounter(rng), b = RandomCounter(rng), c = RandomCounter(rng);
    REQUIRE(Merged(Merged(a, b), c) == Merged(a, Merged(b, c)));
  }
}

TEST_CASE("pn counter merge is idempotent", "[pn_counter][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < kIterations; ++i) {
    CAPTURE(i);
    PnCounter a = RandomCounter(rng), b = RandomCounter(rng);
    REQUIRE(Merged(a, a) == a);
    PnCounter ab = Merged(a, b);
    REQUIRE(Merged(ab, b) == ab);  // a duplicated delivery changes nothing
  }
}

TEST_CASE("pn counter replicas converge whatever order their components arrive in",
          "[pn_counter][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> delta(-50, 50);
  std::uniform_int_distribution<int> ops(1, 12);
  for (int i = 0; i < kIterations; ++i) {
    CAPTURE(i);
    // Each origin changes only its own component; every intermediate state is a message
    // that may be delivered late, twice or never (the final one is always delivered).
    std::vector<PnCounter> messages;
    std::vector<PnCounter> finals;
    int64_t truth = 0;
    for (const auto& origin : kOrigins) {
      PnCounter local;
      int n = ops(rng);
      for (int k = 1; k <= n; ++k) {
        int64_t d = delta(rng);
        truth += d;
        local.Add(origin, static_cast<uint64_t>(k), d);
        if (rng() % 2 == 0) messages.push_back(local);
      }
      finals.push_back(local);
    }
    std::vector<PnCounter> deliveries = messages;
    deliveries.insert(deliveries.end(), finals.begin(), finals.end());
    deliveries.insert(deliveries.end(), messages.begin(), messages.end());  // duplicates

    std::vector<PnCounter> replicas(3);
    for (PnCounter& replica : replicas) {
      std::shuffle(deliveries.begin(), deliveries.end(), rng);
      for (const PnCounter& m : deliveries) replica.Merge(m);
    }
    REQUIRE(replicas[0] == replicas[1]);
    REQUIRE(replicas[1] == replicas[2]);
    REQUIRE(replicas[0].Value() == truth);
  }
}

}  // namespace
}  // namespace kura
