// SimNetwork: the links between each store and HQ, as kura-sim models them. A message
// takes the link latency plus jitter, and each direction of a link keeps order (it is
// a TCP connection); a message may be dropped, duplicated or held back (reordered, the
// only way one overtakes another) with the configured probabilities; a cut link (the
// store's or HQ's side partitioned) loses everything sent over it, and so does a link
// that is cut while the message is on its way.
//
// The two directions are apart, so that the stores' side and HQ's can send at once from
// their own lanes of the world (world.h): each direction draws from its own random
// stream, counts its own messages, and keeps what was sent until HandOver puts it in the
// receiver's queue; a message takes at least the latency, so it is never due before the
// sender's window ends. Thread-safe only in that way: one thread per direction's sends,
// one per direction's arrivals, cuts and heals while neither runs.
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
  // `seed_to_hq` and `seed_from_hq` seed each direction's stream.
  SimNetwork(int stores, NetOptions options, uint64_t seed_to_hq, uint64_t seed_from_hq);

  // Partitions nest: a store cut twice is whole again after two heals.
  void CutStore(int store) { ++cut_[store]; }
  void HealStore(int store) { if (cut_[store] > 0) --cut_[store]; }
  void CutHq() { ++hq_cut_; }
  void HealHq() { if (hq_cut_ > 0) --hq_cut_; }
  void HealAll();
  // Whether the network carries messages between `store` and HQ (nodes' health aside).
  bool Connected(int store) const { return cut_[store] == 0 && hq_cut_ == 0; }

  // Sends `bytes` at sim time `now` over `store`'s link, towards HQ or from it; `deliver`
  // runs at arrival unless the message is lost. The message waits for HandOver.
  void Send(int64_t now, int store, bool to_hq, std::string bytes, std::function<void(const std::string&)> deliver);
  // Schedules in `receiver` every message sent towards HQ (or from it) since the last call,
  // in the order sent.
  void HandOver(bool to_hq, EventQueue* receiver);
  void set_faulty(bool faulty) { faulty_ = faulty; }
  // Both directions together.
  NetStats stats() const;

 private:
  struct Arrival {
    int64_t at;
    std::function<void()> fn;
  };
  // One direction of every link. The sender's part and the receiver's are written by
  // different threads.
  struct Direction {
    // Sender's part.
    std::mt19937_64 rng;
    // Per store: the latest in-order arrival scheduled, which the next may not precede.
    std::vector<int64_t> last_arrival;
    NetStats sent;
    std::vector<Arrival> in_flight;  // sent since the last HandOver
    // Receiver's part.
    alignas(64) NetStats arrived;
  };
  static double Uniform(std::mt19937_64& rng) { return std::uniform_real_distribution<double>(0, 1)(rng); }

  NetOptions options_;
  std::vector<int> cut_;
  int hq_cut_ = 0;
  bool faulty_ = true;
  Direction directions_[2];  // [0]: from HQ, [1]: to HQ
};

}  // namespace kura::sim
