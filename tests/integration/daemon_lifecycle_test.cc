// The daemon as an operator meets it: start, refuse a second daemon on the same data,
// stop cleanly on SIGTERM, read its config file, and keep what it acknowledged.
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "chain.h"
#include "curve_keys.h"
#include "daemon_process.h"
#include "temp_dir.h"

using kura::test::DaemonProcess;
using kura::test::TempDir;

TEST_CASE("a second daemon on the same data directory is refused", "[daemon]") {
  TempDir dir;
  DaemonProcess first("tokyo-01", dir.Sub("data"));
  first.Start();
  first.Must("stock.receive", {{"sku", "TEE-M"}, {"qty", 5}});

  DaemonProcess second("tokyo-01", dir.Sub("data"), {"--api", "ipc://" + dir.Sub("other.sock")});
  int status = second.RunToExit();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) != 0);
  CHECK_THAT(second.Log(), Catch::Contains("in use by another process"));
  // The first daemon is unharmed.
  CHECK(first.Must("stock.get", {{"sku", "TEE-M"}})["on_hand"] == 5);
}

TEST_CASE("sigterm stops the daemon cleanly and keeps acknowledged writes", "[daemon]") {
  TempDir dir;
  DaemonProcess daemon("osaka-02", dir.Sub("data"));
  daemon.Start();
  daemon.Must("stock.receive", {{"sku", "CAP-1"}, {"qty", 3}});
  int status = daemon.Stop(SIGTERM);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_THAT(daemon.Log(), Catch::Contains("event=stopped"));

  daemon.Start();
  CHECK(daemon.Must("stock.get", {{"sku", "CAP-1"}})["on_hand"] == 3);
}

// A closed terminal sends SIGHUP: the store goes on selling, and says a reload needs a
// restart.
TEST_CASE("sighup leaves the store running and says settings need a restart", "[daemon]") {
  TempDir dir;
  DaemonProcess daemon("osaka-03", dir.Sub("data"));
  daemon.Start();
  REQUIRE(kill(daemon.pid(), SIGHUP) == 0);
  REQUIRE(kura::test::Eventually([&] { return daemon.Log().find("event=reload_ignored") != std::string::npos; }));
  CHECK(daemon.Must("stock.receive", {{"sku", "CAP-1"}, {"qty", 1}})["on_hand"] == 1);
}

TEST_CASE("a data directory of another store is refused", "[daemon]") {
  TempDir dir;
  {
    DaemonProcess daemon("kobe-01", dir.Sub("data"));
    daemon.Start();
  }
  DaemonProcess wrong("kobe-02", dir.Sub("data"));
  int status = wrong.RunToExit();
  CHECK(WEXITSTATUS(status) == 2);  // a settings error: the units do not restart it
  CHECK_THAT(wrong.Log(), Catch::Contains("belongs to store kobe-01"));
}

// Exit status 2 is a settings error, which the systemd units do not restart
// (RestartPreventExitStatus=2): restarting every 2 s could not mend any of these.
TEST_CASE("a key file or data directory the daemon cannot use stops it with status 2",
          "[daemon][config]") {
  TempDir dir;
  auto hq_keys = kura::GenerateCurveKeyPair();
  REQUIRE(hq_keys.ok());
  std::vector<std::string> linked = {"--hq", "tcp://127.0.0.1:1", "--hq-key", hq_keys->public_z85,
                                     "--key-file"};
  SECTION("a key file that is not there") {
    linked.push_back(dir.Sub("none.key"));
    DaemonProcess daemon("nara-01", dir.Sub("data"), linked);
    CHECK(WEXITSTATUS(daemon.RunToExit()) == 2);
    CHECK_THAT(daemon.Log(), Catch::Contains("none.key does not exist"));
  }
  SECTION("HQ's key one that ZeroMQ's documentation publishes, secret and all") {
    auto store_keys = kura::GenerateCurveKeyPair();
    REQUIRE(store_keys.ok());
    REQUIRE(kura::WriteKeyFile(dir.Sub("store.key"), *store_keys).ok());
    linked[3] = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";  // the --hq-key
    linked.push_back(dir.Sub("store.key"));
    DaemonProcess daemon("nara-01", dir.Sub("data"), linked);
    CHECK(WEXITSTATUS(daemon.RunToExit()) == 2);
    CHECK_THAT(daemon.Log(), Catch::Contains("published example key"));
  }
  SECTION("a data directory that cannot be made") {
    std::ofstream(dir.Sub("file")) << "not a directory\n";
    DaemonProcess daemon("nara-01", dir.Sub("file"));  // a file where the directory should be
    CHECK(WEXITSTATUS(daemon.RunToExit()) == 2);
    CHECK_THAT(daemon.Log(), Catch::Contains("cannot make data directory"));
  }
}

// It holds the ticket-signing key, receipts and customer ids.
TEST_CASE("the daemon keeps its data directory for its own user", "[daemon]") {
  TempDir dir;
  std::filesystem::create_directories(dir.Sub("data"));
  std::filesystem::permissions(dir.Sub("data"), std::filesystem::perms::all);
  DaemonProcess daemon("nara-01", dir.Sub("data"));
  daemon.Start();
  CHECK(std::filesystem::status(dir.Sub("data")).permissions() ==
        std::filesystem::perms::owner_all);
}

TEST_CASE("the config file supplies settings and flags override it", "[daemon][config]") {
  TempDir dir;
  std::string config = dir.Sub("store.toml");
  std::ofstream(config) << "store_id = \"nara-01\"\nsafety_stock = 2\nhold_shelf_bins = 5\n";
  // --store-id on the command line wins over the file's store_id.
  DaemonProcess daemon("nara-09", dir.Sub("data"), {"--config", config});
  daemon.Start();
  CHECK(daemon.Must("status")["store_id"] == "nara-09");
  auto stock = daemon.Must("stock.receive", {{"sku", "MUG"}, {"qty", 10}});
  CHECK(stock["atp"] == 8);  // safety stock 2 from the file
}

TEST_CASE("an unknown key in the config file stops the daemon with a clear error", "[daemon][config]") {
  TempDir dir;
  std::string config = dir.Sub("store.toml");
  std::ofstream(config) << "store_id = \"nara-01\"\nsafety_stok = 2\n";
  DaemonProcess daemon("nara-01", dir.Sub("data"), {"--config", config});
  int status = daemon.RunToExit();
  CHECK(WEXITSTATUS(status) == 2);
  CHECK_THAT(daemon.Log(), Catch::Contains("unknown key safety_stok"));
}
