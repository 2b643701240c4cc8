#include "db.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

#include "kura/schema/keys.h"

namespace kura {
namespace {

Status InUse(const std::string& path) { return Status::Busy("data directory " + path + " is in use by another process"); }

// One memory budget, the block cache, covers every column family's memtables too (up to
// two thirds of it), so memory stays bounded however much is written. A memtable is a
// quarter of that share, between 2 and 16 MiB: deeper skip lists cost every insert.
constexpr size_t kMinWriteBufferBytes = 2 << 20;
constexpr size_t kMaxWriteBufferBytes = 16 << 20;

const char* CfName(int i) {
  static const char* const kNames[kCfCount] = {keys::kCellsCf, keys::kChangesCf, keys::kLocalCf,
                                               keys::kRequestsCf, keys::kMetaCf};
  return kNames[i];
}

}  // namespace

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::Ok();
  std::string msg = std::string(context) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsBusy() || s.IsTimedOut()) return Status::Busy(msg);
  return Status::IOError(msg);
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, rocksdb::Env* env, int64_t cache_mb) {
  if (cache_mb < kMinCacheMb || cache_mb > kMaxCacheMb) {
    return Status::InvalidArgument("cache_mb must be in " + std::to_string(kMinCacheMb) + ".." +
                                   std::to_string(kMaxCacheMb));
  }
  size_t cache_bytes = static_cast<size_t>(cache_mb) << 20;
  size_t memtable_bytes = cache_bytes / 3 * 2;
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_background_jobs = 2;
  options.keep_log_file_num = 3;
  if (env != nullptr) options.env = env;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(cache_bytes);
  // Most point lookups miss (every new request id is looked up first): bloom filters on
  // the tables and in the memtables keep a miss from visiting every file.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(memtable_bytes, table.block_cache);
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.write_buffer_size = std::clamp(memtable_bytes / 4, kMinWriteBufferBytes, kMaxWriteBufferBytes);
  cf_options.max_write_buffer_number = 2;
  cf_options.memtable_prefix_bloom_size_ratio = 0.05;
  cf_options.memtable_whole_key_filtering = true;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (int i = 0; i < kCfCount; ++i) descriptors.emplace_back(CfName(i), cf_options);

  // A second daemon on the directory is refused here, before RocksDB's open, which would
  // first rotate the running daemon's info LOG (LOG.old.<time>) and only then find its LOCK.
  int lock_fd = -1;
  if (env == nullptr) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    std::string lock_path = path + "/kura.lock";
    lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd < 0) return Status::IOError("opening " + lock_path + ": " + std::strerror(errno));
    if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(lock_fd);
      if (err == EWOULDBLOCK) return InUse(path);
      return Status::IOError("locking " + lock_path + ": " + std::strerror(err));
    }
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, descriptors, &handles, &raw);
  if (!s.ok()) {
    if (lock_fd >= 0) ::close(lock_fd);
    // RocksDB reports a held LOCK file as an IOError naming the lock (in-memory env only:
    // on disk kura.lock refuses a second opener first).
    if (s.ToString().find("lock") != std::string::npos) return InUse(path);
    return FromRocks(s, "opening " + path);
  }
  // RocksDB counts every key comparison and lookup in a thread-local perf context unless
  // told not to, about 8% of a busy thread's time in kura-sim's profile; kura reads none of
  // it. The thread that opens a Db is the one that uses it (a daemon's loop, a world),
  // except kura-sim's side thread (lanes, checks), which turns it off there as well.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  std::unique_ptr<Db> db(new Db());
  db->db_.reset(raw);
  db->dir_lock_fd_ = lock_fd;
  // handles[0] is the default family, which kura does not use; the DB owns it.
  for (int i = 0; i < kCfCount; ++i) db->handles_[i] = handles[i + 1];
  db->db_->DestroyColumnFamilyHandle(handles[0]).PermitUncheckedError();
  return db;
}

Db::~Db() {
  for (auto* h : handles_) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
  }
  if (db_) db_->Close().PermitUncheckedError();
  db_.reset();
  if (dir_lock_fd_ >= 0) ::close(dir_lock_fd_);
}

Db::Footprint Db::MeasureFootprint(const std::string& path, rocksdb::Env* env) {
  Footprint f;
  // The cache is shared by every column family: ask one of them.
  db_->GetIntProperty(handles_[0], rocksdb::DB::Properties::kBlockCacheUsage, &f.cache_bytes);
  for (auto* h : handles_) {
    uint64_t readers = 0;
    db_->GetIntProperty(h, rocksdb::DB::Properties::kEstimateTableReadersMem, &readers);
    f.table_reader_bytes += readers;
  }
  if (env == nullptr) env = rocksdb::Env::Default();
  std::vector<std::string> children;
  if (env->GetChildren(path, &children).ok()) {
    for (const std::string& name : children) {
      uint64_t size = 0;
      if (env->GetFileSize(path + "/" + name, &size).ok()) f.file_bytes += size;
    }
  }
  return f;
}

