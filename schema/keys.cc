#include "kura/schema/keys.h"

#include "kura/schema/codec.h"

namespace kura::keys {

std::string StockPrefix(std::string_view store) { return "s/" + std::string(store) + "/"; }
std::string Stock(std::string_view store, std::string_view sku) {
  return StockPrefix(store) + std::string(sku);
}
std::string HoldPrefix(std::string_view store) { return "h/" + std::string(store) + "/"; }
std::string Hold(std::string_view store, std::string_view hold_id) {
  return HoldPrefix(store) + std::string(hold_id);
}

bool InPartition(std::string_view key, std::string_view store) {
  if (key.substr(0, kGlobalPrefix.size()) == kGlobalPrefix) return true;
  // s/<store>/, h/<store>/, j/<store>/
  if (key.size() < store.size() + 3 || key[1] != '/') return false;
  char type = key[0];
  if (type != 's' && type != 'h' && type != 'j') return false;
  return key.substr(2, store.size()) == store && key[2 + store.size()] == '/';
}

std::string JournalPrefix(std::string_view origin) { return "j/" + std::string(origin) + "/"; }
std::string Journal(std::string_view origin, uint64_t seq) {
  std::string key = JournalPrefix(origin);
  PutBigEndian64(&key, seq);
  return key;
}

std::string ChangePrefix(std::string_view origin) { return std::string(origin) + "/"; }
std::string Change(std::string_view origin, uint64_t seq) {
  std::string key = ChangePrefix(origin);
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
