#include "store_config.h"

#include <CLI/CLI.hpp>

#include "cli_args.h"
#include "config_file.h"
#include "curve_keys.h"
#include "kura/schema/ids.h"
#include "setting_checks.h"

namespace kura {
namespace {

constexpr char kDescription[] =
    "kura-store: the store's edge daemon. Keeps the store's stock, holds, pick slips and sale\n"
    "journal in RocksDB (every reply is on disk first) and serves tills, staff and kuractl\n"
    "through a local ZeroMQ API. Settings come from --config FILE (TOML) and from flags; a\n"
    "flag overrides the file. See deploy/kura-store.example.toml.";

// Settings that both the file and the flags can give.
struct Settings {
  std::string store_id, data_dir, log_level = "info";
  std::vector<std::string> api;
  int64_t safety_stock = 0;
  int64_t hold_shelf_bins = 20;
  int64_t request_retention_hours = 24;
  int64_t journal_retention_hours = 30 * 24;
  StoreSyncConfig sync;
  bool offline_first_start = false;
};

// Applies the TOML file's keys to every setting not given as a flag.
std::string ApplyToml(const std::string& path, CLI::App& app, Settings* s) {
  ConfigFile file(path, app);
  file.String("store_id", "--store-id", &s->store_id);
  file.String("data_dir", "--data-dir", &s->data_dir);
  file.String("log_level", "--log-level", &s->log_level);
  file.Int("safety_stock", "--safety-stock", &s->safety_stock);
  file.Int("hold_shelf_bins", "--hold-shelf-bins", &s->hold_shelf_bins);
  file.Int("request_retention_hours", "--request-retention-hours", &s->request_retention_hours);
  file.Int("journal_retention_hours", "--journal-retention-hours", &s->journal_retention_hours);
  file.Strings("api", "--api", &s->api);
  file.String("hq", "--hq", &s->sync.hq_endpoint);
  file.String("hq_public_key", "--hq-key", &s->sync.hq_public_key);
  file.String("key_file", "--key-file", &s->sync.key_file);
  return file.Finish();
}

// The link's other settings mean nothing without --hq: given alone, the operator meant the
// store to be linked, and running it alone would hide that until its sales are missed at HQ.
std::string LinkSettingWithoutHq(const Settings& s) {
  std::string given = !s.sync.hq_public_key.empty() ? "--hq-key (or hq_public_key)"
                      : !s.sync.key_file.empty()    ? "--key-file (or key_file)"
                      : s.offline_first_start       ? "--offline-first-start"
                                                    : "";
  if (given.empty()) return "";
  return given + " is a setting of the link to HQ, but no --hq (or hq) is given: give --hq, or leave " +
         given.substr(0, given.find(' ')) + " out to run the store alone";
}

// The link's endpoint and HQ's key, checked before anything is made (the key file is read
// in main, KeyFileUsable).
std::string BadLinkToHq(const StoreSyncConfig& sync) {
  if (std::string why = UnusableEndpoint(sync.hq_endpoint, EndpointUse::kConnect); !why.empty())
    return "--hq (or hq): " + why;
  if (sync.hq_public_key.empty() || sync.key_file.empty())
    return "--hq needs --hq-key and --key-file (every sync link is CURVE-authenticated)";
  Status key = ValidatePublicKey(sync.hq_public_key, "HQ public key");
  return key.ok() ? "" : "--hq-key (or hq_public_key): " + key.message();
}

}  // namespace

StoreConfig ParseStoreConfig(int argc, char** argv, int* exit_code, std::string* output) {
  *exit_code = -1;
  Settings s;
  std::string config_path;
  CLI::App app(kDescription, "kura-store");
  app.set_version_flag("--version", "kura-store " KURA_VERSION);
  app.add_option("--config", config_path, "TOML file with the settings below (flags override it)")
      ->check(CLI::ExistingFile);
  app.add_option("--store-id", s.store_id, "This store's id, e.g. tokyo-01 ([a-z0-9-], 1..32); required");
  app.add_option("--data-dir", s.data_dir, "RocksDB data directory, created if missing; required");
  app.add_option("--api", s.api,
                 "Local API endpoint, repeatable (default tcp://127.0.0.1:7420 and "
                 "ipc://<data-dir>/api.sock)");
  app.add_option("--safety-stock", s.safety_stock, "Units per SKU kept out of available-to-promise (default 0)")
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000}));
  app.add_option("--hold-shelf-bins", s.hold_shelf_bins, "Hold-shelf bins pick slips spread over (default 20)")
      ->check(CLI::Range(int64_t{1}, int64_t{999}));
  app.add_option("--request-retention-hours", s.request_retention_hours,
                 "How long a client request id is remembered for retries (default 24)")
      ->check(CLI::Range(int64_t{1}, int64_t{24 * 365}));
  app.add_option("--journal-retention-hours", s.journal_retention_hours,
                 "How long receipts HQ has acknowledged stay at the store (default 720)")
      ->check(CLI::Range(int64_t{0}, int64_t{24 * 3650}));
  app.add_option("--log-level", s.log_level, "trace, debug, info, warn or error (default info)");
  app.add_option("--hq", s.sync.hq_endpoint,
                 "HQ sync endpoint, e.g. tcp://hq.example:7431 (default: none, the store runs alone)");
  app.add_option("--hq-key", s.sync.hq_public_key, "With --hq: HQ's CURVE public key (Z85, 40 characters); TOML: hq_public_key");
  app.add_option("--key-file", s.sync.key_file, "This store's CURVE keypair file (kuractl keygen), for the link to HQ");
  app.add_flag("--offline-first-start", s.offline_first_start,
               "With --hq: take writes at once instead of first waiting for HQ to send back this store's "
               "data, in a data directory made now or one still waiting. Only for a store that has never "
               "synced with HQ and must sell before it can reach HQ: after a disk is replaced, writes made "
               "before HQ's data is back are lost under it. Give it once, by hand, not in a unit file (it has "
               "no TOML key, on purpose): there it would also skip the wait after a later disk replacement");
  try {
    std::vector<std::string> args = ArgsForCli11(app, argc, argv);
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    *exit_code = app.exit(e, out, err) == 0 ? 0 : 2;  // --help, or bad usage as every kura command says it
    *output = out.str() + err.str();
    return {};
  }
  std::string error = EmptyValueGiven(app);
  if (error.empty() && !config_path.empty()) error = ApplyToml(config_path, app, &s);
  if (error.empty() && s.store_id.empty()) error = "--store-id (or store_id in the config) is required";
  if (Status id = ValidateStoreId(s.store_id); error.empty() && !id.ok())
    error = "--store-id (or store_id): " + id.message();  // before the data directory is made
  if (error.empty() && s.data_dir.empty()) error = "--data-dir (or data_dir in the config) is required";
  for (const std::string& endpoint : s.api) {
    if (std::string why = BadApiEndpoint(endpoint, s.data_dir); error.empty() && !why.empty())
      error = "--api (or api): " + why;
  }
  if (std::string why = BadLogLevel(s.log_level); error.empty() && !why.empty())
    error = "--log-level (or log_level): " + why;
  if (error.empty()) error = s.sync.hq_endpoint.empty() ? LinkSettingWithoutHq(s) : BadLinkToHq(s.sync);
  if (!error.empty()) {
    *exit_code = 2;
    *output = "kura-store: " + error + "\nRun with --help for more information.\n";
    return {};
  }
  StoreConfig config;
  config.store.store_id = s.store_id;
  config.store.data_dir = s.data_dir;
  config.store.safety_stock = s.safety_stock;
  config.store.hold_shelf_bins = static_cast<int>(s.hold_shelf_bins);
  config.store.request_retention_ms = s.request_retention_hours * 3600 * 1000;
  config.store.journal_retention_ms = s.journal_retention_hours * 3600 * 1000;
  config.log_level = s.log_level;
  config.api = s.api;
  config.sync = s.sync;
  config.store.await_hq_when_new = !s.sync.hq_endpoint.empty() && !s.offline_first_start;
  if (config.api.empty()) {
    config.api = {"tcp://127.0.0.1:7420", "ipc://" + s.data_dir + "/api.sock"};
  }
  return config;
}

}  // namespace kura
