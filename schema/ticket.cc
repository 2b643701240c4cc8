#include "kura/schema/ticket.h"

#include <array>
#include <cctype>

#include "kura/schema/codec.h"
#include "kura/schema/ids.h"

namespace kura {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The 5-bit value of a code character (case-insensitive, Crockford's aliases), or -1.
int Base32Value(char c) {
  c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (c == 'O') c = '0';
  if (c == 'I' || c == 'L') c = '1';
  auto at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// The message is the reason's explanation: callers report it under "malformed".
Status Malformed(const std::string& what) { return Status::InvalidArgument(what); }

Status CheckPayload(const TicketPayload& t) {
  if (t.v != kTicketVersion) return Malformed("version " + std::to_string(t.v) + " is not supported");
  if (Status s = ValidateOrigin(t.issuer); !s.ok()) return Malformed("issuer: " + s.message());
  if (Status s = ValidateStoreId(t.store); !s.ok()) return Malformed("store: " + s.message());
  if (Status s = ValidateHoldId(t.hold); !s.ok()) return Malformed("hold: " + s.message());
  // Only a store and HQ make holds at that store (keys::MayWrite): a ticket another replica
  // signed is no ticket, however well its signature verifies.
  if (t.issuer != t.store && t.issuer != kHqOrigin) {
    return Malformed("issuer " + t.issuer + " makes no holds at store " + t.store);
  }
  if (t.hold.compare(0, t.issuer.size() + 1, t.issuer + ".") != 0) {
    return Malformed("hold " + t.hold + " was not numbered by its issuer " + t.issuer);
  }
  if (!ParseHoldKind(HoldKindName(t.kind))) return Malformed("kind: unknown hold kind");
  if (t.lines.empty() || t.lines.size() > kMaxTicketLines) {
    return Malformed("lines: must hold 1.." + std::to_string(kMaxTicketLines) + " lines");
  }
  for (const TicketLine& line : t.lines) {
    if (Status s = ValidateSku(line.sku); !s.ok()) return Malformed("lines: " + s.message());
    if (line.qty < 1 || line.qty > kMaxQty) return Malformed("lines: qty out of range");
  }
  if (t.expires_ms <= 0) return Malformed("expires_ms: must be positive");
  return Status::Ok();
}

}  // namespace

TicketPayload TicketOf(const HoldBody& body) {
  TicketPayload t;
  t.hold = body.id;
  t.store = body.store;
  t.kind = body.kind;
  for (const HoldLine& line : body.lines) t.lines.push_back({line.sku, line.qty});
  t.expires_ms = body.expires_ms;
  t.issuer = body.issuer;
  return t;
}

std::string EncodeTicketPayload(const TicketPayload& payload) { return Encode(payload); }

Result<TicketPayload> DecodeTicketPayload(std::string_view bytes) {
  TicketPayload t;
  try {
    std::size_t offset = 0;
    // Seven fields, up to kMaxTicketLines lines of two, ids of at most 64 bytes.
    msgpack::object_handle oh =
        msgpack::unpack(bytes.data(), bytes.size(), offset, ReferenceInput, nullptr,
                        msgpack::unpack_limit(kMaxTicketLines, 16, 64, 0, 0, 3));
    if (offset != bytes.size()) return Malformed("trailing bytes after the payload");
    oh.get().convert(t);
  } catch (const std::exception& e) {
    return Malformed(std::string("undecodable payload: ") + e.what());
  }
  KURA_RETURN_IF_ERROR(CheckPayload(t));
  return t;
}

std::string FormatTicketCode(std::string_view payload, std::string_view signature) {
  std::string bytes(payload);
  bytes += signature;
  return std::string(kTicketPrefix) + EncodeBase32(bytes);
}

Result<TicketBytes> ParseTicketCode(std::string_view code) {
  if (code.size() > kMaxTicketCodeChars) {
    return Malformed("code is " + std::to_string(code.size()) + " characters, more than " +
                     std::to_string(kMaxTicketCodeChars));
  }
  if (code.size() < kTicketPrefix.size()) return Malformed("code does not start with KT1.");
  for (std::size_t i = 0; i < kTicketPrefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(code[i])) != kTicketPrefix[i]) {
      return Malformed("code does not start with KT1.");
    }
  }
  auto bytes = DecodeBase32(code.substr(kTicketPrefix.size()));
  if (!bytes.ok()) return Malformed(bytes.status().message());
  if (bytes->size() <= kTicketSignatureBytes) return Malformed("code too short to hold a signature");
  std::size_t split = bytes->size() - kTicketSignatureBytes;
  return TicketBytes{bytes->substr(0, split), bytes->substr(split)};
}

std::string EncodeBase32(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kAlphabet[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

Result<std::string> DecodeBase32(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 5 / 8);
  uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    int v = Base32Value(text[i]);
    if (v < 0) {
      return Status::InvalidArgument("character " + std::to_string(i + 1) + " is not base32");
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // What is left must be padding: fewer than 5 bits (else a character too many), all zero,
  // so that every byte string has exactly one code.
  if (bits >= 5 || (buffer & ((1u << bits) - 1)) != 0) {
    return Status::InvalidArgument("base32 text does not end on a byte boundary");
  }
  return out;
}

}  // namespace kura
