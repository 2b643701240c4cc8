// The pickup ticket's text code and payload encoding (schema/ticket.h): round trips,
// case-insensitive input, and refusal of malformed and oversized codes.
#include <catch2/catch.hpp>

#include "kura/schema/ticket.h"

using namespace kura;

namespace {

TicketPayload Sample() {
  TicketPayload t;
  t.hold = "tokyo-01.7";
  t.store = "tokyo-01";
  t.kind = HoldKind::kPickup;
  t.lines = {{"TEE-M-BLK", 2}, {"CAP-RED", 1}};
  t.expires_ms = 1'700'000'360'000;
  t.issuer = "tokyo-01";
  return t;
}

const std::string kSignature(kTicketSignatureBytes, '\x5a');

}  // namespace

TEST_CASE("base32 uses crockford's alphabet without padding", "[ticket]") {
  CHECK(EncodeBase32("") == "");
  CHECK(EncodeBase32("f") == "CR");
  CHECK(EncodeBase32(std::string("\xff\xff\xff\xff\xff", 5)) == "ZZZZZZZZ");
  CHECK(EncodeBase32(std::string("\x00\x00\x00\x00\x00", 5)) == "00000000");
  CHECK(*DecodeBase32("cr") == "f");
  // Crockford's aliases: O is 0, I and L are 1.
  CHECK(*DecodeBase32("OOOOOOOO") == *DecodeBase32("00000000"));
  CHECK(*DecodeBase32("0000000L") == *DecodeBase32("00000001"));
}

TEST_CASE("base32 round-trips every byte value", "[ticket]") {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t n = 0; n <= bytes.size(); n += 37) {
    auto decoded = DecodeBase32(EncodeBase32(bytes.substr(0, n)));
    REQUIRE(decoded.ok());
    CHECK(*decoded == bytes.substr(0, n));
  }
}

TEST_CASE("base32 refuses characters outside the alphabet and stray padding bits", "[ticket]") {
  CHECK_FALSE(DecodeBase32("CU").ok());   // U is not in the alphabet
  CHECK_FALSE(DecodeBase32("C=").ok());
  CHECK_FALSE(DecodeBase32("CS").ok());   // "f" with a padding bit set
  CHECK_FALSE(DecodeBase32("CR0").ok());  // a character that completes no byte
}

TEST_CASE("ticket code round-trips payload and signature", "[ticket]") {
  std::string payload = EncodeTicketPayload(Sample());
  std::string code = FormatTicketCode(payload, kSignature);
  CHECK(code.rfind("KT1.", 0) == 0);

  SECTION("as printed") {
    auto bytes = ParseTicketCode(code);
    REQUIRE(bytes.ok());
    CHECK(bytes->payload == payload);
    CHECK(bytes->signature == kSignature);
    auto decoded = DecodeTicketPayload(bytes->payload);
    REQUIRE(decoded.ok());
    CHECK(*decoded == Sample());
  }
  SECTION("typed in lower case") {
    std::string lower = code;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto bytes = ParseTicketCode(lower);
    REQUIRE(bytes.ok());
    CHECK(bytes->payload == payload);
  }
}

TEST_CASE("ticket of a hold body carries id, store, kind, lines, expiry and issuer", "[ticket]") {
  HoldBody body{"hq.3", "osaka-02", HoldKind::kTryOn, {{"SKU-1", 4}}, "c-1", 5, 99, "hq"};
  TicketPayload t = TicketOf(body);
  CHECK(t.hold == "hq.3");
  CHECK(t.store == "osaka-02");
  CHECK(t.kind == HoldKind::kTryOn);
  CHECK(t.lines == std::vector<TicketLine>{{"SKU-1", 4}});
  CHECK(t.expires_ms == 99);
  CHECK(t.issuer == "hq");
}

TEST_CASE("malformed ticket codes are refused with a reason", "[ticket]") {
  std::string good = FormatTicketCode(EncodeTicketPayload(Sample()), kSignature);
  auto refused = [](const std::string& code) {
    auto bytes = ParseTicketCode(code);
    if (!bytes.ok()) return bytes.status().message();
    auto payload = DecodeTicketPayload(bytes->payload);
    return payload.ok() ? std::string() : payload.status().message();
  };

  SECTION("no prefix") { CHECK_THAT(refused(good.substr(4)), Catch::Contains("KT1.")); }
  SECTION("empty") { CHECK_THAT(refused(""), Catch::Contains("KT1.")); }
  SECTION("a character outside the alphabet") {
    std::string bad = good;
    bad[10] = '*';
    CHECK_THAT(refused(bad), Catch::Contains("not base32"));
  }
  SECTION("too short to hold a signature") {
    CHECK_THAT(refused("KT1." + EncodeBase32(std::string(64, 'x'))), Catch::Contains("too short"));
  }
  SECTION("oversized") {
    std::string huge = "KT1." + std::string(kMaxTicketCodeChars, '0');
    CHECK_THAT(refused(huge), Catch::Contains("more than"));
  }
  SECTION("payload is not msgpack") {
    CHECK_THAT(refused(FormatTicketCode("\xc1\xc1", kSignature)), Catch::Contains("undecodable"));
  }
  SECTION("payload with a container beyond the bound") {
    TicketPayload t = Sample();
    t.lines.assign(kMaxTicketLines + 1, {"SKU", 1});
    CHECK_FALSE(refused(FormatTicketCode(EncodeTicketPayload(t), kSignature)).empty());
  }
  SECTION("a string beyond 64 bytes, even under a key readers ignore") {
    std::string payload = EncodeTicketPayload(Sample());
    REQUIRE(payload[0] == '\x87');  // a fixmap of the seven fields
    payload[0] = '\x88';
    auto with_extra = [&](std::size_t bytes) {
      return FormatTicketCode(
          payload + "\xa1x\xd9" + static_cast<char>(bytes) + std::string(bytes, 'e'), kSignature);
    };
    CHECK(refused(with_extra(64)).empty());
    CHECK_THAT(refused(with_extra(65)), Catch::Contains("undecodable"));
  }
  SECTION("a newer version") {
    TicketPayload t = Sample();
    t.v = 2;
    CHECK_THAT(refused(FormatTicketCode(EncodeTicketPayload(t), kSignature)), Catch::Contains("version"));
  }
  SECTION("a hold not numbered by its issuer") {
    TicketPayload t = Sample();
    t.issuer = "hq";
    CHECK_THAT(refused(FormatTicketCode(EncodeTicketPayload(t), kSignature)), Catch::Contains("issuer"));
  }
  SECTION("bad fields") {
    TicketPayload t = Sample();
    SECTION("store") { t.store = "Tokyo/01"; }
    SECTION("kind") { t.kind = static_cast<HoldKind>(9); }
    SECTION("no lines") { t.lines.clear(); }
    SECTION("qty") { t.lines[0].qty = 0; }
    SECTION("sku") { t.lines[0].sku = "a/b"; }
    SECTION("expiry") { t.expires_ms = 0; }
    CHECK_FALSE(refused(FormatTicketCode(EncodeTicketPayload(t), kSignature)).empty());
  }
  CHECK(refused(good).empty());
}
