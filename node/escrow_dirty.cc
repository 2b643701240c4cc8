#include "escrow_dirty.h"

#include <string>
#include <vector>

namespace kura {
namespace {

constexpr std::string_view kDirtyPrefix = "escrow_dirty/";
constexpr std::string_view kPoliciesKey = "escrow_policies";

std::string DirtyPrefix(std::string_view store) {
  return std::string(kDirtyPrefix) + (store.empty() ? "" : std::string(store) + "/");
}

}  // namespace

void MarkEscrowDirty(Txn& txn, std::string_view store, std::string_view sku) {
  txn.Put(Cf::kLocal, DirtyPrefix(store) + std::string(sku), "");
}

void ClearEscrowDirty(Txn& txn, std::string_view store, std::string_view sku) {
  txn.Delete(Cf::kLocal, DirtyPrefix(store) + std::string(sku));
}

Status VisitEscrowDirty(Txn& txn, std::string_view store,
                        const std::function<Status(std::string_view store, std::string_view sku)>& visit) {
  // Collected first: visiting writes (and marks again) under the prefix being scanned.
  std::vector<std::string> keys;
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kLocal, DirtyPrefix(store), [&](std::string_view key, std::string_view) {
    keys.emplace_back(key);
    return true;
  }));
  for (const std::string& key : keys) {
    std::string_view rest = std::string_view(key).substr(kDirtyPrefix.size());
    std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return Status::Corruption("escrow mark " + key + " has no SKU");
    KURA_RETURN_IF_ERROR(visit(rest.substr(0, slash), rest.substr(slash + 1)));
  }
  for (const std::string& key : keys) txn.Delete(Cf::kLocal, key);
  return Status::Ok();
}

Result<bool> EscrowPoliciesChanged(Txn& txn, uint64_t fingerprint) {
  KURA_ASSIGN_OR_RETURN(auto last, txn.Read<uint64_t>(Cf::kLocal, kPoliciesKey));
  if (last && *last == fingerprint) return false;
  txn.Write(Cf::kLocal, kPoliciesKey, fingerprint);
  return true;
}

}  // namespace kura
