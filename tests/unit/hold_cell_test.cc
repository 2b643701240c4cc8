// Hold cells (sync/hold_cell.h): the state lattice (collected beats cancelled and expired,
// every end beats every active state), State()/StateSinceMs(), and the merge laws as
// property tests over random cells with a printed seed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "engine_harness.h"
#include "kura/schema/codec.h"
#include "kura/sync/hold_cell.h"

namespace kura {
namespace {

constexpr int kIterations = 500;
const std::vector<std::string> kOrigins = {"tokyo-01", "osaka-02", "hq", "kyoto-03"};
const std::vector<HoldState> kStates = {HoldState::kHeld,      HoldState::kConfirmed,
                                        HoldState::kReady,     HoldState::kCancelled,
                                        HoldState::kExpired,   HoldState::kCollected};

HoldBody SampleBody() {
  HoldBody b;
  b.id = "tokyo-01.7";
  b.store = "tokyo-01";
  b.kind = HoldKind::kPickup;
  b.lines = {{"SKU-1", 2}, {"SKU-2", 1}};
  b.customer = "c-42";
  b.created_ms = 1000;
  b.expires_ms = 5000;
  b.issuer = "tokyo-01";
  return b;
}

// HoldCell has no operator==; its encoding is canonical (std::map keeps origins sorted).
bool Same(const HoldCell& a, const HoldCell& b) { return Encode(a) == Encode(b); }

HoldCell Merged(HoldCell a, const HoldCell& b) {
  a.Merge(b);
  return a;
}

// The body a store makes from the hold's pickup ticket when it is redeemed before the
// issuer's hold arrives (ticket.redeem): what a ticket carries, no customer, created_ms 0.
HoldBody TicketMadeBody() {
  HoldBody b = SampleBody();
  b.customer.clear();
  b.created_ms = 0;
  return b;
}

// A replica of the same hold: the issuer's body, one made from its ticket, or (not yet
// received) none, and random components.
HoldCell RandomCell(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> coin(0, 2);
  std::uniform_int_distribution<std::size_t> state(0, kStates.size() - 1);
  std::uniform_int_distribution<uint64_t> seq(1, 50);
  std::uniform_int_distribution<int64_t> at(0, 20);  // small, so equal stamps happen
  HoldCell c;
  if (int body = coin(rng); body != 0) c.body = body == 1 ? SampleBody() : TicketMadeBody();
  for (const auto& origin : kOrigins) {
    if (coin(rng) == 0) continue;
    c.states[origin] = HoldStateComponent{seq(rng), kStates[state(rng)], at(rng)};
  }
  return c;
}

HoldCell Created() {
  HoldCell c;
  c.body = SampleBody();
  c.Advance("tokyo-01", 1, HoldState::kHeld, 1000);
  return c;
}

TEST_CASE("hold state join picks the greater state of the lattice", "[hold]") {
  for (HoldState a : kStates) {
    for (HoldState b : kStates) {
      CAPTURE(HoldStateName(a), HoldStateName(b));
      CHECK(JoinHoldStates(a, b) == JoinHoldStates(b, a));
      CHECK(JoinHoldStates(a, b) == std::max(a, b));
      if (IsActive(a) && !IsActive(b)) CHECK(JoinHoldStates(a, b) == b);  // ends beat actives
    }
  }
  CHECK(JoinHoldStates(HoldState::kCancelled, HoldState::kCollected) == HoldState::kCollected);
  CHECK(JoinHoldStates(HoldState::kExpired, HoldState::kCollected) == HoldState::kCollected);
  CHECK(JoinHoldStates(HoldState::kReady, HoldState::kCancelled) == HoldState::kCancelled);
}

TEST_CASE("hold states held confirmed and ready are active and the ends are not", "[hold]") {
  CHECK(IsActive(HoldState::kHeld));
  CHECK(IsActive(HoldState::kConfirmed));
  CHECK(IsActive(HoldState::kReady));
  CHECK_FALSE(IsActive(HoldState::kCancelled));
  CHECK_FALSE(IsActive(HoldState::kExpired));
  CHECK_FALSE(IsActive(HoldState::kCollected));
  CHECK_FALSE(IsActive(HoldState::kUnknown));
}

TEST_CASE("hold cell state is the join over its origins' components", "[hold]") {
  HoldCell c = Created();
  CHECK(c.State() == HoldState::kHeld);
  c.Advance("osaka-02", 1, HoldState::kReady, 2000);
  CHECK(c.State() == HoldState::kReady);
  c.Advance("tokyo-01", 2, HoldState::kConfirmed, 3000);  // behind osaka's ready
  CHECK(c.State() == HoldState::kReady);
  CHECK(HoldCell{}.State() == HoldState::kUnknown);
}

TEST_CASE("hold cell advance returns the component's previous seq", "[hold]") {
  HoldCell c;
  c.body = SampleBody();
  CHECK(c.Advance("tokyo-01", 3, HoldState::kHeld, 10) == 0);
  CHECK(c.Advance("tokyo-01", 8, HoldState::kReady, 20) == 3);
  CHECK(c.Advance("osaka-02", 4, HoldState::kCancelled, 30) == 0);
  CHECK(c.states.at("tokyo-01") == HoldStateComponent{8, HoldState::kReady, 20});
}

TEST_CASE("hold cell state since is the latest stamp among origins in the current state",
          "[hold]") {
  HoldCell c = Created();
  CHECK(c.StateSinceMs() == 1000);
  c.Advance("osaka-02", 1, HoldState::kReady, 4000);
  c.Advance("hq", 1, HoldState::kReady, 2500);
  c.Advance("tokyo-01", 2, HoldState::kConfirmed, 9000);  // later, but not the current state
  CHECK(c.State() == HoldState::kReady);
  CHECK(c.StateSinceMs() == 4000);
}

TEST_CASE("hold collect after cancel resolves to collected", "[hold]") {
  HoldCell tokyo = Created();
  HoldCell osaka = tokyo;
  tokyo.Advance("tokyo-01", 2, HoldState::kCancelled, 5000);  // staff cancel at the store ...
  osaka.Advance("osaka-02", 1, HoldState::kCollected, 4000);  // ... while it was handed over

  SECTION("merged at the cancelling replica") {
    tokyo.Merge(osaka);
    CHECK(tokyo.State() == HoldState::kCollected);
    CHECK(tokyo.StateSinceMs() == 4000);
  }
  SECTION("merged at the collecting replica") {
    osaka.Merge(tokyo);
    CHECK(osaka.State() == HoldState::kCollected);
    CHECK(osaka.StateSinceMs() == 4000);
  }
  SECTION("both replicas end identical") {
    CHECK(Same(Merged(tokyo, osaka), Merged(osaka, tokyo)));
  }
}

TEST_CASE("hold expire and cancel concurrently resolve to expired everywhere", "[hold]") {
  HoldCell a = Created(), b = Created();
  a.Advance("tokyo-01", 2, HoldState::kExpired, 7000);
  b.Advance("osaka-02", 1, HoldState::kCancelled, 6000);
  CHECK(Merged(a, b).State() == HoldState::kExpired);
  CHECK(Merged(b, a).State() == HoldState::kExpired);
}

TEST_CASE("hold cell merge keeps each origin's furthest state and highest seq", "[hold]") {
  HoldCell a = Created(), b = Created();
  a.Advance("tokyo-01", 5, HoldState::kConfirmed, 2000);
  // b saw an older tokyo component but a later one of its own origin
  b.Advance("osaka-02", 3, HoldState::kReady, 3000);
  a.Merge(b);
  CHECK(a.states.at("tokyo-01") == HoldStateComponent{5, HoldState::kConfirmed, 2000});
  CHECK(a.states.at("osaka-02") == HoldStateComponent{3, HoldState::kReady, 3000});
  CHECK(a.State() == HoldState::kReady);
}

TEST_CASE("hold cell merge fills in a body it did not have and keeps its own", "[hold]") {
  HoldCell empty;
  empty.states["osaka-02"] = {1, HoldState::kCancelled, 50};
  HoldCell full = Created();

  HoldCell m = Merged(empty, full);
  CHECK(m.body.id == "tokyo-01.7");
  CHECK(m.body.lines.size() == 2);
  CHECK(m.State() == HoldState::kCancelled);

  HoldCell n = Merged(full, empty);
  CHECK(n.body.id == "tokyo-01.7");
  CHECK(Same(m, n));
}

TEST_CASE("hold cell merge takes the issuer's body over one made from its ticket", "[hold]") {
  HoldCell redeemed;
  redeemed.body = TicketMadeBody();
  redeemed.Advance("osaka-02", 1, HoldState::kCollected, 900);
  HoldCell issued = Created();
  HoldCell m = Merged(redeemed, issued), n = Merged(issued, redeemed);
  CHECK(m.body.customer == "c-42");
  CHECK(m.body.created_ms == 1000);
  CHECK(m.State() == HoldState::kCollected);
  CHECK(Same(m, n));
}

TEST_CASE("hold cell merge is commutative", "[hold][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < kIterations; ++i) {
    CAPTURE(i);
    HoldCell a = RandomCell(rng), b = RandomCell(rng);
    REQUIRE(Same(Merged(a, b), Merged(b, a)));
    REQUIRE(Merged(a, b).State() == JoinHoldStates(a.State(), b.State()));
  }
}

TEST_CASE("hold cell merge is associative", "[hold][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < kIterations; ++i) {
    CAPTURE(i);
    HoldCell a = RandomCell(rng), b = RandomCell(rng), c = RandomCell(rng);
    REQUIRE(Same(Merged(Merged(a, b), c), Merged(a, Merged(b, c))));
  }
}

