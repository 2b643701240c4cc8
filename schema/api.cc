#include "kura/schema/api.h"

#include <cmath>

#include "kura/schema/codec.h"
#include "kura/schema/ids.h"

namespace kura {
namespace {

using nlohmann::json;

// msgpack-c's object (already bounded by UntrustedLimits) to JSON. Binary, ext and
// non-string map keys have no place in the API and are refused.
Result<json> ToJson(const msgpack::object& o) {
  switch (o.type) {
    case msgpack::type::NIL: return json(nullptr);
    case msgpack::type::BOOLEAN: return json(o.via.boolean);
    case msgpack::type::POSITIVE_INTEGER: return json(o.via.u64);
    case msgpack::type::NEGATIVE_INTEGER: return json(o.via.i64);
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      if (!std::isfinite(o.via.f64)) return Status::BadRequest("non-finite number");
      return json(o.via.f64);
    case msgpack::type::STR: return json(std::string(o.via.str.ptr, o.via.str.size));
    case msgpack::type::ARRAY: {
      json out = json::array();
      for (uint32_t i = 0; i < o.via.array.size; ++i) {
        KURA_ASSIGN_OR_RETURN(json item, ToJson(o.via.array.ptr[i]));
        out.push_back(std::move(item));
      }
      return out;
    }
    case msgpack::type::MAP: {
      json out = json::object();
      for (uint32_t i = 0; i < o.via.map.size; ++i) {
        const msgpack::object_kv& kv = o.via.map.ptr[i];
        if (kv.key.type != msgpack::type::STR) return Status::BadRequest("map key is not a string");
        KURA_ASSIGN_OR_RETURN(json value, ToJson(kv.val));
        out[std::string(kv.key.via.str.ptr, kv.key.via.str.size)] = std::move(value);
      }
      return out;
    }
    default: return Status::BadRequest("binary and extension values are not accepted");
  }
}

// Untrusted msgpack (`what`: "request", "reply") as JSON, within the limits of
// schema/codec.h: TooLarge beyond them, BadRequest when undecodable.
Result<json> UntrustedJson(std::string_view bytes, const std::string& what) {
  if (bytes.size() > kMaxRequestBytes) {
    return Status::TooLarge(what + " of " + std::to_string(bytes.size()) + " bytes exceeds " +
                            std::to_string(kMaxRequestBytes));
  }
  try {
    std::size_t offset = 0;
    msgpack::object_handle oh = msgpack::unpack(bytes.data(), bytes.size(), offset, ReferenceInput,
                                                nullptr, UntrustedLimits());
    if (offset != bytes.size()) return Status::BadRequest("trailing bytes after the " + what);
    return ToJson(oh.get());
  } catch (const msgpack::depth_size_overflow&) {
    return Status::TooLarge(what + " nested too deeply");
  } catch (const msgpack::size_overflow&) {
    return Status::TooLarge("a string or container exceeds the " + what + " limits");
  } catch (const std::exception& e) {
    return Status::BadRequest(std::string("undecodable msgpack: ") + e.what());
  }
}

// A decoded reply envelope's result or error; `unknown_code`: what an error code this
// build does not know becomes.
Result<json> ReplyOfEnvelope(json reply, Status::Code unknown_code) {
  auto not_a_reply = [] { return Status::BadRequest("not a kura reply"); };
  if (reply.is_discarded() || !reply.is_object()) return not_a_reply();
  auto ok = reply.find("ok");
  if (ok == reply.end() || !ok->is_boolean()) return not_a_reply();
  if (ok->get<bool>()) {
    auto result = reply.find("result");
    return result == reply.end() ? json::object() : std::move(*result);
  }
  auto err = reply.find("error");
  if (err == reply.end() || !err->is_object()) return not_a_reply();
  auto code = err->find("code");
  auto message = err->find("message");
  if (code == err->end() || !code->is_string()) return not_a_reply();
  std::string text = message != err->end() && message->is_string() ? message->get<std::string>() : "";
  Status::Code c = Status::CodeFromName(code->get<std::string>());
  if (c == Status::Code::kOk) return not_a_reply();  // an error must not decode as success
  if (c == Status::Code::kInternal && code->get<std::string>() != Status::CodeName(Status::Code::kInternal)) {
    c = unknown_code;
  }
  return Status::FromCode(c, text);
}

}  // namespace

Result<ApiRequest> DecodeRequest(std::string_view bytes) {
  KURA_ASSIGN_OR_RETURN(json envelope, UntrustedJson(bytes, "request"));
  if (!envelope.is_object()) return Status::BadRequest("request must be a map");
  auto v = envelope.find("v");
  if (v == envelope.end() || !v->is_number_unsigned()) {
    return Status::BadRequest("v: must be a positive integer");
  }
  if (v->get<uint64_t>() != kApiVersion) {
    return Status::Unsupported("API version " + v->dump() + " not supported; this daemon speaks " +
                               std::to_string(kApiVersion));
  }
  ApiRequest request;
  auto op = envelope.find("op");
  if (op == envelope.end() || !op->is_string() || op->get<std::string>().empty()) {
    return Status::BadRequest("op: must be a non-empty string");
  }
  request.op = op->get<std::string>();
  auto rid = envelope.find("rid");
  if (rid != envelope.end() && !rid->is_null()) {
    if (!rid->is_string()) return Status::BadRequest("rid: must be a string");
    request.rid = rid->get<std::string>();
    Status s = ValidateRequestId(request.rid);
    if (!s.ok()) return Status::BadRequest("rid: " + s.message());
  }
  auto args = envelope.find("args");
  if (args != envelope.end() && !args->is_null()) {
    if (!args->is_object()) return Status::BadRequest("args: must be a map");
    request.args = std::move(*args);
  }
  return request;
}

std::string EncodeRequest(const ApiRequest& request) {
  json envelope = {{"v", kApiVersion}, {"op", request.op}, {"args", request.args}};
  if (!request.rid.empty()) envelope["rid"] = request.rid;
  std::string bytes;
  json::to_msgpack(envelope, bytes);
  return bytes;
}

std::string EncodeReply(const Status& status, json result) {
  json reply = {{"v", kApiVersion}, {"ok", status.ok()}};
  if (status.ok()) {
    reply["result"] = std::move(result);
  } else {
    reply["error"] = {{"code", status.code_name()}, {"message", status.message()}};
  }
  std::string bytes;
  json::to_msgpack(reply, bytes);
  return bytes;
}

Result<json> DecodeReply(std::string_view bytes) {
  return ReplyOfEnvelope(json::from_msgpack(bytes, /*strict=*/true, /*allow_exceptions=*/false),
                         Status::Code::kInternal);
}

Result<json> DecodeUntrustedReply(std::string_view bytes) {
  auto reply = UntrustedJson(bytes, "reply");
  if (!reply.ok()) return Status::BadRequest("undecodable reply: " + reply.status().message());
  return ReplyOfEnvelope(std::move(*reply), Status::Code::kBadRequest);
}

uint64_t RequestFingerprint(const ApiRequest& request) {
  uint64_t h = Fnv1a64(std::string_view("\0", 1), Fnv1a64(request.op));
  // msgpack of the args: canonical (keys sorted) and, unlike dump(), never throws on
  // strings that are not UTF-8.
  std::vector<uint8_t> args = json::to_msgpack(request.args);
  return Fnv1a64(std::string_view(reinterpret_cast<const char*>(args.data()), args.size()), h);
}

}  // namespace kura
