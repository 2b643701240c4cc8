// LinkRelay, the TCP relay kura-sim's multi-process mode cuts links with: it carries bytes
// both ways; a cut ends that link's connections and refuses new ones until restored,
// leaving the other links alone; and while the target is down every link refuses, as
// the target itself would. Real loopback sockets; every wait has a 10 s guard.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "link_relay.h"
#include "poll_until.h"

namespace kura::sim {
namespace {

constexpr int kGuardMs = 10'000;

int PortOf(const std::string& endpoint) { return std::stoi(endpoint.substr(endpoint.rfind(':') + 1)); }

// A socket that closes itself.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// A connected socket to 127.0.0.1:port, or -1 when refused.
int TryConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = LoopbackAddress(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  close(fd);
  return -1;
}

// What one read brings within the guard: the bytes, "<closed>" at end of stream or a
// reset, "<timeout>" when nothing came.
std::string ReadSome(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, kGuardMs) != 1) return "<timeout>";
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n <= 0) return "<closed>";
  return std::string(buf, static_cast<std::size_t>(n));
}

void Write(int fd, const std::string& bytes) {
  REQUIRE(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
}

// The stand-in for HQ's sync port, on `port` (0: any free one).
struct Target {
  Fd listener{socket(AF_INET, SOCK_STREAM, 0)};
  int port = 0;
  explicit Target(int at = 0) {
    int one = 1;
    setsockopt(listener.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr = LoopbackAddress(at);
    socklen_t len = sizeof addr;
    REQUIRE(bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), len) == 0);
    REQUIRE(listen(listener.fd, 8) == 0);
    REQUIRE(getsockname(listener.fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
  }
  // The next connection that says `hello`; the relay's probes (connect, then close) are
  // passed over.
  int AcceptSaying(const std::string& hello) {
    for (;;) {
      pollfd p{listener.fd, POLLIN, 0};
      REQUIRE(poll(&p, 1, kGuardMs) == 1);
      int fd = accept(listener.fd, nullptr, nullptr);
      REQUIRE(fd >= 0);
      if (ReadSome(fd) == hello) return fd;
      close(fd);
    }
  }
};

// A client connected through link `i` and the target's end of it.
struct Relayed {
  Fd client, served;
  Relayed(LinkRelay& relay, Target& target, int i)
      : client(TryConnect(PortOf(relay.endpoint(i)))), served(-1) {
    REQUIRE(client.fd >= 0);
    Write(client.fd, "ping");
    served.fd = target.AcceptSaying("ping");
  }
  void RoundTrip() {
    Write(served.fd, "pong");
    CHECK(ReadSome(client.fd) == "pong");
    Write(client.fd, "again");
    CHECK(ReadSome(served.fd) == "again");
  }
};

TEST_CASE("the link relay carries bytes both ways, a connection each", "[sim][relay]") {
  Target target;
  auto relay = LinkRelay::Start(target.port, 2);
  REQUIRE(relay.ok());
  Relayed a(**relay, target, 0), b(**relay, target, 1);
  a.RoundTrip();
  b.RoundTrip();
  CHECK((*relay)->connections(0) == 1);
  CHECK((*relay)->connections(1) == 1);
  CHECK_FALSE(LinkRelay::Start(0, 1).ok());
}

TEST_CASE("a cut link drops its connections and refuses new ones until restored",
          "[sim][relay]") {
  Target target;
  auto relay = LinkRelay::Start(target.port, 2);
  REQUIRE(relay.ok());
  LinkRelay& r = **relay;
  Relayed cut(r, target, 0), other(r, target, 1);
  cut.RoundTrip();

  REQUIRE(r.Cut(0).ok());
  CHECK(r.cut(0));
  CHECK(ReadSome(cut.client.fd) == "<closed>");
  CHECK(ReadSome(cut.served.fd) == "<closed>");
  CHECK(TryConnect(PortOf(r.endpoint(0))) == -1);  // refused, as a dead route is
  CHECK(r.connections(0) == 1);
  other.RoundTrip();  // the other link is untouched

  REQUIRE(r.Restore(0).ok());
  CHECK_FALSE(r.cut(0));
  Relayed again(r, target, 0);  // the same port again
  again.RoundTrip();
  CHECK(r.connections(0) == 2);
}

TEST_CASE("while the target is down every link refuses; once it is back they relay",
          "[sim][relay]") {
  auto target = std::make_unique<Target>();
  int port = target->port;
  auto relay = LinkRelay::Start(port, 2);
  REQUIRE(relay.ok());
  LinkRelay& r = **relay;
  auto live = std::make_unique<Relayed>(r, *target, 0);
  live->RoundTrip();

  // The target dies: its port goes, then its end of the connection.
  int client = dup(live->client.fd);
  target.reset();
  live.reset();
  CHECK(ReadSome(client) == "<closed>");
  close(client);
  // No connection through either link is accepted and then dropped: they are refused.
  CHECK(TryConnect(PortOf(r.endpoint(0))) == -1);
  CHECK(TryConnect(PortOf(r.endpoint(1))) == -1);

  target = std::make_unique<Target>(port);  // back on its port
  REQUIRE(PollUntil(
      [&] {
        int fd = TryConnect(PortOf(r.endpoint(1)));
        if (fd >= 0) close(fd);
        return fd >= 0;
      },
      kGuardMs, 20));
  Relayed again(r, *target, 1);
  again.RoundTrip();
}

}  // namespace
}  // namespace kura::sim
