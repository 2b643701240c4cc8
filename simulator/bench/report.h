// How kura-bench shows a store-suite run: a table for people, with each kura-store figure
// next to the physical limits it is bounded by, and one JSON object with the same figures
// for machines (field names carry their units: ops_per_s, p99_ms, rss_mb). Also the
// verdicts against the targets. Pure functions of a report; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "store_suite.h"

namespace kura::bench {

struct StoreVerdict {
  bool verified = false;        // every API phase read back exactly its acknowledged ops
  bool throughput_met = false;  // kTargetClients clients: >= kTargetOpsPerS and p99 <= kTargetP99Ms
  bool rss_met = false;         // idle RSS after load <= kTargetIdleRssMb
};

StoreVerdict Judge(const StoreSuiteReport& report);

// The human table, newline-terminated.
std::string FormatStoreReport(const StoreSuiteReport& report);
nlohmann::ordered_json StoreReportJson(const StoreSuiteReport& report);

}  // namespace kura::bench
