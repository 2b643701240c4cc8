// Checks of a daemon's settings that CLI11's own checks cannot make, shared by kura-store
// and kura-hq and applied to the final settings (flag or file alike). Each returns why a
// value is refused, empty when it is fine.
#pragma once

#include <string>

namespace kura {

// The local API has no authentication, so it serves only the machine's own users: an
// ipc:// endpoint, or tcp on a loopback address (127.0.0.0/8, [::1]) or interface (lo).
std::string NotLocalEndpoint(const std::string& endpoint);

// One of spdlog's levels: trace, debug, info, warn (warning), error (err), critical, off.
std::string BadLogLevel(const std::string& level);

}  // namespace kura
