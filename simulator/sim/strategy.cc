#include "strategy.h"

#include <map>

#include "ops.h"
#include "routed_orders.h"

namespace kura::sim {

using nlohmann::json;

json OnlineOrderStrategy::OrderArgs(const OnlineOrder& order, json args) {
  args["kind"] = order.kind;
  json lines = json::array();
  for (const auto& [sku, qty] : order.lines) lines.push_back({{"sku", sku}, {"qty", qty}});
  args["lines"] = std::move(lines);
  args["customer"] = order.customer;
  if (order.expires_in_s > 0) args["expires_in_s"] = order.expires_in_s;
  return args;
}

Result<json> OnlineOrderStrategy::Send(World& world, int node, const std::string& op, const OnlineOrder& order,
                                       json args) {
  return world.Call(node, op, order.rid, OrderArgs(order, std::move(args)), order.again_after_ms);
}

void OnlineOrderStrategy::PlaceAtStore(World& world, int store, const OnlineOrder& order) {
  auto hold = Send(world, store, "hold.create", order, json::object());
  if (hold.ok()) {
    ++by_store_[store].accepted;
  } else if (hold.status().code() == Status::Code::kInsufficientStock) {
    ++by_store_[store].refused_stock;
  } else {
    world.Violation("hold.create at " + world.store(store).id() + ": " + hold.status().ToString());
  }
}

void OnlineOrderStrategy::Place(World& world, int store, const OnlineOrder& order) {
  ++by_store_[store].orders;
  if (world.ReadyForCalls(store)) return PlaceReachable(world, store, order);
  if (!world.hq().up()) {
    ++by_store_[store].refused_unreachable;
    world.trace().Add(world.now(), "hq down: the shop's " + order.rid + " for " + world.store(store).id() + " refused");
    return;
  }
  // HQ answers in its own part of the world: as of the end of the window running now.
  world.AfterWindow([this, &world, store, order] { PlaceUnreachable(world, store, order); });
}

namespace {

class Strong final : public OnlineOrderStrategy {
 public:
  using OnlineOrderStrategy::OnlineOrderStrategy;
  void PlaceUnreachable(World& world, int store, const OnlineOrder& order) override {
    ++by_store_[store].refused_unreachable;
    world.trace().Add(world.now(), "hq refused " + order.rid + " for " + world.store(store).id() + ": out of reach");
  }
};

class LastKnown final : public OnlineOrderStrategy {
 public:
  using OnlineOrderStrategy::OnlineOrderStrategy;
  void PlaceUnreachable(World& world, int store, const OnlineOrder& order) override {
    // HQ's last snapshot of the store, less what HQ itself promised since.
    auto& promised = promised_[store];
    for (const auto& [sku, qty] : order.lines) {
      auto view = world.Read(world.hq(), "hq.stock", {{"sku", sku}});
      int64_t atp = 0;
      if (view.ok()) {
        for (const auto& entry : (*view)["stores"]) {
          if (entry["store"] == world.store(store).id()) atp = entry["atp"];
        }
      }
      if (qty > atp - promised[sku]) {
        ++by_store_[store].refused_stock;
        world.trace().Add(world.now(), "hq refused " + order.rid + " for " + world.store(store).id() + " from its snapshot");
        return;
      }
    }
    for (const auto& [sku, qty] : order.lines) promised[sku] += qty;
    ++by_store_[store].accepted;
    ++by_store_[store].accepted_unreachable;
    owed_[store].push_back(order);
    world.trace().Add(world.now(), "hq promised " + order.rid + " for " + world.store(store).id() + " from its snapshot");
  }

  void OnLinkUp(World& world, int store) override {
    auto it = owed_.find(store);
    if (it == owed_.end()) return;
    std::vector<OnlineOrder> orders;
    orders.swap(it->second);
    owed_.erase(it);
    promised_.erase(store);
    for (OnlineOrder& o : orders) {
      o.again_after_ms = -1;  // HQ places it once, in its own name: no shop retries this
      auto hold = Send(world, store, "hold.create", o, json::object());
      if (!hold.ok()) {
        // The store had sold the goods meanwhile: the customer's order is cancelled.
        ++by_store_[store].oversold;
        ++by_store_[store].cancelled_no_stock;
      }
    }
  }

