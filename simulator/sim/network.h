// SimNetwork: the links between each store and HQ, as kura-sim models them. A message
// takes the link latency plus jitter, and each direction of a link keeps order (it is
// a TCP connection); a message may be dropped, duplicated or held back (reordered, the
// only way one overtakes another) with the configured probabilities; a cut link (the
// store's or HQ's side partitioned) loses everything sent over it, and so does a link
// that is cut while the message is on its way. Draws only from the rng it is given.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "event_queue.h"

namespace kura::sim {

struct NetOptions {
  int64_t latency_ms = 40;  // one way, plus up to the same again as jitter
  double drop = 0, duplicate = 0, reorder = 0;
  int64_t reorder_ms = 2'000;  // how long a reordered message is held back, at most
};

struct NetStats {
  uint64_t sent = 0, delivered = 0, dropped = 0, cut = 0, duplicated = 0, reordered = 0,
           bytes = 0;
};

class SimNetwork {
 public:
  SimNetwork(EventQueue* queue, std::mt19937_64* rng, int stores, NetOptions options)
      : queue_(queue), rng_(rng), options_(options), cut_(stores, 0), last_arrival_(2 * stores, 0) {}

  // Partitions nest: a store cut twice is whole again after two heals.
  void CutStore(int store) { ++cut_[store]; }
  void HealStore(int store) { if (cut_[store] > 0) --cut_[store]; }
  void CutHq() { ++hq_cut_; }
  void HealHq() { if (hq_cut_ > 0) --hq_cut_; }
  void HealAll();
  // Whether the network carries messages between `store` and HQ (nodes' health aside).
  bool Connected(int store) const { return cut_[store] == 0 && hq_cut_ == 0; }

  // Sends `bytes` over `store`'s link, towards HQ or from it; `deliver` runs at arrival
  // unless the message is lost.
  void Send(int store, bool to_hq, std::string bytes, std::function<void(const std::string&)> deliver);
  void set_faulty(bool faulty) { faulty_ = faulty; }
  const NetStats& stats() const { return stats_; }

 private:
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(*rng_); }

  EventQueue* queue_;
  std::mt19937_64* rng_;
  NetOptions options_;
  std::vector<int> cut_;
  int hq_cut_ = 0;
  // Per link direction (2 * store + to_hq): the latest in-order arrival scheduled, which
  // the next message may not precede.
  std::vector<int64_t> last_arrival_;
  bool faulty_ = true;
  NetStats stats_;
};

}  // namespace kura::sim
