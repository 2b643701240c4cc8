// VersionVector: per origin, the sequence number up to which a replica holds that
// origin's writes ("I hold everything of O up to seq s"). The sync session sends it in its
// hello and acknowledgements; the sender ships only what lies beyond it.
// Thread-compatible value type.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <msgpack.hpp>

namespace kura {

struct VersionVector {
  std::map<std::string, uint64_t> seqs;  // origin -> highest seq held; absent = 0
  MSGPACK_DEFINE_MAP(seqs);
  bool operator==(const VersionVector&) const = default;

  uint64_t Get(const std::string& origin) const {
    auto it = seqs.find(origin);
    return it == seqs.end() ? 0 : it->second;
  }
  // Raises origin's entry to `seq` if it is lower.
  void Advance(const std::string& origin, uint64_t seq) {
    uint64_t& s = seqs[origin];
    if (seq > s) s = seq;
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
