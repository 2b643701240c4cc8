// kura-sim's small worlds: invariants hold under faults, a seed replays exactly, and a
// deliberately broken merge is caught.
#include <catch2/catch.hpp>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "report.h"
#include "small_world.h"
#include "world.h"

namespace kura::sim {
namespace {

RunResult RunOnce(const SimOptions& o, StrategyKind kind) {
  World world(o, kind);
  return world.Run();
}

TEST_CASE("a small world under faults keeps every invariant", "[sim]") {
  for (uint64_t seed : {1, 2}) {
    for (StrategyKind kind : {StrategyKind::kStrong, StrategyKind::kLastKnown}) {
      RunResult r = RunOnce(SmallWorld(seed), kind);
      INFO(FormatViolation(SmallWorld(seed), r));
      REQUIRE(r.ok);
      CHECK(r.quiescent_after_ms >= 0);
      CHECK(r.invariants.size() >= 6);
      CHECK(r.ops_done > 1000);
      // Every operation drawn was taken or skipped for one reason, never both.
      CHECK(r.ops_done + r.ops_skipped.total() == r.ops_drawn);  // every draw came due
      CHECK(r.ops_drawn <= SmallWorld(seed).ops);
      // The strategy table adds up as its legend says.
      const OrderStats& s = r.orders;
      CHECK(s.orders == s.accepted + s.refused_unreachable + s.refused_stock);
      CHECK(s.accepted_unreachable <= s.accepted);
      CHECK(s.oversold <= s.accepted_unreachable);  // only a promise made while cut off can fail
    }
  }
}

TEST_CASE("a partition counts once however many stores it cuts off", "[sim]") {
  SimOptions o = SmallWorld(1);
  o.stores = 9;  // a third of them: three stores a partition
  o.ops = 300;
  o.crashes = 0;
  o.clock_faults = 0;
  o.partitions_one = 1;
  o.partitions_many = 2;
  o.partitions_hq = 1;
  RunResult r = RunOnce(o, StrategyKind::kStrong);
  INFO(FormatViolation(o, r));
  REQUIRE(r.ok);
  CHECK(r.partitions == 4);
}

TEST_CASE("components merged at HQ count every incarnation of HQ", "[sim]") {
  // The opening stock alone brings HQ a stock cell per store and SKU; an HQ crash must not
  // take the ones merged before it out of the count.
  SimOptions o = SmallWorld(1);
  o.ops = 200;
  o.crashes = 0;
  RunResult steady = RunOnce(o, StrategyKind::kEscrow);
  o.crashes = 20;  // HQ's share is a fifth
  RunResult crashing = RunOnce(o, StrategyKind::kEscrow);
  INFO(FormatViolation(o, crashing));
  REQUIRE(crashing.ok);
  CHECK(crashing.components_synced >= static_cast<uint64_t>(o.stores * o.skus));
  // Crashes resend some components and lose none from the count (counted only since HQ's
  // last restart, this run gave 96 against 707).
  CHECK(crashing.components_synced * 10 >= steady.components_synced * 9);
}

TEST_CASE("a message that reaches a node crashed since its send is counted lost to the crash", "[sim]") {
  SimOptions o = SmallWorld(1);
  o.ops = 300;
  o.latency_ms = 5'000;  // long enough for crashes to fall while messages are on their way
  o.crashes = 0;
  RunResult steady = RunOnce(o, StrategyKind::kStrong);
  o.crashes = 30;
  RunResult crashing = RunOnce(o, StrategyKind::kStrong);
  INFO(FormatViolation(o, crashing));
  REQUIRE(steady.ok);
  REQUIRE(crashing.ok);
  CHECK(steady.net.crashed == 0);
  CHECK(crashing.net.crashed > 0);
  // Each message is counted once in one of the ends: a double count would leave fewer in
  // flight than none (a wrapped, huge figure).
  for (const RunResult* r : {&steady, &crashing}) CHECK(r->net.in_flight() <= 2u * o.stores);
}

TEST_CASE("the plot's two ATP lines count the same thing, so they part only by sync lag", "[sim]") {
  SimOptions o = SmallWorld(1);
  o.faults = false;  // links up: HQ is at most a few latencies behind
  RunResult r = RunOnce(o, StrategyKind::kEscrow);
  REQUIRE(r.ok);
  REQUIRE(r.samples.size() > 20);
  std::size_t same = 0;
  for (const Sample& s : r.samples) same += s.atp_store && s.atp_store == s.atp_hq;  // known, and equal
  // The store's own ATP also takes off HQ's allotment: counted so, they would rarely agree.
  CHECK(same >= r.samples.size() * 9 / 10);
}

TEST_CASE("the plot's samples leave a gap while a node is down, and its faults are on a timeline", "[sim]") {
  SimOptions o = SmallWorld(1);
  o.ops = 500;
  o.crashes = 20;  // HQ's share is a fifth
  RunResult r = RunOnce(o, StrategyKind::kEscrow);
  INFO(FormatViolation(o, r));
  REQUIRE(r.ok);
  int64_t down = 0, cut = 0, inside = 0;
  for (const FaultSpan& span : r.fault_spans) {
    CHECK(span.from_ms <= span.to_ms);
    CHECK(span.to_ms <= static_cast<int64_t>(o.days * 86'400'000));  // the final heal ends them
    down += span.kind == FaultSpan::Kind::kDown;
    cut += span.kind == FaultSpan::Kind::kCut;
    if (span.kind != FaultSpan::Kind::kDown) continue;
    for (const Sample& s : r.samples) {
      if (s.at_ms <= span.from_ms || s.at_ms >= span.to_ms) continue;
      ++inside;
      // A down store's lag, or every store's with HQ down, is not known: no value held over.
      if (span.node < 0) {
        for (const auto& lag : s.lag) CHECK(!lag);
        CHECK(!s.atp_hq);
        CHECK(!s.largest_lag);
      } else {
        CHECK(!s.lag[span.node]);
      }
    }
  }
  CHECK(down == r.crashes + r.disks_replaced);  // a replaced disk's store is down too
  CHECK(cut >= r.partitions);  // a partition of several stores is a span for each
  CHECK(inside > 0);  // some sample fell while a node was down
  // ...and the others were read: a gap is a node down, not a sample never taken.
  std::size_t known = 0;
  for (const Sample& s : r.samples) known += s.lag[0].has_value() && s.atp_hq.has_value();
  CHECK(known * 2 > r.samples.size());
  // The largest lag counts a down store as it went down: known whenever HQ is up, and
  // never below a store's known lag.
  std::size_t through_a_gap = 0;
  for (const Sample& s : r.samples) {
    bool some_unknown = false;
    for (const auto& lag : s.lag) {
      some_unknown |= !lag;
      if (lag && s.largest_lag) CHECK(*lag <= *s.largest_lag);
    }
    through_a_gap += some_unknown && s.largest_lag.has_value();
  }
  CHECK(through_a_gap > 0);
}

TEST_CASE("a run reports its phases in order, the final checks by share up to the whole", "[sim]") {
  SimOptions o = SmallWorld(1);
  o.threads = 2;  // the final checks may report from either thread
  World world(o, StrategyKind::kEscrow);
  std::mutex mu;
  std::vector<std::pair<std::string, double>> heard;
  RunResult r = world.Run([&](const char* phase, double done) {
    std::lock_guard<std::mutex> lock(mu);
    heard.emplace_back(phase, done);
  });
  REQUIRE(r.ok);
  std::vector<std::string> phases;
  for (const auto& [phase, done] : heard) {
    if (phases.empty() || phases.back() != phase) phases.push_back(phase);
  }
  // Settling is reported every 256 windows after the day, so a short one goes unseen.
  INFO(phases.size() << " phases");
  CHECK((phases == std::vector<std::string>{"opening stock", "day", "settling", "final checks"} ||
         phases == std::vector<std::string>{"opening stock", "day", "final checks"}));
  std::vector<double> checks;
  for (const auto& [phase, done] : heard) {
    if (phase == "final checks") checks.push_back(done);
  }
  REQUIRE(checks.size() > 2);
  CHECK(checks.front() == 0);
  for (std::size_t i = 1; i < checks.size(); ++i) CHECK(checks[i] >= checks[i - 1]);
  CHECK(checks.back() == Approx(1.0));
}

TEST_CASE("a run says why it skipped the operations it did not take", "[sim]") {
  SimOptions o = SmallWorld(1);
  o.ops = 4000;
  RunResult r = RunOnce(o, StrategyKind::kLastKnown);
  REQUIRE(r.ok);
  const OpSkips& k = r.ops_skipped;
  CHECK(k.empty_shelf + k.no_hold + k.same_store > 0);  // the busiest SKUs run short by design
  CHECK(r.ops_done + k.total() <= o.ops);
  CHECK(r.ops_done + k.total() > o.ops * 9 / 10);  // the day ends before the last few are drawn
}

TEST_CASE("a request sent again is answered as the first time, and old request ids are pruned",
          "[sim]") {
  SimOptions o = SmallWorld(3);
  o.days = 1.5;  // the first half day's request ids outlive the nodes' 24 h retention
  o.repeats = 0.1;  // escrow: orders HQ places for cut-off stores are sent to HQ again
  RunResult r = RunOnce(o, StrategyKind::kEscrow);
  INFO(FormatViolation(o, r));
  REQUIRE(r.ok);
  // About a tenth of the operations came again.
  CHECK(r.repeats_answered > r.ops_done / 20);
  CHECK(r.repeats_answered < r.ops_done / 5);
  CHECK(r.request_ids_pruned > 0);
  CHECK(std::count_if(r.invariants.begin(), r.invariants.end(), [](const std::string& name) {
          return name.find("sent again") != std::string::npos;
        }) == 1);

  o.repeats = 0;
  RunResult none = RunOnce(o, StrategyKind::kEscrow);
  REQUIRE(none.ok);
  CHECK(none.repeats_answered + none.repeats_node_down <= none.crashes);  // a crash's retry only
}

TEST_CASE("the same seed replays the same run event for event", "[sim]") {
  RunResult a = RunOnce(SmallWorld(7), StrategyKind::kLastKnown);
  RunResult b = RunOnce(SmallWorld(7), StrategyKind::kLastKnown);
  RunResult c = RunOnce(SmallWorld(8), StrategyKind::kLastKnown);
  REQUIRE(a.ok);
  CHECK(a.trace_hash == b.trace_hash);
  CHECK(a.events == b.events);
  CHECK(a.trace_hash != c.trace_hash);
}

TEST_CASE("the trace hash covers orders HQ refuses without asking any node", "[sim]") {
  // Links an hour long: no sync message arrives before the run ends, so the two
  // strategies' runs have the same events. They differ only in how HQ answers orders for
  // the stores the faults cut off, asking no node: strong refuses them as out of reach,
  // last-known decides from its (empty) snapshot.
  SimOptions o = SmallWorld(1);
  o.stores = 2;
  o.skus = 5;
  o.ops = 100;
  o.days = 0.01;
  o.latency_ms = 3'600'000;
  RunResult strong = RunOnce(o, StrategyKind::kStrong);
  RunResult last_known = RunOnce(o, StrategyKind::kLastKnown);
  REQUIRE(strong.ok);
  REQUIRE(last_known.ok);
  REQUIRE(strong.orders.refused_unreachable != last_known.orders.refused_unreachable);
  CHECK(strong.trace_hash != last_known.trace_hash);
}

TEST_CASE("two threads sharing the lanes replay the one-thread run exactly", "[sim]") {
  for (StrategyKind kind : {StrategyKind::kEscrow, StrategyKind::kLastKnown, StrategyKind::kStrong}) {
    for (bool broken : {false, true}) {
      SimOptions o = SmallWorld(3);
      o.break_merge = broken;
      // Half the stores' work in HQ's lane (two of the four stores) and a lane for each
      // of the other two, so transfers, online orders and sync cross between lanes, and
      // the threads share out the stores' lanes.
      o.hq_lane_stores_share = 0.5;
      o.store_lanes = 2;
      o.threads = 1;
      RunResult one = RunOnce(o, kind);
      o.threads = 2;
      o.pace_threads = false;  // every window with work for two threads on both
      RunResult two = RunOnce(o, kind);
      INFO(one.strategy << (broken ? ", broken merge" : ""));
      if (!broken) CHECK(one.ok);  // every invariant holds with stores in every lane
      CHECK(one.ok == two.ok);
      CHECK(one.violation == two.violation);
      CHECK(one.trace_hash == two.trace_hash);
      CHECK(one.events == two.events);
      CHECK(one.ops_done == two.ops_done);
      CHECK(one.orders.accepted_unreachable == two.orders.accepted_unreachable);
      CHECK(one.net.delivered == two.net.delivered);
      CHECK(one.windows == two.windows);
      CHECK(one.stores_in_hq_lane == 2);
      CHECK(two.stores_in_hq_lane == 2);
      CHECK(two.store_lanes == 2);
      CHECK(one.windows_on_side_thread == 0);
      CHECK(two.windows_on_side_thread > 0);
      // Whether the second thread also took stores' lanes is timing's (a run the broken
      // merge stops early may give it none), so only one thread's zero is required.
      CHECK(one.store_lanes_on_side_thread == 0);
    }
  }
}

TEST_CASE("no more stores' lanes are made than there are stores outside HQ's lane", "[sim]") {
  SimOptions o = SmallWorld(1);
  o.stores = 6;
  o.ops = 300;
  o.store_lanes = 64;
  RunResult many = RunOnce(o, StrategyKind::kStrong);
  int others = o.stores - many.stores_in_hq_lane;
  o.store_lanes = others;
  RunResult enough = RunOnce(o, StrategyKind::kStrong);
  REQUIRE(many.ok);
  CHECK(many.store_lanes == others);
  // Empty lanes would have moved the trace hash, and nothing else.
  CHECK(many.trace_hash == enough.trace_hash);
}

TEST_CASE("HQ's lane takes the quietest stores up to its share of the stores' work", "[sim]") {
  // Work per store: half its share of the operations, half an even share (1/4 here).
  std::vector<double> ops = {0.4, 0.3, 0.2, 0.1};
  CHECK(StoresForHqLane(ops, 0.0) == std::vector<bool>{false, false, false, false});
  CHECK(StoresForHqLane(ops, 0.17) == std::vector<bool>{false, false, false, false});  // the last is 0.175
  CHECK(StoresForHqLane(ops, 0.18) == std::vector<bool>{false, false, false, true});
  CHECK(StoresForHqLane(ops, 0.39) == std::vector<bool>{false, false, false, true});  // 0.4 with the next
  CHECK(StoresForHqLane(ops, 0.41) == std::vector<bool>{false, false, true, true});
  CHECK(StoresForHqLane(ops, 1.0) == std::vector<bool>{true, true, true, true});
  CHECK(StoresForHqLane({}, 0.5).empty());
}

TEST_CASE("the other stores are spread over the stores' lanes, busiest first, evenly", "[sim]") {
  // Work per store as above: 0.325, 0.275, 0.225, 0.175; HQ's lane is lane `lanes`.
  std::vector<double> ops = {0.4, 0.3, 0.2, 0.1};
  CHECK(StoreLanes(ops, 0.18, 1) == std::vector<int>{0, 0, 0, 1});
  // Store 2 joins store 1, the lane with less work (0.275 against 0.325).
  CHECK(StoreLanes(ops, 0.18, 2) == std::vector<int>{0, 1, 1, 2});
  CHECK(StoreLanes(ops, 0.0, 4) == std::vector<int>{0, 1, 2, 3});
  // More lanes than stores leaves some empty; the busiest are placed first whatever
  // their index.
  CHECK(StoreLanes(ops, 0.0, 6) == std::vector<int>{0, 1, 2, 3});
  CHECK(StoreLanes({0.1, 0.6, 0.3}, 0.0, 2) == std::vector<int>{1, 0, 1});
  CHECK(StoreLanes(ops, 1.0, 3) == std::vector<int>{3, 3, 3, 3});
  CHECK(StoreLanes({}, 0.5, 4).empty());
  CHECK_THROWS_AS(StoreLanes(ops, 0.0, 0), std::invalid_argument);
}

TEST_CASE("a broken merge is caught within a sweep", "[sim]") {
  int caught = 0;
  for (uint64_t seed : {1, 2, 3}) {
    SimOptions o = SmallWorld(seed);
    o.break_merge = true;
    RunResult r = RunOnce(o, StrategyKind::kStrong);
    if (!r.ok) ++caught;
  }
  CHECK(caught >= 1);
  // The switch is off again afterwards: a clean run still passes.
  REQUIRE(RunOnce(SmallWorld(1), StrategyKind::kStrong).ok);
}

TEST_CASE("a hold left active past its expiry is caught during the run", "[sim]") {
  SimOptions o = SmallWorld(1);
  o.skip_expiry = true;  // as a store whose expiry job missed its holds
  o.checks = 12;  // a hold is caught at its second check overdue: leave room for two before the heal
  RunResult r = RunOnce(o, StrategyKind::kStrong);
  INFO(FormatViolation(o, r));
  REQUIRE(!r.ok);
  CHECK(r.violation.find("past its expiry") != std::string::npos);
  CHECK(r.sim_ms < static_cast<int64_t>(o.days * 86'400'000));  // before the final heal
}

TEST_CASE("a world at the longest latency allowed goes quiet within its deadline", "[sim]") {
  SimOptions o = SmallWorld(1);
  o.latency_ms = 3'600'000;  // --latency-ms's top: a fixed 6 h deadline was about 6 messages
  RunResult r = RunOnce(o, StrategyKind::kStrong);
  INFO(FormatViolation(o, r));
  CHECK(r.ok);
  CHECK(r.quiescent_after_ms > 0);
}

TEST_CASE("a world losing most messages on a slow heartbeat goes quiet within its deadline", "[sim]") {
  SimOptions o = SmallWorld(1);
  o.stores = 3;
  o.ops = 500;
  o.drop = 0.9;              // --drop's top
  o.heartbeat_ms = 600'000;  // --heartbeat-ms's top: quiet took 1-2 days, past a fixed 6 h
  RunResult r = RunOnce(o, StrategyKind::kEscrow);
  INFO(FormatViolation(o, r));
  CHECK(r.ok);
  CHECK(r.quiescent_after_ms > 6 * 3'600'000);  // the case the heartbeats' share is for
}

TEST_CASE("escrow routes orders to the store HQ can reach, and a late answer's hold is released", "[sim]") {
  SimOptions o = SmallWorld(4);
  o.late_answers = 0.3;
  RunResult r = RunOnce(o, StrategyKind::kEscrow);
  INFO(FormatViolation(o, r));
  REQUIRE(r.ok);
  const OrderStats& s = r.orders;
  CHECK(s.orders == s.accepted + s.refused_unreachable + s.refused_stock);  // as the legend says
  CHECK(s.routed > s.orders / 2);  // most orders find their store's link up
  CHECK(s.answers_late > s.routed / 5);
  // HQ decided those without the answer; the holds the stores made for them ended, most
  // cancelled by HQ (the rest expired first, or are left to expire after an HQ restart),
  // and the check says so.
  const RoutedHolds& holds = r.routed_holds;
  CHECK(holds.released > s.answers_late / 2);
  CHECK(holds.released + holds.expired + holds.left_to_expiry <= s.answers_late);
  CHECK(std::count_if(r.invariants.begin(), r.invariants.end(), [](const std::string& name) {
          return name.find("no order promised twice") != std::string::npos;
        }) == 1);

  o.late_answers = 0;  // every answer in time: HQ records each store's hold as the order
  RunResult in_time = RunOnce(o, StrategyKind::kEscrow);
  REQUIRE(in_time.ok);
  CHECK(in_time.orders.routed > 0);
  CHECK(in_time.orders.answers_late == 0);
  CHECK(in_time.routed_holds.released + in_time.routed_holds.expired + in_time.routed_holds.left_to_expiry == 0);
}

TEST_CASE("customers collect by pickup ticket, also at stores their hold has not reached yet", "[sim]") {
  SimOptions o = SmallWorld(1);
  RunResult r = RunOnce(o, StrategyKind::kEscrow);
  INFO(FormatViolation(o, r));
  REQUIRE(r.ok);
  const Collections& c = r.collections;
  // About half of the collections are by ticket, the others by hold id.
  CHECK(c.by_ticket > (c.by_id + c.by_ticket) / 4);
  CHECK(c.by_id > (c.by_id + c.by_ticket) / 4);
  // HQ made holds for stores it could not reach, and some of their customers came before
  // sync did: the store made the hold from the ticket, and every replica still agreed.
  CHECK(c.ticket_before_hold > 0);
  CHECK(c.ticket_before_hold < c.by_ticket);
}

TEST_CASE("staff take phone reservations, and holds asking for a lifetime of their own get it", "[sim]") {
  SimOptions o = SmallWorld(1);
  RunResult r = RunOnce(o, StrategyKind::kEscrow);
  INFO(FormatViolation(o, r));
  // Every hold a reply showed lasting other than it asked would have stopped the run.
  REQUIRE(r.ok);
  const PhoneHolds& p = r.phone_holds;
  CHECK(p.made > 0);
  // About half last a time of their own (until closing), the others the default day.
  CHECK(p.own_lifetime > p.made / 4);
  CHECK(p.own_lifetime < p.made * 3 / 4);
  // Online orders asked for lifetimes of their own too, and got them.
  CHECK(r.holds_own_lifetime > p.own_lifetime);
}

TEST_CASE("a hold HQ never saw before deciding a re-asked order alone is left to expire, and only that", "[sim]") {
  // HQ restarts while it waits for a store's answer, the store is cut off before its hold
  // reaches HQ, and the shop's next request finds HQ alone: PROTOCOL.md 2.4 leaves that
  // hold to expire. Rare by nature, so the world is made harsh for it (every answer late,
  // HQ and stores crashing, partitions of many stores) and seeds are tried until one has
  // such a hold; without the exemption its run fails "no order promised twice".
  SimOptions o = SmallWorld(1);
  o.stores = 6;
  o.skus = 30;
  o.ops = 30000;
  o.days = 0.05;
  o.late_answers = 1;
  o.crashes = 150;
  o.partitions_many = 20;
  RunResult found;
  for (uint64_t seed = 1; seed <= 12 && found.routed_holds.left_to_expiry == 0; ++seed) {
    o.seed = seed;
    found = RunOnce(o, StrategyKind::kEscrow);
    INFO(FormatViolation(o, found));
    REQUIRE(found.ok);
  }
  REQUIRE(found.routed_holds.left_to_expiry > 0);
  // Every other hold made for an order HQ did not record has ended.
  const RoutedHolds& holds = found.routed_holds;
  CHECK(holds.released + holds.expired + holds.left_to_expiry <= found.orders.answers_late);
  CHECK(holds.left_to_expiry < holds.released);
}

TEST_CASE("escrow runs when hq.order.place exists and says so when it does not", "[sim]") {
  RunResult r = RunOnce(SmallWorld(1), StrategyKind::kEscrow);
  INFO(FormatViolation(SmallWorld(1), r));
  CHECK(r.ok);
  if (!r.strategy_available) CHECK(r.ops_done == 0);
}

}  // namespace
}  // namespace kura::sim
