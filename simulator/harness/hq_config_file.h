// The kura-hq configuration kura-bench and kura-sim run HQ with: HQ's keypair file and a TOML config
// allowing the given stores, syncing on a loopback port of HQ's choosing (read it back
// from hq.sync_status's endpoint). Call from one thread.
#pragma once

#include <string>
#include <vector>

#include "curve_keys.h"
#include "kura/schema/status.h"
#include "work_dir.h"

namespace kura::harness {

// Writes work/hq.key and work/kura-hq.toml; returns the config's path.
Result<std::string> WriteHqConfig(const WorkDir& work, const CurveKeyPair& hq_keys,
                                  const std::vector<std::string>& ids, const std::vector<CurveKeyPair>& keys);
// Writes work/kura-hq.toml alone, allowing store ids[i] with keys[i]: a new file renamed
// over the old, so a kura-hq starting or reloading meanwhile reads one or the other whole.
Result<std::string> WriteHqSettings(const WorkDir& work, const std::vector<std::string>& ids,
                                    const std::vector<CurveKeyPair>& keys);

}  // namespace kura::harness
