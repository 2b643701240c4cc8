#include "daemon.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "kura/node/api_client.h"

namespace kura::harness {
namespace {

// How long one readiness probe waits; the daemon normally answers the first or second.
constexpr int kProbeTimeoutMs = 250;
constexpr int kStopTimeoutMs = 10'000;

std::string DescribeExit(int wait_status) {
  if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return "killed by signal " + std::to_string(WTERMSIG(wait_status));
  return "stopped";
}

// Waits up to `timeout_ms` for `pid` to exit, without polling in a sleep loop; false on
// timeout. Without pidfd support (Linux < 5.3) it returns true at once and the caller's
// blocking waitpid does the waiting.
bool WaitForExit(pid_t pid, int timeout_ms) {
  int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return true;
  pollfd item{fd, POLLIN, 0};
  int n = poll(&item, 1, timeout_ms);
  close(fd);
  return n > 0;
}

}  // namespace

Daemon::Daemon(std::string binary, std::vector<std::string> args, std::string data_dir, std::string log_path)
    : binary_(std::move(binary)),
      name_(binary_.substr(binary_.rfind('/') + 1)),
      args_(std::move(args)),
      data_dir_(std::move(data_dir)),
      log_path_(std::move(log_path)) {}

Daemon::~Daemon() { Kill(); }

void Daemon::Kill() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string Daemon::Exited() {
  int wait_status = 0;
  if (!running() || !Reaped(&wait_status)) return "";
  return DescribeExit(wait_status);
}

Status Daemon::Signal(int signal) {
  if (!running()) return Status::IOError(name_ + " is not running");
  if (kill(pid_, signal) != 0) return Status::IOError(name_ + ": kill(" + std::to_string(signal) + ") failed");
  return Status::Ok();
}

bool Daemon::Reaped(int* wait_status) {
  if (waitpid(pid_, wait_status, WNOHANG) != pid_) return false;
  pid_ = -1;
  return true;
}

Status Daemon::CheckBinary(const std::string& binary) {
  if (access(binary.c_str(), X_OK) == 0) return Status::Ok();
  return Status::NotFound(binary + " is not an executable file (see --store-bin, --hq-bin)");
}

std::string Daemon::BinaryFromEnv(const char* env_var, const std::string& built) {
  const char* env = std::getenv(env_var);
  return (env != nullptr && *env != '\0') ? env : built;
}

Status Daemon::Start(zmq::context_t& context, int timeout_ms) {
  KURA_RETURN_IF_ERROR(CheckBinary(binary_));
  if (endpoint().size() - 6 >= sizeof(sockaddr_un::sun_path)) {
    return Status::InvalidArgument("ipc socket path too long: " + endpoint() + " (use a shorter --data-dir)");
  }
  std::vector<std::string> args = {binary_, "--data-dir", data_dir_, "--api", endpoint()};
  args.insert(args.end(), args_.begin(), args_.end());
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) return Status::IOError("fork failed");
  if (pid_ == 0) {
    // The daemon dies with its parent (a run stopped with Ctrl-C leaves none behind).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    // In a process group of its own, so that only the harness stops it: a terminal's Ctrl-C
    // goes to the harness, which stops its daemons in order, and a daemon the harness froze
    // is not sent SIGHUP when the harness's group is orphaned (the shell that started it
    // exits), as POSIX has the kernel do to an orphaned group with a stopped member.
    setpgid(0, 0);
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDERR_FILENO);
      dup2(fd, STDOUT_FILENO);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }

  // ZeroMQ retries the ipc connect until the daemon binds, so each probe is simply a
  // `status` call with a short timeout; between probes we check the child is still alive.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    ApiClient probe(context, endpoint(), kProbeTimeoutMs);
    if (probe.Call("status").ok()) return Status::Ok();
    int wait_status = 0;
    if (Reaped(&wait_status)) {
      return Status::IOError(name_ + " " + DescribeExit(wait_status) + "; log:\n" + LogTail(20));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::IOError(name_ + " did not answer status within " + std::to_string(timeout_ms) +
                             " ms; log:\n" + LogTail(20));
    }
  }
}

Status Daemon::Stop() {
  if (!running()) return Status::Ok();
  kill(pid_, SIGTERM);
  if (!WaitForExit(pid_, kStopTimeoutMs)) kill(pid_, SIGKILL);
  int wait_status = 0;
  waitpid(pid_, &wait_status, 0);
  pid_ = -1;
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) return Status::Ok();
  return Status::IOError(name_ + " " + DescribeExit(wait_status) + " on SIGTERM; log:\n" + LogTail(20));
}

Result<int64_t> Daemon::StatusBytes(const std::string& field) const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  const std::string prefix = field + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stoll(line.substr(prefix.size())) * 1024;
  }
  return Status::NotFound("no " + field + " for pid " + std::to_string(pid_));
}

Result<double> Daemon::CpuSeconds() const {
  // "pid (comm) state ppid ..." with utime and stime the 14th and 15th fields; comm may hold
  // spaces, so fields are counted after its closing parenthesis.
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t close = stat.rfind(')');
  if (close == std::string::npos) return Status::NotFound("no /proc stat for pid " + std::to_string(pid_));
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string Daemon::LogTail(int lines) const {
  std::ifstream in(log_path_);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  if (tail.empty()) return "  (empty)\n";
  std::string out;
  for (const auto& l : tail) out += "  " + l + "\n";
  return out;
}

int Daemon::LogLinesWith(std::string_view text) const {
  std::ifstream in(log_path_);
  int count = 0;
  for (std::string line; std::getline(in, line);) count += line.find(text) != std::string::npos ? 1 : 0;
  return count;
}

}  // namespace kura::harness
