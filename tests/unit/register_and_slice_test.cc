// LWW registers and cell slices: merge laws over random inputs, and slices from a peer
// that lie about their origin, seq or key are refused.
#include <random>

#include <catch2/catch.hpp>

#include "engine_harness.h"
#include "kura/schema/codec.h"
#include "kura/schema/keys.h"
#include "kura/sync/cell_slice.h"
#include "kura/sync/hold_cell.h"
#include "kura/sync/lww_register.h"
#include "kura/sync/pn_counter.h"
#include "kura/sync/rights_counter.h"

using kura::Component;
using kura::LwwRegister;
using kura::RegisterCell;

namespace {

RegisterCell RandomRegister(std::mt19937_64& rng) {
  RegisterCell cell;
  const char* origins[] = {"hq", "store-1", "store-2"};
  for (const char* origin : origins) {
    if (rng() % 3 == 0) continue;
    uint64_t seq = 1 + rng() % 5;
    // An origin's write is fixed by its seq (only the origin writes its component), and a
    // later write of it has a later timestamp; timestamps of different origins may tie.
    uint64_t hlc = seq * 1000 + std::string(origin).size() % 2;
    cell.writes[origin] = LwwRegister{std::string(origin) + "#" + std::to_string(seq), hlc, origin, seq};
  }
  return cell;
}

RegisterCell Merged(RegisterCell a, const RegisterCell& b) {
  a.Merge(b);
  return a;
}

}  // namespace

TEST_CASE("register merge is commutative associative and idempotent", "[register][property]") {
  const uint64_t seed = kura::test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 500; ++i) {
    RegisterCell a = RandomRegister(rng), b = RandomRegister(rng), c = RandomRegister(rng);
    CHECK(Merged(a, b).writes == Merged(b, a).writes);
    CHECK(Merged(Merged(a, b), c).writes == Merged(a, Merged(b, c)).writes);
    CHECK(Merged(a, a).writes == a.writes);
    // Every replica agrees on the winning value whatever the order.
    RegisterCell abc = Merged(Merged(a, b), c), cab = Merged(Merged(c, a), b);
    const LwwRegister* w1 = abc.Winner();
    const LwwRegister* w2 = cab.Winner();
    REQUIRE((w1 == nullptr) == (w2 == nullptr));
    if (w1 != nullptr) CHECK(*w1 == *w2);
  }
}

TEST_CASE("the register winner is the latest write with the origin breaking ties", "[register]") {
  RegisterCell cell;
  cell.writes["store-1"] = LwwRegister{"old", 100, "store-1", 1};
  cell.writes["store-2"] = LwwRegister{"new", 200, "store-2", 1};
  CHECK(cell.Winner()->value == "new");
  cell.writes["store-1"] = LwwRegister{"tie", 200, "store-1", 2};
  CHECK(cell.Winner()->value == "new");  // equal time: the greater origin wins
}

TEST_CASE("a slice merged from a peer rebuilds the origin's component", "[slice]") {
  kura::PnCounter cell;
  cell.Add("store-1", 7, 5);
  cell.Add("store-2", 3, -2);
  std::string key = kura::keys::Stock("store-1", "TEE");
  auto slice = kura::SliceCell(key, kura::Encode(cell), "store-1");
  REQUIRE(slice.ok());
  CHECK(slice->seq == 7);
  auto merged = kura::MergeComponent(*slice, nullptr);
  REQUIRE(merged.ok());
  CHECK(merged->changed);
  kura::PnCounter back;
  REQUIRE(kura::Decode(merged->cell, &back).ok());
  CHECK(back.Value() == 5);
  // The same slice again changes nothing.
  auto again = kura::MergeComponent(*slice, &merged->cell);
  REQUIRE(again.ok());
  CHECK_FALSE(again->changed);
}

