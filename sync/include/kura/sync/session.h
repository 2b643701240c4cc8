// SyncSession: one side of an anti-entropy link, as a sans-I/O state machine. It takes
// bytes and the time, and returns bytes and a timer; it owns no socket and reads no clock,
// so the simulator drives it with a lossy network and fake time, and the daemons with
// ZeroMQ. Both ends run the same session.
//
// Protocol (schema/PROTOCOL.md, "Sync protocol"):
//  - on Start each side sends Hello{held}: what it holds of what the peer may send it;
//  - each side then pushes Batches of the components beyond the peer's vector, in origin
//    and sequence order, at most `window` unacknowledged at once (backpressure);
//  - the receiver makes a batch durable (SyncReplica::Merge) before it Acks with what it
//    now holds; a batch that does not start where the receiver is (a lost or reordered
//    predecessor) is refused with Ack{gap}, and the sender rewinds to the receiver's vector;
//  - no Ack within `retransmit_ms` rewinds too, and doubles the timeout (up to
//    `max_retransmit_ms`) until an Ack arrives; Pings keep an idle link measured;
//  - lanes read past with nothing for the peer ride on the next batch, or go a heartbeat
//    later in a batch of their own: they are not worth a batch, a write and an Ack each.
// Duplicates and reordering are harmless because merges are idempotent and batches only
// apply in order. A restart resumes from what the peer acknowledged durably.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kura/sync/hlc.h"
#include "kura/sync/messages.h"

namespace kura {

// What a session needs from the replica it syncs. Implementations: the daemons' RocksDB
// replica (node/) and the simulator's.
class SyncReplica {
 public:
  virtual ~SyncReplica() = default;
  // The highest sequence number of this replica's own origin.
  virtual Result<uint64_t> Head() = 0;
  // What this replica holds of what `peer` may send it.
  virtual Result<VersionVector> Held(const std::string& peer) = 0;
  // Held(peer).Get(lane), for a replica that can answer it without the whole vector (a
  // store of a 200-store chain knows 400 lanes; a batch names a few).
  virtual Result<uint64_t> HeldLane(const std::string& peer, std::string_view lane) {
    auto held = Held(peer);
    if (!held.ok()) return held.status();
    return held->Get(lane);
  }
  // Components `peer` may receive that lie beyond `from`, in (origin, seq) order, stopping
  // before max_bytes of values. *through is set to the lanes read past `from` and how far
  // (past filtered-out entries too): what the peer will hold after them, beyond `from`.
  // A lane with nothing for the peer may be left out; it is not read again until it moves.
  virtual Result<std::vector<Component>> ReadBeyond(const std::string& peer,
                                                     const VersionVector& from,
                                                     std::size_t max_bytes,
                                                     VersionVector* through) = 0;
  // A number that changes whenever what ReadBeyond(peer, ...) returns may have changed
  // (every write here, say), so a session that found nothing new need not read again
  // until it does. nullopt: not tracked, always read.
  virtual std::optional<uint64_t> Generation(const std::string& /*peer*/) { return std::nullopt; }
  // Merges `components` sent by `peer` and records `through` as held, durably, in one
  // write, or as part of a write the daemon completes before any message this session
  // produced meanwhile leaves (kura-hq's group commit, node/cell_replica.h). Refuses the
  // whole batch (PermissionDenied-like InvalidArgument) when `peer` may not write one of
  // them.
  virtual Status Merge(const std::string& peer, const std::vector<Component>& components,
                       const VersionVector& through) = 0;
};

struct SessionOptions {
  int window = 4;                   // batches in flight at most
  std::size_t batch_bytes = kMaxBatchBytes;  // of component values; fewer, larger synced merges
  int64_t heartbeat_ms = 1000;      // ping an idle link this often
  int64_t retransmit_ms = 3000;     // rewind when an ack is this late ...
  int64_t max_retransmit_ms = 60000;  // ... doubling after each rewind up to this
  int64_t peer_timeout_ms = 10000;  // peer counts as unreachable after this silence
};

struct SessionStats {
  bool peer_seen = false;
  int64_t last_heard_ms = 0;    // wall clock (the HLC's), as are last_ack_ms and the skew
  int64_t last_ack_ms = 0;      // when the peer last acknowledged a batch of ours
  VersionVector peer_held;      // acknowledged by the peer (durable there)
  uint64_t peer_head = 0;       // the peer's own highest seq, as last reported
  uint64_t batches_sent = 0, batches_received = 0, components_sent = 0,
           components_received = 0, bytes_sent = 0, bytes_received = 0, rejected = 0;
  int64_t clock_skew_ms = 0;    // peer wall clock minus ours at the last ping (approx.)
  std::string last_error;
};

class SyncSession {
 public:
  SyncSession(SyncReplica* replica, std::string self, std::string peer, HybridLogicalClock* hlc,
              SessionOptions options = {});