Db::Work& Db::Work::operator+=(const Work& other) {
  synced_writes += other.synced_writes;
  keys_written += other.keys_written;
  bytes_written += other.bytes_written;
  point_reads += other.point_reads;
  scans += other.scans;
  scan_steps += other.scan_steps;
  return *this;
}

Db::Work Db::work() const {
  auto load = [](const std::atomic<uint64_t>& n) { return n.load(std::memory_order_relaxed); };
  return Work{load(writes_), load(keys_written_), load(bytes_written_),
              load(point_reads_), load(scans_), load(scan_steps_)};
}

std::shared_ptr<const rocksdb::Snapshot> Db::Snapshot() {
  rocksdb::DB* db = db_.get();
  return std::shared_ptr<const rocksdb::Snapshot>(db->GetSnapshot(),
                                                  [db](const rocksdb::Snapshot* s) { db->ReleaseSnapshot(s); });
}

Status Db::Get(Cf cf, std::string_view key, std::string* value, const rocksdb::Snapshot* at) {
  const bool meta = cf == Cf::kMeta && at == nullptr;  // the cache holds the present only
  uint64_t epoch = 0;
  if (meta) {
    std::lock_guard<std::mutex> lock(meta_mu_);
    if (auto it = meta_.find(std::string(key)); it != meta_.end()) {
      if (!it->second) return Status::NotFound("get: meta key absent");
      *value = *it->second;
      return Status::Ok();
    }
    epoch = meta_epoch_;
  }
  rocksdb::ReadOptions options;
  options.snapshot = at;
  rocksdb::Status s = db_->Get(options, handle(cf), rocksdb::Slice(key), value);
  CountPointRead(cf, key, s.ok());
  if (!meta || (!s.ok() && !s.IsNotFound())) return FromRocks(s, "get");
  std::lock_guard<std::mutex> lock(meta_mu_);
  // A write that landed meanwhile may have made what we read stale: remember only when
  // none did (that write's RememberMeta comes after it in any case).
  if (meta_epoch_ == epoch) meta_.emplace(std::string(key), s.ok() ? std::optional(*value) : std::nullopt);
  return FromRocks(s, "get");
}

Status Db::WriteSynced(rocksdb::WriteBatch* batch) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  // Counted even on failure: a failed write may have applied, and a spurious change only
  // costs a reader one more look.
  writes_.fetch_add(1, std::memory_order_relaxed);
  // One writer at a time, so meta_ learns the writes in the order they landed.
  std::lock_guard<std::mutex> serial(write_mu_);
  rocksdb::Status s = db_->Write(wo, batch);
  keys_written_.fetch_add(batch->Count(), std::memory_order_relaxed);
  bytes_written_.fetch_add(batch->GetDataSize(), std::memory_order_relaxed);
  if (observer_ != nullptr) observer_->OnWrite(*batch);
  if (s.ok()) {
    RememberMeta(*batch);
    return Status::Ok();
  }
  {
    std::lock_guard<std::mutex> lock(meta_mu_);  // it may have applied: forget it all
    meta_.clear();
    ++meta_epoch_;
  }
  Status failed = FromRocks(s, "write");
  // Any failure but these two (which RocksDB does not keep) is taken as fatal, even one
  // RocksDB might recover from by itself: a restart is always safe.
  if (!s.IsBusy() && !s.IsIncomplete() && !write_failed_.load(std::memory_order_relaxed)) {
    write_failure_ = failed;
    write_failed_.store(true, std::memory_order_release);
  }
  return failed;
}

Status Db::WriteFailure() const {
  return write_failed_.load(std::memory_order_acquire) ? write_failure_ : Status::Ok();
}

void Db::RememberMeta(const rocksdb::WriteBatch& batch) {
  struct Remember : rocksdb::WriteBatch::Handler {
    uint32_t meta_cf;
    std::unordered_map<std::string, std::optional<std::string>>* meta;
    rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key, const rocksdb::Slice& value) override {
      if (cf == meta_cf) (*meta)[key.ToString()] = value.ToString();
      return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
      if (cf == meta_cf) (*meta)[key.ToString()] = std::nullopt;
      return rocksdb::Status::OK();
    }
    rocksdb::Status SingleDeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
      return DeleteCF(cf, key);
    }
    rocksdb::Status DeleteRangeCF(uint32_t cf, const rocksdb::Slice&, const rocksdb::Slice&) override {
      if (cf == meta_cf) meta->clear();  // never done to meta; forgetting is always right
      return rocksdb::Status::OK();
    }
    rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& key, const rocksdb::Slice&) override {
      if (cf == meta_cf) meta->erase(key.ToString());  // never done; read it again
      return rocksdb::Status::OK();
    }
  };
  std::lock_guard<std::mutex> lock(meta_mu_);
  Remember handler;
  handler.meta_cf = handle(Cf::kMeta)->GetID();
  handler.meta = &meta_;
  // A record type the handler does not take stops the walk: forget everything then.
  if (!batch.Iterate(&handler).ok()) meta_.clear();
  ++meta_epoch_;
}

}  // namespace kura