TEST_CASE("a slice that lies about its origin seq or key is refused", "[slice][security]") {
  kura::PnCounter cell;
  cell.Add("store-1", 7, 5);
  std::string key = kura::keys::Stock("store-1", "TEE");
  auto slice = kura::SliceCell(key, kura::Encode(cell), "store-1");
  REQUIRE(slice.ok());
  Component wrong_origin = *slice;
  wrong_origin.origin = "store-2";
  CHECK(kura::MergeComponent(wrong_origin, nullptr).status().code() == kura::Status::Code::kBadRequest);
  Component wrong_seq = *slice;
  wrong_seq.seq = 8;
  CHECK(kura::MergeComponent(wrong_seq, nullptr).status().code() == kura::Status::Code::kBadRequest);
  // Sequence numbers start at 1: a component at 0 would never be shipped again past a
  // receiver's lane head of 0 (PROTOCOL.md 2.3).
  kura::PnCounter at_zero;
  at_zero.Add("store-1", 0, 5);
  Component zero{key, "store-1", 0, kura::Encode(at_zero)};
  CHECK(kura::MergeComponent(zero, nullptr).status().code() == kura::Status::Code::kBadRequest);
  Component wrong_key = *slice;
  wrong_key.key = "x/unknown";
  CHECK_FALSE(kura::MergeComponent(wrong_key, nullptr).ok());
  Component garbage = *slice;
  garbage.value = std::string("\xdd\xff\xff\xff\xff", 5);  // an array claiming 4 billion entries
  CHECK(kura::MergeComponent(garbage, nullptr).status().code() == kura::Status::Code::kBadRequest);
}

// A receipt names its origin and seq inside, and HQ shows them: they must be its key's.
TEST_CASE("a journal entry whose receipt names another seq or origin is refused",
          "[slice][security]") {
  auto merge = [](const std::string& origin, uint64_t seq) {
    kura::Receipt receipt;
    receipt.origin = origin;
    receipt.seq = seq;
    receipt.kind = kura::ReceiptKind::kSale;
    receipt.lines = {{"TEE", 1, 1990}};
    return kura::MergeComponent(
               Component{kura::keys::Journal("store-1", 3), "store-1", 3, kura::Encode(receipt)},
               nullptr)
        .status();
  };
  CHECK(merge("store-1", 3).ok());
  CHECK(merge("store-1", 4).code() == kura::Status::Code::kBadRequest);
  CHECK(merge("store-2", 3).code() == kura::Status::Code::kBadRequest);
}

// HQ indexes stock and holds by SKU: "A/B" would show under SKU "A" as a store "B/...".
TEST_CASE("a slice whose key or hold lines name no valid sku is refused", "[slice][security]") {
  kura::PnCounter stock;
  stock.Add("store-1", 1, 5);
  auto bad_key = kura::SliceCell("s/store-1/A/B", kura::Encode(stock), "store-1");
  REQUIRE(bad_key.ok());
  CHECK(kura::MergeComponent(*bad_key, nullptr).status().code() == kura::Status::Code::kBadRequest);

  kura::HoldCell hold;
  hold.body.id = "store-1.1";
  hold.body.store = "store-1";
  hold.body.kind = kura::HoldKind::kPickup;
  hold.body.issuer = "store-1";
  hold.Advance("store-1", 1, kura::HoldState::kHeld, 1000);
  auto merge_with_line = [&](const std::string& sku, int64_t qty) {
    kura::HoldCell h = hold;
    h.body.lines = {{sku, qty}};
    auto slice = kura::SliceCell(kura::keys::Hold("store-1", "store-1.1"), kura::Encode(h), "store-1");
    REQUIRE(slice.ok());
    return kura::MergeComponent(*slice, nullptr).status();
  };
  CHECK(merge_with_line("TEE", 1).ok());
  CHECK(merge_with_line("A/B", 1).code() == kura::Status::Code::kBadRequest);
  CHECK(merge_with_line("TEE", 0).code() == kura::Status::Code::kBadRequest);
  CHECK(merge_with_line("TEE", kura::kMaxQty).ok());
  CHECK(merge_with_line("TEE", kura::kMaxQty + 1).code() == kura::Status::Code::kBadRequest);
}

