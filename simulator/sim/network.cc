#include "network.h"

#include <algorithm>
#include <memory>

namespace kura::sim {

void SimNetwork::HealAll() {
  for (int& c : cut_) c = 0;
  hq_cut_ = 0;
}

SimNetwork::SimNetwork(int stores, NetOptions options, uint64_t seed_to_hq, uint64_t seed_from_hq)
    : options_(options), cut_(stores, 0) {
  directions_[0].rng.seed(seed_from_hq);
  directions_[1].rng.seed(seed_to_hq);
  for (Direction& d : directions_) d.last_arrival.assign(stores, 0);
}

void SimNetwork::Send(int64_t now, int store, bool to_hq, std::string bytes,
                      std::function<void(const std::string&)> deliver) {
  Direction& d = directions_[to_hq ? 1 : 0];
  ++d.sent.sent;
  d.sent.bytes += bytes.size();
  // Every message draws the same number of random values, lost or not, so one fault
  // decision never shifts the ones after it.
  double u_drop = Uniform(d.rng), u_dup = Uniform(d.rng), u_reorder = Uniform(d.rng), u_jitter = Uniform(d.rng),
         u_hold = Uniform(d.rng), u_jitter2 = Uniform(d.rng);
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
  auto on_arrival = std::make_shared<std::function<void(const std::string&)>>(std::move(deliver));
  for (int i = 0; i < copies; ++i) {
    double jitter = i == 0 ? u_jitter : u_jitter2;
    int64_t at = now + options_.latency_ms + static_cast<int64_t>(jitter * options_.latency_ms);
    if (faulty_ && i == 0 && u_reorder < options_.reorder) {
      ++d.sent.reordered;
      at += static_cast<int64_t>(u_hold * options_.reorder_ms);
    } else if (i == 0) {
      // In order behind what was sent before (same-time events run in scheduling order).
      int64_t& last = d.last_arrival[store];
      at = std::max(at, last);
      last = at;
    }
    d.in_flight.push_back(Arrival{at, [this, &d, store, shared, on_arrival] {
                                    if (!Connected(store)) {
                                      ++d.arrived.cut;
                                      return;
                                    }
                                    ++d.arrived.delivered;
                                    (*on_arrival)(*shared);
                                  }});
  }
}

void SimNetwork::HandOver(bool to_hq, EventQueue* receiver) {
  Direction& d = directions_[to_hq ? 1 : 0];
  for (Arrival& arrival : d.in_flight) receiver->At(arrival.at, std::move(arrival.fn));
  d.in_flight.clear();
}

NetStats SimNetwork::stats() const {
  NetStats total;
  for (const Direction& d : directions_) {
    for (const NetStats* part : {&d.sent, &d.arrived}) {
      total.sent += part->sent;
      total.delivered += part->delivered;
      total.dropped += part->dropped;
      total.cut += part->cut;
      total.duplicated += part->duplicated;
      total.reordered += part->reordered;
      total.bytes += part->bytes;
    }
  }
  return total;
}

}  // namespace kura::sim
