// LinkMonitor: what happened to a socket's connections, read from libzmq's socket monitor
// without blocking. SyncSpoke uses it to know whether its link to HQ is up and to notice a
// refused handshake, which libzmq does not retry by itself.
//
// Not thread-safe: use it on the thread that uses the monitored socket. It must be destroyed
// before that socket is closed (declare it after the socket it watches).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <zmq.hpp>

#include "kura/schema/status.h"

namespace kura {

// Value 0 is reserved for "no event".
enum class LinkEvent : uint8_t {
  kNone = 0,
  kUp = 1,               // handshake (CURVE included) succeeded; messages can flow
  kDown = 2,             // an established or connecting link closed
  kRefused = 3,          // the peer's authenticator refused us (ZAP status in value)
  kHandshakeFailed = 4,  // handshake failed: wrong server key, not a ZMTP peer, ... (errno)
  kUnreachable = 5,      // a connect attempt failed (nothing listens, no route); retried in value ms
};

class LinkMonitor {
 public:
  // Starts monitoring `socket` (owned by the caller, on `context`). IOError on failure.
  static Result<std::unique_ptr<LinkMonitor>> Attach(zmq::context_t& context,
                                                     zmq::socket_t& socket);
  ~LinkMonitor();
  LinkMonitor(const LinkMonitor&) = delete;
  LinkMonitor& operator=(const LinkMonitor&) = delete;

  // The oldest event not yet read, or kNone. `*value` gets the event's number (a ZAP status
  // or an errno) when not null. Events libzmq reports that are not listed above are skipped.
  LinkEvent Next(uint32_t* value);

 private:
  LinkMonitor(void* watched, zmq::socket_t events) : watched_(watched), events_(std::move(events)) {}

  void* watched_;          // the monitored socket; not owned
  zmq::socket_t events_;   // PAIR receiving libzmq's event messages
};

}  // namespace kura
