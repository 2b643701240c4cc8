// Which daemon kuractl reaches, and what it says when that is not the one the command is
// for: the endpoint named as it was given (--api, $KURA_API, $KURA_HQ_API or the default).
#include <string>

#include <catch2/catch.hpp>

#include "chain.h"
#include "kuractl_run.h"
#include "temp_dir.h"

using kura::test::Chain;
using kura::test::Kuractl;
using kura::test::RunCommand;
using kura::test::TempDir;

namespace {

// kuractl run with exactly these endpoint variables set (an empty one counts as unset)
// and no --api.
kura::test::CommandRun KuractlWithEnv(const TempDir& dir, const std::string& kura_api,
                                      const std::string& kura_hq_api, const std::string& args) {
  return RunCommand(dir, "KURA_API='" + kura_api + "' KURA_HQ_API='" + kura_hq_api + "' '" +
                             KURACTL_BIN + "' --json --timeout 200 " + args);
}

}  // namespace

TEST_CASE("kuractl names the variable an unusable endpoint came from, not --api", "[kuractl]") {
  TempDir dir;
  SECTION("$KURA_API for a store command") {
    auto run = KuractlWithEnv(dir, "garbage", "", "status");
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::StartsWith("kuractl: usage: $KURA_API \"garbage\": not a usable endpoint"));
  }
  SECTION("$KURA_HQ_API for an hq command") {
    auto run = KuractlWithEnv(dir, "", "garbage", "hq stock TEE-WHITE-M");
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::StartsWith("kuractl: usage: $KURA_HQ_API \"garbage\": not a usable endpoint"));
  }
  SECTION("--api when it was given, over the variables") {
    auto run = KuractlWithEnv(dir, "tcp://127.0.0.1:1", "", "--api garbage status");
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::StartsWith("kuractl: usage: --api \"garbage\": not a usable endpoint"));
  }
}

TEST_CASE("kuractl says it reached the wrong daemon when an op comes back unknown_op", "[kuractl]") {
  Chain chain(1);
  chain.StartAll();
  const TempDir& dir = chain.dir();
  SECTION("an hq command sent to a kura-store") {
    std::string store = chain.store(0).endpoint();
    auto run = Kuractl(dir, store, "hq stock TEE-WHITE-M");
    CHECK(run.exit_code == 1);
    CHECK(run.Json()["error"]["code"] == "unknown_op");
    CHECK_THAT(run.err, Catch::Contains("the daemon at --api \"" + store + "\" is not kura-hq"));
    CHECK_THAT(run.err, Catch::Contains("KURA_HQ_API or --api (default tcp://127.0.0.1:7430)"));
  }
  SECTION("a store command sent to kura-hq") {
    std::string hq = chain.hq().endpoint();
    auto run = Kuractl(dir, hq, "stock get TEE-WHITE-M");
    CHECK(run.exit_code == 1);
    CHECK(run.Json()["error"]["code"] == "unknown_op");
    CHECK_THAT(run.err, Catch::Contains("the daemon at --api \"" + hq + "\" is not a kura-store"));
    CHECK_THAT(run.err, Catch::Contains("KURA_API or --api (default tcp://127.0.0.1:7420)"));
  }
}

TEST_CASE("kuractl sends hq commands to $KURA_HQ_API or HQ's default, never to $KURA_API's store", "[kuractl]") {
  Chain chain(1);
  chain.StartAll();
  const TempDir& dir = chain.dir();
  const std::string store = chain.store(0).endpoint(), hq = chain.hq().endpoint();
  SECTION("each variable names its own daemon") {
    for (const char* args : {"hq sync-status", "stock list"}) {
      auto run = KuractlWithEnv(dir, store, hq, args);
      INFO(args << "\nstderr: " << run.err);
      CHECK(run.exit_code == 0);
    }
  }
  SECTION("with only $KURA_API set, an hq command goes to HQ's default endpoint, not to the store") {
    auto run = KuractlWithEnv(dir, store, "", "hq sync-status");
    INFO("stderr: " << run.err);
    CHECK_THAT(run.err, !Catch::Contains("unknown_op"));
    CHECK(run.exit_code != 1);
    // Unless a kura-hq of this machine listens on the default endpoint, nothing answers.
    if (run.exit_code == 3) {
      CHECK_THAT(run.err, Catch::Contains("no reply from tcp://127.0.0.1:7430"));
      CHECK_THAT(run.err, Catch::Contains("no endpoint was set, so kuractl tried the default: "
                                          "point hq commands at kura-hq with KURA_HQ_API or --api"));
    }
  }
}
