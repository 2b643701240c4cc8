#include "report.h"

#include <cmath>
#include <cstdio>

#include "plural.h"

namespace kura::bench {
namespace {

using harness::Plural;
using json = nlohmann::ordered_json;

constexpr double kBytesPerMb = 1e6;
// Other processes using more CPU than this during the run make its figures suspect.
constexpr double kQuietMachineCpus = 0.2;

// 12345.6 -> "12,346"
std::string Thousands(double value) {
  long long rounded = std::llround(value);
  std::string digits = std::to_string(rounded < 0 ? -rounded : rounded);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return rounded < 0 ? "-" + out : out;
}

std::string Fixed(double value, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string Row(const std::string& name, const std::string& rate, const std::string& p50,
                const std::string& p99, const std::string& note) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-32s %9s %9s %9s   %s", name.c_str(), rate.c_str(), p50.c_str(),
                p99.c_str(), note.c_str());
  std::string line = buf;
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

std::string Ratio(double ops_per_s, double limit) {
  return limit > 0 ? Fixed(ops_per_s / limit, 2) + "x" : "-";
}

double Round(double value, int decimals) {
  double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

json OpsJson(const PhaseSummary& s) {
  return {{"ops", s.ops},
          {"seconds", Round(s.seconds, 3)},
          {"ops_per_s", Round(s.ops_per_s, 1)},
          {"p50_ms", Round(s.p50_us / 1e3, 4)},
          {"p99_ms", Round(s.p99_us / 1e3, 4)},
          {"max_ms", Round(s.max_us / 1e3, 4)}};
}

json RoundTripJson(const PhaseSummary& s) {
  return {{"round_trips", s.ops},
          {"seconds", Round(s.seconds, 3)},
          {"round_trips_per_s", Round(s.ops_per_s, 1)},
          {"p50_us", Round(s.p50_us, 1)},
          {"p99_us", Round(s.p99_us, 1)},
          {"max_us", Round(s.max_us, 1)}};
}

double CpuUsPerOp(double cpu_s, const ApiPhase& p) {
  return p.summary.ops > 0 ? cpu_s * 1e6 / static_cast<double>(p.summary.ops) : 0;
}

const ApiPhase* TargetPhase(const StoreSuiteReport& report) {
  for (const auto& p : report.api) {
    if (p.clients == kTargetClients) return &p;
  }
  return nullptr;
}

// A row whose rate is durable writes, with its ratio to one raw synced writer.
std::string OpsRow(const std::string& name, const PhaseSummary& s, const StoreSuiteReport& r,
                   const std::string& note) {
  return Row(name, Thousands(s.ops_per_s), Fixed(s.p50_us / 1e3, 3), Fixed(s.p99_us / 1e3, 3),
             Ratio(s.ops_per_s, r.rocksdb_1_writer.ops_per_s) + note);
}

std::string RoundTripRow(const std::string& name, const PhaseSummary& s) {
  return Row(name, Thousands(s.ops_per_s), Fixed(s.p50_us / 1e3, 3), Fixed(s.p99_us / 1e3, 3),
             "(round trips/s; p50 " + Fixed(s.p50_us, 0) + " µs, p99 " + Fixed(s.p99_us, 0) + " µs)");
}

std::string VerificationLine(const StoreSuiteReport& r, bool verified) {
  int64_t skus = 0, on_hand = 0, acked = 0;
  for (const auto& p : r.api) {
    skus += p.clients;
    on_hand += p.on_hand_total;
    acked += p.summary.ops;
  }
  return std::string(verified ? "verified" : "NOT VERIFIED") + ": on_hand over " + std::to_string(skus) +
         " SKUs = " + Thousands(static_cast<double>(on_hand)) + ", acknowledged stock.receive ops = " +
         Thousands(static_cast<double>(acked)) + "\n";
}

// Where the CPU went in each API phase: the daemon, and the client threads driving it
// (which share the machine's CPUs with it).
std::string CpuLines(const StoreSuiteReport& r) {
  std::string daemon = "CPU, kura-store:   ", clients = "CPU, bench clients:";
  for (const auto& p : r.api) {
    const char* sep = &p == &r.api.front() ? " " : "; ";
    daemon += sep + Plural(p.clients, "client") + " " + Fixed(p.daemon_cpu_s / p.summary.seconds, 2) +
              " CPUs = " + Fixed(CpuUsPerOp(p.daemon_cpu_s, p), 0) + " µs/op";
    clients += sep + Plural(p.clients, "client") + " " + Fixed(p.client_cpu_s / p.summary.seconds, 2) +
               " CPUs = " + Fixed(CpuUsPerOp(p.client_cpu_s, p), 0) + " µs/op";
  }
  return daemon + "\n" + clients + "\n";
}

std::string MachineLine(const CpuUsage& cpu) {
  return "machine: " + std::to_string(cpu.cpus) + " CPUs; other processes kept " + Fixed(cpu.other_cpus, 2) +
         " CPUs busy during the run" +
         (cpu.other_cpus > kQuietMachineCpus ? " -- WARNING: a busy machine, figures are below what it can do\n"
                                             : " (quiet)\n");
}

}  // namespace

StoreVerdict Judge(const StoreSuiteReport& report) {
  StoreVerdict v;
  v.verified = !report.api.empty();
  for (const auto& p : report.api) v.verified = v.verified && p.verified;
  if (const ApiPhase* p = TargetPhase(report)) {
    v.throughput_met = p->summary.ops_per_s >= kTargetOpsPerS && p->summary.p99_us / 1e3 <= kTargetP99Ms;
  }
  v.rss_met = report.rss_idle_bytes / kBytesPerMb <= kTargetIdleRssMb;
  return v;
}

std::string FormatStoreReport(const StoreSuiteReport& r) {
  const StoreVerdict verdict = Judge(r);
  char seconds[16];
  std::snprintf(seconds, sizeof seconds, "%g", r.seconds_per_phase);
  std::string out = "kura-bench store   (data dir " + r.work_dir + " on " + r.filesystem.mount_point + " " +
                    r.filesystem.type + " " + r.filesystem.source + ", " + seconds + " s per phase)\n";
  out += Row("", "ops/s", "p50 ms", "p99 ms", "vs raw synced write");
  out += OpsRow("raw RocksDB synced, 1 writer", r.rocksdb_1_writer, r, "");
  out += OpsRow("raw RocksDB synced, " + Plural(kTargetClients, "writer"), r.rocksdb_32_writers, r, "");
  out += RoundTripRow("bare ZeroMQ round trip (ipc)", r.zmq_ipc);
  out += RoundTripRow("bare ZeroMQ round trip (tcp)", r.zmq_tcp);
  for (const auto& p : r.api) {
    std::string note;
    if (p.clients == kTargetClients) {
      note = "   target >= " + Thousands(kTargetOpsPerS) + " ops/s, p99 <= " + Fixed(kTargetP99Ms, 0) +
             " ms: " + (verdict.throughput_met ? "MET" : "NOT MET");
    }
    out += OpsRow("kura-store API, " + Plural(p.clients, "client"), p.summary, r, note);
  }
  out += VerificationLine(r, verdict.verified);
  out += CpuLines(r);
  out += MachineLine(r.cpu);
  out += "daemon RSS: at start " + Fixed(r.rss_at_start_bytes / kBytesPerMb, 1) + " MB, idle after load " +
         Fixed(r.rss_idle_bytes / kBytesPerMb, 1) + " MB (target <= " + Fixed(kTargetIdleRssMb, 0) +
         " MB): " + (verdict.rss_met ? "MET" : "NOT MET") + "\n";
  return out;
}

json StoreReportJson(const StoreSuiteReport& r) {
  const StoreVerdict verdict = Judge(r);
  json api = json::array();
  for (const auto& p : r.api) {
    json phase = {{"clients", p.clients}};
    phase.update(OpsJson(p.summary));
    phase["vs_raw_synced_write"] = Round(p.summary.ops_per_s / r.rocksdb_1_writer.ops_per_s, 3);
    phase["vs_raw_synced_32_writers"] = Round(p.summary.ops_per_s / r.rocksdb_32_writers.ops_per_s, 3);
    phase["on_hand_total"] = p.on_hand_total;
    phase["verified"] = p.verified;
    phase["daemon_cpu_s"] = Round(p.daemon_cpu_s, 3);
    phase["daemon_cpu_us_per_op"] = Round(CpuUsPerOp(p.daemon_cpu_s, p), 1);
    phase["client_cpu_s"] = Round(p.client_cpu_s, 3);
    phase["client_cpu_us_per_op"] = Round(CpuUsPerOp(p.client_cpu_s, p), 1);
    api.push_back(phase);
  }
  return {{"suite", "store"},
          {"seconds_per_phase", r.seconds_per_phase},
          {"work_dir", r.work_dir},
          {"filesystem", {{"mount_point", r.filesystem.mount_point},
                          {"type", r.filesystem.type},
                          {"source", r.filesystem.source}}},
          {"machine", {{"cpus", r.cpu.cpus},
                       {"busy_cpus", Round(r.cpu.busy_cpus, 3)},
                       {"bench_cpus", Round(r.cpu.own_cpus, 3)},
                       {"other_cpus", Round(r.cpu.other_cpus, 3)},
                       {"quiet", r.cpu.other_cpus <= kQuietMachineCpus}}},
          {"limits", {{"rocksdb_synced_1_writer", OpsJson(r.rocksdb_1_writer)},
                      {"rocksdb_synced_32_writers", OpsJson(r.rocksdb_32_writers)},
                      {"zmq_round_trip_ipc", RoundTripJson(r.zmq_ipc)},
                      {"zmq_round_trip_tcp", RoundTripJson(r.zmq_tcp)}}},
          {"api", api},
          {"verified", verdict.verified},
          {"daemon_rss", {{"at_start_mb", Round(r.rss_at_start_bytes / kBytesPerMb, 1)},
                          {"idle_after_load_mb", Round(r.rss_idle_bytes / kBytesPerMb, 1)}}},
          {"target", {{"clients", kTargetClients},
                      {"ops_per_s", kTargetOpsPerS},
                      {"p99_ms", kTargetP99Ms},
                      {"idle_rss_mb", kTargetIdleRssMb},
                      {"throughput_met", verdict.throughput_met},
                      {"rss_met", verdict.rss_met}}}};
}

}  // namespace kura::bench
