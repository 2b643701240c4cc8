// Online orders routed by HQ (schema/PROTOCOL.md 2.4), between real kura-hq and kura-store
// processes over CURVE: a connected store decides an order itself and signs its ticket;
// when it is short, HQ's allotment for it serves the order; when it does not answer in
// time, HQ serves the order and cancels the hold the store made late, even when the
// store's answer never reaches it; while a store gets its data back from HQ after its disk
// was replaced, HQ serves its orders without asking it.
#include <signal.h>

#include <chrono>

#include <catch2/catch.hpp>

#include "chain.h"
#include "kuractl_run.h"

using kura::test::Chain;
using kura::test::DaemonProcess;
using kura::test::Eventually;
using kura::test::Kuractl;
using nlohmann::json;

namespace {

constexpr char kSku[] = "TEE-M";

json Order(int qty) {
  return json{{"store", "store-1"}, {"kind", "pickup"}, {"customer", "c-1"},
              {"lines", json::array({{{"sku", kSku}, {"qty", qty}}})}};
}

// store-1's row in HQ's availability of kSku, or null.
json OfferAtHq(DaemonProcess& hq) {
  auto r = hq.client().Call("hq.availability", {{"sku", kSku}});
  if (!r.ok()) return nullptr;
  for (const json& s : (*r)["stores"]) {
    if (s["store"] == "store-1") return s;
  }
  return nullptr;
}

// store-1 open for pickups with 10 units, HQ allotted min(2, atp) of them; returns once
// HQ holds the allotment and sees the store's link up.
void SetUpStore(Chain& chain) {
  chain.hq().Must("hq.directory.set", {{"store", "store-1"}, {"name", "Shibuya"}, {"lat", 35.66},
                                       {"lon", 139.70}, {"pickup_enabled", true}});
  chain.hq().Must("hq.policy.set", {{"share_pct", 100}, {"cap", 2}});
  chain.store(0).Must("store.status.set", {{"status", "open"}});
  chain.store(0).Must("stock.receive", {{"sku", kSku}, {"qty", 10}});
  REQUIRE(Eventually([&] {
    json o = OfferAtHq(chain.hq());
    return o.is_object() && o["reachable"] == true && o["can_hand_over"] == true && o["hq_allotment"] == 2;
  }));
}

int HoldsAtStore(DaemonProcess& store) { return static_cast<int>(store.Must("hold.list")["holds"].size()); }

// Places an order while store-1 is frozen: it still counts as reachable for 10 s, so HQ
// routes the order to it, times out and serves it itself. Leaves the store frozen; returns
// HQ's order id.
std::string OrderWhileStoreFrozen(Chain& chain) {
  REQUIRE(kill(chain.store(0).pid(), SIGSTOP) == 0);
  auto placed = chain.hq().client().Call("hq.order.place", Order(1));
  REQUIRE(placed.ok());
  CHECK((*placed)["decided_by"] == "hq");
  return (*placed)["id"];
}

// Whether the store holds `hq_order` and nothing else, and cancelled one hold it issued.
bool OnlyHqOrderHeld(DaemonProcess& store, const std::string& hq_order) {
  int cancelled_by_store = 0, active_ours = 0, active_others = 0;
  json holds = store.Must("hold.list")["holds"];  // kept: a loop over a temporary's member dangles
  for (const json& h : holds) {
    if (h["state"] == "cancelled" && h["issuer"] == "store-1") ++cancelled_by_store;
    if (h["state"] == "held") ++(h["id"] == hq_order ? active_ours : active_others);
  }
  return cancelled_by_store == 1 && active_ours == 1 && active_others == 0;
}

// store-1's row in hq.sync_status.
json LinkAtHq(DaemonProcess& hq) {
  json stores = hq.Must("hq.sync_status")["stores"];
  for (const json& s : stores) {
    if (s["store"] == "store-1") return s;
  }
  return nullptr;
}

// Asks HQ back to back until it says store-1 is being restored; false if it never did
// within 30 s.
bool CaughtRestoring(DaemonProcess& hq) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (LinkAtHq(hq).value("restoring", false)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("an order for a connected store is decided by the store, and by HQ's allotment when it is short",
          "[orders][sync][integration]") {
  Chain chain(1);
  chain.StartAll();
  SetUpStore(chain);

  auto placed = chain.hq().client().Call("hq.order.place", Order(8), "order-1");
  REQUIRE(placed.ok());
  CHECK((*placed)["decided_by"] == "store");
  CHECK((*placed)["issuer"] == "store-1");
  std::string id = (*placed)["id"];
  CHECK(id.rfind("store-1.", 0) == 0);
  // The store holds it already (it decided), its slip is queued, and its ticket is good there.
  CHECK(chain.store(0).Must("hold.get", {{"id", id}})["state"] == "held");
  CHECK(chain.store(0).Must("stock.get", {{"sku", kSku}})["held"] == 8);
  json verdict = chain.store(0).Must("ticket.verify", {{"code", (*placed)["ticket"]}});
  CHECK(verdict["valid"] == true);

  SECTION("a retry with the same rid is answered the same and promises nothing more") {
    auto again = chain.hq().client().Call("hq.order.place", Order(8), "order-1");
    REQUIRE(again.ok());
    CHECK((*again)["id"] == id);
    CHECK(HoldsAtStore(chain.store(0)) == 1);
    CHECK(chain.store(0).Must("stock.get", {{"sku", kSku}})["held"] == 8);
  }

  SECTION("status shows the order before and after its hold reaches HQ") {
    CHECK(chain.hq().Must("hq.order.status", {{"id", id}})["state"] == "held");
    chain.store(0).Must("hold.confirm", {{"id", id}});
    REQUIRE(Eventually([&] { return chain.hq().Must("hq.order.status", {{"id", id}})["state"] == "confirmed"; }));
  }

  SECTION("when the store is short, HQ's allotment for it serves the order") {
    // The store has 10 - 8 held - 2 allotted = 0 to promise; HQ still has its 2.
    auto second = chain.hq().client().Call("hq.order.place", Order(2));
    REQUIRE(second.ok());
    CHECK((*second)["decided_by"] == "hq");
    CHECK((*second)["issuer"] == "hq");
    auto third = chain.hq().client().Call("hq.order.place", Order(1));
    REQUIRE_FALSE(third.ok());
    CHECK(third.status().code() == kura::Status::Code::kInsufficientStock);
    // The store learns of HQ's hold on sync: on hand 10, every unit held.
    REQUIRE(Eventually([&] { return chain.store(0).Must("stock.get", {{"sku", kSku}})["held"] == 10; }));
  }
}

TEST_CASE("an order the store does not answer in time is served by HQ, and the late hold is cancelled",
          "[orders][sync][integration]") {
  Chain chain(1);
  chain.StartAll();
  SetUpStore(chain);

  std::string id = OrderWhileStoreFrozen(chain);
  REQUIRE(kill(chain.store(0).pid(), SIGCONT) == 0);

  // The thawed store executes the call it had queued, answers late, and HQ cancels that
  // hold; what remains at the store is HQ's order alone.
  REQUIRE(Eventually([&] { return OnlyHqOrderHeld(chain.store(0), id); }));
  CHECK(chain.store(0).Must("stock.get", {{"sku", kSku}})["held"] == 1);
}

TEST_CASE("a hold whose answer HQ never received is cancelled by HQ after it restarts",
          "[orders][sync][integration]") {
  Chain chain(1);
  chain.StartAll();
  SetUpStore(chain);

  std::string id = OrderWhileStoreFrozen(chain);

  // HQ settled the call without the store's hold when it timed out (durably, with its own
  // order). It freezes before the store, thawed, makes the hold and answers, and dies with
  // the answer unread: only the hold's sync can tell the new HQ about it.
  REQUIRE(kill(chain.hq().pid(), SIGSTOP) == 0);
  REQUIRE(kill(chain.store(0).pid(), SIGCONT) == 0);
  REQUIRE(Eventually([&] {
    json holds = chain.store(0).Must("hold.list")["holds"];
    for (const json& h : holds) {
      if (h["issuer"] == "store-1" && h["state"] == "held") return true;
    }
    return false;
  }));
  chain.hq().Stop(SIGKILL);
  chain.hq().Start();

  REQUIRE(Eventually([&] { return OnlyHqOrderHeld(chain.store(0), id); }));
  CHECK(chain.store(0).Must("stock.get", {{"sku", kSku}})["held"] == 1);
  CHECK(chain.hq().Must("hq.order.status", {{"id", id}})["state"] == "held");
}

TEST_CASE("hq.order.ticket gives again the ticket of an order HQ decided, and only of such an order",
          "[orders][ticket][integration]") {
  Chain chain(1);
  chain.StartAll();
  SetUpStore(chain);
  auto by_store = chain.hq().client().Call("hq.order.place", Order(1));
  REQUIRE(by_store.ok());
  REQUIRE((*by_store)["decided_by"] == "store");
  // not_found until the store's hold reaches HQ; then refused, as the store signs its own.
  int tries = 0;
  kura::Status::Code code = kura::Status::Code::kNotFound;
  REQUIRE(Eventually([&] {
    auto r = chain.hq().client().Call("hq.order.ticket", {{"id", (*by_store)["id"]}}, "t-" + std::to_string(++tries));
    code = r.status().code();
    return code != kura::Status::Code::kNotFound;
  }));
  CHECK(code == kura::Status::Code::kInvalidArgument);

  REQUIRE(kill(chain.store(0).pid(), SIGSTOP) == 0);
  auto by_hq = chain.hq().client().Call("hq.order.place", Order(1));
  REQUIRE(kill(chain.store(0).pid(), SIGCONT) == 0);
  REQUIRE(by_hq.ok());
  REQUIRE((*by_hq)["decided_by"] == "hq");
  json again = chain.hq().Must("hq.order.ticket", {{"id", (*by_hq)["id"]}});
  CHECK(again["code"] == (*by_hq)["ticket"]);  // the same code: Ed25519 signs deterministically
  CHECK(again["hold"]["id"] == (*by_hq)["id"]);
  chain.hq().Must("hq.order.cancel", {{"id", (*by_hq)["id"]}});
  auto ended = chain.hq().client().Call("hq.order.ticket", {{"id", (*by_hq)["id"]}}, "rid-ticket-2");
  CHECK(ended.status().code() == kura::Status::Code::kConflict);
}

TEST_CASE("an order for a store getting its data back from HQ is served by HQ's allotment without asking it",
          "[orders][sync][integration]") {
  // HQ would wait 30 s for a routed order's answer: one sent to the frozen store below
  // would outlast the client's 10 s, where one HQ decides itself is answered at once.
  Chain chain(1, {}, {"--route-timeout-ms", "30000"});
  chain.StartAll();
  SetUpStore(chain);
  DaemonProcess& store = chain.store(0);
  kura::test::FillWithReceipts(store, 300, 0);  // a restore of several windows of batches

  // The disk is replaced; caught mid-restore, the store is frozen there. It refuses
  // every write until the restore ends, so an order routed to it could only be refused.
  chain.RestartOnNewDiskWhileHqFrozen(0);
  REQUIRE(CaughtRestoring(chain.hq()));
  REQUIRE(kill(store.pid(), SIGSTOP) == 0);
  json link = LinkAtHq(chain.hq());
  REQUIRE(link["restoring"] == true);
  REQUIRE(link["connected"] == true);  // heard within 10 s: reachable, so routable but for the restore
  auto shown = Kuractl(chain.dir(), chain.hq().endpoint(), "hq sync-status", /*json_output=*/false);
  REQUIRE(shown.exit_code == 0);
  CHECK_THAT(shown.out, Catch::Contains("yes, restoring"));

  auto during = chain.hq().client().Call("hq.order.place", Order(1), "during-restore");
  REQUIRE(kill(store.pid(), SIGCONT) == 0);
  REQUIRE(during.ok());
  CHECK((*during)["decided_by"] == "hq");

  // Once the store has its data back, HQ's order reaches it and orders go to it again.
  REQUIRE(Eventually([&] { return LinkAtHq(chain.hq())["restoring"] == false; }));
  REQUIRE(Eventually([&] { return store.Must("sync.status")["restoring"] == false; }));
  REQUIRE(Eventually([&] { return store.Must("stock.get", {{"sku", kSku}})["held"] == 1; }));
  auto after = chain.hq().client().Call("hq.order.place", Order(1), "after-restore");
  REQUIRE(after.ok());
  CHECK((*after)["decided_by"] == "store");
  CHECK(store.Must("stock.get", {{"sku", kSku}})["held"] == 2);
}
