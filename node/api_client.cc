#include "kura/node/api_client.h"

#include <random>

#include "kura/schema/api.h"

namespace kura {

ApiClient::ApiClient(zmq::context_t& context, std::string endpoint, int timeout_ms)
    : context_(context), endpoint_(std::move(endpoint)), timeout_ms_(timeout_ms) {
  Reset();
}

void ApiClient::Reset() {
  socket_ = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::dealer);
  socket_->set(zmq::sockopt::linger, 0);
  socket_->connect(endpoint_);
}

std::string ApiClient::NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  for (int word = 0; word < 2; ++word) {
    uint64_t bits = rng();
    for (int i = 0; i < 16; ++i, bits >>= 4) id.push_back(kHex[bits & 0xF]);
  }
  return id;
}

Result<std::string> ApiClient::CallRaw(std::string_view bytes) {
  try {
    socket_->send(zmq::buffer(bytes.data(), bytes.size()), zmq::send_flags::none);
    zmq::pollitem_t items[] = {{socket_->handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 1, std::chrono::milliseconds(timeout_ms_));
    if (!(items[0].revents & ZMQ_POLLIN)) {
      Reset();
      return Status::IOError("no reply from " + endpoint_ + " within " +
                             std::to_string(timeout_ms_) + " ms (is kura-store running?)");
    }
    zmq::message_t reply;
    if (!socket_->recv(reply, zmq::recv_flags::none)) return Status::IOError("empty receive");
    return std::string(static_cast<const char*>(reply.data()), reply.size());
  } catch (const zmq::error_t& e) {
    Reset();
    return Status::IOError(std::string("zmq: ") + e.what());
  }
}

Result<nlohmann::json> ApiClient::Call(const std::string& op, const nlohmann::json& args,
                                       const std::string& rid) {
  ApiRequest request{op, rid.empty() ? NewRequestId() : rid, args};
  KURA_ASSIGN_OR_RETURN(std::string reply, CallRaw(EncodeRequest(request)));
  return DecodeReply(reply);
}

}  // namespace kura
