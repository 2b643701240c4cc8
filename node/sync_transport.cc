#include "sync_transport.h"

#include <algorithm>

#include <sodium.h>
#include <spdlog/spdlog.h>

#include "endpoint_failure.h"
#include "kura/node/ipv6_endpoint.h"
#include "kura/sync/messages.h"

namespace kura {
namespace {

// ZMQ_ZAP_ENFORCE_DOMAIN, a draft option in libzmq 4.3 (Debian's build has it; the header
// hides it). Without it a CURVE server whose ZAP handler is missing admits every client.
constexpr int kZmqZapEnforceDomain = 93;

// Heartbeats find a dead link (a store's router lost power) in seconds instead of at the
// next TCP timeout.
constexpr int kHeartbeatIvlMs = 5'000;
constexpr int kHeartbeatTimeoutMs = 15'000;
constexpr int kReconnectIvlMs = 100;
constexpr int kReconnectIvlMaxMs = 5'000;
constexpr std::chrono::milliseconds kFirstHoldOff{1'000};
constexpr std::chrono::milliseconds kMaxHoldOff{30'000};

// libzmq checks ZMQ_MAXMSGSIZE against the frame on the wire, which under CURVE is a MESSAGE
// command: "\x07MESSAGE" (8) + nonce (8) + MAC (16) + flags (1) + the message.
constexpr int64_t kCurveMessageOverhead = 33;

constexpr std::size_t kRoutingIdBytes = 33;

// Bounds the keys SyncHub remembers having logged a dropped message for.
constexpr std::size_t kMaxDropLoggedKeys = 1024;

// Settings both ends share. Throws zmq::error_t.
void SetLinkOptions(zmq::socket_t& socket) {
  socket.set(zmq::sockopt::maxmsgsize,
             static_cast<int64_t>(kMaxSyncMessageBytes) + kCurveMessageOverhead);
  socket.set(zmq::sockopt::sndhwm, kSyncQueueMessages);
  socket.set(zmq::sockopt::rcvhwm, kSyncQueueMessages);
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::heartbeat_ivl, kHeartbeatIvlMs);
  socket.set(zmq::sockopt::heartbeat_timeout, kHeartbeatTimeoutMs);
}

zmq::const_buffer Bytes(std::string_view bytes) { return zmq::buffer(bytes.data(), bytes.size()); }

// A store's routing id at HQ: 32 random bytes behind a non-zero byte (ids starting with
// zero are libzmq's own, which count up from a 32-bit start). HQ sends a store's messages
// to the id its last message came from; once that connection closes, another client
// connecting with the same id would get them until the store speaks again. A random id
// cannot be guessed (CURVE encrypts it on the wire).
Result<std::string> RandomRoutingId() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  std::string id(kRoutingIdBytes, 'k');
  randombytes_buf(id.data() + 1, id.size() - 1);
  return id;
}

Status TooLargeStatus(std::size_t size) {
  return Status::TooLarge("sync message of " + std::to_string(size) + " bytes is above the " +
                          std::to_string(kMaxSyncMessageBytes) + "-byte limit");
}

}  // namespace

// ---- SyncHub ----

SyncHub::SyncHub(zmq::context_t& context, CurveKeyPair server_keys, ZapAuthenticator* auth)
    : context_(context), keys_(std::move(server_keys)), auth_(auth) {}

Status SyncHub::Open() {
  if (socket_) return Status::Ok();
  if (auth_ == nullptr || !auth_->running()) {
    return Status::InvalidArgument("the sync hub needs a running ZapAuthenticator");
  }
  Status valid = ValidateKeyPair(keys_);
  if (!valid.ok()) return Status::InvalidArgument("HQ keypair: " + valid.message());
  try {
    zmq::socket_t socket(context_, zmq::socket_type::router);
    int enforce = 1;
    if (zmq_setsockopt(socket.handle(), kZmqZapEnforceDomain, &enforce, sizeof(enforce)) != 0) {
      spdlog::warn("event=sync_zap_enforce_unavailable hint=\"libzmq without draft options\"");
    }
    socket.set(zmq::sockopt::curve_server, 1);
    socket.set(zmq::sockopt::curve_secretkey, keys_.secret_z85);
    socket.set(zmq::sockopt::zap_domain, kSyncZapDomain);
    // Makes an unroutable Send an error we report rather than a silent drop. No
    // ROUTER_HANDOVER: a connection may never take over a routing id another one holds
    // (a SyncSpoke reconnecting while HQ still holds its dead connection is refused until
    // the heartbeat drops that one, within kHeartbeatTimeoutMs).
    socket.set(zmq::sockopt::router_mandatory, 1);
    SetLinkOptions(socket);
    socket_ = std::move(socket);
  } catch (const zmq::error_t& e) {
    return Status::IOError(std::string("cannot open the sync hub socket: ") + e.what());
  }
  return Status::Ok();
}

Status SyncHub::Bind(const std::string& endpoint) {
  KURA_RETURN_IF_ERROR(Open());
  try {
    AllowIpv6For(socket_, endpoint);
    socket_.bind(endpoint);
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return EndpointFailure("cannot bind sync endpoint " + endpoint, e);
  }
  spdlog::info("event=sync_hub_bound endpoint={} key={}", endpoint_,
               KeyForLog(keys_.public_z85));
  return Status::Ok();
}

bool SyncHub::Receive(std::string* store_id, std::string* bytes) {
  if (!socket_) return false;
  try {
    while (true) {
      // A ROUTER message is [routing id, body]; a SyncSpoke sends exactly one body frame.
      zmq::message_t routing_id, body;
      if (!socket_.recv(routing_id, zmq::recv_flags::dontwait)) return false;
      std::size_t frames = 1;
      bool more = routing_id.more();
      while (more) {
        (void)socket_.recv(body);
        more = body.more();
        ++frames;
      }
      if (frames != 2) {
        spdlog::warn("event=sync_drop reason=frame_count frames={}", frames);
        continue;
      }
      // Set by libzmq from our ZAP reply: the key the connection was admitted with; absent
      // only if no authenticator vetted the peer.
      const char* user_id = nullptr;
      try {
        user_id = body.gets("User-Id");
      } catch (const zmq::error_t&) {
      }
      if (user_id == nullptr || *user_id == '\0') {
        spdlog::warn("event=sync_drop reason=no_user_id");
        continue;
      }
      std::string key = user_id;
      *store_id = auth_->StoreOf(key);
      if (store_id->empty()) {
        DropUnlisted(key);
        continue;
      }
      std::string route = routing_id.to_string();
      auto [it, inserted] = routes_.try_emplace(*store_id, Route{route, key});
      if (inserted || it->second.routing_id != route || it->second.public_z85 != key) {
        // A routing id names one connection: another store's route through it is stale (its
        // connection closed and this one took the id), and must not carry its messages here.
        std::erase_if(routes_, [&](const auto& other) {
          return other.first != *store_id && other.second.routing_id == route;
        });
        it->second = Route{std::move(route), std::move(key)};
        spdlog::info("event=sync_peer_route store_id={} new_connection=true", *store_id);
      }
      bytes->assign(static_cast<const char*>(body.data()), body.size());
      return true;
    }
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) spdlog::error("event=sync_recv_failed error=\"{}\"", e.what());
    return false;
  }
}