  // Every `now_ms` below reads a clock that never jumps (Clock::ElapsedMillis in the
  // daemons): the session's timers (heartbeats, retransmission, the peer's reachability)
  // must not stall, or keep a silent peer reachable, when the wall clock is set back. The
  // wall clock, for the stats and pings, is read from the HLC's.
  //
  // (Re)starts the session: forgets in-flight state and greets the peer.
  void Start(int64_t now_ms);
  // Whether the peer's Hello has arrived since Start: until it does, nothing is pushed.
  bool greeted() const { return greeted_; }
  // Handles one message from the peer. Undecodable or refused input changes nothing but
  // the stats.
  void Receive(std::string_view bytes, int64_t now_ms);
  // Pushes new local changes, retransmits, pings. Call when NextTimerMs() is due, or
  // whenever local data changed.
  void Tick(int64_t now_ms);

  // Carries a call to the peer, or the reply to one. The session does not interpret or
  // retransmit them: the daemons do (node/order_router.h, node/store_sync.cc).
  void SendCall(uint64_t number, std::string request);
  void SendCallReply(uint64_t number, std::string reply);
  // Calls and call replies received since the last take, in arrival order.
  std::vector<std::variant<Call, CallReply>> TakeCalls();

  // Messages to send, in order; the outbox is emptied.
  std::vector<std::string> TakeOutbox();
  // When Tick next needs to run.
  int64_t NextTimerMs() const;

  bool PeerReachable(int64_t now_ms) const;
  // How long since the peer was last heard from (meaningful once stats().last_heard_ms > 0).
  int64_t MsSinceHeard(int64_t now_ms) const { return now_ms - heard_at_ms_; }
  const SessionStats& stats() const { return stats_; }
  const std::string& peer() const { return peer_; }

 private:
  void Send(const SyncMessage& message);
  void SendHello(bool reply, int64_t now_ms);
  void Push(int64_t now_ms);
  void Rewind();
  bool SkippedDue(int64_t now_ms) const;  // skipped_ has waited a heartbeat
  void OnHello(const Hello& m, int64_t now_ms);
  void OnBatch(const Batch& m, int64_t now_ms);
  void SendGapAck(uint64_t number, int64_t now_ms);
  void OnAck(const Ack& m, int64_t now_ms);
  void Fail(const Status& s);

  SyncReplica* replica_;
  std::string self_, peer_;
  int64_t heard_at_ms_ = 0;  // now_ms when the peer was last heard from
  HybridLogicalClock* hlc_;
  SessionOptions options_;

  bool greeted_ = false;       // the peer's Hello has arrived since Start
  VersionVector sent_;         // cursor: pushed up to here (acked or in flight)
  // The replica's Generation(peer_) when a read from sent_ (and skipped_) last found
  // nothing to send: until it moves (or the cursor is rewound) there is still nothing, and
  // Push skips the read.
  std::optional<uint64_t> drained_at_;
  // Lanes read past beyond sent_ that held nothing for the peer (HQ's own lane, say, after
  // orders for other stores), not yet told, since skipped_since_ms_: the next batch's
  // `through` carries them, or a batch of their own a heartbeat later, instead of a Ping.
  // Cleared by Rewind: read again from the peer's position, a lost batch is resent.
  VersionVector skipped_;
  int64_t skipped_since_ms_ = 0;
  // Batches sent and not yet acknowledged, with the lanes each advanced. A batch's `from`
  // names those lanes too: acks are cumulative, so a batch must not apply (and be acked)
  // while one before it that advanced another lane was lost.
  struct InFlight {
    uint64_t number;
    std::vector<std::string> lanes;
  };
  std::deque<InFlight> in_flight_;
  uint64_t next_batch_ = 1;
  int64_t oldest_unacked_ms_ = 0;
  int64_t last_sent_ms_ = 0;
  int64_t retransmit_ms_;      // the current retransmit timeout (backs off, resets on ack)
  std::vector<std::string> outbox_;
  std::vector<std::variant<Call, CallReply>> calls_;
  SessionStats stats_;
};

}  // namespace kura
