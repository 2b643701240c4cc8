#include "hq_ingest_suite.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <vector>

#include <spdlog/spdlog.h>

#include "cpu_meter.h"
#include "curve_keys.h"
#include "daemon.h"
#include "hq_config_file.h"
#include "kura/node/api_client.h"
#include "raw_limits.h"
#include "simulated_store.h"
#include "system_clock.h"
#include "work_dir.h"

namespace kura::bench {

using harness::Daemon;
using harness::WorkDir;
using harness::WriteHqConfig;

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kStartTimeoutMs = 30'000;
constexpr double kConnectTimeoutS = 120;
constexpr double kDrainTimeoutS = 60;
// Each pass over the stores, a store with fewer than kMaxBacklog changes HQ has not yet
// acknowledged makes kChangesPerPass more: the stores outrun HQ without queueing without end.
constexpr int kChangesPerPass = 16;
constexpr uint64_t kMaxBacklog = 4096;
constexpr int kSampleSkus = 50;
constexpr int kApiTimeoutMs = 120'000;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string StoreId(int i) {
  char id[24];
  std::snprintf(id, sizeof id, "store-%03d", i + 1);
  return id;
}

// All N stores, polled and pumped from this one thread.
class Fleet {
 public:
  std::vector<std::unique_ptr<SimulatedStore>> stores;

  // Waits up to 5 ms for a message from HQ, then lets every store (optionally) make
  // changes and pump its session.
  void Pass(bool produce) {
    if (items_.size() != stores.size()) {
      items_.clear();
      for (auto& s : stores) items_.push_back({s->socket().handle(), 0, ZMQ_POLLIN, 0});
    }
    zmq::poll(items_.data(), items_.size(), std::chrono::milliseconds(5));
    int64_t now = SystemClock::Get()->NowMillis();
    for (auto& s : stores) {
      if (produce && s->head() - s->acked_seq() < kMaxBacklog) s->Produce(kChangesPerPass);
      s->Pump(now);
    }
  }

  template <typename F>
  uint64_t Sum(F field) const {
    uint64_t total = 0;
    for (const auto& s : stores) total += field(*s);
    return total;
  }
  bool All(bool (*done)(const SimulatedStore&)) const {
    return std::all_of(stores.begin(), stores.end(), [&](const auto& s) { return done(*s); });
  }

 private:
  std::vector<zmq::pollitem_t> items_;
};

// Compares HQ's per-store on-hand (hq.stock) with every store's own, for a sample of SKUs.
Result<bool> Verify(ApiClient& api, const Fleet& fleet, int skus, int* sampled) {
  int step = std::max(1, skus / kSampleSkus);
  for (int sku = 0; sku < skus; sku += step) {
    std::map<std::string, int64_t> at_hq;
    auto reply = api.Call("hq.stock", {{"sku", SimulatedStore::Sku(sku)}});
    if (reply.ok()) {
      for (const auto& row : (*reply)["stores"]) at_hq[row["store"].get<std::string>()] = row["on_hand"].get<int64_t>();
    } else if (reply.status().code() != Status::Code::kNotFound) {
      return reply.status();
    }
    for (const auto& s : fleet.stores) {
      auto mine = s->OnHand(sku);
      auto it = at_hq.find(s->id());
      bool same = mine ? (it != at_hq.end() && it->second == *mine) : it == at_hq.end();
      if (!same) return false;
    }
    ++*sampled;
  }
  return true;
}

}  // namespace

