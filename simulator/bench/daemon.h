// StoreDaemon: the real kura-store binary run as a child process of kura-bench, serving
// only an ipc:// endpoint inside its data directory, with its operator log (stderr) in a
// file. Start() returns once the daemon answers `status`, so the bench synchronises on the
// daemon itself, not on sleeps. Not thread-safe; use from the thread that started it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include <zmq.hpp>

#include "kura/schema/status.h"

namespace kura::bench {

class StoreDaemon {
 public:
  // The daemon keeps its data in `data_dir` (created by the daemon) and logs to `log_path`.
  StoreDaemon(std::string binary, std::string data_dir, std::string log_path);
  ~StoreDaemon();  // SIGKILLs and reaps a daemon still running
  StoreDaemon(const StoreDaemon&) = delete;
  StoreDaemon& operator=(const StoreDaemon&) = delete;

  // NotFound unless `binary` is an executable file; lets a run fail before measuring.
  static Status CheckBinary(const std::string& binary);

  // Spawns the daemon and waits up to `timeout_ms` for it to answer `status`. Fails with
  // the tail of its log when the binary is missing, the daemon exits, or it never answers.
  // REQUIRES: not running.
  Status Start(zmq::context_t& context, int timeout_ms);
  // SIGTERM, then waits for a clean exit (SIGKILL after 10 s). IOError unless it exited 0.
  Status Stop();

  // The daemon's resident set size (VmRSS), in bytes. REQUIRES: running.
  Result<int64_t> RssBytes() const;
  // CPU time (user + system, all threads) the daemon has used so far, in seconds.
  // REQUIRES: running.
  Result<double> CpuSeconds() const;
  // The last `lines` lines of the daemon's log, for error messages.
  std::string LogTail(int lines) const;

  std::string endpoint() const { return "ipc://" + data_dir_ + "/api.sock"; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

 private:
  // Non-blocking: true (and forgets the pid) when the child has exited.
  bool Reaped(int* wait_status);

  std::string binary_, data_dir_, log_path_;
  pid_t pid_ = -1;
};

}  // namespace kura::bench
