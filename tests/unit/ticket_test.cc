// Signed pickup tickets at a store (node/tickets.h): issuing, verifying offline against the
// key directory, redeeming once; forgery, tampering, replay, wrong store, expiry and an
// unknown issuer are refused with their reason.
#include <sodium.h>

#include <catch2/catch.hpp>

#include "engine.h"
#include "engine_harness.h"
#include "kura/schema/keys.h"
#include "kura/schema/ticket.h"
#include "kura/sync/lww_register.h"
#include "txn.h"

using kura::test::EngineHarness;
using namespace kura;
using nlohmann::json;

namespace {

std::string Sign(const std::string& payload, const std::string& secret) {
  std::string signature(kTicketSignatureBytes, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
                       reinterpret_cast<const unsigned char*>(secret.data()));
  return signature;
}

// The store's own signing secret, as kept in cf meta.
std::string SecretOf(EngineHarness& h) {
  auto* engine = dynamic_cast<Engine*>(h.store.get());
  REQUIRE(engine != nullptr);
  Txn txn(engine->db());
  std::string secret;
  REQUIRE(txn.Get(Cf::kMeta, keys::kMetaSigningKey, &secret).ok());
  REQUIRE(secret.size() == 64);
  return secret;
}

std::string FreshSecret() {
  REQUIRE(sodium_init() >= 0);
  std::string pk(32, '\0'), sk(64, '\0');
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk.data()), reinterpret_cast<unsigned char*>(sk.data()));
  return sk;
}

// Publishes `secret`'s public key as `origin`'s in the harness store's key directory, as
// sync would have brought it.
void PublishKeyOf(EngineHarness& h, const std::string& origin, const std::string& secret) {
  auto* engine = dynamic_cast<Engine*>(h.store.get());
  REQUIRE(engine != nullptr);
  RegisterCell cell;
  cell.writes[origin] = LwwRegister{secret.substr(32), 1, origin, 1};
  Txn txn(engine->db());
  txn.Put(Cf::kCells, keys::KeyDirectory(origin), Encode(cell));
  REQUIRE(txn.Commit().ok());
}

// A one-line TEE pickup ticket's payload, expiring an hour after the harness's start.
TicketPayload PayloadFor(const std::string& hold, const std::string& store,
                         const std::string& issuer, int64_t qty = 1) {
  TicketPayload t;
  t.hold = hold;
  t.store = store;
  t.kind = HoldKind::kPickup;
  t.lines = {{"TEE", qty}};
  t.expires_ms = EngineHarness::kStartMs + 3'600'000;
  t.issuer = issuer;
  return t;
}

TicketPayload PayloadOf(const std::string& code) {
  auto bytes = ParseTicketCode(code);
  REQUIRE(bytes.ok());
  auto payload = DecodeTicketPayload(bytes->payload);
  REQUIRE(payload.ok());
  return *payload;
}

std::string Reason(EngineHarness& h, const std::string& code) {
  json verdict = h.Ok("ticket.verify", {{"code", code}});
  CHECK(verdict["valid"] == (verdict["reason"] == "ok"));
  return verdict["reason"].get<std::string>();
}

// A pickup hold of `qty` TEE units (stocked with 10) and its ticket from hold.create.
std::pair<std::string, std::string> HoldWithTicket(EngineHarness& h, int64_t qty = 2, int64_t expires_in_s = 3600) {
  h.Receive("TEE", 10);
  json hold = h.Ok("hold.create", {{"kind", "pickup"},
                                   {"lines", {{{"sku", "TEE"}, {"qty", qty}}}},
                                   {"expires_in_s", expires_in_s}});
  REQUIRE(hold.contains("ticket"));
  return {hold["id"].get<std::string>(), hold["ticket"].get<std::string>()};
}

}  // namespace

