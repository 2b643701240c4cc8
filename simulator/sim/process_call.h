// One request of kura-sim's multi-process mode to a daemon's local API: nullopt when no
// reply came in time (the request is then unknown: the daemon may or may not have applied
// it), else the daemon's result or its refusal.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "kura/node/api_client.h"
#include "kura/schema/status.h"

namespace kura::sim {

std::optional<Result<nlohmann::json>> CallOnce(ApiClient& client, const std::string& op,
                                               const std::string& rid, const nlohmann::json& args);

}  // namespace kura::sim
