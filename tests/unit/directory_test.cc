// The store directory at one replica: records and statuses, the ops that write them, their
// validation, who may write what (locally and by sync), distances and nearest-first order.
#include <cmath>

#include <catch2/catch.hpp>

#include "directory.h"
#include "kura/schema/codec.h"
#include "kura/schema/keys.h"
#include "replica_harness.h"

using kura::DirectoryEntry;
using kura::DirectoryRecord;
using kura::StoreState;
using kura::StoreStatus;
using kura::test::Replica;
using nlohmann::json;
using Code = kura::Status::Code;

namespace {

const json kShibuya = {{"store", "shibuya-01"}, {"name", "Shibuya"}, {"address", "1-1 Jinnan, Tokyo"},
                       {"lat", 35.6595}, {"lon", 139.7005}, {"hours", "Mo-Su 10:00-21:00"},
                       {"pickup_enabled", true}};

DirectoryEntry At(const char* store, double lat, double lon) {
  DirectoryEntry e;
  e.store = store;
  e.record = DirectoryRecord{store, "", lat, lon, "", true};
  return e;
}

Code CodeOf(const kura::Result<json>& r) { return r.status().code(); }

// One register component as a peer would ship it: `origin`'s write of `key`.
kura::Component Forged(const std::string& key, const std::string& origin, const std::string& value) {
  kura::RegisterCell cell;
  cell.writes[origin] = kura::LwwRegister{value, kura::MakeHlc(Replica::kStartMs, 0), origin, 1};
  return kura::Component{key, origin, 1, kura::Encode(cell)};
}

}  // namespace

TEST_CASE("distance between points is the great-circle distance", "[directory]") {
  CHECK(kura::DistanceKm(35.6812, 139.7671, 35.6812, 139.7671) == 0);
  // Tokyo station to Osaka station: about 403 km.
  CHECK(kura::DistanceKm(35.6812, 139.7671, 34.7025, 135.4959) == Approx(403.4).margin(1.5));
  // Across the antimeridian, and to the antipode (half the circumference).
  CHECK(kura::DistanceKm(0, 179.5, 0, -179.5) == Approx(111.2).margin(0.2));
  CHECK(kura::DistanceKm(90, 0, -90, 0) == Approx(M_PI * 6371.0088));
  CHECK(kura::DistanceKm(10, 20, 30, 40) == Approx(kura::DistanceKm(30, 40, 10, 20)));
}

TEST_CASE("stores sort nearest first with unplaced stores last", "[directory]") {
  DirectoryEntry unplaced;
  unplaced.store = "aaa";
  std::vector<DirectoryEntry> entries = {unplaced, At("osaka", 34.70, 135.50), At("yokohama", 35.47, 139.62),
                                         At("shibuya", 35.66, 139.70), At("shibuya-twin", 35.66, 139.70)};
  kura::SortNearestFirst(35.68, 139.77, &entries);  // Tokyo station
  std::vector<std::string> order;
  for (const auto& e : entries) order.push_back(e.store);
  CHECK(order == std::vector<std::string>{"shibuya", "shibuya-twin", "yokohama", "osaka", "aaa"});
}

TEST_CASE("a store hands over only with pickup enabled and status open", "[directory]") {
  DirectoryEntry e = At("s", 0, 0);
  CHECK_FALSE(kura::CanHandOver(e));  // no status reported yet
  e.status = StoreStatus{static_cast<int>(StoreState::kOpen), "", 0};
  CHECK(kura::CanHandOver(e));
  e.record->pickup_enabled = false;
  CHECK_FALSE(kura::CanHandOver(e));
  e.record->pickup_enabled = true;
  for (StoreState s : {StoreState::kClosed, StoreState::kNoHandover}) {
    e.status->status = static_cast<int>(s);
    CHECK_FALSE(kura::CanHandOver(e));
  }
  e.status->status = 9;  // a state from a newer replica
  CHECK(e.state() == StoreState::kUnknown);
  CHECK_FALSE(kura::CanHandOver(e));
  e.record.reset();
  e.status->status = static_cast<int>(StoreState::kOpen);
  CHECK_FALSE(kura::CanHandOver(e));  // HQ has not described it
}

