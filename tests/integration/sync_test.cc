// Sync between real kura-hq and kura-store processes over CURVE-secured ZeroMQ: stores
// converge at HQ through outages and SIGKILLs, wrong keys and forged origins are refused.
#include <signal.h>

#include <chrono>

#include <catch2/catch.hpp>

#include "chain.h"
#include "kura/schema/codec.h"
#include "kura/sync/messages.h"
#include "kura/sync/pn_counter.h"
#include "kuractl_run.h"
#include "sync_transport.h"

using kura::test::Chain;
using kura::test::DaemonProcess;
using kura::test::Eventually;
using kura::test::HqOnHand;
using nlohmann::json;

namespace {

void Sell(DaemonProcess& store, const std::string& sku, int n) {
  for (int i = 0; i < n; ++i) {
    store.Must("stock.sell", {{"lines", json::array({{{"sku", sku}, {"qty", 1}, {"price_cents", 990}}})}});
  }
}

}  // namespace

TEST_CASE("three stores converge at hq through an hq crash and a store crash", "[sync][integration]") {
  Chain chain(3);
  chain.StartAll();
  for (int i = 0; i < 3; ++i) chain.store(i).Must("stock.receive", {{"sku", "TEE"}, {"qty", 100}});
  for (int i = 0; i < 3; ++i) {
    INFO("store " << i);
    REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "TEE", chain.store_id(i)) == 100; }));
  }

  // HQ dies mid-sync; the stores keep selling.
  Sell(chain.store(0), "TEE", 5);
  chain.hq().Stop(SIGKILL);
  Sell(chain.store(0), "TEE", 10);
  Sell(chain.store(1), "TEE", 7);
  auto pending = chain.store(0).Must("sync.status");
  CHECK(pending["configured"] == true);
  chain.hq().Start();
  REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "TEE", "store-1") == 85; }));
  REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "TEE", "store-2") == 93; }));

  // A store dies and comes back; its later sales arrive too.
  chain.store(2).Stop(SIGKILL);
  chain.store(2).Start();
  Sell(chain.store(2), "TEE", 3);
  REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "TEE", "store-3") == 97; }));

  auto stock = chain.hq().Must("hq.stock", {{"sku", "TEE"}});
  CHECK(stock["total"]["on_hand"] == 85 + 93 + 97);
  REQUIRE(Eventually([&] {
    auto s = chain.store(0).Must("sync.status");
    return s["link"] == "up" && s["pending_components"] == 0;
  }));
  auto status = chain.hq().Must("hq.sync_status");
  for (const auto& row : status["stores"]) {
    INFO(row.dump());
    CHECK(row["connected"] == true);
    CHECK(row["lag_components"] == 0);
  }
  CHECK(status["batches_merged"].get<uint64_t>() >= status["merge_commits"].get<uint64_t>());
  CHECK(status["merge_commits"].get<uint64_t>() > 0);
  // Through the restart, HQ's indexes agree with what it merged (its worker thread's check).
  auto check = chain.hq().Must("admin.check");
  INFO(check.dump());
  CHECK(check["ok"] == true);
  CHECK(check["stock_entries"] == 3);
}

TEST_CASE("a store never receives another store's stock", "[sync][integration]") {
  Chain chain(2);
  chain.StartAll();
  chain.store(0).Must("stock.receive", {{"sku", "ONLY-ONE"}, {"qty", 4}});
  chain.store(1).Must("stock.receive", {{"sku", "BOTH"}, {"qty", 1}});
  REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "ONLY-ONE", "store-1") == 4; }));
  REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "BOTH", "store-2") == 1; }));
  // Store 2 has been in sync since (it got HQ's acks); it still knows nothing of store 1.
  auto r = chain.store(1).client().Call("stock.get", {{"sku", "ONLY-ONE"}});
  CHECK(r.status().code() == kura::Status::Code::kNotFound);
}

