#include "kura/schema/keys.h"

#include "kura/schema/codec.h"
#include "kura/schema/ids.h"

namespace kura::keys {

std::string StockPrefix(std::string_view store) { return "s/" + std::string(store) + "/"; }
std::string Stock(std::string_view store, std::string_view sku) {
  return StockPrefix(store) + std::string(sku);
}
std::string HoldPrefix(std::string_view store) { return "h/" + std::string(store) + "/"; }
std::string Hold(std::string_view store, std::string_view hold_id) {
  return HoldPrefix(store) + std::string(hold_id);
}

std::string RightsPrefix(std::string_view store) { return "r/" + std::string(store) + "/"; }
std::string Rights(std::string_view store, std::string_view sku) {
  return RightsPrefix(store) + std::string(sku);
}

std::string KeyDirectory(std::string_view origin) { return std::string(kKeyDirectoryPrefix) + std::string(origin); }
std::string DirectoryEntry(std::string_view store) { return std::string(kDirectoryPrefix) + std::string(store); }
std::string StoreStatus(std::string_view store) { return std::string(kStoreStatusPrefix) + std::string(store); }
std::string Policy(std::string_view store) { return "g/policy/" + std::string(store); }

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

std::string_view OwnerOf(std::string_view key) {
  if (key.size() < 4 || key[1] != '/') return {};
  char type = key[0];
  if (type != 's' && type != 'h' && type != 'j' && type != 'r') return {};
  std::string_view rest = key.substr(2);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return {};
  return rest.substr(0, slash);
}

std::string_view SkuOf(std::string_view key) {
  if (key.empty() || (key[0] != 's' && key[0] != 'r')) return {};
  std::string_view owner = OwnerOf(key);
  return owner.empty() ? std::string_view() : key.substr(2 + owner.size() + 1);
}

bool InPartition(std::string_view key, std::string_view store) {
  if (StartsWith(key, kGlobalPrefix)) return true;
  std::string_view owner = OwnerOf(key);
  return !owner.empty() && owner == store;
}

bool MayWrite(std::string_view key, std::string_view origin) {
  if (StartsWith(key, kKeyDirectoryPrefix)) return key.substr(kKeyDirectoryPrefix.size()) == origin;
  if (StartsWith(key, kStoreStatusPrefix)) {
    return origin == kHqOrigin || key.substr(kStoreStatusPrefix.size()) == origin;
  }
  if (StartsWith(key, kGlobalPrefix)) return origin == kHqOrigin;
  std::string_view owner = OwnerOf(key);
  if (owner.empty()) return false;
  if (owner == origin) return true;
  return origin == kHqOrigin && (key[0] == 'h' || key[0] == 'r');
}

std::string JournalPrefix(std::string_view origin) { return "j/" + std::string(origin) + "/"; }
std::string Journal(std::string_view origin, uint64_t seq) {
  std::string key = JournalPrefix(origin);
  PutBigEndian64(&key, seq);
  return key;
}

std::string JournalLane(std::string_view origin) { return std::string(origin) + "/j"; }
bool IsJournalLane(std::string_view lane) { return lane.size() > 2 && lane.substr(lane.size() - 2) == "/j"; }
std::string_view OriginOfLane(std::string_view lane) {
  return IsJournalLane(lane) ? lane.substr(0, lane.size() - 2) : lane;
}

std::string ChangePrefix(std::string_view origin) { return std::string(origin) + "/"; }
std::string Change(std::string_view origin, uint64_t seq) {
  std::string key = ChangePrefix(origin);
  PutBigEndian64(&key, seq);
  return key;
}
std::string SharedChangePrefix(std::string_view origin) {
  return std::string(kSharedChangePrefix) + std::string(origin) + "/";
}
std::string SharedChange(std::string_view origin, uint64_t seq) {
  std::string key = SharedChangePrefix(origin);
  PutBigEndian64(&key, seq);
  return key;
}

std::string StoreChangePrefix(std::string_view store) {
  return std::string(kStoreChangePrefix) + std::string(store) + "/";
}
std::string StoreChange(std::string_view store, uint64_t seq) {
  std::string key = StoreChangePrefix(store);
  PutBigEndian64(&key, seq);
  return key;
}

uint64_t SeqOfChange(std::string_view key) { return GetBigEndian64(key.substr(key.size() - 8)); }

std::string Held(std::string_view sku) { return "held/" + std::string(sku); }

std::string Expiry(int64_t expires_ms, std::string_view hold_id) {
  std::string key(kExpiryPrefix);
  PutBigEndian64(&key, static_cast<uint64_t>(expires_ms));
  key.push_back('/');
  key.append(hold_id);
  return key;
}
std::string_view HoldIdOfExpiry(std::string_view key) {
  return key.substr(kExpiryPrefix.size() + 9);
}
int64_t MillisOfExpiry(std::string_view key) {
  return static_cast<int64_t>(GetBigEndian64(key.substr(kExpiryPrefix.size())));
}

std::string Slip(std::string_view hold_id) { return std::string(kSlipPrefix) + std::string(hold_id); }

std::string OriginSeq(std::string_view origin) { return "seq/" + std::string(origin); }
std::string HoldCounter(std::string_view origin) { return "holds/" + std::string(origin); }

}  // namespace kura::keys