TEST_CASE("hq sets a directory record and updates it in part", "[directory]") {
  Replica hq(kura::kHqOrigin);
  json e = hq.Ok("hq.directory.set", kShibuya);
  CHECK(e["name"] == "Shibuya");
  CHECK(e["lat"] == 35.6595);
  CHECK(e["pickup_enabled"] == true);
  CHECK(e["status"] == "unknown");
  CHECK(e["can_hand_over"] == false);
  CHECK(e["record_by"] == "hq");

  e = hq.Ok("hq.directory.set", {{"store", "shibuya-01"}, {"hours", "Mo-Sa 09:00-20:00"}, {"address", ""}});
  CHECK(e["name"] == "Shibuya");
  CHECK(e["hours"] == "Mo-Sa 09:00-20:00");
  CHECK(e["address"] == "");
  CHECK(e["lon"] == 139.7005);

  e = hq.Ok("hq.store_status.set", {{"store", "shibuya-01"}, {"status", "open"}});
  CHECK(e["can_hand_over"] == true);
  auto listed = hq.Ok("directory.list", {{"can_hand_over", true}})["stores"];
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["store"] == "shibuya-01");
}

TEST_CASE("directory ops refuse bad input and change nothing", "[directory]") {
  Replica hq(kura::kHqOrigin);
  auto refused = [&](const char* op, json args, const char* field) {
    auto r = hq.Call(op, args);
    INFO(op << " " << args.dump(-1, ' ', false, json::error_handler_t::replace) << " -> " << r.status().ToString());
    REQUIRE(CodeOf(r) == Code::kInvalidArgument);
    CHECK(r.status().message().rfind(field, 0) == 0);
  };
  SECTION("a new record needs name, lat and lon") {
    refused("hq.directory.set", {{"store", "s-1"}, {"lat", 1}, {"lon", 1}}, "name");
    refused("hq.directory.set", {{"store", "s-1"}, {"name", "N"}, {"lon", 1}}, "lat");
    refused("hq.directory.set", {{"store", "s-1"}, {"name", "N"}, {"lat", 1}}, "lon");
  }
  SECTION("fields out of range or of the wrong type") {
    json ok = kShibuya;
    for (auto [field, bad] : std::vector<std::pair<const char*, json>>{
             {"store", "Bad/Id"}, {"store", "hq"}, {"lat", 90.5}, {"lat", "35"}, {"lon", -180.01},
             {"name", ""}, {"name", std::string(81, 'x')}, {"name", "tab\there"},
             {"address", std::string(201, 'x')}, {"hours", "Mo\xE2\x80\x93Sa"},
             {"hours", std::string(65, '9')}, {"name", "bad \xC3 utf-8"}, {"pickup_enabled", 1}}) {
      json args = ok;
      args[field] = bad;
      refused("hq.directory.set", args, field);
    }
    CHECK(hq.Ok("directory.list")["stores"].empty());
    refused("hq.store_status.set", {{"store", "s-1"}, {"status", "opened"}}, "status");
    refused("hq.store_status.set", {{"store", "s-1"}, {"status", "unknown"}}, "status");
    refused("hq.store_status.set", {{"store", "s-1"}, {"status", "open"}, {"note", std::string(141, 'n')}}, "note");
    refused("directory.list", {{"near", {{"lat", 91}, {"lon", 0}}}}, "near.lat");
    refused("directory.list", {{"near", "35,139"}}, "near");
  }
  SECTION("an update that sets nothing") {
    hq.Ok("hq.directory.set", kShibuya);
    refused("hq.directory.set", {{"store", "shibuya-01"}}, "args");
  }
  SECTION("unicode names within the byte bound are fine") {
    json args = kShibuya;
    args["name"] = "渋谷店";
    CHECK(hq.Ok("hq.directory.set", args)["name"] == "渋谷店");
  }
}

