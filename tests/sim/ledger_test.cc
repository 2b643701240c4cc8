// kura-sim's ledger: what it allows for when it checks held <= on-hand + overrides.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "ledger.h"

namespace kura::sim {
namespace {

using nlohmann::json;

// A one-line sale of `qty` units of SKU-1 and the store's view after it: 4 held, so the
// sale took max(0, 4 - on_hand_after) of the promised units, at most qty.
void Sell(Ledger& ledger, int64_t qty, int64_t on_hand_after, bool override_asked) {
  json args = {{"lines", json::array({{{"sku", "SKU-1"}, {"qty", qty}}})}};
  if (override_asked) args["override"] = 1;
  json view = {{"sku", "SKU-1"}, {"on_hand", on_hand_after}, {"held", 4}, {"promised_online", 0},
                {"atp", on_hand_after - 4}};
  ledger.Apply(0, "stock.sell", args, {{"stock", json::array({view})}});
}

TEST_CASE("only a sale staff confirmed with an override may take promised units", "[sim]") {
  Ledger ledger(1);
  ledger.Apply(0, "stock.receive", {{"sku", "SKU-1"}, {"qty", 6}}, json::object());
  Sell(ledger, 1, 5, /*override_asked=*/false);  // 5 on hand still cover the 4 held
  CHECK(ledger.Overrides(0, "SKU-1") == 0);
  Sell(ledger, 2, 3, /*override_asked=*/false);  // a store that let it through unasked
  CHECK(ledger.Overrides(0, "SKU-1") == 0);     // allows for nothing: the check sees it
  Sell(ledger, 2, 1, /*override_asked=*/true);   // 3 on hand, 4 held: both units promised
  CHECK(ledger.Overrides(0, "SKU-1") == 2);
  CHECK(ledger.OnHand(0, "SKU-1") == 1);
}

}  // namespace
}  // namespace kura::sim
