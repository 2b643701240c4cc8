// The RocksDB key layout (schema/keys.h) and the id rules that keep it unambiguous
// (schema/ids.h): prefixes, numeric order of sequence keys in byte order, the expiry key's
// round trip, and which store ids, SKUs and hold ids are accepted.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "engine_harness.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"

namespace kura {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string Be(uint64_t v) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
  return out;
}

TEST_CASE("keys carry the documented prefixes", "[keys]") {
  CHECK(keys::Stock("tokyo-01", "SKU-1") == "s/tokyo-01/SKU-1");
  CHECK(keys::StockPrefix("tokyo-01") == "s/tokyo-01/");
  CHECK(StartsWith(keys::Stock("tokyo-01", "SKU-1"), keys::StockPrefix("tokyo-01")));
  CHECK(keys::Hold("tokyo-01", "osaka-02.7") == "h/tokyo-01/osaka-02.7");
  CHECK(keys::HoldPrefix("tokyo-01") == "h/tokyo-01/");
  CHECK(StartsWith(keys::Hold("tokyo-01", "osaka-02.7"), keys::HoldPrefix("tokyo-01")));
  CHECK(keys::JournalPrefix("tokyo-01") == "j/tokyo-01/");
  CHECK(keys::Journal("tokyo-01", 258) == "j/tokyo-01/" + Be(258));
  CHECK(keys::Change("tokyo-01", 258) == "tokyo-01/" + Be(258));
  CHECK(keys::ChangePrefix("tokyo-01") == "tokyo-01/");
  CHECK(keys::Held("SKU-1") == "held/SKU-1");
  CHECK(keys::Slip("tokyo-01.7") == "slip/tokyo-01.7");
  CHECK(StartsWith(keys::Slip("tokyo-01.7"), keys::kSlipPrefix));
  CHECK(StartsWith(keys::Expiry(5, "tokyo-01.7"), keys::kExpiryPrefix));
  CHECK(keys::OriginSeq("tokyo-01") == "seq/tokyo-01");
  CHECK(keys::HoldCounter("tokyo-01") == "holds/tokyo-01");
}

TEST_CASE("one store's stock prefix does not cover another store whose id extends it",
          "[keys]") {
  // "tokyo-0" is a valid store id and a prefix of "tokyo-01": the '/' separator keeps a
  // prefix scan of one store from reading the other's cells.
  CHECK_FALSE(StartsWith(keys::Stock("tokyo-01", "SKU-1"), keys::StockPrefix("tokyo-0")));
  CHECK_FALSE(StartsWith(keys::Journal("tokyo-01", 1), keys::JournalPrefix("tokyo-0")));
  CHECK_FALSE(StartsWith(keys::Hold("tokyo-01", "tokyo-01.1"), keys::HoldPrefix("tokyo-0")));
  CHECK_FALSE(StartsWith(keys::Change("tokyo-01", 1), keys::ChangePrefix("tokyo-0")));
}

TEST_CASE("change key round trips its seq", "[keys]") {
  for (uint64_t seq : {uint64_t{1}, uint64_t{255}, uint64_t{256}, uint64_t{1} << 40,
                       std::numeric_limits<uint64_t>::max()}) {
    CAPTURE(seq);
    CHECK(keys::SeqOfChange(keys::Change("tokyo-01", seq)) == seq);
    CHECK(keys::SeqOfChange(keys::Change("a", seq)) == seq);
  }
}

TEST_CASE("a store's partition is its own stock holds and journal plus global cells", "[keys]") {
  const std::string store = "tokyo-01";
  CHECK(keys::InPartition(keys::Stock(store, "SKU-1"), store));
  CHECK(keys::InPartition(keys::Hold(store, "osaka-02.3"), store));
  CHECK(keys::InPartition(keys::Journal(store, 9), store));
  CHECK(keys::InPartition(std::string(keys::kGlobalPrefix) + "catalog", store));

  CHECK_FALSE(keys::InPartition(keys::Stock("osaka-02", "SKU-1"), store));
  CHECK_FALSE(keys::InPartition(keys::Hold("osaka-02", "tokyo-01.3"), store));  // issued here, kept there
  CHECK_FALSE(keys::InPartition(keys::Journal("osaka-02", 9), store));
  // Store ids that extend or shorten each other stay apart.
  CHECK_FALSE(keys::InPartition(keys::Stock("tokyo-01", "SKU-1"), "tokyo-0"));
  CHECK_FALSE(keys::InPartition(keys::Stock("tokyo-0", "SKU-1"), store));
  CHECK_FALSE(keys::InPartition(keys::Stock("tokyo-011", "SKU-1"), store));
  // Other key types and short or malformed keys are outside.
  CHECK_FALSE(keys::InPartition("x/tokyo-01/SKU-1", store));
  CHECK_FALSE(keys::InPartition("s/tokyo-01", store));
  CHECK_FALSE(keys::InPartition("s", store));
  CHECK_FALSE(keys::InPartition("", store));
  CHECK_FALSE(keys::InPartition(keys::Held("SKU-1"), store));
}

