// kuractl's local range checks against the daemon's: a value the daemon takes is sent,
// and one it would refuse is refused by kuractl (exit 2, nothing sent) with the daemon's
// range in the message, for every command that takes a quantity, a count, a price or a
// hold's lifetime.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "daemon_process.h"
#include "kuractl_run.h"
#include "temp_dir.h"

using kura::test::DaemonProcess;
using kura::test::Kuractl;
using kura::test::TempDir;

namespace {

struct Bounded {
  std::string args;     // a command line with a value just past the daemon's bound
  std::string must_be;  // what the refusal says the value must be: the daemon's bound
};

// kuractl refuses `args` locally (exit 2, usage) and sends nothing: the store's origin
// sequence stays where it was. Returns what the message says the value must be.
std::string RefusedLocally(const TempDir& dir, DaemonProcess& daemon, const std::string& args) {
  nlohmann::json before = daemon.Must("status");
  auto run = Kuractl(dir, daemon.endpoint(), args);
  INFO("kuractl " << args << "\nstderr: " << run.err);
  CHECK(run.exit_code == 2);
  CHECK(run.Json()["error"]["code"] == "usage");
  CHECK(daemon.Must("status")["origin_seq"] == before["origin_seq"]);
  std::string message = run.Json()["error"]["message"];
  auto at = message.find(": must be ");
  return at == std::string::npos ? message : message.substr(at + 10);
}

// Each of `taken` (values at the daemon's bound) is sent and done; each of `past` is
// refused locally, naming the bound.
void CheckBounds(const TempDir& dir, DaemonProcess& daemon, const std::vector<std::string>& taken,
                 const std::vector<Bounded>& past) {
  for (const std::string& args : taken) {
    auto run = Kuractl(dir, daemon.endpoint(), args);
    INFO("kuractl " << args << "\nstderr: " << run.err);
    CHECK(run.exit_code == 0);
  }
  for (const Bounded& bounded : past) {
    INFO("kuractl " << bounded.args);
    CHECK(RefusedLocally(dir, daemon, bounded.args) == bounded.must_be);
  }
}

// A store with 10 of TEE-M-BLK.
struct StockedStore {
  TempDir dir;
  DaemonProcess daemon{"tokyo-01", dir.Sub("data")};
  StockedStore() {
    daemon.Start();
    daemon.Must("stock.receive", {{"sku", "TEE-M-BLK"}, {"qty", 10}});
  }
};

constexpr const char* kQty = "a whole number in 1..1000000";
constexpr const char* kLineQty = "a whole number in 1..1000000 (SKU:QTY, e.g. TEE-M-BLK:2)";
constexpr const char* kCounted = "a whole number in 0..1000000";

}  // namespace

TEST_CASE("kuractl refuses a quantity past the daemon's bound locally, naming the daemon's range", "[kuractl]") {
  StockedStore s;
  CheckBounds(s.dir, s.daemon,
              {"stock receive TEE-M-BLK 1000000", "stock count TEE-M-BLK 1000000", "stock count TEE-M-BLK 0"},
              {
                  {"stock receive TEE-M-BLK 1000001", kQty},
                  {"stock receive TEE-M-BLK 2147483648", kQty},
                  {"stock receive TEE-M-BLK 99999999999999999999", kQty},
                  {"stock sell TEE-M-BLK 1000001", kQty},
                  {"stock return TEE-M-BLK 1000001", kQty},
                  {"stock transfer-out TEE-M-BLK 1000001", kQty},
                  {"stock transfer-in TEE-M-BLK 1000001", kQty},
                  {"stock count TEE-M-BLK 5000000", kCounted},
                  {"stock count TEE-M-BLK -1", kCounted},
                  {"hold create --kind pickup --line TEE-M-BLK:1000001", kLineQty},
                  {"hq order place --store tokyo-01 --kind pickup --line TEE-M-BLK:1000001", kLineQty},
                  {"hq policy set --share-pct 101 --cap 5", "a whole number in 0..100"},
                  {"hq policy set --share-pct 20 --cap 1000001", "a whole number in 0..1000000"},
              });
}

TEST_CASE("kuractl refuses a --limit past the list's bound locally, naming the daemon's range", "[kuractl]") {
  StockedStore s;
  CheckBounds(s.dir, s.daemon,
              {"stock list --limit 100000", "hold list --limit 100000", "journal list --limit 10000"},
              {
                  {"stock list --limit 100001", "a whole number in 1..100000"},
                  {"hold list --limit 100001", "a whole number in 1..100000"},
                  {"journal list --limit 10001", "a whole number in 1..10000"},
                  {"hq exceptions --limit 10001", "a whole number in 1..10000"},
                  {"stock list --limit 0", "a whole number in 1..100000"},
              });
}

TEST_CASE("kuractl refuses a --price or --expires past the daemon's bound locally", "[kuractl]") {
  StockedStore s;
  CheckBounds(s.dir, s.daemon,
              {"stock sell TEE-M-BLK 1 --price 21474836.47",
               "hold create --kind pickup --line TEE-M-BLK:1 --expires 90d"},
              {
                  {"stock sell TEE-M-BLK 1 --price 21474836.48", "at most 21474836.47 (the daemon's bound)"},
                  {"stock return TEE-M-BLK 1 --price 99999999", "at most 21474836.47 (the daemon's bound)"},
                  {"hold create --kind pickup --line TEE-M-BLK:1 --expires 90d1s", "at most 90d"},
                  {"hq order place --store tokyo-01 --kind pickup --line TEE-M-BLK:1 --expires 91d", "at most 90d"},
              });
}
