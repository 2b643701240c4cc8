// The storage floor of a kura-sim run: how long RocksDB alone takes to do the storage
// work the run asked of it, measured in the same process (kura-sim --storage-floor).
//
// The run records every request its nodes passed to RocksDB (storage_log.h): each synced
// write's batch, each point read's key, each scan's start and length. The floor replays
// them in the same order against a fresh database per node, opened by Db::Open with that
// node's memory budget in a fresh memory environment (so with the run's column family
// numbers, which the batches carry), through the raw RocksDB handle. No
// kura code runs between the calls, so the time is a floor under any implementation that
// makes the same reads and writes: the run's wall time over it says how much the engines,
// sync and the simulator add. Every read must find what the run's found, and every scan
// must go as far, or the replay stops with Corruption: it is then not the run's work.
// A store's disk replaced in the run starts a new, empty database for it here too.
// What it leaves out: a crashed node's restart (its database stays open) and the reads
// Db serves from memory (meta, pending writes), which it never counts. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "db.h"
#include "storage_log.h"

namespace kura::sim {

// What one node asked of RocksDB over a run (every incarnation), and its memory budget.
struct NodeStorage {
  Db::Work work;
  int64_t cache_mb = kStoreCacheMb;
};

Db::Work TotalWork(const std::vector<NodeStorage>& nodes);

struct StorageFloor {
  double seconds = 0;  // the replay, opening the databases excluded
  Db::Work replayed;   // what it did; scan_steps: the entries its iterators moved on
};

// Replays `log`, whose node indexes `nodes` describes, on raw RocksDB, every database
// open at once as in the run. `progress` (may be empty) gets the fraction done.
// IOError when a database cannot be opened or a request fails; InvalidArgument when a
// record names a node beyond `nodes`; Corruption when a read or scan finds other than
// the run's did.
Result<StorageFloor> MeasureStorageFloor(const StorageLog& log, const std::vector<NodeStorage>& nodes,
                                         const std::function<void(double done)>& progress = {});

}  // namespace kura::sim
