// CellReplica: the RocksDB side of sync — what a daemon's SyncSession reads and merges.
//
// Reads walk the change index (one entry per cell and origin: the newest version) from the
// peer's version vector onward and ship each cell's component for that origin, so a
// thousand sales of one SKU cost one component. Merges apply a whole batch in one synced
// WriteBatch, together with the advanced version vector and any derived state, before the
// session acknowledges it; at HQ that WriteBatch carries every batch of a group commit.
//
// Origin authorization lives here: HQ accepts from store P only P's own components of
// P's partition; a store accepts from HQ (which relays) only cells of its own partition.
// A batch with one forbidden component is refused whole. Not thread-safe: one per loop.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "db.h"
#include "kura/schema/ids.h"
#include "kura/sync/session.h"
#include "txn.h"

namespace kura {

class CellReplica final : public SyncReplica {
 public:
  enum class Role { kStore, kHq };

  // Told about every cell a merge changed, inside the merge's write, so derived state
  // (a store's held units, slips) stays in step with the cells. It must not write cells
  // of our own origin: Generation counts a merge as private to the sending store.
  class Observer {
   public:
    virtual ~Observer() = default;
    // `before` is null when the cell is new here.
    virtual Status OnCellMerged(Txn& txn, std::string_view key, const std::string* before,
                                const std::string& after) = 0;
  };

  // `db` and `observer` (may be null) are not owned and must outlive the replica.
  CellReplica(Db* db, std::string self, Role role, Observer* observer);

  Result<uint64_t> Head() override;
  // The highest seq of `lane` held here (committed, and for our own lanes also pending in
  // this replica's write).
  Result<uint64_t> LaneHead(std::string_view lane);
  // A store's replica: whether it holds its own two lanes up to `at_hq`, what HQ's Hello
  // said HQ holds of them; then a restore after a disk replacement is done
  // (Engine::awaiting_hq).
  Result<bool> HoldsOwnLanes(const VersionVector& at_hq);
  Result<VersionVector> Held(const std::string& peer) override;
  Result<uint64_t> HeldLane(const std::string& peer, std::string_view lane) override;
  // The database's write count (every change, ours or merged, is a write), less HQ's
  // merges of another store's batch that carried nothing global: those change nothing
  // `peer` may receive, and at 200 stores they are most of HQ's writes.
  std::optional<uint64_t> Generation(const std::string& peer) override;
  Result<std::vector<Component>> ReadBeyond(const std::string& peer, const VersionVector& from,
                                            std::size_t max_bytes, VersionVector* through) override;
  // Outside a group, commits the batch at once (a group of one).
  Status Merge(const std::string& peer, const std::vector<Component>& components,
               const VersionVector& through) override;

  // Group commit, for HQ, which merges batches from hundreds of stores: between
  // BeginGroup and CommitGroup each Merge leaves its writes pending (visible to the next
  // merge and read; a refused batch rolls back only its own), and CommitGroup makes them
  // all durable with one synced write. The caller must hold back whatever claims a merge
  // is durable (its Ack) until CommitGroup succeeds. When it fails, every merge of the
  // group is forgotten, as if its batch never arrived.
  void BeginGroup() { in_group_ = true; }
  Status CommitGroup();

  // Synced writes of merged batches, and the batches they carried (hq.sync_status).
  struct MergeCounts {
    uint64_t commits = 0, batches = 0;
  };
  const MergeCounts& merge_counts() const { return merge_counts_; }

  // When the oldest change of our own lanes beyond `acked` was written (0: none pending),
  // and how many of our components lie beyond it.
  Result<std::pair<int64_t, uint64_t>> Pending(const VersionVector& acked);

 private:
  // Whether `peer` may make us hold `component`.
  Status Authorize(const std::string& peer, const Component& component) const;
  // The version-vector lane a component belongs to (schema/keys.h, "Sequence lanes").
  static std::string LaneOf(const Component& c);
  // Appends origin's component of `cell_key`, its change `seq`, to the batch unless that
  // would overfill it (then false).
  Result<bool> Append(const std::string& origin, uint64_t seq, std::string_view cell_key,
                      std::size_t max_bytes, std::size_t* bytes, std::vector<Component>* out,
                      VersionVector* through);
  // Appends origin's components beyond `after` (up to `last`, its head) that `peer` may receive.
  Status ReadOrigin(const std::string& peer, const std::string& origin, uint64_t after,
                    uint64_t last, std::size_t max_bytes, std::size_t* bytes, std::vector<Component>* out,
                    VersionVector* through);

  // ReadOrigin of HQ's own lane, at HQ: from the views of it the peer may receive.
  Status ReadOwnLaneFor(const std::string& peer, uint64_t after, uint64_t last, std::size_t max_bytes,
                        std::size_t* bytes, std::vector<Component>* out, VersionVector* through);

  // The same for a journal lane: its receipts, read straight from the cells in seq order.
  Status ReadJournal(const std::string& peer, const std::string& lane, uint64_t after,
                     uint64_t last, std::size_t max_bytes, std::size_t* bytes, std::vector<Component>* out,
                     VersionVector* through);

  // Merge's work inside a group.
  Status MergeIntoGroup(const std::string& peer, const std::vector<Component>& components,
                        const VersionVector& through);

  bool IsOwnLane(std::string_view lane) const;
  // Fills lane_heads_ and shared_heads_ from cf meta, once.
  Status LoadLanes();
  // Every lane held here with its head, ours read afresh, sorted by lane.
  Result<std::vector<std::pair<std::string, uint64_t>>> AllLanes();

  Db* db_;
  std::string self_;
  Role role_;
  Observer* observer_;
  Txn txn_;

  // Heads of the lanes of other origins. Only Merge writes those (the engine writes our
  // own two, which are read afresh), so they are read from cf meta once and then kept in
  // step here. Scanning `seq/` instead would step over every version of every head that
  // RocksDB still keeps, and each batch rewrites them.
  bool lanes_loaded_ = false;
  std::map<std::string, uint64_t, std::less<>> lane_heads_;
  // Per other origin, a bound on the seq of its newest global-cell change: HQ relays a
  // store's origin to another store only for those, so below it there is nothing to read.
  std::map<std::string, uint64_t, std::less<>> shared_heads_;
  // HQ's commits of merges that wrote and carried no global cell: in total, and per
  // store that sent one of the commit's batches.
  uint64_t private_merges_ = 0;
  std::map<std::string, uint64_t, std::less<>> private_merges_by_;

  // The open group: the stores whose batches it merged, and whether one carried a global cell.
  bool in_group_ = false;
  std::set<std::string, std::less<>> group_peers_;
  uint64_t group_batches_ = 0;
  bool group_shared_ = false;
  MergeCounts merge_counts_;
};

}  // namespace kura
