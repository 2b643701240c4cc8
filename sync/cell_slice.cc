#include "kura/sync/cell_slice.h"

#include "kura/schema/codec.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "kura/schema/records.h"
#include "kura/sync/hold_cell.h"
#include "kura/sync/lww_register.h"
#include "kura/sync/pn_counter.h"
#include "kura/sync/rights_counter.h"

namespace kura {
namespace {

// The per-origin map of each cell type, so slicing and merging are written once.
auto& ComponentsOf(PnCounter& c) { return c.components; }
auto& ComponentsOf(HoldCell& c) { return c.states; }
auto& ComponentsOf(RegisterCell& c) { return c.writes; }
auto& ComponentsOf(RightsCell& c) { return c.components; }

Status Mismatch(const Component& c, const std::string& what) {
  return Status::BadRequest("component " + c.key + "@" + c.origin + ": " + what);
}

template <typename Cell>
Result<Component> Slice(std::string_view key, std::string_view bytes, const std::string& origin) {
  Cell cell;
  KURA_RETURN_IF_ERROR(Decode(bytes, &cell));
  auto& components = ComponentsOf(cell);
  auto it = components.find(origin);
  if (it == components.end()) return Status::NotFound("no component of " + origin + " in " + std::string(key));
  Cell slice = cell;
  ComponentsOf(slice) = {{origin, it->second}};
  return Component{std::string(key), origin, it->second.seq, Encode(slice)};
}

// Checks that a slice from a peer holds exactly the named origin's component at its seq.
template <typename Cell>
Status CheckSlice(const Component& c, Cell& slice) {
  auto& components = ComponentsOf(slice);
  if (components.size() != 1 || components.begin()->first != c.origin ||
      components.begin()->second.seq != c.seq || c.seq == 0) {
    return Mismatch(c, "slice does not hold exactly this origin's component at this seq");
  }
  // A register write names its writer again inside, and that name breaks ties and is shown
  // as who wrote it: it must be the component's origin too.
  if constexpr (std::is_same_v<Cell, RegisterCell>) {
    if (components.begin()->second.origin != c.origin) {
      return Mismatch(c, "register write names another writer");
    }
    if (c.origin != kHqOrigin && components.begin()->second.hlc >= kStoreStampCeiling) {
      return Mismatch(c, "register write stamped past a store's ceiling");
    }
  }
  return Status::Ok();
}

// HQ indexes stock and holds by SKU (node/hq_index.h), so a peer's stock or rights key
// must end in a valid SKU, and a hold's lines must name valid SKUs with a quantity.
Status CheckSkuKey(const Component& c) {
  if (!ValidateSku(keys::SkuOf(c.key)).ok()) return Mismatch(c, "key does not end in a valid sku");
  return Status::Ok();
}

Status CheckHoldBody(const Component& c, const HoldCell& slice) {
  if (keys::Hold(slice.body.store, slice.body.id) != c.key) return Mismatch(c, "hold body does not match its key");
  if (slice.body.lines.empty() || slice.body.kind == HoldKind::kUnknown) return Mismatch(c, "hold body is incomplete");
  for (const auto& line : slice.body.lines) {
    if (!ValidateSku(line.sku).ok() || line.qty <= 0 || line.qty > kMaxQty) {
      return Mismatch(c, "hold line without a valid sku and quantity");
    }
  }
  for (const auto& [origin, s] : slice.states) {
    if (s.state == HoldState::kUnknown || s.state > HoldState::kCollected) return Mismatch(c, "unknown hold state");
  }
  return Status::Ok();
}

Status CheckCounter(const Component& c, const PnCounter& slice) {
  if (!slice.components.begin()->second.WithinBounds()) {
    return Mismatch(c, "counter total out of range");
  }
  return Status::Ok();
}

// Rights only grow, each version of an origin's component contains the one before, and
// rights go only to other replicas.
Status CheckRights(const Component& c, const RightsCell& slice, const RightsCell* stored) {
  const RightsComponent& mine = slice.components.begin()->second;
  if (!mine.WithinBounds()) return Mismatch(c, "rights out of range");
  for (const auto& [to, amount] : mine.sent) {
    if (to == c.origin || !ValidateOrigin(to).ok()) return Mismatch(c, "bad rights transfer");
  }
  if (stored == nullptr) return Status::Ok();
  auto it = stored->components.find(c.origin);
  if (it != stored->components.end() && it->second.seq < c.seq && !mine.Contains(it->second)) {
    return Mismatch(c, "rights component shrank");
  }
  return Status::Ok();
}

template <typename Cell>
Result<MergedCell> Merge(const Component& c, const std::string* stored) {
  Cell slice;
  KURA_RETURN_IF_ERROR(DecodeUntrusted(c.value, &slice));
  KURA_RETURN_IF_ERROR(CheckSlice(c, slice));
  if constexpr (std::is_same_v<Cell, HoldCell>) KURA_RETURN_IF_ERROR(CheckHoldBody(c, slice));
  if constexpr (std::is_same_v<Cell, PnCounter>) KURA_RETURN_IF_ERROR(CheckCounter(c, slice));
  if constexpr (std::is_same_v<Cell, PnCounter> || std::is_same_v<Cell, RightsCell>) {
    KURA_RETURN_IF_ERROR(CheckSkuKey(c));
  }
  Cell cell;
  if (stored != nullptr) KURA_RETURN_IF_ERROR(Decode(*stored, &cell));
  if constexpr (std::is_same_v<Cell, RightsCell>) {
    KURA_RETURN_IF_ERROR(CheckRights(c, slice, stored != nullptr ? &cell : nullptr));
  }
  auto& mine = ComponentsOf(cell);
  auto it = mine.find(c.origin);
  uint64_t previous = it == mine.end() ? 0 : it->second.seq;
  if (previous >= c.seq) return MergedCell{stored != nullptr ? *stored : std::string(), previous, false};
  cell.Merge(slice);
  return MergedCell{Encode(cell), previous, true};
}

Result<MergedCell> MergeJournal(const Component& c, const std::string* stored) {
  Receipt receipt;
  KURA_RETURN_IF_ERROR(DecodeUntrusted(c.value, &receipt));
  if (receipt.origin != c.origin || receipt.seq != c.seq || keys::Journal(c.origin, c.seq) != c.key) {
    return Mismatch(c, "journal entry does not match its key");
  }
  // Written once: a copy already here is the same entry.
  if (stored != nullptr) return MergedCell{*stored, c.seq, false};
  return MergedCell{c.value, 0, true};
}

}  // namespace

CellType CellTypeOfKey(std::string_view key) {
  if (key.size() < 3 || key[1] != '/') return CellType::kUnknown;
  switch (key[0]) {
    case 's': return CellType::kCounter;
    case 'h': return CellType::kHold;
    case 'j': return CellType::kJournal;
    case 'g': return CellType::kRegister;
    case 'r': return CellType::kRights;
    default: return CellType::kUnknown;
  }
}

Result<Component> SliceCell(std::string_view key, std::string_view cell, const std::string& origin) {
  switch (CellTypeOfKey(key)) {
    case CellType::kCounter: return Slice<PnCounter>(key, cell, origin);
    case CellType::kHold: return Slice<HoldCell>(key, cell, origin);
    case CellType::kRegister: return Slice<RegisterCell>(key, cell, origin);
    case CellType::kRights: return Slice<RightsCell>(key, cell, origin);
    case CellType::kJournal: {
      Receipt receipt;
      KURA_RETURN_IF_ERROR(Decode(cell, &receipt));
      if (receipt.origin != origin) return Status::NotFound("journal entry of another origin");
      return Component{std::string(key), origin, receipt.seq, std::string(cell)};
    }
    case CellType::kUnknown: break;
  }
  return Status::Corruption("cell key of unknown type: " + std::string(key));
}

Result<MergedCell> MergeComponent(const Component& c, const std::string* stored) {
  switch (CellTypeOfKey(c.key)) {
    case CellType::kCounter: return Merge<PnCounter>(c, stored);
    case CellType::kHold: return Merge<HoldCell>(c, stored);
    case CellType::kRegister: return Merge<RegisterCell>(c, stored);
    case CellType::kRights: return Merge<RightsCell>(c, stored);
    case CellType::kJournal: return MergeJournal(c, stored);
    case CellType::kUnknown: break;
  }
  return Status::BadRequest("component for a key of unknown type: " + c.key);
}

}  // namespace kura
