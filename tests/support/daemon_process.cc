#include "daemon_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

namespace kura::test {

zmq::context_t& DaemonProcess::Context() {
  static zmq::context_t context(1);
  return context;
}

DaemonProcess::DaemonProcess(std::string store_id, std::string data_dir,
                             std::vector<std::string> extra_args)
    : store_id_(std::move(store_id)), data_dir_(std::move(data_dir)),
      log_path_(data_dir_ + ".log"), extra_args_(std::move(extra_args)) {}

std::unique_ptr<DaemonProcess> DaemonProcess::Hq(std::string data_dir,
                                                std::vector<std::string> extra_args) {
  auto hq = std::make_unique<DaemonProcess>("", std::move(data_dir), std::move(extra_args));
  hq->binary_ = KURA_HQ_BIN;
  return hq;
}

DaemonProcess::~DaemonProcess() {
  if (running()) Stop(SIGKILL);
}

pid_t DaemonProcess::Spawn() {
  std::vector<std::string> args = {binary_, "--data-dir", data_dir_, "--api", endpoint(),
                                   "--log-level", "debug"};
  if (!store_id_.empty()) args.insert(args.end(), {"--store-id", store_id_});
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDERR_FILENO);
      dup2(fd, STDOUT_FILENO);
    }
    if (file_size_limit_ > 0) {
      rlimit limit{file_size_limit_, file_size_limit_};
      setrlimit(RLIMIT_FSIZE, &limit);
      signal(SIGXFSZ, SIG_IGN);  // kept across execv: the write fails instead
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

void DaemonProcess::Start() {
  REQUIRE(!running());
  pid_ = Spawn();
  REQUIRE(pid_ > 0);
  // The ipc socket may not exist yet; ZeroMQ retries the connect until it does, and the
  // request is delivered once the daemon binds.
  client_ = std::make_unique<ApiClient>(Context(), endpoint(), 20'000);
  auto status = client_->Call("status");
  INFO("daemon log:\n" << Log());
  REQUIRE(status.ok());
}

int DaemonProcess::Stop(int signal) {
  if (!running()) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  client_.reset();
  return status;
}

void DaemonProcess::KillAndWipeDisk() {
  Stop(SIGKILL);
  std::filesystem::remove_all(data_dir_);
}

int DaemonProcess::RunToExit() {
  REQUIRE(!running());
  pid_ = Spawn();
  REQUIRE(pid_ > 0);
  int status = WaitForExit(20'000);
  if (status == -1) {
    Stop(SIGKILL);
    INFO("daemon log:\n" << Log());
    FAIL("the daemon still ran after 20 s: it started instead of refusing to");
  }
  return status;
}

int DaemonProcess::WaitForExit(int timeout_ms) {
  REQUIRE(running());
  // A pidfd becomes readable when the child exits: wait on it rather than on a timer.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  REQUIRE(pidfd >= 0);
  pollfd item{pidfd, POLLIN, 0};
  int ready = 0;
  do {
    ready = poll(&item, 1, timeout_ms);  // a signal restarts the whole wait: fine for a bound
  } while (ready < 0 && errno == EINTR);
  close(pidfd);
  if (ready != 1) return -1;
  int status = 0;
  REQUIRE(waitpid(pid_, &status, 0) == pid_);
  pid_ = -1;
  client_.reset();
  return status;
}

std::string DaemonProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ApiClient& DaemonProcess::client() {
  REQUIRE(client_);
  return *client_;
}

nlohmann::json DaemonProcess::Must(const std::string& op, const nlohmann::json& args) {
  auto result = client().Call(op, args);
  INFO(op << " " << args.dump() << " -> " << (result.ok() ? result->dump() : result.status().ToString()));
  REQUIRE(result.ok());
  return *result;
}

}  // namespace kura::test
