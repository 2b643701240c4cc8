// A daemon that cannot start, as an operator meets it: a setting that can never work exits 2
// (the systemd units do not restart it) with a message naming the setting, and an address in
// use exits 1 (restarted: it may be freed). Either way nothing is made first: a new data
// directory left behind would belong to the store id given, and refuse the right one.
#include <sys/wait.h>

#include <filesystem>

#include <catch2/catch.hpp>
#include <zmq.hpp>

#include "chain.h"
#include "curve_keys.h"
#include "daemon_process.h"
#include "temp_dir.h"

using kura::test::DaemonProcess;
using kura::test::TempDir;

namespace {

std::string HqKey() {
  auto keys = kura::GenerateCurveKeyPair();
  REQUIRE(keys.ok());
  return keys->public_z85;
}

// A key file for a store, written into `dir`.
std::string StoreKeyFile(const TempDir& dir) {
  auto keys = kura::GenerateCurveKeyPair();
  REQUIRE(keys.ok());
  REQUIRE(kura::WriteKeyFile(dir.Sub("store.key"), *keys).ok());
  return dir.Sub("store.key");
}

// Flags a daemon must refuse at start, and what its message says.
struct Refusal {
  std::vector<std::string> flags;
  std::string says;
};

// Runs kura-store with each refusal's flags on `dir`'s data directory: each must exit 2
// saying why, without making the directory.
void CheckStoreRefuses(const TempDir& dir, const std::vector<Refusal>& refusals) {
  for (const Refusal& r : refusals) {
    INFO(r.says);
    DaemonProcess store("nara-01", dir.Sub("data"), r.flags);
    int status = store.RunToExit();
    CHECK(WEXITSTATUS(status) == 2);
    CHECK_THAT(store.Log(), Catch::Contains(r.says));
    CHECK_FALSE(std::filesystem::exists(dir.Sub("data")));
  }
}

}  // namespace

TEST_CASE("an endpoint that can never work stops kura-store with status 2 before it makes anything",
          "[daemon][config]") {
  TempDir dir;
  CheckStoreRefuses(dir, {
      {{"--hq", "nonsense", "--hq-key", HqKey(), "--key-file", StoreKeyFile(dir)},
       "--hq (or hq): nonsense: not an endpoint"},
      {{"--hq", "udp://127.0.0.1:7431", "--hq-key", HqKey(), "--key-file", dir.Sub("store.key")},
       "--hq (or hq): udp://127.0.0.1:7431: unknown transport udp"},
      {{"--api", "ipc:///nonexistent/dir/api.sock"},
       "--api (or api): ipc:///nonexistent/dir/api.sock: directory /nonexistent/dir does not exist"},
      {{"--hq", "tcp://127.0.0.1:1", "--hq-key", "abc", "--key-file", dir.Sub("store.key")},
       "--hq-key (or hq_public_key): HQ public key must be 40 Z85 characters"},
  });
}

TEST_CASE("an endpoint that can never work stops kura-hq with status 2 before it makes anything",
          "[daemon][config]") {
  TempDir dir;
  auto keys = kura::GenerateCurveKeyPair();
  REQUIRE(keys.ok());
  REQUIRE(kura::WriteKeyFile(dir.Sub("hq.key"), *keys).ok());
  const Refusal refusals[] = {
      {{"--sync", "nonsense"}, "--sync (or sync): nonsense: not an endpoint"},
      {{"--sync", "tcp://0.0.0.0"}, "--sync (or sync): tcp://0.0.0.0: want tcp://<host>:<port>"},
      {{"--api", "ipc:///nonexistent/dir/api.sock"},
       "--api (or api): ipc:///nonexistent/dir/api.sock: directory /nonexistent/dir does not exist"},
      {{"--store", "nara-01,abc"}, "stores: allow-list key for store nara-01 must be 40 Z85 characters"},
  };
  for (const Refusal& r : refusals) {
    INFO(r.says);
    std::vector<std::string> flags = {"--key-file", dir.Sub("hq.key")};
    flags.insert(flags.end(), r.flags.begin(), r.flags.end());
    auto hq = DaemonProcess::Hq(dir.Sub("hq"), flags);
    int status = hq->RunToExit();
    CHECK(WEXITSTATUS(status) == 2);
    CHECK_THAT(hq->Log(), Catch::Contains(r.says));
    CHECK_FALSE(std::filesystem::exists(dir.Sub("hq")));
  }
}

// The link's settings mean nothing without --hq: a store meant to be linked would otherwise
// run alone, its sales missing at HQ until someone looks.
TEST_CASE("a setting of the link to hq given without --hq stops kura-store with status 2", "[daemon][config]") {
  TempDir dir;
  CheckStoreRefuses(dir, {
      {{"--key-file", "/nonexistent.key"}, "--key-file (or key_file) is a setting of the link to HQ, but no --hq"},
      {{"--hq-key", "abc"}, "--hq-key (or hq_public_key) is a setting of the link to HQ, but no --hq"},
      {{"--offline-first-start"}, "--offline-first-start is a setting of the link to HQ, but no --hq"},
  });
}

TEST_CASE("an api address in use stops kura-store with status 1 and leaves no data directory for its id",
          "[daemon]") {
  TempDir dir;
  zmq::socket_t taken(DaemonProcess::Context(), zmq::socket_type::router);
  taken.bind("tcp://127.0.0.1:*");
  std::string endpoint = taken.get(zmq::sockopt::last_endpoint);
  DaemonProcess first("kobe-03", dir.Sub("data"), {"--api", endpoint});
  int status = first.RunToExit();
  CHECK(WEXITSTATUS(status) == 1);  // a restart may find it free
  CHECK_THAT(first.Log(), Catch::Contains("event=bind_failed setting=--api"));
  CHECK_THAT(first.Log(), Catch::Contains("Address already in use"));
  CHECK_FALSE(std::filesystem::exists(dir.Sub("data")));
  // The directory is still free for the store meant to have it.
  DaemonProcess second("kobe-04", dir.Sub("data"));
  second.Start();
  CHECK(second.Must("status")["store_id"] == "kobe-04");
}

TEST_CASE("a sync address in use stops kura-hq with status 1 and leaves no data directory", "[daemon]") {
  TempDir dir;
  auto keys = kura::GenerateCurveKeyPair();
  REQUIRE(keys.ok());
  REQUIRE(kura::WriteKeyFile(dir.Sub("hq.key"), *keys).ok());
  zmq::socket_t taken(DaemonProcess::Context(), zmq::socket_type::router);
  taken.bind("tcp://127.0.0.1:*");
  std::string endpoint = taken.get(zmq::sockopt::last_endpoint);
  auto hq = DaemonProcess::Hq(dir.Sub("hq"), {"--key-file", dir.Sub("hq.key"), "--sync", endpoint});
  int status = hq->RunToExit();
  CHECK(WEXITSTATUS(status) == 1);
  CHECK_THAT(hq->Log(), Catch::Contains("event=bind_failed setting=--sync"));
  CHECK_THAT(hq->Log(), Catch::Contains("Address already in use"));
  CHECK_FALSE(std::filesystem::exists(dir.Sub("hq")));
}
