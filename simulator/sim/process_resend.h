// After the final heal, kura-sim's multi-process mode sends every operation still unknown
// (no reply in time, or io_error or busy) again, with its rid and args, to the daemon it
// went to. PROTOCOL.md 1.2 makes that safe and decisive: a daemon that applied the first
// answers with its stored reply and changes nothing, one that did not applies it now. So
// each resolved operation is checked exactly, as an acknowledged or refused one, instead of
// being allowed for either way; and every daemon's memory of request ids is tested across
// the SIGKILLs and restarts the run made. A double application shows in the final checks
// (two receipts or holds for one customer id, on-hand off by the operation).
//
// A repeat answered io_error or busy, or not at all, is sent again up to kResendAttempts
// times in all; what is then still unknown is allowed for as before (process_checks.h).
#pragma once

#include <zmq.hpp>

#include "process_chain.h"
#include "process_ledger.h"
#include "process_options.h"

namespace kura::sim {

inline constexpr int kResendAttempts = 3;

// REQUIRES: every daemon up (after ProcessChain::HealAll) and no workload thread running.
void ResendUnknown(const ProcessOptions& options, const ProcessChain& chain,
                      ProcessLedger* ledger, zmq::context_t& context);

}  // namespace kura::sim
