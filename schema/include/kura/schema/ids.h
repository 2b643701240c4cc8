// Identifiers: what a store id, a SKU, a hold id, a customer id and a client request id may
// look like. Every id that enters through the API is checked here before it touches a key,
// because ids are embedded in RocksDB keys with '/' as separator (schema/keys.h).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kura/schema/status.h"

namespace kura {

inline constexpr std::size_t kMaxStoreIdLen = 32;
inline constexpr std::size_t kMaxSkuLen = 64;
inline constexpr std::size_t kMaxHoldIdLen = kMaxStoreIdLen + 21;
inline constexpr std::size_t kMaxCustomerIdLen = 64;
inline constexpr std::size_t kMaxRequestIdLen = 64;

// HQ's replication origin. Reserved: no store may take it as its id.
inline constexpr char kHqOrigin[] = "hq";

// store id: 1..32 of [a-z0-9-], e.g. "tokyo-01", not "hq". Also the store's replication
// origin.
Status ValidateStoreId(std::string_view id);
// A replica's origin: a store id or "hq".
Status ValidateOrigin(std::string_view origin);
// SKU: 1..64 of [A-Za-z0-9._-].
Status ValidateSku(std::string_view sku);
// customer id: 1..64 of [A-Za-z0-9._@+-].
Status ValidateCustomerId(std::string_view id);
// client request id: 1..64 of [A-Za-z0-9._:-].
Status ValidateRequestId(std::string_view rid);
// hold id: "<origin>.<n>" as made by MakeHoldId (origin: a store id or "hq").
Status ValidateHoldId(std::string_view id);

// The n-th hold made by `origin`: "tokyo-01.42". Unique across replicas because only the
// origin numbers its own holds.
std::string MakeHoldId(std::string_view origin, uint64_t n);

}  // namespace kura
