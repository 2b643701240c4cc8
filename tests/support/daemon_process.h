// DaemonProcess: a real kura-store (or kura-hq) child process for integration and crash
// tests, with a client on its ipc endpoint. Start() returns once the daemon answers `status`, so tests
// synchronise on the daemon itself, never on sleeps.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "kura/node/api_client.h"

namespace kura::test {

class DaemonProcess {
 public:
  // The daemon will keep its data in `data_dir` and listen on ipc://<data_dir>/api.sock.
  DaemonProcess(std::string store_id, std::string data_dir, std::vector<std::string> extra_args = {});
  // A kura-hq daemon (no store id) with its data in `data_dir`.
  static std::unique_ptr<DaemonProcess> Hq(std::string data_dir, std::vector<std::string> extra_args);
  ~DaemonProcess();  // SIGKILLs a daemon still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Spawns the daemon and waits until it answers (fails the test after 20 s).
  void Start();
  // Sends `signal` and reaps the child; returns its wait status.
  int Stop(int signal);
  // The machine dies (SIGKILL) and comes back with an empty disk: the data directory is
  // gone. Start() brings the daemon back on it.
  void KillAndWipeDisk();
  // Spawns and returns the exit status once the child has exited (for daemons expected to
  // refuse to start). Fails the test, killing the daemon, when it still runs after 20 s: it
  // started instead.
  int RunToExit();
  // Waits up to `timeout_ms` for a running daemon to exit by itself and reaps it; returns
  // its wait status, or -1 (still running) on timeout.
  int WaitForExit(int timeout_ms);
  // From the next Start on: no file the daemon writes may grow past `bytes` (0: no bound),
  // a disk that refuses writes. A write past the bound fails with EFBIG (SIGXFSZ is
  // ignored): RocksDB sees an IOError, where a full disk gives it NoSpace; kura stops on
  // either alike (Db::WriteFailure).
  void LimitFileSize(uint64_t bytes) { file_size_limit_ = bytes; }

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::string endpoint() const { return "ipc://" + data_dir_ + "/api.sock"; }
  const std::string& data_dir() const { return data_dir_; }
  // The child's stderr so far (its operator log).
  std::string Log() const;

  // A client connected to endpoint(), shared by the test's thread.
  ApiClient& client();
  // Calls `op` and REQUIREs success.
  nlohmann::json Must(const std::string& op, const nlohmann::json& args = nlohmann::json::object());

  static zmq::context_t& Context();

 private:
  pid_t Spawn();

  std::string binary_ = KURA_STORE_BIN;
  std::string store_id_, data_dir_, log_path_;
  std::vector<std::string> extra_args_;
  pid_t pid_ = -1;
  uint64_t file_size_limit_ = 0;
  std::unique_ptr<ApiClient> client_;
};

}  // namespace kura::test
