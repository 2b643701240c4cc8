// ChainSnapshot: what the real daemons say about themselves, read through their local
// APIs after the final heal — each store's stock, holds, journal, sync link and
// admin.check, and HQ's per-store stock, the orders it placed, its sync links and (once
// converged) its admin.check — and whether it shows a converged chain. The checks (process_checks.h) run on one snapshot,
// so they judge a single moment even while try-ons expire and allotments move.
// Plain data and free functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "process_chain.h"

namespace kura::sim {

struct StockRow {
  int64_t on_hand = 0, held = 0;
  bool operator==(const StockRow&) const = default;
};

struct StoreSnapshot {
  bool read = false;                            // every read below answered
  std::map<std::string, StockRow> stock;        // by SKU
  std::map<std::string, nlohmann::json> holds;  // by hold id (hold.list)
  std::vector<nlohmann::json> receipts;         // journal.list, in seq order
  nlohmann::json sync;                          // sync.status
  nlohmann::json check;                         // admin.check
};

struct HqSnapshot {
  bool read = false;
  std::map<std::string, std::map<std::string, StockRow>> stock;  // hq.stock: by SKU, then store id
  std::map<std::string, StockRow> totals;                        // hq.stock's total, by SKU
  std::map<std::string, nlohmann::json> orders;                  // hq.order.status, by order id
  nlohmann::json sync;                                           // hq.sync_status
  nlohmann::json check;  // admin.check (ReadHqCheck, once converged; null: not read)
};

struct ChainSnapshot {
  std::vector<std::string> store_ids;
  std::vector<StoreSnapshot> stores;
  HqSnapshot hq;
};

// Reads every store and HQ; `skus` are the SKUs to ask HQ about, `orders` the order ids.
ChainSnapshot TakeSnapshot(zmq::context_t& context, const ProcessChain& chain,
                           const std::vector<std::string>& skus,
                           const std::vector<std::string>& orders, int timeout_ms);

// HQ's admin.check, or {ok: false, error} when it did not answer. Read once the chain has
// converged, not at every poll: it reads all HQ holds (on its worker thread).
nlohmann::json ReadHqCheck(zmq::context_t& context, const ProcessChain& chain, int timeout_ms);

// Why the snapshot is not converged yet (empty when it is): a read that failed, a sync
// link down or behind in either lane, HQ's view of a store's stock or of an order differing
// from the store's own.
std::vector<std::string> ConvergenceProblems(const ChainSnapshot& snapshot);

}  // namespace kura::sim
