// Checks of a daemon's settings that CLI11's own checks cannot make, shared by kura-store
// and kura-hq and applied to the final settings (flag or file alike), before anything is
// opened or made. Each returns why a value is refused, empty when it is fine.
#pragma once

#include <string>

namespace kura {

// How a daemon uses an endpoint: binds it (the API, HQ's sync endpoints) or dials it (a
// store's HQ).
enum class EndpointUse { kBind = 1, kConnect = 2 };

// Why libzmq could never bind (or dial) `endpoint`, whatever a restart found: not
// <transport>://<address>, a transport other than tcp and ipc, a tcp address without a
// host or a port, or an ipc path libzmq refuses (empty, too long for a socket, or, to bind,
// in a directory that does not exist, unless it is `made_at_start`, the data directory).
// An address in use or not (yet) on this machine is for the bind itself to find
// (EndpointFailure, endpoint_failure.h).
std::string UnusableEndpoint(const std::string& endpoint, EndpointUse use, const std::string& made_at_start = "");

// The local API has no authentication, so it serves only the machine's own users: an
// ipc:// endpoint, or tcp on a loopback address (127.0.0.0/8, [::1]) or interface (lo).
std::string NotLocalEndpoint(const std::string& endpoint);

// An --api endpoint: one libzmq can bind (UnusableEndpoint, with the data directory made
// at start) that is local (NotLocalEndpoint).
std::string BadApiEndpoint(const std::string& endpoint, const std::string& data_dir);

// One of spdlog's levels: trace, debug, info, warn (warning), error (err), critical, off.
std::string BadLogLevel(const std::string& level);

}  // namespace kura