TEST_CASE("only the owners of a cell may write components of it", "[keys]") {
  CHECK(keys::InPartition(keys::Rights("tokyo-01", "SKU-1"), "tokyo-01"));
  CHECK_FALSE(keys::InPartition(keys::Rights("osaka-02", "SKU-1"), "tokyo-01"));

  CHECK(keys::MayWrite(keys::Stock("tokyo-01", "SKU-1"), "tokyo-01"));
  CHECK_FALSE(keys::MayWrite(keys::Stock("tokyo-01", "SKU-1"), "hq"));  // HQ never moves stock
  CHECK_FALSE(keys::MayWrite(keys::Stock("tokyo-01", "SKU-1"), "osaka-02"));
  CHECK(keys::MayWrite(keys::Journal("tokyo-01", 3), "tokyo-01"));
  CHECK_FALSE(keys::MayWrite(keys::Journal("tokyo-01", 3), "hq"));
  for (const std::string& key : {keys::Hold("tokyo-01", "hq.4"), keys::Rights("tokyo-01", "SKU-1")}) {
    CAPTURE(key);
    CHECK(keys::MayWrite(key, "tokyo-01"));
    CHECK(keys::MayWrite(key, "hq"));
    CHECK_FALSE(keys::MayWrite(key, "osaka-02"));
  }
  CHECK(keys::MayWrite(keys::KeyDirectory("tokyo-01"), "tokyo-01"));
  CHECK_FALSE(keys::MayWrite(keys::KeyDirectory("tokyo-01"), "hq"));  // nobody else signs for it
  CHECK_FALSE(keys::MayWrite(keys::KeyDirectory("tokyo-01"), "osaka-02"));
  CHECK(keys::MayWrite(keys::StoreStatus("tokyo-01"), "tokyo-01"));
  CHECK(keys::MayWrite(keys::StoreStatus("tokyo-01"), "hq"));
  CHECK_FALSE(keys::MayWrite(keys::StoreStatus("tokyo-01"), "osaka-02"));
  CHECK(keys::MayWrite(keys::DirectoryEntry("tokyo-01"), "hq"));
  CHECK_FALSE(keys::MayWrite(keys::DirectoryEntry("tokyo-01"), "tokyo-01"));
  CHECK(keys::MayWrite(std::string(keys::kDefaultPolicy), "hq"));
  CHECK_FALSE(keys::MayWrite(keys::Policy("tokyo-01"), "tokyo-01"));
  CHECK_FALSE(keys::MayWrite("x/tokyo-01/SKU-1", "tokyo-01"));
  CHECK_FALSE(keys::MayWrite("s/", "tokyo-01"));
}

TEST_CASE("journal and change keys sort numerically by seq in byte order", "[keys]") {
  const std::pair<uint64_t, uint64_t> pairs[] = {
      {1, 2}, {9, 10}, {255, 256}, {65535, 65536}, {0xffffffffULL, 0x100000000ULL},
      {1, std::numeric_limits<uint64_t>::max()}};
  for (auto [lo, hi] : pairs) {
    CAPTURE(lo, hi);
    CHECK(keys::Journal("tokyo-01", lo) < keys::Journal("tokyo-01", hi));
    CHECK(keys::Change("tokyo-01", lo) < keys::Change("tokyo-01", hi));
  }
  // As decimal text, 10 would sort before 9.
  CHECK(std::to_string(10) < std::to_string(9));
}

TEST_CASE("journal keys sort like their seqs for random seqs", "[keys][property]") {
  const uint64_t seed = test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 1000; ++i) {
    uint64_t a = rng() >> (rng() % 64), b = rng() >> (rng() % 64);
    CAPTURE(a, b);
    REQUIRE((keys::Journal("osaka-02", a) < keys::Journal("osaka-02", b)) == (a < b));
    REQUIRE((keys::Change("osaka-02", a) < keys::Change("osaka-02", b)) == (a < b));
  }
}

TEST_CASE("expiry key round trips its time and hold id", "[keys]") {
  const int64_t times[] = {0, 1, 255, 256, 1'700'000'000'000, std::numeric_limits<int64_t>::max()};
  const std::string ids[] = {"a.1", "tokyo-01.42", MakeHoldId(std::string(32, 'z'), UINT64_MAX)};
  for (int64_t ms : times) {
    for (const auto& id : ids) {
      CAPTURE(ms, id);
      std::string key = keys::Expiry(ms, id);
      CHECK(keys::MillisOfExpiry(key) == ms);
      CHECK(keys::HoldIdOfExpiry(key) == id);
    }
  }
}

