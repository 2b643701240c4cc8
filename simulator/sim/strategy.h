// OnlineOrderStrategy: how HQ answers an online order (pickup or try-on) for a store —
// the comparison kura-sim reports. Three implementations, run on the same workload and
// faults:
//  - escrow: kura's design; HQ promises from the store's promise rights it holds
//    (`hq.order.place` on the HQ engine) when the store is unreachable, and routes the
//    order to the store otherwise, as kura-hq does (routed_orders.h). Unavailable, and
//    reported so, when the HQ op table has no such op;
//  - last-known: when the store is unreachable, HQ sells from its last merged view of the
//    store's stock (`hq.stock`) and places the hold when the link heals; a hold the store
//    then refuses is an oversold promise, cancelled for lack of stock;
//  - strong: HQ forwards to the store when it is reachable and refuses otherwise.
// When the store is reachable every strategy lets the store decide on fresh data
// (`hold.create` at the store engine; under escrow as HQ's call, with HQ recording the
// order). Thread-safe as the world's lanes use it: Place
// runs in the store's lane and counts per store; PlaceUnreachable, OnLinkUp and Pending
// (and what they share across stores) run only between windows.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim_options.h"
#include "world.h"

namespace kura::sim {

using OrderLines = std::vector<std::pair<std::string, int64_t>>;

struct OnlineOrder {
  std::string kind;  // "pickup" or "tryon"
  OrderLines lines;
  std::string customer;
  std::string rid;  // identifies the order
  // The shop sends the order again this long after, with the same rid (a retry after a
  // timeout; World::Call), or never (-1).
  int64_t again_after_ms = -1;
  int64_t expires_in_s = 0;  // the hold's lifetime asked for; 0: the kind's default
};

class OnlineOrderStrategy {
 public:
  explicit OnlineOrderStrategy(int stores) : by_store_(stores) {}
  virtual ~OnlineOrderStrategy() = default;
  // Whether this build can run the strategy (checked once the nodes are open).
  virtual bool Available(World&) { return true; }
  // A customer orders at `store`. While the store is ready for calls (World::ReadyForCalls:
  // reachable, its disk not being replaced) PlaceReachable decides (the store, as a
  // rule); while HQ is down it is refused; otherwise PlaceUnreachable decides, in HQ's part
  // of the world: between windows, as of the end of the one running now
  // (World::AfterWindow).
  void Place(World& world, int store, const OnlineOrder& order);
  // `store`'s link to HQ is up again, and the store ready for calls. Between windows.
  virtual void OnLinkUp(World&, int) {}
  // Orders not yet settled: accepted but not yet placed at their store (last-known), or
  // routed to their store and not yet answered by HQ (escrow). Sync is not quiet while
  // any is left.
  virtual std::size_t Pending() const { return 0; }
  // Orders for `store` routed to it and not yet answered by HQ (escrow): HQ may yet call
  // the store again with the same call rid. Between windows.
  virtual int64_t RoutedPendingFor(int /*store*/) const { return 0; }
  // Every store's outcomes together.
  virtual OrderStats stats() const;
  // The request arguments of `order`, with `args` (what the op takes beside the order).
  static nlohmann::json OrderArgs(const OnlineOrder& order, nlohmann::json args);

 protected:
  // HQ is up but cannot reach `store`: the strategy's own answer. Counts the outcome.
  virtual void PlaceUnreachable(World& world, int store, const OnlineOrder& order) = 0;
  // HQ can reach `store`: lets the store decide, by default as PlaceAtStore. Counts the
  // outcome (later, for an outcome decided between windows).
  virtual void PlaceReachable(World& world, int store, const OnlineOrder& order) {
    PlaceAtStore(world, store, order);
  }
  // Lets the store decide: hold.create at its engine. Counts the outcome.
  void PlaceAtStore(World& world, int store, const OnlineOrder& order);
  // order's request at `node` (-1: HQ), sent again later when the order says so.
  static Result<nlohmann::json> Send(World& world, int node, const std::string& op, const OnlineOrder& order,
                                     nlohmann::json args);

  std::vector<OrderStats> by_store_;
};

std::unique_ptr<OnlineOrderStrategy> MakeStrategy(StrategyKind kind, int stores);

}  // namespace kura::sim
