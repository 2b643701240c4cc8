// The anti-entropy messages exchanged by two sync sessions (schema/PROTOCOL.md, "Sync
// protocol"). Each message is one msgpack map {"v": 2, "t": <type>, ...} (kSyncVersion);
// Decode applies the untrusted-input limits and refuses unknown types and newer versions.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <msgpack.hpp>

#include "kura/schema/status.h"
#include "kura/sync/hlc.h"
#include "kura/sync/version_vector.h"

namespace kura {

inline constexpr int kSyncVersion = 2;
// A batch stays under this many bytes of component values, so a message is bounded.
inline constexpr std::size_t kMaxBatchBytes = 256 * 1024;
inline constexpr std::size_t kMaxBatchComponents = 4096;
// A batch's components travel as one zstd frame; decompressed it may not exceed this.
inline constexpr std::size_t kMaxComponentBlockBytes = kMaxBatchBytes + 512 * 1024;
inline constexpr std::size_t kMaxSyncMessageBytes = kMaxComponentBlockBytes;

// One origin's component of one cell: the newest version the sender holds.
struct Component {
  std::string key;     // cell key (schema/keys.h)
  std::string origin;  // whose component
  uint64_t seq = 0;    // origin's sequence number of this version
  std::string value;   // the cell restricted to this origin's component (sync/cell_slice.h)
  MSGPACK_DEFINE_ARRAY(key, origin, seq, value);
  bool operator==(const Component&) const = default;
};

// Type 0 is reserved. Values are part of the protocol.
enum class SyncType : uint8_t {
  kUnknown = 0, kHello = 1, kBatch = 2, kAck = 3, kPing = 4, kCall = 5, kCallReply = 6
};

// "This is what I hold of what you may send me." Starts (and restarts) a session. A
// hello that is not itself a reply is answered with a hello (reply = true), so both sides
// learn where to resume even when one of the first two hellos is lost.
struct Hello {
  std::string from;
  VersionVector held;
  HlcTimestamp hlc = 0;
  bool reply = false;
};

// Components beyond `from`; after applying them the receiver holds everything up to
// `through`. A receiver that does not hold `from` yet has a gap and must not apply it.
struct Batch {
  uint64_t number = 0;
  VersionVector from;
  VersionVector through;
  std::vector<Component> components;
  HlcTimestamp hlc = 0;
};

// Sent after a batch was made durable (or refused for a gap): what the receiver holds now.
struct Ack {
  uint64_t number = 0;
  VersionVector held;
  bool gap = false;
  HlcTimestamp hlc = 0;
};

// Heartbeat while idle; carries the sender's clock for skew measurement and its head (the
// highest sequence number of its own origin) so the peer can tell how far behind it is.
struct Ping {
  HlcTimestamp hlc = 0;
  int64_t wall_ms = 0;
  uint64_t head = 0;
};

// A local-API request (schema/PROTOCOL.md section 1) HQ asks the store to execute: how an
// online order for a connected store is decided by the store itself. Not retransmitted;
// the caller gives up after its own timeout, and the request's rid makes a repeat
// harmless.
struct Call {
  uint64_t number = 0;
  std::string request;  // an encoded API request
  HlcTimestamp hlc = 0;
};

// The encoded API reply to the Call with the same number.
struct CallReply {
  uint64_t number = 0;
  std::string reply;
  HlcTimestamp hlc = 0;
};

// A call's request or reply may not exceed this (the local API's own request limit).
inline constexpr std::size_t kMaxCallBytes = 64 * 1024;

using SyncMessage = std::variant<Hello, Batch, Ack, Ping, Call, CallReply>;

std::string EncodeSyncMessage(const SyncMessage& message);
// BadRequest for anything undecodable, TooLarge over the limits, Unsupported for a newer
// version or an unknown type.
Result<SyncMessage> DecodeSyncMessage(std::string_view bytes);

}  // namespace kura
