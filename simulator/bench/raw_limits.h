// The physical limits kura-store is compared against, measured in the same run on the same
// disk: how fast RocksDB alone can make a write durable, and how fast ZeroMQ alone can carry
// a request and its reply. kura-store cannot beat either for a single client; the ratios
// say how much of the hardware the daemon turns into durable operations.
// Each function runs one closed-loop phase (closed_loop.h); call from one thread.
#pragma once

#include <string>

#include <zmq.hpp>

#include "kura/schema/status.h"
#include "latency.h"

namespace kura::bench {

// Opens a fresh RocksDB at `db_dir` and has `writers` threads each write, back to back, a
// WriteBatch of `puts_per_batch` Puts of `put_bytes` (key and value; at least the 16-byte
// key) with WriteOptions::sync; one operation is one batch. With many writers RocksDB's own
// group commit shares one fsync among the waiting writes. IOError if the DB cannot be
// opened or a write fails.
inline constexpr std::size_t kRawKeyBytes = 16;  // "w<writer:2>-<n:12>"
inline constexpr std::size_t kStockCellPutBytes = kRawKeyBytes + 100;  // about a stock cell write
Result<PhaseSummary> MeasureSyncedWrites(const std::string& db_dir, int writers, double seconds,
                                         int puts_per_batch = 1, std::size_t put_bytes = kStockCellPutBytes);

// Runs a ROUTER echo server thread bound to `bind_endpoint` (a tcp "*" port is allowed)
// and one DEALER client doing ~100-byte request/reply round trips against it.
// IOError when the endpoint cannot be bound or a round trip gets no answer within 5 s.
Result<PhaseSummary> MeasureZmqRoundTrip(zmq::context_t& context, const std::string& bind_endpoint,
                                         double seconds);

}  // namespace kura::bench
