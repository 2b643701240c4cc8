#include "cell_replica.h"

#include <algorithm>
#include <map>
#include <utility>

#include "change_log.h"
#include "kura/schema/keys.h"
#include "kura/schema/records.h"
#include "kura/sync/cell_slice.h"

namespace kura {

CellReplica::CellReplica(Db* db, std::string self, Role role, Observer* observer)
    : db_(db), self_(std::move(self)), role_(role), observer_(observer), txn_(db) {}

Result<uint64_t> CellReplica::Head() { return LastSeq(txn_, self_); }
Result<uint64_t> CellReplica::LaneHead(std::string_view lane) {
  if (IsOwnLane(lane)) return LastSeq(txn_, lane);
  KURA_RETURN_IF_ERROR(LoadLanes());
  auto it = lane_heads_.find(lane);
  return it == lane_heads_.end() ? 0 : it->second;
}

Result<VersionVector> CellReplica::Held(const std::string& peer) {
  VersionVector held;
  if (role_ == Role::kHq) {
    // A store may send us only its own origin's lanes.
    for (const std::string& lane : {peer, keys::JournalLane(peer)}) {
      KURA_ASSIGN_OR_RETURN(uint64_t seq, LaneHead(lane));
      if (seq > 0) held.Advance(lane, seq);
    }
    return held;
  }
  // HQ may send a store anything (it relays), our own origin included after a wipe.
  KURA_ASSIGN_OR_RETURN(auto lanes, AllLanes());
  for (const auto& [lane, seq] : lanes) {
    if (seq > 0) held.Advance(lane, seq);
  }
  return held;
}

std::optional<uint64_t> CellReplica::Generation(const std::string& peer) {
  if (role_ != Role::kHq) return db_->writes();
  // A store's batch without global cells moved only its own lanes: news to that store
  // alone (which holds them already, but may have lost its disk).
  auto own = private_merges_by_.find(peer);
  return db_->writes() - private_merges_ + (own == private_merges_by_.end() ? 0 : own->second);
}

Result<uint64_t> CellReplica::HeldLane(const std::string& peer, std::string_view lane) {
  // As Held: HQ holds of a store only what that store may send, its own two lanes.
  if (role_ == Role::kHq && lane != peer && lane != keys::JournalLane(peer)) return 0;
  return LaneHead(lane);
}

Result<bool> CellReplica::HoldsOwnLanes(const VersionVector& at_hq) {
  for (const std::string& lane : {self_, keys::JournalLane(self_)}) {
    KURA_ASSIGN_OR_RETURN(uint64_t seq, LaneHead(lane));
    if (seq < at_hq.Get(lane)) return false;
  }
  return true;
}

bool CellReplica::IsOwnLane(std::string_view lane) const {
  return lane == self_ || (keys::IsJournalLane(lane) && keys::OriginOfLane(lane) == self_);
}

Status CellReplica::LoadLanes() {
  if (lanes_loaded_) return Status::Ok();
  Status inner;
  KURA_RETURN_IF_ERROR(txn_.Scan(Cf::kMeta, "seq/", [&](std::string_view key, std::string_view value) {
    std::string_view lane = key.substr(4);
    uint64_t seq = 0;
    inner = Decode(value, &seq);
    if (!inner.ok()) return false;
    if (IsOwnLane(lane)) return true;
    lane_heads_.emplace(lane, seq);
    // Unknown until a global cell arrives: any change up to the head may be one.
    if (!keys::IsJournalLane(lane)) shared_heads_.emplace(lane, seq);
    return true;
  }));
  KURA_RETURN_IF_ERROR(inner);
  lanes_loaded_ = true;
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, uint64_t>>> CellReplica::AllLanes() {
  KURA_RETURN_IF_ERROR(LoadLanes());
  std::vector<std::pair<std::string, uint64_t>> lanes(lane_heads_.begin(), lane_heads_.end());
  for (std::string lane : {self_, keys::JournalLane(self_)}) {
    KURA_ASSIGN_OR_RETURN(uint64_t last, LastSeq(txn_, lane));
    if (last > 0) lanes.emplace_back(std::move(lane), last);
  }
  std::sort(lanes.begin(), lanes.end());
  return lanes;
}

Result<bool> CellReplica::Append(const std::string& origin, uint64_t seq, std::string_view cell_key,
                                 std::size_t max_bytes, std::size_t* bytes, std::vector<Component>* out,
                                 VersionVector* through) {
  std::string cell;
  KURA_RETURN_IF_ERROR(txn_.Get(Cf::kCells, cell_key, &cell));
  KURA_ASSIGN_OR_RETURN(Component component, SliceCell(cell_key, cell, origin));
  if (!out->empty() && (*bytes + component.value.size() > max_bytes || out->size() >= kMaxBatchComponents)) {
    return false;
  }
  *bytes += component.value.size();
  out->push_back(std::move(component));
  through->Advance(origin, seq);
  return true;
}

Status CellReplica::ReadOrigin(const std::string& peer, const std::string& origin, uint64_t after,
                               uint64_t last, std::size_t max_bytes, std::size_t* bytes,
                               std::vector<Component>* out, VersionVector* through) {
  if (role_ == Role::kHq && origin == self_) return ReadOwnLaneFor(peer, after, last, max_bytes, bytes, out, through);
  Status inner;
  bool full = false;
  // Of another store's origin, a store may receive only global cells: read just those.
  // Everything else read here is the peer's: at HQ its own lane, which HQ accepted only
  // within its partition (Authorize); at a store, our own lane.
  bool shared_only = role_ == Role::kHq && origin != peer;
  KURA_RETURN_IF_ERROR(txn_.Scan(
      Cf::kChanges, shared_only ? keys::SharedChangePrefix(origin) : keys::ChangePrefix(origin),
      [&](std::string_view key, std::string_view value) {
        uint64_t seq = keys::SeqOfChange(key);
        auto appended = Append(origin, seq, ParseChangeEntry(value).cell_key, max_bytes, bytes, out, through);
        if (!appended.ok()) inner = appended.status();
        full = appended.ok() && !*appended;
        return appended.ok() && *appended;
      },
      shared_only ? keys::SharedChange(origin, after + 1) : keys::Change(origin, after + 1)));
  KURA_RETURN_IF_ERROR(inner);
  if (!full) through->Advance(origin, last);
  return full ? Status::TooLarge("batch full") : Status::Ok();
}

Status CellReplica::ReadOwnLaneFor(const std::string& peer, uint64_t after, uint64_t last,
                                   std::size_t max_bytes, std::size_t* bytes, std::vector<Component>* out,
                                   VersionVector* through) {
  // Our lane holds our writes to every store's holds and rights; the peer may receive its
  // own and the global cells, which two views list apart (PROTOCOL.md 3). Merged in seq
  // order, each only as far as the batch has room. A view read only in part bounds what
  // the batch can vouch for.
  std::vector<std::pair<uint64_t, std::string>> entries;  // seq, cell key
  std::size_t room = kMaxBatchComponents - std::min(out->size(), kMaxBatchComponents);
  uint64_t complete_to = last;
  for (const auto& [prefix, start] : {std::pair(keys::SharedChangePrefix(self_), keys::SharedChange(self_, after + 1)),
                                      std::pair(keys::StoreChangePrefix(peer), keys::StoreChange(peer, after + 1))}) {
    std::size_t read = 0;
    KURA_RETURN_IF_ERROR(txn_.Scan(Cf::kChanges, prefix, [&](std::string_view key, std::string_view value) {
      uint64_t seq = keys::SeqOfChange(key);
      if (seq > complete_to) return false;
      if (read++ == room) {
        complete_to = seq - 1;
        return false;
      }
      entries.emplace_back(seq, ParseChangeEntry(value).cell_key);
      return true;
    }, start));
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& [seq, cell_key] : entries) {
    if (seq > complete_to) break;
    KURA_ASSIGN_OR_RETURN(bool appended, Append(self_, seq, cell_key, max_bytes, bytes, out, through));
    if (!appended) return Status::TooLarge("batch full");
  }
  through->Advance(self_, complete_to);
  return complete_to < last ? Status::TooLarge("batch full") : Status::Ok();
}

Status CellReplica::ReadJournal(const std::string& peer, const std::string& lane, uint64_t after,
                                uint64_t last, std::size_t max_bytes, std::size_t* bytes,
                                std::vector<Component>* out, VersionVector* through) {
  std::string origin(keys::OriginOfLane(lane));
  if (role_ == Role::kHq && !keys::InPartition(keys::JournalPrefix(origin), peer)) {
    // Not the peer's: skipping it is holding it.
    through->Advance(lane, last);
    return Status::Ok();
  }
  bool full = false;
  KURA_RETURN_IF_ERROR(txn_.Scan(
      Cf::kCells, keys::JournalPrefix(origin),
      [&](std::string_view key, std::string_view value) {
        if (!out->empty() && (*bytes + value.size() > max_bytes || out->size() >= kMaxBatchComponents)) {
          full = true;
          return false;
        }
        uint64_t seq = GetBigEndian64(key.substr(key.size() - 8));
        *bytes += value.size();
        // A receipt is its own slice, and its key names its origin and seq.
        out->push_back(Component{std::string(key), origin, seq, std::string(value)});
        through->Advance(lane, seq);
        return true;
      },
      keys::Journal(origin, after + 1)));
  // Receipts compacted away below `after` were acknowledged: the lane's head is held.
  if (!full) through->Advance(lane, last);
  return full ? Status::TooLarge("batch full") : Status::Ok();
}

Result<std::vector<Component>> CellReplica::ReadBeyond(const std::string& peer,
                                                       const VersionVector& from,
                                                       std::size_t max_bytes,
                                                       VersionVector* through) {
  through->seqs.clear();
  std::vector<Component> out;
  std::size_t bytes = 0;
  // A store ships only its own writes; HQ relays every origin's. Cell lanes go first, so
  // stock and holds overtake a backlog of receipts.
  std::vector<std::pair<std::string, uint64_t>> lanes;  // lane, its last seq here
  for (std::string lane : {self_, keys::JournalLane(self_)}) {
    KURA_ASSIGN_OR_RETURN(uint64_t last, LastSeq(txn_, lane));
    lanes.emplace_back(std::move(lane), last);
  }
  if (role_ == Role::kHq) {
    KURA_RETURN_IF_ERROR(LoadLanes());
    // The peer's own lanes (it may have lost them with its disk), and of another store's
    // origin only the lanes with a global cell beyond the peer's position: the rest holds
    // nothing the peer may receive, and is left out rather than walked on every push.
    for (std::string lane : {peer, keys::JournalLane(peer)}) {
      if (auto it = lane_heads_.find(lane); it != lane_heads_.end()) lanes.emplace_back(std::move(lane), it->second);
    }
    auto held = from.seqs.begin();  // both maps are in lane order: walk them together
    for (const auto& [lane, shared] : shared_heads_) {
      while (held != from.seqs.end() && held->first < lane) ++held;
      uint64_t after = held != from.seqs.end() && held->first == lane ? held->second : 0;
      if (shared <= after || lane == peer) continue;
      if (auto head = lane_heads_.find(lane); head != lane_heads_.end()) lanes.emplace_back(lane, head->second);
    }
    std::sort(lanes.begin(), lanes.end());
    std::stable_partition(lanes.begin(), lanes.end(), [](const auto& l) { return !keys::IsJournalLane(l.first); });
  }
  for (const auto& [lane, last] : lanes) {
    uint64_t after = from.Get(lane);
    if (last <= after) continue;
    // Cells ride alone: a batch of stock is not held up merging receipts behind it.
    if (keys::IsJournalLane(lane) && !out.empty()) break;
    Status s = keys::IsJournalLane(lane)
                   ? ReadJournal(peer, lane, after, last, max_bytes, &bytes, &out, through)
                   : ReadOrigin(peer, lane, after, last, max_bytes, &bytes, &out, through);
    if (s.code() == Status::Code::kTooLarge) break;
    KURA_RETURN_IF_ERROR(s);
  }
  return out;
}

Status CellReplica::Authorize(const std::string& peer, const Component& c) const {
  if (role_ == Role::kHq) {
    if (c.origin != peer) return Status::InvalidArgument("store " + peer + " may not write as origin " + c.origin);
    if (!keys::InPartition(c.key, peer)) return Status::InvalidArgument("store " + peer + " may not write " + c.key);
  } else {
    if (peer != kHqOrigin) return Status::InvalidArgument("a store syncs only with hq, not " + peer);
    if (!keys::InPartition(c.key, self_)) return Status::InvalidArgument("cell " + c.key + " is not in our partition");
  }
  if (!keys::MayWrite(c.key, c.origin)) return Status::InvalidArgument("origin " + c.origin + " may not write " + c.key);
  return Status::Ok();
}

std::string CellReplica::LaneOf(const Component& c) {
  return CellTypeOfKey(c.key) == CellType::kJournal ? keys::JournalLane(c.origin) : c.origin;
}

Status CellReplica::Merge(const std::string& peer, const std::vector<Component>& components,
                          const VersionVector& through) {
  if (in_group_) return MergeIntoGroup(peer, components, through);
  BeginGroup();
  Status merged = MergeIntoGroup(peer, components, through);
  Status committed = CommitGroup();
  return merged.ok() ? committed : merged;
}

Status CellReplica::MergeIntoGroup(const std::string& peer, const std::vector<Component>& components,
                                   const VersionVector& through) {
  for (const Component& c : components) {
    KURA_RETURN_IF_ERROR(Authorize(peer, c));
    if (c.seq > through.Get(LaneOf(c))) return Status::InvalidArgument("component " + c.key + " lies beyond the batch");
  }
  KURA_RETURN_IF_ERROR(LoadLanes());
  // Only a batch joining earlier ones needs a save point; alone, a refusal clears the write.
  bool joins = !txn_.empty();
  if (joins) txn_.SetSavePoint();
  std::map<std::string, uint64_t> held;  // lane -> what we held before this batch
  std::map<std::string, uint64_t> heads, shared;  // what lane_heads_ and shared_heads_ become
  Status s = [&]() -> Status {
    for (const Component& c : components) {
      std::string lane = LaneOf(c);
      auto it = held.find(lane);
      if (it == held.end()) {
        KURA_ASSIGN_OR_RETURN(uint64_t last, LaneHead(lane));
        it = held.emplace(lane, last).first;
      }
      // We hold everything of the lane up to there: this version or a newer one is here.
      if (c.seq <= it->second) continue;
      if (keys::IsJournalLane(lane)) {
        // Beyond what we hold, so not here yet: write once, no read needed.
        KURA_ASSIGN_OR_RETURN(MergedCell merged, MergeComponent(c, nullptr));
        txn_.Put(Cf::kCells, c.key, merged.cell);
        if (observer_ != nullptr) KURA_RETURN_IF_ERROR(observer_->OnCellMerged(txn_, c.key, nullptr, merged.cell));
        continue;
      }
      std::string stored;
      Status got = txn_.Get(Cf::kCells, c.key, &stored);
      if (!got.ok() && got.code() != Status::Code::kNotFound) return got;
      const std::string* before = got.ok() ? &stored : nullptr;
      KURA_ASSIGN_OR_RETURN(MergedCell merged, MergeComponent(c, before));
      if (!merged.changed) continue;
      txn_.Put(Cf::kCells, c.key, merged.cell);
      IndexMergedChange(txn_, c.origin, merged.previous_seq, c.seq, c.key);
      if (c.key.compare(0, keys::kGlobalPrefix.size(), keys::kGlobalPrefix) == 0) {
        uint64_t& newest = shared[c.origin];
        newest = std::max(newest, c.seq);
      }
      if (observer_ != nullptr) KURA_RETURN_IF_ERROR(observer_->OnCellMerged(txn_, c.key, before, merged.cell));
    }
    for (const auto& [lane, seq] : through.seqs) {
      if (role_ == Role::kHq && keys::OriginOfLane(lane) != peer) continue;  // a store vouches only for itself
      KURA_ASSIGN_OR_RETURN(uint64_t last, LaneHead(lane));
      if (seq <= last) continue;
      txn_.Write(Cf::kMeta, keys::OriginSeq(lane), seq);
      if (!IsOwnLane(lane)) heads[lane] = seq;
    }
    return Status::Ok();
  }();
  if (!s.ok()) {
    if (joins) {
      txn_.RollbackToSavePoint();  // and drops it
    } else {
      txn_.Clear();
    }
    return s;
  }
  if (joins) txn_.PopSavePoint();
  // Kept in step with the pending write, so the group's next batch from this store finds
  // its lanes where this one left them; CommitGroup rereads them if the write fails.
  for (const auto& [lane, seq] : heads) lane_heads_[lane] = seq;
  for (const auto& [origin, seq] : shared) {
    if (IsOwnLane(origin)) continue;
    uint64_t& newest = shared_heads_[origin];
    newest = std::max(newest, seq);
  }
  group_peers_.insert(peer);
  ++group_batches_;
  if (!shared.empty()) group_shared_ = true;
  return s;
}

Status CellReplica::CommitGroup() {
  in_group_ = false;
  std::set<std::string, std::less<>> peers = std::exchange(group_peers_, {});
  uint64_t batches = std::exchange(group_batches_, 0);
  bool shared = std::exchange(group_shared_, false);
  // Counted before the write, as Db counts it: an empty group writes nothing.
  bool writes = !txn_.empty();
  Status s = txn_.Commit();
  if (!s.ok()) {
    // The caches learnt heads that are not durable: read them again from what is.
    lanes_loaded_ = false;
    lane_heads_.clear();
    shared_heads_.clear();
    return s;
  }
  if (writes) {
    ++merge_counts_.commits;
    merge_counts_.batches += batches;
  }
  if (role_ == Role::kHq && writes && !shared) {
    ++private_merges_;
    for (const std::string& peer : peers) ++private_merges_by_[peer];
  }
  return s;
}

Result<std::pair<int64_t, uint64_t>> CellReplica::Pending(const VersionVector& acked) {
  int64_t oldest = 0;
  uint64_t count = 0;
  // Receipts: numbered without gaps, so the count is a difference.
  std::string journal_lane = keys::JournalLane(self_);
  uint64_t journal_acked = acked.Get(journal_lane);
  KURA_ASSIGN_OR_RETURN(uint64_t journal_head, LastSeq(txn_, journal_lane));
  if (journal_head > journal_acked) {
    count = journal_head - journal_acked;
    KURA_ASSIGN_OR_RETURN(auto first, txn_.Read<Receipt>(Cf::kCells, keys::Journal(self_, journal_acked + 1)));
    if (first) oldest = first->at_ms;
  }
  KURA_RETURN_IF_ERROR(txn_.Scan(
      Cf::kChanges, keys::ChangePrefix(self_),
      [&](std::string_view, std::string_view value) {
        int64_t at = ParseChangeEntry(value).at_ms;
        if (oldest == 0 || (at != 0 && at < oldest)) oldest = at;
        ++count;
        return true;
      },
      keys::Change(self_, acked.Get(self_) + 1)));
  return std::make_pair(oldest, count);
}

}  // namespace kura