Result<HqIngestReport> RunHqIngestSuite(const HqIngestOptions& options,
                                        const std::function<void(const std::string&)>& progress) {
  KURA_RETURN_IF_ERROR(Daemon::CheckBinary(options.hq_bin));
  KURA_ASSIGN_OR_RETURN(auto work, WorkDir::Create(options.data_dir, options.keep));
  HqIngestReport report;
  report.stores = options.stores;
  report.skus = options.skus;
  report.retransmit_ms = options.retransmit_ms;

  progress("hq-ingest 1/5: generating HQ's keypair and " + std::to_string(options.stores) + " store keypairs");
  KURA_ASSIGN_OR_RETURN(CurveKeyPair hq_keys, GenerateCurveKeyPair());
  std::vector<std::string> ids;
  std::vector<CurveKeyPair> keys;
  for (int i = 0; i < options.stores; ++i) {
    ids.push_back(StoreId(i));
    KURA_ASSIGN_OR_RETURN(CurveKeyPair pair, GenerateCurveKeyPair());
    keys.push_back(std::move(pair));
  }
  KURA_ASSIGN_OR_RETURN(std::string config, WriteHqConfig(*work, hq_keys, ids, keys));

  // The stores' links log every connect at info: 200 lines that would bury the progress.
  spdlog::set_level(spdlog::level::warn);
  zmq::context_t context;
  // Each store has a DEALER and a link monitor (two PAIR sockets): more than the default 1023.
  context.set(zmq::ctxopt::max_sockets, 8 * options.stores + 64);
  Daemon hq(options.hq_bin, {"--config", config}, work->Sub("hq"), work->Sub("kura-hq.log"));
  KURA_RETURN_IF_ERROR(hq.Start(context, kStartTimeoutMs));
  // Generous: with every store linked, HQ's loop may answer the API only between sync work.
  ApiClient api(context, hq.endpoint(), kApiTimeoutMs);
  KURA_ASSIGN_OR_RETURN(json status, api.Call("hq.sync_status"));
  const std::string endpoint = status["endpoint"].get<std::string>();

  progress("hq-ingest 2/5: connecting " + std::to_string(options.stores) + " stores to " + endpoint);
  Fleet fleet;
  auto t0 = Clock::now();
  for (int i = 0; i < options.stores; ++i) {
    fleet.stores.push_back(
        std::make_unique<SimulatedStore>(ids[i], keys[i], options.skus, 1000 + i, options.retransmit_ms));
    KURA_RETURN_IF_ERROR(fleet.stores.back()->Connect(context, hq_keys.public_z85, endpoint));
  }
  while (!fleet.All([](const SimulatedStore& s) { return s.greeted(); })) {
    if (Since(t0) > kConnectTimeoutS) {
      return Status::IOError("not every store was greeted within " + std::to_string(kConnectTimeoutS) +
                             " s; HQ log:\n" + hq.LogTail(10));
    }
    fleet.Pass(/*produce=*/false);
  }
  report.connect_s = Since(t0);
  KURA_ASSIGN_OR_RETURN(report.hq_rss_connected, hq.RssBytes());

  KURA_ASSIGN_OR_RETURN(status, api.Call("hq.sync_status"));
  uint64_t commits0 = status.value("merge_commits", uint64_t{0}), merged0 = status.value("batches_merged", uint64_t{0});

  progress("hq-ingest 3/5: every store changing random SKUs for " + std::to_string(options.seconds) + " s");
  auto made = [](const SimulatedStore& s) { return s.head(); };
  auto acked = [](const SimulatedStore& s) { return s.acked_seq(); };
  auto components = [](const SimulatedStore& s) { return s.acked_components(); };
  auto to_hq = [](const SimulatedStore& s) { return s.stats().batches_sent; };
  auto from_hq = [](const SimulatedStore& s) { return s.stats().batches_received; };
  uint64_t made0 = fleet.Sum(made), acked0 = fleet.Sum(acked), components0 = fleet.Sum(components),
           to_hq0 = fleet.Sum(to_hq), from_hq0 = fleet.Sum(from_hq);
  KURA_ASSIGN_OR_RETURN(double hq_cpu0, hq.CpuSeconds());
  double bench_cpu0 = ProcessCpuSeconds();
  CpuMeter meter;
  t0 = Clock::now();
  for (int second = 1; Since(t0) < options.seconds;) {
    fleet.Pass(/*produce=*/true);
    if (Since(t0) >= second) {
      uint64_t done = fleet.Sum(components) - components0;
      progress("hq-ingest: " + std::to_string(second) + " s, " + std::to_string(done) + " components merged (" +
               std::to_string(static_cast<int64_t>(done / Since(t0))) + "/s)");
      ++second;
    }
  }
  report.seconds = Since(t0);
  CpuUsage usage = meter.Read();
  KURA_ASSIGN_OR_RETURN(double hq_cpu1, hq.CpuSeconds());
  report.hq_cpu_s = hq_cpu1 - hq_cpu0;
  report.bench_cpu_s = ProcessCpuSeconds() - bench_cpu0;
  report.cpus = usage.cpus;
  report.other_cpus = std::max(0.0, usage.busy_cpus - (report.hq_cpu_s + report.bench_cpu_s) / usage.seconds);
  report.changes_made = fleet.Sum(made) - made0;
  report.changes_acked = fleet.Sum(acked) - acked0;
  report.components_acked = fleet.Sum(components) - components0;
  report.batches_to_hq = fleet.Sum(to_hq) - to_hq0;
  report.batches_from_hq = fleet.Sum(from_hq) - from_hq0;

  progress("hq-ingest 4/5: draining, then comparing HQ's stock with every store's");
  t0 = Clock::now();
  report.drained = true;
  while (report.drained && !fleet.All([](const SimulatedStore& s) { return s.acked_seq() == s.head(); })) {
    report.drained = Since(t0) < kDrainTimeoutS;
    fleet.Pass(/*produce=*/false);
  }
  report.drain_s = Since(t0);
  KURA_ASSIGN_OR_RETURN(report.hq_peak_rss, hq.PeakRssBytes());
  report.pending_at_end = fleet.Sum(made) - fleet.Sum(acked);
  if (!report.drained) {
    // HQ's loop is still busy with the backlog and would not answer the API in time.
    progress("hq-ingest: HQ did not catch up within " + std::to_string(static_cast<int>(kDrainTimeoutS)) + " s (" +
             std::to_string(report.pending_at_end) + " changes unacknowledged); not verified");
    fleet.stores.clear();
    hq.Stop().IgnoreError();
  } else {
    KURA_ASSIGN_OR_RETURN(report.verified, Verify(api, fleet, options.skus, &report.verified_skus));
    KURA_ASSIGN_OR_RETURN(status, api.Call("hq.sync_status"));
    report.hq_commits = status.value("merge_commits", uint64_t{0}) - commits0;
    report.hq_batches_merged = status.value("batches_merged", uint64_t{0}) - merged0;
    report.components_through_drain = fleet.Sum(components) - components0;
    for (const auto& row : status["stores"]) {
      report.rejected += row.value("rejected", uint64_t{0});
      std::string error = row.value("last_error", std::string());
      if (!error.empty() && report.hq_session_error.empty()) report.hq_session_error = row["store"].get<std::string>() + ": " + error;
    }
    fleet.stores.clear();
    KURA_RETURN_IF_ERROR(hq.Stop());
  }

  // The limit: one writer (HQ merges on its loop thread) making synced writes as large as
  // HQ's, which carry every batch HQ found waiting (PROTOCOL.md 2.3 rule 3).
  uint64_t puts = report.hq_commits ? report.components_through_drain / report.hq_commits
                  : report.batches_to_hq ? report.components_acked / report.batches_to_hq : 1;
  report.raw_puts_per_batch = static_cast<int>(std::max<uint64_t>(1, puts));
  progress("hq-ingest 5/5: raw RocksDB synced batches of " + std::to_string(report.raw_puts_per_batch) +
           " puts, one writer");
  KURA_ASSIGN_OR_RETURN(report.raw, MeasureSyncedWrites(work->Sub("raw"), 1, options.seconds,
                                                        report.raw_puts_per_batch));
  if (work->kept()) progress("kept " + work->path() + " (HQ log: " + work->Sub("kura-hq.log") + ")");
  return report;
}

