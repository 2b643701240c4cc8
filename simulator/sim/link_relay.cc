#include "link_relay.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace kura::sim {

namespace {

constexpr std::size_t kChunk = 64 * 1024;

void NoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A connection to 127.0.0.1:port, non-blocking once made; -1 when refused (the target is
// down: the accepted end is closed and the daemon retries, as it would against HQ).
int ConnectTo(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
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
    link.listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in addr = LoopbackAddress(0);  // any free port
    socklen_t len = sizeof addr;
    if (link.listener < 0 || bind(link.listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(link.listener, 16) != 0 ||
        getsockname(link.listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
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

void LinkRelay::Cut(int link) {
  std::unique_lock<std::mutex> lock(mu_);
  links_[link].cut = true;
  uint64_t generation = ++requested_;
  Wake();
  changed_.wait(lock, [&] { return applied_ >= generation; });
}

void LinkRelay::Restore(int link) {
  std::lock_guard<std::mutex> lock(mu_);
  links_[link].cut = false;
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

void LinkRelay::Loop() {
  std::vector<pollfd> fds;
  std::vector<std::pair<Pipe*, int>> pumps;  // per entry of fds past the listeners: pipe, direction
  for (;;) {
    {
      // Apply cuts first: a cut link's connections go before anything more moves.
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      std::erase_if(pipes_, [&](const auto& p) { return links_[p->link].cut; });
      applied_ = requested_;
    }
    changed_.notify_all();

    fds.clear();
    pumps.clear();
    fds.push_back({wake_[0], POLLIN, 0});
    for (const Link& link : links_) fds.push_back({link.listener, POLLIN, 0});
    for (auto& pipe : pipes_) {
      for (int d = 0; d < 2; ++d) {
        // Read from the source while nothing waits; else wait until the sink takes more.
        bool waiting = !pipe->pending[d].empty();
        fds.push_back({waiting ? pipe->fd[1 - d] : pipe->fd[d],
                       static_cast<short>(waiting ? POLLOUT : POLLIN), 0});
        pumps.emplace_back(pipe.get(), d);
      }
    }
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) {
      char drain[64];
      while (read(wake_[0], drain, sizeof drain) > 0) {
      }
    }
    for (std::size_t i = 0; i < links_.size(); ++i) {
      if (fds[1 + i].revents != 0) Accept(static_cast<int>(i));
    }
    std::vector<Pipe*> broken;
    for (std::size_t i = 0; i < pumps.size(); ++i) {
      if (fds[1 + links_.size() + i].revents == 0) continue;
      auto [pipe, d] = pumps[i];
      if (!Pump(*pipe, d == 0)) broken.push_back(pipe);
    }
    std::erase_if(pipes_, [&](const auto& p) {
      return std::find(broken.begin(), broken.end(), p.get()) != broken.end();
    });
  }
}

void LinkRelay::Accept(int link) {
  int fd = accept4(links_[link].listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (links_[link].cut) {
      close(fd);
      return;
    }
  }
  NoDelay(fd);
  int target = ConnectTo(target_port_);
  if (target < 0) {
    close(fd);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++links_[link].connections;
  }
  auto pipe = std::make_unique<Pipe>();
  pipe->link = link;
  pipe->fd[0] = fd;
  pipe->fd[1] = target;
  pipes_.push_back(std::move(pipe));
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
