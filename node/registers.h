// Register cells (sync/lww_register.h) as the ops read and write them: the store
// directory, store status, allotment policies and the key directory (schema/keys.h, "g/").
// A write stamps this replica's component with the replica's hybrid logical clock and its
// next sequence number, so it syncs like any other component; a read returns the winning
// write over all origins. Not thread-safe (runs inside one commit group).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "op_context.h"

namespace kura {

// PermissionDenied-like InvalidArgument when this replica may not write `key`
// (keys::MayWrite). REQUIRES: ctx.hlc set.
Status WriteRegister(OpContext& ctx, std::string_view key, std::string value);

// The winning value, or nullopt when nobody has written the register.
Result<std::optional<std::string>> ReadRegister(Txn& txn, std::string_view key);

}  // namespace kura
