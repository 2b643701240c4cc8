#include "process_workload.h"

#include <chrono>
#include <cmath>

#include "process_call.h"
#include "world.h"

namespace kura::sim {

using nlohmann::json;

namespace {

enum TillKind { kSale, kDelivery, kReturn, kHold, kCollect, kCancel };
constexpr int64_t kPriceCents = 1990;
constexpr uint64_t kTillStream = 100, kOnlineStream = 99, kStockStream = 98;

double Uniform(std::mt19937_64& rng) { return std::uniform_real_distribution<double>(0, 1)(rng); }

}  // namespace

ProcessWorkload::ProcessWorkload(const ProcessOptions& options, ProcessChain* chain,
                                 ProcessLedger* ledger, zmq::context_t* context)
    : options_(options),
      chain_(chain),
      ledger_(ledger),
      context_(context),
      sku_pick_(options.skus, options.sku_skew),
      gates_(chain->stores()) {
  double weights[] = {options.w_sale, options.w_delivery, options.w_return,
                      options.w_phone, options.w_collect,  options.w_cancel};
  double total = 0;
  for (double w : weights) till_cdf_.push_back(total += std::max(0.0, w));
  for (double& c : till_cdf_) c /= std::max(total, 1e-9);
}

ProcessWorkload::~ProcessWorkload() { Stop(); }

std::optional<Result<json>> ProcessWorkload::Send(ApiClient& client, int store, bool at_hq,
                                                  const std::string& op, const std::string& rid,
                                                  const json& args) {
  std::size_t handle = ledger_->Begin(store, at_hq, op, rid, args);
  auto reply = CallOnce(client, op, rid, args);
  if (!reply) {
    ledger_->Lose(handle);
  } else if (reply->ok()) {
    ledger_->Ack(handle, **reply);
    if (!at_hq && chain_->store_cut(store)) ++acked_while_cut_;
  } else {
    ledger_->Refuse(handle, reply->status());
  }
  return reply;
}

Status ProcessWorkload::Stock() {
  std::mt19937_64 rng(DeriveSeed(options_.seed, kStockStream));
  for (int s = 0; s < chain_->stores(); ++s) {
    ApiClient client(*context_, chain_->store_endpoint(s), options_.store_timeout_ms);
    for (int k = 0; k < options_.skus; ++k) {
      int64_t qty =
          4 + static_cast<int64_t>(24.0 / std::sqrt(k + 1.0)) + static_cast<int64_t>(rng() % 6);
      std::string rid = kOpeningRidPrefix + std::to_string(s) + "-" + std::to_string(k);
      auto reply =
          Send(client, s, false, "stock.receive", rid, {{"sku", Workload::Sku(k)}, {"qty", qty}});
      if (!reply || !reply->ok()) {
        return Status::IOError(chain_->store_id(s) + " did not acknowledge its opening stock (" +
                               rid + ")");
      }
    }
  }
  return Status::Ok();
}

void ProcessWorkload::Start() {
  for (int s = 0; s < chain_->stores(); ++s) threads_.emplace_back([this, s] { Till(s); });
  if (options_.order_rate > 0) threads_.emplace_back([this] { Online(); });
}

void ProcessWorkload::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

bool ProcessWorkload::Pace(std::mt19937_64& rng, double rate) {
  double gap_s = -std::log(1.0 - Uniform(rng)) / std::max(rate, 1e-6);
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_for(lock, std::chrono::duration<double>(gap_s), [this] { return stopping_; });
  return !stopping_ && !Spent();
}

bool ProcessWorkload::Take() { return options_.ops <= 0 || issued_.fetch_add(1) < options_.ops; }

void ProcessWorkload::Learn(ApiClient& client, const std::string& id) {
  auto hold = client.Call("hold.get", {{"id", id}});
  if (!hold.ok()) return;  // not here yet (an HQ order), or no reply
  auto state = ParseHoldState((*hold)["state"].get<std::string>());
  std::string why;
  if (state && !ledger_->Observe(id, *state, &why)) ledger_->Violation(why);
}

void ProcessWorkload::TillSale(ApiClient& client, int store, const std::string& rid,
                               const std::string& sku, int64_t qty) {
  json line = {{"sku", sku}, {"qty", qty}, {"price_cents", kPriceCents}};
  auto sold = Send(client, store, false, "stock.sell", rid,
                   {{"lines", json::array({line})}, {"customer", "c-" + rid}});
  if (!sold || sold->ok() || sold->status().code() != Status::Code::kNeedsOverride) return;
  // The goods are in the customer's hand: staff confirm the override and the till repeats.
  std::string again = rid + ".o";
  (void)Send(client, store, false, "stock.sell", again,
             {{"lines", json::array({line})}, {"customer", "c-" + again}, {"override", 1}});
}

void ProcessWorkload::TillHoldMove(ApiClient& client, int store, const std::string& rid, double u,
                                   bool collect, bool ready_first, bool by_ticket) {
  auto id = ledger_->PickActive(store, u);
  if (!id) return;
  if (!collect) {
    auto cancelled = Send(client, store, false, "hold.cancel", rid, {{"id", *id}});
    if (cancelled && !cancelled->ok()) Learn(client, *id);
    return;
  }
  if (ready_first) (void)Send(client, store, false, "hold.ready", rid + ".r", {{"id", *id}});
  // The customer's pickup ticket collects even a hold HQ made that has not reached the store.
  std::string ticket = by_ticket ? ledger_->TicketOf(*id) : "";
  auto collected = ticket.empty() ? Send(client, store, false, "hold.collect", rid, {{"id", *id}})
                                  : Send(client, store, false, "ticket.redeem", rid, {{"code", ticket}});
  if (collected && !collected->ok()) Learn(client, *id);
}

void ProcessWorkload::Till(int store) {
  std::mt19937_64 rng(DeriveSeed(options_.seed, kTillStream + store));
  ApiClient client(*context_, chain_->store_endpoint(store), options_.store_timeout_ms);
  for (int64_t n = 0; Pace(rng, options_.till_rate); ++n) {
    double u[6];
    for (double& x : u) x = Uniform(rng);
    StoreGates::Pass pass = gates_.Enter(store);
    if (!chain_->store_up(store) || !pass) {
      ++skipped_;  // the tills are down with the back-office machine, or wait for its new disk
      continue;
    }
    if (!Take()) return;
    auto kind = static_cast<TillKind>(std::lower_bound(till_cdf_.begin(), till_cdf_.end(), u[0]) -
                                      till_cdf_.begin());
    std::string sku = Workload::Sku(sku_pick_.Pick(u[1]));
    std::string rid = "t" + std::to_string(store) + "-" + std::to_string(n);
    switch (kind) {
      case kSale: {
        int64_t qty = u[2] < 0.8 ? 1 : 2;
        // A till sells what is on the shelf.
        if (ledger_->OnHand(store, sku) >= qty) TillSale(client, store, rid, sku, qty);
        break;
      }
      case kDelivery:
        (void)Send(client, store, false, "stock.receive", rid,
                   {{"sku", sku}, {"qty", 2 + static_cast<int64_t>(u[2] * 10)}});
        break;
      case kReturn:
        (void)Send(
            client, store, false, "stock.return", rid,
            {{"sku", sku}, {"qty", 1}, {"price_cents", kPriceCents}, {"customer", "c-" + rid}});
        break;
      case kHold:
        (void)Send(client, store, false, "hold.create", rid,
                   {{"kind", "phone"},
                    {"lines", json::array({{{"sku", sku}, {"qty", u[2] < 0.8 ? 1 : 2}}})},
                    {"customer", "c-" + rid}});
        break;
      case kCollect:
      case kCancel:
        TillHoldMove(client, store, rid, u[3], kind == kCollect, u[4] < 0.5, u[5] < 0.5);
        break;
    }
  }
}

void ProcessWorkload::Online() {
  std::mt19937_64 rng(DeriveSeed(options_.seed, kOnlineStream));
  ApiClient client(*context_, chain_->hq_endpoint(), options_.hq_timeout_ms);
  for (int64_t n = 0; Pace(rng, options_.order_rate); ++n) {
    double u[7];
    for (double& x : u) x = Uniform(rng);
    if (!chain_->hq_up()) {
      ++skipped_;
      continue;
    }
    int store = std::min(chain_->stores() - 1, static_cast<int>(u[0] * chain_->stores()));
    StoreGates::Pass pass = gates_.Enter(store);
    if (!pass) {
      ++skipped_;
      continue;
    }
    if (!Take()) return;
    std::string rid = "o-" + std::to_string(n);
    std::string sku = Workload::Sku(sku_pick_.Pick(u[1]));
    json lines = json::array({{{"sku", sku}, {"qty", u[2] < 0.8 ? 1 : 2}}});
    std::string second = Workload::Sku(sku_pick_.Pick(u[3]));
    if (u[4] < 0.25 && second != sku) lines.push_back({{"sku", second}, {"qty", 1}});
    bool tryon = u[5] < options_.tryon_share;
    json args = {{"store", chain_->store_id(store)},
                 {"kind", tryon ? "tryon" : "pickup"},
                 {"lines", lines},
                 {"customer", "c-" + rid}};
    // Try-ons expire within the run (5-20 s), so expiry by the owning store is exercised.
    if (tryon) args["expires_in_s"] = 5 + static_cast<int>(u[6] * 16);
    (void)Send(client, store, true, "hq.order.place", rid, args);
  }
}

}  // namespace kura::sim
