// The change log: per-origin sequence numbers and the changed-component index that sync
// reads ("give me every component of origin O newer than seq s").
//
// Every write by origin O to a cell takes O's next seq; the index keeps one entry per
// (cell, origin) — the newest version — so sync ships states, not operations. Two views
// repeat some entries so HQ reads only what a store may receive: every origin's changes
// to global cells (`~g/<origin>/`), and HQ's own changes to one store's cells
// (`~s/<store>/`). PROTOCOL.md 3.
#pragma once

#include <cstdint>
#include <string_view>

#include "txn.h"

namespace kura {

// Takes `origin`'s next sequence number (durable with the rest of the group).
Result<uint64_t> NextSeq(Txn& txn, std::string_view origin);
// The highest sequence number of `origin` held here (0 if none).
Result<uint64_t> LastSeq(Txn& txn, std::string_view origin);

// Records that this replica, `origin`, wrote its component of `cell_key` at `seq` (at
// `at_ms`), retiring the index entry of its previous version `previous_seq` (0: the
// component is new). HQ's writes to a store's cells also enter that store's view.
void IndexChange(Txn& txn, std::string_view origin, uint64_t previous_seq, uint64_t seq,
                 std::string_view cell_key, int64_t at_ms);
// As IndexChange, for `origin`'s component merged from a peer (no write time, no store view).
void IndexMergedChange(Txn& txn, std::string_view origin, uint64_t previous_seq, uint64_t seq,
                       std::string_view cell_key);

// A change-index value: u64be written-at ms, then the cell key.
struct ChangeEntry {
  int64_t at_ms = 0;
  std::string_view cell_key;
};
// REQUIRES: value written by IndexChange (at least 8 bytes; shorter gives an empty key).
ChangeEntry ParseChangeEntry(std::string_view value);

}  // namespace kura
