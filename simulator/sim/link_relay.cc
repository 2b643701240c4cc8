#include "link_relay.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace kura::sim {

namespace {

constexpr std::size_t kChunk = 64 * 1024;
// How often a down target or a busy port is tried again.
constexpr int kRetryMs = 100;
// A connect to the target gives up after this: a frozen HQ with a full accept queue
// must not stall every link.
constexpr int kConnectTimeoutMs = 1000;

void NoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A non-blocking listening socket on 127.0.0.1:port (0: any free port); -1 on failure.
int Listen(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  int one = 1;  // reopening a port whose old connections linger in TIME_WAIT
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = LoopbackAddress(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 16) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// A connection to 127.0.0.1:port, non-blocking once made; -1 when refused or timed out.
int ConnectTo(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval timeout{kConnectTimeoutMs / 1000, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);  // bounds connect()
  sockaddr_in addr = LoopbackAddress(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  NoDelay(fd);
  return fd;
}

}  // namespace

sockaddr_in LoopbackAddress(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

LinkRelay::Pipe::~Pipe() {
  for (int f : fd) {
    if (f >= 0) close(f);
  }
}

Result<std::unique_ptr<LinkRelay>> LinkRelay::Start(int target_port, int links) {
  if (target_port <= 0 || target_port > 65535)
    return Status::InvalidArgument("relay: no target port " + std::to_string(target_port));
  std::unique_ptr<LinkRelay> relay(new LinkRelay(target_port));
  KURA_RETURN_IF_ERROR(relay->Open(links));
  relay->thread_ = std::thread([r = relay.get()] { r->Loop(); });
  return relay;
}

Status LinkRelay::Open(int links) {
  if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
    return Status::IOError(std::string("relay: pipe: ") + std::strerror(errno));
  links_.resize(links);
  for (Link& link : links_) {
    link.listener = Listen(0);
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    if (link.listener < 0 || getsockname(link.listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return Status::IOError(std::string("relay: listen: ") + std::strerror(errno));
    link.port = ntohs(addr.sin_port);
  }
  return Status::Ok();
}

LinkRelay::~LinkRelay() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) {
    Wake();
    thread_.join();
  }
  pipes_.clear();
  for (Link& link : links_) {
    if (link.listener >= 0) close(link.listener);
  }
  for (int f : wake_) {
    if (f >= 0) close(f);
  }
}

std::string LinkRelay::endpoint(int link) const {
  return "tcp://127.0.0.1:" + std::to_string(links_[link].port);
}

Status LinkRelay::Cut(int link) { return Request(link, true); }
Status LinkRelay::Restore(int link) { return Request(link, false); }

Status LinkRelay::Request(int link, bool cut) {
  std::unique_lock<std::mutex> lock(mu_);
  links_[link].cut = cut;
  uint64_t generation = ++requested_;
  Wake();
  changed_.wait(lock, [&] { return applied_ >= generation || !failure_.empty(); });
  if (!failure_.empty()) return Status::IOError("relay stopped: " + failure_);
  return Status::Ok();
}

bool LinkRelay::cut(int link) const {
  std::lock_guard<std::mutex> lock(mu_);
  return links_[link].cut;
}

int64_t LinkRelay::connections(int link) const {
  std::lock_guard<std::mutex> lock(mu_);
  return links_[link].connections;
}

void LinkRelay::Wake() {
  char byte = 1;
  (void)!write(wake_[1], &byte, 1);  // a full pipe already wakes the loop
}

bool LinkRelay::ProbeTarget() {
  int fd = ConnectTo(target_port_);
  target_down_ = fd < 0;
  if (fd >= 0) close(fd);
  return !target_down_;
}

bool LinkRelay::Reconcile() {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(pipes_, [&](const auto& p) { return links_[p->link].cut; });
  bool settled = true;
  for (Link& link : links_) {
    bool open = !link.cut && !target_down_;
    if (!open && link.listener >= 0) {
      close(link.listener);
      link.listener = -1;
    } else if (open && link.listener < 0) {
      link.listener = Listen(link.port);
      settled = settled && link.listener >= 0;
    }
  }
  applied_ = requested_;
  return settled;
}

void LinkRelay::Loop() {
  struct Slot {
    int link = -1;          // a listener's link, or -1
    Pipe* pipe = nullptr;   // else a pipe and its direction
    int direction = 0;
  };
  std::vector<pollfd> fds;
  std::vector<Slot> slots;  // what fds[i + 1] is
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    if (target_down_) ProbeTarget();  // every kRetryMs while down
    bool settled = Reconcile();
    changed_.notify_all();

    fds.assign(1, pollfd{wake_[0], POLLIN, 0});
    slots.clear();
    for (int i = 0; i < static_cast<int>(links_.size()); ++i) {
      if (links_[i].listener < 0) continue;
      fds.push_back({links_[i].listener, POLLIN, 0});
      slots.push_back({i, nullptr, 0});
    }
    for (auto& pipe : pipes_) {
      for (int d = 0; d < 2; ++d) {
        // Read from the source while nothing waits; else wait until the sink takes more.
        bool waiting = !pipe->pending[d].empty();
        fds.push_back({waiting ? pipe->fd[1 - d] : pipe->fd[d],
                       static_cast<short>(waiting ? POLLOUT : POLLIN), 0});
        slots.push_back({-1, pipe.get(), d});
      }
    }
    int timeout = settled && !target_down_ ? -1 : kRetryMs;
    if (poll(fds.data(), fds.size(), timeout) < 0) {
      if (errno == EINTR) continue;
      std::lock_guard<std::mutex> lock(mu_);
      failure_ = std::string("poll: ") + std::strerror(errno);
      pipes_.clear();
      changed_.notify_all();
      return;
    }
    if (fds[0].revents != 0) {
      char drain[64];
      while (read(wake_[0], drain, sizeof drain) > 0) {
      }
    }
    std::vector<Pipe*> broken;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (fds[i + 1].revents == 0) continue;
      const Slot& slot = slots[i];
      if (slot.pipe == nullptr) {
        Accept(slot.link);
      } else if (!Pump(*slot.pipe, slot.direction == 0)) {
        broken.push_back(slot.pipe);
      }
    }
    // Before the daemon sees its connection end and redials: was it the target dying?
    // Then the redial must be refused, not accepted and dropped.
    if (!broken.empty() && !ProbeTarget()) Reconcile();
    std::erase_if(pipes_, [&](const auto& p) {
      return std::find(broken.begin(), broken.end(), p.get()) != broken.end();
    });
  }
}

void LinkRelay::Accept(int link) {
  int fd = accept4(links_[link].listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;
  NoDelay(fd);
  int target = ConnectTo(target_port_);
  if (target < 0) {
    // The target died since the last look: this one is dropped, the next refused.
    target_down_ = true;
    close(fd);
    return;
  }
  auto pipe = std::make_unique<Pipe>();
  pipe->link = link;
  pipe->fd[0] = fd;
  pipe->fd[1] = target;
  pipes_.push_back(std::move(pipe));
  std::lock_guard<std::mutex> lock(mu_);
  ++links_[link].connections;
}

bool LinkRelay::Pump(Pipe& pipe, bool up) {
  int from = pipe.fd[up ? 0 : 1], to = pipe.fd[up ? 1 : 0];
  std::string& pending = pipe.pending[up ? 0 : 1];
  if (pending.empty()) {
    char buf[kChunk];
    ssize_t n = read(from, buf, sizeof buf);
    if (n == 0) return false;  // that end closed: so does the relayed connection
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    pending.assign(buf, static_cast<std::size_t>(n));
  }
  ssize_t w = send(to, pending.data(), pending.size(), MSG_NOSIGNAL);
  if (w < 0) return errno == EAGAIN || errno == EINTR;
  pending.erase(0, static_cast<std::size_t>(w));
  return true;
}

}  // namespace kura::sim
