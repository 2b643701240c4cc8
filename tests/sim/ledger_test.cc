// kura-sim's ledger: what it allows for when it checks held <= on-hand + overrides, and the
// receipts it expects a store's journal to hold.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "ledger.h"
#include "ticket_code.h"

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

TEST_CASE("a sale without override that left fewer on hand than promised is flagged as it is made", "[sim]") {
  auto sale = [](bool override_asked) {
    json args = {{"lines", json::array({{{"sku", "SKU-1"}, {"qty", 1}}})}};
    if (override_asked) args["override"] = 1;
    return args;
  };
  auto after = [](int64_t on_hand, int64_t held, int64_t online) {
    return json{{"stock", json::array({{{"sku", "SKU-1"}, {"on_hand", on_hand}, {"held", held},
                                        {"promised_online", online}, {"atp", on_hand - held - online}}})}};
  };
  CHECK(ReplyUnlikeAsked("stock.sell", sale(false), after(2, 2, 0)).empty());  // on hand still covers them
  CHECK(ReplyUnlikeAsked("stock.sell", sale(false), after(-1, 0, 0)).empty());  // nothing promised
  CHECK(ReplyUnlikeAsked("stock.sell", sale(false), after(1, 1, 1)) ==
        "stock.sell without override left SKU-1 with 1 on hand for 2 promised");
  CHECK(ReplyUnlikeAsked("stock.sell", sale(false), after(1, 0, 2)) != "");  // HQ's allotment too
  CHECK(ReplyUnlikeAsked("stock.sell", sale(true), after(1, 1, 1)).empty());  // staff confirmed it
}

TEST_CASE("a hold a reply shows was made while its request was out, by the maker's clock", "[sim]") {
  json hold = {{"id", "store-0.1"}, {"created_ms", 5'000}, {"expires_ms", 5'000 + 3'600'000}};
  CHECK(HoldMadeOutside(hold, 5'000, 5'000).empty());
  CHECK(HoldMadeOutside(hold, 4'000, 6'000).empty());
  // Stamped before its request was sent, or after it was answered: it would expire early,
  // or late, against when the customer asked, though it lasts as long as asked.
  CHECK(HoldMadeOutside(hold, 5'001, 6'000) ==
        "hold store-0.1 created_ms 5000, outside its request's time by the clock that made it (5001 to 6000)");
  CHECK_FALSE(HoldMadeOutside(hold, 4'000, 4'999).empty());
  // A hold without the field reads as made at 0: never within a real request's time.
  CHECK_FALSE(HoldMadeOutside(json{{"id", "store-0.2"}}, 4'000, 6'000).empty());
}

