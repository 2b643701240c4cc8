// The RocksDB key layout: column families and the keys inside each. Values, and the rules
// for each key, are in schema/PROTOCOL.md, sections 2.4 and 3, which describe each; '/' is a
// literal byte, ids never contain it (schema/ids.h), u64be is 8 bytes big-endian.
//
//   cf "cells"    replicated state, one cell per key
//     s/<store>/<sku>  h/<store>/<hold id>  j/<origin>/<u64be seq>  r/<store>/<sku>
//     g/keys/<origin>  g/dir/<store>  g/status/<store>  g/policy/<store>  g/policy/*  g/<name>
//   cf "changes"  the changed-component index sync reads
//     <origin>/<u64be seq>  ~g/<origin>/<u64be seq>  ~s/<store>/<u64be seq> (HQ)
//   cf "local"    derived or private state, never replicated
//     held/<sku>  exp/<u64be ms>/<hold id>  exp_from  slip/<hold id>  escrow_seen
//     escrow_policies_applied; HQ: bysku/<sku>/<store>  exc/<u64be at_ms>/<u64be n>
//     order/<hold id>  order_placed/<hold id>  routed/<store>/<call rid>
//     routed_cancel/<store>/<hold id>
//   cf "requests" <request id>: idempotency records
//   cf "meta"     format (3)  store_id  run_clock  awaiting_hq  exc_seq (HQ)  seq/<lane>
//                 holds/<origin>  sign/secret
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

// 3: HQ keeps StoreChange entries (a format-2 directory is migrated on open).
inline constexpr uint64_t kFormatVersion = 3;

std::string Stock(std::string_view store, std::string_view sku);
std::string StockPrefix(std::string_view store);
// Holds are keyed under the store that hands the goods over, so a store's partition is a
// set of key prefixes (see InPartition).
std::string Hold(std::string_view store, std::string_view hold_id);
std::string HoldPrefix(std::string_view store);
std::string Journal(std::string_view origin, uint64_t seq);
std::string JournalPrefix(std::string_view origin);

std::string Rights(std::string_view store, std::string_view sku);
std::string RightsPrefix(std::string_view store);

inline constexpr std::string_view kGlobalPrefix = "g/";
std::string KeyDirectory(std::string_view origin);
inline constexpr std::string_view kKeyDirectoryPrefix = "g/keys/";
std::string DirectoryEntry(std::string_view store);
inline constexpr std::string_view kDirectoryPrefix = "g/dir/";
std::string StoreStatus(std::string_view store);
inline constexpr std::string_view kStoreStatusPrefix = "g/status/";
std::string Policy(std::string_view store);
inline constexpr std::string_view kPolicyPrefix = "g/policy/";
inline constexpr std::string_view kDefaultPolicy = "g/policy/*";

// Whether the cell `key` belongs to `store`'s partition: its own stock, holds, journal and
// promise rights, and the global cells. HQ holds every partition.
bool InPartition(std::string_view key, std::string_view store);
// The <store> (or <origin>) of s/<store>/..., h/, j/, r/ keys; empty for other keys.
std::string_view OwnerOf(std::string_view key);
// The <sku> of s/<store>/<sku> and r/<store>/<sku> keys; empty for other keys.
std::string_view SkuOf(std::string_view key);

// Whether `origin` may write a component of the cell `key` at all: stock and journal only
// by their store; holds and promise rights by their store or HQ; a key-directory entry only
// by its replica; a store status by its store or HQ; every other global cell only by HQ.
// Checked on every local write path's keys and on every component a peer sends.
bool MayWrite(std::string_view key, std::string_view origin);

// Sequence lanes. Each origin numbers its writes in two independent lanes, each a version
// vector entry of its own: the cell lane, named by the origin itself, and the journal lane
// "<origin>/j" (receipts). Sync ships a lane's components in seq order, so separate lanes
// let stock and holds overtake a backlog of receipts. The journal lane needs no change
// index: its cells j/<origin>/<u64be seq> are already in seq order.
std::string JournalLane(std::string_view origin);
bool IsJournalLane(std::string_view lane);
// The origin that writes `lane`.
std::string_view OriginOfLane(std::string_view lane);

std::string Change(std::string_view origin, uint64_t seq);
std::string ChangePrefix(std::string_view origin);
// REQUIRES: key made by Change(), SharedChange() or StoreChange()
uint64_t SeqOfChange(std::string_view key);
// The index of `origin`'s changes to global cells (g/...) alone, beside Change(): all that
// another store may receive of a store's origin, so HQ relays it without reading the rest.
std::string SharedChange(std::string_view origin, uint64_t seq);
std::string SharedChangePrefix(std::string_view origin);
inline constexpr std::string_view kSharedChangePrefix = "~g/";
// The index of HQ's own changes to one store's cells (h/, r/), beside Change(hq, ...): with
// the shared view of HQ's origin, all of HQ's lane that store may receive.
std::string StoreChange(std::string_view store, uint64_t seq);
std::string StoreChangePrefix(std::string_view store);
inline constexpr std::string_view kStoreChangePrefix = "~s/";

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
inline constexpr std::string_view kMetaRunClock = "run_clock";
// Present while a new store directory waits for HQ to send back what it holds of the
// store (PROTOCOL.md 3): the store takes no writes until then.
inline constexpr std::string_view kMetaAwaitingHq = "awaiting_hq";
// kura-hq: the number of the next record of its exception log (node/hq_index.h).
inline constexpr std::string_view kMetaExceptionSeq = "exc_seq";
// Never replicated or logged; see node/tickets.h.
inline constexpr std::string_view kMetaSigningKey = "sign/secret";
std::string OriginSeq(std::string_view origin);
std::string HoldCounter(std::string_view origin);

}  // namespace kura::keys
