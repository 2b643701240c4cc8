// A store's admin.check: the derived local state (held units per SKU, the expiry queue,
// pick slips) recomputed from the active holds; a disagreement is listed.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "kura/schema/keys.h"
#include "kura/schema/records.h"
#include "replica_harness.h"
#include "txn.h"

namespace kura::test {
namespace {

using nlohmann::json;

TEST_CASE("store admin.check finds held units, expiry entries and slips that disagree with the active holds",
          "[store][admin]") {
  Replica store("store-001");
  store.Ok("stock.receive", {{"sku", "SKU-1"}, {"qty", 5}});
  json hold = store.Ok("hold.create", {{"kind", "pickup"}, {"lines", {{{"sku", "SKU-1"}, {"qty", 2}}}},
                                       {"expires_in_s", 3600}});
  std::string id = hold["id"];
  json clean = store.Ok("admin.check");
  INFO(clean.dump());
  REQUIRE(clean["ok"] == true);

  auto corrupt = [&](const std::function<void(Txn&)>& change) {
    Txn txn(store.engine->db());
    change(txn);
    REQUIRE(txn.Commit().ok());
  };
  auto problems = [&] {
    json found = store.Ok("admin.check");
    CHECK(found["ok"] == false);
    return found["problems"];
  };
  SECTION("held units that are not the active holds' lines") {
    corrupt([](Txn& txn) { txn.Write(Cf::kLocal, keys::Held("SKU-1"), int64_t{3}); });
    CHECK(problems() == json::array({"held index disagrees with active holds"}));
  }
  SECTION("an active hold missing from the expiry queue") {
    corrupt([&](Txn& txn) { txn.Delete(Cf::kLocal, keys::Expiry(hold["expires_ms"].get<int64_t>(), id)); });
    CHECK(problems() == json::array({"expiry queue disagrees with active holds"}));
  }
  SECTION("a slip of a hold that is not active") {
    std::string stray = keys::Slip("store-001.99");
    corrupt([&](Txn& txn) { txn.Write(Cf::kLocal, stray, Slip{"store-001.99", "HOLD-01", 0, 0}); });
    json found = problems();
    REQUIRE(found.size() == 1);
    CHECK(found[0].get<std::string>().find("slip of an ended hold") != std::string::npos);
  }
}

}  // namespace
}  // namespace kura::test