TEST_CASE("hold cell merge is idempotent", "[hold][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < kIterations; ++i) {
    CAPTURE(i);
    HoldCell a = RandomCell(rng), b = RandomCell(rng);
    REQUIRE(Same(Merged(a, a), a));
    HoldCell ab = Merged(a, b);
    REQUIRE(Same(Merged(ab, b), ab));
    REQUIRE(Same(Merged(ab, a), ab));
  }
}

TEST_CASE("hold cell replicas converge whatever order their states arrive in",
          "[hold][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < kIterations; ++i) {
    CAPTURE(i);
    std::vector<HoldCell> deliveries;
    for (int k = 0; k < 6; ++k) deliveries.push_back(RandomCell(rng));
    deliveries.push_back(deliveries[0]);  // a duplicate

    HoldState expected = HoldState::kUnknown;
    for (const HoldCell& d : deliveries) expected = JoinHoldStates(expected, d.State());

    std::vector<HoldCell> replicas(3);
    for (HoldCell& replica : replicas) {
      std::shuffle(deliveries.begin(), deliveries.end(), rng);
      for (const HoldCell& d : deliveries) replica.Merge(d);
    }
    REQUIRE(Same(replicas[0], replicas[1]));
    REQUIRE(Same(replicas[1], replicas[2]));
    REQUIRE(replicas[0].State() == expected);
  }
}

}  // namespace
}  // namespace kura
