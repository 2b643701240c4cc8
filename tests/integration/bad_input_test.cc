// Bad input over a real socket: whatever a client sends, the daemon answers with an error
// (or, above the transport cap, drops the peer), changes nothing, and keeps serving.
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "daemon_process.h"
#include "kura/schema/api.h"
#include "temp_dir.h"

using kura::test::DaemonProcess;
using kura::test::TempDir;
using nlohmann::json;

namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

std::string Request(const json& envelope) {
  auto bytes = json::to_msgpack(envelope);
  return std::string(bytes.begin(), bytes.end());
}

// The error code of a raw reply; fails the test when the reply is not an error.
std::string ErrorCode(kura::ApiClient& client, const std::string& bytes) {
  auto raw = client.CallRaw(bytes);
  REQUIRE(raw.ok());
  auto reply = kura::DecodeReply(*raw);
  REQUIRE_FALSE(reply.ok());
  return std::string(reply.status().code_name());
}

// What must stay unchanged: the two lanes' sequences count every replicated write.
json Fingerprint(DaemonProcess& d) {
  auto status = d.Must("status");
  return {status["origin_seq"], status["journal_seq"], d.Must("stock.get", {{"sku", "SHIRT"}}), status["active_holds"]};
}

}  // namespace

TEST_CASE("malformed requests get error replies and change nothing", "[api][bad_input]") {
  TempDir dir;
  DaemonProcess daemon("bad-01", dir.Sub("data"));
  daemon.Start();
  daemon.Must("stock.receive", {{"sku", "SHIRT"}, {"qty", 4}});
  json before = Fingerprint(daemon);
  auto& client = daemon.client();
  auto valid = [](json args) { return json{{"v", 1}, {"op", "stock.receive"}, {"rid", "r-1"}, {"args", args}}; };

  SECTION("truncated msgpack") {
    std::string good = Request(valid({{"sku", "SHIRT"}, {"qty", 1}}));
    for (std::size_t cut : {1u, 5u, 12u}) CHECK(ErrorCode(client, good.substr(0, good.size() - cut)) == "bad_request");
  }
  SECTION("not a map") { CHECK(ErrorCode(client, Request(json::array({1, 2}))) == "bad_request"); }
  SECTION("empty message") { CHECK(ErrorCode(client, "") == "bad_request"); }
  SECTION("unknown op") {
    CHECK(ErrorCode(client, Request({{"v", 1}, {"op", "stock.steal"}, {"rid", "r-2"}})) == "unknown_op");
  }
  SECTION("newer protocol version") {
    CHECK(ErrorCode(client, Request({{"v", 2}, {"op", "status"}})) == "unsupported_version");
  }
  SECTION("wrongly typed fields") {
    CHECK(ErrorCode(client, Request({{"v", 1}, {"op", 7}})) == "bad_request");
    CHECK(ErrorCode(client, Request(valid({{"sku", 12}, {"qty", 1}}))) == "invalid_argument");
    CHECK(ErrorCode(client, Request(valid({{"sku", "SHIRT"}, {"qty", "1"}}))) == "invalid_argument");
    CHECK(ErrorCode(client, Request(valid({{"sku", "SHIRT"}, {"qty", 1.5}}))) == "invalid_argument");
    CHECK(ErrorCode(client, Request({{"v", 1}, {"op", "stock.receive"}, {"rid", "r-3"}, {"args", "x"}})) == "bad_request");
  }
  SECTION("zero, negative and huge quantities") {
    for (json qty : {json(0), json(-3), json(1'000'001), json(INT64_MIN), json(UINT64_MAX)}) {
      INFO("qty " << qty.dump());
      CHECK(ErrorCode(client, Request(valid({{"sku", "SHIRT"}, {"qty", qty}}))) == "invalid_argument");
    }
  }
  SECTION("huge declared sizes do not allocate") {
    // array32 / map32 / str32 headers claiming 4 billion entries, with no body.
    CHECK(ErrorCode(client, Bytes({0xdd, 0xff, 0xff, 0xff, 0xff})) == "too_large");
    CHECK(ErrorCode(client, Bytes({0xdf, 0xff, 0xff, 0xff, 0xff})) == "too_large");
    // A string is checked against the bytes present first: this one is simply truncated.
    CHECK(ErrorCode(client, Bytes({0xdb, 0xff, 0xff, 0xff, 0xff, 'a'})) == "bad_request");
  }
  SECTION("deep nesting") {
    std::string deep(100, static_cast<char>(0x91));  // 100 nested one-element arrays
    deep.push_back(0x01);
    CHECK(ErrorCode(client, deep) == "too_large");
  }
  SECTION("oversized request") {
    std::string big(200 * 1024, 'x');
    CHECK(ErrorCode(client, Request(valid({{"sku", "SHIRT"}, {"qty", 1}, {"pad", big}}))) == "too_large");
  }
  SECTION("unknown skus and holds") {
    CHECK(ErrorCode(client, Request({{"v", 1}, {"op", "stock.get"}, {"args", {{"sku", "NOPE"}}}})) == "not_found");
    CHECK(ErrorCode(client, Request({{"v", 1}, {"op", "stock.sell"}, {"rid", "r-4"},
                                     {"args", {{"lines", {{{"sku", "NOPE"}, {"qty", 1}}}}}}})) == "not_found");
    CHECK(ErrorCode(client, Request({{"v", 1}, {"op", "hold.cancel"}, {"rid", "r-5"},
                                     {"args", {{"id", "bad-01.999"}}}})) == "not_found");
    CHECK(ErrorCode(client, Request({{"v", 1}, {"op", "hold.get"}, {"args", {{"id", "../../etc"}}}})) == "invalid_argument");
  }
  SECTION("a sku with a key separator is refused") {
    CHECK(ErrorCode(client, Request(valid({{"sku", "s/other/SHIRT"}, {"qty", 1}}))) == "invalid_argument");
  }
  SECTION("a mutation without a request id") {
    CHECK(ErrorCode(client, Request({{"v", 1}, {"op", "stock.receive"}, {"args", {{"sku", "SHIRT"}, {"qty", 1}}}})) == "invalid_argument");
  }
  CHECK(Fingerprint(daemon) == before);
}

