// ApiClient: a synchronous client of the local API (kuractl, kura-bench, tests).
// One request in flight at a time over a DEALER socket; a request that times out resets
// the socket so a late reply cannot be mistaken for the next one. Not thread-safe: use one
// client per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "kura/schema/status.h"

namespace kura {

class ApiClient {
 public:
  // `context` must outlive the client. Connecting never fails up front: ZeroMQ connects in
  // the background, so a request to a daemon that is still starting waits for it.
  ApiClient(zmq::context_t& context, std::string endpoint, int timeout_ms = 10'000);
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // Calls `op`; a fresh request id is made when `rid` is empty. Returns the result or the
  // daemon's error; IOError when no reply came within the timeout.
  Result<nlohmann::json> Call(const std::string& op, const nlohmann::json& args = nlohmann::json::object(),
                              const std::string& rid = "");
  // Every page of a listing that pages with `after` and `more` (hold.list, stock.list):
  // calls `op` with `args`, then again with `after` set to the last item's `key` while the
  // reply says `more`, and returns the items under `field` of every page, in order.
  Result<nlohmann::json> ListAll(const std::string& op, nlohmann::json args, const std::string& field,
                                 const std::string& key);
  // Sends raw bytes as one request and returns the raw reply (for bad-input tests).
  Result<std::string> CallRaw(std::string_view bytes);

  // A random request id, 32 hex characters.
  static std::string NewRequestId();

 private:
  void Reset();

  zmq::context_t& context_;
  std::string endpoint_;
  int timeout_ms_;
  std::unique_ptr<zmq::socket_t> socket_;
};

}  // namespace kura
