// kura-hq reloading its settings on SIGHUP (node/hq_reload.h), as real processes over CURVE:
// a store's new key links without a restart, a store taken off the list is no longer heard,
// and settings that do not parse change nothing.
#include <signal.h>

#include <fstream>

#include <catch2/catch.hpp>

#include "chain.h"
#include "curve_keys.h"

using kura::test::DaemonProcess;
using kura::test::Eventually;
using kura::test::HqOnHand;
using nlohmann::json;

namespace {

kura::CurveKeyPair NewKeys(const std::string& file) {
  auto keys = kura::GenerateCurveKeyPair();
  REQUIRE(keys.ok());
  REQUIRE(kura::WriteKeyFile(file, *keys).ok());
  return *keys;
}

// HQ run from a config file the test rewrites, and its stores' keys.
struct ReloadableHq {
  ReloadableHq() {
    hq_keys = NewKeys(dir.Sub("hq.key"));
    hq = DaemonProcess::Hq(dir.Sub("hq"), {"--config", config, "--key-file", dir.Sub("hq.key"), "--sync", endpoint});
  }
  // Writes the config's store list (store id -> public key) and `extra` lines.
  void WriteConfig(const std::map<std::string, std::string>& stores, const std::string& extra = "") {
    std::ofstream out(config, std::ios::trunc);
    out << extra << "[stores]\n";
    for (const auto& [id, key] : stores) out << id << " = \"" << key << "\"\n";
  }
  // A store linked to this HQ with the keypair in `key_file`.
  std::unique_ptr<DaemonProcess> Store(const std::string& id, const std::string& key_file) {
    return std::make_unique<DaemonProcess>(
        id, dir.Sub(id), std::vector<std::string>{"--hq", endpoint, "--hq-key", hq_keys.public_z85, "--key-file", key_file});
  }
  // Sends SIGHUP and waits for HQ's log to say how it ended (`event`, the `nth` of them).
  void Reload(const std::string& event, int nth = 1) {
    REQUIRE(kill(hq->pid(), SIGHUP) == 0);
    REQUIRE(Eventually([&] { return Count(hq->Log(), "event=" + event + " ") >= nth; }));
  }
  static int Count(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }

  kura::test::TempDir dir;
  std::string config = dir.Sub("hq.toml");
  std::string endpoint = kura::test::FreeTcpEndpoint();
  kura::CurveKeyPair hq_keys;
  std::unique_ptr<DaemonProcess> hq;
};

bool TakesWrites(DaemonProcess& store) { return store.Must("sync.status")["restoring"] == false; }

}  // namespace

TEST_CASE("kura-hq takes a store's new key on reload, without a restart", "[reload][integration][security]") {
  ReloadableHq chain;
  std::string old_key = NewKeys(chain.dir.Sub("old.key")).public_z85;
  std::string new_key = NewKeys(chain.dir.Sub("new.key")).public_z85;
  chain.WriteConfig({{"store-1", old_key}});
  chain.hq->Start();
  // The store's disk was replaced without a backup of its key: it runs with a new one.
  auto store = chain.Store("store-1", chain.dir.Sub("new.key"));
  store->Start();
  REQUIRE(Eventually([&] { return chain.hq->Must("hq.sync_status")["refused_peers"].get<int>() > 0; }));
  CHECK_FALSE(TakesWrites(*store));

  // And a store opens: HQ's ops may name it from now on.
  std::string opening = NewKeys(chain.dir.Sub("store-3.key")).public_z85;
  chain.WriteConfig({{"store-1", new_key}, {"store-3", opening}});
  chain.Reload("reloaded");
  CHECK_THAT(chain.hq->Log(), Catch::Contains("stores=2 added=store-3 removed=- rekeyed=store-1"));
  chain.hq->Must("hq.policy.set", {{"store", "store-3"}, {"share_pct", 50}, {"cap", 5}});
  REQUIRE(Eventually([&] { return TakesWrites(*store); }));
  store->Must("stock.receive", {{"sku", "NEW-KEY"}, {"qty", 5}});
  REQUIRE(Eventually([&] { return HqOnHand(*chain.hq, "NEW-KEY", "store-1") == 5; }));
  CHECK(chain.hq->WaitForExit(0) == -1);  // still running: the reload was not a restart
}

