// Brings a data directory written in an earlier disk format up to keys::kFormatVersion
// when the daemon opens it (PROTOCOL.md 3, `format`). Each step can be repeated, and the
// format is written with its last write, so a crash part-way repeats it on the next open.
// Not thread-safe (runs before the loop starts).
#pragma once

#include <cstdint>
#include <string_view>

#include "txn.h"

namespace kura {

// Whether this build opens a directory of disk format `format` (current or upgradable).
bool CanOpenFormat(uint64_t format);

// Upgrades the directory of replica `self` from `format`; commits. REQUIRES: CanOpenFormat(format).
Status UpgradeFormat(Txn& txn, std::string_view self, uint64_t format);

}  // namespace kura
