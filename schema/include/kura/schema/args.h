// Typed access to a request's args with errors a person can act on: every failure is
// InvalidArgument naming the field ("qty: must be an integer in 1..1000000"). Pure
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kura/schema/status.h"

namespace kura {

using IdValidator = std::function<Status(std::string_view)>;

// A required string field, checked by `validate` (may be null: any non-empty string of at
// most kMaxStringBytes).
Result<std::string> ArgString(const nlohmann::json& args, const char* name,
                              const IdValidator& validate);
// An optional string field: "" when absent or null.
Result<std::string> ArgOptString(const nlohmann::json& args, const char* name,
                                 const IdValidator& validate);
// A required integer in [min, max].
Result<int64_t> ArgInt(const nlohmann::json& args, const char* name, int64_t min, int64_t max);
// An optional integer in [min, max]; `fallback` when absent or null.
Result<int64_t> ArgOptInt(const nlohmann::json& args, const char* name, int64_t min, int64_t max,
                          int64_t fallback);
// A required finite number (integer or float) in [min, max].
Result<double> ArgNumber(const nlohmann::json& args, const char* name, double min, double max);
// An optional boolean; `fallback` when absent or null. Integers are refused, not converted.
Result<bool> ArgOptBool(const nlohmann::json& args, const char* name, bool fallback);
// A required, non-empty array of at most `max_items` items.
Result<const nlohmann::json*> ArgArray(const nlohmann::json& args, const char* name,
                                       std::size_t max_items);

}  // namespace kura