std::string FormatHqIngestReport(const HqIngestReport& r) {
  std::ostringstream out;
  char line[240];
  auto put = [&](const char* format, auto... args) {
    std::snprintf(line, sizeof line, format, args...);
    out << line;
  };
  double per_s = r.components_acked / r.seconds;
  double raw_per_s = r.raw.ops_per_s * r.raw_puts_per_batch;
  double batches_per_s = r.batches_to_hq / r.seconds;
  put("kura-bench hq-ingest   (%d stores over CURVE/tcp loopback, %d SKUs each, %.1f s, store retransmit %lld ms;"
      " %d CPUs)\n", r.stores, r.skus, r.seconds, static_cast<long long>(r.retransmit_ms), r.cpus);
  put("all stores connected and greeted       %8.2f s\n", r.connect_s);
  put("components merged durably at HQ        %8.0f /s   raw RocksDB limit %.0f /s: %.2fx\n", per_s,
      raw_per_s, raw_per_s > 0 ? per_s / raw_per_s : 0.0);
  put("  store changes acknowledged           %8.0f /s   (made %.0f /s; changes to one SKU before it\n"
      "                                                     ships travel as one component)\n",
      r.changes_acked / r.seconds, r.changes_made / r.seconds);
  put("  batches sent to HQ (incl. resends)  %8.0f /s\n", batches_per_s);
  if (r.hq_commits > 0) {
    double commits_per_s = r.hq_commits / (r.seconds + r.drain_s);
    put("  HQ's synced writes (phase + drain)  %8.0f /s   %.1f batches, %.0f components each; raw synced\n"
        "                                                     batches of %d puts %.0f /s: %.2fx\n",
        commits_per_s, static_cast<double>(r.hq_batches_merged) / r.hq_commits,
        static_cast<double>(r.components_through_drain) / r.hq_commits, r.raw_puts_per_batch, r.raw.ops_per_s,
        r.raw.ops_per_s > 0 ? commits_per_s / r.raw.ops_per_s : 0.0);
  }
  put("  relay-cursor batches HQ -> stores    %8.0f /s\n", r.batches_from_hq / r.seconds);
  put("HQ CPU                                 %8.2f cores (%.1f us per component); bench %.2f cores\n",
      r.hq_cpu_s / r.seconds, per_s > 0 ? r.hq_cpu_s * 1e6 / r.components_acked : 0.0, r.bench_cpu_s / r.seconds);
  put("HQ RSS                                 %8.1f MB once connected, peak %.1f MB (VmHWM)\n",
      r.hq_rss_connected / 1048576.0, r.hq_peak_rss / 1048576.0);
  if (r.drained) put("drain after the phase                  %8.2f s\n", r.drain_s);
  else put("NOT DRAINED: %llu changes still unacknowledged %.0f s after the phase (retransmissions?)\n",
           static_cast<unsigned long long>(r.pending_at_end), r.drain_s);
  if (r.other_cpus > 0.5) put("WARNING: other processes kept %.1f CPUs busy; every figure is low\n", r.other_cpus);
  if (!r.hq_session_error.empty()) out << "HQ session error: " << r.hq_session_error << "\n";
  if (r.rejected > 0) put("WARNING: HQ refused %llu batches\n", static_cast<unsigned long long>(r.rejected));
  if (!r.drained) out << "not verified: HQ had not caught up\n";
  else out << (r.verified ? "verified: HQ's on-hand equals every store's for " + std::to_string(r.verified_skus) +
                           " sampled SKUs\n"
                     : std::string("NOT VERIFIED: HQ's on-hand differs from a store's\n"));
  return out.str();
}

