#include "kura/schema/keys.h"

#include "kura/schema/codec.h"

namespace kura::keys {

std::string StockPrefix(std::string_view store) { return "s/" + std::string(store) + "/"; }
std::string Stock(std::string_view store, std::string_view sku) {
  return StockPrefix(store) + std::string(sku);
}
std::string Hold(std::string_view hold_id) { return std::string(kHoldPrefix) + std::string(hold_id); }

std::string JournalPrefix(std::string_view origin) { return "j/" + std::string(origin) + "/"; }
std::string Journal(std::string_view origin, uint64_t seq) {
  std::string key = JournalPrefix(origin);
  PutBigEndian64(&key, seq);
  return key;
}

std::string Change(std::string_view origin, uint64_t seq) {
  std::string key(origin);
  key.push_back('/');
  PutBigEndian64(&key, seq);
  return key;
}

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
