#include "format_upgrade.h"

#include <string>
#include <utility>
#include <vector>

#include "change_log.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"

namespace kura {
namespace {

constexpr std::size_t kEntriesPerWrite = 50'000;  // bounds one WriteBatch at a large HQ

// Format 3 added HQ's per-store views of its own lane (keys::StoreChange): HQ builds them
// from its lane's index. A store's directory has nothing to add.
Status AddStoreViews(Txn& txn, std::string_view self) {
  if (self != kHqOrigin) return Status::Ok();
  std::vector<std::pair<std::string, std::string>> views;  // collected first: the scan reads txn
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kChanges, keys::ChangePrefix(self), [&](std::string_view key, std::string_view value) {
    std::string_view owner = keys::OwnerOf(ParseChangeEntry(value).cell_key);
    if (!owner.empty()) views.emplace_back(keys::StoreChange(owner, keys::SeqOfChange(key)), value);
    return true;
  }));
  for (std::size_t i = 0; i < views.size(); ++i) {
    txn.Put(Cf::kChanges, views[i].first, views[i].second);
    if ((i + 1) % kEntriesPerWrite == 0) KURA_RETURN_IF_ERROR(txn.Commit());
  }
  return Status::Ok();
}

}  // namespace

bool CanUpgradeFrom(uint64_t format) { return format == 2 || format == keys::kFormatVersion; }

Status UpgradeFormat(Txn& txn, std::string_view self, uint64_t format) {
  if (format == 2) KURA_RETURN_IF_ERROR(AddStoreViews(txn, self));
  txn.Write(Cf::kMeta, keys::kMetaFormat, keys::kFormatVersion);
  return txn.Commit();
}

}  // namespace kura
