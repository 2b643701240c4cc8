// The store directory replicated between HQ and two stores whose clocks disagree by
// minutes, under concurrent edits and random (reordered, duplicated, lost) delivery:
// every replica ends with the same directory, and it is the last writer by (hlc, origin)
// of every register. A write always wins over everything its replica had seen (the HLC
// observes the peer's clock), even when the writer's wall clock is behind.
#include <map>
#include <random>

#include <catch2/catch.hpp>

#include "directory.h"
#include "engine_harness.h"
#include "kura/schema/codec.h"
#include "kura/schema/keys.h"
#include "replica_harness.h"

using kura::DirectoryEntry;
using kura::LwwRegister;
using kura::test::Link;
using kura::test::Replica;
using nlohmann::json;

namespace {

// A writer's clock skew: store-a is 2.5 minutes ahead of HQ, store-b 2 minutes behind.
// Through HQ's relay they are 4.5 minutes apart, inside the 5 minutes an HLC accepts.
constexpr int64_t kAheadMs = 150'000;
constexpr int64_t kBehindMs = -120'000;

// Every write made, per register key: the expected winner is the greatest (hlc, origin).
class History {
 public:
  // Records `writer`'s newest write of `key` (just made) and checks that it wins at the
  // writer over everything the writer holds.
  void Wrote(Replica& writer, const std::string& key) {
    kura::RegisterCell cell = writer.Register(key);
    REQUIRE(cell.writes.count(writer.id()) == 1);
    const LwwRegister& mine = cell.writes.at(writer.id());
    const LwwRegister* winner = cell.Winner();
    INFO(writer.id() << " wrote " << key << " at hlc " << mine.hlc);
    CHECK(winner->origin == writer.id());
    writes_[key].push_back(mine);
  }

  // The directory that last-writer-wins must produce.
  std::vector<DirectoryEntry> Expected() const {
    std::map<std::string, DirectoryEntry> entries;
    for (const auto& [key, writes] : writes_) {
      const LwwRegister* best = nullptr;
      for (const LwwRegister& w : writes) {
        if (best == nullptr || best->LosesTo(w)) best = &w;
      }
      bool record = key.starts_with(kura::keys::kDirectoryPrefix);
      std::string store = key.substr(record ? kura::keys::kDirectoryPrefix.size()
                                            : kura::keys::kStoreStatusPrefix.size());
      DirectoryEntry& e = entries[store];
      e.store = store;
      if (record) {
        kura::DirectoryRecord r;
        REQUIRE(kura::Decode(best->value, &r).ok());
        e.record = r;
        e.record_stamp = {best->hlc, best->origin};
      } else {
        kura::StoreStatus s;
        REQUIRE(kura::Decode(best->value, &s).ok());
        e.status = s;
        e.status_stamp = {best->hlc, best->origin};
      }
    }
    std::vector<DirectoryEntry> out;
    for (auto& [store, e] : entries) out.push_back(e);
    return out;
  }

 private:
  std::map<std::string, std::vector<LwwRegister>> writes_;
};

std::vector<DirectoryEntry> Directory(Replica& r) {
  kura::Txn txn(r.engine->db());
  auto dir = kura::LoadDirectory(txn);
  REQUIRE(dir.ok());
  return *dir;
}

std::string Describe(const std::vector<DirectoryEntry>& dir) {
  json out = json::array();
  for (const auto& e : dir) out.push_back(kura::ToJson(e));
  return out.dump();
}

const char* kStatuses[] = {"open", "closed", "no_handover"};
const char* kStores[] = {"store-a", "store-b", "store-c"};  // store-c never connects

void RandomEdit(std::mt19937_64& rng, Replica& hq, Replica& a, Replica& b, History& history) {
  std::string status = kStatuses[rng() % 3];
  switch (rng() % 4) {
    case 0: {
      std::string store = kStores[rng() % 3];
      json args = {{"store", store}, {"name", "Store " + std::to_string(rng() % 1000)},
                   {"lat", static_cast<double>(rng() % 18000) / 100 - 90},
                   {"lon", static_cast<double>(rng() % 36000) / 100 - 180},
                   {"hours", "Mo-Sa 09:00-" + std::to_string(17 + rng() % 6) + ":00"},
                   {"pickup_enabled", rng() % 2 == 0}};
      hq.Ok("hq.directory.set", args);
      history.Wrote(hq, kura::keys::DirectoryEntry(store));
      break;
    }
    case 1: {
      std::string store = kStores[rng() % 3];
      hq.Ok("hq.store_status.set", {{"store", store}, {"status", status}, {"note", "by hq"}});
      history.Wrote(hq, kura::keys::StoreStatus(store));
      break;
    }
    default: {
      Replica& store = rng() % 2 == 0 ? a : b;
      store.Ok("store.status.set", {{"status", status}, {"note", "by " + store.id()}});
      history.Wrote(store, kura::keys::StoreStatus(store.id()));
      break;
    }
  }
}

}  // namespace

