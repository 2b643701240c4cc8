// VersionVector: per origin, the sequence number up to which a replica holds that
// origin's writes ("I hold everything of O up to seq s"). The sync session sends it in its
// hello and acknowledgements; the sender ships only what lies beyond it.
// Thread-compatible value type.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <msgpack.hpp>

#include "kura/schema/msgpack_map.h"

namespace kura {

struct VersionVector {
  std::map<std::string, uint64_t, std::less<>> seqs;  // origin -> highest seq held; absent = 0
  KURA_MSGPACK_MAP(seqs);
  bool operator==(const VersionVector&) const = default;

  uint64_t Get(std::string_view origin) const {
    auto it = seqs.find(origin);
    return it == seqs.end() ? 0 : it->second;
  }
  // Raises origin's entry to `seq` if it is lower.
  void Advance(std::string_view origin, uint64_t seq) {
    auto it = seqs.find(origin);
    if (it == seqs.end()) {
      seqs.emplace(std::string(origin), seq);
    } else if (seq > it->second) {
      it->second = seq;
    }
  }
  // Pointwise max.
  void Merge(const VersionVector& other) {
    for (const auto& [origin, seq] : other.seqs) Advance(origin, seq);
  }
  // True when this vector holds everything `other` does.
  bool Covers(const VersionVector& other) const {
    for (const auto& [origin, seq] : other.seqs) {
      if (Get(origin) < seq) return false;
    }
    return true;
  }
};

}  // namespace kura
