#include "txn.h"

#include <memory>

#include <rocksdb/write_batch.h>

namespace kura {

Status Txn::Get(Cf cf, std::string_view key, std::string* value) {
  const Pending& pending = pending_[static_cast<int>(cf)];
  auto it = pending.find(key);
  // Not pending: Db (which keeps meta in memory and counts what reaches RocksDB).
  if (it == pending.end()) return db_->Get(cf, key, value, at_);
  if (!it->second) return Status::NotFound("get: deleted");
  *value = *it->second;
  return Status::Ok();
}

void Txn::Set(Cf cf, std::string_view key, std::optional<std::string> value) {
  Pending& pending = pending_[static_cast<int>(cf)];
  auto it = pending.lower_bound(key);  // one search, also where a new key goes
  if (it == pending.end() || it->first != key) {
    if (!save_points_.empty()) undo_.push_back(Undo{cf, std::string(key), false, std::nullopt});
    pending.emplace_hint(it, std::string(key), std::move(value));
    return;
  }
  if (!save_points_.empty()) undo_.push_back(Undo{cf, std::string(key), true, std::move(it->second)});
  it->second = std::move(value);
}

void Txn::Put(Cf cf, std::string_view key, std::string_view value) { Set(cf, key, std::string(value)); }

void Txn::Delete(Cf cf, std::string_view key) { Set(cf, key, std::nullopt); }

Status Txn::Scan(Cf cf, std::string_view prefix, const ScanFn& fn, std::string_view start) {
  // The database's keys and the pending ones, merged in key order; a pending version
  // (or deletion) hides the database's.
  std::string_view seek = start.empty() ? prefix : start;
  const Pending& pending = pending_[static_cast<int>(cf)];
  auto next_pending = pending.lower_bound(seek);
  rocksdb::ReadOptions options;
  options.snapshot = at_;
  options.fill_cache = at_ == nullptr;
  std::unique_ptr<rocksdb::Iterator> it(db_->raw()->NewIterator(options, db_->handle(cf)));
  it->Seek(rocksdb::Slice(seek));
  auto under_prefix = [&](std::string_view key) { return key.substr(0, prefix.size()) == prefix; };
  uint64_t steps = 0;   // entries handed to fn
  uint64_t moved = 0;   // RocksDB entries the iterator moved past, hidden ones included
  while (it->status().ok()) {  // a failed read stops the scan, pending keys too
    if (stop_ != nullptr && stop_->load(std::memory_order_relaxed)) {
      db_->CountScan(cf, seek, steps, moved);
      return Status::Busy("scan stopped: shutting down");
    }
    std::string_view stored = it->Valid() ? std::string_view(it->key().data(), it->key().size()) : std::string_view();
    bool has_stored = it->Valid() && under_prefix(stored);
    bool has_pending = next_pending != pending.end() && under_prefix(next_pending->first);
    if (!has_stored && !has_pending) break;
    if (has_pending && (!has_stored || next_pending->first <= stored)) {
      if (has_stored && next_pending->first == stored) {
        it->Next();
        ++moved;
      }
      auto current = next_pending++;
      if (!current->second) continue;
      ++steps;
      if (!fn(current->first, *current->second)) break;
    } else {
      ++steps;
      std::string_view value(it->value().data(), it->value().size());
      if (!fn(stored, value)) break;
      it->Next();
      ++moved;
    }
  }
  db_->CountScan(cf, seek, steps, moved);
  return FromRocks(it->status(), "scan");
}

void Txn::SetSavePoint() { save_points_.push_back(undo_.size()); }

void Txn::RollbackToSavePoint() {
  if (save_points_.empty()) return;
  std::size_t mark = save_points_.back();
  save_points_.pop_back();
  while (undo_.size() > mark) {
    Undo& undo = undo_.back();
    Pending& pending = pending_[static_cast<int>(undo.cf)];
    if (undo.had) {
      pending[undo.key] = std::move(undo.before);
    } else {
      pending.erase(undo.key);
    }
    undo_.pop_back();
  }
  if (save_points_.empty()) undo_.clear();
}

void Txn::PopSavePoint() {
  if (save_points_.empty()) return;
  save_points_.pop_back();
  // The outer save point, if any, still rolls these writes back.
  if (save_points_.empty()) undo_.clear();
}

bool Txn::empty() const {
  for (const Pending& pending : pending_) {
    if (!pending.empty()) return false;
  }
  return true;
}

Status Txn::Commit() {
  if (empty()) return Status::Ok();
  rocksdb::WriteBatch batch;
  for (int i = 0; i < kCfCount; ++i) {
    rocksdb::ColumnFamilyHandle* cf = db_->handle(static_cast<Cf>(i));
    for (const auto& [key, value] : pending_[i]) {
      rocksdb::Status s = value ? batch.Put(cf, key, *value) : batch.Delete(cf, key);
      if (!s.ok()) {
        Clear();
        return FromRocks(s, "commit");
      }
    }
  }
  Status s = db_->WriteSynced(&batch);
  Clear();
  return s;
}

void Txn::Clear() {
  for (Pending& pending : pending_) pending.clear();
  undo_.clear();
  save_points_.clear();
}

std::string ScanStartAfter(std::string_view prefix, std::string_view key) {
  if (key.empty() || key < prefix) return "";
  std::string start(key);
  start.push_back('\0');  // the least key greater than `key`
  return start;
}

}  // namespace kura
