#include "kura/sync/messages.h"

#include <memory>
#include <stdexcept>

#include <zstd.h>

#include "kura/schema/codec.h"
#include "kura/schema/msgpack_map.h"

namespace kura {
namespace {

// zstd's fastest level: components are repetitive (keys share prefixes, values share
// field names), so even level 1 shrinks a batch several times at memory speed.
constexpr int kZstdLevel = 1;

using Packer = msgpack::packer<msgpack::sbuffer>;

// Bigger than the API's limits: a batch carries thousands of components and a version
// vector one entry per store.
// `bin` is the component block inside a batch message, and a component's value inside
// the block.
msgpack::unpack_limit SyncLimits(std::size_t bin) {
  return msgpack::unpack_limit(/*array=*/kMaxBatchComponents, /*map=*/16384, /*str=*/64 * 1024,
                               /*bin=*/bin, /*ext=*/0, /*depth=*/6);
}
constexpr std::size_t kMaxValueBytes = 64 * 1024;

void PackString(Packer& p, std::string_view s) {
  p.pack_str(static_cast<uint32_t>(s.size()));
  p.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}

void PackVv(Packer& p, const VersionVector& vv) {
  p.pack_map(static_cast<uint32_t>(vv.seqs.size()));
  for (const auto& [origin, seq] : vv.seqs) {
    PackString(p, origin);
    p.pack_uint64(seq);
  }
}

void PackHeader(Packer& p, uint32_t fields, SyncType type) {
  p.pack_map(fields + 2);
  PackString(p, "v");
  p.pack_uint8(kSyncVersion);
  PackString(p, "t");
  p.pack_uint8(static_cast<uint8_t>(type));
}

// The component block: a msgpack array of [key, origin, seq, value], as one zstd frame.
std::string CompressComponents(const std::vector<Component>& components) {
  msgpack::sbuffer raw;
  Packer p(raw);
  p.pack_array(static_cast<uint32_t>(components.size()));
  for (const Component& c : components) {
    p.pack_array(4);
    PackString(p, c.key);
    PackString(p, c.origin);
    p.pack_uint64(c.seq);
    p.pack_bin(static_cast<uint32_t>(c.value.size()));
    p.pack_bin_body(c.value.data(), static_cast<uint32_t>(c.value.size()));
  }
  thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  std::size_t n = ZSTD_compressCCtx(cctx.get(), out.data(), out.size(), raw.data(), raw.size(), kZstdLevel);
  if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));  // only on a zstd bug
  out.resize(n);
  return out;
}

struct Encoder {
  Packer& p;
  void operator()(const Hello& m) {
    PackHeader(p, 4, SyncType::kHello);
    PackString(p, "from"); PackString(p, m.from);
    PackString(p, "held"); PackVv(p, m.held);
    PackString(p, "hlc"); p.pack_uint64(m.hlc);
    PackString(p, "reply"); if (m.reply) p.pack_true(); else p.pack_false();
  }
  void operator()(const Batch& m) {
    PackHeader(p, 5, SyncType::kBatch);
    PackString(p, "n"); p.pack_uint64(m.number);
    PackString(p, "from"); PackVv(p, m.from);
    PackString(p, "through"); PackVv(p, m.through);
    PackString(p, "z");
    std::string block = CompressComponents(m.components);
    p.pack_bin(static_cast<uint32_t>(block.size()));
    p.pack_bin_body(block.data(), static_cast<uint32_t>(block.size()));
    PackString(p, "hlc"); p.pack_uint64(m.hlc);
  }
  void operator()(const Ack& m) {
    PackHeader(p, 4, SyncType::kAck);
    PackString(p, "n"); p.pack_uint64(m.number);
    PackString(p, "held"); PackVv(p, m.held);
    PackString(p, "gap"); if (m.gap) p.pack_true(); else p.pack_false();
    PackString(p, "hlc"); p.pack_uint64(m.hlc);
  }
  void operator()(const Ping& m) {
    PackHeader(p, 3, SyncType::kPing);
    PackString(p, "hlc"); p.pack_uint64(m.hlc);
    PackString(p, "wall_ms"); p.pack_int64(m.wall_ms);
    PackString(p, "head"); p.pack_uint64(m.head);
  }
  void operator()(const Call& m) { PackCall(SyncType::kCall, m.number, "req", m.request, m.hlc); }
  void operator()(const CallReply& m) { PackCall(SyncType::kCallReply, m.number, "rep", m.reply, m.hlc); }
  void PackCall(SyncType type, uint64_t number, std::string_view field, std::string_view bytes,
                HlcTimestamp hlc) {
    PackHeader(p, 3, type);
    PackString(p, "n"); p.pack_uint64(number);
    PackString(p, field);
    p.pack_bin(static_cast<uint32_t>(bytes.size()));
    p.pack_bin_body(bytes.data(), static_cast<uint32_t>(bytes.size()));
    PackString(p, "hlc"); p.pack_uint64(hlc);
  }
};

// Field access on a decoded map; msgpack-c's convert throws on a type mismatch, which
// DecodeSyncMessage turns into BadRequest.
class Fields {
 public:
  explicit Fields(const msgpack::object& map) : map_(map) {}
  const msgpack::object* Find(std::string_view name) const { return msgpack_map::Find(map_, name); }
  template <typename T>
  T Get(std::string_view name) const {
    const msgpack::object* o = Find(name);
    if (o == nullptr) throw msgpack::type_error();
    return o->as<T>();
  }
  VersionVector Vv(std::string_view name) const {
    VersionVector vv;
    vv.seqs = Get<std::map<std::string, uint64_t, std::less<>>>(name);
    return vv;
  }

