// World: one deterministic kura-sim run — N stores and HQ as SimNodes in one process,
// the simulated network between them, the event queues, the ledger, the fault schedule,
// the workload and an online-order strategy — and the loop that drives them: run the
// workload under faults, heal everything, wait for sync to go quiet, check.
//
// Determinism: every random draw comes from a stream derived from the seed (the
// workload's and the faults' mt19937_64, each link direction's splitmix64), so the same
// workload and faults meet every strategy; nothing reads wall time inside the world; only ordered containers
// are iterated. The trace hash fingerprints a run.
//
// Lanes: the world's events run in lanes that meet only at window boundaries: HQ's lane
// (HQ, and the quietest stores) and the stores' lanes (the other stores, spread over
// SimOptions::store_lanes). A window is at most one link latency long and ends before
// the next event of the world's own (faults, checks, samples): within it nothing one
// lane does can reach another, because a message takes at least the latency. So the
// lanes can run one after the other or at once (SimOptions::threads: HQ's lane on a
// second thread, which then takes stores' lanes too while the first thread takes the
// rest) with the same result, event for event. Between windows the world draws the
// workload's operations due in the next window and queues each in its store's lane,
// hands each lane the messages sent to it, takes the lanes' violations, and runs what
// the lanes left for the window's end (an online order for a store HQ cannot reach is
// answered then; a transfer's arrival at a store of another lane is queued then). Which
// lane each store joins is fixed by the options (StoreLanes), never by timing, so it
// does not depend on the thread count; whether a window uses the second thread is
// timing's choice (SidePacer), and so is which thread runs which stores' lane (whichever
// takes it first). Each lane keeps its own trace; the run's hash joins them in lane
// order. One World is used by one thread (and its side thread).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <rocksdb/env.h>

#include "event_queue.h"
#include "kura/schema/api.h"
#include "ledger.h"
#include "network.h"
#include "sim_node.h"
#include "side_pacer.h"
#include "sim_options.h"
#include "splitmix.h"
#include "storage_floor.h"
#include "workload.h"

