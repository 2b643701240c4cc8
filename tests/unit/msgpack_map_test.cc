// KURA_MSGPACK_MAP (schema/msgpack_map.h) against the msgpack-c macro it replaces: the
// same bytes out, and for any map in, the same fields or the same refusal — unknown keys
// skipped, missing fields kept, the first of repeated keys winning, non-string keys and
// non-maps refused.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kura/schema/codec.h"
#include "kura/schema/msgpack_map.h"

namespace kura {
namespace {

struct InnerTheirs {
  int64_t n = 7;
  MSGPACK_DEFINE_MAP(n);
  bool operator==(const InnerTheirs&) const = default;
};
struct InnerOurs {
  int64_t n = 7;
  KURA_MSGPACK_MAP(n);
  bool operator==(const InnerOurs&) const = default;
};

struct Theirs {
  int64_t qty = -1;
  std::string sku = "none";
  std::vector<int64_t> list;
  InnerTheirs inner;
  MSGPACK_DEFINE_MAP(qty, sku, list, inner);
};
struct Ours {
  int64_t qty = -1;
  std::string sku = "none";
  std::vector<int64_t> list;
  InnerOurs inner;
  KURA_MSGPACK_MAP(qty, sku, list, inner);
};

bool Same(const Theirs& t, const Ours& o) {
  return t.qty == o.qty && t.sku == o.sku && t.list == o.list && t.inner.n == o.inner.n;
}

// A msgpack map of `entries` random entries: keys drawn from the fields' names, a near
// miss, an unknown name and (rarely) an integer; values of the right type or not.
// *repeats tells whether a field's name came twice.
std::string RandomMap(std::mt19937_64& rng, int entries, bool* repeats) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  pk.pack_map(entries);
  const char* names[] = {"qty", "sku", "list", "inner", "qt", "skus", "other"};
  int seen[7] = {};
  *repeats = false;
  for (int i = 0; i < entries; ++i) {
    if (pick(20) == 0) {
      pk.pack(int64_t{1});
    } else {
      int name = pick(7);
      *repeats |= name < 4 && seen[name]++ > 0;
      pk.pack(std::string(names[name]));
    }
    switch (pick(6)) {
      case 0: pk.pack(static_cast<int64_t>(rng() % 1000) - 500); break;
      case 1: pk.pack(std::string("s") + std::to_string(pick(100))); break;
      case 2: pk.pack(std::vector<int64_t>{pick(9), pick(9)}); break;
      case 3: pk.pack_map(1); pk.pack(std::string("n")); pk.pack(int64_t{pick(50)}); break;
      case 4: pk.pack_map(1); pk.pack(std::string("m")); pk.pack(int64_t{pick(50)}); break;
      default: pk.pack_nil(); break;
    }
  }
  return std::string(buf.data(), buf.size());
}

TEST_CASE("KURA_MSGPACK_MAP writes what MSGPACK_DEFINE_MAP writes", "[codec]") {
  Theirs t;
  t.qty = 3, t.sku = "SKU-1", t.list = {1, 2}, t.inner.n = 9;
  Ours o;
  o.qty = 3, o.sku = "SKU-1", o.list = {1, 2}, o.inner.n = 9;
  CHECK(Encode(o) == Encode(t));
  Ours back;
  REQUIRE(Decode(Encode(t), &back).ok());
  CHECK(Same(t, back));
}

TEST_CASE("KURA_MSGPACK_MAP reads any map as MSGPACK_DEFINE_MAP does", "[codec]") {
  std::mt19937_64 rng(42);
  int decoded = 0, refused = 0, repeated_keys = 0;
  for (int round = 0; round < 5000; ++round) {
    bool repeats = false;
    std::string bytes = RandomMap(rng, static_cast<int>(rng() % 7), &repeats);
    Theirs theirs;
    Ours ours;
    Status theirs_status = Decode(bytes, &theirs);
    Status ours_status = Decode(bytes, &ours);
    INFO("round " << round);
    REQUIRE(ours_status.ok() == theirs_status.ok());
    if (ours_status.ok()) {
      ++decoded;
      REQUIRE(Same(theirs, ours));
      repeated_keys += repeats;
    } else {
      ++refused;
    }
  }
  // The draws reached every rule: maps decoded, refused, and with a key repeated.
  CHECK(decoded > 500);
  CHECK(refused > 500);
  CHECK(repeated_keys > 50);
}

TEST_CASE("KURA_MSGPACK_MAP refuses what is not a map of string keys", "[codec]") {
  Ours ours;
  CHECK(Decode(Encode(std::vector<int64_t>{1, 2}), &ours).code() == Status::Code::kCorruption);
  std::map<int64_t, int64_t> int_keys{{1, 2}};
  CHECK(Decode(Encode(int_keys), &ours).code() == Status::Code::kCorruption);
  CHECK(ours.qty == -1);
}

}  // namespace
}  // namespace kura
