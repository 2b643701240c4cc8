#include "routed_orders.h"

#include "kura/schema/codec.h"
#include "routed_calls.h"
#include "splitmix.h"

namespace kura::sim {
namespace {

using nlohmann::json;

// kura-hq's default route_timeout_ms (node/hq_config.h): how long HQ waits for the store.
constexpr int64_t kRouteTimeoutMs = 2000;
// A slow call reaches the store this long after HQ stopped waiting.
constexpr int64_t kSlowCallAfterTimeoutMs = 500;
// A shop with no answer from HQ (it was down when its wait ended) asks again after this.
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
  // The store's hold.create: the same order, without what only HQ uses (order_router.cc).
  json args = order.placed.args;
  args.erase("store");
  ApiRequest call{"hold.create", OrderCallRid(order.order.rid), std::move(args)};
  Timing timing = TimingOf(world, order);
  if (timing == Timing::kSlowCall) {
    // HQ gives up first; the store decides later, if it is up, and nobody reads its answer.
    world.AtStore(order.store, world.now() + kRouteTimeoutMs + kSlowCallAfterTimeoutMs, [&world, order, call] {
      if (world.store(order.store).up()) world.CallFromHq(order.store, call);
    });
  } else {
    std::string answer = world.CallFromHq(order.store, call);
    if (timing == Timing::kInTime) {
      world.AfterWindow([this, &world, order, answer] {
        if (!world.hq().up()) return AskAgain(world, order);
        Decide(world, order,
               world.DecideRouted(order.placed, RoutedDecision{true, DecodeReply(answer)}, order.order.again_after_ms),
               false);
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
      if (world.Reachable(order.store)) return Call(world, std::move(order));
      // A hold of the earlier call that reaches HQ after this is left to expire
      // (PROTOCOL.md 2.4: the retry was decided by HQ alone before the hold arrived).
      world.ledger().LeaveToExpiry(OrderCallRid(order.order.rid));
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
