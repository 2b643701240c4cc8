// The `store` suite of kura-bench: durable operations per second through kura-store's
// local API with 1, 8 and 32 concurrent clients, measured in one run next to the physical
// limits of the same machine and disk (raw_limits.h), plus the daemon's memory footprint
// and a check that every acknowledged operation is in the store. Runs its phases one after
// another on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cpu_meter.h"
#include "kura/schema/status.h"
#include "latency.h"
#include "work_dir.h"

namespace kura::bench {

using harness::FilesystemInfo;
using harness::WorkDir;

// The targets the suite reports against (issue: "kura-store performance").
inline constexpr double kTargetOpsPerS = 20'000;  // with kTargetClients clients
inline constexpr int kTargetClients = 32;
inline constexpr double kTargetP99Ms = 5;
inline constexpr double kTargetIdleRssMb = 40;

struct StoreSuiteOptions {
  double seconds = 3;     // per phase
  std::string data_dir;   // parent of the run's work directory; empty: $TMPDIR or /tmp
  std::string store_bin;  // the kura-store binary to run
  bool keep = false;      // keep the work directory (databases, daemon log) afterwards
};

// One kura-store API phase: `clients` threads, each with its own connection and SKU.
struct ApiPhase {
  int clients = 0;
  PhaseSummary summary;
  int64_t on_hand_total = 0;  // sum of on_hand over the phase's SKUs, read back afterwards
  bool verified = false;      // on_hand_total == summary.ops
  double daemon_cpu_s = 0;    // CPU time (user + system) the daemon used during the phase
  double client_cpu_s = 0;    // CPU time kura-bench (client threads, ZeroMQ I/O) used meanwhile
};

struct StoreSuiteReport {
  std::string work_dir;
  FilesystemInfo filesystem;
  double seconds_per_phase = 0;
  PhaseSummary rocksdb_1_writer;
  PhaseSummary rocksdb_32_writers;  // kTargetClients writers
  PhaseSummary zmq_ipc;
  PhaseSummary zmq_tcp;
  std::vector<ApiPhase> api;  // in order of kApiClientCounts
  int64_t rss_at_start_bytes = 0;
  int64_t rss_idle_bytes = 0;  // about 1 s after the last load phase
  CpuUsage cpu;                // over the whole run
};

inline constexpr int kApiClientCounts[] = {1, 8, 32};

// Receives one progress line per step ("phase 3/7: bare ZeroMQ round trip (ipc)...").
using Progress = std::function<void(const std::string&)>;

// Runs every phase. An error (a limit that cannot be measured, a daemon that does not
// start or exits uncleanly, an operation that fails) stops the run and is returned with
// what went wrong. A store that lost or duplicated acknowledged operations is not an
// error here: the report says so (ApiPhase::verified) and the caller fails the run.
Result<StoreSuiteReport> RunStoreSuite(const StoreSuiteOptions& options, const Progress& progress);

}  // namespace kura::bench