namespace kura::sim {

class OnlineOrderStrategy;
class Workload;
class Invariants;

struct OrderStats {
  int64_t orders = 0;                 // online orders (pickup and try-on) placed by customers
  int64_t accepted = 0;               // promised to the customer
  int64_t accepted_unreachable = 0;   // of those, while the store was cut off from HQ
  int64_t refused_unreachable = 0;    // refused because the store was unreachable
  int64_t refused_stock = 0;          // refused for lack of stock
  int64_t oversold = 0;               // promises the store could not cover when they arrived
  int64_t cancelled_no_stock = 0;     // accepted orders later cancelled for lack of stock
  // escrow: orders HQ sent to their store to decide (it could reach it), and the calls
  // whose answer HQ did not have in time (late, or never sent: the store went down or its
  // link was cut), after which HQ decided from its allotment or, restarted meanwhile, the
  // shop asked again (routed_orders.h)
  int64_t routed = 0, answers_late = 0;
  OrderStats& operator+=(const OrderStats& o) {
    routed += o.routed;
    answers_late += o.answers_late;
    orders += o.orders;
    accepted += o.accepted;
    accepted_unreachable += o.accepted_unreachable;
    refused_unreachable += o.refused_unreachable;
    refused_stock += o.refused_stock;
    oversold += o.oversold;
    cancelled_no_stock += o.cancelled_no_stock;
    return *this;
  }
};

// What the plot draws at one moment. nullopt: not known then, as a node it needs was down
// (or HQ did not know the store yet).
struct Sample {
  int64_t at_ms = 0;
  std::vector<std::optional<int64_t>> lag;  // per store: own components HQ does not hold yet
  // The largest of every store's lag, a store that is down counted as it went down (nothing
  // moves its lag until it is back) and one getting its data back as 0; known while HQ is up.
  std::optional<int64_t> largest_lag;
  // ATP as hq.stock gives it, on hand - held (the store's own ATP also takes off its
  // safety stock and HQ's allotment, which HQ's view does not), so the two differ only by
  // what sync has not yet carried: busiest SKU at the busiest store, the store's view...
  std::optional<int64_t> atp_store;
  std::optional<int64_t> atp_hq;  // ...and HQ's
};

// A stretch of simulated time a node spent down, cut off from HQ, or on a shifted clock:
// the plot's fault timeline. Ends at the final heal at the latest.
struct FaultSpan {
  enum class Kind { kDown, kCut, kClock };
  int node = -1;  // a store's index; -1: HQ
  Kind kind = Kind::kDown;
  int64_t from_ms = 0, to_ms = 0;
};

// The holds stores made for orders HQ routed to them that HQ did not record (it decided
// without their answer), by how the final check found them.
struct RoutedHolds {
  int64_t released = 0;        // cancelled by HQ
  int64_t expired = 0;         // ended otherwise: expired before HQ's cancel reached the store, say
  int64_t left_to_expiry = 0;  // still active, as PROTOCOL.md 2.4 allows (Ledger::LeaveToExpiry)
  RoutedHolds& operator+=(const RoutedHolds& o) {
    released += o.released;
    expired += o.expired;
    left_to_expiry += o.left_to_expiry;
    return *this;
  }
};

struct RunResult {
  uint64_t seed = 0;
  std::string strategy;
  bool strategy_available = true;
  bool ok = true;
  std::string violation;   // the first one, empty when ok
  std::string trace_tail;  // the last trace lines, for a violation report
  std::string trace;       // every trace line, in sim-time order, with SimOptions::keep_trace
  uint64_t trace_hash = 0;
  uint64_t events = 0;
  uint64_t windows = 0;                 // spans the lanes ran apart (see World)
  // Of those, with a second thread (running HQ's lane, and stores' lanes as it finds
  // them). Timing decides (SidePacer), so unlike the run itself it varies from run to run.
  uint64_t windows_on_side_thread = 0;
  uint64_t store_lanes_on_side_thread = 0;  // stores' lanes the second thread ran (timing too)
  int stores_in_hq_lane = 0;            // the quietest stores, run in HQ's lane
  int store_lanes = 0;                  // the lanes the other stores are spread over
  // Wall time the stores' lanes (together) and HQ's spent running (not part of the
  // replay: it varies run to run).
  double stores_lane_s = 0, hq_lane_s = 0;
  int64_t sim_ms = 0;           // simulated time, quiescence included
  int64_t quiescent_after_ms = -1;  // from the final heal until sync went quiet
  int64_t final_heal_ms = -1;       // when the final heal came; -1: a violation stopped the run first
  int64_t violation_at_ms = -1;     // simulated time of the violation, when there is one
  int64_t ops_done = 0, crashes = 0, partitions = 0, clock_faults = 0;
  // Store disks replaced (World::ReplaceStoreDisk), and replacements called off with the
  // disk kept: the store crashed, HQ had not caught up within an hour, or the final heal
  // came first.
  int64_t disks_replaced = 0, disks_kept = 0;
  // Requests a node got again with the same id (Call's repeat, a crash's retry) and
  // answered as the first time; the repeats it was down for (the client gave up); those
  // still to come when the run ended (sync went quiet first).
  int64_t repeats_answered = 0, repeats_node_down = 0, repeats_left_at_end = 0;
  RoutedHolds routed_holds;  // at the final check
  bool routed_holds_counted = false;  // the final check got as far as counting them
  int64_t request_ids_pruned = 0;  // by the nodes' pruning job, forgotten past their retention
  OpSkips ops_skipped;
  Collections collections;
  PhoneHolds phone_holds;
  int64_t holds_own_lifetime = 0;  // acknowledged holds lasting their own expires_in_s
  int64_t ops_drawn = 0;  // done + skipped once every drawn operation came due
  std::vector<std::string> invariants;  // the checks that ran and held
  OrderStats orders;
  NetStats net;
  uint64_t components_synced = 0;
  double hq_footprint_mb = 0;  // HQ's database after the run (Db::Footprint): its share of the RSS
  std::vector<NodeStorage> storage;  // per node, the stores then HQ: what it asked of RocksDB
  std::shared_ptr<const StorageLog> storage_log;  // every request, when SimOptions::record_storage
  std::vector<Sample> samples;
  std::vector<FaultSpan> fault_spans;  // in the order the faults began
  std::vector<std::string> store_ids;
};

class World {
 public:
  World(const SimOptions& options, StrategyKind strategy);
  ~World();

  // Runs the whole scenario once. `progress` (may be empty) gets the phase ("opening
  // stock", "day", "settling", which reports 0: how long it takes is unknown, then
  // "final checks") and the fraction of it done, from either of the world's threads
  // during the final checks.
  using Progress = std::function<void(const char* phase, double done)>;
  RunResult Run(const Progress& progress = {});

