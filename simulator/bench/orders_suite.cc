#include "orders_suite.h"

#include <chrono>
#include <cstdio>
#include <thread>


#include "curve_keys.h"
#include "daemon.h"
#include "hq_config_file.h"
#include "kura/node/api_client.h"
#include "raw_limits.h"
#include "takes_writes.h"
#include "work_dir.h"

namespace kura::bench {

using harness::Daemon;
using harness::WorkDir;
using harness::WriteHqConfig;

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kStartTimeoutMs = 30'000;
constexpr int kApiTimeoutMs = 10'000;
constexpr double kWaitTimeoutS = 30;
constexpr char kStore[] = "store-1";
constexpr char kSku[] = "BENCH-TEE";

double Since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Polls `done` every 20 ms until it holds; IOError naming `what` after kWaitTimeoutS.
Status WaitFor(const std::string& what, const std::function<bool()>& done) {
  auto t0 = Clock::now();
  while (!done()) {
    if (Since(t0) > kWaitTimeoutS) return Status::IOError("timed out waiting for " + what);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Status::Ok();
}

// The store's row of HQ's availability of kSku (null when HQ does not answer).
json Offer(ApiClient& hq) {
  auto r = hq.Call("hq.availability", {{"sku", kSku}});
  if (!r.ok()) return nullptr;
  for (const json& s : (*r)["stores"]) {
    if (s["store"] == kStore) return s;
  }
  return nullptr;
}

// Places `orders` one-unit pickup orders one after another; counts who decided them.
PhaseSummary PlaceOrders(ApiClient& hq, int orders, OrdersReport* report) {
  LatencyRecorder latencies;
  json args = {{"store", kStore}, {"kind", "pickup"}, {"customer", "bench"},
               {"lines", json::array({{{"sku", kSku}, {"qty", 1}}})}};
  auto t0 = Clock::now();
  for (int i = 0; i < orders; ++i) {
    auto start = Clock::now();
    auto placed = hq.Call("hq.order.place", args);
    latencies.Add(Clock::now() - start);
    if (!placed.ok()) ++report->refused;
    else if ((*placed)["decided_by"] == "store") ++report->decided_by_store;
    else ++report->decided_by_hq;
  }
  return Summarize({latencies}, Since(t0));
}

double Ms(double us) { return us / 1000.0; }

}  // namespace

Result<OrdersReport> RunOrdersSuite(const OrdersOptions& options,
                                    const std::function<void(const std::string&)>& progress) {
  KURA_RETURN_IF_ERROR(Daemon::CheckBinary(options.hq_bin));
  KURA_RETURN_IF_ERROR(Daemon::CheckBinary(options.store_bin));
  KURA_ASSIGN_OR_RETURN(auto work, WorkDir::Create(options.data_dir, options.keep));
  OrdersReport report;

  progress("orders 1/6: starting kura-hq and a linked kura-store (" + work->path() + ")");
  KURA_ASSIGN_OR_RETURN(CurveKeyPair hq_keys, GenerateCurveKeyPair());
  KURA_ASSIGN_OR_RETURN(CurveKeyPair store_keys, GenerateCurveKeyPair());
  KURA_ASSIGN_OR_RETURN(std::string config, WriteHqConfig(*work, hq_keys, {kStore}, {store_keys}));
  KURA_RETURN_IF_ERROR(WriteKeyFile(work->Sub("store.key"), store_keys));
  zmq::context_t context;
  Daemon hq(options.hq_bin, {"--config", config}, work->Sub("hq"), work->Sub("kura-hq.log"));
  KURA_RETURN_IF_ERROR(hq.Start(context, kStartTimeoutMs));
  ApiClient hq_api(context, hq.endpoint(), kApiTimeoutMs);
  KURA_ASSIGN_OR_RETURN(json status, hq_api.Call("hq.sync_status"));
  Daemon store(options.store_bin,
               {"--store-id", kStore, "--hq", status["endpoint"].get<std::string>(), "--hq-key",
                hq_keys.public_z85, "--key-file", work->Sub("store.key")},
               work->Sub("store"), work->Sub("kura-store.log"));
  KURA_RETURN_IF_ERROR(store.Start(context, kStartTimeoutMs));
  ApiClient store_api(context, store.endpoint(), kApiTimeoutMs);

  // Half of the store's stock allotted to HQ, so both phases have plenty to promise.
  progress("orders 2/6: directory, allotment policy (50%) and stock; waiting for HQ's allotment");
  KURA_RETURN_IF_ERROR(hq_api.Call("hq.directory.set", {{"store", kStore}, {"name", "Bench"}, {"lat", 35.66},
                                                        {"lon", 139.70}, {"pickup_enabled", true}}).status());
  KURA_RETURN_IF_ERROR(hq_api.Call("hq.policy.set", {{"share_pct", 50}, {"cap", 1'000'000}}).status());
  // The store's new directory takes writes once HQ has greeted it (Engine::awaiting_hq).
  KURA_RETURN_IF_ERROR(WaitFor("HQ to greet the store", [&] { return harness::TakesWrites(store_api); }));
  KURA_RETURN_IF_ERROR(store_api.Call("store.status.set", {{"status", "open"}}).status());
  KURA_RETURN_IF_ERROR(store_api.Call("stock.receive", {{"sku", kSku}, {"qty", 4 * options.orders}}).status());
  KURA_RETURN_IF_ERROR(WaitFor("HQ's allotment for the store", [&] {
    json o = Offer(hq_api);
    return o.is_object() && o["reachable"] == true && o["can_hand_over"] == true &&
           o["hq_allotment"].get<int64_t>() >= options.orders;
  }));

  progress("orders 3/6: " + std::to_string(options.orders) + " orders for the connected store");
  report.routed = PlaceOrders(hq_api, options.orders, &report);

  progress("orders 4/6: stopping the store; " + std::to_string(options.orders) + " orders from HQ's allotment");
  auto t0 = Clock::now();
  KURA_RETURN_IF_ERROR(store.Stop());
  KURA_RETURN_IF_ERROR(WaitFor("HQ to count the store unreachable", [&] {
    json o = Offer(hq_api);
    return o.is_object() && o["reachable"] == false;
  }));
  report.offline_detect_s = Since(t0);
  report.allotment = PlaceOrders(hq_api, options.orders, &report);

  progress("orders 5/6: bare ZeroMQ round trips (ipc, tcp) and raw RocksDB synced writes");
  KURA_ASSIGN_OR_RETURN(report.zmq_ipc, MeasureZmqRoundTrip(context, "ipc://" + work->Sub("echo.sock"), options.seconds));
  KURA_ASSIGN_OR_RETURN(report.zmq_tcp, MeasureZmqRoundTrip(context, "tcp://127.0.0.1:*", options.seconds));
  KURA_ASSIGN_OR_RETURN(report.synced_write, MeasureSyncedWrites(work->Sub("raw"), 1, options.seconds));

  progress("orders 6/6: restarting the store; it must end up holding every accepted order");
  KURA_RETURN_IF_ERROR(store.Start(context, kStartTimeoutMs));
  int64_t accepted = report.decided_by_store + report.decided_by_hq;
  Status converged = WaitFor("the store to hold every accepted order", [&] {
    auto r = store_api.Call("stock.get", {{"sku", kSku}});
    if (r.ok()) report.store_held = (*r)["held"].get<int64_t>();
    return report.store_held == accepted;
  });
  report.verified = converged.ok() && report.refused == 0;
  KURA_RETURN_IF_ERROR(store.Stop());
  KURA_RETURN_IF_ERROR(hq.Stop());
  return report;
}

std::string FormatOrdersReport(const OrdersReport& r) {
  double floor_routed = Ms(r.zmq_ipc.p50_us + r.zmq_tcp.p50_us + 2 * r.synced_write.p50_us);
  double floor_allot = Ms(r.zmq_ipc.p50_us + r.synced_write.p50_us);
  std::string out;
  char line[256];
  auto row = [&](const char* name, const PhaseSummary& s, double floor_ms) {
    if (floor_ms > 0) {
      std::snprintf(line, sizeof line, "%-36s %8.2f %8.2f %10.0f %9.2f %9.1fx\n", name, Ms(s.p50_us), Ms(s.p99_us),
                    s.ops_per_s, floor_ms, Ms(s.p50_us) / floor_ms);
    } else {
      std::snprintf(line, sizeof line, "%-36s %8.3f %8.3f %10.0f\n", name, Ms(s.p50_us), Ms(s.p99_us), s.ops_per_s);
    }
    out += line;
  };
  std::snprintf(line, sizeof line, "kura-bench orders: hq.order.place at HQ, one client, %lld orders per phase\n\n",
                static_cast<long long>(r.routed.ops));
  out += line;
  std::snprintf(line, sizeof line, "%-36s %8s %8s %10s %9s %10s\n", "", "p50 ms", "p99 ms", "per s", "floor ms",
                "p50/floor");
  out += line;
  row("connected store (the store decides)", r.routed, floor_routed);
  row("offline store (HQ's allotment)", r.allotment, floor_allot);
  row("bare ZeroMQ round trip, ipc", r.zmq_ipc, 0);
  row("bare ZeroMQ round trip, tcp", r.zmq_tcp, 0);
  row("RocksDB synced write, 1 writer", r.synced_write, 0);
  out += "\nfloor: connected = ipc + tcp round trip + 2 synced writes (store, HQ); offline = ipc round trip\n"
         "+ 1 synced write (HQ); each from the p50s measured above in this run.\n";
  std::snprintf(line, sizeof line,
                "decided by the store: %lld, by HQ: %lld, refused: %lld; HQ counted the stopped store unreachable "
                "after %.1f s\n",
                static_cast<long long>(r.decided_by_store), static_cast<long long>(r.decided_by_hq),
                static_cast<long long>(r.refused), r.offline_detect_s);
  out += line;
  std::snprintf(line, sizeof line, "verified: %s (the restarted store holds %lld units, one per accepted order)\n",
                r.verified ? "yes" : "NO", static_cast<long long>(r.store_held));
  out += line;
  return out;
}

nlohmann::ordered_json OrdersReportJson(const OrdersReport& r) {
  auto phase = [](const PhaseSummary& s) {
    return nlohmann::ordered_json{{"ops", s.ops}, {"ops_per_s", s.ops_per_s}, {"p50_ms", Ms(s.p50_us)},
                                  {"p99_ms", Ms(s.p99_us)}, {"max_ms", Ms(s.max_us)}};
  };
  return nlohmann::ordered_json{
      {"suite", "orders"},
      {"connected_store", phase(r.routed)},
      {"offline_store", phase(r.allotment)},
      {"zmq_ipc", phase(r.zmq_ipc)},
      {"zmq_tcp", phase(r.zmq_tcp)},
      {"rocksdb_synced_write", phase(r.synced_write)},
      {"decided_by_store", r.decided_by_store},
      {"decided_by_hq", r.decided_by_hq},
      {"refused", r.refused},
      {"offline_detect_s", r.offline_detect_s},
      {"store_held", r.store_held},
      {"verified", r.verified},
  };
}

}  // namespace kura::bench
