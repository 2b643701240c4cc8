#include "world.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <stdexcept>

#include <rocksdb/perf_level.h>

#include "kura/sync/pn_counter.h"
#include "side_thread.h"

// The world's lanes (world.h, "Lanes"): which lane each store's events run in, and how
// a window runs the lanes, one after the other or shared with the side thread.
namespace kura::sim {

namespace {

// A store's share of the stores' work (StoresForHqLane).
double StoreWork(const std::vector<double>& ops_share, std::size_t i) {
  return (ops_share[i] + 1.0 / static_cast<double>(ops_share.size())) / 2;
}

}  // namespace

std::vector<bool> StoresForHqLane(const std::vector<double>& ops_share, double share) {
  std::vector<bool> in_hq_lane(ops_share.size(), false);
  double taken = 0;
  for (std::size_t i = ops_share.size(); i-- > 0;) {
    taken += StoreWork(ops_share, i);
    if (taken > share) break;
    in_hq_lane[i] = true;
  }
  return in_hq_lane;
}

std::vector<int> StoreLanes(const std::vector<double>& ops_share, double hq_share, int lanes) {
  if (lanes < 1) throw std::invalid_argument("StoreLanes: no lane for the stores");
  std::vector<bool> in_hq_lane = StoresForHqLane(ops_share, hq_share);
  std::vector<std::size_t> busiest_first(ops_share.size());
  std::iota(busiest_first.begin(), busiest_first.end(), std::size_t{0});
  std::stable_sort(busiest_first.begin(), busiest_first.end(),
                   [&](std::size_t a, std::size_t b) { return ops_share[a] > ops_share[b]; });
  std::vector<int> lane(ops_share.size(), lanes);
  std::vector<double> load(lanes, 0.0);
  for (std::size_t i : busiest_first) {
    if (in_hq_lane[i]) continue;
    int least = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    lane[i] = least;
    load[least] += StoreWork(ops_share, i);
  }
  return lane;
}

thread_local World::Lane* World::running_ = nullptr;

void World::AtStore(int store, int64_t at, EventQueue::Fn fn) {
  Lane& target = LaneOf(store);
  if (running_ == nullptr || running_ == &target) return target.queue.At(at, std::move(fn));
  if (at < now() + window_ms_) throw std::logic_error("World::AtStore: another lane's event within the window");
  AfterWindow([&target, at, fn = std::move(fn)]() mutable { target.queue.At(at, std::move(fn)); });
}

void World::AtNode(int node, int64_t at, EventQueue::Fn fn) {
  if (node >= 0) return AtStore(node, at, std::move(fn));
  if (running_ != nullptr && running_ != hq_lane_) throw std::logic_error("World::AtNode: HQ's event from a stores' lane");
  hq_lane_->queue.At(at, std::move(fn));
}

void World::AfterWindow(std::function<void()> fn) {
  if (running_ == nullptr) return fn();
  running_->after_window.push_back(std::move(fn));
}

void World::RunLane(Lane& lane, int64_t end) {
  struct Running {
    explicit Running(Lane* lane) : lane(lane), start(std::chrono::steady_clock::now()) { running_ = lane; }
    ~Running() {
      running_ = nullptr;
      lane->busy_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    Lane* lane;
    std::chrono::steady_clock::time_point start;
  } running(&lane);
  while (!stopped() && lane.queue.RunNext(end - 1)) {
  }
}

void World::RunWindow(int64_t end) {
  due_.clear();
  for (std::size_t i = 0; i + 1 < lanes_.size(); ++i) {
    if (lanes_[i]->queue.next_at() < end) due_.push_back(lanes_[i].get());
  }
  bool hq_due = hq_lane_->queue.next_at() < end;
  ++result_.windows;
  // With a side thread, HQ's lane always runs there (unless the pacer has sent windows
  // back to one thread), even when no stores' lane has anything due: HQ's data
  // (memtables, caches: hundreds of MB at scale) then stays with one core. Running it on
  // whichever thread was free cost more than the overlap gained (SCALE.md, twelfth stop).
  // The stores' lanes go to whichever thread is free; a lane's events never depend on
  // another's within a window, so who runs it does not matter.
  auto run_store_lane = [&](int i) { RunLane(*due_[i], end); };
  int due = static_cast<int>(due_.size());
  if (side_ != nullptr && (hq_due || due > 1) && side_pacer_.UseSide()) {
    ++result_.windows_on_side_thread;
    auto start = std::chrono::steady_clock::now();
    double work_before = LanesBusy();
    result_.store_lanes_on_side_thread += ShareOut(side_, due, run_store_lane, [&] {
      SetUpSideThread();
      if (hq_due) RunLane(*hq_lane_, end);
    });
    side_pacer_.Record(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                       LanesBusy() - work_before);
  } else {
    for (int i = 0; i < due; ++i) run_store_lane(i);
    if (hq_due) RunLane(*hq_lane_, end);
  }
  world_queue_.set_now(end);
  HandOverMessages();
  const Lane* first = nullptr;
  for (const auto& l : lanes_) {
    if (!l->violation.empty() && (first == nullptr || l->violation_at < first->violation_at)) first = l.get();
  }
  if (first != nullptr) {
    result_.ok = false;
    result_.violation = first->violation;
    result_.violation_at_ms = first->violation_at;
    return;
  }
  for (const auto& l : lanes_) {
    std::vector<std::function<void()>> left;
    left.swap(l->after_window);
    for (auto& fn : left) {
      if (!stopped()) fn();
    }
  }
  HandOverMessages();
}

void World::ForEachStore(const std::function<void(int)>& fn) {
  // Unpaced: a handful of hand-overs per check, each with a store's worth of work or more.
  ShareOut(side_, stores(), fn, [this] { SetUpSideThread(); });
}

void World::SetUpSideThread() const {
  // Per-thread settings, as the main thread has them: --break-merge, and RocksDB's perf
  // counting off (Db::Open turns it off only on the thread that opens).
  TEST_SetBrokenPnMerge(options_.break_merge);
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
}

double World::LanesBusy() const {
  double busy = 0;
  for (const auto& l : lanes_) busy += l->busy_s;
  return busy;
}

void World::HandOverMessages() {
  net_.HandOver([this](int store, bool to_hq) { return to_hq ? &hq_lane_->queue : &LaneOf(store).queue; });
}

}  // namespace kura::sim
