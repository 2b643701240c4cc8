#include "kura/node/api_client.h"

#include <random>

#include "kura/node/ipv6_endpoint.h"
#include "kura/schema/api.h"

namespace kura {

ApiClient::ApiClient(zmq::context_t& context, std::string endpoint, int timeout_ms)
    : context_(context), endpoint_(std::move(endpoint)), timeout_ms_(timeout_ms) {
  Reset();
}

void ApiClient::Reset() {
  socket_ = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::dealer);
  socket_->set(zmq::sockopt::linger, 0);
  AllowIpv6For(*socket_, endpoint_);
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

Result<nlohmann::json> ApiClient::ListAll(const std::string& op, nlohmann::json args, const std::string& field,
                                          const std::string& key) {
  nlohmann::json all = nlohmann::json::array();
  for (;;) {
    KURA_ASSIGN_OR_RETURN(nlohmann::json page, Call(op, args));
    nlohmann::json& items = page[field];
    if (!items.is_array()) return Status::IOError(op + ": the reply has no list " + field);
    for (nlohmann::json& item : items) all.push_back(std::move(item));
    if (!page.value("more", false)) return all;
    if (items.empty()) return Status::IOError(op + ": more follow an empty page");
    args["after"] = all.back().at(key);
  }
}

}  // namespace kura
