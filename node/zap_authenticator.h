// ZapAuthenticator: HQ's gatekeeper for the sync link. A ZAP handler (ZMQ RFC 27) on its own
// thread, bound to inproc://zeromq.zap.01 of one zmq::context_t. libzmq asks it about every
// CURVE handshake on a socket with ZAP domain kSyncZapDomain; it lets in clients whose public
// key is on the allow-list and names the connection by that key (Z85), which libzmq then
// attaches to every message from it as the "User-Id" property. SyncHub turns that key into a
// store id with StoreOf at every message, never trusting anything the client sends, so a key
// taken off the list (kura-hq reloading its settings) speaks for no store from then on, even
// on a connection admitted before.
//
// Everything else is refused with status 400: unknown keys, other mechanisms, other domains.
// A refusal is counted and logged as event=sync_peer_refused (at most once per key per 10 s,
// so a client retrying in a loop cannot flood the log).
//
// Thread-safe: SetAllowList, StoreOf and the counters may be called from any thread while the
// handler runs. Only one handler may exist per context. It must outlive every socket that
// relies on it; SyncHub additionally sets ZMQ_ZAP_ENFORCE_DOMAIN so that without a handler
// libzmq refuses clients instead of letting them in.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "kura/schema/status.h"

namespace kura {

// The ZAP domain of the sync link; SyncHub sets it on its socket.
inline constexpr char kSyncZapDomain[] = "kura";

class ZapAuthenticator {
 public:
  // Store public key (Z85) -> store id. One store may have several keys (key rollover).
  using AllowList = std::map<std::string, std::string>;

  // Binds the ZAP endpoint of `context` and starts the handler thread. Busy when the context
  // already has a ZAP handler; InvalidArgument when an allow-list entry is malformed.
  // `context` must outlive the authenticator.
  static Result<std::unique_ptr<ZapAuthenticator>> Start(zmq::context_t& context,
                                                         AllowList allow_list);

  // Stops the thread (within about 100 ms) and closes the ZAP socket.
  ~ZapAuthenticator();
  ZapAuthenticator(const ZapAuthenticator&) = delete;
  ZapAuthenticator& operator=(const ZapAuthenticator&) = delete;

  // Replaces the allow-list for every later handshake and every later StoreOf: a connection
  // admitted before stays open, but a key no longer listed maps to no store. On
  // InvalidArgument (a malformed key or empty store id) the old list stays in force.
  Status SetAllowList(const AllowList& allow_list);

  // The store id `public_z85` (a connection's User-Id) is listed under now; "" when it is
  // not listed (any more) or is not a key.
  std::string StoreOf(std::string_view public_z85) const;

  // False once the handler thread has ended (only when the context was shut down).
  bool running() const { return running_.load(); }
  uint64_t accepted() const { return accepted_.load(); }
  uint64_t refused() const { return refused_.load(); }

 private:
  // 32-byte binary key -> store id: binary keys make lookup independent of Z85 spelling.
  using BinaryAllowList = std::map<std::string, std::string>;
  static Result<BinaryAllowList> Decode(const AllowList& allow_list);

  ZapAuthenticator() = default;
  void Run(zmq::socket_t socket);
  // Handles one request (frames per RFC 27) and fills the 6 reply frames.
  void Answer(const std::vector<zmq::message_t>& request, std::vector<std::string>* reply);
  void LogRefusal(const std::string& key, const std::string& address, const std::string& reason);

  mutable std::mutex mu_;
  BinaryAllowList allow_;  // guarded by mu_

  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> refused_{0};
  // Handler thread only: when each refused key was last logged.
  std::map<std::string, int64_t> refusal_logged_ms_;
  std::thread thread_;
};

}  // namespace kura
