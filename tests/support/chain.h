// Chain: an HQ and N stores as real processes on loopback, with real CURVE keys, for the
// sync integration tests. Keys and data live in one TempDir.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "curve_keys.h"
#include "daemon_process.h"
#include "temp_dir.h"

namespace kura::test {

class Chain {
 public:
  // `stores` running stores (store-1 ...); HQ also lists `listed_only`, stores with keys
  // that never run (directory entries, orders refused for a store not reachable), and
  // runs with `hq_flags` besides its own.
  explicit Chain(int stores, const std::vector<std::string>& listed_only = {},
                 const std::vector<std::string>& hq_flags = {});

  // Starts HQ (allowing every store's key) and every store; returns once every store takes
  // writes (a store's new directory waits for HQ's greeting, Engine::awaiting_hq).
  void StartAll();
  DaemonProcess& hq() { return *hq_; }
  DaemonProcess& store(int i) { return *stores_[i]; }
  std::string store_id(int i) const { return "store-" + std::to_string(i + 1); }
  const std::string& sync_endpoint() const { return sync_endpoint_; }
  const CurveKeyPair& store_keys(int i) const { return store_keys_[i]; }
  const CurveKeyPair& hq_keys() const { return hq_keys_; }
  TempDir& dir() { return dir_; }
  // Store i's disk is replaced while HQ is frozen, and HQ resumes once the store runs
  // again: its restore starts as this returns.
  void RestartOnNewDiskWhileHqFrozen(int i);
  // kura-store flags that link a store with `keys_file` to this chain's HQ.
  std::vector<std::string> SyncFlags(const std::string& keys_file) const;

 private:
  TempDir dir_;
  std::string sync_endpoint_;
  CurveKeyPair hq_keys_;
  std::vector<CurveKeyPair> store_keys_;
  std::unique_ptr<DaemonProcess> hq_;
  std::vector<std::unique_ptr<DaemonProcess>> stores_;
};

// Gives `store` `receipts` receipts of 100 lines each (SKU-0 .. SKU-99, `left` units of
// each left after them), and returns once HQ holds them. A few dozen fill a sync batch,
// and they are sent after the stock cells, so their restore takes several batches.
void FillWithReceipts(DaemonProcess& store, int receipts, int left);

// HQ's view of one SKU in one store, or -1 when HQ has not heard of it.
int64_t HqOnHand(DaemonProcess& hq, const std::string& sku, const std::string& store);

// Polls `done` until it holds or `timeout` passes; returns whether it held. For waiting on
// asynchronous convergence between processes, where there is no event to block on.
bool Eventually(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A free loopback TCP port, as "tcp://127.0.0.1:<port>".
std::string FreeTcpEndpoint();

}  // namespace kura::test
