#include "workload.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>

#include "strategy.h"
#include "world.h"

namespace kura::sim {

using nlohmann::json;

namespace {

enum Kind { kSale, kDelivery, kReturn, kStocktake, kTransfer, kPickup, kTryOn, kPhone, kCollect, kCancel, kKinds };

constexpr int64_t kHourS = 3600;

// The lifetime an online order asks for, drawn from u in [0, 1): a fifth of them ask for
// one of their own (pickup 1-7 days, try-on 1-4 h), the rest take the kind's default (0).
int64_t OrderLifetimeS(bool pickup, double u) {
  constexpr double kOwn = 0.2;
  if (u >= kOwn) return 0;
  double f = u / kOwn;
  return pickup ? kHourS * 24 * (1 + static_cast<int64_t>(f * 7)) : kHourS * (1 + static_cast<int64_t>(f * 4));
}

}  // namespace

ZipfPicker::ZipfPicker(int n, double s) {
  double total = 0;
  for (int i = 0; i < n; ++i) cdf_.push_back(total += 1.0 / std::pow(i + 1, s));
  for (double& c : cdf_) c /= total;
}

int ZipfPicker::Pick(double u) const {
  auto it = std::lower_bound(cdf_.begin(), cdf_.end(), u);
  return std::min(static_cast<int>(it - cdf_.begin()), static_cast<int>(cdf_.size()) - 1);
}

std::string Workload::Sku(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "SKU-%05d", i);
  return buf;
}

std::vector<double> Workload::StoreShares(const SimOptions& options) {
  ZipfPicker pick(options.stores, options.store_skew);  // as store_pick_
  std::vector<double> shares;
  for (int i = 0; i < options.stores; ++i) shares.push_back(pick.Share(i));
  return shares;
}

Workload::Workload(World* world)
    : world_(world),
      store_pick_(world->options().stores, world->options().store_skew),
      sku_pick_(world->options().skus, world->options().sku_skew),
      next_at_(std::numeric_limits<int64_t>::max()),
      ran_(world->options().stores, 0),
      skipped_(world->options().stores),
      collections_(world->options().stores),
      phone_holds_(world->options().stores) {
  const SimOptions& o = world->options();
  double weights[kKinds] = {o.w_sale,   o.w_delivery, o.w_return, o.w_stocktake, o.w_transfer,
                            o.w_pickup, o.w_tryon,    o.w_phone,   o.w_collect,   o.w_cancel};
  double total = 0;
  for (double w : weights) kind_cdf_.push_back(total += std::max(0.0, w));
  for (double& c : kind_cdf_) c /= total;
  mean_gap_ms_ = static_cast<double>(world->duration_ms()) / std::max<int64_t>(1, o.ops);
}

void Workload::Start(const std::function<void(double)>& progress) {
  // Opening stock: busier SKUs get more, every store has every SKU. Groups of 256
  // requests, as the API loop would commit them.
  constexpr int kGroup = 256;
  const SimOptions& o = world_->options();
  for (int s = 0; s < o.stores; ++s) {
    std::vector<ApiRequest> group;
    for (int k = 0; k < o.skus; ++k) {
      int64_t qty = 4 + static_cast<int64_t>(40.0 / std::sqrt(k + 1.0)) +
                    static_cast<int64_t>(world_->workload_rng()() % 8);
      group.push_back(ApiRequest{"stock.receive", "open-" + std::to_string(s) + "-" + std::to_string(k),
                                 {{"sku", Sku(k)}, {"qty", qty}}});
      if (static_cast<int>(group.size()) == kGroup || k + 1 == o.skus) {
        world_->CallGroup(s, group);
        group.clear();
      }
    }
    // The final every-SKU check reads all of it; the continuous checks follow what the
    // day moves, rather than list every SKU of every store again at the first one.
    world_->ledger().TakeTouched(s);
    progress(static_cast<double>(s + 1) / o.stores);
  }
  if (o.ops > 0) next_at_ = 0;
}

