// Disk failure: a real kura-store whose files may not grow past a bound (RLIMIT_FSIZE, a
// disk that fills up) gets a write refused by RocksDB's log. It must answer that request
// with an error, exit non-zero (so systemd's Restart=on-failure starts it again) rather than
// live on refusing every write, and come back with every acknowledged write, exactly once,
// and the refused one applied only when it is retried. kura-hq likewise, merging a store's
// batches: the store resends what HQ never acknowledged, and HQ converges after its restart.
#include <sys/wait.h>

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "chain.h"
#include "daemon_process.h"
#include "temp_dir.h"

using kura::test::Chain;
using kura::test::DaemonProcess;
using kura::test::Eventually;
using kura::test::TempDir;
using nlohmann::json;

namespace {

// `status`, from WaitForExit: the daemon exited on its own for a refused write.
void RequireStorageExit(DaemonProcess& daemon, int status) {
  INFO("daemon log:\n" << daemon.Log());
  REQUIRE(status != -1);  // still running: it would refuse every write until restarted
  CHECK(WIFEXITED(status));  // not killed by SIGXFSZ
  CHECK(WEXITSTATUS(status) == 1);  // as README says, without closing the database (ExitAfterLoopFailure)
  CHECK(daemon.Log().find("event=storage_failed") != std::string::npos);
}

}  // namespace

TEST_CASE("a store whose disk refuses a write exits, and restarts with every acknowledged write",
          "[crash][storage]") {
  TempDir dir;
  DaemonProcess store("disk-01", dir.Sub("data"));
  // RocksDB's log passes 128 KiB after a few hundred receives; its other files stay under.
  store.LimitFileSize(128 << 10);
  store.Start();

  const json receive = {{"sku", "SKU-A"}, {"qty", 1}};
  int64_t acked = 0;
  std::string refused_rid;
  for (int i = 0; i < 20'000 && refused_rid.empty(); ++i) {
    std::string rid = kura::ApiClient::NewRequestId();
    auto reply = store.client().Call("stock.receive", receive, rid);
    if (reply.ok()) {
      ++acked;
    } else {
      INFO(reply.status().ToString());
      CHECK(reply.status().code() == kura::Status::Code::kIOError);
      refused_rid = rid;
    }
  }
  REQUIRE(!refused_rid.empty());
  REQUIRE(acked > 0);

  RequireStorageExit(store, store.WaitForExit(20'000));

  store.LimitFileSize(0);  // the disk has room again
  store.Start();
  CHECK(store.Must("stock.get", {{"sku", "SKU-A"}})["on_hand"] == acked);
  // The refused request, retried with its id, applies now, and once.
  REQUIRE(store.client().Call("stock.receive", receive, refused_rid).ok());
  REQUIRE(store.client().Call("stock.receive", receive, refused_rid).ok());
  CHECK(store.Must("stock.get", {{"sku", "SKU-A"}})["on_hand"] == acked + 1);
  CHECK(store.Must("admin.check")["ok"] == true);
}

TEST_CASE("hq whose disk refuses a merge exits, and converges with its store after a restart",
          "[crash][storage][sync]") {
  Chain chain(1);
  chain.hq().LimitFileSize(128 << 10);
  chain.StartAll();
  DaemonProcess& store = chain.store(0);
  // Each receive is a batch HQ merges into its log, until the log reaches the bound (a
  // few hundred batches; the deadline only ends a run where HQ never stops).
  int64_t received = 0;
  int hq_status = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (hq_status == -1 && std::chrono::steady_clock::now() < deadline) {
    store.Must("stock.receive", {{"sku", "TEE"}, {"qty", 1}});
    ++received;
    hq_status = chain.hq().WaitForExit(0);
  }
  RequireStorageExit(chain.hq(), hq_status);
  CHECK(chain.hq().Log().find("event=sync_merge_failed") != std::string::npos);  // a merge it refused
  // The store goes on selling while HQ is down.
  store.Must("stock.receive", {{"sku", "TEE"}, {"qty", 1}});
  ++received;

  chain.hq().LimitFileSize(0);
  chain.hq().Start();
  REQUIRE(Eventually([&] {
    auto r = chain.hq().client().Call("hq.stock", {{"sku", "TEE"}});
    return r.ok() && (*r)["total"]["on_hand"] == received;
  }));
  REQUIRE(Eventually([&] { return store.Must("sync.status")["pending_components"] == 0; }));
  CHECK(chain.hq().Must("admin.check")["ok"] == true);
}
