// Daemon: a real kura daemon (kura-store or kura-hq) run as a child process of kura-bench
// or kura-sim's multi-process mode, serving its local API only on an ipc:// endpoint inside
// its data directory, with its operator log (stderr) in a file. Start() returns once the
// daemon answers `status`, so callers synchronise on the daemon itself, not on sleeps.
// Not thread-safe; use from the thread that started it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "kura/schema/status.h"

namespace kura::harness {

class Daemon {
 public:
  // The daemon runs as `binary --data-dir <data_dir> --api <endpoint()> <args...>`, keeps
  // its data in `data_dir` (created by the daemon) and logs to `log_path`. Both kura-store
  // and kura-hq take those two flags; `args` adds the rest (--store-id, --config, ...).
  Daemon(std::string binary, std::vector<std::string> args, std::string data_dir, std::string log_path);
  ~Daemon();  // SIGKILLs and reaps a daemon still running
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // NotFound unless `binary` is an executable file; lets a run fail before measuring.
  static Status CheckBinary(const std::string& binary);
  // The binary to run by default: $`env_var` when set and not empty, else `built` (the one
  // built in the same tree).
  static std::string BinaryFromEnv(const char* env_var, const std::string& built);

  // Spawns the daemon and waits up to `timeout_ms` for it to answer `status`. Fails with
  // the tail of its log when the binary is missing, the daemon exits, or it never answers.
  // The daemon is SIGKILLed when the calling thread exits (PR_SET_PDEATHSIG), so call it
  // from a thread that outlives the daemon.
  // REQUIRES: not running.
  Status Start(zmq::context_t& context, int timeout_ms);
  // SIGTERM, then waits for a clean exit (SIGKILL after 10 s). IOError unless it exited 0.
  // REQUIRES: not stopped by SIGSTOP (a stopped daemon would sit out the 10 s).
  Status Stop();
  // SIGKILL and reap: a crash, no clean shutdown. A no-op when not running.
  void Kill();
  // How the daemon ended ("exited with status 1", "killed by signal 6") when it has exited
  // since Start without Stop or Kill, reaping it (running() is false after); empty while it
  // runs or when it is not running. Non-blocking: a daemon stopped by SIGSTOP still runs.
  std::string Exited();
  // Sends `signal` (SIGSTOP, SIGCONT, ...) without waiting. IOError when not running or
  // when kill(2) fails.
  Status Signal(int signal);

  // The daemon's resident set size (VmRSS), in bytes. REQUIRES: running.
  Result<int64_t> RssBytes() const { return StatusBytes("VmRSS"); }
  // The highest resident set size it has had so far (VmHWM), in bytes. REQUIRES: running.
  Result<int64_t> PeakRssBytes() const { return StatusBytes("VmHWM"); }
  // CPU time (user + system, all threads) the daemon has used so far, in seconds.
  // REQUIRES: running.
  Result<double> CpuSeconds() const;
  // The last `lines` lines of the daemon's log, for error messages.
  std::string LogTail(int lines) const;
  // How many lines of the daemon's log (every run of it so far) contain `text`.
  int LogLinesWith(std::string_view text) const;

  std::string endpoint() const { return "ipc://" + data_dir_ + "/api.sock"; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

 private:
  // Non-blocking: true (and forgets the pid) when the child has exited.
  bool Reaped(int* wait_status);
  // A "<field>:  1234 kB" line of /proc/<pid>/status, in bytes.
  Result<int64_t> StatusBytes(const std::string& field) const;

  std::string binary_, name_;
  std::vector<std::string> args_;
  std::string data_dir_, log_path_;
  pid_t pid_ = -1;
};

}  // namespace kura::harness
