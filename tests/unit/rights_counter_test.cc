// Promise rights (sync/rights_counter.h): the bounded counter's arithmetic, its merge laws
// over random histories, and the escrow guarantee — replicas that spend and send only
// within the rights they see never spend more than was created, whatever order their
// components reach each other in. Property tests print their seed.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "engine_harness.h"
#include "kura/sync/rights_counter.h"

namespace kura {
namespace {

constexpr int kIterations = 300;
const std::vector<std::string> kReplicas = {"tokyo-01", "hq", "osaka-02"};

RightsCell Merged(RightsCell a, const RightsCell& b) {
  a.Merge(b);
  return a;
}

// Each replica's full history of versions: version k is the replica's component after its
// k-th change, made by acting within its own (possibly stale) view.
struct Histories {
  std::map<std::string, std::vector<RightsComponent>> versions;

  // A cell holding a random prefix of each replica's history.
  RightsCell RandomView(std::mt19937_64& rng) const {
    RightsCell cell;
    for (const auto& [origin, list] : versions) {
      std::uniform_int_distribution<std::size_t> upto(0, list.size());
      std::size_t n = upto(rng);
      if (n > 0) cell.components[origin] = list[n - 1];
    }
    return cell;
  }
};

// Replicas act on stale views: each step one replica merges a random stale view of the
// others, then creates (the store only), spends or sends within what it sees.
Histories RandomRun(std::mt19937_64& rng, int steps) {
  Histories h;
  std::map<std::string, RightsCell> views;
  std::uniform_int_distribution<int> pick(0, static_cast<int>(kReplicas.size()) - 1), action(0, 2),
      amount(1, 5);
  for (int i = 0; i < steps; ++i) {
    const std::string& self = kReplicas[pick(rng)];
    RightsCell& view = views[self];
    view.Merge(h.RandomView(rng));
    uint64_t seq = view.components[self].seq + 1;
    int64_t n = amount(rng);
    int64_t mine = view.Of(self);
    switch (action(rng)) {
      case 0:
        if (self != "tokyo-01") continue;  // only the owning store creates rights
        view.Create(self, seq, n);
        break;
      case 1:
        if (n > mine) continue;
        view.Spend(self, seq, n);
        break;
      default: {
        const std::string& to = kReplicas[pick(rng)];
        if (to == self || n > mine) continue;
        view.Send(self, to, seq, n);
      }
    }
    h.versions[self].push_back(view.components[self]);
  }
  return h;
}

TEST_CASE("rights: a replica's rights are created minus spent and sent plus received", "[rights]") {
  RightsCell c;
  c.Create("tokyo-01", 1, 10);
  c.Send("tokyo-01", "hq", 2, 4);
  CHECK(c.Of("tokyo-01") == 6);
  CHECK(c.Of("hq") == 4);
  CHECK(c.Spend("hq", 1, 3) == 0);
  CHECK(c.Of("hq") == 1);
  CHECK(c.Send("hq", "tokyo-01", 2, 1) == 1);  // HQ returns what it does not need
  CHECK(c.Of("hq") == 0);
  CHECK(c.Of("tokyo-01") == 7);
  CHECK(c.SentTo("tokyo-01", "hq") == 4);
  CHECK(c.Unspent() == 7);
}

TEST_CASE("rights: merge keeps each origin's newest version", "[rights]") {
  RightsCell a, b;
  a.Create("tokyo-01", 1, 5);
  b = a;
  b.Send("tokyo-01", "hq", 2, 5);
  CHECK(Merged(a, b) == b);
  CHECK(Merged(b, a) == b);
  CHECK(b.components.at("tokyo-01").Contains(a.components.at("tokyo-01")));
  CHECK_FALSE(a.components.at("tokyo-01").Contains(b.components.at("tokyo-01")));
}

TEST_CASE("rights merge is commutative, associative and idempotent", "[rights][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < kIterations; ++i) {
    CAPTURE(i);
    Histories h = RandomRun(rng, 40);
    RightsCell a = h.RandomView(rng), b = h.RandomView(rng), c = h.RandomView(rng);
    REQUIRE(Merged(a, b) == Merged(b, a));
    REQUIRE(Merged(Merged(a, b), c) == Merged(a, Merged(b, c)));
    REQUIRE(Merged(a, a) == a);
  }
}

TEST_CASE("rights: no delivery order lets the replicas spend more than was created",
          "[rights][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < kIterations; ++i) {
    CAPTURE(i);
    Histories h = RandomRun(rng, 60);
    RightsCell all;
    for (const auto& [origin, list] : h.versions) all.components[origin] = list.back();
    int64_t spent = 0;
    for (const auto& [origin, c] : all.components) spent += c.spent;
    REQUIRE(all.Unspent() >= 0);
    for (const std::string& r : kReplicas) REQUIRE(all.Of(r) >= 0);
    REQUIRE(spent <= all.components["tokyo-01"].created);
  }
}

}  // namespace
}  // namespace kura