TEST_CASE("directory converges to the last writer by hlc under concurrent edits, clock skew and random delivery",
          "[directory][sync][property]") {
  const uint64_t seed = kura::test::PropertySeed();
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int run = 0; run < 6; ++run) {
    CAPTURE(run);
    Replica hq(kura::kHqOrigin), a("store-a", kAheadMs), b("store-b", kBehindMs);
    Link link_a(a, hq), link_b(b, hq);
    link_a.Start();
    link_b.Start();
    History history;
    for (int step = 0; step < 40; ++step) {
      if (rng() % 3 != 0) RandomEdit(rng, hq, a, b, history);
      for (Link* link : {&link_a, &link_b}) {
        for (int k = static_cast<int>(rng() % 4); k > 0; --k) link->DeliverOne(rng, 0.15, 0.1);
      }
      int64_t ms = static_cast<int64_t>(rng() % 1500);
      for (Replica* r : {&hq, &a, &b}) r->clock.Advance(ms);
      if (rng() % 4 == 0) {
        link_a.Tick();
        link_b.Tick();
      }
    }
    kura::test::Settle({&hq, &a, &b}, {&link_a, &link_b});

    std::vector<DirectoryEntry> expected = history.Expected();
    for (Replica* r : {&hq, &a, &b}) {
      std::vector<DirectoryEntry> got = Directory(*r);
      INFO("replica " << r->id() << "\n got      " << Describe(got) << "\n expected " << Describe(expected));
      REQUIRE(got == expected);
    }
    // The API answers from the same merged view everywhere.
    json listed = hq.Ok("directory.list")["stores"];
    CHECK(a.Ok("directory.list")["stores"] == listed);
    CHECK(b.Ok("directory.list")["stores"] == listed);
  }
}

TEST_CASE("a causally later write wins over a write stamped by a clock that runs ahead", "[directory][sync][hlc]") {
  Replica hq(kura::kHqOrigin), a("store-a", kAheadMs), b("store-b", kBehindMs);
  Link link_a(a, hq), link_b(b, hq);
  link_a.Start();
  link_b.Start();

  SECTION("hq overrides a status a store ahead of it set") {
    a.Ok("store.status.set", {{"status", "open"}});
    kura::test::Settle({&hq, &a, &b}, {&link_a, &link_b}, 2000);
    // HQ's wall clock is 2.5 minutes behind the store's stamp, yet its write comes after.
    auto entry = hq.Ok("hq.store_status.set", {{"store", "store-a"}, {"status", "closed"}});
    CHECK(entry["status_by"] == "hq");
    CHECK(kura::HlcMillis(entry["status_hlc"].get<uint64_t>()) >= hq.clock.NowMillis() + kAheadMs - 2000);
    kura::test::Settle({&hq, &a, &b}, {&link_a, &link_b}, 2000);
    for (Replica* r : {&hq, &a, &b}) {
      auto dir = Directory(*r);
      REQUIRE(dir.size() == 1);
      CHECK(dir[0].state() == kura::StoreState::kClosed);
      CHECK(dir[0].status_stamp.origin == "hq");
    }
  }

  SECTION("a store behind hq overrides the status hq set for it") {
    hq.Ok("hq.store_status.set", {{"store", "store-b"}, {"status", "closed"}, {"note", "flood"}});
    kura::test::Settle({&hq, &a, &b}, {&link_a, &link_b}, 2000);
    b.Ok("store.status.set", {{"status", "open"}, {"note", "water gone"}});
    kura::test::Settle({&hq, &a, &b}, {&link_a, &link_b}, 2000);
    for (Replica* r : {&hq, &a, &b}) {
      auto dir = Directory(*r);
      REQUIRE(dir.size() == 1);
      CHECK(dir[0].state() == kura::StoreState::kOpen);
      CHECK(dir[0].status->note == "water gone");
      CHECK(dir[0].status_stamp.origin == "store-b");
    }
  }

  SECTION("concurrent writes resolve by hlc: the store whose clock is ahead wins") {
    // Neither has seen the other's write: the later hybrid timestamp wins everywhere.
    hq.Ok("hq.store_status.set", {{"store", "store-a"}, {"status", "closed"}});
    a.Ok("store.status.set", {{"status", "no_handover"}});
    kura::test::Settle({&hq, &a, &b}, {&link_a, &link_b}, 2000);
    for (Replica* r : {&hq, &a, &b}) {
      auto dir = Directory(*r);
      REQUIRE(dir.size() == 1);
      CHECK(dir[0].state() == kura::StoreState::kNoHandover);
    }
  }
}