TEST_CASE("a store sets its own status and keeps since_ms while the state holds", "[directory]") {
  Replica store("tokyo-01");
  json e = store.Ok("store.status.set", {{"status", "open"}, {"note", "till 2 down"}});
  CHECK(e["status"] == "open");
  CHECK(e["status_by"] == "tokyo-01");
  int64_t since = e["status_since_ms"].get<int64_t>();
  CHECK(since == store.clock.NowMillis());
  CHECK(e["can_hand_over"] == false);  // no record from HQ yet

  store.clock.Advance(60'000);
  e = store.Ok("store.status.set", {{"status", "open"}});
  CHECK(e["status_since_ms"] == since);
  CHECK(e["note"] == "");
  store.clock.Advance(60'000);
  e = store.Ok("store.status.set", {{"status", "no_handover"}});
  CHECK(e["status_since_ms"] == since + 120'000);

  // HQ's ops are not a store's.
  CHECK(CodeOf(store.Call("hq.directory.set", kShibuya)) == Code::kUnknownOp);
  CHECK(CodeOf(store.Call("hq.store_status.set", {{"store", "tokyo-01"}, {"status", "open"}})) ==
        Code::kUnknownOp);
}

TEST_CASE("directory list orders by distance when given a point", "[directory]") {
  Replica hq(kura::kHqOrigin);
  hq.Ok("hq.directory.set", {{"store", "osaka-01"}, {"name", "Umeda"}, {"lat", 34.70}, {"lon", 135.50}});
  hq.Ok("hq.directory.set", kShibuya);
  hq.Ok("hq.store_status.set", {{"store", "nowhere-01"}, {"status", "closed"}});
  auto by_id = hq.Ok("directory.list")["stores"];
  REQUIRE(by_id.size() == 3);
  CHECK(by_id[0]["store"] == "nowhere-01");
  CHECK_FALSE(by_id[0].contains("name"));
  CHECK_FALSE(by_id[0].contains("distance_km"));

  auto near = hq.Ok("directory.list", {{"near", {{"lat", 34.69}, {"lon", 135.19}}}})["stores"];  // Kobe
  REQUIRE(near.size() == 3);
  CHECK(near[0]["store"] == "osaka-01");
  CHECK(near[0]["distance_km"].get<double>() == Approx(28.4).margin(1));
  CHECK(near[1]["store"] == "shibuya-01");
  CHECK(near[2]["store"] == "nowhere-01");
  CHECK_FALSE(near[2].contains("distance_km"));
}

TEST_CASE("a store may not write the directory record or another store's status", "[directory][auth]") {
  Replica store("store-a");
  kura::Txn txn(store.engine->db());
  kura::OpContext ctx{txn, store.engine->options(), store.clock.NowMillis(), 0, nullptr, store.engine->hlc()};
  DirectoryRecord record{"A", "", 1, 2, "", true};
  StoreStatus open{static_cast<int>(StoreState::kOpen), "", 0};
  CHECK(kura::WriteDirectoryRecord(ctx, "store-a", record).code() == Code::kInvalidArgument);
  CHECK(kura::WriteStoreStatus(ctx, "store-b", open).code() == Code::kInvalidArgument);
  CHECK(kura::WriteStoreStatus(ctx, "store-a", open).ok());
  txn.Clear();
}

TEST_CASE("forged directory components are refused whole when they arrive by sync", "[directory][auth][sync]") {
  Replica hq(kura::kHqOrigin), store("store-a");
  std::string record = kura::Encode(DirectoryRecord{"Fake", "", 1, 2, "", true});
  std::string open = kura::Encode(StoreStatus{static_cast<int>(StoreState::kOpen), "", 1});
  SECTION("at hq, from a store") {
    kura::VersionVector through;
    through.Advance("store-a", 1);
    through.Advance(kura::kHqOrigin, 1);  // so only the origin check can refuse HQ's name
    // A store writing HQ's record of itself, or another store's status, in its own name.
    for (const auto& c : {Forged(kura::keys::DirectoryEntry("store-a"), "store-a", record),
                          Forged(kura::keys::StoreStatus("store-b"), "store-a", open),
                          Forged(kura::keys::StoreStatus("store-a"), kura::kHqOrigin, open)}) {
      INFO(c.key << " by " << c.origin);
      // One good component beside it does not get the batch in.
      std::vector<kura::Component> batch = {Forged(kura::keys::StoreStatus("store-a"), "store-a", open), c};
      CHECK(hq.cells->Merge("store-a", batch, through).code() == Code::kInvalidArgument);
    }
    CHECK(hq.Ok("directory.list")["stores"].empty());
  }
  SECTION("at a store, relayed by hq") {
    kura::VersionVector through;
    through.Advance("store-b", 1);
    for (const auto& c : {Forged(kura::keys::DirectoryEntry("store-b"), "store-b", record),
                          Forged(kura::keys::StoreStatus("store-b"), "store-c", open)}) {
      INFO(c.key << " by " << c.origin);
      CHECK(store.cells->Merge(kura::kHqOrigin, {c}, through).code() == Code::kInvalidArgument);
    }
    CHECK(store.Ok("directory.list")["stores"].empty());
    // What HQ may relay: a store's own status, and HQ's record.
    REQUIRE(store.cells->Merge(kura::kHqOrigin, {Forged(kura::keys::StoreStatus("store-b"), "store-b", open)}, through).ok());
    CHECK(store.Ok("directory.list")["stores"][0]["status"] == "open");
  }
}

TEST_CASE("a status value that does not decode reads as no status, not as a broken directory",
          "[directory][corruption]") {
  Replica store("store-a");
  kura::VersionVector through;
  through.Advance("store-b", 1);
  REQUIRE(store.cells->Merge(kura::kHqOrigin, {Forged(kura::keys::StoreStatus("store-b"), "store-b", "\xc1")}, through).ok());
  store.Ok("store.status.set", {{"status", "open"}});
  auto stores = store.Ok("directory.list")["stores"];
  REQUIRE(stores.size() == 1);
  CHECK(stores[0]["store"] == "store-a");
}

// The writer a register's component names (its map key, checked against the batch's
// sender) is the writer inside it too: otherwise a store could sign its own status "hq".
TEST_CASE("a register component naming another writer inside is refused",
          "[directory][auth][sync]") {
  Replica hq(kura::kHqOrigin);
  kura::RegisterCell cell;
  cell.writes["store-a"] =
      kura::LwwRegister{kura::Encode(StoreStatus{static_cast<int>(StoreState::kOpen), "", 1}),
                        kura::MakeHlc(Replica::kStartMs, 0), kura::kHqOrigin, 1};
  kura::VersionVector through;
  through.Advance("store-a", 1);
  kura::Component c{kura::keys::StoreStatus("store-a"), "store-a", 1, kura::Encode(cell)};
  CHECK_FALSE(hq.cells->Merge("store-a", {c}, through).ok());
  CHECK(hq.Ok("directory.list")["stores"].empty());
}

// A replica's hybrid clock starts afresh at each start, and a peer's may run minutes ahead:
// a write made after this replica has the peer's is stamped after it all the same.
TEST_CASE("a status set supersedes one stamped ahead of this replica's clock",
          "[directory][sync]") {
  Replica store("store-a");
  kura::RegisterCell cell;
  cell.writes[kura::kHqOrigin] =
      kura::LwwRegister{kura::Encode(StoreStatus{static_cast<int>(StoreState::kOpen), "", 1}),
                        kura::MakeHlc(Replica::kStartMs + 120'000, 0), kura::kHqOrigin, 1};
  kura::VersionVector through;
  through.Advance(kura::kHqOrigin, 1);
  REQUIRE(store.cells
              ->Merge(kura::kHqOrigin,
                      {kura::Component{kura::keys::StoreStatus("store-a"), kura::kHqOrigin, 1,
                                       kura::Encode(cell)}},
                      through)
              .ok());
  store.Ok("store.status.set", {{"status", "closed"}});
  json entry = store.Ok("directory.list")["stores"][0];
  CHECK(entry["status"] == "closed");
  CHECK(entry["status_by"] == "store-a");
}

// A peer's write that breaks the bounds a writer keeps (control characters, a note too long,
// a name of invalid UTF-8) is not shown anywhere, as one that does not decode.
TEST_CASE("a merged status or record that breaks the text bounds reads as absent",
          "[directory][sync][security]") {
  Replica store("store-a");
  kura::VersionVector through;
  through.Advance("store-b", 1);
  through.Advance(kura::kHqOrigin, 1);
  std::string escape =
      kura::Encode(StoreStatus{static_cast<int>(StoreState::kOpen), "\x1b[2J\xff", 1});
  std::string bad_name = kura::Encode(DirectoryRecord{"Shibuya\xc2\x9b", "", 1, 2, "", true});
  REQUIRE(store.cells
              ->Merge(kura::kHqOrigin,
                      {Forged(kura::keys::StoreStatus("store-b"), "store-b", escape),
                       Forged(kura::keys::DirectoryEntry("store-b"), kura::kHqOrigin, bad_name)},
                      through)
              .ok());
  CHECK(store.Ok("directory.list")["stores"].empty());
  // Locally, C1 controls are refused as C0 ones are.
  auto refused = store.Call("store.status.set", {{"status", "open"},
                                                 {"note",
                                                  "back at \xc2\x9b"
                                                  "2J 14:00"}});
  CHECK(refused.status().code() == Code::kInvalidArgument);
}

// The same for a place off the globe (a replica that would show it would also sort by it).
TEST_CASE("a merged record whose latitude or longitude is out of range reads as absent", "[directory][sync][security]") {
  Replica store("store-a");
  uint64_t seq = 0;
  auto merge_record = [&](const std::string& of, double lat, double lon) {
    kura::RegisterCell cell;
    cell.writes[kura::kHqOrigin] = kura::LwwRegister{kura::Encode(DirectoryRecord{"Ebisu", "", lat, lon, "", true}),
                                                     kura::MakeHlc(Replica::kStartMs, 0), kura::kHqOrigin, ++seq};
    kura::Component c{kura::keys::DirectoryEntry(of), kura::kHqOrigin, seq, kura::Encode(cell)};
    kura::VersionVector through;
    through.Advance(kura::kHqOrigin, seq);
    kura::Status merged = store.cells->Merge(kura::kHqOrigin, {c}, through);
    INFO(merged.ToString());
    REQUIRE(merged.ok());
  };
  merge_record("store-b", 35.6, 139.7);
  merge_record("store-c", 90.5, 139.7);
  merge_record("store-d", 35.6, -180.5);
  json stores = store.Ok("directory.list")["stores"];
  REQUIRE(stores.size() == 1);
  CHECK(stores[0]["store"] == "store-b");
}

namespace {

// `origin`'s open-status write for tokyo-01 (an id sorting after "hq", so it wins a tie).
kura::Component StatusStamped(const std::string& origin, kura::HlcTimestamp hlc) {
  kura::RegisterCell cell;
  cell.writes[origin] = kura::LwwRegister{
      kura::Encode(StoreStatus{static_cast<int>(StoreState::kOpen), "", 1}), hlc, origin, 1};
  return kura::Component{kura::keys::StoreStatus("tokyo-01"), origin, 1, kura::Encode(cell)};
}

kura::Status MergeOne(Replica& at, const kura::Component& c) {
  kura::VersionVector through;
  through.Advance(c.origin, c.seq);
  return at.cells->Merge(c.origin, {c}, through);
}

}  // namespace

// A store that stamped its status with the greatest timestamp would keep it against HQ's
// every write: HQ cannot stamp after it, and the tie breaks to the id sorting after "hq".
TEST_CASE("a store's register stamps stay below the ceiling HQ may write past",
          "[directory][auth][sync]") {
  Replica hq(kura::kHqOrigin);
  CHECK_FALSE(MergeOne(hq, StatusStamped("tokyo-01", UINT64_MAX)).ok());
  CHECK_FALSE(MergeOne(hq, StatusStamped("tokyo-01", kura::kStoreStampCeiling)).ok());
  CHECK(hq.Ok("directory.list")["stores"].empty());

  REQUIRE(MergeOne(hq, StatusStamped("tokyo-01", kura::kStoreStampCeiling - 1)).ok());
  hq.Ok("hq.store_status.set", {{"store", "tokyo-01"}, {"status", "closed"}});
  json entry = hq.Ok("directory.list")["stores"][0];
  CHECK(entry["status"] == "closed");
  CHECK(entry["status_by"] == "hq");

  // HQ's own writes may pass the ceiling: a store ships them on, and takes them in.
  Replica store("tokyo-01");
  REQUIRE(MergeOne(store, StatusStamped(kura::kHqOrigin, UINT64_MAX)).ok());
  // The store cannot stamp after that write, and says so instead of losing silently.
  CHECK(CodeOf(store.Call("store.status.set", {{"status", "open"}})) == Code::kConflict);
  CHECK(store.Ok("directory.list")["stores"][0]["status_by"] == "hq");
}
