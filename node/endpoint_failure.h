// What a failed zmq_bind or zmq_connect means to a daemon's operator: a settings error that
// no restart can mend, or a failure a restart may (an address in use). Thread-safe.
#pragma once

#include <string>

#include <zmq.hpp>

#include "kura/schema/status.h"

namespace kura {

// The Status for `what_failed` ("cannot bind API endpoint tcp://...") failing with `e`, by
// libzmq 4.3's errno. InvalidArgument, which kura-store and kura-hq exit on with status 2
// (ExitStatusAfterStartFailure), when the endpoint can never work: EINVAL (malformed),
// EPROTONOSUPPORT (an unknown transport), ENOCOMPATPROTO (a transport the socket type cannot
// use), ENAMETOOLONG (an ipc path too long), ENOENT (an ipc path in a directory that does not
// exist) and EACCES (one this user may not write). IOError for the rest: EADDRINUSE, and
// EADDRNOTAVAIL or ENODEV (an address or interface not up yet, as early at boot).
Status EndpointFailure(const std::string& what_failed, const zmq::error_t& e);

}  // namespace kura
