// The store directory: which stores exist, where they are, when they open, whether they
// take click-and-collect orders (a DirectoryRecord, authored by HQ in g/dir/<store>), and
// what each store says about itself today (a StoreStatus in g/status/<store>, written by
// the store or by HQ for it). Both are last-writer-wins registers ordered by (hlc, origin)
// (registers.h), replicated to every store, so every replica answers from the same merged
// directory once it has synced. Formats: schema/PROTOCOL.md, 3.8 and 3.9.
//
// HQ's availability and order placement build on LoadDirectory and CanHandOver. Pure
// functions and functions over a Txn; not thread-safe (one commit group at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <msgpack.hpp>
#include <nlohmann/json.hpp>

#include "kura/schema/msgpack_map.h"
#include "kura/sync/hlc.h"
#include "op_context.h"

namespace kura {

// Bounds of the directory's text fields, in bytes (UTF-8; control characters refused).
inline constexpr std::size_t kMaxStoreNameBytes = 80;
inline constexpr std::size_t kMaxAddressBytes = 200;
inline constexpr std::size_t kMaxHoursBytes = 64;  // printable ASCII only
inline constexpr std::size_t kMaxStatusNoteBytes = 140;

// What HQ says about a store. Stored msgpack map (PROTOCOL.md 3.8).
struct DirectoryRecord {
  std::string name;      // 1..80 bytes, e.g. "Shibuya"
  std::string address;   // 0..200 bytes
  double lat = 0;        // degrees, -90..90
  double lon = 0;        // degrees, -180..180
  std::string hours;     // opening hours as people write them, e.g. "Mo-Sa 09:00-20:00"
  bool pickup_enabled = false;  // takes click-and-collect (and try-on) orders
  KURA_MSGPACK_MAP(name, address, lat, lon, hours, pickup_enabled);
  bool operator==(const DirectoryRecord&) const = default;
};

// What a store says about itself. Value 0 is reserved; a number this build does not know
// (written by a newer replica) reads as kUnknown.
enum class StoreState : int {
  kUnknown = 0,     // nobody has reported a status
  kOpen = 1,
  kClosed = 2,
  kNoHandover = 3,  // open, but not handing over orders today
};
// "open", "closed", "no_handover", "unknown".
std::string_view StoreStateName(StoreState state);
// The inverse for the three settable states; nullopt for anything else ("unknown" too).
std::optional<StoreState> ParseStoreState(std::string_view name);

// Stored msgpack map (PROTOCOL.md 3.9).
struct StoreStatus {
  int status = 0;        // a StoreState
  std::string note;      // 0..140 bytes, e.g. "stocktake until 14:00"
  int64_t since_ms = 0;  // when this state began, by the writer's clock
  KURA_MSGPACK_MAP(status, note, since_ms);
  bool operator==(const StoreStatus&) const = default;

  StoreState state() const;
};

// The winning write of a register: when (HLC) and by which replica.
struct WriteStamp {
  HlcTimestamp hlc = 0;
  std::string origin;
  bool operator==(const WriteStamp&) const = default;
};

// One store as every replica sees it after merging: HQ's record joined with the status.
struct DirectoryEntry {
  std::string store;
  std::optional<DirectoryRecord> record;  // absent: HQ has not described the store
  std::optional<StoreStatus> status;      // absent: no status reported yet
  WriteStamp record_stamp;                // zero when record is absent
  WriteStamp status_stamp;                // zero when status is absent
  bool operator==(const DirectoryEntry&) const = default;

  // kUnknown when no status was reported.
  StoreState state() const { return status ? status->state() : StoreState::kUnknown; }
};

// Whether `entry` can hand over a click-and-collect order now: HQ has enabled pickup in its
// record AND the store's status is open. A store without a record or without a reported
// status cannot: promising there would be promising what may not be handed over.
bool CanHandOver(const DirectoryEntry& entry);

// A point on Earth, in degrees.
struct GeoPoint {
  double lat = 0;  // -90..90
  double lon = 0;  // -180..180
};

// The optional `near` argument ({lat, lon}) of directory.list, hq.availability and
// hq.order.place: nullopt when absent (or nil); InvalidArgument, naming the field, when
// present but not such a map.
Result<std::optional<GeoPoint>> NearArg(const nlohmann::json& args);

// Great-circle distance in kilometres between two points in degrees (haversine, mean Earth
// radius 6371.0088 km). Pure; any finite input.
double DistanceKm(double lat1, double lon1, double lat2, double lon2);

// Orders `entries` nearest-first from (lat, lon); ties and entries without a record (no
// position), which go last, in store-id order.
void SortNearestFirst(double lat, double lon, std::vector<DirectoryEntry>* entries);

// Every store with a record or a status, in store-id order. Corruption when a stored
// register or value does not decode.
Result<std::vector<DirectoryEntry>> LoadDirectory(Txn& txn);
// One store's entry; both parts absent when nothing is known of it.
Result<DirectoryEntry> LoadDirectoryEntry(Txn& txn, std::string_view store);

// InvalidArgument (naming the field) unless the record is within the bounds above.
Status ValidateDirectoryRecord(const DirectoryRecord& record);
// InvalidArgument unless the state is settable and the note within bounds.
Status ValidateStoreStatus(const StoreStatus& status);

// Write this replica's component of `store`'s register (stamped by ctx.hlc). Both validate
// first; InvalidArgument when this replica may not write that cell (keys::MayWrite: the
// record only HQ, a status only its store or HQ). REQUIRES: ctx.hlc set.
Status WriteDirectoryRecord(OpContext& ctx, std::string_view store, const DirectoryRecord& record);
Status WriteStoreStatus(OpContext& ctx, std::string_view store, const StoreStatus& status);

// The API view of an entry (PROTOCOL.md 1.5, "directory entry").
nlohmann::json ToJson(const DirectoryEntry& entry);

// Operations (PROTOCOL.md 1.5 and 1.7). directory.list is on both daemons,
// store.status.set on kura-store, hq.directory.set and hq.store_status.set on kura-hq.
Result<nlohmann::json> OpDirectoryList(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpStoreStatusSet(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHqDirectorySet(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpHqStoreStatusSet(OpContext& ctx, const nlohmann::json& args);

}  // namespace kura
