// kura-hq's settings: HQ's database gets kHqCacheMb unless the file or a flag says
// otherwise (the flag wins), and a value out of range stops it with a clear error, whether
// the file or the flag gave it.
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "curve_keys.h"
#include "hq_config.h"
#include "temp_dir.h"

namespace kura {
namespace {

struct Parsed {
  HqConfig config;
  int exit_code = 0;
  std::string output;
};

Parsed Parse(std::vector<std::string> args) {
  args.insert(args.begin(), {"kura-hq", "--data-dir", "/tmp/kura-hq-config-test", "--key-file", "hq.key"});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  Parsed p;
  p.config = ParseHqConfig(static_cast<int>(argv.size()), argv.data(), &p.exit_code, &p.output);
  return p;
}

TEST_CASE("kura-hq sizes its database's memory from the file or --cache-mb", "[config]") {
  CHECK(Parse({}).config.engine.cache_mb == kHqCacheMb);
  CHECK(kHqCacheMb > kStoreCacheMb);

  kura::test::TempDir dir;
  std::string file = dir.Sub("hq.toml");
  std::ofstream(file) << "cache_mb = 64\n";
  Parsed from_file = Parse({"--config", file});
  REQUIRE(from_file.exit_code == -1);
  CHECK(from_file.config.engine.cache_mb == 64);
  CHECK(Parse({"--config", file, "--cache-mb", "512"}).config.engine.cache_mb == 512);

  Parsed flag_too_small = Parse({"--cache-mb", "4"});
  CHECK(flag_too_small.exit_code != -1);
  CHECK_THAT(flag_too_small.output, Catch::Contains("--cache-mb"));
  std::ofstream(file) << "cache_mb = 4\n";
  Parsed file_too_small = Parse({"--config", file});
  CHECK(file_too_small.exit_code == 2);
  CHECK_THAT(file_too_small.output, Catch::Contains("cache_mb: Value 4 not in range 8 to 65536"));
}

TEST_CASE("kura-hq remembers request ids for request_retention_hours, from the file or the flag", "[config]") {
  CHECK(Parse({}).config.engine.request_retention_ms == 24LL * 3600 * 1000);
  CHECK(Parse({"--request-retention-hours", "2"}).config.engine.request_retention_ms == 2LL * 3600 * 1000);

  kura::test::TempDir dir;
  std::string file = dir.Sub("hq.toml");
  std::ofstream(file) << "request_retention_hours = 48\n";
  CHECK(Parse({"--config", file}).config.engine.request_retention_ms == 48LL * 3600 * 1000);
  // Zero would forget every id at the next prune, and a retried order would be placed twice.
  std::ofstream(file) << "request_retention_hours = 0\n";
  Parsed zero = Parse({"--config", file});
  CHECK(zero.exit_code == 2);
  CHECK_THAT(zero.output, Catch::Contains("request_retention_hours: Value 0 not in range 1 to 8760"));
}

TEST_CASE("kura-hq refuses a store id no store could have, in the file's allow-list as in --store", "[config]") {
  kura::test::TempDir dir;
  std::string file = dir.Sub("hq.toml");
  std::ofstream(file) << "[stores]\n\"shibuya 01\" = \"key\"\n";
  Parsed from_file = Parse({"--config", file});
  CHECK(from_file.exit_code == 2);
  CHECK_THAT(from_file.output, Catch::Contains("stores: \"shibuya 01\": store id has a character outside"));
  Parsed from_flag = Parse({"--store", "hq,key"});
  CHECK(from_flag.exit_code == 2);
  CHECK_THAT(from_flag.output, Catch::Contains("reserved for HQ"));
  auto keys = GenerateCurveKeyPair();
  REQUIRE(keys.ok());
  std::ofstream(file) << "[stores]\nshibuya-01 = \"" << keys->public_z85 << "\"\n";
  Parsed good = Parse({"--config", file});
  REQUIRE(good.exit_code == -1);
  CHECK(good.config.sync.stores.at("shibuya-01") == keys->public_z85);
}

TEST_CASE("kura-hq refuses one key under two store ids and one store id given twice", "[config]") {
  kura::test::TempDir dir;
  std::string file = dir.Sub("hq.toml");
  std::ofstream(file) << "[stores]\nshibuya-01 = \"key-a\"\numeda-02 = \"key-a\"\n";
  Parsed shared = Parse({"--config", file});
  CHECK(shared.exit_code == 2);
  CHECK_THAT(shared.output, Catch::Contains("stores: shibuya-01 and umeda-02 have the same public key"));
  Parsed twice = Parse({"--store", "shibuya-01,key-a", "--store", "shibuya-01,key-b"});
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.output, Catch::Contains("--store: shibuya-01 is given twice"));
}

TEST_CASE("kura-hq serves its API on ipc and loopback tcp only, and knows its log levels", "[config]") {
  kura::test::TempDir dir;
  CHECK(Parse({"--api", "tcp://127.0.0.1:7430", "--api", "ipc://" + dir.Sub("hq.sock")}).exit_code == -1);
  CHECK(Parse({"--api", "tcp://[::1]:7430"}).exit_code == -1);
  CHECK(Parse({"--api", "tcp://lo:7430"}).exit_code == -1);
  CHECK(Parse({"--api", "tcp://localhost:7430"}).exit_code == 2);  // libzmq would not bind a host name
  CHECK(Parse({"--log-level", "critical"}).exit_code == -1);  // spdlog's names
  for (const char* remote : {"tcp://0.0.0.0:7430", "tcp://*:7430", "tcp://192.0.2.2:7430", "tcp://eth0:7430",
                             "tcp://192.0.2.2;127.0.0.1:7430"}) {
    Parsed p = Parse({"--api", remote});
    INFO(remote << ": " << p.output);
    CHECK(p.exit_code == 2);
    CHECK_THAT(p.output, Catch::Contains("--api (or api): " + std::string(remote) + ": the local API has no authentication"));
  }
  CHECK_THAT(Parse({"--api", "tcp://127.0.0.1"}).output, Catch::Contains("tcp://127.0.0.1: want tcp://<host>:<port>"));
  std::string file = dir.Sub("hq.toml");
  std::ofstream(file) << "api = [\"tcp://0.0.0.0:7430\"]\n";
  CHECK(Parse({"--config", file}).exit_code == 2);
  Parsed verbose = Parse({"--log-level", "verbose"});
  CHECK(verbose.exit_code == 2);
  CHECK_THAT(verbose.output, Catch::Contains("\"verbose\" is not a log level"));
  CHECK(Parse({"--no-such-flag"}).exit_code == 2);  // CLI11 says 109; every kura command says 2
  Parsed version = Parse({"--version"});
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.output, Catch::StartsWith("kura-hq "));
}

