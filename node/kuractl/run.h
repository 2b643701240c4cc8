// Carrying out one parsed kuractl command: send its request to the daemon, wait for the
// reply, print the result (table or JSON) or the error, and choose the exit code.
// Not thread-safe: writes to the streams it is given.
#pragma once

#include <ostream>

#include "invocation.h"

namespace kura::ctl {

// Sends `invocation` to `globals.api` and prints the outcome to `out` (results, and with
// --json error documents) and `err` (errors). A local invocation (keygen) is run in place
// and sends nothing. Never throws.
Exit Run(const Globals& globals, const Invocation& invocation, std::ostream& out, std::ostream& err);

}  // namespace kura::ctl