TEST_CASE("hold.create returns a signed ticket that verifies at its store", "[ticket]") {
  EngineHarness h;
  auto [id, code] = HoldWithTicket(h);
  json verdict = h.Ok("ticket.verify", {{"code", code}});
  CHECK(verdict["valid"] == true);
  CHECK(verdict["reason"] == "ok");
  CHECK(verdict["ticket"]["hold"] == id);
  CHECK(verdict["ticket"]["store"] == "tokyo-01");
  CHECK(verdict["ticket"]["issuer"] == "tokyo-01");
  CHECK(verdict["ticket"]["kind"] == "pickup");
  CHECK(verdict["ticket"]["lines"] == json::array({{{"sku", "TEE"}, {"qty", 2}}}));
  CHECK(verdict["hold"]["state"] == "held");

  SECTION("hold.ticket signs the same ticket again") {
    json again = h.Ok("hold.ticket", {{"id", id}});
    CHECK(again["code"] == code);
    CHECK(again["hold"]["id"] == id);
  }
  SECTION("the key directory holds the store's public key") {
    std::string secret = SecretOf(h);
    auto* engine = dynamic_cast<Engine*>(h.store.get());
    Txn txn(engine->db());
    auto cell = txn.Read<RegisterCell>(Cf::kCells, keys::KeyDirectory("tokyo-01"));
    REQUIRE(cell.ok());
    REQUIRE(cell->has_value());
    REQUIRE((*cell)->Winner() != nullptr);
    CHECK((*cell)->Winner()->value == secret.substr(32));
  }
  SECTION("a ticket is not issued for an ended hold") {
    h.Ok("hold.cancel", {{"id", id}});
    auto refused = h.Call("hold.ticket", {{"id", id}});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Status::Code::kConflict);
    CHECK(Reason(h, code) == "hold_ended");
  }
}

TEST_CASE("the signing key survives a restart", "[ticket]") {
  EngineHarness h;
  auto [id, code] = HoldWithTicket(h);
  h.Reopen();
  CHECK(h.Ok("hold.ticket", {{"id", id}})["code"] == code);
  CHECK(Reason(h, code) == "ok");
}

TEST_CASE("redeeming a ticket collects the hold once", "[ticket]") {
  EngineHarness h;
  auto [id, code] = HoldWithTicket(h, 3);
  json redeemed = h.Ok("ticket.redeem", {{"code", code}});
  CHECK(redeemed["hold_arrived"] == true);
  CHECK(redeemed["hold"]["state"] == "collected");
  CHECK(h.HoldState(id) == "collected");
  json stock = h.Stock("TEE");
  CHECK(stock["on_hand"] == 7);
  CHECK(stock["held"] == 0);
  json receipts = h.Ok("journal.list")["receipts"];
  REQUIRE(receipts.size() == 1);
  CHECK(receipts[0]["kind"] == "collection");
  CHECK(receipts[0]["hold_id"] == id);

  SECTION("replay: a second redeem is refused and changes nothing") {
    auto replay = h.Call("ticket.redeem", {{"code", code}});
    REQUIRE_FALSE(replay.ok());
    CHECK(replay.status().code() == Status::Code::kConflict);
    CHECK_THAT(replay.status().message(), Catch::StartsWith("already_collected"));
    CHECK(h.Stock("TEE")["on_hand"] == 7);
    CHECK(h.Ok("journal.list")["receipts"].size() == 1);
    CHECK(Reason(h, code) == "already_collected");
  }
  SECTION("a hold collected over the counter refuses its ticket") {
    EngineHarness other;
    auto [id2, code2] = HoldWithTicket(other);
    other.Ok("hold.collect", {{"id", id2}});
    CHECK(Reason(other, code2) == "already_collected");
  }
}

TEST_CASE("a tampered ticket is refused, whichever byte is changed", "[ticket]") {
  EngineHarness h;
  auto [id, code] = HoldWithTicket(h);
  auto bytes = ParseTicketCode(code);
  REQUIRE(bytes.ok());
  std::string all = bytes->payload + bytes->signature;
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::string flipped = all;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    std::size_t split = bytes->payload.size();
    std::string tampered = FormatTicketCode(flipped.substr(0, split), flipped.substr(split));
    CAPTURE(i);
    CHECK(Reason(h, tampered) != "ok");
  }
  SECTION("whichever character of the code is changed") {
    for (std::size_t i = 0; i < code.size(); ++i) {
      std::string changed = code;
      changed[i] = changed[i] == 'Z' ? 'Y' : 'Z';
      CAPTURE(i);
      CHECK(Reason(h, changed) != "ok");
    }
  }
  SECTION("a changed line is forged and cannot be redeemed") {
    TicketPayload t = PayloadOf(code);
    t.lines[0].qty = 1;
    std::string altered = FormatTicketCode(EncodeTicketPayload(t), bytes->signature);
    CHECK(Reason(h, altered) == "forged");
    auto redeem = h.Call("ticket.redeem", {{"code", altered}});
    REQUIRE_FALSE(redeem.ok());
    CHECK(redeem.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(redeem.status().message(), Catch::StartsWith("code: forged"));
    CHECK(h.HoldState(id) == "held");
    CHECK(h.Stock("TEE")["on_hand"] == 10);
  }
}

