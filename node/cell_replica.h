// CellReplica: the RocksDB side of sync — what a daemon's SyncSession reads and merges.
//
// Reads walk the change index (one entry per cell and origin: the newest version) from the
// peer's version vector onward and ship each cell's component for that origin, so a
// thousand sales of one SKU cost one component. Merges apply a whole batch in one synced
// WriteBatch, together with the advanced version vector and any derived state, before the
// session acknowledges it.
//
// Origin authorization lives here: HQ accepts from store P only P's own components of
// P's partition; a store accepts from HQ (which relays) only cells of its own partition.
// A batch with one forbidden component is refused whole. Not thread-safe: one per loop.
#pragma once

#include <map>
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
  Result<VersionVector> Held(const std::string& peer) override;
  Result<uint64_t> HeldLane(const std::string& peer, std::string_view lane) override;
  // The database's write count (every change, ours or merged, is a write), less HQ's
  // merges of another store's batch that carried nothing global: those change nothing
  // `peer` may receive, and at 200 stores they are most of HQ's writes.
  std::optional<uint64_t> Generation(const std::string& peer) override;
  Result<std::vector<Component>> ReadBeyond(const std::string& peer, const VersionVector& from,
                                            std::size_t max_bytes, VersionVector* through) override;
  Status Merge(const std::string& peer, const std::vector<Component>& components,
               const VersionVector& through) override;

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
  // HQ's merges that wrote and carried no global cell: in total, and per sending store.
  uint64_t private_merges_ = 0;
  std::map<std::string, uint64_t, std::less<>> private_merges_by_;
};

}  // namespace kura
