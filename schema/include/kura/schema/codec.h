// msgpack encoding of records and cells, and the limits applied to untrusted input.
//
// Decode never throws: a msgpack error (truncated, wrong type, over a limit) becomes
// Status::Corruption for stored bytes, the caller maps it to bad_request for wire bytes.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <msgpack.hpp>

#include "kura/schema/status.h"

namespace kura {

// Bounds for any msgpack we did not write ourselves: no container may claim more entries
// than a legitimate request could hold, so a 5-byte "array of 4 billion" header cannot make
// us allocate. See PROTOCOL.md, "Limits".
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;
inline constexpr std::size_t kMaxContainerEntries = 256;
inline constexpr std::size_t kMaxStringBytes = 4096;
inline constexpr std::size_t kMaxNestingDepth = 8;

inline msgpack::unpack_limit UntrustedLimits() {
  return msgpack::unpack_limit(kMaxContainerEntries, kMaxContainerEntries, kMaxStringBytes,
                               kMaxStringBytes, kMaxStringBytes, kMaxNestingDepth);
}

template <typename T>
std::string Encode(const T& value) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, value);
  return std::string(buf.data(), buf.size());
}

// Tells msgpack-c to leave strings and binaries in the input rather than copy them into
// its object tree. For every decoder that converts the tree before the input goes away
// (those below, requests, sync messages, ticket payloads).
inline bool ReferenceInput(msgpack::type::object_type, std::size_t, void*) { return true; }

// Decodes bytes we wrote ourselves (RocksDB values). Trailing bytes are corruption.
template <typename T>
Status Decode(std::string_view bytes, T* out) {
  try {
    std::size_t offset = 0;
    msgpack::object_handle oh = msgpack::unpack(bytes.data(), bytes.size(), offset, ReferenceInput, nullptr,
                                                msgpack::unpack_limit());
    if (offset != bytes.size()) return Status::Corruption("trailing bytes after value");
    oh.get().convert(*out);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("undecodable value: ") + e.what());
  }
}

// Decodes bytes that came from a peer: as Decode, but no container may claim more than
// kMaxContainerEntries * 16 entries and no string more than 64 KiB, so a forged header
// cannot make msgpack-c allocate gigabytes.
template <typename T>
Status DecodeUntrusted(std::string_view bytes, T* out) {
  try {
    std::size_t offset = 0;
    msgpack::object_handle oh = msgpack::unpack(
        bytes.data(), bytes.size(), offset, ReferenceInput, nullptr,
        msgpack::unpack_limit(kMaxContainerEntries * 16, kMaxContainerEntries * 16, 64 * 1024,
                              64 * 1024, 0, kMaxNestingDepth));
    if (offset != bytes.size()) return Status::BadRequest("trailing bytes after value");
    oh.get().convert(*out);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::BadRequest(std::string("undecodable value: ") + e.what());
  }
}

// 64-bit FNV-1a of `bytes`, continuing from `h`: a stable hash (unlike std::hash) for
// fingerprints that are stored or sent.
inline constexpr uint64_t kFnvOffset = 1469598103934665603ULL;
inline uint64_t Fnv1a64(std::string_view bytes, uint64_t h = kFnvOffset) {
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// Big-endian fixed-width integers, used inside keys so that byte order is numeric order.
void PutBigEndian64(std::string* dst, uint64_t v);
uint64_t GetBigEndian64(std::string_view src);  // REQUIRES: src.size() >= 8

}  // namespace kura
