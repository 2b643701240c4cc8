// Cell slices: how a stored cell is cut into the per-origin components that sync ships,
// and how a shipped component is merged back into a stored cell. The cell type follows
// from the key (schema/keys.h): s/ PN counter, h/ hold, j/ journal entry, g/ register,
// r/ promise rights.
//
// A slice is the cell restricted to one origin's component, encoded like the cell itself
// (schema/PROTOCOL.md, "Sync protocol"). Merging validates a slice from a peer — it must
// hold exactly that origin's component at that seq, for the cell its key names — so a
// malformed or mislabelled component is refused, never half-applied. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kura/schema/status.h"
#include "kura/sync/messages.h"

namespace kura {

enum class CellType : uint8_t { kUnknown = 0, kCounter = 1, kHold = 2, kJournal = 3, kRegister = 4, kRights = 5 };
CellType CellTypeOfKey(std::string_view key);

// `origin`'s component of the stored cell `key`, ready to ship. NotFound when the cell has
// no component of that origin.
Result<Component> SliceCell(std::string_view key, std::string_view cell, const std::string& origin);

struct MergedCell {
  std::string cell;           // the stored cell after the merge
  uint64_t previous_seq = 0;  // the origin's seq in the stored cell before (0: none)
  bool changed = false;       // false when the stored cell already held this version
};

// Merges a shipped component into `stored` (null: the cell is new here).
// BadRequest when the component is malformed or does not match its key and origin.
Result<MergedCell> MergeComponent(const Component& component, const std::string* stored);

}  // namespace kura
