// ApiServer: the local API over ZeroMQ (schema/PROTOCOL.md, "Transport"). A ROUTER socket
// bound to every configured endpoint (loopback tcp, ipc); when the event loop finds it
// readable, ServeWaiting drains the requests waiting, runs them through
// Store::ExecuteGroup as one commit group, and only then sends the replies, so every reply
// is durable (group commit). Not thread-safe: the loop thread only.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "kura/node/store.h"

namespace kura {

// Lets a daemon answer some requests later instead of in the commit group: kura-hq routes
// an online order to the store it is for and answers when the store has (order_router.h).
class RequestRouter {
 public:
  using Reply = std::function<void(std::string_view reply)>;
  virtual ~RequestRouter() = default;
  // True when the router takes `request`; it then calls `reply` exactly once, later, on the
  // loop thread. False leaves it to the commit group.
  virtual bool Route(std::string_view request, Reply reply) = 0;
};

class ApiServer {
 public:
  // Requests taken into one commit group at most.
  static constexpr int kMaxGroup = 256;
  // Transport-level cap: ZeroMQ drops a peer that sends a bigger message. Requests above
  // kMaxRequestBytes but below this get a too_large reply.
  static constexpr int64_t kMaxMessageBytes = 1 << 20;

  // Serves nothing until SetStore: a daemon binds before it opens its storage (BindOrder).
  explicit ApiServer(zmq::context_t& context);
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds every endpoint; may be called again for more. An endpoint that fails is an error
  // naming it, InvalidArgument when it can never work (EndpointFailure).
  Status Bind(const std::vector<std::string>& endpoints);
  // The store requests go to; not owned, it must outlive the server's last ServeWaiting.
  // REQUIRES: called before the first ServeWaiting.
  void SetStore(Store* store) { store_ = store; }
  // Requests `router` takes are answered by it, possibly after later requests of the same
  // connection. Routers are asked in the order added. Not owned; each must outlive the
  // server's last ServeWaiting.
  void AddRouter(RequestRouter* router) { routers_.push_back(router); }
  // Serves every request waiting now as one commit group. IOError when the socket fails.
  Status ServeWaiting();
  zmq::socket_ref socket() { return socket_; }

 private:
  // Reads one request message; false when none is waiting.
  bool ReceiveOne(std::vector<zmq::message_t>* envelope, std::string* body);
  void SendReply(std::vector<zmq::message_t>& envelope, std::string_view reply);

  zmq::socket_t socket_;
  Store* store_ = nullptr;
  std::vector<RequestRouter*> routers_;
  std::vector<std::vector<zmq::message_t>> envelopes_;
  std::vector<std::string> bodies_;
};

}  // namespace kura
