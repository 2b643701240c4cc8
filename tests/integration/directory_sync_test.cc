// The store directory between real kura-hq and kura-store processes over CURVE: a record
// HQ sets reaches every store, a status a store sets reaches HQ and the other stores.
#include <catch2/catch.hpp>

#include "chain.h"

using kura::test::Chain;
using kura::test::DaemonProcess;
using kura::test::Eventually;
using nlohmann::json;

namespace {

// `store`'s entry in `daemon`'s directory.list, or null.
json EntryOf(DaemonProcess& daemon, const std::string& store) {
  auto r = daemon.client().Call("directory.list", json::object());
  if (!r.ok()) return nullptr;
  for (const json& e : (*r)["stores"]) {
    if (e["store"] == store) return e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a directory record set at hq and a status set at a store reach every replica",
          "[directory][sync][integration]") {
  Chain chain(2);
  chain.StartAll();
  chain.hq().Must("hq.directory.set", {{"store", "store-1"}, {"name", "Shibuya"}, {"lat", 35.6595},
                                       {"lon", 139.7005}, {"hours", "Mo-Su 10:00-21:00"},
                                       {"pickup_enabled", true}});
  for (int i = 0; i < 2; ++i) {
    INFO("store " << i);
    REQUIRE(Eventually([&] {
      json e = EntryOf(chain.store(i), "store-1");
      return e.is_object() && e.value("name", "") == "Shibuya";
    }));
  }
  CHECK(EntryOf(chain.store(1), "store-1")["can_hand_over"] == false);  // no status yet

  chain.store(0).Must("store.status.set", {{"status", "open"}, {"note", "all tills up"}});
  for (DaemonProcess* d : {&chain.hq(), &chain.store(1)}) {
    REQUIRE(Eventually([&] {
      json e = EntryOf(*d, "store-1");
      return e.is_object() && e["status"] == "open" && e["can_hand_over"] == true;
    }));
  }
  json at_hq = EntryOf(chain.hq(), "store-1");
  CHECK(at_hq["note"] == "all tills up");
  CHECK(at_hq["status_by"] == "store-1");
  CHECK(at_hq == EntryOf(chain.store(1), "store-1"));
}
