// SimNetwork: the links between each store and HQ, as kura-sim models them. A message
// takes the link latency plus jitter, and each direction of a link keeps order (it is
// a TCP connection); a message may be dropped, duplicated or held back (reordered, the
// only way one overtakes another) with the configured probabilities; a cut link (the
// store's or HQ's side partitioned) loses everything sent over it, and so does a link
// that is cut while the message is on its way; a message whose receiver is down when it
// arrives, or has restarted since it was sent, dies with the connection.
//
// Each direction of each link draws from its own random stream and counts its own
// messages, so the world's lanes (world.h) can send at once, and a link draws from the
// same stream whichever lane its store runs in. A message waits in its sender's list until
// HandOver puts it in the receiver's queue; it takes at least the latency, so it is never
// due before the sender's window ends. Thread-safe only in that way: a link direction's
// sends from one lane at a time, its arrivals likewise, each sender's list filled by one
// lane; cuts, heals and HandOver while no lane runs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "event_queue.h"

namespace kura::sim {

struct NetOptions {
  int64_t latency_ms = 40;  // one way, plus up to the same again as jitter
  double drop = 0, duplicate = 0, reorder = 0;
  int64_t reorder_ms = 2'000;  // how long a reordered message is held back, at most
};

// Every message sent (and every duplicate) ends delivered, dropped, cut (lost to a cut
// link, at its send or on its way), crashed (its receiver down at its arrival, or
// restarted since the send), or still in flight when the run stops.
struct NetStats {
  uint64_t sent = 0, delivered = 0, dropped = 0, cut = 0, crashed = 0, duplicated = 0, reordered = 0,
           bytes = 0;
  uint64_t in_flight() const { return sent + duplicated - delivered - dropped - cut - crashed; }
};

class SimNetwork {
 public:
  // `seed` seeds every link direction's stream; `senders` is how many lists HandOver
  // drains (one per lane of the world).
  SimNetwork(int stores, NetOptions options, uint64_t seed, int senders = 1);

  // Partitions nest: a store cut twice is whole again after two heals.
  void CutStore(int store) { ++cut_[store]; }
  void HealStore(int store) { if (cut_[store] > 0) --cut_[store]; }
  void CutHq() { ++hq_cut_; }
  void HealHq() { if (hq_cut_ > 0) --hq_cut_; }
  void HealAll();
  // Whether the network carries messages between `store` and HQ (nodes' health aside).
  bool Connected(int store) const { return cut_[store] == 0 && hq_cut_ == 0; }

  // Sends `bytes` at sim time `now` over `store`'s link, towards HQ or from it; `deliver`
  // runs at arrival unless the message is lost, and returns false when the receiver was
  // not there to take it (down, or restarted since the send). The message waits in list `sender` for
  // HandOver.
  using Deliver = std::function<bool(const std::string&)>;
  void Send(int sender, int64_t now, int store, bool to_hq, std::string bytes, Deliver deliver);
  // Where a message on `store`'s link, towards HQ or from it, is to arrive.
  using Receiver = std::function<EventQueue*(int store, bool to_hq)>;
  // Schedules every message sent since the last call at its receiver: sender by sender,
  // each in the order sent.
  void HandOver(const Receiver& receiver);
  void set_faulty(bool faulty) { faulty_ = faulty; }
  // Both directions together.
  NetStats stats() const;

 private:
  struct Arrival {
    int64_t at;
    int store;
    bool to_hq;
    std::function<void()> fn;
  };
  // One direction of one link. The sender's part and the receiver's may be written by
  // different threads (their own cache lines).
  struct alignas(64) Way {
    // Sender's part.
    uint64_t rng = 0;           // splitmix.h
    int64_t last_arrival = 0;   // the latest in-order arrival scheduled: the next may not precede it
    NetStats sent;
    // Receiver's part.
    alignas(64) NetStats arrived;
  };
  Way& way(int store, bool to_hq) { return ways_[2 * static_cast<std::size_t>(store) + (to_hq ? 1 : 0)]; }

  NetOptions options_;
  std::vector<int> cut_;
  int hq_cut_ = 0;
  bool faulty_ = true;
  std::vector<Way> ways_;                      // per store: from HQ, to HQ
  // Per sender: sent since the last HandOver (a cache line each: the lanes send at once).
  struct alignas(64) Sent {
    std::vector<Arrival> arrivals;
  };
  std::vector<Sent> in_flight_;
};

}  // namespace kura::sim
