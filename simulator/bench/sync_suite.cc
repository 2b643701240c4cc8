#include "sync_suite.h"

#include <chrono>
#include <random>
#include <sstream>

#include "cell_replica.h"
#include "engine.h"
#include "hq_index.h"
#include "kura/schema/api.h"
#include "kura/sync/cell_slice.h"
#include "raw_limits.h"
#include "restore_end.h"
#include "store_observer.h"
#include "work_dir.h"

namespace kura::bench {

using harness::WorkDir;

namespace {

using nlohmann::json;

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string Sku(int i) { return "SKU-" + std::to_string(i); }

// Runs `requests` through the engine in commit groups of 256, as the API loop would.
Status Execute(Engine& engine, const std::vector<ApiRequest>& requests) {
  for (std::size_t i = 0; i < requests.size(); i += 256) {
    std::vector<std::string> encoded;
    for (std::size_t j = i; j < std::min(requests.size(), i + 256); ++j) encoded.push_back(EncodeRequest(requests[j]));
    std::vector<std::string_view> views(encoded.begin(), encoded.end());
    for (const auto& reply : engine.ExecuteGroup(views)) KURA_RETURN_IF_ERROR(DecodeReply(reply).status());
  }
  return Status::Ok();
}

// Meters the replica calls a session makes: their time, so the report can split
// convergence into reading at the store, merging at HQ, and the session's own work
// (encoding, zstd); and what the merges carried (a restored store's synced writes).
class MeteredReplica final : public SyncReplica {
 public:
  explicit MeteredReplica(SyncReplica* inner) : inner_(inner) {}
  double seconds = 0;
  uint64_t merges = 0, components = 0, bytes = 0;

  Result<uint64_t> Head() override { return inner_->Head(); }
  Result<VersionVector> Held(const std::string& peer) override { return inner_->Held(peer); }
  Result<std::vector<Component>> ReadBeyond(const std::string& peer, const VersionVector& from,
                                            std::size_t max_bytes, VersionVector* through) override {
    auto t = Clock::now();
    auto out = inner_->ReadBeyond(peer, from, max_bytes, through);
    seconds += Since(t);
    return out;
  }
  Status Merge(const std::string& peer, const std::vector<Component>& merged, const VersionVector& through) override {
    ++merges;
    components += merged.size();
    for (const Component& c : merged) bytes += c.key.size() + c.value.size();
    auto t = Clock::now();
    Status s = inner_->Merge(peer, merged, through);
    seconds += Since(t);
    return s;
  }