void Workload::DrawUntil(int64_t end) {
  while (next_at_ < end && !world_->stopped()) {
    Draws u;
    for (double& x : u) x = std::uniform_real_distribution<double>(0, 1)(world_->workload_rng());
    int64_t n = issued_++;
    int store = store_pick_.Pick(u[1]);
    world_->AtStore(store, next_at_, [this, n, store, u] { Run(n, store, u); });
    int64_t gap = static_cast<int64_t>(-std::log(1.0 - u[7]) * mean_gap_ms_);
    bool more = issued_ < world_->options().ops && next_at_ + gap < world_->duration_ms();
    next_at_ = more ? next_at_ + gap : std::numeric_limits<int64_t>::max();
  }
}

int64_t Workload::done() const {
  int64_t ran = 0;
  for (int64_t n : ran_) ran += n;
  return ran - skipped().total();
}

OpSkips Workload::skipped() const {
  OpSkips total;
  for (const OpSkips& s : skipped_) total += s;
  return total;
}

Collections Workload::collections() const {
  Collections total;
  for (const Collections& c : collections_) total += c;
  return total;
}

PhoneHolds Workload::phone_holds() const {
  PhoneHolds total;
  for (const PhoneHolds& p : phone_holds_) total += p;
  return total;
}

void Workload::Run(int64_t n, int store, const Draws& u) {
  const SimOptions& o = world_->options();
  int kind = static_cast<int>(std::lower_bound(kind_cdf_.begin(), kind_cdf_.end(), u[0]) - kind_cdf_.begin());
  std::string sku = Sku(sku_pick_.Pick(u[2]));
  std::string rid = "w" + std::to_string(n);
  SimNode& node = world_->store(store);
  ++ran_[store];
  bool store_side = kind != kPickup && kind != kTryOn;
  if (store_side && !node.up()) {
    ++skipped_[store].store_down;  // the tills are down with the back-office machine
    return;
  }
  if (store_side && !world_->TakesTills(store)) {
    ++skipped_[store].disk_replaced;
    return;
  }
  // The operation's own request; some of them are sent twice (SimOptions::repeats).
  constexpr int64_t kMinuteMs = 60'000;
  int64_t again_after = u[8] < o.repeats ? kMinuteMs + static_cast<int64_t>(u[9] * 29 * kMinuteMs) : -1;
  auto till = [&](const std::string& op, const json& args) { return world_->Call(store, op, rid, args, again_after); };
  switch (kind) {
    case kSale: {
      int64_t qty = u[3] < 0.8 ? 1 : 2;
      // A till sells what is on the shelf.
      if (world_->ledger().OnHand(store, sku) < qty) {
        ++skipped_[store].empty_shelf;
        return;
      }
      json line = {{"sku", sku}, {"qty", qty}, {"price_cents", 1990}};
      auto sold = till("stock.sell", {{"lines", json::array({line})}});
      if (sold.ok() || sold.status().code() != Status::Code::kNeedsOverride) return;
      // It would take units promised to holds: the goods are in the customer's hand, so
      // staff confirm the override and the till repeats it (a new request).
      (void)world_->Call(node, "stock.sell", rid + ".o", {{"lines", json::array({line})}, {"override", 1}});
      return;
    }
    case kDelivery:
      // Small, frequent deliveries that about keep up with demand, so busy SKUs run short.
      (void)till("stock.receive", {{"sku", sku}, {"qty", 2 + static_cast<int64_t>(u[3] * 10)}});
      return;
    case kReturn:
      (void)till("stock.return", {{"sku", sku}, {"qty", 1}, {"price_cents", 1990}});
      return;
    case kStocktake: {
      // Mostly right, sometimes a unit short (shrinkage) or over (found).
      int64_t counted = world_->ledger().OnHand(store, sku) + (u[3] < 0.3 ? -1 : u[3] < 0.4 ? 1 : 0);
      (void)till("stock.count", {{"sku", sku}, {"counted", std::max<int64_t>(0, counted)}});
      return;
    }
    case kTransfer: {
      int to = std::min(o.stores - 1, static_cast<int>(u[4] * o.stores));
      if (to == store || o.stores < 2) {
        ++skipped_[store].same_store;
        return;
      }
      int64_t qty = 1 + static_cast<int64_t>(u[3] * 3);
      auto out = till("stock.transfer_out", {{"sku", sku}, {"qty", qty}, {"to", world_->store(to).id()}});
      if (!out.ok()) return;
      // The goods arrive hours later; the receiving store books them whenever it is up.
      int64_t travel = 2 * 3600 * 1000 + static_cast<int64_t>(u[5] * 4 * 3600 * 1000);
      json in = {{"sku", sku}, {"qty", qty}, {"from", node.id()}};
      world_->AtStore(to, world_->now() + travel, [this, to, rid, in] {
        world_->CallEventually(to, "stock.transfer_in", rid + ".in", in);
      });
      return;
    }
    case kPickup:
    case kTryOn: {
      OnlineOrder order{kind == kPickup ? "pickup" : "tryon", {{sku, 1}},
                        "c-" + std::to_string(static_cast<int>(u[6] * 100000)), rid, again_after,
                        OrderLifetimeS(kind == kPickup, u[4])};
      std::string second = Sku(sku_pick_.Pick(u[5]));
      if (u[3] < 0.25 && second != sku) order.lines.emplace_back(second, 1);
      world_->strategy().Place(*world_, store, order);
      return;
    }
    case kPhone: {
      // A customer rings the store to put goods aside; staff set the time they will hold
      // them till (until closing, 1-8 h) or leave the default day.
      json args = {{"kind", "phone"},
                   {"lines", json::array({{{"sku", sku}, {"qty", u[3] < 0.8 ? 1 : 2}}})},
                   {"customer", "p-" + std::to_string(static_cast<int>(u[6] * 100000))}};
      if (u[4] < 0.5) args["expires_in_s"] = kHourS * (1 + static_cast<int64_t>(u[5] * 8));
      auto hold = till("hold.create", args);
      if (hold.ok()) {
        ++phone_holds_[store].made;
        if (LastsOwnLifetime(*hold)) ++phone_holds_[store].own_lifetime;
      } else if (hold.status().code() == Status::Code::kInsufficientStock) {
        ++phone_holds_[store].short_of_stock;
      }
      return;
    }
    case kCollect:
    case kCancel: {
      const auto& active = world_->ledger().Active(store);
      if (active.empty()) {
        ++skipped_[store].no_hold;
        return;
      }
      auto it = active.begin();
      std::advance(it, std::min<std::size_t>(active.size() - 1, static_cast<std::size_t>(u[3] * active.size())));
      std::string id = *it;
      if (kind == kCancel) {
        (void)till("hold.cancel", {{"id", id}});
        return;
      }
      if (u[4] < 0.5) (void)world_->Call(node, "hold.ready", rid + ".r", {{"id", id}});
      // Half the customers show their pickup ticket, which collects even a hold that has
      // not reached the store yet (one HQ made while the store was cut off); staff look
      // the others up by id.
      std::string ticket = u[5] < 0.5 ? world_->ledger().TicketOf(id) : "";
      auto collected = ticket.empty() ? till("hold.collect", {{"id", id}}) : till("ticket.redeem", {{"code", ticket}});
      if (collected.ok() && ticket.empty()) ++collections_[store].by_id;
      if (collected.ok() && !ticket.empty()) {
        ++collections_[store].by_ticket;
        if (!collected->value("hold_arrived", true)) ++collections_[store].ticket_before_hold;
        std::string redeemed = HoldOfReply("ticket.redeem", *collected).value("id", "");
        if (redeemed != id)
          world_->Violation(node.id() + " " + rid + ": ticket.redeem of hold " + id + "'s ticket collected hold " +
                            redeemed);
      }
      if (!collected.ok()) {
        // Expired or ended elsewhere meanwhile: learn its state so it is not picked again.
        auto hold = world_->Read(node, "hold.get", {{"id", id}});
        if (hold.ok()) {
          HoldState from = HoldState::kUnknown;
          auto state = ParseHoldState((*hold)["state"].get<std::string>());
          if (state && !world_->ledger().Observe(id, *state, &from)) {
            world_->Violation("hold " + id + " moved from " + std::string(HoldStateName(from)) + " to " +
                              std::string(HoldStateName(*state)));
          }
        }
      }
      return;
    }
  }
}

}  // namespace kura::sim
