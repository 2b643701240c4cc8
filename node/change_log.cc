#include "change_log.h"

#include "kura/schema/ids.h"
#include "kura/schema/keys.h"

namespace kura {

Result<uint64_t> LastSeq(Txn& txn, std::string_view origin) {
  KURA_ASSIGN_OR_RETURN(auto seq, txn.Read<uint64_t>(Cf::kMeta, keys::OriginSeq(origin)));
  return seq.value_or(0);
}

Result<uint64_t> NextSeq(Txn& txn, std::string_view origin) {
  KURA_ASSIGN_OR_RETURN(uint64_t last, LastSeq(txn, origin));
  txn.Write(Cf::kMeta, keys::OriginSeq(origin), last + 1);
  return last + 1;
}

namespace {

// Writes the entry under `origin` and under each view it belongs to, retiring the previous.
void Index(Txn& txn, std::string_view origin, uint64_t previous_seq, uint64_t seq,
           std::string_view cell_key, int64_t at_ms, bool store_view) {
  std::string_view owner = store_view ? keys::OwnerOf(cell_key) : std::string_view();
  bool shared = cell_key.substr(0, keys::kGlobalPrefix.size()) == keys::kGlobalPrefix;
  if (previous_seq != 0) {
    txn.Delete(Cf::kChanges, keys::Change(origin, previous_seq));
    if (shared) txn.Delete(Cf::kChanges, keys::SharedChange(origin, previous_seq));
    if (!owner.empty()) txn.Delete(Cf::kChanges, keys::StoreChange(owner, previous_seq));
  }
  std::string value;
  PutBigEndian64(&value, static_cast<uint64_t>(at_ms));
  value.append(cell_key);
  txn.Put(Cf::kChanges, keys::Change(origin, seq), value);
  if (shared) txn.Put(Cf::kChanges, keys::SharedChange(origin, seq), value);
  if (!owner.empty()) txn.Put(Cf::kChanges, keys::StoreChange(owner, seq), value);
}

}  // namespace

void IndexChange(Txn& txn, std::string_view origin, uint64_t previous_seq, uint64_t seq,
                 std::string_view cell_key, int64_t at_ms) {
  Index(txn, origin, previous_seq, seq, cell_key, at_ms, /*store_view=*/origin == kHqOrigin);
}

void IndexMergedChange(Txn& txn, std::string_view origin, uint64_t previous_seq, uint64_t seq,
                       std::string_view cell_key) {
  Index(txn, origin, previous_seq, seq, cell_key, 0, /*store_view=*/false);
}

ChangeEntry ParseChangeEntry(std::string_view value) {
  if (value.size() < 8) return {};
  return {static_cast<int64_t>(GetBigEndian64(value)), value.substr(8)};
}

}  // namespace kura
