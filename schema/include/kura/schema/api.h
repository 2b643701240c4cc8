// The local API envelope: how requests and replies are framed (schema/PROTOCOL.md,
// "Local API"). A request is a msgpack map {v, op, rid, args}; a reply is
// {v, ok, result} or {v, ok, error: {code, message}}. The op-specific content of args and
// result is JSON-shaped (maps, arrays, strings, integers, booleans), so it is handled as
// nlohmann::json in memory. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kura/schema/status.h"

namespace kura {

inline constexpr int kApiVersion = 1;

struct ApiRequest {
  std::string op;
  std::string rid;  // empty when the client sent none
  nlohmann::json args = nlohmann::json::object();
};

// Decodes untrusted bytes. Oversized input gives TooLarge, undecodable msgpack or a wrong
// envelope BadRequest, a newer `v` Unsupported; nothing is allocated beyond the limits of
// schema/codec.h.
Result<ApiRequest> DecodeRequest(std::string_view bytes);
std::string EncodeRequest(const ApiRequest& request);
// FNV-1a over the op and its args (msgpack, keys sorted): what makes two requests under
// one rid the same request (PROTOCOL.md 1.2), whatever their bytes' key order, integer
// widths or envelope keys.
uint64_t RequestFingerprint(const ApiRequest& request);

// A reply carrying `result` or, when `status` is not ok, its error. Takes `result` by
// value: a caller done with it moves it in rather than copying a large reply.
std::string EncodeReply(const Status& status, nlohmann::json result);
// For clients: the result of an ok reply, or the error it carries as a Status (with the
// wire code mapped back). Bytes that are not a reply give BadRequest.
Result<nlohmann::json> DecodeReply(std::string_view bytes);
// DecodeReply for a reply from a peer HQ does not trust (a store's answer to HQ's call,
// PROTOCOL.md 2.4): held to a request's limits (64 KiB, schema/codec.h), and anything it
// cannot decode, an error code it does not know included, is BadRequest.
Result<nlohmann::json> DecodeUntrustedReply(std::string_view bytes);

}  // namespace kura
