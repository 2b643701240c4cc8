#include "world.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>

#include <rocksdb/env.h>

#include "faults.h"
#include "invariants.h"
#include "kura/schema/api.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "kura/sync/pn_counter.h"
#include "routed_calls.h"
#include "side_thread.h"
#include "strategy.h"
#include "workload.h"

namespace kura::sim {

using nlohmann::json;

namespace {

// 2026-11-23 00:00 UTC: the world's epoch; node clocks read this plus sim time and skew.
constexpr int64_t kEpochMs = 1'795'392'000'000;
constexpr int64_t kPushDelayMs = 100;      // a local write reaches the session this soon
constexpr int64_t kExpiryEveryMs = 60'000;  // every node's minute job: expiries and grants, HQ's returns
constexpr int64_t kReleaseEveryMs = 5'000;  // HQ's release of routed holds (kura-hq's period)
// Every node forgets request ids past its retention (24 h) this often. The daemons do it
// every 10 minutes; once a node's ids can be due (after its first day) each pass reads
// them all, so a multi-day world at scale would read each store's ids 144 times a day to
// forget what 24 passes forget.
constexpr int64_t kPruneEveryMs = 3'600'000;
// A pass reads 64 ids a step (SimNode's prune_step_ids), the next step this much later, so
// that requests land between a pass's steps, as they do between a daemon's.
constexpr int64_t kPruneStepGapMs = 1000;
// A sync batch's component bytes, at most: far below the daemons' (kMaxBatchBytes), so
// that a store's changes fill several batches in a small world too and the paths of a full
// batch run (a bug that skipped a full batch's rest went unseen at the default size).
constexpr std::size_t kBatchBytes = 8 << 10;
// After the final heal, sync is checked for quiet every this many steps (windows or the
// world's own events): a check reads every store.
constexpr uint64_t kStepsPerQuietCheck = 16;

// How soon after the final heal sync must go quiet: 6 h, or longer when the network is slow
// or lossy. 64 link latencies: a message may take two, a change crosses HQ to reach another
// store, and quiet is looked for every kStepsPerQuietCheck steps, each up to a latency long.
// 64 heartbeats for each exchange that gets through: a lost message waits for a retransmit
// or a heartbeat, and a message and its reply both arrive with (1 - drop)^2 (kura-sim at 90%
// dropped went quiet within 300 heartbeats, against the 6,400 this allows).
int64_t QuiesceWithinMs(const SimOptions& options) {
  const double drop = options.faults ? options.drop : 0;
  const double heartbeats = 64 / ((1 - drop) * (1 - drop));
  return std::max({int64_t{6} * 3600 * 1000, 64 * options.latency_ms,
                   static_cast<int64_t>(heartbeats * static_cast<double>(options.heartbeat_ms))});
}

// The stores' lanes a world runs, HQ's lane coming after them: --store-lanes, but at least
// one and no more than the stores outside HQ's lane (an empty lane would change nothing
// but the trace hash).
int StoreLaneCount(const SimOptions& options) {
  std::vector<bool> in_hq_lane = StoresForHqLane(Workload::StoreShares(options), options.hq_lane_stores_share);
  int others = static_cast<int>(std::count(in_hq_lane.begin(), in_hq_lane.end(), false));
  return std::clamp(options.store_lanes, 1, std::max(1, others));
}

}  // namespace

std::string StoreId(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "store-%03d", i);
  return buf;
}

const char* StrategyName(StrategyKind kind) {
  switch (kind) {
    case StrategyKind::kEscrow: return "escrow";
    case StrategyKind::kLastKnown: return "last-known";
    case StrategyKind::kStrong: return "strong";
  }
  return "?";
}

World::World(const SimOptions& options, StrategyKind strategy)
    : options_(options),
      duration_ms_(static_cast<int64_t>(options.days * 86'400'000)),
      // A message sent in a window arrives after it: no message takes less than the latency.
      window_ms_(std::max<int64_t>(1, options.latency_ms)),
      env_(rocksdb::NewMemEnv(rocksdb::Env::Default())),
      workload_rng_(DeriveSeed(options.seed, 1)),
      fault_rng_(DeriveSeed(options.seed, 2)),
      net_(options.stores, NetOptions{options.latency_ms, options.drop, options.duplicate, options.reorder},
           DeriveSeed(options.seed, 3), /*senders=*/StoreLaneCount(options) + 1),
      ledger_(options.stores),
      pending_(options.stores),
      draining_(options.stores),
      repeats_queued_(options.stores + 1),
      repeats_answered_(options.stores + 1),
      repeats_node_down_(options.stores + 1),
      pruned_(options.stores + 1),
      strategy_(MakeStrategy(strategy, options.stores)),
      side_pacer_(options.pace_threads) {
  for (int i = 0; i <= StoreLaneCount(options); ++i) {
    lanes_.push_back(std::make_unique<Lane>());
    if (options.keep_trace) lanes_.back()->trace = Trace(std::numeric_limits<std::size_t>::max());
    lanes_.back()->index = i;
  }
  hq_lane_ = lanes_.back().get();
  SessionOptions session;
  session.heartbeat_ms = options.heartbeat_ms;
  session.batch_bytes = kBatchBytes;
  session.peer_timeout_ms = std::max<int64_t>(session.peer_timeout_ms, 3 * options.heartbeat_ms);
  for (int i = 0; i < options.stores; ++i) {
    stores_.push_back(std::make_unique<SimNode>(StoreId(i), i, env_.get(), kEpochMs, session));
    stores_.back()->restore_new_disks = !options.skip_restore;
    result_.store_ids.push_back(StoreId(i));
  }
  hq_ = std::make_unique<SimNode>(std::string(kHqOrigin), -1, env_.get(), kEpochMs, session);
  if (options.record_storage) {
    options_.threads = 1;  // the log keeps one order for every node's requests
    // Node indexes as in result_.storage: the stores, then HQ.
    auto log = std::make_shared<StorageLog>();
    storage_log_ = log.get();
    for (int i = 0; i <= options.stores; ++i) {
      (i < options.stores ? *stores_[i] : *hq_).set_storage_observer(log->ForNode(static_cast<uint32_t>(i)));
    }
    result_.storage_log = std::move(log);
  }
  net_.set_faulty(options.faults);
  if (!options.faults) options_.late_answers = 0;  // a perfect network answers in time
  result_.seed = options.seed;
  result_.strategy = StrategyName(strategy);
  workload_ = std::make_unique<Workload>(this);
  invariants_ = std::make_unique<Invariants>(this);
  for (int lane : StoreLanes(Workload::StoreShares(options), options.hq_lane_stores_share, hq_lane_->index)) {
    lane_of_store_.push_back(lanes_[lane].get());
    result_.stores_in_hq_lane += lane == hq_lane_->index ? 1 : 0;
  }
  result_.store_lanes = hq_lane_->index;
}

World::~World() {
  // Nodes close their databases before the environment that holds them goes.
  stores_.clear();
  hq_.reset();
}

int64_t World::now() const { return running_ != nullptr ? running_->queue.now() : world_queue_.now(); }

Trace& World::trace() { return running_ != nullptr ? running_->trace : lanes_.front()->trace; }

void World::Violation(const std::string& what) {
  if (stopped()) return;
  trace().Add(now(), "VIOLATION " + what);
  if (running_ != nullptr) {
    // The lane stops; the run stops when the window ends.
    running_->violation = what;
    running_->violation_at = now();
    return;
  }
  result_.ok = false;
  result_.violation = what;
  result_.violation_at_ms = now();
}

bool World::stopped() const { return !result_.ok || (running_ != nullptr && !running_->violation.empty()); }

bool World::Reachable(int store) const {
  return net_.Connected(store) && stores_[store]->up() && hq_->up();
}

bool World::ReadyForCalls(int store) const { return Reachable(store) && TakesTills(store); }

bool World::TakesTills(int store) const {
  return stores_[store]->takes_writes() && !draining_[store];
}

void World::Arm(SimNode& node, int store, int64_t at) {
  SimNode::Timer& timer = node.timers[PeerOf(node, store)];
  if (timer.at >= 0 && timer.at <= at) return;
  timer.at = at;
  uint64_t token = ++timer.token;
  uint64_t incarnation = node.incarnation();
  (node.hq() ? *hq_lane_ : LaneOf(store)).queue.At(at, [this, &node, store, token, incarnation] {
    OnTimer(node, store, token, incarnation);
  });
}

void World::OnTimer(SimNode& node, int store, uint64_t token, uint64_t incarnation) {
  if (!node.up() || node.incarnation() != incarnation) return;
  SimNode::Timer& timer = node.timers[PeerOf(node, store)];
  if (timer.token != token) return;
  timer.at = -1;
  // A cut link sleeps until LinkUp wakes it: nothing it sends could arrive.
  if (!Reachable(store)) return;
  node.SetTime(now());
  node.session(PeerOf(node, store))->Tick(node.LocalNow());
  Flush(node, store);
}

void World::Flush(SimNode& node, int store) {
  SyncSession* session = node.session(PeerOf(node, store));
  if (session == nullptr) return;
  bool to_hq = !node.hq();
  for (auto& bytes : session->TakeOutbox()) {
    uint64_t incarnation = to_hq ? hq_->incarnation() : stores_[store]->incarnation();
    int sender = running_ != nullptr ? running_->index : 0;
    net_.Send(sender, now(), store, to_hq, std::move(bytes), [this, store, to_hq, incarnation](const std::string& b) {
      return Deliver(store, to_hq, incarnation, b);
    });
  }
  int64_t next = node.SimTimeOf(session->NextTimerMs());
  Arm(node, store, std::max(next, now() + 1));
}

bool World::Deliver(int store, bool to_hq, uint64_t incarnation, const std::string& bytes) {
  SimNode& node = to_hq ? *hq_ : *stores_[store];
  // A message to a node that crashed since it was sent died with the connection.
  if (!node.up() || node.incarnation() != incarnation) return false;
  node.SetTime(now());
  trace().Mix(bytes);
  SyncSession* session = node.session(PeerOf(node, store));
  session->Receive(bytes, node.LocalNow());
  if (!session->stats().last_error.empty() && session->stats().last_error.find("clock") == std::string::npos &&
      session->stats().rejected > 0) {
    Violation(node.id() + " refused sync from " + PeerOf(node, store) + ": " + session->stats().last_error);
  }
  if (!to_hq && node.restoring()) EndRestoreIfBack(store);
  Flush(node, store);
  return true;
}

void World::Poke(SimNode& node, int store) {
  if (!node.up()) return;
  Arm(node, store, now() + kPushDelayMs);
}

void World::LinkUp(int store) {
  if (!Reachable(store)) return;
  Arm(*stores_[store], store, now() + 1);
  Arm(*hq_, store, now() + 1);
  if (ReadyForCalls(store)) strategy_->OnLinkUp(*this, store);
}

void World::ExpiryJob(int i) {
  SimNode& node = *stores_[i];
  // A store getting its data back writes nothing: kura-store's jobs skip it
  // (ScheduleOpJob, Engine::ExpireDueHolds) and so does this one.
  if (node.takes_writes()) {
    node.SetTime(now());
    auto expired = options_.skip_expiry ? Result<int>(0) : node.engine()->ExpireDueHolds();
    if (!expired.ok()) return Violation(node.id() + " expiry failed: " + expired.status().ToString());
    if (*expired > 0) {
      trace().Add(now(), node.id() + " expired " + std::to_string(*expired) + " holds");
      Poke(node, i);
    }
    // The store's allotment job, as kura-store runs it (a no-op without a policy).
    auto granted = DecodeReply(node.Execute("escrow.grant", "", json::object()));
    if (!granted.ok()) return Violation(node.id() + " escrow.grant failed: " + granted.status().ToString());
    if ((*granted)["granted"].get<int64_t>() > 0) Poke(node, i);
  }
  if (!stopped()) LaneOf(i).queue.At(now() + kExpiryEveryMs, [this, i] { ExpiryJob(i); });
}

void World::HqJob(const char* op, const char* counted, const char* what, int64_t every_ms) {
  if (hq_->up()) {
    hq_->SetTime(now());
    auto reply = DecodeReply(hq_->Execute(op, "", json::object()));
    if (!reply.ok()) return Violation(std::string(op) + " failed: " + reply.status().ToString());
    int64_t n = (*reply)[counted].get<int64_t>();
    if (n > 0) trace().Add(now(), std::string("hq ") + counted + " " + std::to_string(n) + " " + what);
  }
  if (!stopped()) {
    hq_lane_->queue.At(now() + every_ms, [this, op, counted, what, every_ms] { HqJob(op, counted, what, every_ms); });
  }
}

void World::PruneJob(int node_index) {
  SimNode& node = *Node(node_index);
  bool pass_done = true;
  if (node.up()) {
    node.SetTime(now());
    auto step = node.engine()->PruneRequestIds();
    if (!step.ok()) return Violation(node.id() + " request-id pruning failed: " + step.status().ToString());
    pruned_[Slot(node_index)] += step->pruned;
    if (step->pruned > 0) trace().Add(now(), node.id() + " pruned " + std::to_string(step->pruned) + " request ids");
    pass_done = step->done;
  }
  if (stopped()) return;
  AtNode(node_index, now() + (pass_done ? kPruneEveryMs : kPruneStepGapMs), [this, node_index] { PruneJob(node_index); });
}

void World::TakeSample() {
  Sample sample;
  sample.at_ms = now();
  // With HQ down no lag is known.
  sample.lag.assign(stores(), std::nullopt);
  if (hq_->up()) sample.largest_lag = 0;
  for (int i = 0; i < stores() && hq_->up(); ++i) {
    SimNode& store = *stores_[i];
    auto held = hq_->replica()->Held(store.id());
    auto behind = [&](uint64_t head) {
      return std::max<int64_t>(0, static_cast<int64_t>(head) - static_cast<int64_t>(held->Get(store.id())));
    };
    std::optional<int64_t> lag_of_largest;
    if (!held.ok()) {
      // Not known.
    } else if (store.takes_writes()) {
      auto head = store.replica()->Head();
      if (head.ok()) sample.lag[i] = lag_of_largest = behind(*head);
    } else {
      // Getting its data back, it holds less than HQ does of it: not a lag. Down, it
      // holds what it held as it went down, none after its disk was replaced.
      lag_of_largest = store.up() || !store.head_when_down() ? 0 : behind(*store.head_when_down());
    }
    if (!lag_of_largest) sample.largest_lag.reset();
    else if (sample.largest_lag) sample.largest_lag = std::max(*sample.largest_lag, *lag_of_largest);
  }
  if (stores_[0]->takes_writes()) {
    auto view = Read(*stores_[0], "stock.get", {{"sku", Workload::Sku(0)}});
    if (view.ok()) sample.atp_store = (*view)["on_hand"].get<int64_t>() - (*view)["held"].get<int64_t>();
  }
  if (hq_->up()) {
    auto view = Read(*hq_, "hq.stock", {{"sku", Workload::Sku(0)}});
    if (view.ok()) {
      for (const auto& entry : (*view)["stores"]) {
        if (entry["store"] == stores_[0]->id()) sample.atp_hq = entry["atp"].get<int64_t>();
      }
    }
  }
  result_.samples.push_back(std::move(sample));
}

bool World::HqReleasing() {
  if (!hq_->up()) return false;
  Txn txn(hq_->engine()->db());
  auto releasing = ReleasesQueued(txn);
  return !releasing.ok() || *releasing;
}

bool World::Quiescent() {
  if (!hq_->up() || strategy_->Pending() > 0) return false;
  auto hq_head = hq_->replica()->Head();
  if (!hq_head.ok()) return false;
  if (HqReleasing()) return false;
  for (int i = 0; i < stores(); ++i) {
    SimNode& node = *stores_[i];
    if (!node.up() || node.restoring() || !HqHoldsAllOf(i)) return false;
    auto from_hq = node.replica()->Held(hq_->id());
    if (!from_hq.ok() || from_hq->Get(hq_->id()) < *hq_head) return false;
  }
  return true;
}

bool World::HqHoldsAllOf(int i) {
  SimNode& node = *stores_[i];
  if (!hq_->up()) return false;
  // Receipts travel in their own lane, behind the cells: both must have arrived.
  std::string journal = keys::JournalLane(node.id());
  auto head = node.replica()->Head();
  auto journal_head = node.replica()->LaneHead(journal);
  auto at_hq = hq_->replica()->Held(node.id());
  if (!head.ok() || !journal_head.ok() || !at_hq.ok()) return false;
  return at_hq->Get(node.id()) == *head && at_hq->Get(journal) == *journal_head;
}

RunResult World::Run(const Progress& progress) {
  // --break-merge for this world's thread, off again however the run ends.
  struct BrokenMerge {
    explicit BrokenMerge(bool on) { TEST_SetBrokenPnMerge(on); }
    ~BrokenMerge() { TEST_SetBrokenPnMerge(false); }
  } broken_merge(options_.break_merge);
  if (Status s = hq_->Open(result_.store_ids); !s.ok()) {
    Violation("hq failed to open: " + s.ToString());
    return result_;
  }
  for (int i = 0; i < stores(); ++i) {
    if (Status s = stores_[i]->Open({hq_->id()}); !s.ok()) {
      Violation(stores_[i]->id() + " failed to open: " + s.ToString());
      return result_;
    }
  }
  result_.strategy_available = strategy_->Available(*this);
  if (!result_.strategy_available) return result_;
  workload_->Start([&](double done) {
    if (progress) progress("opening stock", done);
  });
  for (int i = 0; i < stores(); ++i) {
    stores_[i]->SetTime(0);
    stores_[i]->session(hq_->id())->Start(stores_[i]->LocalNow());
    Flush(*stores_[i], i);
    hq_->SetTime(0);
    hq_->session(stores_[i]->id())->Start(hq_->LocalNow());
    Flush(*hq_, i);
    int64_t stagger = kExpiryEveryMs * i / std::max(1, stores());
    LaneOf(i).queue.At(stagger, [this, i] { ExpiryJob(i); });
    AtNode(i, kPruneEveryMs + stagger, [this, i] { PruneJob(i); });
  }
  // HQ's jobs, as kura-hq runs them (at other periods for the allotment return): what they
  // write reaches the stores with their sessions' next push. The allotment return gives
  // back what HQ holds beyond a store's policy; the release cancels the holds stores made
  // for routed orders HQ did not record (routed_calls.h).
  hq_lane_->queue.At(kExpiryEveryMs / 2,
                     [this] { HqJob("hq.escrow.return", "returned", "allotted units", kExpiryEveryMs); });
  hq_lane_->queue.At(kReleaseEveryMs, [this] {
    HqJob("hq.orders.release", "released", "routed holds it did not record", kReleaseEveryMs);
  });
  AtNode(-1, kPruneEveryMs + kExpiryEveryMs / 2, [this] { PruneJob(-1); });
  if (options_.faults) ScheduleFaults(*this);
  int64_t sample_every = std::max<int64_t>(1000, duration_ms_ / std::max(1, options_.plot_samples));
  for (int64_t t = 0; t <= duration_ms_; t += sample_every) world_queue_.At(t, [this] { TakeSample(); });
  for (int c = 1; c <= options_.checks; ++c) {
    world_queue_.At(duration_ms_ * c / (options_.checks + 1), [this] { invariants_->CheckDuringRun(); });
  }
  world_queue_.At(duration_ms_, [this] { FinalHeal(); });
  HandOverMessages();

  std::optional<SideThread> side;
  if (options_.threads > 1) side_ = &side.emplace();
  struct ForgetSide {
    SideThread*& side;
    ~ForgetSide() { side = nullptr; }
  } forget_side{side_};  // however Run ends, before `side` goes
  int64_t deadline = duration_ms_ + QuiesceWithinMs(options_);
  uint64_t steps = 0;
  while (!stopped()) {
    if (healed_ && ++steps % kStepsPerQuietCheck == 0 && Quiescent()) {
      result_.quiescent_after_ms = now() - duration_ms_;
      break;
    }
    int64_t next = std::min(world_queue_.next_at(), workload_->next_at());
    for (const auto& l : lanes_) next = std::min(next, l->queue.next_at());
    if (next > deadline) {
      if (healed_ && !Quiescent()) {
        std::string also;  // what else quiet waits for
        if (HqReleasing()) also = "; hq still has routed holds queued for release";
        if (strategy_->Pending() > 0) also += "; " + std::to_string(strategy_->Pending()) + " orders unsettled";
        for (const auto& store : stores_) {
          if (store->restoring()) also += "; " + store->id() + " still getting its data back from hq";
        }
        Violation("sync did not go quiet within " + FormatSimTime(QuiesceWithinMs(options_)) +
                  " of the final heal (the longest of 6 h, 64 latencies, and 64 heartbeats for each message "
                  "and reply that gets through --drop)" + also);
      } else if (healed_) {
        result_.quiescent_after_ms = now() - duration_ms_;  // quiet, found at the deadline
      }
      break;
    }
    if (world_queue_.next_at() == next) {
      // The world's own events come first at their time, with every lane stopped before it.
      while (!stopped() && world_queue_.RunNext(next)) {
      }
      HandOverMessages();
      continue;
    }
    int64_t end = std::min({next + window_ms_, world_queue_.next_at(), deadline + 1});
    workload_->DrawUntil(end);
    RunWindow(end);
    if (progress && result_.windows % 256 == 0) {
      // After the day, sync settles for as long as it takes: no share to report.
      if (now() < duration_ms_) {
        progress("day", static_cast<double>(now()) / duration_ms_);
      } else {
        progress("settling", 0);
      }
    }
  }
  if (!stopped()) {
    if (progress) progress("final checks", 0);
    TakeSample();
    invariants_->CheckAtEnd([&](double done) {
      if (progress) progress("final checks", done);
    });
  }
  result_.sim_ms = now();
  result_.events = world_queue_.executed();
  std::vector<const Trace*> traces;
  for (const auto& l : lanes_) {
    result_.events += l->queue.executed();
    traces.push_back(&l->trace);
  }
  result_.trace_hash = Trace::JoinedHash(traces);
  result_.trace_tail = Trace::Tail(traces, Trace::kKeptByDefault);
  if (options_.keep_trace) result_.trace = Trace::Merged(traces);
  result_.net = net_.stats();
  result_.orders = strategy_->stats();
  result_.ops_done = workload_->done();
  result_.ops_skipped = workload_->skipped();
  result_.collections = workload_->collections();
  result_.phone_holds = workload_->phone_holds();
  result_.holds_own_lifetime = ledger_.own_lifetime_holds();
  result_.ops_drawn = workload_->drawn();
  for (int i = 0; i <= stores(); ++i) {
    result_.repeats_answered += repeats_answered_[i];
    result_.repeats_node_down += repeats_node_down_[i];
    result_.repeats_left_at_end += RepeatsToCome(i == stores() ? -1 : i);
    result_.request_ids_pruned += pruned_[i];
  }
  if (!stopped() && result_.repeats_answered > 0) {
    result_.invariants.push_back("every request sent again (a client's retry) answered as the first time");
  }
  result_.hq_lane_s = hq_lane_->busy_s;
  result_.stores_lane_s = LanesBusy() - result_.hq_lane_s;
  result_.components_synced = hq_->ComponentsReceived();
  if (hq_->up()) result_.hq_footprint_mb = hq_->Footprint().total() / 1e6;
  for (int i = 0; i <= stores(); ++i) {
    SimNode& node = i < stores() ? *stores_[i] : *hq_;
    result_.storage.push_back(NodeStorage{node.Work(), node.cache_mb()});
  }
  return result_;
}

}  // namespace kura::sim
