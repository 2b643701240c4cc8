// Whether a kura-store takes writes: a linked store's new data directory refuses them until
// HQ has sent back its data (sync.status `restoring`, PROTOCOL.md 3 `meta awaiting_hq`).
// For the tools that start a fresh store and then write to it.
#pragma once

#include "kura/node/api_client.h"

namespace kura::harness {

// From the store's `sync.status` reply.
inline bool TakesWrites(const nlohmann::json& sync_status) { return !sync_status.value("restoring", true); }

// False also when the store does not answer.
inline bool TakesWrites(ApiClient& store) {
  auto sync = store.Call("sync.status");
  return sync.ok() && TakesWrites(*sync);
}

}  // namespace kura::harness
