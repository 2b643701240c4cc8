#include "link_monitor.h"

#include <atomic>
#include <cstring>

namespace kura {
namespace {

constexpr int kWatchedEvents = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED |
                               ZMQ_EVENT_CONNECT_RETRIED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

LinkEvent FromZmq(uint16_t event) {
  switch (event) {
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: return LinkEvent::kUp;
    case ZMQ_EVENT_DISCONNECTED: return LinkEvent::kDown;
    case ZMQ_EVENT_CONNECT_RETRIED: return LinkEvent::kUnreachable;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: return LinkEvent::kRefused;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: return LinkEvent::kHandshakeFailed;
    default: return LinkEvent::kNone;
  }
}

}  // namespace

Result<std::unique_ptr<LinkMonitor>> LinkMonitor::Attach(zmq::context_t& context,
                                                         zmq::socket_t& socket) {
  // Each monitor needs its own inproc name within the context.
  static std::atomic<uint64_t> next_id{0};
  std::string endpoint = "inproc://kura-link-monitor-" + std::to_string(next_id++);
  if (zmq_socket_monitor(socket.handle(), endpoint.c_str(), kWatchedEvents) != 0) {
    return Status::IOError(std::string("cannot monitor socket: ") + zmq_strerror(zmq_errno()));
  }
  try {
    zmq::socket_t events(context, zmq::socket_type::pair);
    events.set(zmq::sockopt::linger, 0);
    events.connect(endpoint);
    return std::unique_ptr<LinkMonitor>(new LinkMonitor(socket.handle(), std::move(events)));
  } catch (const zmq::error_t& e) {
    zmq_socket_monitor(socket.handle(), nullptr, 0);
    return Status::IOError(std::string("cannot read socket events: ") + e.what());
  }
}

LinkMonitor::~LinkMonitor() { zmq_socket_monitor(watched_, nullptr, 0); }

LinkEvent LinkMonitor::Next(uint32_t* value) {
  // An event is two frames: 6 bytes (uint16 event, uint32 value, host order), then the
  // endpoint.
  try {
    while (true) {
      zmq::message_t head;
      if (!events_.recv(head, zmq::recv_flags::dontwait)) return LinkEvent::kNone;
      while (events_.get(zmq::sockopt::rcvmore)) {
        zmq::message_t rest;
        (void)events_.recv(rest);
      }
      if (head.size() < 6) continue;
      uint16_t event;
      uint32_t number;
      std::memcpy(&event, head.data(), sizeof(event));
      std::memcpy(&number, static_cast<const char*>(head.data()) + 2, sizeof(number));
      LinkEvent link_event = FromZmq(event);
      if (link_event == LinkEvent::kNone) continue;
      if (value != nullptr) *value = number;
      return link_event;
    }
  } catch (const zmq::error_t&) {
    return LinkEvent::kNone;  // context shutting down: nothing more will happen
  }
}

}  // namespace kura