TEST_CASE("a store taken off hq's list on reload is no longer heard, on its open connection too",
          "[reload][integration][security]") {
  ReloadableHq chain;
  std::string kept = NewKeys(chain.dir.Sub("store-1.key")).public_z85;
  std::string dropped = NewKeys(chain.dir.Sub("store-2.key")).public_z85;
  chain.WriteConfig({{"store-1", kept}, {"store-2", dropped}});
  chain.hq->Start();
  auto store2 = chain.Store("store-2", chain.dir.Sub("store-2.key"));
  store2->Start();
  REQUIRE(Eventually([&] { return TakesWrites(*store2); }));
  store2->Must("stock.receive", {{"sku", "GONE"}, {"qty", 3}});
  REQUIRE(Eventually([&] { return HqOnHand(*chain.hq, "GONE", "store-2") == 3; }));
  chain.hq->Must("hq.policy.set", {{"store", "store-2"}, {"share_pct", 50}, {"cap", 5}});

  chain.WriteConfig({{"store-1", kept}});
  chain.Reload("reloaded");
  CHECK_THAT(chain.hq->Log(), Catch::Contains("added=- removed=store-2 rekeyed=-"));
  // HQ's ops no longer name it, and its status no longer lists it.
  auto policy = chain.hq->client().Call("hq.policy.set", {{"store", "store-2"}, {"share_pct", 50}, {"cap", 5}});
  CHECK(policy.status().code() == kura::Status::Code::kNotFound);
  json status = chain.hq->Must("hq.sync_status");
  for (const auto& row : status["stores"]) CHECK(row["store"] != "store-2");

  // Its link stays open (ZeroMQ cannot close one peer of a ROUTER), but what it sends is
  // dropped: the store sends the change, gets no ack, and sends it again (3 s later).
  auto sent = [&] { return store2->Must("sync.status")["components_sent"].get<int>(); };
  int before = sent();
  store2->Must("stock.receive", {{"sku", "GONE"}, {"qty", 4}});
  REQUIRE(Eventually([&] { return sent() > before; }));
  int first = sent();
  REQUIRE(Eventually([&] { return sent() > first; }));
  CHECK(chain.hq->Must("hq.sync_status")["dropped_unlisted"].get<int>() > 0);
  CHECK(HqOnHand(*chain.hq, "GONE", "store-2") == 3);
  CHECK(store2->Must("sync.status")["pending_components"].get<int>() > 0);

  // An empty list names no store at all (not every store).
  chain.WriteConfig({});
  chain.Reload("reloaded", 2);
  auto none = chain.hq->client().Call("hq.policy.set", {{"store", "store-1"}, {"share_pct", 50}, {"cap", 5}});
  CHECK(none.status().code() == kura::Status::Code::kNotFound);
}

TEST_CASE("a reload whose settings do not pass changes nothing, and one that does names what waits for a restart",
          "[reload][integration]") {
  ReloadableHq chain;
  std::string key = NewKeys(chain.dir.Sub("store-1.key")).public_z85;
  chain.WriteConfig({{"store-1", key}});
  chain.hq->Start();
  auto store = chain.Store("store-1", chain.dir.Sub("store-1.key"));
  store->Start();
  REQUIRE(Eventually([&] { return TakesWrites(*store); }));

  SECTION("a malformed key") {
    chain.WriteConfig({{"store-1", "not-a-key"}});
    chain.Reload("reload_refused");
    CHECK_THAT(chain.hq->Log(), Catch::Contains("allow-list key for store store-1"));
  }
  SECTION("a setting kura-hq does not know") {
    chain.WriteConfig({}, "colour = \"red\"\n");
    chain.Reload("reload_refused");
    CHECK_THAT(chain.hq->Log(), Catch::Contains("colour"));
  }
  // The running list stays: the store still syncs, and HQ still lists it.
  store->Must("stock.receive", {{"sku", "STILL"}, {"qty", 2}});
  REQUIRE(Eventually([&] { return HqOnHand(*chain.hq, "STILL", "store-1") == 2; }));
  CHECK(chain.hq->Must("hq.sync_status")["stores"].size() == 1);

  chain.WriteConfig({{"store-1", key}}, "cache_mb = 64\nroute_timeout_ms = 500\n");
  chain.Reload("reloaded");
  CHECK_THAT(chain.hq->Log(), Catch::Contains("needs_restart=route_timeout_ms,cache_mb"));
}

TEST_CASE("a key moved to another store id on reload speaks for that store afresh, ungreeted",
          "[reload][integration][security]") {
  ReloadableHq chain;
  std::string key1 = NewKeys(chain.dir.Sub("store-1.key")).public_z85;
  std::string key2 = NewKeys(chain.dir.Sub("store-2.key")).public_z85;
  chain.WriteConfig({{"store-1", key1}, {"store-2", key2}});
  chain.hq->Start();
  auto store1 = chain.Store("store-1", chain.dir.Sub("store-1.key"));
  auto store2 = chain.Store("store-2", chain.dir.Sub("store-2.key"));
  store1->Start();
  store2->Start();
  REQUIRE(Eventually([&] { return TakesWrites(*store1) && TakesWrites(*store2); }));
  store2->Must("stock.receive", {{"sku", "TWO-ONLY"}, {"qty", 7}});
  REQUIRE(Eventually([&] { return HqOnHand(*chain.hq, "TWO-ONLY", "store-2") == 7; }));

  // A slip in HQ's config: store-1's key under store-2.
  chain.WriteConfig({{"store-2", key1}});
  chain.Reload("reloaded");
  auto row2 = [&] {
    json status = chain.hq->Must("hq.sync_status");
    for (const auto& row : status["stores"]) {
      if (row["store"] == "store-2") return row;
    }
    return json::object();
  };
  // Store-1's daemon now speaks as store-2: what it writes (its own origin) is refused, and
  // HQ's session for store-2 is a new one that never greeted it, so HQ pushes it nothing of
  // store-2's (the old session, greeted by store-2's own daemon, would have).
  store1->Must("stock.receive", {{"sku", "ONE-ONLY"}, {"qty", 1}});
  REQUIRE(Eventually([&] { return row2().value("rejected", 0) > 0; }));
  CHECK(row2()["greeted"] == false);
  CHECK(HqOnHand(*chain.hq, "ONE-ONLY", "store-2") == -1);
}
