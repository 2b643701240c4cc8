// The `orders` suite of kura-bench: online-order latency at HQ (hq.order.place through
// kura-hq's local API, one client, one order at a time) for a connected store, which decides
// the order itself over the CURVE sync link (schema/PROTOCOL.md 2.4), and for an offline
// store, whose order HQ promises from its allotment; beside the physical limits measured in
// the same run: a bare ZeroMQ round trip (ipc, and tcp loopback) and a raw RocksDB synced
// write. A routed order costs at least one ipc round trip (client-HQ), one tcp round trip
// (HQ-store) and two synced writes (store, then HQ); an allotment order one ipc round trip
// and one synced write: the report divides p50 by those floors. Real kura-hq and kura-store
// processes. Call from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "kura/schema/status.h"
#include "latency.h"

namespace kura::bench {

struct OrdersOptions {
  int orders = 300;            // per phase
  double seconds = 3;          // each raw-limit phase
  std::string hq_bin, store_bin;
  std::string data_dir;        // parent of the work directory; empty: $TMPDIR or /tmp
  bool keep = false;
};

struct OrdersReport {
  PhaseSummary routed;         // connected store: decided by the store
  PhaseSummary allotment;      // offline store: promised by HQ from its allotment
  int64_t decided_by_store = 0, decided_by_hq = 0, refused = 0;
  PhaseSummary zmq_ipc, zmq_tcp, synced_write;
  double offline_detect_s = 0;  // store stopped until HQ counted it unreachable
  int64_t store_held = 0;       // units the store holds at the end (every order was 1 unit)
  bool verified = false;        // the store holds exactly the orders both phases accepted
};

Result<OrdersReport> RunOrdersSuite(const OrdersOptions& options,
                                    const std::function<void(const std::string&)>& progress);
std::string FormatOrdersReport(const OrdersReport& report);
nlohmann::ordered_json OrdersReportJson(const OrdersReport& report);

}  // namespace kura::bench
