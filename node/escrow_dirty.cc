#include "escrow_dirty.h"

#include <set>
#include <string>
#include <utility>

namespace kura {
namespace {

constexpr std::string_view kMarkPrefix = "escrow_marks/";
constexpr std::string_view kNextKey = "escrow_marks_next";
constexpr std::string_view kFromKey = "escrow_marks_from";
// Named apart from format 2's `escrow_policies`, which came with per-pair marks this
// code does not read: a directory written before runs one full pass, and misses nothing.
constexpr std::string_view kPoliciesKey = "escrow_policies_applied";

std::string MarkKey(uint64_t n) {
  std::string key(kMarkPrefix);
  PutBigEndian64(&key, n);
  return key;
}

Result<uint64_t> ReadCounter(Txn& txn, std::string_view key) {
  KURA_ASSIGN_OR_RETURN(auto value, txn.Read<uint64_t>(Cf::kLocal, key));
  return value.value_or(0);
}

// Calls fn(key, "<store>/<sku>") for every mark from the cursor on.
Status ScanMarks(Txn& txn, const std::function<void(std::string_view key, std::string_view pair)>& fn) {
  KURA_ASSIGN_OR_RETURN(uint64_t from, ReadCounter(txn, kFromKey));
  return txn.Scan(Cf::kLocal, kMarkPrefix, [&](std::string_view key, std::string_view pair) {
    fn(key, pair);
    return true;
  }, MarkKey(from));
}

}  // namespace

Status MarkEscrowDirty(Txn& txn, std::string_view store, std::string_view sku) {
  KURA_ASSIGN_OR_RETURN(uint64_t n, ReadCounter(txn, kNextKey));
  std::string pair(store);
  pair.push_back('/');
  pair.append(sku);
  txn.Put(Cf::kLocal, MarkKey(n), pair);
  txn.Write(Cf::kLocal, kNextKey, n + 1);
  return Status::Ok();
}

Status VisitEscrowDirty(Txn& txn,
                        const std::function<Status(std::string_view store, std::string_view sku)>& visit) {
  // Collected first (a pair may be marked many times), and because visiting marks again.
  std::set<std::pair<std::string, std::string>> pairs;
  Status bad;
  KURA_RETURN_IF_ERROR(ScanMarks(txn, [&](std::string_view key, std::string_view pair) {
    std::size_t slash = pair.find('/');
    if (slash == std::string_view::npos) {
      bad = Status::Corruption("escrow mark " + std::string(key) + " names no SKU");
      return;
    }
    pairs.emplace(pair.substr(0, slash), pair.substr(slash + 1));
  }));
  KURA_RETURN_IF_ERROR(bad);
  for (const auto& [store, sku] : pairs) KURA_RETURN_IF_ERROR(visit(store, sku));
  return Status::Ok();
}

Status ClearEscrowDirty(Txn& txn) {
  // Marks are numbered without gaps from the cursor to the next number: no scan needed.
  KURA_ASSIGN_OR_RETURN(uint64_t from, ReadCounter(txn, kFromKey));
  KURA_ASSIGN_OR_RETURN(uint64_t next, ReadCounter(txn, kNextKey));
  if (from == next) return Status::Ok();  // nothing to move: a job with no work writes nothing
  for (uint64_t n = from; n < next; ++n) txn.Delete(Cf::kLocal, MarkKey(n));
  txn.Write(Cf::kLocal, kFromKey, next);
  return Status::Ok();
}

Result<bool> EscrowPoliciesChanged(Txn& txn, uint64_t fingerprint) {
  KURA_ASSIGN_OR_RETURN(auto last, txn.Read<uint64_t>(Cf::kLocal, kPoliciesKey));
  if (last && *last == fingerprint) return false;
  txn.Write(Cf::kLocal, kPoliciesKey, fingerprint);
  return true;
}

}  // namespace kura
