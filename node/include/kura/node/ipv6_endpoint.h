// IPv6 endpoints: a libzmq socket speaks IPv4 only unless ZMQ_IPV6 is set, so binding
// tcp://[::1]:7420 fails (ENODEV) and connecting to it never links. The option is set only
// for a bracketed IPv6 address, so a socket given IPv4 endpoints stays as it always was.
#pragma once

#include <string_view>

#include <zmq.hpp>

namespace kura {

inline void AllowIpv6For(zmq::socket_t& socket, std::string_view endpoint) {
  if (endpoint.starts_with("tcp://[")) socket.set(zmq::sockopt::ipv6, 1);
}

}  // namespace kura
