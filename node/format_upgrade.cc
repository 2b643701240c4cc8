#include "format_upgrade.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "change_log.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"

namespace kura {
namespace {

constexpr std::size_t kKeysPerWrite = 50'000;  // bounds memory and one WriteBatch at a large HQ

// Calls `write(key, value)` for every key of `cf` under `prefix`, committing after each
// chunk: a chunk is read before it is written, as a scan must not see its own writes.
Status ForEachInChunks(Txn& txn, Cf cf, std::string_view prefix,
                       const std::function<void(const std::string& key, const std::string& value)>& write) {
  std::string start(prefix);
  while (true) {
    std::vector<std::pair<std::string, std::string>> chunk;
    KURA_RETURN_IF_ERROR(txn.Scan(cf, prefix, [&](std::string_view key, std::string_view value) {
      chunk.emplace_back(key, value);
      return chunk.size() < kKeysPerWrite;
    }, start));
    for (const auto& [key, value] : chunk) write(key, value);
    KURA_RETURN_IF_ERROR(txn.Commit());
    if (chunk.size() < kKeysPerWrite) return Status::Ok();
    start = chunk.back().first + '\0';
  }
}

// Format 3 added HQ's per-store views of its own lane (keys::StoreChange): HQ builds them
// from its lane's index, after dropping any an interrupted upgrade left (the lane may
// have moved on since, under a build that did not keep them). A store has none to add.
Status AddStoreViews(Txn& txn, std::string_view self) {
  if (self != kHqOrigin) return Status::Ok();
  KURA_RETURN_IF_ERROR(ForEachInChunks(txn, Cf::kChanges, keys::kStoreChangePrefix,
                                       [&](const std::string& key, const std::string&) { txn.Delete(Cf::kChanges, key); }));
  return ForEachInChunks(txn, Cf::kChanges, keys::ChangePrefix(self), [&](const std::string& key, const std::string& value) {
    std::string_view owner = keys::OwnerOf(ParseChangeEntry(value).cell_key);
    if (!owner.empty()) txn.Put(Cf::kChanges, keys::StoreChange(owner, keys::SeqOfChange(key)), value);
  });
}

// The escrow jobs' marks of earlier builds, replaced by cursors (escrow_changes.h).
Status DropEscrowMarks(Txn& txn) {
  for (std::string_view prefix : {"escrow_marks/", "escrow_dirty/"}) {
    KURA_RETURN_IF_ERROR(ForEachInChunks(txn, Cf::kLocal, prefix,
                                         [&](const std::string& key, const std::string&) { txn.Delete(Cf::kLocal, key); }));
  }
  for (std::string_view key : {"escrow_marks_next", "escrow_marks_from", "escrow_policies"}) txn.Delete(Cf::kLocal, key);
  return Status::Ok();
}

}  // namespace

bool CanOpenFormat(uint64_t format) { return format == 2 || format == keys::kFormatVersion; }

Status UpgradeFormat(Txn& txn, std::string_view self, uint64_t format) {
  if (format == 2) {
    KURA_RETURN_IF_ERROR(AddStoreViews(txn, self));
    KURA_RETURN_IF_ERROR(DropEscrowMarks(txn));
  }
  txn.Write(Cf::kMeta, keys::kMetaFormat, keys::kFormatVersion);
  return txn.Commit();
}

}  // namespace kura
