// The `sync` suite of kura-bench: a store makes N sales over M SKUs while cut off from HQ,
// then reconnects; measured: time until HQ holds everything, components and bytes on the
// wire, next to the lower bound (the encoded size of the changed components). Then the
// store's disk is replaced: a new store on an empty directory gets its data back from HQ
// (what keeps a restored store from selling, Engine::awaiting_hq), timed next to raw
// RocksDB writing as many synced batches of as many puts, measured in the same run. Runs
// the real engines over real RocksDB and the real sync sessions in one process; messages
// go straight from one session to the other, so the figure is kura's own cost without a
// network.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "kura/schema/status.h"
#include "latency.h"

namespace kura::bench {

struct SyncSuiteOptions {
  int sales = 100'000;
  int skus = 5'000;
  std::string data_dir;  // parent of the work directory; empty: $TMPDIR or /tmp
  bool keep = false;
};

struct SyncSuiteReport {
  int sales = 0, skus = 0;
  double offline_sales_s = 0;        // making the sales at the store (durable)
  double converge_s = 0;             // reconnect until HQ holds everything
  double stock_converge_s = 0;       // reconnect until HQ holds all the stock changes
  uint64_t stock_bytes_to_hq = 0;    // bytes sent to HQ by then
  double store_read_s = 0, hq_merge_s = 0;  // of converge_s: ReadBeyond, Merge (incl. fsync)
  uint64_t stock_components = 0;     // changed stock components (the minimum to ship)
  uint64_t journal_entries = 0;      // receipts made while cut off
  uint64_t components_shipped = 0;   // what the session actually sent, resends included
  uint64_t bytes_to_hq = 0, bytes_to_store = 0, messages = 0;
  uint64_t stock_lower_bound_bytes = 0;    // encoded size of the changed stock components
  uint64_t journal_lower_bound_bytes = 0;  // encoded size of the receipts
  bool hq_verified = false;          // HQ's per-SKU on-hand equals the store's
  // The disk replaced: the new store's restore from HQ.
  double restore_s = 0;              // its Hello until it holds all HQ holds of its lanes
  uint64_t restore_components = 0, restore_batches = 0, restore_bytes = 0;  // merged at the store
  uint64_t restore_puts_per_batch = 1;  // their mean, the raw floor's batch
  PhaseSummary raw_restore;          // raw RocksDB, synced batches of the restore's mean size
  bool restore_verified = false;     // it takes writes, its on-hand the old store's
  bool verified = false;             // both of the above: the suite's verdict
};

Result<SyncSuiteReport> RunSyncSuite(const SyncSuiteOptions& options,
                                     const std::function<void(const std::string&)>& progress);
std::string FormatSyncReport(const SyncSuiteReport& report);
nlohmann::json SyncReportJson(const SyncSuiteReport& report);

}  // namespace kura::bench
