// StoreConfig: everything `kura-store` is told at start, from a TOML file (--config) and
// command-line flags; a flag beats the file, the file beats the default. Each field names
// its TOML key and flag in deploy/kura-store.example.toml.
#pragma once

#include <string>
#include <vector>

#include "kura/node/store.h"

namespace kura {

// The store's link to HQ. Empty hq_endpoint: no sync (the store runs alone).
struct StoreSyncConfig {
  std::string hq_endpoint;    // e.g. tcp://10.0.0.5:7431
  std::string hq_public_key;  // HQ's CURVE public key, Z85
  std::string key_file;       // this store's keypair (kuractl keygen)
};

struct StoreConfig {
  StoreOptions store;
  // API endpoints. Default: tcp://127.0.0.1:7420 and ipc://<data_dir>/api.sock.
  std::vector<std::string> api;
  // trace, debug, info, warn, error. Default info.
  std::string log_level = "info";
  StoreSyncConfig sync;
};

// Parses argv and the TOML file it names. When the daemon should not run (--help, a bad
// flag, an unreadable or wrong config file) sets *exit_code to the process exit code and
// *output to the text to print; otherwise sets *exit_code to -1.
StoreConfig ParseStoreConfig(int argc, char** argv, int* exit_code, std::string* output);

}  // namespace kura
