// The store's records: hold bodies, journal receipts and pick slips, with the names their
// enums have on the wire. Plain structs; thread-compatible.
//
// Disk encoding: each record is a msgpack map keyed by the field names below
// (KURA_MSGPACK_MAP, msgpack_map.h), documented in schema/PROTOCOL.md, "Stored values".
// Readers ignore keys they do not know, so fields can be added without a format bump.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <msgpack.hpp>

#include "kura/schema/msgpack_map.h"

namespace kura {

// Units in one line or operation: a request's `qty` and a hold line's (PROTOCOL.md 1.5, 3.2).
inline constexpr int64_t kMaxQty = 1'000'000;
// Units a counter or rights component counts over its life (one replica's stock of one SKU
// in or out, rights created, spent or sent): 2^50, about 10^15, beyond any store's trade.
// A component beyond it is neither written nor merged, so that HQ's sums over every store
// cannot overflow.
inline constexpr int64_t kMaxCumulativeUnits = int64_t{1} << 50;
inline constexpr bool WithinUnits(int64_t units) {
  return units >= 0 && units <= kMaxCumulativeUnits;
}

// Value 0 of every enum is reserved ("unknown") so a zeroed or foreign value is never valid.
enum class HoldKind : uint8_t { kUnknown = 0, kPickup = 1, kTryOn = 2, kPhone = 3 };

// The order of the values is the hold state lattice (sync/hold_lattice.h): a state only
// moves to a greater one, and concurrent states join to the greater. Among the ends,
// collected is greatest because a collection is a physical fact.
enum class HoldState : uint8_t {
  kUnknown = 0,
  kHeld = 1,
  kConfirmed = 2,
  kReady = 3,
  kCancelled = 4,
  kExpired = 5,
  kCollected = 6,
};

std::string_view HoldKindName(HoldKind kind);         // "pickup", "tryon", "phone"
std::optional<HoldKind> ParseHoldKind(std::string_view name);
std::string_view HoldStateName(HoldState state);      // "held", "confirmed", ...
std::optional<HoldState> ParseHoldState(std::string_view name);

struct HoldLine {
  std::string sku;
  int64_t qty = 0;
  KURA_MSGPACK_MAP(sku, qty);
};

// What never changes about a hold once made; its state lives in the hold cell.
struct HoldBody {
  std::string id;        // "<origin>.<n>", see MakeHoldId
  std::string store;     // the store that hands the goods over
  HoldKind kind = HoldKind::kUnknown;
  std::vector<HoldLine> lines;
  std::string customer;  // may be empty
  int64_t created_ms = 0;  // wall clock, ms since the Unix epoch
  int64_t expires_ms = 0;
  std::string issuer;    // the replica (origin) that made the hold
  // The rid of HQ's call that made it: an online order HQ routed to the store (empty
  // otherwise), so HQ can cancel a hold it did not record as the order (node/routed_calls.h).
  std::string routed = {};
  KURA_MSGPACK_MAP(id, store, kind, lines, customer, created_ms, expires_ms, issuer, routed);
};

struct ReceiptLine {
  std::string sku;
  int64_t qty = 0;          // > 0 for a sale or collection, < 0 for a return
  int64_t price_cents = 0;  // unit price in the store's currency, minor units
  KURA_MSGPACK_MAP(sku, qty, price_cents);
};

enum class ReceiptKind : uint8_t { kUnknown = 0, kSale = 1, kReturn = 2, kCollection = 3 };
std::string_view ReceiptKindName(ReceiptKind kind);  // "sale", "return", "collection"

// A journal entry: written once by its origin, never changed.
struct Receipt {
  std::string origin;
  uint64_t seq = 0;  // the origin's sequence number of this entry
  ReceiptKind kind = ReceiptKind::kUnknown;
  std::vector<ReceiptLine> lines;
  std::string customer;
  std::string hold_id;  // set for a collection
  int64_t at_ms = 0;
  bool override_promised = false;  // a till sale that ate into promised units (node/escrow.h)
  KURA_MSGPACK_MAP(origin, seq, kind, lines, customer, hold_id, at_ms, override_promised);
};

// A pick slip: store-local, one per pickup or try-on hold.
struct Slip {
  std::string hold_id;
  std::string shelf;  // where the goods go, e.g. "HOLD-07"
  int64_t created_ms = 0;
  int64_t acked_ms = 0;  // 0 while the goods are not yet on the shelf
  KURA_MSGPACK_MAP(hold_id, shelf, created_ms, acked_ms);
};

}  // namespace kura

MSGPACK_ADD_ENUM(kura::HoldKind);
MSGPACK_ADD_ENUM(kura::HoldState);
MSGPACK_ADD_ENUM(kura::ReceiptKind);
