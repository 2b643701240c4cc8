// Last-writer-wins register: a value (opaque bytes: a store's directory entry, a price, a
// customer field) stamped with the hybrid-logical time of its write and the writer's
// origin. Merge keeps the greater (hlc, origin): a total order, so every replica keeps the
// same value whatever the delivery order. Thread-compatible value type.
#pragma once

#include <map>
#include <string>
#include <tuple>

#include <msgpack.hpp>

#include "kura/schema/msgpack_map.h"
#include "kura/sync/hlc.h"

namespace kura {

// A store's register writes are stamped below this (wall time beyond the year 6000), and
// only HQ's may reach it: HQ can then always stamp after a store's write on a register
// both write (a store's status), however far ahead that store stamped. Peers' writes
// at or past it from a store are refused (cell_slice.cc); a store refuses its own.
inline constexpr HlcTimestamp kStoreStampCeiling = HlcTimestamp{1} << 63;

struct LwwRegister {
  std::string value;
  HlcTimestamp hlc = 0;
  std::string origin;  // the writer; breaks ties between equal timestamps
  uint64_t seq = 0;    // the writer's sequence number of this write
  KURA_MSGPACK_MAP(value, hlc, origin, seq);
  bool operator==(const LwwRegister&) const = default;

  // True when `other` wins over this register.
  bool LosesTo(const LwwRegister& other) const {
    return std::tie(hlc, origin) < std::tie(other.hlc, other.origin);
  }
  void Merge(const LwwRegister& other) {
    if (LosesTo(other)) *this = other;
  }
};

// A global cell (store directory entry, key directory entry, catalog item) as per-origin
// components: each origin's latest write. Its value is the write that wins over all.
struct RegisterCell {
  std::map<std::string, LwwRegister> writes;  // origin -> its latest write
  KURA_MSGPACK_MAP(writes);

  // Null when nobody has written.
  const LwwRegister* Winner() const {
    const LwwRegister* best = nullptr;
    for (const auto& [origin, w] : writes) {
      if (best == nullptr || best->LosesTo(w)) best = &w;
    }
    return best;
  }
  void Merge(const RegisterCell& other) {
    for (const auto& [origin, theirs] : other.writes) {
      LwwRegister& mine = writes[origin];
      if (theirs.seq > mine.seq) mine = theirs;
    }
  }
};

}  // namespace kura