 private:
  SyncReplica* inner_;
};

struct Wire {
  uint64_t to_hq = 0, to_store = 0, messages = 0;
};

// Moves messages between the two sessions until both are quiet; returns the wire totals.
// `delivered(wire)` runs after each message that reached HQ.
Wire Pump(SyncSession& store, SyncSession& hq, Engine& clock_owner,
          const std::function<void(const Wire&)>& delivered = [](const Wire&) {}) {
  Wire wire;
  for (int idle = 0; idle < 3;) {
    int64_t now = clock_owner.clock()->NowMillis();
    bool moved = false;
    for (auto& m : store.TakeOutbox()) {
      wire.to_hq += m.size();
      ++wire.messages;
      hq.Receive(m, now);
      moved = true;
      delivered(wire);
    }
    for (auto& m : hq.TakeOutbox()) { wire.to_store += m.size(); ++wire.messages; store.Receive(m, now); moved = true; }
    if (!moved) {
      store.Tick(now);
      hq.Tick(now);
      ++idle;
    } else {
      idle = 0;
    }
  }
  return wire;
}

// The store's disk replaced: a new store on an empty directory, as kura-store --hq opens
// one, gets back from HQ what HQ holds of it.
Status MeasureRestore(const SyncSuiteOptions& options, WorkDir& work, Engine& old_store, SyncSession& hq_session,
                      const std::function<void(const std::string&)>& progress, SyncSuiteReport* report) {
  progress("sync 4/5: the store's disk replaced: restoring it from HQ");
  StoreOptions restored_options{"store-1", work.Sub("store-restored")};
  restored_options.await_hq_when_new = true;
  KURA_ASSIGN_OR_RETURN(auto restored, Engine::Open(restored_options, StoreOps()));
  StoreObserver observer(&restored->options(), restored->clock());
  CellReplica replica(restored->db(), "store-1", CellReplica::Role::kStore, &observer);
  MeteredReplica metered(&replica);
  SyncSession session(&metered, "store-1", kHqOrigin, restored->hlc());
  // As kura-store does: its Hello alone resets HQ's session for it, and once it holds what
  // HQ's Hello says HQ holds of its lanes, it takes writes (StoreSync).
  auto t0 = Clock::now();
  session.Start(0);
  Pump(session, hq_session, *restored);
  KURA_RETURN_IF_ERROR(EndAwaitingHqIfRestored(*restored, replica, session).status());
  report->restore_s = Since(t0);
  report->restore_components = metered.components;
  report->restore_batches = metered.merges;
  report->restore_bytes = metered.bytes;

  // Back means taking writes, with every SKU as before.
  report->restore_verified = !restored->awaiting_hq();
  for (int i = 0; i < options.skus && report->restore_verified; ++i) {
    std::string q = EncodeRequest({"stock.get", "", {{"sku", Sku(i)}}});
    auto before = DecodeReply(old_store.ExecuteGroup({q})[0]);
    auto after = DecodeReply(restored->ExecuteGroup({q})[0]);
    report->restore_verified = before.ok() && after.ok() && (*before)["on_hand"] == (*after)["on_hand"];
  }

  // The floor: as many puts per synced batch, each as large as the mean component.
  if (report->restore_batches > 0) {
    report->restore_puts_per_batch = std::max<uint64_t>(1, report->restore_components / report->restore_batches);
  }
  std::size_t put_bytes =
      report->restore_components ? report->restore_bytes / report->restore_components : kStockCellPutBytes;
  progress("sync 5/5: raw RocksDB synced batches of " + std::to_string(report->restore_puts_per_batch) +
           " puts of " + std::to_string(put_bytes) + " bytes, one writer");
  KURA_ASSIGN_OR_RETURN(report->raw_restore,
                        MeasureSyncedWrites(work.Sub("raw"), 1, std::max(1.0, report->restore_s),
                                            static_cast<int>(report->restore_puts_per_batch), put_bytes));
  return Status::Ok();
}

}  // namespace

Result<SyncSuiteReport> RunSyncSuite(const SyncSuiteOptions& options,
                                     const std::function<void(const std::string&)>& progress) {
  KURA_ASSIGN_OR_RETURN(auto work, WorkDir::Create(options.data_dir, options.keep));
  StoreOptions store_options{"store-1", work->Sub("store")};
  StoreOptions hq_options{kHqOrigin, work->Sub("hq")};
  hq_options.cache_mb = kHqCacheMb;  // as kura-hq runs
  KURA_ASSIGN_OR_RETURN(auto store, Engine::Open(store_options, StoreOps()));
  KURA_ASSIGN_OR_RETURN(auto hq, Engine::Open(hq_options, HqOps()));
  StoreObserver store_observer(&store->options(), store->clock());
  HqObserver hq_observer;
  CellReplica store_replica(store->db(), "store-1", CellReplica::Role::kStore, &store_observer);
  CellReplica hq_replica(hq->db(), kHqOrigin, CellReplica::Role::kHq, &hq_observer);
  MeteredReplica store_metered(&store_replica), hq_metered(&hq_replica);
  SyncSession store_session(&store_metered, "store-1", kHqOrigin, store->hlc());
  SyncSession hq_session(&hq_metered, kHqOrigin, "store-1", hq->hlc());

  SyncSuiteReport report;
  report.sales = options.sales;
  report.skus = options.skus;
  progress("sync 1/5: stocking " + std::to_string(options.skus) + " SKUs and syncing them");
  std::vector<ApiRequest> deliveries;
  for (int i = 0; i < options.skus; ++i) {
    deliveries.push_back({"stock.receive", "d" + std::to_string(i), {{"sku", Sku(i)}, {"qty", 1000}}});
  }
  KURA_RETURN_IF_ERROR(Execute(*store, deliveries));
  store_session.Start(0);
  hq_session.Start(0);
  Pump(store_session, hq_session, *store);

  progress("sync 2/5: " + std::to_string(options.sales) + " sales while cut off from HQ");
  std::mt19937_64 rng(42);
  std::vector<ApiRequest> sales;
  for (int i = 0; i < options.sales; ++i) {
    json line = {{"sku", Sku(static_cast<int>(rng() % options.skus))}, {"qty", 1}, {"price_cents", 1990}};
    sales.push_back({"stock.sell", "s" + std::to_string(i), {{"lines", json::array({line})}}});
  }
  auto t0 = Clock::now();
  KURA_RETURN_IF_ERROR(Execute(*store, sales));
  report.offline_sales_s = Since(t0);

  // The lower bound: the changed components themselves, encoded (key, origin, seq, value).
  KURA_ASSIGN_OR_RETURN(VersionVector cursor, hq_replica.Held("store-1"));
  while (true) {
    VersionVector through;
    KURA_ASSIGN_OR_RETURN(auto pending, store_replica.ReadBeyond(kHqOrigin, cursor, SIZE_MAX, &through));
    if (pending.empty()) break;
    for (const Component& c : pending) {
      uint64_t size = c.key.size() + c.origin.size() + 8 + c.value.size();
      bool journal = CellTypeOfKey(c.key) == CellType::kJournal;
      (journal ? report.journal_lower_bound_bytes : report.stock_lower_bound_bytes) += size;
      ++(journal ? report.journal_entries : report.stock_components);
    }
    cursor.Merge(through);
  }

  progress("sync 3/5: reconnecting and converging");
  uint64_t sent_before = store_session.stats().components_sent;
  store_metered.seconds = hq_metered.seconds = 0;
  KURA_ASSIGN_OR_RETURN(uint64_t stock_head, store_replica.Head());
  t0 = Clock::now();
  store_session.Start(0);
  hq_session.Start(0);
  // Stock has converged once HQ holds the store's cell lane up to its head.
  Wire wire = Pump(store_session, hq_session, *store, [&](const Wire& w) {
    if (report.stock_converge_s > 0) return;
    auto held = hq_replica.Held("store-1");
    if (held.ok() && held->Get("store-1") >= stock_head) {
      report.stock_converge_s = Since(t0);
      report.stock_bytes_to_hq = w.to_hq;
    }
  });
  report.converge_s = Since(t0);
  report.store_read_s = store_metered.seconds;
  report.hq_merge_s = hq_metered.seconds;
  report.bytes_to_hq = wire.to_hq;
  report.bytes_to_store = wire.to_store;
  report.messages = wire.messages;
  report.components_shipped = store_session.stats().components_sent - sent_before;

  // Verify: HQ's view of every SKU equals the store's own.
  report.hq_verified = true;
  for (int i = 0; i < options.skus && report.hq_verified; ++i) {
    std::vector<std::string> q = {EncodeRequest({"stock.get", "", {{"sku", Sku(i)}}}),
                                  EncodeRequest({"hq.stock", "", {{"sku", Sku(i)}}})};
    auto mine = DecodeReply(store->ExecuteGroup({q[0]})[0]);
    auto theirs = DecodeReply(hq->ExecuteGroup({q[1]})[0]);
    report.hq_verified = mine.ok() && theirs.ok() && (*mine)["on_hand"] == (*theirs)["total"]["on_hand"];
  }
  KURA_RETURN_IF_ERROR(MeasureRestore(options, *work, *store, hq_session, progress, &report));
  report.verified = report.hq_verified && report.restore_verified;
  return report;
}

std::string FormatSyncReport(const SyncSuiteReport& r) {
  std::ostringstream out;
  char line[200];
  out << "kura-bench sync   (" << r.sales << " sales over " << r.skus
      << " SKUs while cut off, then reconnect; in-process, real RocksDB, no network)\n";
  std::snprintf(line, sizeof line, "offline sales (durable, groups of 256)   %8.2f s  (%.0f sales/s)\n",
                r.offline_sales_s, r.sales / r.offline_sales_s);
  out << line;
  std::snprintf(line, sizeof line, "changed stock components                 %8llu     (one per changed SKU, for %d sales)\n",
                static_cast<unsigned long long>(r.stock_components), r.sales);
  out << line;
  std::snprintf(line, sizeof line, "journal receipts                         %8llu\n",
                static_cast<unsigned long long>(r.journal_entries));
  out << line;
  std::snprintf(line, sizeof line, "components shipped (incl. resends)       %8llu\n",
                static_cast<unsigned long long>(r.components_shipped));
  out << line;
  std::snprintf(line, sizeof line, "stock converged at HQ                    %8.3f s  after %.1f KB on the wire (lower bound %.1f KB raw)\n",
                r.stock_converge_s, r.stock_bytes_to_hq / 1024.0, r.stock_lower_bound_bytes / 1024.0);
  out << line;
  std::snprintf(line, sizeof line, "  of which: reading at the store %.3f s, merging at HQ %.3f s, sessions %.3f s\n",
                r.store_read_s, r.hq_merge_s, r.converge_s - r.store_read_s - r.hq_merge_s);
  out << line;
  std::snprintf(line, sizeof line, "journal receipts replicated              %8.0f /s (all %llu in %.3f s)\n",
                r.journal_entries / r.converge_s, static_cast<unsigned long long>(r.journal_entries), r.converge_s);
  out << line;
  uint64_t lower = r.stock_lower_bound_bytes + r.journal_lower_bound_bytes;
  std::snprintf(line, sizeof line, "bytes store->HQ                          %8.1f KB  lower bound %.1f KB (stock %.1f KB + journal %.1f KB): %.2fx\n",
                r.bytes_to_hq / 1024.0, lower / 1024.0, r.stock_lower_bound_bytes / 1024.0,
                r.journal_lower_bound_bytes / 1024.0, lower ? double(r.bytes_to_hq) / lower : 0.0);
  out << line;
  std::snprintf(line, sizeof line, "bytes HQ->store (acks, hellos)           %8.1f KB in %llu messages both ways\n",
                r.bytes_to_store / 1024.0, static_cast<unsigned long long>(r.messages));
  out << line;
  std::snprintf(line, sizeof line, "time to full convergence at HQ           %8.3f s  (%.0f components/s merged durably)\n",
                r.converge_s, r.components_shipped / r.converge_s);
  out << line;
  out << (r.hq_verified ? "verified: HQ's on-hand equals the store's for every SKU\n"
                        : "NOT VERIFIED: HQ's on-hand differs from the store's\n");
  double raw_s = r.raw_restore.ops_per_s > 0 ? r.restore_batches / r.raw_restore.ops_per_s : 0;
  std::snprintf(line, sizeof line,
                "disk replaced: restored from HQ           %8.3f s  (%llu components, %.1f MB, in %llu synced batches)\n",
                r.restore_s, static_cast<unsigned long long>(r.restore_components), r.restore_bytes / 1048576.0,
                static_cast<unsigned long long>(r.restore_batches));
  out << line;
  std::snprintf(line, sizeof line,
                "  raw RocksDB, as many synced batches      %8.3f s  (%.0f batches/s of %llu puts as large): "
                "restore %.1fx that\n",
                raw_s, r.raw_restore.ops_per_s, static_cast<unsigned long long>(r.restore_puts_per_batch),
                raw_s > 0 ? r.restore_s / raw_s : 0.0);
  out << line;
  out << (r.restore_verified ? "verified: the restored store takes writes, every SKU's on-hand the old store's\n"
                             : "NOT VERIFIED: the restored store differs from the one it replaced\n");
  return out.str();
}

nlohmann::json SyncReportJson(const SyncSuiteReport& r) {
  return {{"sales", r.sales}, {"skus", r.skus}, {"offline_sales_s", r.offline_sales_s},
          {"converge_s", r.converge_s}, {"stock_converge_s", r.stock_converge_s},
          {"store_read_s", r.store_read_s}, {"hq_merge_s", r.hq_merge_s},
          {"stock_bytes_to_hq", r.stock_bytes_to_hq}, {"stock_components", r.stock_components},
          {"journal_entries", r.journal_entries}, {"components_shipped", r.components_shipped},
          {"bytes_to_hq", r.bytes_to_hq},
          {"bytes_to_store", r.bytes_to_store}, {"messages", r.messages},
          {"stock_lower_bound_bytes", r.stock_lower_bound_bytes},
          {"journal_lower_bound_bytes", r.journal_lower_bound_bytes}, {"hq_verified", r.hq_verified},
          {"restore_s", r.restore_s}, {"restore_components", r.restore_components},
          {"restore_batches", r.restore_batches}, {"restore_bytes", r.restore_bytes},
          {"raw_restore_batches_per_s", r.raw_restore.ops_per_s}, {"restore_verified", r.restore_verified},
          {"verified", r.verified}};
}

}  // namespace kura::bench