TEST_CASE("kura-hq refuses a sync endpoint libzmq could never bind and a malformed store key", "[config]") {
  CHECK(Parse({"--sync", "tcp://0.0.0.0:7431", "--sync", "tcp://*:7432", "--sync", "tcp://127.0.0.1:*"}).exit_code == -1);
  Parsed nonsense = Parse({"--sync", "nonsense"});
  CHECK(nonsense.exit_code == 2);
  CHECK_THAT(nonsense.output, Catch::Contains("--sync (or sync): nonsense: not an endpoint"));
  CHECK_THAT(Parse({"--sync", "inproc://sync"}).output, Catch::Contains("unknown transport inproc"));
  CHECK_THAT(Parse({"--sync", "tcp://0.0.0.0:70000"}).output, Catch::Contains("port 70000 is not a port"));
  CHECK_THAT(Parse({"--sync", "ipc:///nonexistent/dir/sync.sock"}).output,
             Catch::Contains("directory /nonexistent/dir does not exist"));
  CHECK_THAT(Parse({"--api", "ipc:///nonexistent/dir/api.sock"}).output,
             Catch::Contains("--api (or api): ipc:///nonexistent/dir/api.sock: directory /nonexistent/dir"));
  Parsed bad_key = Parse({"--store", "tokyo-01,abc"});
  CHECK(bad_key.exit_code == 2);
  CHECK_THAT(bad_key.output, Catch::Contains("stores: allow-list key for store tokyo-01 must be 40 Z85 characters"));
}

}  // namespace
}  // namespace kura