  // --- for the world's parts (workload, faults, strategies, checks) ---
  // An event runs in a stores' lane (the busier stores), in HQ's lane (HQ and the
  // quietest stores), or as the world's own, between windows (faults, checks, samples).
  const SimOptions& options() const { return options_; }
  // The sim time of the lane running now, or of the world between windows.
  int64_t now() const;
  int64_t duration_ms() const { return duration_ms_; }
  // The world's own events: they run between windows, with every lane stopped.
  EventQueue& world_queue() { return world_queue_; }
  // Runs `fn` at `at` in `store`'s lane. From another lane, `at` must lie beyond the
  // window running now (at least one latency ahead): it is queued when the window ends.
  void AtStore(int store, int64_t at, EventQueue::Fn fn);
  // AtStore, or for node -1 in HQ's lane: from HQ's lane or between windows only.
  void AtNode(int node, int64_t at, EventQueue::Fn fn);
  // The running lane's trace; between windows, the first lane's.
  Trace& trace();
  // Runs `fn` between windows, at the end of the one running now (at once between
  // windows): what a lane must do in another lane's part of the world.
  void AfterWindow(std::function<void()> fn);
  SimNetwork& net() { return net_; }
  Ledger& ledger() { return ledger_; }
  RunResult& result() { return result_; }
  std::mt19937_64& workload_rng() { return workload_rng_; }
  std::mt19937_64& fault_rng() { return fault_rng_; }
  int stores() const { return static_cast<int>(stores_.size()); }
  SimNode& store(int i) { return *stores_[i]; }
  SimNode& hq() { return *hq_; }
  OnlineOrderStrategy& strategy() { return *strategy_; }

  // Executes a request at `node`; an ok reply's effect goes into the ledger and the reply
  // into the trace hash. Returns the decoded reply. REQUIRES: node.up().
  Result<nlohmann::json> Call(SimNode& node, const std::string& op, const std::string& rid,
                              const nlohmann::json& args);
  // As Call at a node (-1: HQ). With again_after_ms >= 0 the node gets the same request
  // again that much later (a till or the online shop retrying after a timeout, though the
  // first answer reached it): the repeat must get the first answer's bytes and change
  // nothing (Redo). From the node's own lane, or for HQ between windows too. REQUIRES:
  // the node is up.
  Result<nlohmann::json> Call(int node, const std::string& op, const std::string& rid, const nlohmann::json& args,
                              int64_t again_after_ms);
  // Executes `request` at store i as kura-hq's call over the sync link (an online order
  // HQ routes to the store): traced, and its effect left out of the ledger, which learns of
  // the hold when HQ records it as the order (DecideRouted). From the store's lane or
  // between windows. REQUIRES: the store is up.
  std::string CallFromHq(int store, const ApiRequest& request);
  // HQ finishes `order` (an hq.order.place) it routed to a store, as kura-hq's OrderRouter
  // does: with the store's answer, or without one (it came too late); recorded and
  // repeated as Call(-1, ...) would. Between windows. REQUIRES: HQ is up.
  Result<nlohmann::json> DecideRouted(const ApiRequest& order, const RoutedDecision& decision,
                                      int64_t again_after_ms);
  // Call for each of `requests` at store i, as one commit group. REQUIRES: the store is up.
  void CallGroup(int store, const std::vector<ApiRequest>& requests);
  // A read (no rid, no ledger, not traced).
  Result<nlohmann::json> Read(SimNode& node, const std::string& op, const nlohmann::json& args);
  // Queues a mutating request for `store` that must eventually run (a transfer's arrival,
  // a till's retry after a crash); runs now when the store is up.
  void CallEventually(int store, const std::string& op, const std::string& rid,
                      const nlohmann::json& args);
  // Whether HQ and `store` can talk right now: both up and the link not cut.
  bool Reachable(int store) const;
  // Whether HQ sends the store its online orders (and a strategy's calls): Reachable, and
  // the store not having its disk replaced (kura-hq's HqSync::ReadyForCalls). From the
  // store's lane or between windows.
  bool ReadyForCalls(int store) const;
  // Whether the store's tills reach a back office that takes writes: up, and not having
  // its disk replaced (the tills wait while HQ catches up and while the data comes back).
  // From the store's lane or between windows.
  bool TakesTills(int store) const;
  // Runs fn(i) for every store i between windows, sharing the stores out between the
  // run's two threads when it has a second (each store on one of them; unlike windows,
  // not paced: a check holds far more work than a hand-over costs), else in order.
  // For work that touches store i's node and its part of the ledger only, and reads HQ's
  // database at most: not HQ's engine, not the trace, no Violation (collect per store,
  // report after). Progress may be reported through a thread-safe StepProgress.
  void ForEachStore(const std::function<void(int)>& fn);

