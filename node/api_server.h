// ApiServer: the local API over ZeroMQ (schema/PROTOCOL.md, "Transport"). A ROUTER socket
// bound to every configured endpoint (loopback tcp, ipc); when the event loop finds it
// readable, ServeWaiting drains the requests waiting, runs them through
// Store::ExecuteGroup as one commit group, and only then sends the replies, so every reply
// is durable (group commit). Not thread-safe: the loop thread only.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "kura/node/store.h"

namespace kura {

class ApiServer {
 public:
  // Requests taken into one commit group at most.
  static constexpr int kMaxGroup = 256;
  // Transport-level cap: ZeroMQ drops a peer that sends a bigger message. Requests above
  // kMaxRequestBytes but below this get a too_large reply.
  static constexpr int64_t kMaxMessageBytes = 1 << 20;

  ApiServer(zmq::context_t& context, Store* store);
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds every endpoint; an endpoint in use or malformed is an error naming it.
  Status Bind(const std::vector<std::string>& endpoints);
  // Serves every request waiting now as one commit group. IOError when the socket fails.
  Status ServeWaiting();
  zmq::socket_ref socket() { return socket_; }

 private:
  // Reads one request message; false when none is waiting.
  bool ReceiveOne(std::vector<zmq::message_t>* envelope, std::string* body);

  zmq::socket_t socket_;
  Store* store_;
  std::vector<std::vector<zmq::message_t>> envelopes_;
  std::vector<std::string> bodies_;
};

}  // namespace kura
