// The RocksDB key layout: column families and the keys inside each.
//
// Grammar (also in schema/PROTOCOL.md, "Disk layout"); '/' is a literal byte, ids never
// contain it (schema/ids.h), u64be is 8 bytes big-endian:
//
//   cf "cells"    replicated state, one cell per key
//     s/<store>/<sku>          stock cell: PN counter of on-hand (sync/pn_counter.h)
//     h/<store>/<hold id>      hold cell: body + per-origin state (sync/hold_cell.h)
//     j/<origin>/<u64be seq>   journal entry: a Receipt, written once
//     g/<name>                 global cell (store directory, key directory, catalog)
//   cf "changes"  the changed-component index that sync reads
//     <origin>/<u64be seq>  -> u64be written-at ms, then the cell key whose <origin>
//                              component has that seq
//   cf "local"    derived or store-private state, never replicated
//     held/<sku>               i64 (msgpack): units in active holds
//     exp/<u64be ms>/<hold id> empty: expiry queue of active holds
//     slip/<hold id>           Slip
//   cf "requests" idempotency records
//     <request id>             u64be written-at ms, u64be request fingerprint, reply bytes
//   cf "meta"
//     format                   u64 (msgpack): disk format version, currently 1
//     store_id                 string (msgpack): the store this data directory belongs to
//     seq/<origin>             u64 (msgpack): highest sequence number of <origin> held here
//     holds/<origin>           u64 (msgpack): holds numbered by <origin> so far
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kura::keys {

inline constexpr char kCellsCf[] = "cells";
inline constexpr char kChangesCf[] = "changes";
inline constexpr char kLocalCf[] = "local";
inline constexpr char kRequestsCf[] = "requests";
inline constexpr char kMetaCf[] = "meta";

inline constexpr uint64_t kFormatVersion = 1;

std::string Stock(std::string_view store, std::string_view sku);
std::string StockPrefix(std::string_view store);
// Holds are keyed under the store that hands the goods over, so a store's partition is a
// set of key prefixes (see InPartition).
std::string Hold(std::string_view store, std::string_view hold_id);
std::string HoldPrefix(std::string_view store);
std::string Journal(std::string_view origin, uint64_t seq);
std::string JournalPrefix(std::string_view origin);

inline constexpr std::string_view kGlobalPrefix = "g/";

// Whether the cell `key` belongs to `store`'s partition: its own stock, holds and journal,
// and the global cells. HQ holds every partition.
bool InPartition(std::string_view key, std::string_view store);

std::string Change(std::string_view origin, uint64_t seq);
std::string ChangePrefix(std::string_view origin);
// REQUIRES: key made by Change()
uint64_t SeqOfChange(std::string_view key);

std::string Held(std::string_view sku);
std::string Expiry(int64_t expires_ms, std::string_view hold_id);
inline constexpr std::string_view kExpiryPrefix = "exp/";
// REQUIRES: key starts with kExpiryPrefix and was made by Expiry()
std::string_view HoldIdOfExpiry(std::string_view key);
int64_t MillisOfExpiry(std::string_view key);
std::string Slip(std::string_view hold_id);
inline constexpr std::string_view kSlipPrefix = "slip/";

inline constexpr std::string_view kMetaFormat = "format";
inline constexpr std::string_view kMetaStoreId = "store_id";
std::string OriginSeq(std::string_view origin);
std::string HoldCounter(std::string_view origin);

}  // namespace kura::keys
