// The local API envelope (schema/api.h) and typed args (schema/args.h): requests and
// replies round trip, and untrusted request bytes — truncated, mistyped, oversized, nested
// too deep, claiming billions of entries — are refused with the documented code.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <msgpack.hpp>
#include <nlohmann/json.hpp>

#include "kura/schema/api.h"
#include "kura/schema/args.h"
#include "kura/schema/codec.h"
#include "kura/schema/ids.h"

namespace kura {
namespace {

using nlohmann::json;
using Code = Status::Code;
using Packer = msgpack::packer<msgpack::sbuffer>;

template <typename Fn>
std::string Packed(Fn fn) {
  msgpack::sbuffer buf;
  Packer pk(buf);
  fn(pk);
  return std::string(buf.data(), buf.size());
}

void PackStr(Packer& pk, const std::string& s) { pk.pack(s); }

// {v: 1, op: "stock.get", args: <packed by fn>}
template <typename Fn>
std::string EnvelopeWithArgs(Fn args) {
  return Packed([&](Packer& pk) {
    pk.pack_map(3);
    PackStr(pk, "v");
    pk.pack(1);
    PackStr(pk, "op");
    PackStr(pk, "stock.get");
    PackStr(pk, "args");
    args(pk);
  });
}

std::string FromJson(const json& j) {
  std::vector<uint8_t> bytes = json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

// DecodeRequest must refuse `bytes` with `code`, without throwing.
void CheckRefused(const std::string& bytes, Code code) {
  Result<ApiRequest> r = Status::Internal("not run");
  REQUIRE_NOTHROW(r = DecodeRequest(bytes));
  INFO(r.status().ToString());
  CHECK(r.status().code() == code);
}

TEST_CASE("FNV-1a uses the offset basis PROTOCOL.md's conventions give, and chains as they say", "[api]") {
  // Not the standard basis: the rids of routed calls and stored fingerprints depend on it.
  CHECK(kura::Fnv1a64("abc") == 0xE16801510DB89EFDull);
  CHECK(kura::Fnv1a64("c", kura::Fnv1a64("ab")) == kura::Fnv1a64("abc"));
}

TEST_CASE("api request survives encode and decode", "[api]") {
  ApiRequest in{"hold.create", "till-3:0001",
                json{{"kind", "pickup"},
                     {"lines", json::array({{{"sku", "SKU-1"}, {"qty", 2}}})},
                     {"expires_in_s", 3600},
                     {"neg", -7},
                     {"flag", true},
                     {"ratio", 2.5},
                     {"nothing", nullptr},
                     {"nested", {{"a", {{"b", "c"}}}}}}};
  auto out = DecodeRequest(EncodeRequest(in));
  INFO(out.status().ToString());
  REQUIRE(out.ok());
  CHECK(out->op == in.op);
  CHECK(out->rid == in.rid);
  CHECK(out->args == in.args);
  CHECK(out->args["lines"][0]["qty"].get<int64_t>() == 2);

  SECTION("a request without rid decodes with an empty rid and empty args") {
    auto bare = DecodeRequest(EncodeRequest(ApiRequest{"status", "", json::object()}));
    REQUIRE(bare.ok());
    CHECK(bare->rid.empty());
    CHECK(bare->args == json::object());
  }
  SECTION("null rid and null args mean none") {
    auto r = DecodeRequest(FromJson({{"v", 1}, {"op", "status"}, {"rid", nullptr}, {"args", nullptr}}));
    REQUIRE(r.ok());
    CHECK(r->rid.empty());
    CHECK(r->args == json::object());
  }
}

TEST_CASE("api request of undecodable bytes is bad_request", "[api]") {
  std::string good = EncodeRequest(ApiRequest{"stock.get", "r1", {{"sku", "SKU-1"}}});
  SECTION("every proper prefix of a good request") {
    for (std::size_t n = 0; n < good.size(); ++n) {
      CAPTURE(n);
      CheckRefused(good.substr(0, n), Code::kBadRequest);
    }
  }
  SECTION("a reserved msgpack byte") { CheckRefused("\xc1", Code::kBadRequest); }
  SECTION("trailing bytes after the request") { CheckRefused(good + '\xc0', Code::kBadRequest); }
}

TEST_CASE("api request with a wrong envelope is bad_request", "[api]") {
  SECTION("not a map") {
    CheckRefused(FromJson(json::array({1, "stock.get"})), Code::kBadRequest);
    CheckRefused(FromJson("stock.get"), Code::kBadRequest);
    CheckRefused(FromJson(nullptr), Code::kBadRequest);
  }
  SECTION("missing op") { CheckRefused(FromJson({{"v", 1}, {"args", json::object()}}), Code::kBadRequest); }
  SECTION("op of the wrong type") {
    CheckRefused(FromJson({{"v", 1}, {"op", 7}}), Code::kBadRequest);
    CheckRefused(FromJson({{"v", 1}, {"op", json::array({"stock.get"})}}), Code::kBadRequest);
  }
  SECTION("empty op") { CheckRefused(FromJson({{"v", 1}, {"op", ""}}), Code::kBadRequest); }
  SECTION("missing or mistyped v") {
    CheckRefused(FromJson({{"op", "status"}}), Code::kBadRequest);
    CheckRefused(FromJson({{"v", "1"}, {"op", "status"}}), Code::kBadRequest);
    CheckRefused(FromJson({{"v", -1}, {"op", "status"}}), Code::kBadRequest);
  }
  SECTION("args that are not a map") {
    CheckRefused(FromJson({{"v", 1}, {"op", "status"}, {"args", json::array({1})}}), Code::kBadRequest);
  }
  SECTION("a map key that is not a string") {
    CheckRefused(EnvelopeWithArgs([](Packer& pk) {
                   pk.pack_map(1);
                   pk.pack(1);
                   PackStr(pk, "x");
                 }),
                 Code::kBadRequest);
  }
  SECTION("a non-finite number") {
    CheckRefused(EnvelopeWithArgs([](Packer& pk) {
                   pk.pack_map(1);
                   PackStr(pk, "x");
                   pk.pack(std::numeric_limits<double>::quiet_NaN());
                 }),
                 Code::kBadRequest);
  }
}

TEST_CASE("api request of a newer version is unsupported_version", "[api]") {
  auto r = DecodeRequest(FromJson({{"v", 2}, {"op", "status"}}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kUnsupported);
  CHECK(r.status().code_name() == "unsupported_version");
  CheckRefused(FromJson({{"v", 0}, {"op", "status"}}), Code::kUnsupported);
}

TEST_CASE("api request with a bad rid is bad_request naming rid", "[api]") {
  const json bad_rids[] = {"has space", "a/b", std::string(kMaxRequestIdLen + 1, 'r'), "", 42,
                           json::array({"r"})};
  for (const json& rid : bad_rids) {
    CAPTURE(rid.dump());
    auto r = DecodeRequest(FromJson({{"v", 1}, {"op", "stock.receive"}, {"rid", rid}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kBadRequest);
    CHECK_THAT(r.status().message(), Catch::StartsWith("rid:"));
  }
}

TEST_CASE("api request over 64 KiB is too_large and one of exactly 64 KiB is read", "[api]") {
  // Fill args with strings under the per-string limit, then size the last one exactly.
  auto request_of = [](std::size_t pad) {
    json args = json::object();
    for (int i = 0; i < 16; ++i) args["f" + std::to_string(i)] = std::string(4000, 'x');
    args["pad"] = std::string(pad, 'p');
    return EncodeRequest(ApiRequest{"status", "", args});
  };
  std::size_t pad = 1000;
  for (int i = 0; i < 5; ++i) {
    pad += kMaxRequestBytes - request_of(pad).size();
  }
  std::string exact = request_of(pad);
  REQUIRE(exact.size() == kMaxRequestBytes);
  auto ok = DecodeRequest(exact);
  INFO(ok.status().ToString());
  CHECK(ok.ok());

  std::string over = request_of(pad + 1);
  REQUIRE(over.size() == kMaxRequestBytes + 1);
  CheckRefused(over, Code::kTooLarge);
  CheckRefused(std::string(1 << 20, '\x90'), Code::kTooLarge);
}

// PROTOCOL.md 4: a string in a request is at most 4096 bytes, wherever it is in the request
// (not only in the arguments an op reads, which check their own bounds).
TEST_CASE("api request with a string over 4096 bytes is too_large, one of 4096 is read", "[api]") {
  auto with_note = [](std::size_t bytes) {
    return EncodeRequest(
        ApiRequest{"stock.get", "", {{"sku", "SKU-1"}, {"note", std::string(bytes, 'n')}}});
  };
  CHECK(DecodeRequest(with_note(kMaxStringBytes)).ok());
  CheckRefused(with_note(kMaxStringBytes + 1), Code::kTooLarge);
  CheckRefused(EncodeRequest(ApiRequest{std::string(kMaxStringBytes + 1, 'o'), "", json::object()}),
               Code::kTooLarge);
  json reply = {
      {"v", 1}, {"ok", true}, {"result", {{"note", std::string(kMaxStringBytes + 1, 'x')}}}};
  CHECK(DecodeUntrustedReply(FromJson(reply)).status().code() == Code::kBadRequest);
}

TEST_CASE("api request claiming four billion entries is refused without allocating", "[api]") {
  // Each header is 5 bytes; honouring it would mean allocating tens of gigabytes.
  auto check = [](const std::string& bytes) {
    Result<ApiRequest> r = Status::Internal("not run");
    REQUIRE_NOTHROW(r = DecodeRequest(bytes));
    INFO(r.status().ToString());
    CHECK((r.status().code() == Code::kTooLarge || r.status().code() == Code::kBadRequest));
  };
  SECTION("a top-level map header") { check("\xdf\xff\xff\xff\xff"); }
  SECTION("a top-level array header") { check("\xdd\xff\xff\xff\xff"); }
  SECTION("a string header") { check("\xdb\xff\xff\xff\xff"); }
  SECTION("a map header inside args") {
    check(EnvelopeWithArgs([](Packer& pk) { pk.pack_map(0xffffffffu); }));
  }
  SECTION("an array header inside args") {
    check(EnvelopeWithArgs([](Packer& pk) {
      pk.pack_map(1);
      PackStr(pk, "lines");
      pk.pack_array(0xffffffffu);
    }));
  }
  SECTION("just over the container limit") {
    json args = json::object();
    for (std::size_t i = 0; i <= kMaxContainerEntries; ++i) args["k" + std::to_string(i)] = 1;
    check(EncodeRequest(ApiRequest{"status", "", args}));
  }
}

TEST_CASE("api request nested too deeply is refused", "[api]") {
  for (int depth : {20, 10'000}) {
    CAPTURE(depth);
    std::string bytes = EnvelopeWithArgs([&](Packer& pk) {
      pk.pack_map(1);
      PackStr(pk, "deep");
      for (int i = 0; i < depth; ++i) pk.pack_array(1);
      pk.pack(1);
    });
    Result<ApiRequest> r = Status::Internal("not run");
    REQUIRE_NOTHROW(r = DecodeRequest(bytes));
    INFO(r.status().ToString());
    CHECK((r.status().code() == Code::kTooLarge || r.status().code() == Code::kBadRequest));
  }
}

TEST_CASE("api request with binary or extension values is bad_request", "[api]") {
  SECTION("binary") {
    CheckRefused(EnvelopeWithArgs([](Packer& pk) {
                   pk.pack_map(1);
                   PackStr(pk, "blob");
                   pk.pack_bin(3);
                   pk.pack_bin_body("abc", 3);
                 }),
                 Code::kBadRequest);
  }
  SECTION("extension") {
    CheckRefused(EnvelopeWithArgs([](Packer& pk) {
                   pk.pack_map(1);
                   PackStr(pk, "ext");
                   pk.pack_ext(2, 5);
                   pk.pack_ext_body("ab", 2);
                 }),
                 Code::kBadRequest);
  }
}

TEST_CASE("api reply survives encode and decode for ok and error", "[api]") {
  SECTION("ok carries the result") {
    json result = {{"sku", "SKU-1"}, {"on_hand", -3}, {"items", json::array({1, 2})}};
    auto r = DecodeReply(EncodeReply(Status::Ok(), result));
    REQUIRE(r.ok());
    CHECK(*r == result);
  }
  SECTION("every error code comes back with its message") {
    for (int c = 1; c <= static_cast<int>(Code::kInternal); ++c) {
      auto code = static_cast<Code>(c);
      CAPTURE(Status::CodeName(code));
      std::string bytes = EncodeReply(Status::FromCode(code, "why it failed"), nullptr);
      json wire = json::from_msgpack(bytes);
      CHECK(wire["v"] == kApiVersion);
      CHECK(wire["ok"] == false);
      CHECK(wire["error"]["code"] == std::string(Status::CodeName(code)));
      auto r = DecodeReply(bytes);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == code);
      CHECK(r.status().message() == "why it failed");
    }
  }
  SECTION("bytes that are not a reply are bad_request") {
    CHECK(DecodeReply("\xc1").status().code() == Code::kBadRequest);
    CHECK(DecodeReply(FromJson(json::array({true}))).status().code() == Code::kBadRequest);
    CHECK(DecodeReply(FromJson({{"v", 1}})).status().code() == Code::kBadRequest);
  }
}

// Regression (fixed in 7119e60): a reply map with a mistyped or missing field made
// nlohmann::json throw out of DecodeReply, and an error reply whose code is "ok" gave an ok
// Result holding no value — though api.h promises BadRequest for bytes that are not a reply.
TEST_CASE("api decode reply of a malformed reply is bad_request without throwing",
          "[api][regression]") {
  const json malformed[] = {
      {{"v", 1}, {"ok", false}},                                   // no error
      {{"v", 1}, {"ok", "yes"}},                                   // ok not a boolean
      {{"v", 1}, {"ok", false}, {"error", "boom"}},                // error not a map
      {{"v", 1}, {"ok", false}, {"error", {{"code", 4}}}},         // code not a string
      {{"v", 1}, {"ok", false}, {"error", {{"code", "ok"}}}},      // an error that is ok
  };
  for (const json& reply : malformed) {
    CAPTURE(reply.dump());
    Result<json> r = Status::Internal("not run");
    CHECK_NOTHROW(r = DecodeReply(FromJson(reply)));
    CHECK(r.status().code() == Code::kBadRequest);
  }
}

// ---- args.h ----

TEST_CASE("args qty errors name the field and the allowed range", "[api][args]") {
  const json bad_qtys[] = {-1, 0, 1'000'001, std::numeric_limits<int64_t>::min(),
                           std::numeric_limits<uint64_t>::max(), "5", 2.5, true,
                           json::array({1}), json::object()};
  for (const json& qty : bad_qtys) {
    CAPTURE(qty.dump());
    auto r = ArgInt(json{{"qty", qty}}, "qty", 1, 1'000'000);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message() == "qty: must be an integer in 1..1000000");
  }
  SECTION("missing or null") {
    for (const json& args : {json::object(), json{{"qty", nullptr}}}) {
      auto r = ArgInt(args, "qty", 1, 1'000'000);
      CHECK(r.status().code() == Code::kInvalidArgument);
      CHECK(r.status().message() == "qty: is required");
    }
  }
}

TEST_CASE("args integers accept both wire signs at the inclusive bounds", "[api][args]") {
  // From msgpack, a positive integer arrives unsigned; from JSON literals, signed.
  CHECK(*ArgInt(json{{"qty", 1}}, "qty", 1, 1'000'000) == 1);
  CHECK(*ArgInt(json{{"qty", uint64_t{1'000'000}}}, "qty", 1, 1'000'000) == 1'000'000);
  CHECK(*ArgInt(json{{"n", -5}}, "n", -5, 5) == -5);
  CHECK(*ArgOptInt(json::object(), "limit", 1, 10, 7) == 7);
  CHECK(*ArgOptInt(json{{"limit", nullptr}}, "limit", 1, 10, 7) == 7);
  CHECK(ArgOptInt(json{{"limit", 0}}, "limit", 1, 10, 7).status().message() ==
        "limit: must be an integer in 1..10");
  auto decoded = DecodeRequest(EncodeRequest(ApiRequest{"x", "", {{"qty", 3}}}));
  REQUIRE(decoded.ok());
  CHECK(*ArgInt(decoded->args, "qty", 1, 10) == 3);
}

// Regression (fixed in 7119e60): for an unsigned value the range check cast `max` to
// uint64_t, so with a negative max any positive value passed as "in range".
TEST_CASE("args integer above a negative max is refused whatever its wire sign",
          "[api][args][regression]") {
  CHECK_FALSE(ArgInt(json{{"n", 5}}, "n", -10, -1).ok());           // signed: refused
  CHECK_FALSE(ArgInt(json{{"n", uint64_t{5}}}, "n", -10, -1).ok());  // unsigned: was accepted
}

TEST_CASE("args strings are required, typed and validated", "[api][args]") {
  SECTION("missing") {
    CHECK(ArgString(json::object(), "sku", ValidateSku).status().message() == "sku: is required");
  }
  SECTION("wrong type") {
    CHECK(ArgString(json{{"sku", 12}}, "sku", ValidateSku).status().message() ==
          "sku: must be a string");
  }
  SECTION("validator refusal carries the field name") {
    auto r = ArgString(json{{"sku", "a/b"}}, "sku", ValidateSku);
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK_THAT(r.status().message(), Catch::StartsWith("sku: "));
  }
  SECTION("without a validator, any string of 1..4096 bytes") {
    CHECK(*ArgString(json{{"kind", "a b/c"}}, "kind", nullptr) == "a b/c");
    CHECK_FALSE(ArgString(json{{"kind", ""}}, "kind", nullptr).ok());
    CHECK_FALSE(ArgString(json{{"kind", std::string(kMaxStringBytes + 1, 'k')}}, "kind", nullptr).ok());
  }
  SECTION("optional strings are empty when absent but still validated when present") {
    CHECK(ArgOptString(json::object(), "customer", ValidateCustomerId)->empty());
    CHECK(ArgOptString(json{{"customer", nullptr}}, "customer", ValidateCustomerId)->empty());
    CHECK_FALSE(ArgOptString(json{{"customer", "a/b"}}, "customer", ValidateCustomerId).ok());
  }
}

TEST_CASE("args arrays must be non-empty and bounded", "[api][args]") {
  CHECK(ArgArray(json::object(), "lines", 3).status().message() == "lines: is required");
  const std::string range = "lines: must be an array of 1..3 items";
  CHECK(ArgArray(json{{"lines", "x"}}, "lines", 3).status().message() == range);
  CHECK(ArgArray(json{{"lines", json::array()}}, "lines", 3).status().message() == range);
  CHECK(ArgArray(json{{"lines", json::array({1, 2, 3, 4})}}, "lines", 3).status().message() == range);
  const json args = {{"lines", json::array({1, 2, 3})}};
  auto ok = ArgArray(args, "lines", 3);
  REQUIRE(ok.ok());
  CHECK(*ok == &args["lines"]);  // a view into args, not a copy
  CHECK((*ok)->size() == 3);
}

}  // namespace
TEST_CASE("a peer's reply is held to a request's limits, and what HQ cannot decode is bad_request", "[api]") {
  SECTION("a reply nested 60,000 deep is refused, not recursed into") {
    // Under 64 KiB: arrays of one, each inside the last, as a store could send as its answer.
    std::string bomb = "\x83\xa1v\x01\xa2ok\xc3\xa6result" + std::string(60'000, '\x91') + "\x01";
    auto r = DecodeUntrustedReply(bomb);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kBadRequest);
    CHECK(r.status().message().find("nested too deeply") != std::string::npos);
  }
  SECTION("beyond 64 KiB, or a container beyond 256 entries, is refused") {
    json big = {{"v", 1}, {"ok", true}, {"result", {{"note", std::string(4000, 'x')}}}};
    for (int i = 0; i < 20; ++i) big["result"]["n" + std::to_string(i)] = std::string(4000, 'y');
    CHECK(DecodeUntrustedReply(FromJson(big)).status().code() == Code::kBadRequest);
    json wide = {{"v", 1}, {"ok", true}, {"result", {{"lines", json::array()}}}};
    for (int i = 0; i < 300; ++i) wide["result"]["lines"].push_back(i);
    CHECK(DecodeUntrustedReply(FromJson(wide)).status().code() == Code::kBadRequest);
    CHECK(DecodeReply(FromJson(wide)).ok());  // a daemon's reply to its own client may be wide
  }
  SECTION("an error code this build does not know is bad_request, where DecodeReply says internal") {
    json reply = {{"v", 1}, {"ok", false}, {"error", {{"code", "out_of_paper"}, {"message", "m"}}}};
    CHECK(DecodeUntrustedReply(FromJson(reply)).status().code() == Code::kBadRequest);
    CHECK(DecodeReply(FromJson(reply)).status().code() == Code::kInternal);
  }
  SECTION("a well-formed answer decodes as DecodeReply does") {
    json hold = {{"id", "store-001.7"}, {"lines", json::array({{{"sku", "SKU-1"}, {"qty", 2}}})}};
    auto r = DecodeUntrustedReply(EncodeReply(Status::Ok(), hold));
    REQUIRE(r.ok());
    CHECK(*r == hold);
    auto refused = DecodeUntrustedReply(EncodeReply(Status::InsufficientStock("SKU-1: short"), nullptr));
    CHECK(refused.status().code() == Code::kInsufficientStock);
  }
}

TEST_CASE("a request's fingerprint is its op and args, not its bytes", "[api]") {
  ApiRequest a{"hq.order.place", "r1", {{"store", "store-001"}, {"kind", "pickup"}}};
  ApiRequest reordered{"hq.order.place", "r1", {{"kind", "pickup"}, {"store", "store-001"}}};
  CHECK(RequestFingerprint(a) == RequestFingerprint(reordered));
  ApiRequest other_rid = a;
  other_rid.rid = "r2";
  CHECK(RequestFingerprint(a) == RequestFingerprint(other_rid));
  ApiRequest other_args = a;
  other_args.args["kind"] = "tryon";
  CHECK(RequestFingerprint(a) != RequestFingerprint(other_args));
  ApiRequest other_op = a;
  other_op.op = "hq.order.cancel";
  CHECK(RequestFingerprint(a) != RequestFingerprint(other_op));
}

}  // namespace kura
