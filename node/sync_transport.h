// The sync transport: moves the opaque byte strings of kura::SyncSession between stores and
// HQ over ZeroMQ, encrypted and authenticated with CURVE (DESIGN.md, "Security").
//
//   store: SyncSpoke (DEALER, CURVE client) ──tcp──▶ HQ: SyncHub (ROUTER, CURVE server)
//                                                        └─ ZapAuthenticator: key → store id
//
// HQ has one ROUTER for all stores. It learns who sent a message only from the "User-Id"
// property its ZapAuthenticator attached to the connection (the key it was admitted with,
// looked up on the allow-list in force at each message), never from anything the client
// sends (a store can choose its routing id, so routing ids prove nothing). It learns where a
// store is from that store's messages: after (re)connecting a store speaks first, which the
// session's hello does.
//
// Both ends cap messages at kMaxSyncMessageBytes (ZMQ_MAXMSGSIZE: a peer that sends more is
// disconnected) and never block: a full queue or a missing link is a Status, and the session
// layer's anti-entropy resends whatever was lost. Sockets close with linger 0 for the same
// reason: a stopping daemon must not wait on a vanished peer.
//
// Not thread-safe: each object is used by one thread at a time (ZeroMQ sockets are
// single-threaded). Both borrow the zmq::context_t, which must outlive them.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <zmq.hpp>

#include "curve_keys.h"
#include "kura/schema/status.h"
#include "link_monitor.h"
#include "zap_authenticator.h"

namespace kura {

// Messages queued per link in each direction before Send reports Busy. A sync session keeps
// few messages in flight; 32 full batches is about 24 MiB per link at worst.
inline constexpr int kSyncQueueMessages = 32;

// HQ's end: one ROUTER socket bound to the sync endpoint(s), serving every store.
class SyncHub {
 public:
  // `auth` must be a running ZapAuthenticator on `context` that outlives the hub; it is
  // borrowed. The keys are HQ's keypair; stores are configured with its public key.
  SyncHub(zmq::context_t& context, CurveKeyPair server_keys, ZapAuthenticator* auth);
  SyncHub(const SyncHub&) = delete;
  SyncHub& operator=(const SyncHub&) = delete;

  // Binds `endpoint` (may be called for several). InvalidArgument when the keypair is invalid,
  // there is no running authenticator (CURVE without ZAP would admit any client) or the
  // endpoint can never work (EndpointFailure); IOError when it is in use.
  Status Bind(const std::string& endpoint);
  // The endpoint last bound, resolved ("tcp://127.0.0.1:41234" for a "*" port).
  const std::string& endpoint() const { return endpoint_; }

  // Takes one waiting message without blocking; false when none. `*store_id` is the
  // authenticated sender: the store its connection's key is listed under now. Messages
  // without a key, from a key no longer listed, or with several frames (not sent by a
  // SyncSpoke) are dropped with a log line.
  bool Receive(std::string* store_id, std::string* bytes);
  // Queues `bytes` for the store's latest connection without blocking. NotFound: the store
  // has not sent anything since the hub started, or its key was taken off the allow-list
  // since. IOError: its connection is gone (dropped). Busy: its queue is full. TooLarge:
  // above kMaxSyncMessageBytes.
  Status Send(const std::string& store_id, std::string_view bytes);
  // Messages dropped because their connection's key is no longer on the allow-list.
  uint64_t dropped_unlisted() const { return dropped_unlisted_; }

  // For zmq::poll (ZMQ_POLLIN). Empty before the first successful Bind.
  zmq::socket_ref socket() { return socket_; }

 private:
  Status Open();
  // Counts and logs a message from a connection whose key is no longer listed.
  void DropUnlisted(const std::string& public_z85);

  zmq::context_t& context_;
  CurveKeyPair keys_;
  ZapAuthenticator* auth_;
  zmq::socket_t socket_;
  std::string endpoint_;
  // A store's latest connection: its ROUTER routing id and the key it was admitted with.
  struct Route {
    std::string routing_id;
    std::string public_z85;
  };
  std::map<std::string, Route> routes_;  // store id -> its latest connection
  uint64_t dropped_unlisted_ = 0;
  std::set<std::string> drops_logged_;  // keys whose dropped messages were logged
};

// A store's end: one DEALER connecting to HQ, reconnecting with backoff (100 ms doubling to
// 5 s) when the link drops. A refused or failed handshake (key not on HQ's allow-list, wrong
// HQ key) is retried after 1 s doubling to 30 s, so a misconfigured store does not hammer HQ;
// libzmq would not retry a refusal at all, so this object re-dials itself. That and the
// connected state are driven by Maintain(), which Send, Receive and connected() call: call
// one of them at least once a second.
class SyncSpoke {
 public:
  SyncSpoke(zmq::context_t& context, CurveKeyPair store_keys, std::string hq_public_z85,
            std::string endpoint);
  SyncSpoke(const SyncSpoke&) = delete;
  SyncSpoke& operator=(const SyncSpoke&) = delete;
  ~SyncSpoke();

  // Starts connecting (returns at once). InvalidArgument for invalid keys or a malformed
  // endpoint (EndpointFailure), Conflict when called twice.
  Status Connect();

  // Takes one waiting message without blocking; false when none.
  bool Receive(std::string* bytes);
  // Queues `bytes` without blocking. Busy when there is no established link to HQ (nothing
  // is queued for a link that is not up) or the queue is full; TooLarge above
  // kMaxSyncMessageBytes; Conflict before Connect.
  Status Send(std::string_view bytes);

  // Whether the CURVE handshake with HQ has succeeded and the link has not dropped since.
  bool connected();
  // Successful handshakes so far: when it grows, the link was (re)established and the
  // session should start over with a hello.
  uint64_t handshakes() const { return handshakes_; }
  // Why the last dial failed (HQ could not be reached, refused this store's key, or the
  // CURVE handshake failed), for an operator; empty once a handshake has succeeded since.
  const std::string& link_error() const { return link_error_; }

  // For zmq::poll (ZMQ_POLLIN). Empty before Connect.
  zmq::socket_ref socket() { return socket_; }

 private:
  using Clock = std::chrono::steady_clock;

  // Applies the socket's monitor events and re-dials when a hold-off has passed.
  void Maintain();
  // Drops the endpoint after a failed handshake and schedules the next dial.
  void HoldOff(LinkEvent why, uint32_t value);

  zmq::context_t& context_;
  CurveKeyPair keys_;
  std::string hq_public_z85_;
  std::string endpoint_;
  zmq::socket_t socket_;
  std::unique_ptr<LinkMonitor> monitor_;  // after socket_: destroyed before it
  bool connected_ = false;
  uint64_t handshakes_ = 0;
  std::string link_error_;
  std::chrono::milliseconds hold_off_{0};
  std::optional<Clock::time_point> redial_at_;
};

}  // namespace kura
