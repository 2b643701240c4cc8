// StorageLog: every request a run's nodes passed to RocksDB — each synced write's batch,
// each point read's key and whether it was found, each scan's start and how far its
// iterator went — in the order they made them (kura-sim --storage-floor), for
// storage_floor.h to replay on raw RocksDB. (RocksDB's own tracer records a scan's seek
// but not how far it went.) Kept in memory: about the bytes the run wrote plus every
// point read's key, several GB for the full scale target. Not thread-safe: one world,
// one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "db.h"

namespace kura::sim {

class StorageLog {
 public:
  // kNewDisk: the node's disk was replaced; what follows starts on an empty database.
  enum class Kind : uint8_t { kWrite = 0, kGet = 1, kScan = 2, kNewDisk = 3 };
  struct Record {
    Kind kind;
    uint32_t node;
    Cf cf;                  // kGet and kScan
    std::string_view bytes; // kWrite: the batch's representation; else the key or seek target
    bool found;             // kGet: RocksDB held the key
    uint64_t moved;         // kScan: the entries its iterator moved on
  };

  StorageLog();
  ~StorageLog();
  StorageLog(const StorageLog&) = delete;
  StorageLog& operator=(const StorageLog&) = delete;

  // The observer that logs as node `node` (an index the caller chooses). It lives as long
  // as the log.
  StorageObserver* ForNode(uint32_t node);
  // Node `node`'s disk was replaced (World::ReplaceStoreDisk).
  void NewDisk(uint32_t node) { Append(Kind::kNewDisk, node, Cf::kCells, false, {}, 0); }

  // Calls `fn` for every record, in order; stops at the first error and returns it.
  Status ForEach(const std::function<Status(const Record&)>& fn) const;
  uint64_t records() const { return records_; }
  uint64_t bytes() const;

 private:
  class NodeObserver;
  void Append(Kind kind, uint32_t node, Cf cf, bool found, std::string_view bytes, uint64_t moved);

  std::vector<std::string> chunks_;  // records end to end, a new chunk every few MB
  uint64_t records_ = 0;
  std::vector<std::unique_ptr<NodeObserver>> nodes_;
};

}  // namespace kura::sim
