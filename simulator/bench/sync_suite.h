// The `sync` suite of kura-bench: a store makes N sales over M SKUs while cut off from HQ,
// then reconnects; measured: time until HQ holds everything, components and bytes on the
// wire, next to the lower bound (the encoded size of the changed components). Runs the real
// engines over real RocksDB and the real sync sessions in one process; messages go straight
// from one session to the other, so the figure is kura's own cost without a network.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "kura/schema/status.h"

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
  bool verified = false;             // HQ's per-SKU on-hand equals the store's
};

Result<SyncSuiteReport> RunSyncSuite(const SyncSuiteOptions& options,
                                     const std::function<void(const std::string&)>& progress);
std::string FormatSyncReport(const SyncSuiteReport& report);
nlohmann::json SyncReportJson(const SyncSuiteReport& report);

}  // namespace kura::bench
