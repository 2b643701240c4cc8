// RoutedOrders: kura-hq's OrderRouter (node/order_router.h) in the simulated world, for
// the escrow strategy's orders at a store HQ can reach. The store decides as HQ's call
// over the sync link (Engine::ExecuteCall, so its hold carries the call's rid), and HQ
// records the order with the store's answer (Engine::ExecuteRouted). A seeded share of
// calls (SimOptions::late_answers) is answered after HQ's route timeout, HQ then deciding
// from its allotment: half of them because the answer is slow (the store decides at
// once, so its hold usually reaches HQ before HQ decides), half because the call is (the
// store decides half a second after HQ gave up, if it is still up and linked, so HQ
// queues the hold's release for `hq.orders.release`). Either way HQ's routed-call records
// (node/routed_calls.h) must release the hold. If HQ is down when its wait ends, or has
// restarted meanwhile, the shop asks again until HQ answers, which then routes the order
// again (the store answers with its first hold) or, the store out of reach, decides it
// alone. A hold that had not reached HQ by such a decision is one PROTOCOL.md 2.4 leaves
// to expire; the ledger is told so.
//
// The call and its answer are not carried as sync messages: the store decides in its
// lane at once (or after HQ gave up), and HQ takes an answer in time at the end of that
// window. A call is lost only when it is a slow one whose store restarted or was cut off
// before it arrived. What the model leaves out (a call lost while HQ still waits, the
// router's joining of retries) the integration tests and `kura-sim processes` cover with
// the real router.
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
  // How HQ answered the shop for an order at `store`: `reply`, decided while it could
  // not reach the store (`cut_off`), on the shop's first request or a later one
  // (`asked_again`). Between windows.
  using Answered = std::function<void(World& world, int store, const Result<nlohmann::json>& reply, bool cut_off,
                                      bool asked_again)>;
  RoutedOrders(int stores, Answered answered) : awaiting_(stores, 0), answered_(std::move(answered)) {}

  // HQ routes `order` for `store` (reachable) to it. `hq_args`: the order's hq.order.place.
  void Route(World& world, int store, const OnlineOrder& order, nlohmann::json hq_args);
  // Orders HQ has not answered yet.
  std::size_t Pending() const;
  // Of those, for `store`. Between windows.
  int64_t PendingFor(int store) const { return awaiting_[store]; }
  // Calls answered after HQ stopped waiting, over all stores. Between windows.
  int64_t late() const { return late_; }

 private:
  enum class Timing { kInTime, kSlowAnswer, kSlowCall };
  struct Order {
    int store = 0;
    OnlineOrder order;
    ApiRequest placed;  // the shop's hq.order.place
    int attempt = 0;    // the shop's requests so far, less one
    uint64_t hq_incarnation = 0;  // HQ's when it routed this attempt
    bool slow_call = false;       // this attempt's call reaches the store after HQ gave up
  };
  void Call(World& world, Order order);
  // When the store's answer to this attempt reaches HQ, seeded by the order.
  static Timing TimingOf(World& world, const Order& order);
  // HQ's wait ran out: it decides from its allotment, or, restarted meanwhile, leaves the
  // shop to ask again. A slow call reaches the store now.
  void TimedOut(World& world, Order order);
  void AskAgain(World& world, Order order);
  void Decide(World& world, const Order& order, const Result<nlohmann::json>& reply, bool cut_off);

  std::vector<int64_t> awaiting_;  // per store: routed, not yet answered
  int64_t late_ = 0;
  Answered answered_;
};

}  // namespace kura::sim