TEST_CASE("a store with an unlisted key is refused by hq", "[sync][integration][security]") {
  Chain chain(1);
  chain.StartAll();
  auto rogue_keys = kura::GenerateCurveKeyPair();
  REQUIRE(rogue_keys.ok());
  REQUIRE(kura::WriteKeyFile(chain.dir().Sub("rogue.key"), *rogue_keys).ok());
  std::vector<std::string> flags = chain.SyncFlags(chain.dir().Sub("rogue.key"));
  flags.push_back("--offline-first-start");  // never greeted, it would take no writes
  DaemonProcess rogue("store-1", chain.dir().Sub("rogue"), flags);
  rogue.Start();
  rogue.Must("stock.receive", {{"sku", "FAKE"}, {"qty", 1000}});
  REQUIRE(Eventually([&] { return chain.hq().Must("hq.sync_status")["refused_peers"].get<int>() > 0; }));
  CHECK(HqOnHand(chain.hq(), "FAKE", "store-1") == -1);
  CHECK(rogue.Must("sync.status")["link"] == "down");
  // The store's operator is told why, not only HQ's.
  REQUIRE(Eventually([&] { return !rogue.Must("sync.status")["link_error"].get<std::string>().empty(); }));
  CHECK_THAT(rogue.Must("sync.status")["link_error"].get<std::string>(), Catch::Contains("HQ refused this store's key"));
}

TEST_CASE("a store given the wrong hq key is told to check that key, not the network",
          "[sync][integration][security]") {
  Chain chain(1);
  chain.StartAll();
  auto store_keys = kura::GenerateCurveKeyPair(), not_hq = kura::GenerateCurveKeyPair();
  REQUIRE((store_keys.ok() && not_hq.ok()));
  REQUIRE(kura::WriteKeyFile(chain.dir().Sub("s9.key"), *store_keys).ok());
  std::vector<std::string> flags = chain.SyncFlags(chain.dir().Sub("s9.key"));
  flags[3] = not_hq->public_z85;  // the --hq-key
  DaemonProcess store("store-9", chain.dir().Sub("s9"), flags);
  store.Start();
  // Past a redial: each dial's handshake fails, and libzmq's own retry of it follows.
  REQUIRE(Eventually([&] {
    std::string log = store.Log();
    return log.find("event=sync_handshake_failed") != log.rfind("event=sync_handshake_failed");
  }));
  json status = store.Must("sync.status");
  CHECK(status["link"] == "down");
  CHECK_THAT(status["link_error"].get<std::string>(), Catch::Contains("handshake with HQ failed"));
  auto shown = kura::test::Kuractl(chain.dir(), store.endpoint(), "sync status", /*json_output=*/false);
  CHECK(shown.exit_code == 0);
  CHECK_THAT(shown.out, Catch::Contains("down: the CURVE handshake with HQ failed (check --hq-key against HQ's public key)"));
  CHECK_THAT(shown.out, !Catch::Contains("cannot reach HQ"));
}

TEST_CASE("a store using another store's key links up but is never greeted, and says so", "[sync][integration][security]") {
  Chain chain(1);
  chain.StartAll();
  REQUIRE(Eventually([&] { return chain.store(0).Must("sync.status")["hq_greeted"] == true; }));
  REQUIRE(kura::WriteKeyFile(chain.dir().Sub("borrowed.key"), chain.store_keys(0)).ok());
  chain.store(0).Stop(SIGTERM);
  std::vector<std::string> flags = chain.SyncFlags(chain.dir().Sub("borrowed.key"));
  flags.push_back("--offline-first-start");  // never greeted, it would take no writes
  DaemonProcess borrower("store-9", chain.dir().Sub("borrower"), flags);
  borrower.Start();
  borrower.Must("stock.receive", {{"sku", "FAKE"}, {"qty", 1000}});
  // HQ takes the key (it is store-1's) but refuses a Hello from anyone but store-1.
  REQUIRE(Eventually([&] {
    auto ex = chain.hq().Must("hq.exceptions")["exceptions"];
    return !ex.empty() && ex.back()["kind"] == "sync_rejected";
  }));
  json status = borrower.Must("sync.status");
  CHECK(status["link"] == "up");
  CHECK(status["hq_greeted"] == false);
  CHECK(status["acked_seq"] == 0);
  CHECK(HqOnHand(chain.hq(), "FAKE", "store-9") == -1);
  CHECK(HqOnHand(chain.hq(), "FAKE", "store-1") == -1);
}

