// RunClosedLoop: the load shape of every kura-bench phase. N worker threads each repeat one
// operation back to back (a closed loop: a worker's next request waits for its previous
// reply) for a fixed time, and every operation's latency is recorded. Setup (connecting,
// warming up) happens on each worker's own thread before the clock starts, so it is not
// measured. Call from one thread; the callbacks run on the worker threads.
#pragma once

#include <functional>

#include "kura/schema/status.h"
#include "latency.h"

namespace kura::bench {

// One operation; a non-ok Status stops the phase.
using Operation = std::function<Status()>;
// Runs on worker `index` (0-based) before the start signal; returns the operation that
// worker repeats. The operation is destroyed on the same thread, so it may own
// thread-affine resources such as ZeroMQ sockets.
using WorkerSetup = std::function<Result<Operation>(int index)>;

// Starts `workers` threads, releases them together, and lets each run its operation until
// `seconds` have passed (an operation in flight at the deadline completes and counts).
// Returns the merged summary, or the first setup or operation error.
Result<PhaseSummary> RunClosedLoop(int workers, double seconds, const WorkerSetup& setup);

}  // namespace kura::bench
