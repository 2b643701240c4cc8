#include "network.h"

#include <algorithm>
#include <memory>

#include "splitmix.h"

namespace kura::sim {

void SimNetwork::HealAll() {
  for (int& c : cut_) c = 0;
  hq_cut_ = 0;
}

SimNetwork::SimNetwork(int stores, NetOptions options, uint64_t seed, int senders)
    : options_(options), cut_(stores, 0), ways_(2 * static_cast<std::size_t>(stores)), in_flight_(senders) {
  for (std::size_t i = 0; i < ways_.size(); ++i) ways_[i].rng = DeriveSeed(seed, i);
}

void SimNetwork::Send(int sender, int64_t now, int store, bool to_hq, std::string bytes, Deliver deliver) {
  Way& d = way(store, to_hq);
  ++d.sent.sent;
  d.sent.bytes += bytes.size();
  // Every message draws the same number of random values, lost or not, so one fault
  // decision never shifts the ones after it.
  double u[6];
  for (double& x : u) x = SplitMixUniform(d.rng);
  auto [u_drop, u_dup, u_reorder, u_jitter, u_hold, u_jitter2] = u;
  if (!Connected(store)) {
    ++d.sent.cut;
    return;
  }
  if (faulty_ && u_drop < options_.drop) {
    ++d.sent.dropped;
    return;
  }
  int copies = faulty_ && u_dup < options_.duplicate ? 2 : 1;
  if (copies == 2) ++d.sent.duplicated;
  auto shared = std::make_shared<std::string>(std::move(bytes));
  auto on_arrival = std::make_shared<Deliver>(std::move(deliver));
  for (int i = 0; i < copies; ++i) {
    double jitter = i == 0 ? u_jitter : u_jitter2;
    int64_t at = now + options_.latency_ms + static_cast<int64_t>(jitter * options_.latency_ms);
    if (faulty_ && i == 0 && u_reorder < options_.reorder) {
      ++d.sent.reordered;
      at += static_cast<int64_t>(u_hold * options_.reorder_ms);
    } else if (i == 0) {
      // In order behind what was sent before (same-time events run in scheduling order).
      at = std::max(at, d.last_arrival);
      d.last_arrival = at;
    }
    in_flight_[sender].arrivals.push_back(Arrival{at, store, to_hq, [this, &d, store, shared, on_arrival] {
                                    if (!Connected(store)) {
                                      ++d.arrived.cut;
                                      return;
                                    }
                                    ++((*on_arrival)(*shared) ? d.arrived.delivered : d.arrived.crashed);
                                  }});
  }
}

void SimNetwork::HandOver(const Receiver& receiver) {
  for (Sent& sent : in_flight_) {
    for (Arrival& arrival : sent.arrivals) receiver(arrival.store, arrival.to_hq)->At(arrival.at, std::move(arrival.fn));
    sent.arrivals.clear();
  }
}

NetStats SimNetwork::stats() const {
  NetStats total;
  for (const Way& d : ways_) {
    for (const NetStats* part : {&d.sent, &d.arrived}) {
      total.sent += part->sent;
      total.delivered += part->delivered;
      total.dropped += part->dropped;
      total.cut += part->cut;
      total.crashed += part->crashed;
      total.duplicated += part->duplicated;
      total.reordered += part->reordered;
      total.bytes += part->bytes;
    }
  }
  return total;
}

}  // namespace kura::sim
