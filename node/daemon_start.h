// The common start of kura-store's and kura-hq's main(): operator logging, stop signals,
// the order of binding endpoints, the data directory and the engine over it.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine.h"
#include "event_loop.h"

namespace kura {

// Below this much free space on the data directory's file system a daemon does not open
// its database: RocksDB's open writes files, and with the disk full Debian's build aborts on
// an assertion (exit 134) rather than returning the error.
inline constexpr int64_t kMinFreeBytesToOpen = 16LL << 20;

// Why `dir`'s file system cannot take a database open (less than `min_bytes` free, or
// unreadable); empty when it can.
std::string FreeSpaceProblem(const std::string& dir, int64_t min_bytes);

// Whether the daemon's own key file can be read and holds a usable keypair; when not,
// prints why on stderr after `program`'s name. Checked before anything is opened.
bool KeyFileUsable(std::string_view program, const std::string& path);

// The exit status after a start that failed with `s`: 2 for a settings error that only the
// operator can mend (InvalidArgument: a key, an endpoint that can never work, a data
// directory that cannot be made or is another store's; Unsupported: a newer build's data
// format), which the systemd units do not restart (RestartPreventExitStatus=2); 1 for the
// rest, which a restart may mend (an address in use).
int ExitStatusAfterStartFailure(const Status& s);

// Sets up logging at `log_level` and the stop signals: first, so that every later failure
// is logged as the operator set it.
void SetUpDaemon(const std::string& log_level);

// A daemon's endpoints (API, or HQ's sync endpoints) in the order main binds them.
struct BindOrder {
  // tcp: bound before the data directory is made and opened, so that a start failing on one
  // (an address in use) leaves no new data directory behind, tied to the store id given.
  // Clients that connect meanwhile wait: nothing is served before the loop runs.
  std::vector<std::string> before_storage;
  // ipc: bound once the engine holds the data directory's lock, since libzmq's ipc bind first
  // removes a socket file already at its path, which would cut a daemon already serving this
  // data directory off its clients. The default ipc endpoint lies in the data directory too.
  std::vector<std::string> after_storage;
};
BindOrder BindOrderOf(const std::vector<std::string>& endpoints);

// For main() once binding its `setting`'s endpoints ("--api") failed with `s`: logs
// event=bind_failed and returns the exit status (ExitStatusAfterStartFailure: 2 for an
// endpoint that can never work, 1 for one in use).
int ExitStatusAfterBindFailure(const Status& s, std::string_view setting);

// Creates the data directory (kept at 0700: it holds the ticket-signing key) and opens the
// engine serving `ops`, after checking the disk has kMinFreeBytesToOpen free. On failure the
// error is logged (event=open_failed). REQUIRES: SetUpDaemon was called.
Result<std::unique_ptr<Engine>> StartDaemon(const StoreOptions& options, std::span<const OpSpec> ops);

// Stops `loop` once `engine`'s database has refused a write (Db::WriteFailure says why),
// logging event=storage_failed: main then exits non-zero for the supervisor to restart it.
void StopOnStorageFailure(EventLoop& loop, Engine* engine);

// For main() once its loop failed with `loop_status`: logs event=loop_failed and returns
// the exit status, 1. When `engine`'s database refused a write it does not return: it runs
// `close_links` (which closes the API and sync sockets and the ZeroMQ context, so that the
// io_error replies already queued go out) and exits 1 without closing the database, whose
// close can then abort on an assertion in Debian's RocksDB (exit 134 instead of 1). Every
// acknowledged write is synced, so the restart recovers as from a crash.
int ExitStatusAfterLoopFailure(const Status& loop_status, Engine* engine,
                               const std::function<void()>& close_links);

}  // namespace kura
