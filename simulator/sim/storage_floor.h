// The storage floor of a kura-sim run: how long RocksDB alone takes to do the storage
// work the run asked of it, measured in the same process (kura-sim --storage-floor).
//
// Every node's Db::Work (synced writes, keys and bytes written, point reads, scans and the
// entries they stepped over) is replayed against a fresh database per node, opened by
// Db::Open with that node's memory budget in a fresh memory environment, through the raw
// RocksDB handle: made-up keys of a typical length over as many distinct keys as the node
// held at the end, drawn with a Zipf-like skew (key k about 1/(k+1)), values of the run's
// mean size, the nodes' writes interleaved in proportion as the run interleaves them. No
// kura code runs between the calls, so the time is a floor under any implementation that
// makes the same reads and writes: the run's wall time over it says how much the engines,
// sync and the simulator add. Deletes are replayed as puts, and the replay does no
// compaction work of its own beyond what its writes cause. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "db.h"

namespace kura::sim {

// What one node asked of RocksDB over a run (every incarnation), and its database's size.
struct NodeStorage {
  Db::Work work;
  uint64_t keys_held = 0;  // RocksDB's estimate at the end of the run (or the node's last crash)
  int64_t cache_mb = kStoreCacheMb;
};

Db::Work TotalWork(const std::vector<NodeStorage>& nodes);

struct StorageFloor {
  double seconds = 0;  // the replay, opening the databases excluded
  Db::Work replayed;   // what it did: the nodes' work, bytes within rounding
};

// Replays `nodes`' work on raw RocksDB, all their databases open at once, as in one run.
// `progress` (may be empty) gets the fraction done.
// IOError when a database cannot be opened or a write fails.
Result<StorageFloor> MeasureStorageFloor(const std::vector<NodeStorage>& nodes,
                                   const std::function<void(double done)>& progress = {});

}  // namespace kura::sim
