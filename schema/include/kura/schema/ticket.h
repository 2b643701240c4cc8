// Pickup tickets as bytes and as text: the signed payload's msgpack encoding and the short
// text code a customer shows (and a QR image carries). Signing and verifying live in
// node/tickets.h; this file has no crypto and does no I/O. Pure functions; thread-safe.
//
// Grammar (also in schema/PROTOCOL.md, "Pickup tickets"):
//
//   code      = "KT1." base32(payload || signature)      case-insensitive on input
//   base32    = Crockford's alphabet 0123456789ABCDEFGHJKMNPQRSTVWXYZ, 5 bits a character,
//               most significant bit first, no padding; the unused low bits of the last
//               character are zero; on input O reads as 0 and I, L as 1
//   signature = 64 bytes: Ed25519 (detached) over the payload bytes exactly as carried
//   payload   = msgpack map {"v": 1, "hold": str, "store": str, "kind": int,
//                            "lines": [[sku str, qty int], ...], "expires_ms": int,
//                            "issuer": str}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <msgpack.hpp>

#include "kura/schema/msgpack_map.h"
#include "kura/schema/records.h"
#include "kura/schema/status.h"

namespace kura {

inline constexpr std::string_view kTicketPrefix = "KT1.";
inline constexpr uint64_t kTicketVersion = 1;
inline constexpr std::size_t kTicketSignatureBytes = 64;
// payload + signature. Keeps a code (4 + 3840 characters) under the API's 4096-byte
// string limit; a hold too large for it gets no ticket.
inline constexpr std::size_t kMaxTicketBytes = 2400;
inline constexpr std::size_t kMaxTicketCodeChars = kTicketPrefix.size() + (kMaxTicketBytes * 8 + 4) / 5;
inline constexpr std::size_t kMaxTicketLines = 50;

struct TicketLine {
  std::string sku;
  int64_t qty = 0;
  MSGPACK_DEFINE_ARRAY(sku, qty);
  bool operator==(const TicketLine&) const = default;
};

struct TicketPayload {
  uint64_t v = kTicketVersion;
  std::string hold;    // hold id, "<issuer>.<n>"
  std::string store;   // the store that hands the goods over
  HoldKind kind = HoldKind::kUnknown;
  std::vector<TicketLine> lines;
  int64_t expires_ms = 0;
  std::string issuer;  // the replica that made the hold and signed the ticket
  KURA_MSGPACK_MAP(v, hold, store, kind, lines, expires_ms, issuer);
  bool operator==(const TicketPayload&) const = default;
};

// The payload of `body`'s ticket.
TicketPayload TicketOf(const HoldBody& body);

std::string EncodeTicketPayload(const TicketPayload& payload);
// Decodes and checks payload bytes from a code: InvalidArgument naming what is wrong (not
// msgpack, a newer version, a bad id, SKU or quantity, a hold id not numbered by the
// issuer). Bounded: no container beyond kMaxTicketLines entries.
Result<TicketPayload> DecodeTicketPayload(std::string_view bytes);

struct TicketBytes {
  std::string payload;
  std::string signature;  // kTicketSignatureBytes
};

// The text code of a signed payload (upper case).
std::string FormatTicketCode(std::string_view payload, std::string_view signature);
// Splits a code into payload and signature. InvalidArgument when the prefix is missing, a
// character is outside the alphabet, the code is longer than kMaxTicketCodeChars or too
// short to hold a signature, or the padding bits are not zero. Does not decode the payload.
Result<TicketBytes> ParseTicketCode(std::string_view code);

std::string EncodeBase32(std::string_view bytes);
// InvalidArgument on a character outside the alphabet or non-zero padding bits.
Result<std::string> DecodeBase32(std::string_view text);

}  // namespace kura