Status SyncHub::Send(const std::string& store_id, std::string_view bytes) {
  if (bytes.size() > kMaxSyncMessageBytes) return TooLargeStatus(bytes.size());
  auto it = routes_.find(store_id);
  if (it == routes_.end() || !socket_) {
    return Status::NotFound("store " + store_id + " has not connected");
  }
  // A store re-keyed or taken off the list gets nothing more on its old connection.
  if (auth_->StoreOf(it->second.public_z85) != store_id) {
    routes_.erase(it);
    return Status::NotFound("store " + store_id + " is connected only with a key no longer listed");
  }
  try {
    if (!socket_.send(zmq::buffer(it->second.routing_id),
                      zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      return Status::Busy("send queue to store " + store_id + " is full");
    }
    // The routing frame reserved the room: the body cannot be refused now.
    (void)socket_.send(Bytes(bytes), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    if (e.num() == EHOSTUNREACH) {
      return Status::IOError("store " + store_id + " is not connected; message dropped");
    }
    return Status::IOError("send to store " + store_id + ": " + e.what());
  }
  return Status::Ok();
}

void SyncHub::DropUnlisted(const std::string& public_z85) {
  ++dropped_unlisted_;
  // Logged once per key: the connection keeps sending (retransmits, pings) until it drops.
  if (drops_logged_.size() >= kMaxDropLoggedKeys) drops_logged_.clear();
  if (!drops_logged_.insert(public_z85).second) return;
  spdlog::warn("event=sync_drop reason=key_not_listed key={} dropped_total={}",
               KeyForLog(public_z85), dropped_unlisted_);
}

// ---- SyncSpoke ----

SyncSpoke::SyncSpoke(zmq::context_t& context, CurveKeyPair store_keys, std::string hq_public_z85,
                     std::string endpoint)
    : context_(context),
      keys_(std::move(store_keys)),
      hq_public_z85_(std::move(hq_public_z85)),
      endpoint_(std::move(endpoint)) {}

SyncSpoke::~SyncSpoke() { monitor_.reset(); }

Status SyncSpoke::Connect() {
  if (socket_) return Status::Conflict("the sync spoke is already connecting");
  Status valid = ValidateKeyPair(keys_);
  if (!valid.ok()) return Status::InvalidArgument("store keypair: " + valid.message());
  KURA_RETURN_IF_ERROR(ValidatePublicKey(hq_public_z85_, "HQ public key"));
  KURA_ASSIGN_OR_RETURN(std::string routing_id, RandomRoutingId());
  zmq::socket_t socket;
  try {
    socket = zmq::socket_t(context_, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::routing_id, routing_id);
    socket.set(zmq::sockopt::curve_serverkey, hq_public_z85_);
    socket.set(zmq::sockopt::curve_publickey, keys_.public_z85);
    socket.set(zmq::sockopt::curve_secretkey, keys_.secret_z85);
    socket.set(zmq::sockopt::reconnect_ivl, kReconnectIvlMs);
    socket.set(zmq::sockopt::reconnect_ivl_max, kReconnectIvlMaxMs);
    // Queue only on an established link: stale sync messages are not worth keeping for a
    // link that may stay down for hours, and Send reports the missing link at once.
    socket.set(zmq::sockopt::immediate, 1);
    SetLinkOptions(socket);
  } catch (const zmq::error_t& e) {
    return Status::IOError(std::string("cannot open the sync socket: ") + e.what());
  }
  // Watch before dialing so no event is missed.
  KURA_ASSIGN_OR_RETURN(auto monitor, LinkMonitor::Attach(context_, socket));
  try {
    AllowIpv6For(socket, endpoint_);
    socket.connect(endpoint_);
  } catch (const zmq::error_t& e) {
    monitor.reset();
    return EndpointFailure("cannot connect to HQ at " + endpoint_, e);
  }
  socket_ = std::move(socket);
  monitor_ = std::move(monitor);
  spdlog::info("event=sync_connecting endpoint={} key={} hq_key={}", endpoint_,
               KeyForLog(keys_.public_z85), KeyForLog(hq_public_z85_));
  return Status::Ok();
}

void SyncSpoke::Maintain() {
  if (!monitor_) return;
  uint32_t value = 0;
  for (LinkEvent e; (e = monitor_->Next(&value)) != LinkEvent::kNone;) {
    switch (e) {
      case LinkEvent::kUp:
        connected_ = true;
        ++handshakes_;
        link_error_.clear();
        hold_off_ = std::chrono::milliseconds(0);
        spdlog::info("event=sync_link_up endpoint={} handshakes={}", endpoint_, handshakes_);
        break;
      case LinkEvent::kDown:
        if (connected_) spdlog::info("event=sync_link_down endpoint={}", endpoint_);
        connected_ = false;
        break;
      case LinkEvent::kUnreachable:
        connected_ = false;
        // During a hold-off it is libzmq's own redial of the dial that failed its handshake
        // (queued before HoldOff dropped the endpoint): the handshake stays the reason.
        if (redial_at_) break;
        // Replaces a refusal from an earlier dial: what stops the link now is the network.
        link_error_ = "cannot reach HQ at " + endpoint_ + " (HQ down, or no route to it); retrying";
        break;
      case LinkEvent::kRefused:
      case LinkEvent::kHandshakeFailed:
        connected_ = false;
        // Failures queued before the hold-off began belong to the dropped dial.
        if (!redial_at_) HoldOff(e, value);
        break;
      case LinkEvent::kNone:
        break;
    }
  }
  if (redial_at_ && Clock::now() >= *redial_at_) {
    redial_at_.reset();
    try {
      socket_.connect(endpoint_);
    } catch (const zmq::error_t& e) {
      spdlog::error("event=sync_redial_failed endpoint={} error=\"{}\"", endpoint_, e.what());
      HoldOff(LinkEvent::kHandshakeFailed, static_cast<uint32_t>(e.num()));
      link_error_ = std::string("cannot dial HQ at ") + endpoint_ + ": " + e.what();
    }
  }
}

void SyncSpoke::HoldOff(LinkEvent why, uint32_t value) {
  try {
    socket_.disconnect(endpoint_);
  } catch (const zmq::error_t&) {
    // ENOENT: libzmq already forgot the endpoint (it does after a refusal).
  }
  hold_off_ = hold_off_.count() == 0 ? kFirstHoldOff : std::min(hold_off_ * 2, kMaxHoldOff);
  redial_at_ = Clock::now() + hold_off_;
  link_error_ = why == LinkEvent::kRefused
                    ? "HQ refused this store's key (is it on HQ's list of stores, under this store's id?)"
                    : "the CURVE handshake with HQ failed (check --hq-key against HQ's public key)";
  if (why == LinkEvent::kRefused) {
    spdlog::warn("event=sync_hq_refused endpoint={} status={} key={} retry_ms={}", endpoint_,
                 value, KeyForLog(keys_.public_z85), hold_off_.count());
  } else {
    spdlog::warn("event=sync_handshake_failed endpoint={} errno={} hq_key={} retry_ms={} "
                 "hint=\"check the HQ public key\"",
                 endpoint_, value, KeyForLog(hq_public_z85_), hold_off_.count());
  }
}

bool SyncSpoke::connected() {
  Maintain();
  return connected_;
}

bool SyncSpoke::Receive(std::string* bytes) {
  if (!socket_) return false;
  Maintain();
  try {
    while (true) {
      zmq::message_t body;
      if (!socket_.recv(body, zmq::recv_flags::dontwait)) return false;
      if (!body.more()) {
        bytes->assign(static_cast<const char*>(body.data()), body.size());
        return true;
      }
      while (body.more()) (void)socket_.recv(body);
      spdlog::warn("event=sync_drop reason=frame_count endpoint={}", endpoint_);
    }
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) spdlog::error("event=sync_recv_failed error=\"{}\"", e.what());
    return false;
  }
}

Status SyncSpoke::Send(std::string_view bytes) {
  if (!socket_) return Status::Conflict("the sync spoke is not connected: call Connect first");
  if (bytes.size() > kMaxSyncMessageBytes) return TooLargeStatus(bytes.size());
  Maintain();
  try {
    if (socket_.send(Bytes(bytes), zmq::send_flags::dontwait)) return Status::Ok();
  } catch (const zmq::error_t& e) {
    return Status::IOError(std::string("send to HQ: ") + e.what());
  }
  return Status::Busy(connected_ ? "send queue to HQ is full" : "no link to HQ; message not sent");
}

}  // namespace kura