TEST_CASE("a store forging another store's origin is refused and recorded", "[sync][integration][security]") {
  Chain chain(2);
  chain.StartAll();
  chain.store(0).Must("stock.receive", {{"sku", "TEE"}, {"qty", 10}});
  REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "TEE", "store-1") == 10; }));
  chain.store(1).Stop(SIGTERM);

  // Speak as store-2 (its real key) but send a component of store-1's cell and origin.
  kura::SyncSpoke forger(DaemonProcess::Context(), chain.store_keys(1), chain.hq_keys().public_z85,
                         chain.sync_endpoint());
  REQUIRE(forger.Connect().ok());
  kura::PnCounter forged;
  forged.components["store-1"] = {999, 1'000'000, 0};
  kura::Batch batch{1, {}, {}, {kura::Component{"s/store-1/TEE", "store-1", 999, kura::Encode(forged)}}, 0};
  std::string bytes = kura::EncodeSyncMessage(batch);
  REQUIRE(Eventually([&] { return forger.connected() && forger.Send(bytes).ok(); }));
  REQUIRE(Eventually([&] { return !chain.hq().Must("hq.exceptions")["exceptions"].empty(); }));
  auto exceptions = chain.hq().Must("hq.exceptions");
  CHECK(exceptions["exceptions"][0]["store"] == "store-2");
  CHECK_THAT(exceptions["exceptions"][0]["message"].get<std::string>(), Catch::Contains("may not write as origin store-1"));
  CHECK(HqOnHand(chain.hq(), "TEE", "store-1") == 10);
}

TEST_CASE("a store whose disk was wiped bootstraps its partition from hq", "[sync][integration]") {
  Chain chain(1);
  chain.StartAll();
  DaemonProcess& store = chain.store(0);
  store.Must("stock.receive", {{"sku", "JEANS"}, {"qty", 50}});
  Sell(store, "JEANS", 3);
  auto hold = store.Must("hold.create", {{"kind", "pickup"}, {"lines", json::array({{{"sku", "JEANS"}, {"qty", 2}}})}});
  REQUIRE(Eventually([&] { return store.Must("sync.status")["pending_components"] == 0; }));

  store.KillAndWipeDisk();
  store.Start();
  REQUIRE(Eventually([&] {
    auto r = store.client().Call("stock.get", {{"sku", "JEANS"}});
    return r.ok() && (*r)["on_hand"] == 47 && (*r)["held"] == 2;
  }));
  CHECK(store.Must("hold.get", {{"id", hold["id"]}})["state"] == "held");
  REQUIRE(Eventually([&] { return store.Must("sync.status")["restoring"] == false; }));  // receipts too
  auto merged = store.Must("sync.status");
  CHECK(merged["merge_commits"].get<uint64_t>() > 0);
  CHECK(merged["batches_merged"].get<uint64_t>() >= merged["merge_commits"].get<uint64_t>());
  CHECK(store.Must("admin.check")["ok"] == true);
  // New work continues after what came back: no hold id is handed out twice.
  auto next = store.Must("hold.create", {{"kind", "phone"}, {"lines", json::array({{{"sku", "JEANS"}, {"qty", 1}}})}});
  CHECK(next["id"] != hold["id"]);
  store.Must("stock.receive", {{"sku", "JEANS"}, {"qty", 1}});
  REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "JEANS", "store-1") == 48; }));
}

TEST_CASE("a store whose disk was wiped takes no writes until hq has given its data back", "[sync][integration]") {
  Chain chain(1);
  chain.StartAll();
  DaemonProcess& store = chain.store(0);
  store.Must("stock.receive", {{"sku", "JEANS"}, {"qty", 50}});
  Sell(store, "JEANS", 3);
  REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "JEANS", "store-1") == 47; }));

  // The disk is replaced while HQ cannot answer: a delivery recorded then would be numbered
  // from the start of the store's lanes and lost under the data HQ sends back.
  store.KillAndWipeDisk();
  REQUIRE(kill(chain.hq().pid(), SIGSTOP) == 0);
  store.Start();
  auto early = store.client().Call("stock.receive", {{"sku", "JEANS"}, {"qty", 5}}, "early-1");
  CHECK(store.Must("sync.status")["restoring"] == true);
  REQUIRE(kill(chain.hq().pid(), SIGCONT) == 0);
  REQUIRE_FALSE(early.ok());
  CHECK(early.status().code() == kura::Status::Code::kBusy);
  CHECK_THAT(early.status().message(), Catch::Contains("waiting for HQ"));

  REQUIRE(Eventually([&] { return store.Must("sync.status")["restoring"] == false; }));
  CHECK(store.Must("stock.get", {{"sku", "JEANS"}})["on_hand"] == 47);
  // The retry, with the same rid, now takes effect: nothing of the refusal was kept.
  auto retried = store.client().Call("stock.receive", {{"sku", "JEANS"}, {"qty", 5}}, "early-1");
  REQUIRE(retried.ok());
  CHECK((*retried)["on_hand"] == 52);
  REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "JEANS", "store-1") == 52; }));
  CHECK(store.Must("stock.get", {{"sku", "JEANS"}})["on_hand"] == 52);
  CHECK(store.Must("admin.check")["ok"] == true);
}

