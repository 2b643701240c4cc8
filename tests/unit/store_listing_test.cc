// hold.list, stock.list and journal.list page through a store's holds, SKUs and receipts:
// `limit` per page, `after` (`after_seq`) the last one of the page before, and `more`
// when the limit cut the page short.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine_harness.h"
#include "store_calls.h"

namespace kura::test {
namespace {

using nlohmann::json;
using Code = Status::Code;

// Every page of `op` (whose reply lists `field`, keyed by `key`) at `limit` per page.
std::vector<std::string> AllPages(EngineHarness& e, const std::string& op, json args, const char* field,
                                  const char* key, int limit, int* pages) {
  std::vector<std::string> keys;
  args["limit"] = limit;
  *pages = 0;
  for (;;) {
    json page = e.Ok(op, args);
    ++*pages;
    for (const json& item : page[field]) keys.push_back(item[key]);
    CHECK(page[field].size() <= static_cast<std::size_t>(limit));
    if (!page["more"].get<bool>()) return keys;
    REQUIRE(page[field].size() == static_cast<std::size_t>(limit));
    args["after"] = keys.back();
  }
}

TEST_CASE("hold.list pages through every hold once, and says when a page is not the last", "[store][hold]") {
  EngineHarness e;
  e.Receive("SKU-1", 100);
  std::vector<std::string> made;
  for (int i = 0; i < 12; ++i) made.push_back(e.Hold("SKU-1", 1));  // tokyo-01.1 .. .12
  std::sort(made.begin(), made.end());  // byte order: .1, .10, .11, .12, .2, ...
  e.Ok("hold.cancel", {{"id", made[4]}});

  int pages = 0;
  CHECK(AllPages(e, "hold.list", json::object(), "holds", "id", 5, &pages) == made);
  CHECK(pages == 3);
  // A page that ends exactly at the last hold: nothing more.
  CHECK(AllPages(e, "hold.list", json::object(), "holds", "id", 12, &pages) == made);
  CHECK(pages == 1);

  // With a state, `more` and `after` count only the holds in it.
  std::vector<std::string> held = made;
  held.erase(held.begin() + 4);
  CHECK(AllPages(e, "hold.list", {{"state", "held"}}, "holds", "id", 4, &pages) == held);
  CHECK(pages == 3);
  json cancelled = e.Ok("hold.list", {{"state", "cancelled"}, {"limit", 1}});
  CHECK(cancelled["holds"].size() == 1);
  CHECK(cancelled["more"] == false);

  // An id that begins a later one: the page after tokyo-01.1 starts at tokyo-01.10.
  json next = e.Ok("hold.list", {{"after", "tokyo-01.1"}, {"limit", 1}});
  CHECK(next["holds"][0]["id"] == "tokyo-01.10");
  CHECK(next["more"] == true);

  // After the last hold, or past every hold: an empty last page.
  json past = e.Ok("hold.list", {{"after", made.back()}});
  CHECK(past["holds"].empty());
  CHECK(past["more"] == false);
  CHECK(Err(e.Call("hold.list", {{"after", "not a hold id"}})).code() == Code::kInvalidArgument);
}

TEST_CASE("stock.list pages through the SKUs under a prefix, after a SKU before or inside it", "[store]") {
  EngineHarness e;
  for (const char* sku : {"CAP-1", "TEE-1", "TEE-10", "TEE-2", "TEE-3", "TEE-4", "ZIP-1"}) e.Receive(sku, 1);
  int pages = 0;
  CHECK(AllPages(e, "stock.list", {{"prefix", "TEE-"}}, "items", "sku", 1, &pages) ==
        std::vector<std::string>{"TEE-1", "TEE-10", "TEE-2", "TEE-3", "TEE-4"});
  CHECK(pages == 5);
  // An `after` before the prefix starts at the prefix; one after it lists nothing.
  json from_start = e.Ok("stock.list", {{"prefix", "TEE-"}, {"after", "CAP-1"}, {"limit", 1}});
  CHECK(from_start["items"][0]["sku"] == "TEE-1");
  CHECK(from_start["more"] == true);
  json beyond = e.Ok("stock.list", {{"prefix", "TEE-"}, {"after", "ZIP-1"}});
  CHECK(beyond["items"].empty());
  CHECK(beyond["more"] == false);
  // max_atp filters before the limit counts.
  e.Ok("stock.sell", {{"lines", {Line("TEE-4", 1)}}});
  json low = e.Ok("stock.list", {{"max_atp", 0}, {"limit", 1}});
  CHECK(low["items"][0]["sku"] == "TEE-4");
  CHECK(low["more"] == false);
}

TEST_CASE("journal.list says when more receipts follow the page", "[store]") {
  EngineHarness e;
  e.Receive("SKU-1", 10);
  for (int i = 0; i < 5; ++i) e.Ok("stock.sell", {{"lines", {Line("SKU-1", 1)}}});
  json first = e.Ok("journal.list", {{"limit", 2}});
  CHECK(first["receipts"].size() == 2);
  CHECK(first["more"] == true);
  json last = e.Ok("journal.list", {{"limit", 3}, {"after_seq", first["receipts"][1]["seq"]}});
  CHECK(last["receipts"].size() == 3);
  CHECK(last["more"] == false);  // a page that ends at the last receipt
  CHECK(last["receipts"][0]["seq"] == first["receipts"][1]["seq"].get<int64_t>() + 1);
}

}  // namespace
}  // namespace kura::test