nlohmann::ordered_json HqIngestReportJson(const HqIngestReport& r) {
  double per_s = r.components_acked / r.seconds;
  double raw_per_s = r.raw.ops_per_s * r.raw_puts_per_batch;
  return {{"stores", r.stores}, {"skus", r.skus}, {"seconds", r.seconds}, {"cpus", r.cpus},
          {"connect_s", r.connect_s}, {"components_per_s", per_s},
          {"raw_components_per_s", raw_per_s}, {"ratio_to_raw", raw_per_s > 0 ? per_s / raw_per_s : 0.0},
          {"changes_made", r.changes_made}, {"changes_acked", r.changes_acked},
          {"components_acked", r.components_acked}, {"batches_to_hq", r.batches_to_hq},
          {"batches_from_hq", r.batches_from_hq}, {"raw_puts_per_batch", r.raw_puts_per_batch},
          {"raw_batches_per_s", r.raw.ops_per_s}, {"hq_commits", r.hq_commits},
          {"hq_batches_merged", r.hq_batches_merged}, {"components_through_drain", r.components_through_drain},
          {"drain_s", r.drain_s}, {"drained", r.drained},
          {"pending_at_end", r.pending_at_end}, {"retransmit_ms", r.retransmit_ms},
          {"hq_cpu_cores", r.hq_cpu_s / r.seconds}, {"bench_cpu_cores", r.bench_cpu_s / r.seconds},
          {"other_cpus", r.other_cpus}, {"hq_rss_connected_mb", r.hq_rss_connected / 1048576.0},
          {"hq_peak_rss_mb", r.hq_peak_rss / 1048576.0}, {"rejected", r.rejected}, {"hq_session_error", r.hq_session_error},
          {"verified_skus", r.verified_skus}, {"verified", r.verified}};
}

}  // namespace kura::bench
