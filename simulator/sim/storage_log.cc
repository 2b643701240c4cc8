#include "storage_log.h"

#include <rocksdb/write_batch.h>

namespace kura::sim {
namespace {

// A record: one byte of kind (high nibble) and column family (low), then varints for
// the node, the byte count and (scans only) the steps, then the bytes.
constexpr std::size_t kChunkBytes = 16 << 20;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

uint64_t GetVarint(const char** p) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    auto byte = static_cast<uint8_t>(*(*p)++);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) return v;
  }
}

}  // namespace

class StorageLog::NodeObserver : public StorageObserver {
 public:
  NodeObserver(StorageLog* log, uint32_t node) : log_(log), node_(node) {}
  void OnWrite(const rocksdb::WriteBatch& batch) override {
    log_->Append(Kind::kWrite, node_, Cf::kCells, batch.Data(), 0);
  }
  void OnGet(Cf cf, std::string_view key) override { log_->Append(Kind::kGet, node_, cf, key, 0); }
  void OnScan(Cf cf, std::string_view seek, uint64_t steps) override {
    log_->Append(Kind::kScan, node_, cf, seek, steps);
  }

 private:
  StorageLog* log_;
  uint32_t node_;
};

StorageLog::StorageLog() = default;
StorageLog::~StorageLog() = default;

StorageObserver* StorageLog::ForNode(uint32_t node) {
  nodes_.push_back(std::make_unique<NodeObserver>(this, node));
  return nodes_.back().get();
}

void StorageLog::Append(Kind kind, uint32_t node, Cf cf, std::string_view bytes, uint64_t steps) {
  if (chunks_.empty() || chunks_.back().size() + bytes.size() + 32 > kChunkBytes) {
    chunks_.emplace_back();
    chunks_.back().reserve(std::max(kChunkBytes, bytes.size() + 32));
  }
  std::string& out = chunks_.back();
  out.push_back(static_cast<char>(static_cast<uint8_t>(kind) << 4 | static_cast<uint8_t>(cf)));
  PutVarint(&out, node);
  PutVarint(&out, bytes.size());
  if (kind == Kind::kScan) PutVarint(&out, steps);
  out.append(bytes);
  ++records_;
}

Status StorageLog::ForEach(const std::function<Status(const Record&)>& fn) const {
  for (const std::string& chunk : chunks_) {
    const char* p = chunk.data();
    const char* end = p + chunk.size();
    while (p < end) {
      auto head = static_cast<uint8_t>(*p++);
      Record r{static_cast<Kind>(head >> 4), 0, static_cast<Cf>(head & 0x0f), {}, 0};
      r.node = static_cast<uint32_t>(GetVarint(&p));
      uint64_t size = GetVarint(&p);
      if (r.kind == Kind::kScan) r.steps = GetVarint(&p);
      r.bytes = std::string_view(p, size);
      p += size;
      KURA_RETURN_IF_ERROR(fn(r));
    }
  }
  return Status::Ok();
}

uint64_t StorageLog::bytes() const {
  uint64_t total = 0;
  for (const std::string& chunk : chunks_) total += chunk.size();
  return total;
}

}  // namespace kura::sim
