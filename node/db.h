// Db: kura's RocksDB database — the column families of schema/keys.h, opened once per
// data directory. Turns rocksdb::Status into kura::Status; nothing above this file sees
// RocksDB errors. Thread-safe (RocksDB is); the handles live as long as the Db.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include <rocksdb/db.h>

#include "kura/node/store.h"
#include "kura/schema/status.h"

namespace kura {

enum class Cf { kCells = 0, kChanges, kLocal, kRequests, kMeta };
inline constexpr int kCfCount = 5;

// Sees every request a Db passes to RocksDB, in order, as it is made: what Db::Work
// counts, with its keys and what RocksDB answered. kura-sim records them to replay on raw
// RocksDB (storage_floor.h). Called on the requesting thread, without a lock: an observer
// of a Db that several threads use must be thread-safe.
class StorageObserver {
 public:
  virtual ~StorageObserver() = default;
  // Every write, failed ones too (Db::Work counts them).
  virtual void OnWrite(const rocksdb::WriteBatch& batch) = 0;
  // `found`: RocksDB held the key (false for an error too).
  virtual void OnGet(Cf cf, std::string_view key, bool found) = 0;
  // A scan that sought `seek` and moved its RocksDB iterator `moved` entries on (past
  // those a Txn's pending writes hid too; Db::Work's steps count what it handed over).
  virtual void OnScan(Cf cf, std::string_view seek, uint64_t moved) = 0;
};

class Db {
 public:
  // Opens (creating if missing) the database in `path`. A directory already opened by
  // another process gives Status::Busy. `env` may be null (the real file system); the
  // simulator passes an in-memory one. `cache_mb` bounds its memory (StoreOptions::cache_mb).
  // Turns RocksDB's perf counters off for the calling thread, the one expected to use it.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, rocksdb::Env* env = nullptr,
                                          int64_t cache_mb = kStoreCacheMb);

  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // NotFound when the key is absent. Cf::kMeta reads come from memory after the first,
  // unless `at` asks for the database as it was at a snapshot.
  Status Get(Cf cf, std::string_view key, std::string* value, const rocksdb::Snapshot* at = nullptr);
  // The database as it is now, for reads that must agree with each other while writes go
  // on (kura-hq's admin.check on its worker thread). Released with the last copy.
  std::shared_ptr<const rocksdb::Snapshot> Snapshot();
  // Applies `batch` atomically and syncs the WAL before returning.
  Status WriteSynced(rocksdb::WriteBatch* batch);
  // Ok until a write fails; then that first failure, for as long as this handle lives.
  // RocksDB takes no write after a failed one (an I/O error on its log is fatal to the
  // open database: DB::Resume refuses it), so the daemons stop on this and restart,
  // recovering every acknowledged write from the log (EventLoop::StopOnError).
  Status WriteFailure() const;
  // How many writes this handle has made: changes whenever the database may have.
  uint64_t writes() const { return writes_.load(std::memory_order_relaxed); }

  // What this handle has asked of RocksDB, so a run can be set beside raw RocksDB doing
  // the same amount of work (kura-sim --storage-floor). Reads served from memory (meta,
  // a Txn's pending writes) are not counted; a Txn counts its scans here, the steps over
  // its pending writes included.
  struct Work {
    uint64_t synced_writes = 0, keys_written = 0, bytes_written = 0;
    uint64_t point_reads = 0, scans = 0, scan_steps = 0;
    Work& operator+=(const Work& other);
  };
  Work work() const;

  // What the database holds in memory and on its file system, in bytes: the block cache
  // (which memtables are charged to), table readers, and every file under `path` (`env`
  // as at Open). In the simulator's memory environment the files are in RAM too.
  struct Footprint {
    uint64_t cache_bytes = 0, table_reader_bytes = 0, file_bytes = 0;
    uint64_t total() const { return cache_bytes + table_reader_bytes + file_bytes; }
  };
  Footprint MeasureFootprint(const std::string& path, rocksdb::Env* env);

  // Null: none. Not owned; must outlive the Db or be replaced first.
  void SetObserver(StorageObserver* observer) { observer_ = observer; }

  rocksdb::DB* raw() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* handle(Cf cf) { return handles_[static_cast<int>(cf)]; }

 private:
  friend class Txn;  // counts its scans
  Db() = default;

  void CountPointRead(Cf cf, std::string_view key, bool found) {
    point_reads_.fetch_add(1, std::memory_order_relaxed);
    if (observer_ != nullptr) observer_->OnGet(cf, key, found);
  }
  void CountScan(Cf cf, std::string_view seek, uint64_t steps, uint64_t moved) {
    scans_.fetch_add(1, std::memory_order_relaxed);
    scan_steps_.fetch_add(steps, std::memory_order_relaxed);
    if (observer_ != nullptr) observer_->OnScan(cf, seek, moved);
  }

  // Cf::kMeta: a few records per origin (sequence heads, counters) that nearly every
  // write reads. Each key's committed value (nullopt: absent) once read, kept current by
  // WriteSynced, the only way anything writes.
  void RememberMeta(const rocksdb::WriteBatch& batch);

  std::unique_ptr<rocksdb::DB> db_;
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> keys_written_{0}, bytes_written_{0}, point_reads_{0}, scans_{0}, scan_steps_{0};
  std::mutex write_mu_;  // held across a write and its RememberMeta
  std::atomic<bool> write_failed_{false};
  Status write_failure_;  // set once, under write_mu_, before write_failed_
  std::mutex meta_mu_;
  std::unordered_map<std::string, std::optional<std::string>> meta_;
  uint64_t meta_epoch_ = 0;  // bumped by every write, under meta_mu_
  rocksdb::ColumnFamilyHandle* handles_[kCfCount] = {};
  StorageObserver* observer_ = nullptr;
  // flock on <path>/kura.lock while open (real file system only), released after db_.
  int dir_lock_fd_ = -1;
};

// Converts a RocksDB status into ours; `context` names what was being done.
Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace kura