TEST_CASE("a hold a reply shows lasts as its request asked, else its kind's documented default", "[sim]") {
  json args = {{"kind", "phone"}, {"lines", json::array({{{"sku", "SKU-1"}, {"qty", 1}}})}};
  auto made = [&args](int64_t lasting_ms) {
    return json{{"id", "store-0.1"}, {"kind", args["kind"]}, {"lines", json::array({{{"sku", "SKU-1"}, {"qty", 1}}})},
                {"created_ms", 5'000}, {"expires_ms", 5'000 + lasting_ms}};
  };
  CHECK(ReplyUnlikeAsked("hold.create", args, made(24 * 3'600'000)).empty());
  CHECK(ReplyUnlikeAsked("hold.create", args, made(12 * 3'600'000)) ==
        "hold.create asked for a hold of 86400 s and made hold store-0.1 expiring 43200000 ms after it was made");
  args["kind"] = "tryon";
  CHECK(ReplyUnlikeAsked("hq.order.place", args, made(2 * 3'600'000)).empty());
  args["kind"] = "pickup";
  CHECK(ReplyUnlikeAsked("hq.order.place", args, made(72 * 3'600'000)).empty());
  CHECK_FALSE(ReplyUnlikeAsked("hq.order.place", args, made(2 * 3'600'000)).empty());
  args["expires_in_s"] = 30;
  CHECK(ReplyUnlikeAsked("hold.create", args, made(30'000)).empty());
  CHECK_FALSE(ReplyUnlikeAsked("hold.create", args, made(72 * 3'600'000)).empty());
  // Of the kind and for the customer asked.
  json other = made(30'000);
  other["kind"] = "tryon";
  CHECK(ReplyUnlikeAsked("hold.create", args, other) ==
        "hold.create asked for kind \"pickup\" and made hold store-0.1 with \"tryon\"");
  args["customer"] = "c-1";
  CHECK_FALSE(ReplyUnlikeAsked("hold.create", args, made(30'000)).empty());
  other = made(30'000);
  other["customer"] = "c-1";
  CHECK(ReplyUnlikeAsked("hold.create", args, other).empty());
}

TEST_CASE("a hold expired early is one whose expired stamp comes before its expiry", "[sim]") {
  CHECK(ExpiredEarly(HoldState::kExpired, 999, 1'000));
  CHECK_FALSE(ExpiredEarly(HoldState::kExpired, 1'000, 1'000));
  CHECK_FALSE(ExpiredEarly(HoldState::kExpired, 61'000, 1'000));  // the minute job came late
  CHECK_FALSE(ExpiredEarly(HoldState::kCancelled, 999, 1'000));   // ended by someone, any time
  CHECK_FALSE(ExpiredEarly(HoldState::kCollected, 999, 1'000));
}

TEST_CASE("only promised units can be oversold", "[sim]") {
  CHECK_FALSE(Oversold(2, 2, 0));
  CHECK(Oversold(3, 2, 0));
  CHECK_FALSE(Oversold(3, 2, 1));   // one unit an override sale took
  CHECK_FALSE(Oversold(0, -1, 0));  // sold past the shelf with nothing promised
  CHECK(Oversold(1, -1, 0));        // a unit promised with none on hand
  CHECK(Oversold(1, -1, 1));
  CHECK_FALSE(Oversold(1, -1, 2));  // an override sale of 2 took both units, 1 of them held
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


// A sale, a return and a hold's collection, acknowledged at store 0.
void AckThreeReceipts(Ledger& ledger) {
  ledger.Apply(0, "stock.receive", {{"sku", "SKU-1"}, {"qty", 6}}, json::object());
  json view = {{"sku", "SKU-1"}, {"on_hand", 4}, {"held", 0}, {"promised_online", 0}, {"atp", 4}};
  json sale = {{"lines", json::array({{{"sku", "SKU-1"}, {"qty", 2}, {"price_cents", 1990}}})},
               {"customer", "c-7"}};
  ledger.Apply(0, "stock.sell", sale, {{"stock", json::array({view})}});
  ledger.Apply(0, "stock.return", {{"sku", "SKU-1"}, {"qty", 1}, {"price_cents", 1990}}, {{"stock", view}});
  json hold = {{"id", "store-0.1"}, {"state", "held"}, {"lines", json::array({{{"sku", "SKU-1"}, {"qty", 1}}})}};
  ledger.Apply(0, "hold.create", {{"lines", hold["lines"]}}, hold);
  hold["state"] = "collected";
  ledger.Apply(0, "hold.collect", {{"id", "store-0.1"}}, hold);
}

Receipt Journaled(ReceiptKind kind, std::string sku, int64_t qty, int64_t price, std::string customer,
                  std::string hold_id) {
  Receipt receipt;
  receipt.origin = "store-0";
  receipt.seq = 9;  // the store's numbering and time are not the ledger's to know
  receipt.at_ms = 123;
  receipt.kind = kind;
  receipt.lines.push_back({std::move(sku), qty, price});
  receipt.customer = std::move(customer);
  receipt.hold_id = std::move(hold_id);
  return receipt;
}

TEST_CASE("a journal tallies as acknowledged only with the receipts' kinds, lines, customers and holds", "[sim]") {
  Ledger ledger(1);
  AckThreeReceipts(ledger);
  CHECK(ledger.OnHand(0, "SKU-1") == 4);
  auto tally = [](const std::vector<Receipt>& receipts) {
    JournalTally out;
    for (const Receipt& receipt : receipts) out.Add(receipt);
    return out;
  };
  Receipt sale = Journaled(ReceiptKind::kSale, "SKU-1", 2, 1990, "c-7", "");
  Receipt refund = Journaled(ReceiptKind::kReturn, "SKU-1", -1, 1990, "", "");
  // A collection's customer is the hold's, which the ledger does not keep.
  Receipt collection = Journaled(ReceiptKind::kCollection, "SKU-1", 1, 0, "c-9", "store-0.1");
  // In any order: the journal's is the store's.
  CHECK(tally({collection, sale, refund}) == ledger.Journal(0));
  CHECK(ledger.Journal(0).receipts == 3);

  CHECK(tally({sale, refund}) != ledger.Journal(0));
  CHECK(tally({sale, refund, collection, sale}) != ledger.Journal(0));
  Receipt other = sale;
  other.lines[0].price_cents = 990;
  CHECK(tally({other, refund, collection}) != ledger.Journal(0));
  other = sale;
  other.customer = "c-8";
  CHECK(tally({other, refund, collection}) != ledger.Journal(0));
  other = refund;
  other.lines[0].qty = 1;
  CHECK(tally({sale, other, collection}) != ledger.Journal(0));
  other = collection;
  other.hold_id = "store-0.2";
  CHECK(tally({sale, refund, other}) != ledger.Journal(0));
  other = collection;
  other.kind = ReceiptKind::kSale;
  CHECK(tally({sale, refund, other}) != ledger.Journal(0));
}

TEST_CASE("a sale's receipt tallies with the override flag exactly when its reply shows promised units taken", "[sim]") {
  Ledger ledger(1);
  ledger.Apply(0, "stock.receive", {{"sku", "SKU-1"}, {"qty", 6}}, json::object());
  Sell(ledger, 1, 5, /*override_asked=*/true);  // asked, but 5 on hand still cover the 4 held
  Sell(ledger, 2, 3, /*override_asked=*/true);  // took one promised unit
  Receipt unflagged = Journaled(ReceiptKind::kSale, "SKU-1", 1, 0, "", "");
  Receipt flagged = Journaled(ReceiptKind::kSale, "SKU-1", 2, 0, "", "");
  flagged.override_promised = true;
  auto tally = [](const std::vector<Receipt>& receipts) {
    JournalTally out;
    for (const Receipt& receipt : receipts) out.Add(receipt);
    return out;
  };
  CHECK(tally({unflagged, flagged}) == ledger.Journal(0));
  Receipt dropped = flagged;
  dropped.override_promised = false;
  CHECK(tally({unflagged, dropped}) != ledger.Journal(0));
  Receipt extra = unflagged;
  extra.override_promised = true;
  CHECK(tally({extra, flagged}) != ledger.Journal(0));
}

TEST_CASE("a collection takes the hold's lines as acknowledged when it was made, not as the collect reply shows", "[sim]") {
  Ledger ledger(1);
  ledger.Apply(0, "stock.receive", {{"sku", "SKU-1"}, {"qty", 6}}, json::object());
  json hold = {{"id", "store-0.1"}, {"state", "held"}, {"lines", json::array({{{"sku", "SKU-1"}, {"qty", 2}}})}};
  ledger.Apply(0, "hold.create", {{"lines", hold["lines"]}}, hold);
  json shown = hold;  // a store whose reply dropped a unit
  shown["state"] = "collected";
  shown["lines"][0]["qty"] = 1;
  ledger.Apply(0, "hold.collect", {{"id", "store-0.1"}}, shown);
  CHECK(ledger.OnHand(0, "SKU-1") == 4);
  JournalTally expected;
  expected.Add(Journaled(ReceiptKind::kCollection, "SKU-1", 2, 0, "", "store-0.1"));
  CHECK(ledger.Journal(0) == expected);
}

TEST_CASE("the hold a request moves is its id, or the one its ticket names", "[sim]") {
  CHECK(HoldAsked("hold.collect", {{"id", "store-1.4"}}) == "store-1.4");
  CHECK(HoldAsked("ticket.redeem", {{"code", TicketCodeFor("hq.3", "store-1")}}) == "hq.3");
  CHECK(HoldAsked("ticket.redeem", {{"code", "KT1.NOTACODE"}}).empty());
  CHECK(HoldAsked("stock.sell", {{"id", "store-1.4"}}).empty());
}

TEST_CASE("a redeemed ticket collects its hold as acknowledged, and the customer keeps no ticket after", "[sim]") {
  Ledger ledger(2);
  const std::string code = TicketCodeFor("hq.3", "store-1");
  ledger.Apply(1, "stock.receive", {{"sku", "SKU-1"}, {"qty", 6}}, json::object());
  // HQ made the hold for store 1 while it could not reach it.
  json hold = {{"id", "hq.3"}, {"state", "held"}, {"lines", json::array({{{"sku", "SKU-1"}, {"qty", 2}}})},
               {"ticket", code}};
  ledger.Apply(1, "hq.order.place", {{"lines", hold["lines"]}}, hold);
  CHECK(ledger.TicketOf("hq.3") == code);
  // The store had not had the hold yet: it made it from the ticket, whose lines it shows.
  json made = {{"id", "hq.3"}, {"state", "collected"}, {"lines", json::array({{{"sku", "SKU-1"}, {"qty", 1}}})}};
  std::string why = ledger.Apply(1, "ticket.redeem", {{"code", code}},
                                 {{"hold", made}, {"ticket", json::object()}, {"hold_arrived", false}});
  CHECK(why.empty());
  CHECK(ledger.OnHand(1, "SKU-1") == 4);  // the lines acknowledged, not those the reply shows
  JournalTally expected;
  expected.Add(Journaled(ReceiptKind::kCollection, "SKU-1", 2, 0, "", "hq.3"));
  CHECK(ledger.Journal(1) == expected);
  CHECK(ledger.Active(1).empty());
  CHECK(ledger.TicketOf("hq.3").empty());
}

}  // namespace
}  // namespace kura::sim
