#include "escrow_changes.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "change_log.h"
#include "kura/schema/codec.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "kura/sync/cell_slice.h"
#include "kura/sync/hold_cell.h"

namespace kura {
namespace {

// A directory written by an earlier build kept marks instead (removed by the format-3
// upgrade, format_upgrade.h); without cursors its first run is a full pass.
constexpr std::string_view kSeenKey = "escrow_seen";
constexpr std::string_view kPoliciesKey = "escrow_policies_applied";

using Pairs = std::set<std::pair<std::string, std::string>>;

// The cell lanes that can carry a change to `self`'s pairs (see the header).
Result<std::vector<std::string>> Lanes(Txn& txn, std::string_view self) {
  if (self != kHqOrigin) return std::vector<std::string>{std::string(self), kHqOrigin};
  std::vector<std::string> lanes;
  std::string prefix = keys::OriginSeq("");
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kMeta, prefix, [&](std::string_view key, std::string_view) {
    std::string_view lane = key.substr(prefix.size());
    if (!keys::IsJournalLane(lane)) lanes.emplace_back(lane);
    return true;
  }));
  return lanes;
}

// Adds the pairs whose stock, held units or rights the change to `cell_key` may move.
Status AddPairsOf(Txn& txn, std::string_view cell_key, Pairs* pairs) {
  CellType type = CellTypeOfKey(cell_key);
  if (type == CellType::kCounter || type == CellType::kRights) {
    std::string_view sku = keys::SkuOf(cell_key);
    if (sku.empty()) return Status::Corruption("cell key " + std::string(cell_key) + " names no SKU");
    pairs->emplace(keys::OwnerOf(cell_key), sku);
    return Status::Ok();
  }
  if (type != CellType::kHold) return Status::Ok();
  KURA_ASSIGN_OR_RETURN(auto hold, txn.Read<HoldCell>(Cf::kCells, cell_key));
  if (!hold) return Status::Ok();
  for (const auto& line : hold->body.lines) pairs->emplace(hold->body.store, line.sku);
  return Status::Ok();
}

}  // namespace

EscrowChanges::EscrowChanges(Txn& txn, std::vector<std::string> lanes, std::optional<Cursors> stored,
                             bool policies_changed)
    : txn_(&txn), lanes_(std::move(lanes)), fresh_(!stored), full_pass_(policies_changed || fresh_),
      seen_(stored.value_or(Cursors{})) {}

Result<EscrowChanges> EscrowChanges::Load(Txn& txn, std::string_view self, uint64_t policies) {
  KURA_ASSIGN_OR_RETURN(auto applied, txn.Read<uint64_t>(Cf::kLocal, kPoliciesKey));
  bool policies_changed = !applied || *applied != policies;
  if (policies_changed) txn.Write(Cf::kLocal, kPoliciesKey, policies);
  KURA_ASSIGN_OR_RETURN(auto stored, txn.Read<Cursors>(Cf::kLocal, kSeenKey));
  KURA_ASSIGN_OR_RETURN(std::vector<std::string> lanes, Lanes(txn, self));
  return EscrowChanges(txn, std::move(lanes), std::move(stored), policies_changed);
}

Result<std::size_t> EscrowChanges::Visit(
    const std::function<Status(std::string_view store, std::string_view sku)>& visit) {
  // Collected first: a pair may have changed in many cells and lanes, and visiting writes.
  Pairs pairs;
  for (const std::string& lane : lanes_) {
    KURA_ASSIGN_OR_RETURN(uint64_t head, LastSeq(*txn_, lane));
    auto cursor = seen_.find(lane);
    uint64_t from = cursor == seen_.end() ? 0 : cursor->second;
    if (head <= from) continue;
    Status inner;
    KURA_RETURN_IF_ERROR(txn_->Scan(Cf::kChanges, keys::ChangePrefix(lane), [&](std::string_view, std::string_view value) {
      inner = AddPairsOf(*txn_, ParseChangeEntry(value).cell_key, &pairs);
      return inner.ok();
    }, keys::Change(lane, from + 1)));
    KURA_RETURN_IF_ERROR(inner);
  }
  for (const auto& [store, sku] : pairs) KURA_RETURN_IF_ERROR(visit(store, sku));
  return pairs.size();
}

Status EscrowChanges::MarkSeen() {
  bool moved = fresh_;
  for (const std::string& lane : lanes_) {
    KURA_ASSIGN_OR_RETURN(uint64_t head, LastSeq(*txn_, lane));
    uint64_t& cursor = seen_[lane];
    if (cursor == head) continue;
    cursor = head;
    moved = true;
  }
  if (moved) txn_->Write(Cf::kLocal, kSeenKey, seen_);  // a job with no work writes nothing
  fresh_ = false;
  return Status::Ok();
}

}  // namespace kura
