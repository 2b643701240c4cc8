#include "api_server.h"

#include <chrono>
#include <memory>

#include <spdlog/spdlog.h>

#include "endpoint_failure.h"
#include "kura/node/ipv6_endpoint.h"

namespace kura {
namespace {

// A request message is [envelope frames..., body]; more frames than this is not a client
// of ours and is dropped.
constexpr std::size_t kMaxFrames = 8;

}  // namespace

ApiServer::ApiServer(zmq::context_t& context)
    : socket_(context, zmq::socket_type::router), envelopes_(kMaxGroup), bodies_(kMaxGroup) {
  socket_.set(zmq::sockopt::maxmsgsize, kMaxMessageBytes);
  socket_.set(zmq::sockopt::linger, 1000);
  // Never block the loop on a slow or vanished client: unroutable replies are dropped.
  socket_.set(zmq::sockopt::sndhwm, 100000);
}

Status ApiServer::Bind(const std::vector<std::string>& endpoints) {
  for (const auto& endpoint : endpoints) {
    try {
      AllowIpv6For(socket_, endpoint);
      socket_.bind(endpoint);
    } catch (const zmq::error_t& e) {
      return EndpointFailure("cannot bind API endpoint " + endpoint, e);
    }
  }
  return Status::Ok();
}

bool ApiServer::ReceiveOne(std::vector<zmq::message_t>* envelope, std::string* body) {
  while (true) {
    std::vector<zmq::message_t> frames;
    bool more = true;
    while (more) {
      zmq::message_t frame;
      auto flags = frames.empty() ? zmq::recv_flags::dontwait : zmq::recv_flags::none;
      if (!socket_.recv(frame, flags)) return false;
      more = frame.more();
      if (frames.size() <= kMaxFrames) frames.push_back(std::move(frame));
    }
    if (frames.size() < 2 || frames.size() > kMaxFrames) {
      spdlog::warn("event=api_drop reason=frame_count frames={}", frames.size());
      continue;
    }
    body->assign(static_cast<const char*>(frames.back().data()), frames.back().size());
    frames.pop_back();
    *envelope = std::move(frames);
    return true;
  }
}

void ApiServer::SendReply(std::vector<zmq::message_t>& envelope, std::string_view reply) {
  try {
    for (auto& frame : envelope) socket_.send(frame, zmq::send_flags::sndmore);
    socket_.send(zmq::buffer(reply), zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    // The client is gone or unroutable; its request still took effect durably.
    spdlog::debug("event=api_reply_dropped error=\"{}\"", e.what());
  }
}

Status ApiServer::ServeWaiting() {
  int n = 0;
  try {
    while (n < kMaxGroup && ReceiveOne(&envelopes_[n], &bodies_[n])) {
      if (routers_.empty()) {
        ++n;
        continue;
      }
      auto envelope = std::make_shared<std::vector<zmq::message_t>>(std::move(envelopes_[n]));
      RequestRouter::Reply reply = [this, envelope](std::string_view bytes) { SendReply(*envelope, bytes); };
      bool routed = false;
      for (RequestRouter* router : routers_) {
        if ((routed = router->Route(bodies_[n], reply))) break;
      }
      if (!routed) envelopes_[n++] = std::move(*envelope);
    }
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) return Status::IOError(std::string("recv: ") + e.what());
  }
  if (n == 0) return Status::Ok();
  std::vector<std::string_view> views(bodies_.begin(), bodies_.begin() + n);
  std::vector<std::string> replies = store_->ExecuteGroup(views);
  for (int i = 0; i < n; ++i) SendReply(envelopes_[i], replies[i]);
  return Status::Ok();
}

}  // namespace kura
