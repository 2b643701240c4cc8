// The table of local-API operations: name, handler, whether it writes, and what follows
// the handler. Mutating operations require a client request id and are remembered for
// retries.
#pragma once

#include <span>
#include <string_view>

#include "op_context.h"

namespace kura {

struct OpSpec {
  std::string_view name;
  OpHandler handler;
  bool mutating;
  // Runs after the handler, in the same request, given its result: its writes are kept
  // even when the handler's are rolled back. Its error is the reply, and nothing of the
  // request is written, not even its request id, so a retry runs afresh. Null for most ops.
  OpFollowUp follow_up = nullptr;
};

// Null when `ops` has no operation of that name.
const OpSpec* FindOp(std::span<const OpSpec> ops, std::string_view name);
// kura-store's operations (ops.cc) and kura-hq's (hq_ops.cc).
std::span<const OpSpec> StoreOps();
std::span<const OpSpec> HqOps();

}  // namespace kura
