// After the final heal (and for one store, before its disk is replaced), kura-sim's
// multi-process mode sends every operation still unknown (no reply in time, or io_error or
// busy) again, with its rid and args, to the daemon it went to. PROTOCOL.md 1.2 makes that
// safe and decisive: a daemon that applied the first answers with its stored reply and
// changes nothing, one that did not decides it now (HQ may route an order again, or decide
// it itself). So each resolved operation is checked exactly, as an acknowledged or refused
// one, instead of being allowed for either way; and the daemons' memory of request ids is
// tested across the SIGKILLs and restarts the run made: a sale, return, delivery, hold or
// collection applied twice shows in the final checks (two receipts or holds for one
// customer id, on-hand off by the operation), and a repeated hold move whose answer is not
// a legal move from the state the hold had when the request was first sent is a violation.
// A forgotten hold.ready or hold.cancel answered invalid_state is not told apart from one
// that never happened.
//
// A repeat answered io_error or busy, or not at all, is sent again up to kResendAttempts
// times in all; what is then still unknown is allowed for either way (process_checks.h).
#pragma once

#include <functional>
#include <optional>

#include <zmq.hpp>

#include "process_chain.h"
#include "process_ledger.h"
#include "process_options.h"

namespace kura::sim {

inline constexpr int kResendAttempts = 3;

// With `store`, only the operations concerning it (its till's, and online orders for it),
// before its disk is replaced: its memory of request ids goes with the disk, so a repeat
// after that would be applied again.
//
// REQUIRES: the daemons they went to up and linked (ProcessChain::HealAll, AwaitLinked),
// and no workload thread sending any of them (stopped, or the store's gate closed). Stops
// early, leaving the rest unknown, once `stop` says so (asked between tries: an interrupt,
// a daemon that exited).
void ResendUnknown(const ProcessOptions& options, const ProcessChain& chain, ProcessLedger* ledger,
                   zmq::context_t& context, const std::function<bool()>& stop,
                   std::optional<int> store = std::nullopt);

}  // namespace kura::sim
