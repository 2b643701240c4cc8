#include "directory.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include "kura/schema/codec.h"
#include "kura/schema/keys.h"
#include "kura/sync/lww_register.h"
#include "registers.h"

namespace kura {
namespace {

constexpr double kEarthRadiusKm = 6371.0088;

// Well-formed UTF-8 without control characters (C0, DEL and C1: a terminal acts on U+009B
// as on ESC [); `ascii` allows only printable ASCII.
bool IsCleanText(std::string_view s, bool ascii) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      ++i;
      continue;
    }
    if (ascii) return false;
    std::size_t n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 0;
    if (n == 0 || c > 0xF4 || i + n >= s.size()) return false;
    uint32_t cp = c & (0x3F >> n);
    for (std::size_t k = 1; k <= n; ++k) {
      auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cont & 0x3F);
    }
    // Overlong forms, surrogates and beyond U+10FFFF.
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp <= 0x9F)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

Status CheckText(const char* field, std::string_view s, std::size_t min, std::size_t max, bool ascii) {
  if (s.size() < min || s.size() > max || !IsCleanText(s, ascii)) {
    return Status::InvalidArgument(std::string(field) + ": must be " + std::to_string(min) + ".." +
                                   std::to_string(max) + " bytes of " +
                                   (ascii ? "printable ASCII" : "UTF-8 text without control characters"));
  }
  return Status::Ok();
}

// Whether a merged value may be shown: within the bounds its writer should have kept (a
// peer's bug, or a hostile peer, could break them), so that no replica shows control
// characters or invalid UTF-8 to staff or customers. A status's state is not checked: a
// state a newer build added reads as unknown.
Status Showable(const DirectoryRecord& record) { return ValidateDirectoryRecord(record); }
Status Showable(const StoreStatus& status) {
  return CheckText("note", status.note, 0, kMaxStatusNoteBytes, false);
}

// The winner of a stored register and its value decoded as T; nullopt when nobody has
// written it or its value does not decode or may not be shown (one bad write must not hide
// the directory).
template <typename T>
Result<std::optional<T>> DecodeWinner(std::string_view cell_bytes, WriteStamp* stamp) {
  RegisterCell cell;
  KURA_RETURN_IF_ERROR(Decode(cell_bytes, &cell));
  const LwwRegister* winner = cell.Winner();
  if (winner == nullptr) return std::optional<T>();
  T value;
  if (!Decode(winner->value, &value).ok() || !Showable(value).ok()) return std::optional<T>();
  *stamp = WriteStamp{winner->hlc, winner->origin};
  return std::optional<T>(std::move(value));
}

// Reads every register under `prefix` into `entries` with `fill`.
template <typename T, typename Fill>
Status ScanRegisters(Txn& txn, std::string_view prefix, std::map<std::string, DirectoryEntry>* entries,
                     Fill fill) {
  Status inner;
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kCells, prefix, [&](std::string_view key, std::string_view value) {
    WriteStamp stamp;
    auto decoded = DecodeWinner<T>(value, &stamp);
    if (!decoded.ok()) {
      inner = decoded.status();
      return false;
    }
    if (!decoded->has_value()) return true;
    std::string store(key.substr(prefix.size()));
    DirectoryEntry& entry = (*entries)[store];
    entry.store = store;
    fill(entry, std::move(**decoded), std::move(stamp));
    return true;
  }));
  return inner;
}

void FillRecord(DirectoryEntry& e, DirectoryRecord r, WriteStamp s) {
  e.record = std::move(r);
  e.record_stamp = std::move(s);
}
void FillStatus(DirectoryEntry& e, StoreStatus st, WriteStamp s) {
  e.status = std::move(st);
  e.status_stamp = std::move(s);
}

}  // namespace

std::string_view StoreStateName(StoreState state) {
  switch (state) {
    case StoreState::kOpen: return "open";
    case StoreState::kClosed: return "closed";
    case StoreState::kNoHandover: return "no_handover";
    default: return "unknown";
  }
}

std::optional<StoreState> ParseStoreState(std::string_view name) {
  for (StoreState s : {StoreState::kOpen, StoreState::kClosed, StoreState::kNoHandover}) {
    if (StoreStateName(s) == name) return s;
  }
  return std::nullopt;
}

StoreState StoreStatus::state() const {
  if (status < 1 || status > 3) return StoreState::kUnknown;
  return static_cast<StoreState>(status);
}

bool CanHandOver(const DirectoryEntry& entry) {
  return entry.record && entry.record->pickup_enabled && entry.state() == StoreState::kOpen;
}

double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = std::numbers::pi / 180;
  double dlat = (lat2 - lat1) * kRad;
  double dlon = (lon2 - lon1) * kRad;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

