// The directory's API operations (schema/PROTOCOL.md 1.5 and 1.7): directory.list on both
// daemons, store.status.set at a store, hq.directory.set and hq.store_status.set at HQ.
#include "directory.h"
#include "kura/schema/args.h"
#include "kura/schema/ids.h"

namespace kura {
namespace {

using nlohmann::json;

bool Has(const json& args, const char* name) {
  auto it = args.find(name);
  return it != args.end() && !it->is_null();
}

// An optional text field that may be set to "": nullopt when absent or null.
Result<std::optional<std::string>> OptText(const json& args, const char* name) {
  if (!Has(args, name)) return std::optional<std::string>();
  const json& v = args.at(name);
  if (!v.is_string()) return Status::InvalidArgument(std::string(name) + ": must be a string");
  return std::optional<std::string>(v.get<std::string>());
}

Result<json> Entry(OpContext& ctx, std::string_view store) {
  KURA_ASSIGN_OR_RETURN(DirectoryEntry entry, LoadDirectoryEntry(ctx.txn, store));
  return ToJson(entry);
}

// Sets `store`'s status from args {status, note?}. The note is replaced (absent: cleared);
// since_ms stays when the state does not change, so "open since 09:00" survives a new note.
Result<json> SetStatus(OpContext& ctx, std::string_view store, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string name, ArgString(args, "status", nullptr));
  std::optional<StoreState> state = ParseStoreState(name);
  if (!state) return Status::InvalidArgument("status: must be one of open, closed, no_handover");
  KURA_ASSIGN_OR_RETURN(auto note, OptText(args, "note"));
  KURA_ASSIGN_OR_RETURN(DirectoryEntry before, LoadDirectoryEntry(ctx.txn, store));
  StoreStatus status{static_cast<int>(*state), note.value_or(""), ctx.now_ms};
  if (before.state() == *state) status.since_ms = before.status->since_ms;
  KURA_RETURN_IF_ERROR(WriteStoreStatus(ctx, store, status));
  return Entry(ctx, store);
}

}  // namespace

Result<std::optional<GeoPoint>> NearArg(const json& args) {
  if (!Has(args, "near")) return std::optional<GeoPoint>();
  const json& point = args.at("near");
  if (!point.is_object()) return Status::InvalidArgument("near: must be a map {lat, lon}");
  auto lat = ArgNumber(point, "lat", -90, 90);
  auto lon = ArgNumber(point, "lon", -180, 180);
  for (const Result<double>* part : {&lat, &lon}) {
    if (!part->ok()) return Status::InvalidArgument("near." + part->status().message());
  }
  return std::optional<GeoPoint>(GeoPoint{*lat, *lon});
}

Result<json> OpDirectoryList(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::optional<GeoPoint> near, NearArg(args));
  KURA_ASSIGN_OR_RETURN(bool pickup_only, ArgOptBool(args, "can_hand_over", false));
  KURA_ASSIGN_OR_RETURN(std::vector<DirectoryEntry> entries, LoadDirectory(ctx.txn));
  if (pickup_only) std::erase_if(entries, [](const DirectoryEntry& e) { return !CanHandOver(e); });
  if (near) SortNearestFirst(near->lat, near->lon, &entries);
  json stores = json::array();
  for (const DirectoryEntry& e : entries) {
    json j = ToJson(e);
    if (near && e.record)
      j["distance_km"] = DistanceKm(near->lat, near->lon, e.record->lat, e.record->lon);
    stores.push_back(std::move(j));
  }
  return json{{"stores", std::move(stores)}};
}

Result<json> OpStoreStatusSet(OpContext& ctx, const json& args) {
  return SetStatus(ctx, ctx.origin(), args);
}

// A store off HQ's list may still have an entry from before the list was checked: it can be
// edited (closed, pickup turned off), not made.
Status CheckKnownOrListed(OpContext& ctx, const std::string& store) {
  KURA_ASSIGN_OR_RETURN(DirectoryEntry entry, LoadDirectoryEntry(ctx.txn, store));
  return entry.record.has_value() ? Status::Ok() : CheckKnownStore(ctx, store);
}

Result<json> OpHqStoreStatusSet(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string store, ArgString(args, "store", ValidateStoreId));
  KURA_RETURN_IF_ERROR(CheckKnownOrListed(ctx, store));
  return SetStatus(ctx, store, args);
}

// A new record needs name, lat and lon; an existing one keeps every field not given.
Result<json> OpHqDirectorySet(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string store, ArgString(args, "store", ValidateStoreId));
  KURA_ASSIGN_OR_RETURN(DirectoryEntry before, LoadDirectoryEntry(ctx.txn, store));
  const bool exists = before.record.has_value();
  if (!exists) KURA_RETURN_IF_ERROR(CheckKnownStore(ctx, store));  // as CheckKnownOrListed
  DirectoryRecord r = before.record.value_or(DirectoryRecord{});
  bool changed = false;
  for (auto [name, field] : {std::pair{"name", &r.name}, {"address", &r.address}, {"hours", &r.hours}}) {
    KURA_ASSIGN_OR_RETURN(auto text, OptText(args, name));
    if (!text && !exists && std::string_view(name) == "name") {
      return Status::InvalidArgument("name: is required for a new store");
    }
    if (text) {
      *field = std::move(*text);
      changed = true;
    }
  }
  for (auto [name, field, limit] : {std::tuple{"lat", &r.lat, 90.0}, {"lon", &r.lon, 180.0}}) {
    if (!Has(args, name)) {
      if (!exists) return Status::InvalidArgument(std::string(name) + ": is required for a new store");
      continue;
    }
    KURA_ASSIGN_OR_RETURN(*field, ArgNumber(args, name, -limit, limit));
    changed = true;
  }
  if (Has(args, "pickup_enabled")) {
    KURA_ASSIGN_OR_RETURN(r.pickup_enabled, ArgOptBool(args, "pickup_enabled", false));
    changed = true;
  }
  if (!changed) {
    return Status::InvalidArgument(
        "args: nothing to set; give at least one of name, address, lat, lon, hours, pickup_enabled");
  }
  KURA_RETURN_IF_ERROR(WriteDirectoryRecord(ctx, store, r));
  return Entry(ctx, store);
}

}  // namespace kura
