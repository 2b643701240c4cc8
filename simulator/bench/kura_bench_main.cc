// kura-bench: measures kura against the physical limits of the machine it runs on. Each
// suite is one question ("how many durable operations per second does kura-store serve?");
// `store` is the default. Results go to stdout (a table, or JSON with --json); progress
// goes to stderr.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli_args.h"
#include "daemon.h"
#include "hq_ingest_suite.h"
#include "orders_suite.h"
#include "report.h"
#include "store_suite.h"
#include "sync_suite.h"

namespace {

constexpr char kDescription[] =
    "kura-bench: durable operations per second through kura-store's local API with 1, 8 and\n"
    "32 concurrent clients (p50/p99 latency), printed side by side with the physical limits\n"
    "measured in the same run on the same disk: raw RocksDB synced writes (1 and 32\n"
    "writers) and a bare ZeroMQ request/reply round trip (ipc and tcp loopback).\n"
    "\n"
    "Each client thread does stock.receive of 1 unit into its own SKU, back to back; the\n"
    "SKUs are read back afterwards and must hold exactly the acknowledged receives\n"
    "(\"verified\"). Also reported: the CPU the daemon and the bench's clients used per\n"
    "operation, how busy other processes kept the machine (a busy machine makes every figure\n"
    "low, and is flagged), and the daemon's RSS right after start and after ~1 s idle\n"
    "following the load. Progress goes to stderr, results to stdout.\n"
    "\n"
    "Exit status: 0 when the run completed and every acknowledged operation was found\n"
    "(whether or not the targets were met), 1 otherwise.\n"
    "\n"
    "Suites:\n"
    "  store   kura-store API throughput and latency against the raw limits (the default)\n"
    "  sync    a store sells while cut off from HQ, then reconnects: time to convergence at\n"
    "          HQ, components and bytes on the wire next to the lower bound (--sales, --skus);\n"
    "          then its disk is replaced: time for the new store to get its data back from HQ,\n"
    "          next to raw RocksDB writing as many synced batches of as many puts as large\n"
    "  hq-ingest\n"
    "          a real kura-hq with --stores stores (default 200) connected at once over CURVE,\n"
    "          each changing random SKUs of its --skus catalog for --seconds: time for all to\n"
    "          connect, components HQ merges durably per second next to raw RocksDB synced\n"
    "          batches of the same size (one writer), HQ CPU and peak RSS (VmHWM); HQ's\n"
    "          hq.stock is compared with every store's for a sample of SKUs\n"
    "  orders  online-order latency at a real kura-hq (p50, p99) for a connected kura-store,\n"
    "          which decides each order itself over the CURVE link, and for the same store\n"
    "          stopped, when HQ promises from its allotment; beside a bare ZeroMQ round trip and\n"
    "          a raw RocksDB synced write, and the floor they make (--orders per phase)";

struct BenchOptions {
  kura::bench::StoreSuiteOptions store;
  kura::bench::SyncSuiteOptions sync;
  kura::bench::HqIngestOptions ingest;
  kura::bench::OrdersOptions orders;
  bool json = false;
};

// The kura-store binary: --store-bin, else $KURA_STORE_BIN, else the one built next to
// this kura-bench.
std::string DefaultStoreBin() { return kura::harness::Daemon::BinaryFromEnv("KURA_STORE_BIN", KURA_STORE_BIN); }

// The kura-hq binary: --hq-bin, else $KURA_HQ_BIN, else the one built next to this kura-bench.
std::string DefaultHqBin() { return kura::harness::Daemon::BinaryFromEnv("KURA_HQ_BIN", KURA_HQ_BIN); }

void Progress(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

int RunStore(const BenchOptions& options) {
  auto report = kura::bench::RunStoreSuite(options.store, Progress);
  if (!report.ok()) {
    std::fprintf(stderr, "kura-bench store: %s\n", report.status().ToString().c_str());
    return 1;
  }
  if (options.json) std::cout << kura::bench::StoreReportJson(*report).dump(2) << "\n";
  else std::cout << kura::bench::FormatStoreReport(*report);
  if (!kura::bench::Judge(*report).verified) {
    std::fprintf(stderr, "kura-bench store: FAILED: the store does not hold exactly the acknowledged operations\n");
    return 1;
  }
  return 0;
}

// Prints a suite's report as a table or JSON; exit status 0 when the run completed and
// what it wrote was found where it should be.
template <typename Report, typename ToJson, typename ToTable>
int Print(const char* suite, const BenchOptions& options, kura::Result<Report> report, ToJson to_json,
          ToTable to_table) {
  if (!report.ok()) {
    std::fprintf(stderr, "kura-bench %s: %s\n", suite, report.status().ToString().c_str());
    return 1;
  }
  if (options.json) std::cout << to_json(*report).dump(2) << "\n";
  else std::cout << to_table(*report);
  return report->verified ? 0 : 1;
}

int RunSync(const BenchOptions& options) {
  kura::bench::SyncSuiteOptions sync = options.sync;
  sync.data_dir = options.store.data_dir;
  sync.keep = options.store.keep;
  return Print("sync", options, kura::bench::RunSyncSuite(sync, Progress), kura::bench::SyncReportJson,
               kura::bench::FormatSyncReport);
}

int RunHqIngest(const BenchOptions& options) {
  kura::bench::HqIngestOptions ingest = options.ingest;
  ingest.skus = options.sync.skus;
  ingest.seconds = options.store.seconds;
  ingest.data_dir = options.store.data_dir;
  ingest.keep = options.store.keep;
  return Print("hq-ingest", options, kura::bench::RunHqIngestSuite(ingest, Progress),
               kura::bench::HqIngestReportJson, kura::bench::FormatHqIngestReport);
}

int RunOrders(const BenchOptions& options) {
  kura::bench::OrdersOptions orders = options.orders;
  orders.seconds = options.store.seconds;
  orders.hq_bin = options.ingest.hq_bin;
  orders.store_bin = options.store.store_bin;
  orders.data_dir = options.store.data_dir;
  orders.keep = options.store.keep;
  return Print("orders", options, kura::bench::RunOrdersSuite(orders, Progress), kura::bench::OrdersReportJson,
               kura::bench::FormatOrdersReport);
}

// A suite is a subcommand; the first one is the default.
struct Suite {
  const char* name;
  const char* help;
  int (*run)(const BenchOptions&);
};

constexpr Suite kSuites[] = {
    {"store", "kura-store API throughput and latency against the raw limits", RunStore},
    {"sync", "offline sales then reconnect: convergence time and bytes vs the lower bound", RunSync},
    {"hq-ingest", "N stores at once into a real kura-hq: merged components/s vs raw, HQ CPU and peak RSS",
     RunHqIngest},
    {"orders", "online-order latency at HQ: a connected store deciding vs HQ's allotment, vs the floor",
     RunOrders},
};

}  // namespace

int main(int argc, char** argv) {
  BenchOptions options;
  options.store.store_bin = DefaultStoreBin();
  options.ingest.hq_bin = DefaultHqBin();
  CLI::App app(kDescription, "kura-bench");
  app.add_option("--seconds", options.store.seconds, "Duration of each measured phase, in seconds (default 3)")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_flag("--json", options.json, "Print the figures as one JSON object instead of a table");
  app.add_option("--data-dir", options.store.data_dir,
                 "Directory whose filesystem is measured: the run works in a fresh kura-bench-XXXXXX\n"
                 "inside it, removed afterwards; created with its parents if missing (default $TMPDIR or /tmp)");
  app.add_flag("--keep", options.store.keep,
               "Keep the run's directory (RocksDB data, kura-store.log) instead of removing it");
  app.add_option("--store-bin", options.store.store_bin,
                 "kura-store binary to benchmark (default $KURA_STORE_BIN, else the one built with\n"
                 "this kura-bench: " KURA_STORE_BIN ")");
  app.add_option("--sales", options.sync.sales, "sync suite: sales made while cut off (default 100000)")
      ->check(CLI::Range(1, 10'000'000));
  app.add_option("--skus", options.sync.skus,
                 "sync suite: SKUs the sales spread over; hq-ingest: each store's catalog (default 5000)")
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--stores", options.ingest.stores, "hq-ingest suite: stores connected at once (default 200)")
      ->check(CLI::Range(1, 400));
  app.add_option("--retransmit-ms", options.ingest.retransmit_ms,
                 "hq-ingest suite: the simulated stores' session retransmit timeout (default 3000,\n"
                 "kura-store's)")
      ->check(CLI::Range(100, 600'000));
  app.add_option("--orders", options.orders.orders, "orders suite: orders placed per phase (default 300)")
      ->check(CLI::Range(1, 100'000));
  app.add_option("--hq-bin", options.ingest.hq_bin,
                 "kura-hq binary for hq-ingest and orders (default $KURA_HQ_BIN, else the one built with\n"
                 "this kura-bench: " KURA_HQ_BIN ")");
  for (const Suite& suite : kSuites) {
    app.add_subcommand(suite.name, suite.help)
        ->fallthrough()
        ->footer("Options: see kura-bench --help; they may come before or after the suite name.");
  }
  app.require_subcommand(0, 1);
  try {
    std::vector<std::string> args = kura::ArgsForCli11(app, argc, argv);
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (std::string why = kura::EmptyValueGiven(app); !why.empty()) {
    std::cerr << why << "\nRun with --help for more information.\n";
    return 2;
  }

  for (const Suite& suite : kSuites) {
    if (app.got_subcommand(suite.name)) return suite.run(options);
  }
  return kSuites[0].run(options);
}
