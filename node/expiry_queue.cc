#include "expiry_queue.h"

#include "kura/schema/keys.h"

namespace kura {
namespace {

constexpr std::string_view kCursorKey = "exp_from";
constexpr int64_t kIdleAdvanceMs = 3600 * 1000;

Result<int64_t> Cursor(Txn& txn) {
  KURA_ASSIGN_OR_RETURN(auto from, txn.Read<int64_t>(Cf::kLocal, kCursorKey));
  return from.value_or(0);
}

}  // namespace

Status EnqueueExpiry(Txn& txn, int64_t expires_ms, std::string_view hold_id) {
  KURA_ASSIGN_OR_RETURN(int64_t from, Cursor(txn));
  if (expires_ms < from) txn.Write(Cf::kLocal, kCursorKey, std::max<int64_t>(expires_ms, 0));
  txn.Put(Cf::kLocal, keys::Expiry(expires_ms, hold_id), "");
  return Status::Ok();
}

void DequeueExpiry(Txn& txn, int64_t expires_ms, std::string_view hold_id) {
  txn.Delete(Cf::kLocal, keys::Expiry(expires_ms, hold_id));
}

Result<std::vector<std::string>> DueExpiries(Txn& txn, int64_t now_ms) {
  KURA_ASSIGN_OR_RETURN(int64_t from, Cursor(txn));
  std::vector<std::string> due;
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kLocal, keys::kExpiryPrefix, [&](std::string_view key, std::string_view) {
    if (keys::MillisOfExpiry(key) > now_ms) return false;
    due.emplace_back(key);
    return true;
  }, keys::Expiry(from, "")));
  return due;
}

Status AdvanceExpiryCursor(Txn& txn, int64_t now_ms, bool handled_any) {
  KURA_ASSIGN_OR_RETURN(int64_t from, Cursor(txn));
  if (now_ms + 1 <= from) return Status::Ok();
  if (handled_any || now_ms - from >= kIdleAdvanceMs) txn.Write(Cf::kLocal, kCursorKey, now_ms + 1);
  return Status::Ok();
}

}  // namespace kura
