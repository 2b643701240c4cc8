#include "routed_orders.h"

#include "hq_config.h"
#include "kura/schema/codec.h"
#include "routed_calls.h"
#include "splitmix.h"

namespace kura::sim {
namespace {

using nlohmann::json;

// A shop with no answer from HQ (it restarted while the order waited) asks again after this.
constexpr int64_t kShopAsksAgainMs = 30'000;

}  // namespace

void RoutedOrders::Route(World& world, int store, const OnlineOrder& order, json hq_args) {
  ++awaiting_[store];
  Call(world, Order{store, order, ApiRequest{"hq.order.place", order.rid, std::move(hq_args)}, 0});
}

std::size_t RoutedOrders::Pending() const {
  int64_t n = 0;
  for (int64_t a : awaiting_) n += a;
  return static_cast<std::size_t>(n);
}

bool RoutedOrders::Late(World& world, const Order& order) {
  uint64_t state = DeriveSeed(world.options().seed ^ Fnv1a64(order.order.rid), 0x1a7e + order.attempt);
  return SplitMixUniform(state) < world.options().late_answers;
}

void RoutedOrders::Call(World& world, Order order) {
  // The store's hold.create: the same order, without what only HQ uses (order_router.cc).
  json args = order.placed.args;
  args.erase("store");
  std::string answer = world.CallFromHq(order.store, ApiRequest{"hold.create", OrderCallRid(order.order.rid), args});
  if (!Late(world, order)) {
    world.AfterWindow([this, &world, order, answer] {
      if (!world.hq().up()) return TimedOut(world, order);
      Decide(world, order, world.DecideRouted(order.placed, RoutedDecision{true, DecodeReply(answer)},
                                              order.order.again_after_ms));
    });
    return;
  }
  world.AfterWindow([this, &world, order] {
    ++late_;
    world.trace().Add(world.now(), world.store(order.store).id() + "'s answer to " + order.placed.rid + " will be late");
    world.AtNode(-1, world.now() + HqConfig{}.route_timeout_ms,
                 [this, &world, order] { world.AfterWindow([this, &world, order] { TimedOut(world, order); }); });
  });
}

void RoutedOrders::TimedOut(World& world, Order order) {
  if (!world.hq().up()) return AskAgain(world, std::move(order));
  Decide(world, order, world.DecideRouted(order.placed, RoutedDecision{}, order.order.again_after_ms));
}

void RoutedOrders::AskAgain(World& world, Order order) {
  world.AtNode(-1, world.now() + kShopAsksAgainMs, [this, &world, order]() mutable {
    world.AfterWindow([this, &world, order]() mutable {
      if (!world.hq().up()) return AskAgain(world, std::move(order));
      ++order.attempt;
      // A kura-hq that restarted routes the order afresh when it can, or decides it itself.
      if (world.Reachable(order.store)) return Call(world, std::move(order));
      const auto& [op, rid, args] = order.placed;
      Decide(world, order, world.Call(-1, op, rid, args, order.order.again_after_ms));
    });
  });
}

void RoutedOrders::Decide(World& world, const Order& order, const Result<json>& reply) {
  --awaiting_[order.store];
  answered_(world, order.store, reply);
}

}  // namespace kura::sim