  // Faults (world_faults.cc). A partition cuts `cut` off from HQ for for_ms, and counts as
  // one partition however many stores it cuts.
  void CrashStore(int i, int64_t down_ms, bool in_flight, bool applied);
  void CrashHq(int64_t down_ms);
  void CutStores(const std::vector<int>& cut, int64_t for_ms);
  void CutHq(int64_t for_ms);
  void ShiftClock(int i, int64_t offset_ms, bool jump, int64_t for_ms);
  // A store's disk is replaced (world_disks.cc), down for down_ms: its tills and online
  // orders stop, and once HQ holds everything it wrote and no client's retry to it is
  // still to come, it is wiped and restarts empty, taking writes again once HQ has sent
  // its data back. Called off (the disk kept) when HQ has not caught up within an hour,
  // the store crashes meanwhile, or the final heal comes first.
  void ReplaceStoreDisk(int i, int64_t down_ms);

  // Stops the run with a violation (the first one wins; of lanes' in one window, the
  // earlier, the first lane's on a tie).
  void Violation(const std::string& what);
  // Whether the run, or the lane running now, has stopped.
  bool stopped() const;

 private:
  // Traces an executed request's reply and, when ok, records its effect; returns the reply.
  Result<nlohmann::json> Record(SimNode& node, const ApiRequest& request, const std::string& bytes);
  // A store's hold.create reply must show a hold made at the store's clock now
  // (HoldMadeOutside): one stamped earlier expires early however long it lasts.
  void CheckMadeNow(SimNode& node, const std::string& op, const std::string& rid,
                    const Result<nlohmann::json>& reply);
  // Record, and with again_after_ms >= 0 the same request sent to the node again that much
  // later (Redo).
  Result<nlohmann::json> RecordAndRepeat(int node, const ApiRequest& request, const std::string& first,
                                         int64_t again_after_ms);
  SimNode* Node(int store) { return store < 0 ? hq_.get() : stores_[store].get(); }
  std::string PeerOf(SimNode& node, int store) { return node.hq() ? stores_[store]->id() : hq_->id(); }
  // Sends what `node`'s session for `store`'s link has queued, and re-arms its timer.
  void Flush(SimNode& node, int store);
  void Arm(SimNode& node, int store, int64_t at);
  void OnTimer(SimNode& node, int store, uint64_t token, uint64_t incarnation);
  // Records a fault of `node` (-1: HQ) from now, for the plot's timeline.
  void Span(int node, FaultSpan::Kind kind, int64_t for_ms);
  // Whether the receiver took the message (false: it is down, or restarted since the send).
  bool Deliver(int store, bool to_hq, uint64_t incarnation, const std::string& bytes);
  // After a local write at `node` that `store`'s link should carry soon.
  void Poke(SimNode& node, int store);
  // The link of `store` came (back) up: wake both ends, and tell the strategy.
  void LinkUp(int store);
  void RestartStore(int i);
  void RestartHq();
  // ReplaceStoreDisk's wait, looked at again every few seconds until `give_up_at`.
  void WipeWhenHqHoldsAll(int i, int64_t down_ms, int64_t give_up_at);
  // Ends store i's replacement with its disk kept, `why` for the trace.
  void CallOffReplacement(int i, const std::string& why);
  // After a message reached store i: a restore done ends (world_disks.cc).
  void EndRestoreIfBack(int i);
  // Whether HQ (up) holds both of store i's lanes up to the store's heads. REQUIRES: the
  // store is up.
  bool HqHoldsAllOf(int i);
  // The requests owed to store i (pending_), run now that it takes writes.
  void RunOwed(int i);
  // Repeats of requests to a node (-1: HQ) queued and not yet sent.
  int64_t RepeatsToCome(int node) const {
    return repeats_queued_[Slot(node)] - repeats_answered_[Slot(node)] - repeats_node_down_[Slot(node)];
  }
  // A request owed to a store: to run once it is up, and what it answered before, if the
  // store ran it already and the till never saw the answer (empty otherwise).
  struct OwedRequest {
    ApiRequest request;
    std::string first_reply;
  };
  // Runs a request a node (-1: HQ) answered before with `first` again, as a client
  // retrying it: the answer must be the same bytes. `seen`: the ledger has the first
  // answer already; otherwise (a crash took it) this answer is the one the client learns.
  void Redo(int node, const ApiRequest& request, const std::string& first, bool seen);
  void ExpiryJob(int i);
  // One of HQ's periodic jobs: `op` now and every `every_ms`, traced with the count its
  // reply gives under `counted` when that is not 0 ("hq <counted> <n> <what>").
  void HqJob(const char* op, const char* counted, const char* what, int64_t every_ms);
  // A node's request-id pruning, as the daemons run it (node -1: HQ).
  void PruneJob(int node);
  void TakeSample();
  void FinalHeal();
  bool Quiescent();
  // Whether HQ (up) has routed holds queued for its release job (routed_calls.h), or
  // cannot tell.
  bool HqReleasing();

