// The `hq-ingest` suite of kura-bench: a real kura-hq process with N stores connected at
// once (default 200), each a real CURVE DEALER driving a real SyncSession (SimulatedStore)
// and changing random SKUs of its catalog without pause. Measured: how long all N take to
// connect and be greeted, the stock components HQ merges durably per second (acknowledged
// to the stores), HQ's CPU and peak RSS, next to the physical limit measured in the same
// run: raw RocksDB synced WriteBatches of the same number of ~100-byte Puts as HQ's
// average merged batch, from one writer (HQ merges on one loop thread).
// Call from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "kura/schema/status.h"
#include "kura/sync/session.h"
#include "latency.h"

namespace kura::bench {

struct HqIngestOptions {
  int stores = 200;
  int skus = 5'000;          // catalog per store
  double seconds = 3;        // measured phase
  int64_t retransmit_ms = SessionOptions{}.retransmit_ms;  // the stores' sessions; kura-store's default
  std::string hq_bin;        // the kura-hq binary to run
  std::string data_dir;      // parent of the work directory; empty: $TMPDIR or /tmp
  bool keep = false;
};

struct HqIngestReport {
  int stores = 0, skus = 0;
  double connect_s = 0;                 // spokes created until every store was greeted
  double seconds = 0;                   // measured phase, wall time
  uint64_t changes_made = 0;            // stock changes the stores made in the phase
  uint64_t changes_acked = 0;           // ... that HQ acknowledged durable in the phase
  uint64_t components_acked = 0;        // components in batches HQ acknowledged in the phase
  uint64_t batches_to_hq = 0;           // batches the stores sent in the phase, resends included
  uint64_t batches_from_hq = 0;         // batches HQ sent the stores (relay cursors)
  int64_t retransmit_ms = 0;
  double drain_s = 0;                   // after the phase, until HQ held every change
  bool drained = false;                 // false: HQ had not caught up after kDrainTimeoutS
  uint64_t pending_at_end = 0;          // changes unacknowledged when the drain ended
  double hq_cpu_s = 0, bench_cpu_s = 0; // CPU used during the phase
  double other_cpus = 0;                // average CPUs other processes kept busy
  int cpus = 0;
  int64_t hq_rss_connected = 0;         // bytes, once every store was greeted
  int64_t hq_peak_rss = 0;              // VmHWM at the end of the run
  uint64_t rejected = 0;                // batches HQ refused (hq.sync_status)
  std::string hq_session_error;         // the first store session error HQ reports
  int verified_skus = 0;                // sampled SKUs compared across every store
  bool verified = false;                // HQ's per-store on-hand equals each store's
  // HQ's synced writes of merged batches over the phase and the drain (hq.sync_status),
  // the batches they carried, and the components the stores saw acknowledged meanwhile.
  uint64_t hq_commits = 0, hq_batches_merged = 0, components_through_drain = 0;
  PhaseSummary raw;                     // raw synced batches (ops = batches)
  int raw_puts_per_batch = 0;           // as many as HQ's synced writes carry
};

Result<HqIngestReport> RunHqIngestSuite(const HqIngestOptions& options,
                                        const std::function<void(const std::string&)>& progress);
std::string FormatHqIngestReport(const HqIngestReport& report);
nlohmann::ordered_json HqIngestReportJson(const HqIngestReport& report);

}  // namespace kura::bench
