// The change log: per-origin sequence numbers and the changed-component index that sync
// reads ("give me every component of origin O newer than seq s").
//
// Every write by origin O to a cell takes O's next seq; the index keeps one entry per
// (cell, origin) — the newest version — so sync ships states, not operations.
#pragma once

#include <cstdint>
#include <string_view>

#include "txn.h"

namespace kura {

// Takes `origin`'s next sequence number (durable with the rest of the group).
Result<uint64_t> NextSeq(Txn& txn, std::string_view origin);
// The highest sequence number of `origin` held here (0 if none).
Result<uint64_t> LastSeq(Txn& txn, std::string_view origin);

// Records that `origin`'s component of `cell_key` is now at `seq`, retiring the index entry
// of its previous version `previous_seq` (0: the component is new).
void IndexChange(Txn& txn, std::string_view origin, uint64_t previous_seq, uint64_t seq,
                 std::string_view cell_key);

}  // namespace kura
