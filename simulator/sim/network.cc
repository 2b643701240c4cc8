#include "network.h"

#include <algorithm>
#include <memory>

namespace kura::sim {

void SimNetwork::HealAll() {
  for (int& c : cut_) c = 0;
  hq_cut_ = 0;
}

void SimNetwork::Send(int store, bool to_hq, std::string bytes,
                      std::function<void(const std::string&)> deliver) {
  ++stats_.sent;
  stats_.bytes += bytes.size();
  // Every message draws the same number of random values, lost or not, so one fault
  // decision never shifts the ones after it.
  double u_drop = Uniform(), u_dup = Uniform(), u_reorder = Uniform(), u_jitter = Uniform(),
         u_hold = Uniform(), u_jitter2 = Uniform();
  if (!Connected(store)) {
    ++stats_.cut;
    return;
  }
  if (faulty_ && u_drop < options_.drop) {
    ++stats_.dropped;
    return;
  }
  int copies = faulty_ && u_dup < options_.duplicate ? 2 : 1;
  if (copies == 2) ++stats_.duplicated;
  auto shared = std::make_shared<std::string>(std::move(bytes));
  auto on_arrival = std::make_shared<std::function<void(const std::string&)>>(std::move(deliver));
  for (int i = 0; i < copies; ++i) {
    double jitter = i == 0 ? u_jitter : u_jitter2;
    int64_t at = queue_->now() + options_.latency_ms + static_cast<int64_t>(jitter * options_.latency_ms);
    if (faulty_ && i == 0 && u_reorder < options_.reorder) {
      ++stats_.reordered;
      at += static_cast<int64_t>(u_hold * options_.reorder_ms);
    } else if (i == 0) {
      // In order behind what was sent before (same-time events run in scheduling order).
      int64_t& last = last_arrival_[2 * store + (to_hq ? 1 : 0)];
      at = std::max(at, last);
      last = at;
    }
    queue_->At(at, [this, store, shared, on_arrival] {
      if (!Connected(store)) {
        ++stats_.cut;
        return;
      }
      ++stats_.delivered;
      (*on_arrival)(*shared);
    });
  }
}

}  // namespace kura::sim
