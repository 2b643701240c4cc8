// The table of local-API operations: name, handler, and whether it writes. Mutating
// operations require a client request id and are remembered for retries.
#pragma once

#include <span>
#include <string_view>

#include "op_context.h"

namespace kura {

struct OpSpec {
  std::string_view name;
  OpHandler handler;
  bool mutating;
};

// Null when no operation has that name.
const OpSpec* FindOp(std::string_view name);
std::span<const OpSpec> AllOps();

}  // namespace kura
