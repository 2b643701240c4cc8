#include "routed_orders.h"

#include "kura/schema/codec.h"
#include "routed_calls.h"
#include "splitmix.h"
#include "txn.h"

namespace kura::sim {
namespace {

using nlohmann::json;

// kura-hq's default route_timeout_ms (node/hq_config.h): how long HQ waits for the store.
constexpr int64_t kRouteTimeoutMs = 2000;
// A slow call reaches the store this long after HQ stopped waiting.
constexpr int64_t kSlowCallAfterTimeoutMs = 500;
// A shop with no answer from HQ (down or restarted when its wait ended) asks again after this.
constexpr int64_t kShopAsksAgainMs = 30'000;

}  // namespace

void RoutedOrders::Route(World& world, int store, const OnlineOrder& order, json hq_args) {
  ++awaiting_[store];
  Call(world, Order{store, order, ApiRequest{"hq.order.place", order.rid, std::move(hq_args)}, 0, 0});
}

std::size_t RoutedOrders::Pending() const {
  int64_t n = 0;
  for (int64_t a : awaiting_) n += a;
  return static_cast<std::size_t>(n);
}

RoutedOrders::Timing RoutedOrders::TimingOf(World& world, const Order& order) {
  uint64_t state = DeriveSeed(world.options().seed ^ Fnv1a64(order.order.rid), 0x1a7e + order.attempt);
  if (SplitMixUniform(state) >= world.options().late_answers) return Timing::kInTime;
  return SplitMixUniform(state) < 0.5 ? Timing::kSlowAnswer : Timing::kSlowCall;
}

void RoutedOrders::Call(World& world, Order order) {
  order.hq_incarnation = world.hq().incarnation();
  Timing timing = TimingOf(world, order);
  order.slow_call = timing == Timing::kSlowCall;
  if (!order.slow_call) {
    std::string answer = world.CallFromHq(order.store, OrderStoreCall(order.placed));
    if (timing == Timing::kInTime) {
      // HQ is up for the window's end: a crash is an event between windows.
      world.AfterWindow([this, &world, order, answer] {
        // Decoded as kura-hq's router decodes a store's answer.
        RoutedDecision answered{true, DecodeUntrustedReply(answer)};
        Decide(world, order, world.DecideRouted(order.placed, answered, order.order.again_after_ms), false);
      });
      return;
    }
  }
  world.AfterWindow([this, &world, order] {
    ++late_;
    world.trace().Add(world.now(), "hq will not have " + world.store(order.store).id() + "'s answer to " +
                                       order.placed.rid + " in time");
    world.AtNode(-1, world.now() + kRouteTimeoutMs,
                 [this, &world, order] { world.AfterWindow([this, &world, order] { TimedOut(world, order); }); });
  });
}

void RoutedOrders::TimedOut(World& world, Order order) {
  if (order.slow_call) {
    // Over the session it was sent on: lost if the store restarted or its link was cut.
    uint64_t incarnation = world.store(order.store).incarnation();
    world.AtStore(order.store, world.now() + kSlowCallAfterTimeoutMs, [&world, order, incarnation] {
      SimNode& store = world.store(order.store);
      if (store.up() && store.incarnation() == incarnation && world.net().Connected(order.store)) {
        world.CallFromHq(order.store, OrderStoreCall(order.placed));
      }
    });
  }
  // A restarted HQ has forgotten the order: the shop hears nothing and asks again.
  if (!world.hq().up() || world.hq().incarnation() != order.hq_incarnation) return AskAgain(world, std::move(order));
  Decide(world, order, world.DecideRouted(order.placed, RoutedDecision{}, order.order.again_after_ms), false);
}

void RoutedOrders::AskAgain(World& world, Order order) {
  world.AtNode(-1, world.now() + kShopAsksAgainMs, [this, &world, order]() mutable {
    world.AfterWindow([this, &world, order]() mutable {
      if (!world.hq().up()) return AskAgain(world, std::move(order));
      ++order.attempt;
      // HQ routes the order afresh when it can reach the store, or decides it alone.
      if (world.ReadyForCalls(order.store)) return Call(world, std::move(order));
      // A hold of the earlier call that has not reached HQ by now is left to expire
      // (PROTOCOL.md 2.4: the retry was decided by HQ alone before the hold arrived); one
      // that has is cancelled by this decision.
      std::string call_rid = OrderCallRid(order.order.rid);
      Txn txn(world.hq().engine()->db());
      if (auto noted = HoldNotedForCall(txn, world.store(order.store).id(), call_rid); noted.ok() && !*noted) {
        world.ledger().LeaveToExpiry(world.store(order.store).id(), call_rid);
      }
      const auto& [op, rid, args] = order.placed;
      Decide(world, order, world.Call(-1, op, rid, args, order.order.again_after_ms), true);
    });
  });
}

void RoutedOrders::Decide(World& world, const Order& order, const Result<json>& reply, bool cut_off) {
  --awaiting_[order.store];
  answered_(world, order.store, reply, cut_off, order.attempt > 0);
}

}  // namespace kura::sim
