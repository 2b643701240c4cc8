// The msgpack codec of stored values (schema/codec.h): records and cells survive a round
// trip field by field, and bytes that are truncated, of the wrong type or followed by
// trailing bytes decode to Corruption without throwing. Also the big-endian key helpers.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "engine_harness.h"
#include "kura/schema/codec.h"
#include "kura/schema/records.h"
#include "kura/sync/hold_cell.h"
#include "kura/sync/pn_counter.h"

namespace kura {
namespace {

HoldBody SampleBody() {
  HoldBody b;
  b.id = "tokyo-01.42";
  b.store = "tokyo-01";
  b.kind = HoldKind::kTryOn;
  b.lines = {{"SKU-1", 2}, {"JKT.blue-L", 1}};
  b.customer = "ana@example.com";
  b.created_ms = 1'700'000'000'123;
  b.expires_ms = 1'700'007'200'123;
  b.issuer = "osaka-02";
  return b;
}

Receipt SampleReceipt() {
  Receipt r;
  r.origin = "tokyo-01";
  r.seq = (1ULL << 40) + 3;
  r.kind = ReceiptKind::kReturn;
  r.lines = {{"SKU-1", -2, 1999}, {"SKU-2", 1, 0}};
  r.customer = "c-7";
  r.hold_id = "tokyo-01.9";
  r.at_ms = -5;  // signed fields keep their sign
  return r;
}

void CheckSameBody(const HoldBody& a, const HoldBody& b) {
  CHECK(a.id == b.id);
  CHECK(a.store == b.store);
  CHECK(a.kind == b.kind);
  REQUIRE(a.lines.size() == b.lines.size());
  for (std::size_t i = 0; i < a.lines.size(); ++i) {
    CHECK(a.lines[i].sku == b.lines[i].sku);
    CHECK(a.lines[i].qty == b.lines[i].qty);
  }
  CHECK(a.customer == b.customer);
  CHECK(a.created_ms == b.created_ms);
  CHECK(a.expires_ms == b.expires_ms);
  CHECK(a.issuer == b.issuer);
}

// Decodes `bytes` as T, which must fail with Corruption and must not throw.
template <typename T>
void CheckCorrupt(const std::string& bytes) {
  T out{};
  Status s;
  REQUIRE_NOTHROW(s = Decode(bytes, &out));
  INFO(s.ToString());
  CHECK(s.code() == Status::Code::kCorruption);
}

// Packs a msgpack map from a callback, for hand-made wrong-typed values.
template <typename Fn>
std::string Packed(Fn fn) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  fn(pk);
  return std::string(buf.data(), buf.size());
}

TEST_CASE("hold body survives a msgpack round trip", "[codec]") {
  HoldBody in = SampleBody(), out;
  REQUIRE(Decode(Encode(in), &out).ok());
  CheckSameBody(in, out);
}

TEST_CASE("receipt survives a msgpack round trip", "[codec]") {
  Receipt in = SampleReceipt(), out;
  REQUIRE(Decode(Encode(in), &out).ok());
  CHECK(out.origin == in.origin);
  CHECK(out.seq == in.seq);
  CHECK(out.kind == in.kind);
  REQUIRE(out.lines.size() == 2);
  CHECK(out.lines[0].sku == "SKU-1");
  CHECK(out.lines[0].qty == -2);
  CHECK(out.lines[0].price_cents == 1999);
  CHECK(out.lines[1].qty == 1);
  CHECK(out.customer == in.customer);
  CHECK(out.hold_id == in.hold_id);
  CHECK(out.at_ms == -5);
}

TEST_CASE("slip survives a msgpack round trip", "[codec]") {
  Slip in{"tokyo-01.3", "HOLD-04", 1'700'000'000'000, 1'700'000'060'000}, out;
  REQUIRE(Decode(Encode(in), &out).ok());
  CHECK(out.hold_id == "tokyo-01.3");
  CHECK(out.shelf == "HOLD-04");
  CHECK(out.created_ms == in.created_ms);
  CHECK(out.acked_ms == in.acked_ms);
}

TEST_CASE("pn counter survives a msgpack round trip", "[codec]") {
  PnCounter in;
  in.Add("tokyo-01", 7, 40);
  in.Add("tokyo-01", 9, -15);
  in.Add("osaka-02", 3, -2);
  in.components["hq"] = {std::numeric_limits<uint64_t>::max(),
                         std::numeric_limits<int64_t>::max(), 0};
  PnCounter out;
  REQUIRE(Decode(Encode(in), &out).ok());
  CHECK(out == in);
  CHECK(out.components.at("tokyo-01") == PnComponent{9, 40, 15});
}

TEST_CASE("hold cell survives a msgpack round trip", "[codec]") {
  HoldCell in;
  in.body = SampleBody();
  in.Advance("tokyo-01", 4, HoldState::kReady, 1234);
  in.Advance("osaka-02", 2, HoldState::kCollected, 5678);
  HoldCell out;
  REQUIRE(Decode(Encode(in), &out).ok());
  CheckSameBody(in.body, out.body);
  CHECK(out.states == in.states);
  CHECK(out.State() == HoldState::kCollected);
  CHECK(out.StateSinceMs() == 5678);
}

TEST_CASE("enums are stored as their numbers", "[codec]") {
  // The numbers are part of the disk format (records.h): renumbering breaks old data.
  HoldStateComponent c{1, HoldState::kCollected, 0};
  std::string bytes = Encode(c);
  msgpack::object_handle oh = msgpack::unpack(bytes.data(), bytes.size());
  auto fields = oh.get().as<std::map<std::string, msgpack::object>>();
  CHECK(fields.at("state").as<int>() == 6);
  CHECK(static_cast<int>(HoldKind::kPhone) == 3);
  CHECK(static_cast<int>(ReceiptKind::kCollection) == 3);
}

TEST_CASE("decode of a record ignores keys it does not know", "[codec]") {
  std::string bytes = Packed([](auto& pk) {
    pk.pack_map(3);
    pk.pack(std::string("hold_id"));
    pk.pack(std::string("tokyo-01.1"));
    pk.pack(std::string("added_in_a_later_version"));
    pk.pack(17);
    pk.pack(std::string("shelf"));
    pk.pack(std::string("HOLD-01"));
  });
  Slip out;
  REQUIRE(Decode(bytes, &out).ok());
  CHECK(out.hold_id == "tokyo-01.1");
  CHECK(out.shelf == "HOLD-01");
  CHECK(out.acked_ms == 0);
}

TEST_CASE("decode of truncated bytes gives corruption without throwing", "[codec]") {
  SECTION("every proper prefix of a receipt") {
    std::string bytes = Encode(SampleReceipt());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      CAPTURE(n);
      CheckCorrupt<Receipt>(bytes.substr(0, n));
    }
  }
  SECTION("every proper prefix of a hold cell") {
    HoldCell cell;
    cell.body = SampleBody();
    cell.Advance("tokyo-01", 1, HoldState::kHeld, 1);
    std::string bytes = Encode(cell);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      CAPTURE(n);
      CheckCorrupt<HoldCell>(bytes.substr(0, n));
    }
  }
  SECTION("empty bytes as an integer") { CheckCorrupt<uint64_t>(""); }
}

