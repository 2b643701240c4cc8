// Txn: the pending writes of one commit group, readable before they are durable.
//
// The request loop applies every request of a group to one Txn, in order; each request
// reads its predecessors' writes, and a request that fails is rolled back to its save
// point so it leaves nothing behind. Commit() makes the whole group durable with one
// synced write: group commit. Not thread-safe.
//
// The pending writes are an ordered map per column family holding each key's newest
// version (or its deletion), not RocksDB's WriteBatchWithIndex: that index compares keys
// by decoding them from the batch on every step and keeps every version in the batch, and
// at HQ, which merges batches of hundreds of components, it was a tenth of the time.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db.h"
#include "kura/schema/codec.h"

namespace kura {

class Txn {
 public:
  explicit Txn(Db* db) : db_(db) {}
  // Reads the database as it was at `at` (Db::Snapshot, which must outlive the Txn), under
  // its own pending writes as ever; Commit writes to the database as it is.
  // Its scans leave RocksDB's block cache as it was (one pass over everything); its point
  // reads, in no order, use it as any read does.
  Txn(Db* db, const rocksdb::Snapshot* at) : db_(db), at_(at) {}
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  // NotFound when absent from both the pending writes and the database.
  Status Get(Cf cf, std::string_view key, std::string* value);
  void Put(Cf cf, std::string_view key, std::string_view value);
  void Delete(Cf cf, std::string_view key);

  // A decoded record, or nullopt when the key is absent.
  template <typename T>
  Result<std::optional<T>> Read(Cf cf, std::string_view key) {
    std::string bytes;
    Status s = Get(cf, key, &bytes);
    if (s.code() == Status::Code::kNotFound) return std::optional<T>();
    KURA_RETURN_IF_ERROR(s);
    T value;
    KURA_RETURN_IF_ERROR(Decode(bytes, &value));
    return std::optional<T>(std::move(value));
  }
  template <typename T>
  void Write(Cf cf, std::string_view key, const T& value) {
    Put(cf, key, Encode(value));
  }

  // Calls `fn(key, value)` for every key starting with `prefix`, in key order, pending
  // writes included, from `start` (inclusive; empty = the prefix itself). Stops early when
  // fn returns false. fn may delete or overwrite the key it is given once it is done with
  // `value` (the write replaces what `value` shows); other writes it makes under the
  // prefix may or may not be visited.
  using ScanFn = std::function<bool(std::string_view key, std::string_view value)>;
  Status Scan(Cf cf, std::string_view prefix, const ScanFn& fn, std::string_view start = {});

  // Scans end early, with Status::Busy, once `*stop` is true (a long read on another
  // thread, at shutdown). Null: never.
  void StopWhen(const std::atomic<bool>* stop) { stop_ = stop; }

  void SetSavePoint();
  // Drops every write since the matching SetSavePoint.
  void RollbackToSavePoint();
  void PopSavePoint();
  // Whether anything was written (or deleted) since the innermost SetSavePoint.
  bool WroteSinceSavePoint() const { return undo_.size() > save_points_.back(); }

  bool empty() const;
  // Makes every pending write durable at once (synced), then starts empty. Each key is
  // written once, at its newest version.
  Status Commit();
  // Forgets every pending write.
  void Clear();

 private:
  // A key's newest pending version; nullopt is a deletion.
  using Pending = std::map<std::string, std::optional<std::string>, std::less<>>;
  // What a key held in the pending map before a write, to roll the write back: nothing
  // (`had` false) or its previous pending version.
  struct Undo {
    Cf cf;
    std::string key;
    bool had;
    std::optional<std::string> before;
  };

  void Set(Cf cf, std::string_view key, std::optional<std::string> value);

  Db* db_;
  const rocksdb::Snapshot* at_ = nullptr;
  const std::atomic<bool>* stop_ = nullptr;
  std::array<Pending, kCfCount> pending_;
  // Only kept while a save point is open (every request's writes, inside a group).
  std::vector<Undo> undo_;
  std::vector<std::size_t> save_points_;  // undo_.size() at each SetSavePoint
};

// The `start` of a Scan under `prefix` that resumes just past `key` (a page's last key):
// empty, the prefix itself, when `key` is empty or sorts before the prefix.
std::string ScanStartAfter(std::string_view prefix, std::string_view key);

}  // namespace kura
