// MemoryReplica: a SyncReplica over plain maps, for session tests, the simulator's
// unit-level checks and kura-bench's simulated stores (hq-ingest). Cells are opaque: each (key, origin) keeps its highest-seq component,
// which is exactly the delta-state rule the real replica follows. Not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "kura/sync/session.h"

namespace kura {

class MemoryReplica final : public SyncReplica {
 public:
  explicit MemoryReplica(std::string self) : self_(std::move(self)) {}

  // A local write: the next seq of this replica's origin for `key`.
  void Write(const std::string& key, const std::string& value) {
    uint64_t seq = ++last_[self_];
    Put(Component{key, self_, seq, value});
  }

  // The seq the next Write will get, for values that carry their own seq (cell slices).
  uint64_t NextSeq() const {
    auto it = last_.find(self_);
    return (it == last_.end() ? 0 : it->second) + 1;
  }

  Result<uint64_t> Head() override { return last_[self_]; }

  Result<VersionVector> Held(const std::string&) override {
    VersionVector vv;
    for (const auto& [origin, seq] : last_) vv.Advance(origin, seq);
    return vv;
  }

  Result<std::vector<Component>> ReadBeyond(const std::string& peer, const VersionVector& from,
                                            std::size_t max_bytes, VersionVector* through) override {
    ++reads;
    std::vector<Component> out;
    std::size_t bytes = 0;
    through->seqs.clear();
    for (const auto& [origin, last] : last_) {
      if (origin == peer) continue;  // the peer has its own writes
      for (auto it = index_.upper_bound({origin, from.Get(origin)});
           it != index_.end() && it->first.first == origin; ++it) {
        const Component& c = cells_.at({it->second, origin});
        if (!out.empty() && bytes + c.value.size() > max_bytes) return out;
        bytes += c.value.size();
        out.push_back(c);
        through->Advance(origin, c.seq);
      }
      if (last > from.Get(origin)) through->Advance(origin, last);
    }
    return out;
  }

  Status Merge(const std::string& peer, const std::vector<Component>& components,
               const VersionVector& through) override {
    ++generation_;  // as a real replica's failed write may have applied
    if (fail_merges) return Status::IOError("injected merge failure");
    for (const Component& c : components) {
      if (c.origin == self_) return Status::InvalidArgument(peer + " sent our own origin");
    }
    for (const Component& c : components) Put(c);
    for (const auto& [origin, seq] : through.seqs) {
      if (origin != self_) last_[origin] = std::max(last_[origin], seq);
    }
    ++merges;
    return Status::Ok();
  }

  std::optional<uint64_t> Generation(const std::string&) override { return generation_; }

  // Every component held, for comparing replicas.
  std::map<std::pair<std::string, std::string>, Component> cells() const { return cells_; }

  bool fail_merges = false;
  int merges = 0;
  int reads = 0;  // ReadBeyond calls

 private:
  void Put(const Component& c) {
    ++generation_;
    auto& slot = cells_[{c.key, c.origin}];
    if (slot.seq >= c.seq && !slot.key.empty()) return;
    if (!slot.key.empty()) index_.erase({c.origin, slot.seq});
    slot = c;
    index_[{c.origin, c.seq}] = c.key;
    last_[c.origin] = std::max(last_[c.origin], c.seq);
  }

  std::string self_;
  uint64_t generation_ = 0;
  std::map<std::string, uint64_t> last_;                               // origin -> seq
  std::map<std::pair<std::string, std::string>, Component> cells_;     // (key, origin)
  std::map<std::pair<std::string, uint64_t>, std::string> index_;      // (origin, seq) -> key
};

}  // namespace kura
