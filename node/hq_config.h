// HqConfig: everything `kura-hq` is told at start, from a TOML file (--config) and flags;
// a flag beats the file. See deploy/kura-hq.example.toml.
#pragma once

#include <string>
#include <vector>

#include "hq_sync.h"
#include "kura/node/store.h"

namespace kura {

struct HqConfig {
  StoreOptions engine;  // store_id is always "hq"
  // Local API endpoints. Default tcp://127.0.0.1:7430 and ipc://<data_dir>/api.sock.
  std::vector<std::string> api;
  // Sync endpoints (default tcp://0.0.0.0:7431), HQ's keypair and the store allow-list.
  HqSyncConfig sync;
  // How long an online order routed to a connected store waits for the store's decision
  // before HQ serves it from its allotment (node/order_router.h).
  int64_t route_timeout_ms = 2000;
  std::string log_level = "info";
};

// As ParseStoreConfig: *exit_code is -1 when the daemon should run, otherwise the code to
// exit with after printing *output.
HqConfig ParseHqConfig(int argc, char** argv, int* exit_code, std::string* output);

}  // namespace kura
