#include "storage_floor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <queue>
#include <random>
#include <string>

#include <rocksdb/env.h>
#include <rocksdb/write_batch.h>

namespace kura::sim {
namespace {

// kura's keys run from ~15 bytes (meta) to ~40 (cells); batch records add ~4 bytes each.
constexpr std::size_t kKeyBytes = 24;
constexpr std::size_t kRecordOverhead = 4;
constexpr std::size_t kBatchHeader = 12;

// The share of `total` that falls to step `k` of `steps`, spread evenly, summing to total.
uint64_t ShareOf(uint64_t total, uint64_t steps, uint64_t k) {
  return (k + 1) * total / steps - k * total / steps;
}

class NodeReplay {
 public:
  NodeReplay(const NodeStorage& node, std::unique_ptr<Db> db, uint64_t seed)
      : node_(node), db_(std::move(db)), rng_(seed), keyspace_(std::max<uint64_t>(1, node.keys_held)) {
    const Db::Work& w = node.work;
    uint64_t payload = w.bytes_written > kBatchHeader * w.synced_writes ? w.bytes_written - kBatchHeader * w.synced_writes : 0;
    uint64_t per_key = w.keys_written > 0 ? payload / w.keys_written : 0;
    value_bytes_ = per_key > kKeyBytes + kRecordOverhead ? per_key - kKeyBytes - kRecordOverhead : 1;
    // Incompressible, as encoded records mostly are; each value starts somewhere else in it.
    noise_.resize(value_bytes_ + 256);
    for (char& c : noise_) c = static_cast<char>(rng_());
  }

  uint64_t writes() const { return node_.work.synced_writes; }
  // One per write; a node that only read still takes one step.
  uint64_t steps() const {
    const Db::Work& w = node_.work;
    return std::max<uint64_t>(writes(), w.point_reads + w.scans > 0 ? 1 : 0);
  }
  bool finished() const { return step_ >= steps(); }

  // The node's next write, and the reads and scans that fall to it.
  Status Step() {
    const Db::Work& w = node_.work;
    rocksdb::ColumnFamilyHandle* cf = db_->handle(Cf::kCells);
    if (step_ < writes()) {
      rocksdb::WriteBatch batch;
      for (uint64_t n = ShareOf(w.keys_written, writes(), step_); n > 0; --n) {
        batch.Put(cf, Key(), rocksdb::Slice(noise_.data() + rng_() % 256, value_bytes_)).PermitUncheckedError();
      }
      rocksdb::WriteOptions synced;
      synced.sync = true;
      KURA_RETURN_IF_ERROR(FromRocks(db_->raw()->Write(synced, &batch), "storage floor write"));
      done_ += Db::Work{1, batch.Count(), batch.GetDataSize(), 0, 0, 0};
    }
    std::string value;
    for (uint64_t n = ShareOf(w.point_reads, steps(), step_); n > 0; --n) {
      rocksdb::Status s = db_->raw()->Get(rocksdb::ReadOptions(), cf, Key(), &value);
      if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "storage floor get");
      ++done_.point_reads;
    }
    for (uint64_t n = ShareOf(w.scans, steps(), step_); n > 0; --n) {
      uint64_t steps = ShareOf(w.scan_steps, std::max<uint64_t>(1, w.scans), done_.scans);
      std::unique_ptr<rocksdb::Iterator> it(db_->raw()->NewIterator(rocksdb::ReadOptions(), cf));
      it->Seek(Key());
      for (uint64_t k = 0; k < steps; ++k) {
        if (!it->Valid()) it->SeekToFirst();  // past the last key: wrap around
        if (!it->Valid()) break;              // nothing written yet
        it->Next();
        ++done_.scan_steps;
      }
      KURA_RETURN_IF_ERROR(FromRocks(it->status(), "storage floor scan"));
      ++done_.scans;
    }
    ++step_;
    return Status::Ok();
  }

  // What the replay has done so far.
  const Db::Work& replayed() const { return done_; }

 private:
  // Skewed as the run's keys are (a few SKUs, counters and index tails much hotter than
  // the rest): key k is drawn with probability about 1/(k+1), log-uniformly.
  std::string Key() {
    double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    auto k = static_cast<uint64_t>(std::exp(u * std::log(static_cast<double>(keyspace_) + 1))) - 1;
    char key[kKeyBytes + 1];
    std::snprintf(key, sizeof key, "k%0*llu", static_cast<int>(kKeyBytes - 1),
                  static_cast<unsigned long long>(std::min(k, keyspace_ - 1)));
    return std::string(key, kKeyBytes);
  }

  NodeStorage node_;
  std::unique_ptr<Db> db_;
  std::mt19937_64 rng_;
  uint64_t keyspace_;
  std::size_t value_bytes_ = 1;
  std::string noise_;
  uint64_t step_ = 0;
  Db::Work done_;
};

}  // namespace

Db::Work TotalWork(const std::vector<NodeStorage>& nodes) {
  Db::Work total;
  for (const NodeStorage& node : nodes) total += node.work;
  return total;
}

Result<StorageFloor> MeasureStorageFloor(const std::vector<NodeStorage>& nodes,
                                   const std::function<void(double done)>& progress) {
  std::unique_ptr<rocksdb::Env> env(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  std::vector<NodeReplay> replays;
  replays.reserve(nodes.size());
  uint64_t total_steps = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    KURA_ASSIGN_OR_RETURN(auto db, Db::Open("/storage-floor/" + std::to_string(i), env.get(), nodes[i].cache_mb));
    replays.emplace_back(nodes[i], std::move(db), i + 1);
    total_steps += replays.back().steps();
  }
  // Each node's k-th step falls at (k + 0.5) / its steps: every node spread over the
  // whole replay, as over the whole run.
  using Due = std::pair<double, std::size_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
  std::vector<uint64_t> taken(replays.size(), 0);
  for (std::size_t i = 0; i < replays.size(); ++i) {
    if (!replays[i].finished()) due.emplace(0.5 / replays[i].steps(), i);
  }
  auto start = std::chrono::steady_clock::now();
  uint64_t done = 0;
  while (!due.empty()) {
    std::size_t i = due.top().second;
    due.pop();
    KURA_RETURN_IF_ERROR(replays[i].Step());
    ++taken[i];
    if (!replays[i].finished()) due.emplace((taken[i] + 0.5) / replays[i].steps(), i);
    if (progress && ++done % 4096 == 0) progress(static_cast<double>(done) / total_steps);
  }
  StorageFloor floor;
  floor.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const NodeReplay& replay : replays) floor.replayed += replay.replayed();
  if (progress) progress(1.0);
  return floor;
}

}  // namespace kura::sim
