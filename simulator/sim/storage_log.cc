#include "storage_log.h"

#include <algorithm>

#include <rocksdb/write_batch.h>

namespace kura::sim {
namespace {

// A record is a head byte (kind in bits 4-5, a get's found in bit 6, the column family
// in bits 0-3), varints for the node, the byte count and a scan's moved entries, then
// the bytes. Records never span chunks, so a chunk is never moved once written.
constexpr std::size_t kChunkBytes = 16 << 20;
constexpr std::size_t kMaxHeadBytes = 1 + 3 * 10;
constexpr uint8_t kFoundBit = 0x40;
static_assert(kCfCount <= 16, "a column family fits the head byte's low nibble");

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
    log_->Append(Kind::kWrite, node_, Cf::kCells, false, batch.Data(), 0);
  }
  void OnGet(Cf cf, std::string_view key, bool found) override {
    log_->Append(Kind::kGet, node_, cf, found, key, 0);
  }
  void OnScan(Cf cf, std::string_view seek, uint64_t moved) override {
    log_->Append(Kind::kScan, node_, cf, false, seek, moved);
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

void StorageLog::Append(Kind kind, uint32_t node, Cf cf, bool found, std::string_view bytes, uint64_t moved) {
  if (chunks_.empty() || chunks_.back().size() + bytes.size() + kMaxHeadBytes > kChunkBytes) {
    chunks_.emplace_back();
    chunks_.back().reserve(std::max(kChunkBytes, bytes.size() + kMaxHeadBytes));
  }
  std::string& out = chunks_.back();
  out.push_back(static_cast<char>(static_cast<uint8_t>(kind) << 4 | (found ? kFoundBit : 0) | static_cast<uint8_t>(cf)));
  PutVarint(&out, node);
  PutVarint(&out, bytes.size());
  if (kind == Kind::kScan) PutVarint(&out, moved);
  out.append(bytes);
  ++records_;
}

Status StorageLog::ForEach(const std::function<Status(const Record&)>& fn) const {
  for (const std::string& chunk : chunks_) {
    const char* p = chunk.data();
    const char* end = p + chunk.size();
    while (p < end) {
      auto head = static_cast<uint8_t>(*p++);
      Record r{static_cast<Kind>((head >> 4) & 0x3), 0, static_cast<Cf>(head & 0x0f), {}, (head & kFoundBit) != 0, 0};
      r.node = static_cast<uint32_t>(GetVarint(&p));
      uint64_t size = GetVarint(&p);
      if (r.kind == Kind::kScan) r.moved = GetVarint(&p);
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