TEST_CASE("a wiped store whose data comes back in many batches takes no write before the last", "[sync][integration]") {
  Chain chain(1);
  chain.StartAll();
  DaemonProcess& store = chain.store(0);
  // Hundreds of receipts take several batches, sent after the stock cells that already
  // let a sale of these SKUs through.
  constexpr int kSkus = 100, kSales = 300;
  kura::test::FillWithReceipts(store, kSales, 10);

  chain.RestartOnNewDiskWhileHqFrozen(0);
  // A till retries one sale, back to back, until the store takes it: it meets every moment
  // of the restore.
  json sale = {{"lines", json::array({{{"sku", "SKU-0"}, {"qty", 1}, {"price_cents", 990}}})}};
  kura::Result<json> sold = kura::Status::Busy("not sent yet");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int refused = 0;
  while (!(sold = store.client().Call("stock.sell", sale, "after-wipe-1")).ok() &&
         std::chrono::steady_clock::now() < deadline) {
    ++refused;
  }
  REQUIRE(sold.ok());
  CHECK(refused > 0);
  // Taken only once every receipt was back: numbered after them, and nothing overwritten.
  CHECK((*sold)["receipt"]["seq"] == kSales + 1);
  CHECK(store.Must("stock.get", {{"sku", "SKU-0"}})["on_hand"] == 10 - 1);
  REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "SKU-0", "store-1") == 10 - 1; }));
  json first = store.Must("journal.list", {{"limit", 1}})["receipts"];
  REQUIRE(first.size() == 1);
  CHECK(first[0]["lines"].size() == kSkus);  // HQ's receipt 1, not one written over it
}

TEST_CASE("receipts hq acknowledged are compacted at the store and nothing else", "[sync][integration]") {
  Chain chain(1);
  chain.StartAll();
  DaemonProcess& store = chain.store(0);
  store.Must("stock.receive", {{"sku", "SOCK"}, {"qty", 20}});
  Sell(store, "SOCK", 5);
  // Once HQ has acknowledged every receipt, a zero retention drops them all at the store.
  REQUIRE(Eventually([&] { return store.Must("sync.status")["pending_components"] == 0; }));
  // Acknowledged but younger than the retention: kept.
  CHECK(store.Must("journal.compact", {{"retention_hours", 1}})["compacted"] == 0);
  CHECK(store.Must("journal.list")["receipts"].size() == 5);
  auto compacted = store.Must("journal.compact", {{"retention_hours", 0}});
  CHECK(compacted["compacted"] == 5);
  CHECK(store.Must("journal.list")["receipts"].empty());
  CHECK(store.Must("stock.get", {{"sku", "SOCK"}})["on_hand"] == 15);
  CHECK(store.Must("admin.check")["ok"] == true);
  // Later sales are numbered on and still reach HQ.
  Sell(store, "SOCK", 2);
  CHECK(store.Must("journal.list")["receipts"].size() == 2);
  REQUIRE(Eventually([&] { return HqOnHand(chain.hq(), "SOCK", "store-1") == 13; }));
}

TEST_CASE("a store without a link to hq compacts nothing", "[sync][integration]") {
  kura::test::TempDir dir;
  DaemonProcess store("alone-01", dir.Sub("data"));
  store.Start();
  store.Must("stock.receive", {{"sku", "SOCK"}, {"qty", 20}});
  Sell(store, "SOCK", 3);
  CHECK(store.Must("journal.compact", {{"retention_hours", 0}})["compacted"] == 0);
  CHECK(store.Must("journal.list")["receipts"].size() == 3);
}