 private:
  const msgpack::object& map_;
};

std::string BytesOf(const msgpack::object& o) {
  if (o.type == msgpack::type::BIN) return std::string(o.via.bin.ptr, o.via.bin.size);
  if (o.type == msgpack::type::STR) return std::string(o.via.str.ptr, o.via.str.size);
  throw msgpack::type_error();
}

std::vector<Component> ComponentsOf(const msgpack::object& o) {
  if (o.type != msgpack::type::ARRAY) throw msgpack::type_error();
  std::vector<Component> out;
  out.reserve(o.via.array.size);
  for (uint32_t i = 0; i < o.via.array.size; ++i) {
    const msgpack::object& c = o.via.array.ptr[i];
    if (c.type != msgpack::type::ARRAY || c.via.array.size != 4) throw msgpack::type_error();
    out.push_back(Component{c.via.array.ptr[0].as<std::string>(), c.via.array.ptr[1].as<std::string>(),
                            c.via.array.ptr[2].as<uint64_t>(), BytesOf(c.via.array.ptr[3])});
  }
  return out;
}

// A call's request or reply: binary, at most kMaxCallBytes.
Result<std::string> CallBytes(const Fields& f, std::string_view field) {
  const msgpack::object* o = f.Find(field);
  if (o == nullptr || o->type != msgpack::type::BIN) return Status::BadRequest("call without its bytes");
  if (o->via.bin.size > kMaxCallBytes) return Status::TooLarge("call above 64 KiB");
  return std::string(o->via.bin.ptr, o->via.bin.size);
}

// Decompresses a component block, refusing anything that would exceed the limit.
Result<std::vector<Component>> DecompressComponents(std::string_view frame) {
  unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::BadRequest("component block is not a zstd frame with its size");
  }
  if (size > kMaxComponentBlockBytes) return Status::TooLarge("component block too large");
  std::string raw(static_cast<std::size_t>(size), '\0');
  thread_local std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  std::size_t n = ZSTD_decompressDCtx(dctx.get(), raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) || n != raw.size()) return Status::BadRequest("corrupt component block");
  std::size_t offset = 0;
  msgpack::object_handle oh = msgpack::unpack(raw.data(), raw.size(), offset, ReferenceInput, nullptr, SyncLimits(kMaxValueBytes));
  if (offset != raw.size()) return Status::BadRequest("trailing bytes after component block");
  return ComponentsOf(oh.get());
}

}  // namespace

std::string EncodeSyncMessage(const SyncMessage& message) {
  msgpack::sbuffer buf;
  Packer packer(buf);
  std::visit(Encoder{packer}, message);
  return std::string(buf.data(), buf.size());
}

Result<SyncMessage> DecodeSyncMessage(std::string_view bytes) {
  if (bytes.size() > kMaxSyncMessageBytes) return Status::TooLarge("sync message too large");
  try {
    std::size_t offset = 0;
    msgpack::object_handle oh =
        msgpack::unpack(bytes.data(), bytes.size(), offset, ReferenceInput, nullptr, SyncLimits(kMaxSyncMessageBytes));
    if (offset != bytes.size()) return Status::BadRequest("trailing bytes after sync message");
    const msgpack::object& root = oh.get();
    if (root.type != msgpack::type::MAP) return Status::BadRequest("sync message is not a map");
    Fields f(root);
    if (f.Get<uint64_t>("v") != kSyncVersion) return Status::Unsupported("sync version not supported");
    switch (static_cast<SyncType>(f.Get<uint8_t>("t"))) {
      case SyncType::kHello:
        return SyncMessage(Hello{f.Get<std::string>("from"), f.Vv("held"), f.Get<uint64_t>("hlc"),
                                 f.Get<bool>("reply")});
      case SyncType::kBatch: {
        const msgpack::object* z = f.Find("z");
        if (z == nullptr || z->type != msgpack::type::BIN) return Status::BadRequest("batch without components");
        KURA_ASSIGN_OR_RETURN(auto components, DecompressComponents(std::string_view(z->via.bin.ptr, z->via.bin.size)));
        return SyncMessage(Batch{f.Get<uint64_t>("n"), f.Vv("from"), f.Vv("through"), std::move(components),
                                 f.Get<uint64_t>("hlc")});
      }
      case SyncType::kAck:
        return SyncMessage(Ack{f.Get<uint64_t>("n"), f.Vv("held"), f.Get<bool>("gap"), f.Get<uint64_t>("hlc")});
      case SyncType::kPing:
        return SyncMessage(Ping{f.Get<uint64_t>("hlc"), f.Get<int64_t>("wall_ms"), f.Get<uint64_t>("head")});
      case SyncType::kCall: {
        KURA_ASSIGN_OR_RETURN(std::string request, CallBytes(f, "req"));
        return SyncMessage(Call{f.Get<uint64_t>("n"), std::move(request), f.Get<uint64_t>("hlc")});
      }
      case SyncType::kCallReply: {
        KURA_ASSIGN_OR_RETURN(std::string reply, CallBytes(f, "rep"));
        return SyncMessage(CallReply{f.Get<uint64_t>("n"), std::move(reply), f.Get<uint64_t>("hlc")});
      }
      default:
        return Status::Unsupported("unknown sync message type");
    }
  } catch (const msgpack::depth_size_overflow&) {
    return Status::TooLarge("sync message nested too deeply");
  } catch (const msgpack::size_overflow&) {
    return Status::TooLarge("a sync message field exceeds its limit");
  } catch (const std::exception& e) {
    return Status::BadRequest(std::string("undecodable sync message: ") + e.what());
  }
}

}  // namespace kura
