// Txn: the pending writes of one commit group, readable before they are durable.
//
// The request loop applies every request of a group to one Txn, in order; each request
// reads its predecessors' writes (RocksDB's WriteBatchWithIndex), and a request that fails
// is rolled back to its save point so it leaves nothing behind. Commit() makes the whole
// group durable with one synced write: group commit. Not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rocksdb/utilities/write_batch_with_index.h>

#include "db.h"
#include "kura/schema/codec.h"

namespace kura {

class Txn {
 public:
  explicit Txn(Db* db);
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
  // fn returns false.
  using ScanFn = std::function<bool(std::string_view key, std::string_view value)>;
  Status Scan(Cf cf, std::string_view prefix, const ScanFn& fn, std::string_view start = {});

  void SetSavePoint();
  // Drops every write since the matching SetSavePoint.
  void RollbackToSavePoint();
  void PopSavePoint();

  bool empty();
  // Makes every pending write durable at once (synced), then starts empty.
  Status Commit();
  // Forgets every pending write.
  void Clear();

 private:
  // Batches of at least this many records are rewritten from the index at commit, whether
  // or not a key repeats (WriteBatchWithIndex does not say); a request's own batch is
  // smaller and seldom repeats one, and copying it would cost more than it saves.
  static constexpr uint32_t kCollapseFrom = 4;
  // Fills `newest` with the newest version of every pending key; false if a record is
  // neither a put nor a delete.
  bool Collapse(rocksdb::WriteBatch* newest);

  Db* db_;
  rocksdb::WriteBatchWithIndex batch_;
};

}  // namespace kura
