#include "store_suite.h"

#include <memory>
#include <thread>

#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "closed_loop.h"
#include "kura/node/api_client.h"
#include "raw_limits.h"
#include "daemon.h"
#include "plural.h"

namespace kura::bench {

using harness::Daemon;
using harness::Plural;

namespace {

constexpr int kStartTimeoutMs = 20'000;
constexpr int kCallTimeoutMs = 10'000;
// How long the daemon sits without requests before its idle RSS is read.
constexpr auto kIdleDelay = std::chrono::seconds(1);

std::string Sku(int clients, int index) {
  return "bench-c" + std::to_string(clients) + "-" + std::to_string(index);
}

// `clients` threads, each with its own ApiClient, receiving one unit at a time into its own
// SKU; afterwards the SKUs are read back and must hold exactly the acknowledged receives.
Result<ApiPhase> RunApiPhase(zmq::context_t& context, const std::string& endpoint, int clients,
                             double seconds) {
  ApiPhase phase;
  phase.clients = clients;
  KURA_ASSIGN_OR_RETURN(phase.summary, RunClosedLoop(clients, seconds, [&](int index) -> Result<Operation> {
    auto client = std::make_shared<ApiClient>(context, endpoint, kCallTimeoutMs);
    // Connects the socket; `status` writes nothing, so the SKU stays untouched.
    KURA_RETURN_IF_ERROR(client->Call("status").status());
    nlohmann::json args = {{"sku", Sku(clients, index)}, {"qty", 1}};
    return Operation([client, args]() -> Status { return client->Call("stock.receive", args).status(); });
  }));

  ApiClient reader(context, endpoint, kCallTimeoutMs);
  for (int i = 0; i < clients; ++i) {
    auto stock = reader.Call("stock.get", {{"sku", Sku(clients, i)}});
    if (!stock.ok()) return Status::Corruption("reading back " + Sku(clients, i) + ": " + stock.status().ToString());
    phase.on_hand_total += (*stock)["on_hand"].get<int64_t>();
  }
  phase.verified = phase.on_hand_total == phase.summary.ops;
  return phase;
}

}  // namespace

Result<StoreSuiteReport> RunStoreSuite(const StoreSuiteOptions& options, const Progress& progress) {
  KURA_RETURN_IF_ERROR(Daemon::CheckBinary(options.store_bin));
  CpuMeter meter;
  KURA_ASSIGN_OR_RETURN(std::unique_ptr<WorkDir> dir, WorkDir::Create(options.data_dir, options.keep));
  StoreSuiteReport report;
  report.work_dir = dir->path();
  report.filesystem = dir->Filesystem();
  report.seconds_per_phase = options.seconds;
  const double s = options.seconds;
  const int total = 4 + static_cast<int>(std::size(kApiClientCounts));
  int n = 0;
  auto phase = [&](const std::string& what) {
    progress("phase " + std::to_string(++n) + "/" + std::to_string(total) + ": " + what + "...");
  };

  phase("raw RocksDB synced writes, 1 writer");
  KURA_ASSIGN_OR_RETURN(report.rocksdb_1_writer, MeasureSyncedWrites(dir->Sub("raw-1"), 1, s));
  phase("raw RocksDB synced writes, " + Plural(kTargetClients, "writer"));
  KURA_ASSIGN_OR_RETURN(report.rocksdb_32_writers, MeasureSyncedWrites(dir->Sub("raw-32"), kTargetClients, s));

  zmq::context_t context(1);
  phase("bare ZeroMQ round trip (ipc)");
  KURA_ASSIGN_OR_RETURN(report.zmq_ipc, MeasureZmqRoundTrip(context, "ipc://" + dir->Sub("echo.sock"), s));
  phase("bare ZeroMQ round trip (tcp loopback)");
  KURA_ASSIGN_OR_RETURN(report.zmq_tcp, MeasureZmqRoundTrip(context, "tcp://127.0.0.1:*", s));

  progress("starting " + options.store_bin);
  Daemon daemon(options.store_bin, {"--store-id", "bench"}, dir->Sub("store"), dir->Sub("kura-store.log"));
  KURA_RETURN_IF_ERROR(daemon.Start(context, kStartTimeoutMs));
  KURA_ASSIGN_OR_RETURN(report.rss_at_start_bytes, daemon.RssBytes());

  for (int clients : kApiClientCounts) {
    phase("kura-store API, " + Plural(clients, "client"));
    KURA_ASSIGN_OR_RETURN(double daemon_before, daemon.CpuSeconds());
    double client_before = ProcessCpuSeconds();
    KURA_ASSIGN_OR_RETURN(ApiPhase api, RunApiPhase(context, daemon.endpoint(), clients, s));
    api.client_cpu_s = ProcessCpuSeconds() - client_before;
    KURA_ASSIGN_OR_RETURN(double daemon_after, daemon.CpuSeconds());
    api.daemon_cpu_s = daemon_after - daemon_before;
    progress(std::string(api.verified ? "  verified: " : "  NOT VERIFIED: ") + "on_hand over " +
             Plural(clients, "SKU") + " = " + std::to_string(api.on_hand_total) + ", acknowledged receives = " +
             std::to_string(api.summary.ops));
    report.api.push_back(api);
  }

  std::this_thread::sleep_for(kIdleDelay);  // a measurement delay: let the daemon go idle
  KURA_ASSIGN_OR_RETURN(report.rss_idle_bytes, daemon.RssBytes());
  KURA_RETURN_IF_ERROR(daemon.Stop());
  report.cpu = meter.Read();
  if (dir->kept()) progress("kept " + dir->path() + " (daemon log: " + dir->Sub("kura-store.log") + ")");
  return report;
}

}  // namespace kura::bench
