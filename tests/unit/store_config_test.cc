// kura-store's settings file: a value passes the same range checks as its flag, so a file
// cannot set what the command line would refuse; a flag still beats the file.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "curve_keys.h"
#include "store_config.h"
#include "temp_dir.h"

namespace kura {
namespace {

struct Parsed {
  StoreConfig config;
  int exit_code = 0;
  std::string output;
};

Parsed Parse(const std::string& toml, std::vector<std::string> flags = {}) {
  kura::test::TempDir dir;
  std::string file = dir.Sub("store.toml");
  std::ofstream(file) << "store_id = \"shibuya-01\"\ndata_dir = \"" << dir.Sub("data") << "\"\n" << toml;
  std::vector<std::string> args = {"kura-store", "--config", file};
  args.insert(args.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  Parsed p;
  p.config = ParseStoreConfig(static_cast<int>(argv.size()), argv.data(), &p.exit_code, &p.output);
  return p;
}

TEST_CASE("kura-store takes its settings from the file, and a flag beats the file", "[config]") {
  Parsed p = Parse("request_retention_hours = 6\nhold_shelf_bins = 40\nsafety_stock = 2\n");
  REQUIRE(p.exit_code == -1);
  CHECK(p.config.store.store_id == "shibuya-01");
  CHECK(p.config.store.request_retention_ms == 6LL * 3600 * 1000);
  CHECK(p.config.store.hold_shelf_bins == 40);
  CHECK(p.config.store.safety_stock == 2);
  Parsed flagged = Parse("request_retention_hours = 6\n", {"--request-retention-hours", "12"});
  REQUIRE(flagged.exit_code == -1);
  CHECK(flagged.config.store.request_retention_ms == 12LL * 3600 * 1000);
}

TEST_CASE("kura-store refuses a file value its flag would refuse, naming the key", "[config]") {
  struct Case {
    const char* toml;
    const char* says;
  } cases[] = {
      // Zero retention would forget every id at the next prune: a retried sale sold twice.
      {"request_retention_hours = 0\n", "request_retention_hours: Value 0 not in range 1 to 8760"},
      {"hold_shelf_bins = 0\n", "hold_shelf_bins: Value 0 not in range 1 to 999"},
      {"safety_stock = -1\n", "safety_stock: Value -1 not in range 0 to 1000000"},
      {"journal_retention_hours = -5\n", "journal_retention_hours: Value -5 not in range 0 to 87600"},
      {"hold_shelf_bins = \"many\"\n", "hold_shelf_bins must be an integer"},
      // A syntax error says where (the file's first two lines are Parse's own).
      {"hold_shelf_bins = many\n", "(line 3, column 19)"},
  };
  for (const Case& c : cases) {
    INFO(c.toml);
    Parsed p = Parse(c.toml);
    CHECK(p.exit_code == 2);
    CHECK_THAT(p.output, Catch::Contains(c.says));
  }
}

TEST_CASE("kura-store refuses a remote API, an unknown log level and a bad store id before making anything",
          "[config]") {
  Parsed remote = Parse("api = [\"tcp://0.0.0.0:7420\"]\n");
  CHECK(remote.exit_code == 2);
  CHECK_THAT(remote.output, Catch::Contains("--api (or api): tcp://0.0.0.0:7420: the local API has no authentication"));
  CHECK(Parse("", {"--api", "tcp://10.0.0.5:7420"}).exit_code == 2);
  CHECK(Parse("", {"--api", "tcp://127.0.0.1:7420"}).exit_code == -1);
  Parsed unlinked = Parse("hq = \"tcp://hq:7431\"\n", {"--hq="});  // an unset variable must not unlink the store
  CHECK(unlinked.exit_code == 2);
  CHECK_THAT(unlinked.output, Catch::Contains("--hq: no value given"));
  Parsed verbose = Parse("log_level = \"verbose\"\n");
  CHECK(verbose.exit_code == 2);
  CHECK_THAT(verbose.output, Catch::Contains("--log-level (or log_level): \"verbose\" is not a log level"));
  kura::test::TempDir dir;
  std::vector<std::string> args = {"kura-store", "--store-id", "Shibuya_01", "--data-dir", dir.Sub("data")};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  int exit_code = 0;
  std::string output;
  ParseStoreConfig(static_cast<int>(argv.size()), argv.data(), &exit_code, &output);
  CHECK(exit_code == 2);
  CHECK_THAT(output, Catch::Contains("--store-id (or store_id): "));
  CHECK_FALSE(std::filesystem::exists(dir.Sub("data")));
}

TEST_CASE("kura-store refuses an endpoint libzmq could never use, naming its setting", "[config]") {
  auto hq_keys = GenerateCurveKeyPair();
  REQUIRE(hq_keys.ok());
  const std::vector<std::string> link = {"--hq-key", hq_keys->public_z85, "--key-file", "store.key"};
  auto linked_to = [&](const std::string& hq) {
    std::vector<std::string> flags = {"--hq", hq};
    flags.insert(flags.end(), link.begin(), link.end());
    return Parse("", flags);
  };
  CHECK_THAT(linked_to("nonsense").output, Catch::Contains("--hq (or hq): nonsense: not an endpoint"));
  CHECK_THAT(linked_to("pgm://eth0;239.1.1.1:5555").output, Catch::Contains("unknown transport pgm"));
  CHECK_THAT(linked_to("tcp://hq.example").output, Catch::Contains("want tcp://<host>:<port>"));
  CHECK_THAT(linked_to("tcp://hq.example:0").output, Catch::Contains("port 0 is not a port"));
  CHECK(linked_to("tcp://hq.example:7431").exit_code == -1);
  CHECK(linked_to("ipc:///run/kura-hq/sync.sock").exit_code == -1);  // HQ makes it when it starts
  Parsed no_dir = Parse("", {"--api", "ipc:///nonexistent/dir/api.sock"});
  CHECK(no_dir.exit_code == 2);
  CHECK_THAT(no_dir.output, Catch::Contains("--api (or api): ipc:///nonexistent/dir/api.sock: directory "
                                            "/nonexistent/dir does not exist"));
  CHECK(Parse("api = [\"ipc://\"]\n").exit_code == 2);  // no path
  kura::test::TempDir dir;
  std::vector<std::string> args = {"kura-store", "--store-id", "shibuya-01", "--data-dir", dir.Sub("data"),
                                   "--api", "ipc://" + dir.Sub("data") + "/api.sock"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  int exit_code = 0;
  std::string output;
  ParseStoreConfig(static_cast<int>(argv.size()), argv.data(), &exit_code, &output);
  CHECK(exit_code == -1);  // the data directory is made at start, before the API binds there
}

TEST_CASE("kura-store refuses a setting of the link to hq given without --hq, and a malformed hq key",
          "[config]") {
  CHECK_THAT(Parse("key_file = \"/etc/kura/store.key\"\n").output,
             Catch::Contains("--key-file (or key_file) is a setting of the link to HQ, but no --hq (or hq) is given"));
  CHECK(Parse("", {"--hq-key", "abc"}).exit_code == 2);
  CHECK(Parse("", {"--offline-first-start"}).exit_code == 2);
  Parsed bad_key = Parse("", {"--hq", "tcp://hq:7431", "--hq-key", "abc", "--key-file", "store.key"});
  CHECK(bad_key.exit_code == 2);
  CHECK_THAT(bad_key.output, Catch::Contains("--hq-key (or hq_public_key): HQ public key must be 40 Z85 characters"));
}

}  // namespace
}  // namespace kura
