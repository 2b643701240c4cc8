// LinkRelay, the TCP relay kura-sim's multi-process mode cuts links with: it carries bytes
// both ways, and a cut drops that link's connections and refuses new ones until restored,
// leaving the other links alone. Real loopback sockets; every read has a 10 s guard.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <catch2/catch.hpp>

#include "link_relay.h"

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

// The stand-in for HQ's sync port.
struct Target {
  Fd listener{socket(AF_INET, SOCK_STREAM, 0)};
  int port = 0;
  Target() {
    sockaddr_in addr = LoopbackAddress(0);
    socklen_t len = sizeof addr;
    REQUIRE(bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), len) == 0);
    REQUIRE(listen(listener.fd, 8) == 0);
    REQUIRE(getsockname(listener.fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
  }
  int Accept() {
    pollfd p{listener.fd, POLLIN, 0};
    REQUIRE(poll(&p, 1, kGuardMs) == 1);
    return accept(listener.fd, nullptr, nullptr);
  }
};

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = LoopbackAddress(port);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
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

// A client connected through link `i` and the target's end of it, checked to carry bytes.
struct Relayed {
  Fd client, served;
  Relayed(LinkRelay& relay, Target& target, int i)
      : client(Connect(PortOf(relay.endpoint(i)))), served(target.Accept()) {}
  void RoundTrip() {
    Write(client.fd, "ping");
    CHECK(ReadSome(served.fd) == "ping");
    Write(served.fd, "pong");
    CHECK(ReadSome(client.fd) == "pong");
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
}

TEST_CASE("a cut link drops its connections and refuses new ones until restored",
          "[sim][relay]") {
  Target target;
  auto relay = LinkRelay::Start(target.port, 2);
  REQUIRE(relay.ok());
  LinkRelay& r = **relay;
  Relayed cut(r, target, 0), other(r, target, 1);
  cut.RoundTrip();

  r.Cut(0);
  CHECK(r.cut(0));
  CHECK(ReadSome(cut.client.fd) == "<closed>");
  CHECK(ReadSome(cut.served.fd) == "<closed>");
  Fd refused(Connect(PortOf(r.endpoint(0))));  // the kernel accepts; the relay closes it
  CHECK(ReadSome(refused.fd) == "<closed>");
  CHECK(r.connections(0) == 1);
  other.RoundTrip();  // the other link is untouched

  r.Restore(0);
  CHECK_FALSE(r.cut(0));
  Relayed again(r, target, 0);
  again.RoundTrip();
  CHECK(r.connections(0) == 2);
}

}  // namespace
}  // namespace kura::sim
