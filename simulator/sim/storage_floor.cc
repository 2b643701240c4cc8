#include "storage_floor.h"

#include <chrono>
#include <memory>
#include <string>

#include <rocksdb/env.h>
#include <rocksdb/write_batch.h>

namespace kura::sim {
namespace {

// What the run saw and the replay did not: the replay has diverged from the run.
Status Diverged(const StorageLog::Record& r, const std::string& what) {
  return Status::Corruption("storage floor: node " + std::to_string(r.node) + "'s " + what +
                            " differs from the run's; the replay is not the run's storage work");
}

// One record on its node's raw database, added to `done`. The same writes in the same
// order leave each database as the run's was, so every read must find what the run found.
Status Replay(const StorageLog::Record& r, Db& db, Db::Work* done) {
  switch (r.kind) {
    case StorageLog::Kind::kWrite: {
      rocksdb::WriteBatch batch{std::string(r.bytes)};
      rocksdb::WriteOptions synced;
      synced.sync = true;
      KURA_RETURN_IF_ERROR(FromRocks(db.raw()->Write(synced, &batch), "storage floor write"));
      *done += Db::Work{1, batch.Count(), batch.GetDataSize(), 0, 0, 0};
      return Status::Ok();
    }
    case StorageLog::Kind::kGet: {
      std::string value;
      rocksdb::Status s = db.raw()->Get(rocksdb::ReadOptions(), db.handle(r.cf), r.bytes, &value);
      if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "storage floor get");
      if (s.ok() != r.found) return Diverged(r, "read of " + std::string(r.bytes));
      ++done->point_reads;
      return Status::Ok();
    }
    case StorageLog::Kind::kScan: {
      std::unique_ptr<rocksdb::Iterator> it(db.raw()->NewIterator(rocksdb::ReadOptions(), db.handle(r.cf)));
      it->Seek(r.bytes);
      for (uint64_t k = 0; k < r.moved; ++k, it->Next()) {
        if (!it->Valid()) return Diverged(r, "scan from " + std::string(r.bytes));
        (void)it->value();  // a scan hands each value over
        ++done->scan_steps;
      }
      ++done->scans;
      return FromRocks(it->status(), "storage floor scan");
    }
    case StorageLog::Kind::kNewDisk:
      return Status::Ok();  // MeasureStorageFloor opens the node's new database
  }
  return Status::Corruption("storage floor: unknown record kind");
}

}  // namespace

Db::Work TotalWork(const std::vector<NodeStorage>& nodes) {
  Db::Work total;
  for (const NodeStorage& node : nodes) total += node.work;
  return total;
}

Result<StorageFloor> MeasureStorageFloor(const StorageLog& log, const std::vector<NodeStorage>& nodes,
                                         const std::function<void(double done)>& progress) {
  std::unique_ptr<rocksdb::Env> env(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  std::vector<std::unique_ptr<Db>> dbs;
  std::vector<int> disks(nodes.size());  // replaced so far, per node
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    KURA_ASSIGN_OR_RETURN(auto db, Db::Open("/storage-floor/" + std::to_string(i), env.get(), nodes[i].cache_mb));
    dbs.push_back(std::move(db));
  }
  StorageFloor floor;
  uint64_t done = 0;
  auto start = std::chrono::steady_clock::now();
  KURA_RETURN_IF_ERROR(log.ForEach([&](const StorageLog::Record& r) -> Status {
    if (r.node >= dbs.size()) return Status::InvalidArgument("storage floor: a record names node " + std::to_string(r.node));
    if (r.kind == StorageLog::Kind::kNewDisk) {
      // As in the run: the node goes on with an empty database (opening it is timed, as
      // the run's was).
      dbs[r.node].reset();
      KURA_ASSIGN_OR_RETURN(dbs[r.node], Db::Open("/storage-floor/" + std::to_string(r.node) + "-disk" +
                                                      std::to_string(++disks[r.node]),
                                                  env.get(), nodes[r.node].cache_mb));
      return Status::Ok();
    }
    KURA_RETURN_IF_ERROR(Replay(r, *dbs[r.node], &floor.replayed));
    if (progress && ++done % 65536 == 0) progress(static_cast<double>(done) / log.records());
    return Status::Ok();
  }));
  floor.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (progress) progress(1.0);
  return floor;
}

}  // namespace kura::sim