TEST_CASE("a message above the transport cap drops only that peer", "[api][bad_input]") {
  TempDir dir;
  DaemonProcess daemon("bad-02", dir.Sub("data"));
  daemon.Start();
  {
    kura::ApiClient abuser(DaemonProcess::Context(), daemon.endpoint(), 1000);
    auto reply = abuser.CallRaw(std::string(2 << 20, 'x'));
    CHECK_FALSE(reply.ok());  // no reply: ZeroMQ disconnected the peer
  }
  CHECK(daemon.Must("status")["store_id"] == "bad-02");
}

TEST_CASE("random bytes and mutated requests never crash the daemon", "[api][bad_input][fuzz]") {
  TempDir dir;
  DaemonProcess daemon("fuzz-01", dir.Sub("data"));
  daemon.Start();
  daemon.Must("stock.receive", {{"sku", "SHIRT"}, {"qty", 4}});
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::string good = Request({{"v", 1}, {"op", "hold.create"}, {"rid", "fz"},
                              {"args", {{"kind", "pickup"}, {"lines", {{{"sku", "SHIRT"}, {"qty", 1}}}}}}});
  int replies = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bytes = good;
    if (i % 2 == 0) {
      bytes.resize(rng() % 64);
      for (auto& c : bytes) c = static_cast<char>(rng());
    } else {
      for (int flips = 1 + rng() % 4; flips > 0; --flips) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    auto raw = daemon.client().CallRaw(bytes);
    if (!raw.ok()) FAIL("no reply to request " << i << "; daemon log:\n" << daemon.Log());
    auto reply = kura::DecodeReply(*raw);
    // A decodable reply either way; the daemon is still alive to give it.
    if (!reply.ok()) REQUIRE(reply.status().code() != kura::Status::Code::kInternal);
    ++replies;
  }
  CHECK(replies == 2000);
  auto check = daemon.Must("admin.check");
  INFO(check.dump());
  CHECK(check["ok"] == true);
}