  // One lane's events, trace and first violation.
  struct Lane {
    int index = 0;  // its list of messages sent (SimNetwork)
    double busy_s = 0;  // wall time spent running it
    EventQueue queue;
    Trace trace;
    std::string violation;
    int64_t violation_at = 0;
    std::vector<std::function<void()>> after_window;  // World::AfterWindow
  };
  Lane& LaneOf(int store) { return *lane_of_store_[store]; }
  // Runs every event of `lane` before `end`, as that lane.
  void RunLane(Lane& lane, int64_t end);
  // Runs every lane up to `end` (with side_, when the run has one and the pacer agrees,
  // HQ's lane there and the stores' lanes shared out between the threads), then settles
  // the window: messages handed over, violations taken, what the lanes left for the
  // window's end run.
  void RunWindow(int64_t end);
  // On the side thread, before its work: the per-thread settings the main thread has.
  void SetUpSideThread() const;
  double LanesBusy() const;  // the lanes' busy_s, summed
  void HandOverMessages();

  // The lane this thread is running, null between windows.
  static thread_local Lane* running_;

  SimOptions options_;
  int64_t duration_ms_;
  int64_t window_ms_;
  std::unique_ptr<rocksdb::Env> env_;
  // The stores' lanes, then HQ's (a lane's index is its place here).
  std::vector<std::unique_ptr<Lane>> lanes_;
  Lane* hq_lane_;
  std::vector<Lane*> lane_of_store_;  // per store: the lane it runs in
  std::vector<Lane*> due_;  // RunWindow's: the stores' lanes with events due
  class SideThread* side_ = nullptr;  // Run's second thread, while it has one
  EventQueue world_queue_;
  std::mt19937_64 workload_rng_, fault_rng_;
  SimNetwork net_;
  Ledger ledger_;
  std::vector<std::unique_ptr<SimNode>> stores_;
  std::unique_ptr<SimNode> hq_;
  std::vector<std::vector<OwedRequest>> pending_;  // per store: requests owed to it
  StorageLog* storage_log_ = nullptr;  // result_.storage_log's, when recording
  // Per store, written between windows only: its disk is to be replaced
  // (ReplaceStoreDisk), waiting for HQ to catch up.
  std::vector<bool> draining_;
  // Per node, the stores then HQ, each written by the node's lane or between windows:
  // repeats queued, answered, and not sent as the node was down; request ids pruned.
  std::vector<int64_t> repeats_queued_, repeats_answered_, repeats_node_down_, pruned_;
  int Slot(int node) const { return node < 0 ? stores() : node; }
  std::unique_ptr<OnlineOrderStrategy> strategy_;
  SidePacer side_pacer_;  // whether a window uses the second thread
  std::unique_ptr<Workload> workload_;
  std::unique_ptr<Invariants> invariants_;
  RunResult result_;
  bool healed_ = false;
};

// Which stores run in HQ's lane: the quietest, from the last, as long as they carry no
// more than `share` of the stores' work. A store's work is counted as its share of the
// operations and an even share of the per-store jobs (timers, expiry and grant jobs,
// heartbeats), half and half; `ops_share` is each store's share of the operations.
std::vector<bool> StoresForHqLane(const std::vector<double>& ops_share, double share);
// The lane of each store: `lanes` (HQ's) for those StoresForHqLane(ops_share, hq_share)
// picks; the others spread over lanes 0 to lanes-1, busiest first, each to the lane with
// the least work so far (the lowest on a tie). REQUIRES: lanes >= 1.
std::vector<int> StoreLanes(const std::vector<double>& ops_share, double hq_share, int lanes);

// The id kura-sim gives store `i`: "store-000", "store-001", ...
std::string StoreId(int i);

}  // namespace kura::sim
