// SimOptions: every knob of a kura-sim run, with its default. kura_sim_main.cc maps each
// field to a flag and explains it in --help. Plain value type.
#pragma once

#include <cstdint>
#include <string>

namespace kura::sim {

enum class StrategyKind { kEscrow = 1, kLastKnown, kStrong };

struct SimOptions {
  uint64_t seed = 1;
  // World size and length.
  int stores = 8;
  int skus = 200;
  int64_t ops = 10'000;       // workload operations (tills, back office, online)
  double days = 1.0;          // simulated time the ops are spread over
  double store_skew = 1.0;    // Zipf exponent of store popularity (0 = uniform)
  double sku_skew = 1.1;      // Zipf exponent of SKU popularity
  // Workload mix: relative weights of each kind of operation.
  double w_sale = 50, w_delivery = 8, w_return = 4, w_stocktake = 2, w_transfer = 3,
         w_pickup = 12, w_tryon = 5, w_phone = 3, w_collect = 10, w_cancel = 3;
  // The share of operations whose request is sent twice, with the same request id, 1 to
  // 30 minutes apart (a till or the online shop retrying after a timeout), to the node
  // that answered it: the second answer must be the first's, byte for byte, and change
  // nothing.
  double repeats = 0.03;
  // Network: one-way latency, and per-message fault probabilities.
  int64_t latency_ms = 40;  // at least 1: a message may not arrive in the window that sent it
  double drop = 0.01, duplicate = 0.01, reorder = 0.02;
  // The share of HQ's calls routing the escrow strategy's orders to a store it can reach
  // that HQ has no answer to in time (routed_orders.h): HQ decides from its allotment and
  // must release any hold the store made.
  double late_answers = 0.05;
  // Fault schedule, as expected counts over the whole run.
  int partitions_one = 6;     // one store cut off, for minutes to a day
  int partitions_many = 2;    // a third of the stores cut off at once
  int partitions_hq = 1;      // HQ cut off from every store
  int crashes = 6;            // a node (store or HQ) crashes and restarts
  int clock_faults = 4;       // a store's clock is skewed or jumps
  int store_wipes = 1;        // a store's disk is replaced (World::ReplaceStoreDisk)
  bool faults = true;         // false: none of the above, and a perfect network
  // Sync sessions (sync/session.h).
  int64_t heartbeat_ms = 30'000;  // the daemons use 1 s; 30 s keeps long runs cheap
  // Checks.
  int checks = 24;            // continuous invariant checks spread over the run
  bool break_merge = false;   // TEST ONLY: a broken PN-counter merge the checks must catch
  bool skip_expiry = false;   // TEST ONLY: the stores' jobs expire no hold; the checks must see it
  // TEST ONLY: a store on a replaced disk takes writes at once, as kura-store
  // --offline-first-start would, instead of getting its data back first; the checks must see
  // what it loses (what it writes before HQ's copy of that cell reaches it) within a sweep.
  bool skip_restore = false;
  std::string replay_options;  // the command line's options that shape the run, for the replay line
  // Keep every request the nodes pass to RocksDB (RunResult::storage_log) for
  // --storage-floor to replay: memory about the bytes the run writes.
  bool record_storage = false;
  // Threads for one world: 2 runs HQ's lane of each window beside the stores' lanes, the
  // second thread taking stores' lanes too once HQ's is done (world.h); 1 runs them one
  // after another. The run is the same either way; record_storage makes it 1. (kura-sim
  // picks 2 when one world runs at a time.)
  int threads = 1;
  // With 2 threads, whether timing may send windows back to one thread when side by side
  // loses (SidePacer); false puts every window with work for two threads (HQ's lane, or
  // two stores' lanes) on both (the tests, so that the lanes do run at once).
  bool pace_threads = true;
  // The share of the stores' work that HQ's lane takes on, its quietest stores
  // (StoresForHqLane): HQ alone carried about 40% of the lanes' work at scale and the
  // stores 60% (SCALE.md, twelfth stop), so a sixth evens them. It changes the run (the
  // order of same-time events), unlike `threads`.
  double hq_lane_stores_share = 1.0 / 6;
  // The other stores are spread over this many lanes (StoreLanes), which the two threads
  // share out window by window: more lanes than threads even out their work. No more
  // lanes are made than there are such stores. Like the share above, it changes the order
  // of same-time events (and the trace hash).
  int store_lanes = 4;
  // Output.
  bool progress = false;
  // Keep every line of the run's trace (RunResult::trace, kura-sim --trace): memory for
  // each, a few hundred bytes an event.
  bool keep_trace = false;
  int plot_samples = 300;
};

const char* StrategyName(StrategyKind kind);

}  // namespace kura::sim