TEST_CASE("decode of the wrong type gives corruption without throwing", "[codec]") {
  SECTION("a string where a record map belongs") { CheckCorrupt<Receipt>(Encode(std::string("x"))); }
  SECTION("an array where a pn counter belongs") {
    CheckCorrupt<PnCounter>(Encode(std::vector<int>{1, 2, 3}));
  }
  SECTION("a string in an integer field") {
    CheckCorrupt<HoldBody>(Packed([](auto& pk) {
      pk.pack_map(1);
      pk.pack(std::string("created_ms"));
      pk.pack(std::string("yesterday"));
    }));
  }
  SECTION("a negative number in an unsigned field") {
    CheckCorrupt<Receipt>(Packed([](auto& pk) {
      pk.pack_map(1);
      pk.pack(std::string("seq"));
      pk.pack(-1);
    }));
  }
  SECTION("an enum number too big for its type") {
    CheckCorrupt<Receipt>(Packed([](auto& pk) {
      pk.pack_map(1);
      pk.pack(std::string("kind"));
      pk.pack(300);
    }));
  }
  SECTION("a string where the states map belongs") {
    CheckCorrupt<HoldCell>(Packed([](auto& pk) {
      pk.pack_map(1);
      pk.pack(std::string("states"));
      pk.pack(std::string("held"));
    }));
  }
  SECTION("a nil where an integer belongs") { CheckCorrupt<int64_t>(Encode(msgpack::type::nil_t())); }
}

TEST_CASE("decode of a value followed by trailing bytes gives corruption", "[codec]") {
  std::string bytes = Encode(Slip{"tokyo-01.3", "HOLD-04", 1, 0});
  Slip ok;
  REQUIRE(Decode(bytes, &ok).ok());
  Slip out;
  Status s = Decode(bytes + '\xc0', &out);
  CHECK(s.code() == Status::Code::kCorruption);
  CHECK_THAT(s.message(), Catch::Contains("trailing"));
  CheckCorrupt<uint64_t>(Encode(uint64_t{5}) + Encode(uint64_t{6}));
}

TEST_CASE("big endian 64 is written most significant byte first", "[codec]") {
  std::string dst = "k/";
  PutBigEndian64(&dst, 0x0102030405060708ULL);
  CHECK(dst == std::string("k/\x01\x02\x03\x04\x05\x06\x07\x08", 10));  // appends
  CHECK(GetBigEndian64(std::string_view(dst).substr(2)) == 0x0102030405060708ULL);

  std::string max;
  PutBigEndian64(&max, std::numeric_limits<uint64_t>::max());
  CHECK(max == std::string(8, '\xff'));
  CHECK(GetBigEndian64(max) == std::numeric_limits<uint64_t>::max());
  // Only the first 8 bytes are read.
  CHECK(GetBigEndian64(std::string(7, '\0') + "\x01zzz") == 1);
}

TEST_CASE("big endian 64 round trips and sorts bytes in numeric order", "[codec][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 1000; ++i) {
    // Mix full-range values with small ones, where carries across bytes happen.
    uint64_t a = rng() >> (rng() % 64), b = rng() >> (rng() % 64);
    CAPTURE(a, b);
    std::string ea, eb;
    PutBigEndian64(&ea, a);
    PutBigEndian64(&eb, b);
    REQUIRE(ea.size() == 8);
    REQUIRE(GetBigEndian64(ea) == a);
    REQUIRE((ea < eb) == (a < b));
  }
}

}  // namespace
}  // namespace kura
