// HQ's admin.check: its stock index (what hq.stock answers from) recomputed from the stock
// and hold cells merged from the stores, and its change index; a disagreement is listed.
#include <catch2/catch.hpp>

#include <string>

#include "hq_index.h"
#include "replica_harness.h"
#include "txn.h"

namespace kura::test {
namespace {

void Sync(Link& link) {
  for (int i = 0; i < 3; ++i) {
    link.Tick();
    link.Flush();
  }
}

void SetIndex(Replica& hq, const std::string& sku, const std::string& store, const HqStockEntry* entry) {
  Txn txn(hq.engine->db());
  if (entry != nullptr) txn.Write(Cf::kLocal, StockBySku(sku, store), *entry);
  else txn.Delete(Cf::kLocal, StockBySku(sku, store));
  REQUIRE(txn.Commit().ok());
}

TEST_CASE("hq admin.check finds its stock index equal to the merged cells, and each entry it changes", "[hq][admin]") {
  Replica store("store-001"), hq("hq");
  Link link(store, hq);
  link.Start();
  link.Flush();
  for (int i = 0; i < 3; ++i) store.Ok("stock.receive", {{"sku", "SKU-" + std::to_string(i)}, {"qty", 5}});
  store.Ok("hold.create", {{"kind", "pickup"}, {"lines", {{{"sku", "SKU-1"}, {"qty", 2}}}}, {"expires_in_s", 3600}});
  // An ended hold counts for nothing.
  std::string cancelled = store.Ok("hold.create", {{"kind", "pickup"}, {"lines", {{{"sku", "SKU-2"}, {"qty", 1}}}},
                                                   {"expires_in_s", 3600}})["id"];
  store.Ok("hold.cancel", {{"id", cancelled}});
  Sync(link);
  REQUIRE(hq.Ok("hq.stock", {{"sku", "SKU-1"}})["total"]["held"] == 2);

  nlohmann::json clean = hq.Ok("admin.check");
  INFO(clean.dump());
  CHECK(clean["ok"] == true);
  CHECK(clean["stock_entries"] == 3);
  CHECK(clean["changes"].get<int64_t>() > 0);

  SECTION("an entry that says other than the cells") {
    HqStockEntry wrong{5, 0};  // the hold's two units left out
    SetIndex(hq, "SKU-1", "store-001", &wrong);
    nlohmann::json found = hq.Ok("admin.check");
    CHECK(found["ok"] == false);
    REQUIRE(found["problems"].size() == 1);
    CHECK(found["problems"][0] == "stock index SKU-1/store-001: on_hand 5, held 0; the cells say 5, 2");
  }
  SECTION("an entry missing") {
    SetIndex(hq, "SKU-2", "store-001", nullptr);
    nlohmann::json found = hq.Ok("admin.check");
    CHECK(found["ok"] == false);
    REQUIRE(found["problems"].size() == 1);
    CHECK(found["problems"][0] == "stock index SKU-2/store-001: on_hand 0, held 0; the cells say 5, 0");
  }
  SECTION("an entry for cells that are not there") {
    HqStockEntry stray{1, 0};
    SetIndex(hq, "SKU-9", "store-001", &stray);
    nlohmann::json found = hq.Ok("admin.check");
    CHECK(found["ok"] == false);
    CHECK(found["stock_entries"] == 4);
  }
  SECTION("an empty entry with no cells, as an ended hold can leave, is right") {
    HqStockEntry empty{0, 0};
    SetIndex(hq, "SKU-9", "store-001", &empty);
    CHECK(hq.Ok("admin.check")["ok"] == true);
  }
  SECTION("many wrong entries: the first twenty listed, the rest counted") {
    HqStockEntry stray{1, 0};
    for (int i = 0; i < 25; ++i) SetIndex(hq, "SKU-X" + std::to_string(i), "store-001", &stray);
    nlohmann::json found = hq.Ok("admin.check");
    REQUIRE(found["problems"].size() == 21);
    CHECK(found["problems"][20] == "5 more stock index entries disagree with the cells");
  }
}

}  // namespace
}  // namespace kura::test
