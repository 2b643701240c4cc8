#include "process_call.h"

#include "kura/schema/api.h"

namespace kura::sim {

std::optional<Result<nlohmann::json>> CallOnce(ApiClient& client, const std::string& op,
                                               const std::string& rid, const nlohmann::json& args) {
  // Raw, so that a timeout (IOError from the client) is told apart from a daemon's io_error.
  auto raw = client.CallRaw(EncodeRequest(ApiRequest{op, rid, args}));
  if (!raw.ok()) return std::nullopt;
  return DecodeReply(*raw);
}

}  // namespace kura::sim
