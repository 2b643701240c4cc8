// Store: the store daemon's engine — stock, holds, pick slips and the journal of one store
// over RocksDB, driven by encoded local-API requests (schema/PROTOCOL.md).
//
// The engine owns no sockets and no threads: the API server (node/api_server.h) and the
// simulator feed it bytes. Not thread-safe: one caller at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kura/schema/status.h"
#include "kura/sync/clock.h"

namespace rocksdb {
class Env;
}

namespace kura {

class StorageObserver;

// RocksDB's memory per database, in MiB (StoreOptions::cache_mb): a store holds thousands
// of SKUs; HQ holds every store's, and merges what they send into it all day.
inline constexpr int64_t kStoreCacheMb = 12;
inline constexpr int64_t kHqCacheMb = 256;
inline constexpr int64_t kMinCacheMb = 8, kMaxCacheMb = 65536;

struct StoreOptions {
  std::string store_id;  // required; the store's replication origin
  std::string data_dir;  // required; created if missing
  // Units per SKU kept out of available-to-promise. Default 0.
  int64_t safety_stock = 0;
  // Number of hold-shelf bins that pick slips spread goods over. Default 20.
  int hold_shelf_bins = 20;
  // How long a client request id is remembered for retries. Default 24 h.
  int64_t request_retention_ms = 24LL * 3600 * 1000;
  // How many kept request ids one PruneRequestIds call reads at most, so that pruning a
  // large table never holds the request loop for long. Default 10,000.
  int prune_step_ids = 10'000;
  // Receipts HQ has acknowledged are kept this long before journal.compact drops them.
  // Default 30 days.
  int64_t journal_retention_ms = 30LL * 24 * 3600 * 1000;
  // RocksDB block cache in MiB, kMinCacheMb..kMaxCacheMb; the memtables are charged to it
  // (up to two thirds), so this bounds both however much is written (index and filter
  // blocks come on top). Default kStoreCacheMb.
  int64_t cache_mb = kStoreCacheMb;
  // Time source; null means the system clock. Not owned; must outlive the Store.
  Clock* clock = nullptr;
  // RocksDB environment; null means the real file system. kura-sim passes an in-memory
  // one (rocksdb::NewMemEnv) so a hundred stores run without disk I/O. Not owned; must
  // outlive the Store.
  rocksdb::Env* env = nullptr;
  // Told of every request the store's database passes to RocksDB (node/db.h); null: none.
  // kura-sim records them to replay on raw RocksDB (--storage-floor). Not owned; must
  // outlive the Store.
  StorageObserver* storage_observer = nullptr;
  // 32 bytes seeding this replica's Ed25519 ticket key on first use; empty: a random key.
  // kura-sim sets it so that a seed replays byte for byte.
  std::string signing_seed = {};
  // kura-hq: the stores on its allow-list. An HQ op that names another store (directory,
  // status, policy, order) is refused not_found, so no entry for a store that cannot link
  // reaches the chain; an entry made before (an older build) can still be edited. None: any
  // store (kura-sim and the unit tests run HQ without a list); an empty list: no store.
  std::optional<std::set<std::string>> known_stores = std::nullopt;
  // kura-store linked to HQ: a data directory made now takes no writes until HQ has sent
  // back what it holds of this store (its disk may have been replaced: writes numbered
  // from the start of the store's lanes would be lost under that data), and one made so
  // goes on waiting at a restart. False for a store without HQ, kura-store
  // --offline-first-start, kura-sim's in-process world and the unit tests; a wait begun
  // earlier then ends.
  bool await_hq_when_new = false;
};

class Store {
 public:
  // Opens the store's database, creating it if missing. Busy when another process holds
  // the data directory; InvalidArgument when it belongs to a different store id.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Executes encoded requests in order and returns one encoded reply each. All effects of
  // the group are made durable by a single synced write before this returns, so a caller
  // may send the replies as soon as it has them (group commit). If that write fails, every
  // mutating request of the group gets an io_error reply and none of them took effect.
  virtual std::vector<std::string> ExecuteGroup(const std::vector<std::string_view>& requests) = 0;

  // Expires holds whose time has come. Durable on return; returns how many expired.
  virtual Result<int> ExpireDueHolds() = 0;
  struct PruneStep {
    int pruned = 0;     // ids forgotten by this call
    bool done = true;   // false: ids are left to read; call again soon
  };
  // Forgets request ids older than the retention, reading at most
  // StoreOptions::prune_step_ids of them and going on from there at the next call.
  // Durable on return.
  virtual Result<PruneStep> PruneRequestIds() = 0;
};

}  // namespace kura