TEST_CASE("a ticket signed with another key is refused as forged", "[ticket]") {
  EngineHarness h;
  auto [id, code] = HoldWithTicket(h);
  std::string payload = ParseTicketCode(code)->payload;
  std::string forged = FormatTicketCode(payload, Sign(payload, FreshSecret()));
  CHECK(Reason(h, forged) == "forged");
  // The same payload signed with the store's own key is the genuine ticket.
  CHECK(FormatTicketCode(payload, Sign(payload, SecretOf(h))) == code);
}

TEST_CASE("a ticket of an issuer without a published key is refused", "[ticket]") {
  EngineHarness h;
  HoldWithTicket(h);
  // HQ's ticket, at a store that has not heard HQ's key yet.
  std::string payload = EncodeTicketPayload(PayloadFor("hq.1", "tokyo-01", "hq"));
  CHECK(Reason(h, FormatTicketCode(payload, Sign(payload, FreshSecret()))) == "unknown_issuer");
}

TEST_CASE("a ticket for another store is refused there", "[ticket]") {
  EngineHarness h;
  h.Receive("TEE", 10);
  // osaka-02's genuine ticket, its key known here, presented at tokyo-01.
  std::string osaka_secret = FreshSecret();
  PublishKeyOf(h, "osaka-02", osaka_secret);
  std::string payload = EncodeTicketPayload(PayloadFor("osaka-02.1", "osaka-02", "osaka-02"));
  std::string elsewhere = FormatTicketCode(payload, Sign(payload, osaka_secret));
  CHECK(Reason(h, elsewhere) == "wrong_store");
  auto redeem = h.Call("ticket.redeem", {{"code", elsewhere}});
  REQUIRE_FALSE(redeem.ok());
  CHECK_THAT(redeem.status().message(), Catch::StartsWith("code: wrong_store"));
  CHECK(h.Stock("TEE")["on_hand"] == 10);
}

// Only a store and HQ make the store's holds, so a ticket another store signed for it is
// none, even with that store's key published (every store's is): otherwise one store's
// leaked signing key would take goods out of every store.
TEST_CASE("a ticket another store signed for this store is refused, its key known or not",
          "[ticket][security]") {
  EngineHarness h;
  h.Receive("TEE", 10);
  std::string nagoya_secret = FreshSecret();
  PublishKeyOf(h, "nagoya-03", nagoya_secret);
  std::string payload = EncodeTicketPayload(PayloadFor("nagoya-03.1", "tokyo-01", "nagoya-03", 5));
  std::string code = FormatTicketCode(payload, Sign(payload, nagoya_secret));
  CHECK(Reason(h, code) == "malformed");
  auto redeem = h.Call("ticket.redeem", {{"code", code}});
  REQUIRE_FALSE(redeem.ok());
  CHECK_THAT(redeem.status().message(), Catch::StartsWith("code: malformed"));
  CHECK(h.Stock("TEE")["on_hand"] == 10);
  CHECK_FALSE(h.Call("hold.get", {{"id", "nagoya-03.1"}}).ok());
}

TEST_CASE("an expired ticket is refused", "[ticket]") {
  EngineHarness h;
  auto [id, code] = HoldWithTicket(h, 1, 60);
  h.clock.Advance(59'000);
  CHECK(Reason(h, code) == "ok");
  h.clock.Advance(1'000);
  CHECK(Reason(h, code) == "expired");
  auto redeem = h.Call("ticket.redeem", {{"code", code}});
  REQUIRE_FALSE(redeem.ok());
  CHECK_THAT(redeem.status().message(), Catch::StartsWith("code: expired"));
  CHECK(h.Stock("TEE")["on_hand"] == 10);
}

TEST_CASE("malformed ticket codes are refused by the ops", "[ticket]") {
  EngineHarness h;
  CHECK(Reason(h, "hello") == "malformed");
  CHECK(Reason(h, "KT1.") == "malformed");
  CHECK(Reason(h, "KT1." + std::string(4000, '0')) == "malformed");
  auto redeem = h.Call("ticket.redeem", {{"code", "KT1.ZZZZ"}});
  REQUIRE_FALSE(redeem.ok());
  CHECK_THAT(redeem.status().message(), Catch::StartsWith("code: malformed"));
  CHECK_FALSE(h.Call("ticket.verify", json::object()).ok());
  CHECK(h.Call("ticket.verify", {{"code", std::string(5000, 'K')}}).status().code() == Status::Code::kTooLarge);
}
