// RoutedOrders: kura-hq's OrderRouter (node/order_router.h) in the simulated world, for
// the escrow strategy's orders at a store HQ can reach. The store decides as HQ's call
// over the sync link (Engine::ExecuteCall, so its hold carries the call's rid), and HQ
// records the order with the store's answer (Engine::ExecuteRouted). A seeded share of
// answers (SimOptions::late_answers) reaches HQ after its route timeout: HQ then decides
// from its allotment, and the hold the store made must be released by HQ's routed-call
// records (node/routed_calls.h) whichever of the hold's arrival and HQ's decision comes
// first. If HQ restarted while waiting, the shop asks again until HQ answers, which then
// routes the order again (the store answers its first hold) or decides it itself.
//
// The call and its answer are not carried as sync messages: the store executes the call
// in its lane at once, and HQ takes an answer in time at the end of that window. What
// the model leaves out (a call lost on its way, the router's retry-joining) the
// integration tests and `kura-sim processes` cover with the real router.
//
// Thread-safe as the world's lanes use it: Route runs in the store's lane (or between
// windows), per store; the rest runs between windows.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kura/schema/status.h"
#include "strategy.h"
#include "world.h"

namespace kura::sim {

class RoutedOrders {
 public:
  // HQ's answer to the shop for an order at `store`. Between windows.
  using Answered = std::function<void(World& world, int store, const Result<nlohmann::json>& reply)>;
  RoutedOrders(int stores, Answered answered) : awaiting_(stores, 0), answered_(std::move(answered)) {}

  // HQ routes `order` for `store` (reachable) to it. `hq_args`: the order's hq.order.place.
  void Route(World& world, int store, const OnlineOrder& order, nlohmann::json hq_args);
  // Orders HQ has not answered yet.
  std::size_t Pending() const;
  // Answers HQ received too late, over all stores. Between windows.
  int64_t late() const { return late_; }

 private:
  struct Order {
    int store = 0;
    OnlineOrder order;
    ApiRequest placed;  // the shop's hq.order.place
    int attempt = 0;    // the shop's tries so far, less one
  };
  void Call(World& world, Order order);
  // Whether the store's answer to this attempt comes after HQ stopped waiting.
  static bool Late(World& world, const Order& order);
  // HQ's wait ran out: it decides from its allotment, or, restarted meanwhile, leaves the
  // shop to ask again.
  void TimedOut(World& world, Order order);
  void AskAgain(World& world, Order order);
  void Decide(World& world, const Order& order, const Result<nlohmann::json>& reply);

  std::vector<int64_t> awaiting_;  // per store: routed, not yet answered
  int64_t late_ = 0;
  Answered answered_;
};

}  // namespace kura::sim