TEST_CASE("expiry keys sort by time first, then hold id", "[keys]") {
  CHECK(keys::Expiry(255, "z.1") < keys::Expiry(256, "a.1"));
  CHECK(keys::Expiry(1'700'000'000'000, "zz.9") < keys::Expiry(1'700'000'000'001, "a.1"));
  CHECK(keys::Expiry(1000, "a.1") < keys::Expiry(1000, "b.1"));
}

TEST_CASE("store ids are 1 to 32 of lower-case letters digits and dashes", "[keys][ids]") {
  const std::string goods[] = {"a", "tokyo-01", "0", "---", std::string(32, 'x')};
  for (const std::string& good : goods) {
    CAPTURE(good);
    CHECK(ValidateStoreId(good).ok());
  }
  for (std::string bad : {std::string(), std::string(33, 'x'), std::string("Tokyo-01"),
                          std::string("tokyo_01"), std::string("tokyo/01"), std::string("tokyo.01"),
                          std::string("tokyo 01"), std::string("t\xc3\xb6kyo"),
                          std::string("a\0b", 3), std::string("hq")}) {
    CAPTURE(bad);
    Status s = ValidateStoreId(bad);
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK_THAT(s.message(), Catch::Contains("store id"));
  }
}

TEST_CASE("skus are 1 to 64 of letters digits dots underscores and dashes", "[keys][ids]") {
  const std::string goods[] = {"SKU-1", "a", "JKT.blue_L-42", std::string(64, 'Q')};
  for (const std::string& good : goods) {
    CAPTURE(good);
    CHECK(ValidateSku(good).ok());
  }
  for (std::string bad : {std::string(), std::string(65, 'Q'), std::string("SKU/1"),
                          std::string("SKU 1"), std::string("SKU:1"), std::string("SKU\n"),
                          std::string("s\xc3\xa9")}) {
    CAPTURE(bad);
    Status s = ValidateSku(bad);
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK_THAT(s.message(), Catch::Contains("sku"));
  }
}

TEST_CASE("hold ids are a store id, a dot and a number", "[keys][ids]") {
  CHECK(MakeHoldId("tokyo-01", 42) == "tokyo-01.42");
  for (std::string good : {std::string("tokyo-01.42"), std::string("a.0"), std::string("hq.7"),
                           MakeHoldId("tokyo-01", 1), MakeHoldId(std::string(32, 'z'), UINT64_MAX)}) {
    CAPTURE(good);
    CHECK(ValidateHoldId(good).ok());
  }
  for (std::string bad : {std::string(), std::string("tokyo-01"), std::string("tokyo-01."),
                          std::string(".5"), std::string("tokyo-01.4a"), std::string("tokyo-01.-1"),
                          std::string("Tokyo-01.1"), std::string("tokyo/01.1"),
                          std::string("a.b.5"), std::string("tokyo-01. 5"),
                          std::string(33, 'z') + ".1",
                          MakeHoldId(std::string(32, 'z'), UINT64_MAX) + "0"}) {
    CAPTURE(bad);
    CHECK(ValidateHoldId(bad).code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("customer and request ids accept their extra characters only", "[keys][ids]") {
  CHECK(ValidateCustomerId("ana+shop@example.com").ok());
  CHECK_FALSE(ValidateCustomerId("ana/shop").ok());
  CHECK_FALSE(ValidateCustomerId(std::string(65, 'c')).ok());
  CHECK(ValidateRequestId("till-3:0001.a_b").ok());
  CHECK(ValidateRequestId(std::string(64, 'r')).ok());
  CHECK_FALSE(ValidateRequestId(std::string(65, 'r')).ok());
  CHECK_FALSE(ValidateRequestId("").ok());
  CHECK_FALSE(ValidateRequestId("till 3").ok());
  CHECK_FALSE(ValidateRequestId("till/3").ok());
}

TEST_CASE("stock and rights keys name their store and SKU", "[keys]") {
  CHECK(keys::OwnerOf(keys::Rights("osaka-02", "SKU-1")) == "osaka-02");
  CHECK(keys::SkuOf(keys::Rights("osaka-02", "SKU-1")) == "SKU-1");
  CHECK(keys::SkuOf(keys::Stock("osaka-02", "SKU-7")) == "SKU-7");
  CHECK(keys::SkuOf(keys::Hold("osaka-02", "osaka-02.3")).empty());  // a hold names no SKU
  CHECK(keys::SkuOf("s/osaka-02").empty());
  CHECK(keys::SkuOf("g/policy/*").empty());
}

}  // namespace
}  // namespace kura
