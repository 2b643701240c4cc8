#include "hq_config.h"

#include <CLI/CLI.hpp>

#include "cli_args.h"
#include "config_file.h"
#include "curve_keys.h"
#include "kura/schema/ids.h"
#include "setting_checks.h"

namespace kura {
namespace {

constexpr char kDescription[] =
    "kura-hq: head office. Merges every store's stock, holds and journal over CURVE-secured\n"
    "ZeroMQ sync links, relays what each store needs, and serves HQ staff and the online\n"
    "channels through a local API (kuractl hq ...). Settings come from --config FILE (TOML)\n"
    "and flags; a flag overrides the file. See deploy/kura-hq.example.toml.\n"
    "SIGHUP (systemctl reload) reads the settings again and puts the store list (who may\n"
    "link, and which stores HQ's ops may name) and the log level in force at once; other\n"
    "settings wait for a restart, as the log says.";

// "<store id>,<public key>" as given to --store.
std::string AddStore(const std::string& spec, std::map<std::string, std::string>* stores) {
  auto comma = spec.find(',');
  if (comma == std::string::npos) return "--store wants <store id>,<public key>";
  std::string id = spec.substr(0, comma);
  if (!stores->emplace(id, spec.substr(comma + 1)).second) return "--store: " + id + " is given twice";
  return "";
}

}  // namespace

HqConfig ParseHqConfig(int argc, char** argv, int* exit_code, std::string* output) {
  *exit_code = -1;
  HqConfig config;
  config.engine.cache_mb = kHqCacheMb;
  std::string config_path;
  std::vector<std::string> store_specs;
  CLI::App app(kDescription, "kura-hq");
  app.set_version_flag("--version", "kura-hq " KURA_VERSION);
  app.add_option("--config", config_path, "TOML file with the settings below (flags override it)")
      ->check(CLI::ExistingFile);
  app.add_option("--data-dir", config.engine.data_dir, "RocksDB data directory, created if missing; required");
  app.add_option("--api", config.api,
                 "Local API endpoint, repeatable (default tcp://127.0.0.1:7430 and ipc://<data-dir>/api.sock)");
  app.add_option("--sync", config.sync.endpoints, "Sync endpoint stores connect to, repeatable (default tcp://0.0.0.0:7431)");
  app.add_option("--key-file", config.sync.key_file, "HQ's CURVE keypair file (kuractl keygen); required");
  app.add_option("--store", store_specs,
                 "Allow a store: <store id>,<its public key (Z85)>; repeatable. Given at all, the --store flags are "
                 "the whole allow-list: the config's [stores] table (id = \"key\") is then not read");
  app.add_option("--route-timeout-ms", config.route_timeout_ms,
                 "How long an online order for a connected store waits for that store to decide "
                 "before HQ promises it from its allotment for the store (default 2000)")
      ->check(CLI::Range(int64_t{100}, int64_t{60000}));
  app.add_option("--cache-mb", config.engine.cache_mb,
                 "RocksDB memory in MiB: block cache, with the memtables charged to it (default " +
                     std::to_string(kHqCacheMb) + ")")
      ->check(CLI::Range(kMinCacheMb, kMaxCacheMb));
  int64_t request_retention_hours = 24;
  app.add_option("--request-retention-hours", request_retention_hours,
                 "How long an order's request id is remembered for retries (default 24)")
      ->check(CLI::Range(int64_t{1}, int64_t{24 * 365}));
  app.add_option("--log-level", config.log_level, "trace, debug, info, warn or error (default info)");
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
  for (const auto& spec : store_specs) {
    if (error.empty()) error = AddStore(spec, &config.sync.stores);
  }
  if (error.empty() && !config_path.empty()) {
    ConfigFile file(config_path, app);
    file.String("data_dir", "--data-dir", &config.engine.data_dir);
    file.Strings("api", "--api", &config.api);
    file.Strings("sync", "--sync", &config.sync.endpoints);
    file.String("key_file", "--key-file", &config.sync.key_file);
    file.StringTable("stores", "--store", &config.sync.stores);
    file.Int("route_timeout_ms", "--route-timeout-ms", &config.route_timeout_ms);
    file.Int("cache_mb", "--cache-mb", &config.engine.cache_mb);
    file.Int("request_retention_hours", "--request-retention-hours", &request_retention_hours);
    file.String("log_level", "--log-level", &config.log_level);
    error = file.Finish();
  }
  // The allow-list's ids, from the file as from --store: an id no store could have (or
  // "hq") would be a binding nobody can use.
  for (const auto& [id, key] : config.sync.stores) {
    if (Status s = ValidateStoreId(id); error.empty() && !s.ok()) error = "stores: \"" + id + "\": " + s.message();
  }
  // One key under two ids would let that store's link speak as either.
  std::map<std::string, std::string> id_of_key;
  for (const auto& [id, key] : config.sync.stores) {
    auto [it, fresh] = id_of_key.emplace(key, id);
    if (error.empty() && !fresh) error = "stores: " + it->second + " and " + id + " have the same public key";
  }
  // A key that can never work is found before the data directory is made, as at reload.
  for (const auto& [id, key] : config.sync.stores) {
    Status valid = ValidatePublicKey(key, "allow-list key for store " + id);
    if (error.empty() && !valid.ok()) error = "stores: " + valid.message();
  }
  for (const std::string& endpoint : config.api) {
    if (std::string why = BadApiEndpoint(endpoint, config.engine.data_dir); error.empty() && !why.empty())
      error = "--api (or api): " + why;
  }
  for (const std::string& endpoint : config.sync.endpoints) {
    std::string why = UnusableEndpoint(endpoint, EndpointUse::kBind, config.engine.data_dir);
    if (error.empty() && !why.empty()) error = "--sync (or sync): " + why;
  }
  if (std::string why = BadLogLevel(config.log_level); error.empty() && !why.empty())
    error = "--log-level (or log_level): " + why;
  if (error.empty() && config.engine.data_dir.empty()) error = "--data-dir (or data_dir) is required";
  if (error.empty() && config.sync.key_file.empty()) error = "--key-file (or key_file) is required";
  if (!error.empty()) {
    *exit_code = 2;
    *output = "kura-hq: " + error + "\nRun with --help for more information.\n";
    return {};
  }
  config.engine.store_id = "hq";
  config.engine.known_stores.emplace();
  for (const auto& [id, key] : config.sync.stores) config.engine.known_stores->insert(id);
  config.engine.request_retention_ms = request_retention_hours * 3600 * 1000;
  if (config.api.empty()) config.api = {"tcp://127.0.0.1:7430", "ipc://" + config.engine.data_dir + "/api.sock"};
  if (config.sync.endpoints.empty()) config.sync.endpoints = {"tcp://0.0.0.0:7431"};
  return config;
}

}  // namespace kura