// HQ sums every store's counters and rights (hq.stock, availability): a peer's totals are
// bounded, so no sum of them overflows, and never negative (PROTOCOL.md 3.1, 3.7).
TEST_CASE("a counter or rights component beyond its bounds is refused", "[slice][security]") {
  const std::string stock_key = kura::keys::Stock("store-1", "TEE");
  auto merge_counter = [&](int64_t p, int64_t n) {
    kura::PnCounter cell;
    cell.components["store-1"] = kura::PnComponent{1, p, n};
    return kura::MergeComponent(Component{stock_key, "store-1", 1, kura::Encode(cell)}, nullptr)
        .status();
  };
  CHECK(merge_counter(kura::kMaxCumulativeUnits, kura::kMaxCumulativeUnits).ok());
  CHECK(merge_counter(kura::kMaxCumulativeUnits + 1, 0).code() == kura::Status::Code::kBadRequest);
  CHECK(merge_counter(INT64_MAX, 0).code() == kura::Status::Code::kBadRequest);
  CHECK(merge_counter(5, -1).code() == kura::Status::Code::kBadRequest);

  const std::string rights_key = kura::keys::Rights("store-1", "TEE");
  auto merge_rights = [&](int64_t created, int64_t sent) {
    kura::RightsCell cell;
    kura::RightsComponent& mine = cell.components["store-1"];
    mine.seq = 1;
    mine.created = created;
    mine.sent["hq"] = sent;
    return kura::MergeComponent(Component{rights_key, "store-1", 1, kura::Encode(cell)}, nullptr)
        .status();
  };
  CHECK(merge_rights(10, 4).ok());
  CHECK(merge_rights(kura::kMaxCumulativeUnits + 1, 4).code() == kura::Status::Code::kBadRequest);
  CHECK(merge_rights(10, kura::kMaxCumulativeUnits + 1).code() == kura::Status::Code::kBadRequest);
  // Rights go only to another replica (PROTOCOL.md 3.7): a transfer to oneself is refused.
  kura::RightsCell to_self;
  to_self.components["store-1"] =
      kura::RightsComponent{.seq = 1, .created = 10, .sent = {{"store-1", 4}}};
  CHECK(kura::MergeComponent(Component{rights_key, "store-1", 1, kura::Encode(to_self)}, nullptr)
            .status()
            .code() == kura::Status::Code::kBadRequest);
}

// A newer rights component replaces the older whole (RightsCell::Merge), so one that
// gave back rights it had spent or sent would mint them again (PROTOCOL.md 3.7).
TEST_CASE("a rights component that shrinks an earlier version is refused", "[slice][security]") {
  const std::string key = kura::keys::Rights("store-1", "TEE");
  kura::RightsCell stored;
  stored.components["store-1"] = kura::RightsComponent{.seq = 1, .created = 10, .spent = 3, .sent = {{"hq", 4}}};
  const std::string stored_bytes = kura::Encode(stored);
  auto merge_next = [&](int64_t created, int64_t spent, std::map<std::string, int64_t> sent) {
    kura::RightsCell next;
    next.components["store-1"] =
        kura::RightsComponent{.seq = 2, .created = created, .spent = spent, .sent = std::move(sent)};
    return kura::MergeComponent(Component{key, "store-1", 2, kura::Encode(next)}, &stored_bytes)
        .status();
  };
  CHECK(merge_next(10, 3, {{"hq", 4}}).ok());
  CHECK(merge_next(12, 5, {{"hq", 6}}).ok());
  CHECK(merge_next(9, 3, {{"hq", 4}}).code() == kura::Status::Code::kBadRequest);
  CHECK(merge_next(10, 2, {{"hq", 4}}).code() == kura::Status::Code::kBadRequest);
  CHECK(merge_next(10, 3, {{"hq", 3}}).code() == kura::Status::Code::kBadRequest);
  CHECK(merge_next(10, 3, {}).code() == kura::Status::Code::kBadRequest);
}

// PROTOCOL.md 3.5: a register's value is written as str, and readers also accept bin (raw
// bytes such as a g/keys/ public key are naturally bin in other languages' encoders).
TEST_CASE("a register slice whose value is msgpack bin merges as the same bytes",
          "[slice][register]") {
  const std::string raw_key(32, '\xab');
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> p(buf);
  p.pack_map(1);
  p.pack(std::string("writes"));
  p.pack_map(1);
  p.pack(std::string("store-1"));
  p.pack_map(4);
  p.pack(std::string("value"));
  p.pack_bin(static_cast<uint32_t>(raw_key.size()));
  p.pack_bin_body(raw_key.data(), static_cast<uint32_t>(raw_key.size()));
  p.pack(std::string("hlc"));
  p.pack(uint64_t{1000});
  p.pack(std::string("origin"));
  p.pack(std::string("store-1"));
  p.pack(std::string("seq"));
  p.pack(uint64_t{1});
  Component component{kura::keys::KeyDirectory("store-1"), "store-1", 1,
                      std::string(buf.data(), buf.size())};

  auto merged = kura::MergeComponent(component, nullptr);
  INFO(merged.status().ToString());
  REQUIRE(merged.ok());
  RegisterCell cell;
  REQUIRE(kura::Decode(merged->cell, &cell).ok());
  REQUIRE(cell.Winner() != nullptr);
  CHECK(cell.Winner()->value == raw_key);
}