void SortNearestFirst(double lat, double lon, std::vector<DirectoryEntry>* entries) {
  auto key = [lat, lon](const DirectoryEntry& e) {
    double d = e.record ? DistanceKm(lat, lon, e.record->lat, e.record->lon) : INFINITY;
    return std::make_pair(d, std::string_view(e.store));
  };
  std::sort(entries->begin(), entries->end(),
            [&](const DirectoryEntry& a, const DirectoryEntry& b) { return key(a) < key(b); });
}

Result<std::vector<DirectoryEntry>> LoadDirectory(Txn& txn) {
  std::map<std::string, DirectoryEntry> entries;
  KURA_RETURN_IF_ERROR(ScanRegisters<DirectoryRecord>(txn, keys::kDirectoryPrefix, &entries, FillRecord));
  KURA_RETURN_IF_ERROR(ScanRegisters<StoreStatus>(txn, keys::kStoreStatusPrefix, &entries, FillStatus));
  std::vector<DirectoryEntry> out;
  out.reserve(entries.size());
  for (auto& [store, entry] : entries) out.push_back(std::move(entry));
  return out;
}

Result<DirectoryEntry> LoadDirectoryEntry(Txn& txn, std::string_view store) {
  DirectoryEntry entry;
  entry.store = std::string(store);
  std::string bytes;
  for (bool record : {true, false}) {
    std::string key = record ? keys::DirectoryEntry(store) : keys::StoreStatus(store);
    Status got = txn.Get(Cf::kCells, key, &bytes);
    if (got.code() == Status::Code::kNotFound) continue;
    KURA_RETURN_IF_ERROR(got);
    WriteStamp stamp;
    if (record) {
      KURA_ASSIGN_OR_RETURN(auto r, DecodeWinner<DirectoryRecord>(bytes, &stamp));
      if (r) FillRecord(entry, std::move(*r), std::move(stamp));
    } else {
      KURA_ASSIGN_OR_RETURN(auto s, DecodeWinner<StoreStatus>(bytes, &stamp));
      if (s) FillStatus(entry, std::move(*s), std::move(stamp));
    }
  }
  return entry;
}

Status ValidateDirectoryRecord(const DirectoryRecord& r) {
  KURA_RETURN_IF_ERROR(CheckText("name", r.name, 1, kMaxStoreNameBytes, false));
  KURA_RETURN_IF_ERROR(CheckText("address", r.address, 0, kMaxAddressBytes, false));
  KURA_RETURN_IF_ERROR(CheckText("hours", r.hours, 0, kMaxHoursBytes, true));
  // Negated so that NaN fails too.
  if (!(r.lat >= -90 && r.lat <= 90)) return Status::InvalidArgument("lat: must be a number in -90..90");
  if (!(r.lon >= -180 && r.lon <= 180)) return Status::InvalidArgument("lon: must be a number in -180..180");
  return Status::Ok();
}

Status ValidateStoreStatus(const StoreStatus& s) {
  if (s.state() == StoreState::kUnknown) {
    return Status::InvalidArgument("status: must be one of open, closed, no_handover");
  }
  return CheckText("note", s.note, 0, kMaxStatusNoteBytes, false);
}

Status WriteDirectoryRecord(OpContext& ctx, std::string_view store, const DirectoryRecord& record) {
  KURA_RETURN_IF_ERROR(ValidateDirectoryRecord(record));
  return WriteRegister(ctx, keys::DirectoryEntry(store), Encode(record));
}

Status WriteStoreStatus(OpContext& ctx, std::string_view store, const StoreStatus& status) {
  KURA_RETURN_IF_ERROR(ValidateStoreStatus(status));
  return WriteRegister(ctx, keys::StoreStatus(store), Encode(status));
}

nlohmann::json ToJson(const DirectoryEntry& e) {
  nlohmann::json j = {{"store", e.store}};
  if (e.record) {
    const DirectoryRecord& r = *e.record;
    j.update({{"name", r.name}, {"address", r.address}, {"lat", r.lat}, {"lon", r.lon},
              {"hours", r.hours}, {"pickup_enabled", r.pickup_enabled},
              {"record_by", e.record_stamp.origin}, {"record_hlc", e.record_stamp.hlc}});
  }
  j["status"] = std::string(StoreStateName(e.state()));
  if (e.status) {
    j.update({{"note", e.status->note}, {"status_since_ms", e.status->since_ms},
              {"status_by", e.status_stamp.origin}, {"status_hlc", e.status_stamp.hlc}});
  }
  j["can_hand_over"] = CanHandOver(e);
  return j;
}

}  // namespace kura
