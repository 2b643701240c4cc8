#include "txn.h"

#include <rocksdb/comparator.h>

namespace kura {

Txn::Txn(Db* db) : db_(db), batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {}

Status Txn::Get(Cf cf, std::string_view key, std::string* value) {
  // Pending writes first; then Db (which keeps meta in memory and counts what reaches RocksDB).
  std::unique_ptr<rocksdb::WBWIIterator> it(batch_.NewIterator(db_->handle(cf)));
  it->Seek(rocksdb::Slice(key));
  bool pending = it->Valid() && it->Entry().key == rocksdb::Slice(key);
  if (!pending) return db_->Get(cf, key, value);
  // overwrite_key: one entry per key, the newest, for puts and deletes (kura merges nothing).
  rocksdb::WriteType type = it->Entry().type;
  if (type == rocksdb::kPutRecord) {
    value->assign(it->Entry().value.data(), it->Entry().value.size());
    return Status::Ok();
  }
  if (type == rocksdb::kDeleteRecord || type == rocksdb::kSingleDeleteRecord) return Status::NotFound("get: deleted");
  return Status::Corruption("get: pending record of unexpected type " + std::to_string(type));
}

void Txn::Put(Cf cf, std::string_view key, std::string_view value) {
  batch_.Put(db_->handle(cf), rocksdb::Slice(key), rocksdb::Slice(value)).PermitUncheckedError();
}

void Txn::Delete(Cf cf, std::string_view key) {
  batch_.Delete(db_->handle(cf), rocksdb::Slice(key)).PermitUncheckedError();
}

Status Txn::Scan(Cf cf, std::string_view prefix, const ScanFn& fn, std::string_view start) {
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(batch_.NewIteratorWithBase(
      db_->handle(cf), db_->raw()->NewIterator(ro, db_->handle(cf))));
  rocksdb::Slice seek = start.empty() ? rocksdb::Slice(prefix) : rocksdb::Slice(start);
  uint64_t steps = 0;
  for (it->Seek(seek); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    if (key.substr(0, prefix.size()) != prefix) break;
    ++steps;
    if (!fn(key, std::string_view(it->value().data(), it->value().size()))) break;
  }
  db_->CountScan(steps);
  return FromRocks(it->status(), "scan");
}

void Txn::SetSavePoint() { batch_.SetSavePoint(); }
void Txn::RollbackToSavePoint() { batch_.RollbackToSavePoint().PermitUncheckedError(); }
void Txn::PopSavePoint() { batch_.PopSavePoint().PermitUncheckedError(); }

bool Txn::empty() { return batch_.GetWriteBatch()->Count() == 0; }

bool Txn::Collapse(rocksdb::WriteBatch* newest) {
  for (int i = 0; i < kCfCount; ++i) {
    rocksdb::ColumnFamilyHandle* cf = db_->handle(static_cast<Cf>(i));
    std::unique_ptr<rocksdb::WBWIIterator> it(batch_.NewIterator(cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const rocksdb::WriteEntry& entry = it->Entry();
      rocksdb::Status s;
      if (entry.type == rocksdb::kPutRecord) {
        s = newest->Put(cf, entry.key, entry.value);
      } else if (entry.type == rocksdb::kDeleteRecord) {
        s = newest->Delete(cf, entry.key);
      } else {
        return false;  // kura writes nothing else; if it ever does, write the batch as it is
      }
      if (!s.ok()) return false;
    }
  }
  return true;
}

Status Txn::Commit() {
  if (empty()) return Status::Ok();
  rocksdb::WriteBatch* batch = batch_.GetWriteBatch();
  // A group rewrites some keys many times (a sequence head per request, a held-units
  // count per hold). The batch keeps every version and each would cost a memtable insert;
  // the index (overwrite_key) holds only the newest, so a larger batch is written from it.
  rocksdb::WriteBatch newest;
  if (batch->Count() >= kCollapseFrom && Collapse(&newest)) batch = &newest;
  Status s = db_->WriteSynced(batch);
  batch_.Clear();
  return s;
}

void Txn::Clear() { batch_.Clear(); }

}  // namespace kura

