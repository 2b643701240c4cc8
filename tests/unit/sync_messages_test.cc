// Sync messages (sync/messages.h): batches round-trip through their zstd component block,
// and a block that is not zstd, is corrupt, or declares more than the limit is refused
// before anything is decompressed.
#include <catch2/catch.hpp>

#include <msgpack.hpp>
#include <zstd.h>

#include "kura/sync/messages.h"

namespace kura {
namespace {

// A batch message whose component block is `block`, as a hostile peer could send it.
std::string BatchWithBlock(const std::string& block) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> p(buf);
  p.pack_map(7);
  p.pack("v"); p.pack(kSyncVersion);
  p.pack("t"); p.pack(static_cast<int>(SyncType::kBatch));
  p.pack("n"); p.pack(1);
  p.pack("from"); p.pack_map(0);
  p.pack("through"); p.pack_map(0);
  p.pack("z"); p.pack_bin(static_cast<uint32_t>(block.size())); p.pack_bin_body(block.data(), static_cast<uint32_t>(block.size()));
  p.pack("hlc"); p.pack(0);
  return std::string(buf.data(), buf.size());
}

std::string Zstd(const std::string& raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 1));
  return out;
}

TEST_CASE("a batch round-trips through its compressed component block", "[sync][messages]") {
  Batch batch{7, {}, {}, {}, 99};
  batch.through.Advance("tokyo-01", 3);
  for (uint64_t i = 1; i <= 3; ++i) {
    batch.components.push_back({"s/tokyo-01/SKU-" + std::to_string(i), "tokyo-01", i, std::string(40, 'x')});
  }
  std::string bytes = EncodeSyncMessage(batch);
  CHECK(bytes.size() < 3 * 40);  // compressed below the raw values
  auto decoded = DecodeSyncMessage(bytes);
  REQUIRE(decoded.ok());
  const Batch& back = std::get<Batch>(*decoded);
  CHECK(back.number == 7);
  CHECK(back.components == batch.components);
  CHECK(back.through == batch.through);
}

TEST_CASE("a hostile component block is refused", "[sync][messages]") {
  SECTION("not a zstd frame") {
    CHECK(DecodeSyncMessage(BatchWithBlock("hello")).status().code() == Status::Code::kBadRequest);
  }
  SECTION("a frame without its content size") {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
    std::string raw(100, '\x90'), out(ZSTD_compressBound(raw.size()), '\0');
    out.resize(ZSTD_compress2(cctx, out.data(), out.size(), raw.data(), raw.size()));
    ZSTD_freeCCtx(cctx);
    CHECK(DecodeSyncMessage(BatchWithBlock(out)).status().code() == Status::Code::kBadRequest);
  }
  SECTION("a bomb: a small frame that would decompress beyond the limit") {
    std::string bomb = Zstd(std::string(kMaxComponentBlockBytes + 1, '\0'));
    REQUIRE(bomb.size() < 1024);
    CHECK(DecodeSyncMessage(BatchWithBlock(bomb)).status().code() == Status::Code::kTooLarge);
  }
  SECTION("a corrupt frame") {
    std::string frame = Zstd(std::string(1000, 'a'));
    frame[frame.size() / 2] ^= 0x55;
    frame.back() ^= 0x55;
    CHECK_FALSE(DecodeSyncMessage(BatchWithBlock(frame)).ok());
  }
  SECTION("valid zstd around something that is not a component array") {
    CHECK(DecodeSyncMessage(BatchWithBlock(Zstd("\x81\xa1k\x01"))).status().code() == Status::Code::kBadRequest);
  }
}

TEST_CASE("calls and call replies round-trip, and an oversized one is refused", "[sync][messages]") {
  auto call = DecodeSyncMessage(EncodeSyncMessage(Call{42, std::string("\x83\xa1v\x01", 5), 7}));
  REQUIRE(call.ok());
  CHECK(std::get<Call>(*call).number == 42);
  CHECK(std::get<Call>(*call).request == std::string("\x83\xa1v\x01", 5));
  auto reply = DecodeSyncMessage(EncodeSyncMessage(CallReply{42, "ok", 8}));
  REQUIRE(reply.ok());
  CHECK(std::get<CallReply>(*reply).reply == "ok");

  std::string big(kMaxCallBytes + 1, 'x');
  CHECK(DecodeSyncMessage(EncodeSyncMessage(Call{1, big, 0})).status().code() == Status::Code::kTooLarge);
  CHECK(DecodeSyncMessage(EncodeSyncMessage(CallReply{1, big, 0})).status().code() == Status::Code::kTooLarge);
}

// PROTOCOL.md 2.2: strings up to 64 KiB, and a component's value (bin) as long.
TEST_CASE("a string or component value over 64 KiB is refused as too large", "[sync][messages]") {
  constexpr std::size_t kLimit = 64 * 1024;
  CHECK(DecodeSyncMessage(EncodeSyncMessage(Hello{std::string(kLimit, 's'), {}, 1, false})).ok());
  CHECK(DecodeSyncMessage(EncodeSyncMessage(Hello{std::string(kLimit + 1, 's'), {}, 1, false}))
            .status()
            .code() == Status::Code::kTooLarge);

  auto batch_with_value = [](std::size_t bytes) {
    Batch batch;
    batch.number = 1;
    batch.components.push_back(Component{"s/store-1/TEE", "store-1", 1, std::string(bytes, 'v')});
    return EncodeSyncMessage(batch);
  };
  CHECK(DecodeSyncMessage(batch_with_value(kLimit)).ok());
  CHECK(DecodeSyncMessage(batch_with_value(kLimit + 1)).status().code() == Status::Code::kTooLarge);
}

// A message over the whole limit is refused before it is decoded, even when each of its
// parts is within its own limit (here a version vector of 16,000 long lane names).
TEST_CASE("a sync message over its size limit is refused as too large", "[sync][messages]") {
  Hello hello{"store-1", {}, 1, false};
  for (int i = 0; i < 16'000; ++i) {
    std::string number = std::to_string(i);
    hello.held.seqs["store-" + std::string(48 - number.size(), '0') + number] = 1;
  }
  std::string bytes = EncodeSyncMessage(hello);
  REQUIRE(bytes.size() > kMaxSyncMessageBytes);
  CHECK(DecodeSyncMessage(bytes).status().code() == Status::Code::kTooLarge);
}

}  // namespace
}  // namespace kura
