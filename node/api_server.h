// ApiServer: the local API over ZeroMQ (schema/PROTOCOL.md, "Transport"). A ROUTER socket
// bound to every configured endpoint (loopback tcp, ipc); each loop turn drains the
// requests waiting, runs them through Store::ExecuteGroup as one commit group, and only
// then sends the replies, so every reply is durable (group commit). Periodic jobs run
// between turns. Runs on the calling thread; not thread-safe.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "kura/node/store.h"
#include "scheduler.h"

namespace kura {

class ApiServer {
 public:
  // Requests taken into one commit group at most.
  static constexpr int kMaxGroup = 256;
  // Transport-level cap: ZeroMQ drops a peer that sends a bigger message. Requests above
  // kMaxRequestBytes but below this get a too_large reply.
  static constexpr int64_t kMaxMessageBytes = 1 << 20;

  ApiServer(zmq::context_t& context, Store* store, Scheduler* scheduler);
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds every endpoint; an endpoint in use or malformed is an error naming it.
  Status Bind(const std::vector<std::string>& endpoints);
  // Serves until `stop` becomes true (checked at least every 200 ms and on EINTR).
  Status Run(const std::atomic<bool>& stop);

 private:
  // Reads one request message; false when none is waiting.
  bool ReceiveOne(std::vector<zmq::message_t>* envelope, std::string* body);

  zmq::socket_t socket_;
  Store* store_;
  Scheduler* scheduler_;
};

}  // namespace kura