  std::size_t Pending() const override {
    std::size_t n = 0;
    for (const auto& [store, orders] : owed_) n += orders.size();
    return n;
  }

 private:
  std::map<int, std::vector<OnlineOrder>> owed_;
  std::map<int, std::map<std::string, int64_t>> promised_;
};

class Escrow final : public OnlineOrderStrategy {
 public:
  using OnlineOrderStrategy::OnlineOrderStrategy;
  // Describes every store as open for pickup and sets a chain-wide allotment policy, so
  // the stores' grant jobs give HQ rights to promise from.
  bool Available(World& world) override {
    if (FindOp(HqOps(), "hq.order.place") == nullptr) return false;
    for (int i = 0; i < world.stores(); ++i) {
      const std::string& id = world.store(i).id();
      bool ok = world.Call(world.hq(), "hq.directory.set", "dir-" + id,
                           {{"store", id}, {"name", id}, {"lat", 35.0 + i * 0.01}, {"lon", 139.0},
                            {"pickup_enabled", true}}).ok() &&
                world.Call(world.hq(), "hq.store_status.set", "open-" + id, {{"store", id}, {"status", "open"}}).ok();
      if (!ok) return false;
    }
    return world.Call(world.hq(), "hq.policy.set", "policy", {{"share_pct", 30}, {"cap", 5}}).ok();
  }

  // kura-hq routes an order for a store it can reach to that store (routed_orders.h).
  void PlaceReachable(World& world, int store, const OnlineOrder& order) override {
    ++by_store_[store].routed;
    routing_.Route(world, store, order, OrderArgs(order, {{"store", world.store(store).id()}}));
  }

  void PlaceUnreachable(World& world, int store, const OnlineOrder& order) override {
    Count(world, store, Send(world, -1, "hq.order.place", order, {{"store", world.store(store).id()}}), true, false);
  }

  std::size_t Pending() const override { return routing_.Pending(); }
  int64_t RoutedPendingFor(int store) const override { return routing_.PendingFor(store); }

  OrderStats stats() const override {
    OrderStats total = OnlineOrderStrategy::stats();
    total.answers_late = routing_.late();
    return total;
  }

 private:
  // HQ's answer to the shop for an order at `store`, decided while it could not reach
  // the store (`cut_off`), on the shop's first request or a later one (`asked_again`).
  void Count(World& world, int store, const Result<json>& hold, bool cut_off, bool asked_again) {
    if (hold.ok()) {
      ++by_store_[store].accepted;
      if (cut_off) ++by_store_[store].accepted_unreachable;
    } else if (hold.status().code() == Status::Code::kInsufficientStock) {
      ++by_store_[store].refused_stock;
    } else if (asked_again && hold.status().code() == Status::Code::kConflict &&
               hold.status().message().find("has ended") != std::string::npos) {
      // Routed again after HQ's restart, the store answered with its first hold, which had
      // ended meanwhile (expired by a clock that jumped, say): HQ refuses it. An outage's
      // refusal.
      ++by_store_[store].refused_unreachable;
    } else {
      world.Violation("hq.order.place for " + world.store(store).id() + ": " + hold.status().ToString());
    }
  }

  RoutedOrders routing_{static_cast<int>(by_store_.size()),
                        [this](World& world, int store, const Result<json>& hold, bool cut_off, bool asked_again) {
                          Count(world, store, hold, cut_off, asked_again);
                        }};
};

}  // namespace

OrderStats OnlineOrderStrategy::stats() const {
  OrderStats total;
  for (const OrderStats& s : by_store_) total += s;
  return total;
}

std::unique_ptr<OnlineOrderStrategy> MakeStrategy(StrategyKind kind, int stores) {
  switch (kind) {
    case StrategyKind::kEscrow: return std::make_unique<Escrow>(stores);
    case StrategyKind::kLastKnown: return std::make_unique<LastKnown>(stores);
    case StrategyKind::kStrong: return std::make_unique<Strong>(stores);
  }
  return nullptr;
}

}  // namespace kura::sim
