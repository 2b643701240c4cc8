#include "kura/sync/session.h"

#include <algorithm>

#include "kura/schema/printable.h"

namespace kura {
namespace {

constexpr std::size_t kMaxQueuedCalls = 1024;

}  // namespace

SyncSession::SyncSession(SyncReplica* replica, std::string self, std::string peer,
                         HybridLogicalClock* hlc, SessionOptions options)
    : replica_(replica), self_(std::move(self)), peer_(std::move(peer)), hlc_(hlc),
      options_(options), retransmit_ms_(options.retransmit_ms) {}

void SyncSession::Send(const SyncMessage& message) {
  outbox_.push_back(EncodeSyncMessage(message));
  stats_.bytes_sent += outbox_.back().size();
}

void SyncSession::Fail(const Status& s) {
  // The message may quote what the peer sent (a Hello's `from`, a component's key): kept
  // short and printable, as it reaches status output, HQ's logs and its exception log.
  stats_.last_error = Printable(s.ToString(), kMaxQuotedBytes);
  ++stats_.rejected;
}

void SyncSession::SendHello(bool reply, int64_t now_ms) {
  auto held = replica_->Held(peer_);
  if (!held.ok()) return Fail(held.status());
  Send(Hello{self_, *held, hlc_->Now(), reply});
  last_sent_ms_ = now_ms;
}

void SyncSession::Start(int64_t now_ms) {
  greeted_ = false;
  in_flight_.clear();
  SendHello(/*reply=*/false, now_ms);
}

void SyncSession::Rewind() {
  sent_ = stats_.peer_held;
  skipped_.seqs.clear();  // read again from the peer's position
  drained_at_.reset();
  in_flight_.clear();
}

void SyncSession::Push(int64_t now_ms) {
  if (!greeted_) return;
  std::optional<uint64_t> generation = replica_->Generation(peer_);
  // Kept lanes (skipped_) do not count as news until they have waited a heartbeat.
  if (generation && generation == drained_at_ && !SkippedDue(now_ms)) return;  // nothing written since
  while (static_cast<int>(in_flight_.size()) < options_.window) {
    VersionVector through;  // only the lanes this batch advances: a chain has hundreds
    VersionVector past_skipped;  // the cursor with the kept lanes, when there are any
    if (!skipped_.seqs.empty()) {
      past_skipped = sent_;
      past_skipped.Merge(skipped_);
    }
    auto components = replica_->ReadBeyond(peer_, skipped_.seqs.empty() ? sent_ : past_skipped,
                                           options_.batch_bytes, &through);
    if (!components.ok()) return Fail(components.status());
    if (components->empty()) {
      if (skipped_.seqs.empty()) skipped_since_ms_ = now_ms;
      skipped_.Merge(through);
      drained_at_ = generation;  // nothing new to read until the next write
      if (!SkippedDue(now_ms)) return;
    }
    through.Merge(skipped_);
    skipped_.seqs.clear();
    bool only_skipped = components->empty();
    InFlight sent{next_batch_++, {}};
    for (const auto& [lane, seq] : through.seqs) sent.lanes.push_back(lane);
    VersionVector from;  // where the receiver must be: this batch's lanes and those in flight
    auto require = [&](const std::string& lane) {
      if (uint64_t held = sent_.Get(lane); held > 0) from.seqs.emplace(lane, held);
    };
    for (const std::string& lane : sent.lanes) require(lane);
    for (const InFlight& earlier : in_flight_) {
      for (const std::string& lane : earlier.lanes) require(lane);
    }
    sent_.Merge(through);
    Batch batch{sent.number, std::move(from), std::move(through), std::move(*components), hlc_->Now()};
    stats_.components_sent += batch.components.size();
    ++stats_.batches_sent;
    if (in_flight_.empty()) oldest_unacked_ms_ = now_ms;
    in_flight_.push_back(std::move(sent));
    Send(batch);
    last_sent_ms_ = now_ms;
    if (only_skipped) return;
  }
}

void SyncSession::OnHello(const Hello& m, int64_t now_ms) {
  if (m.from != peer_) return Fail(Status::InvalidArgument("hello from " + m.from + " on " + peer_ + "'s link"));
  if (m.reply && greeted_) {
    // An answer to our hello while we already push: nothing was lost, just learn from it.
    stats_.peer_held.Merge(m.held);
    return;
  }
  // The peer (re)started: what it holds durably is where we resume.
  if (!m.reply) SendHello(/*reply=*/true, now_ms);
  greeted_ = true;
  stats_.peer_head = std::max(stats_.peer_head, m.held.Get(peer_));
  stats_.peer_held = m.held;
  Rewind();
  Push(now_ms);
}

void SyncSession::OnBatch(const Batch& m, int64_t now_ms) {
  ++stats_.batches_received;
  // Lane by lane: the batch names a few of the hundreds of lanes we may hold. A lane is
  // usually in both `from` and `through`; it is read once.
  VersionVector held;
  auto held_of = [&](const std::string& lane) -> Result<uint64_t> {
    if (auto it = held.seqs.find(lane); it != held.seqs.end()) return it->second;
    auto seq = replica_->HeldLane(peer_, lane);
    if (seq.ok()) held.seqs.emplace(lane, *seq);
    return seq;
  };
  for (const auto& [lane, seq] : m.from.seqs) {
    auto have = held_of(lane);
    if (!have.ok()) return Fail(have.status());
    if (*have < seq) return SendGapAck(m.number, now_ms);
  }
  VersionVector now_held;  // what the batch moved is news to the peer; the rest it learned from our hello
  for (const auto& [lane, seq] : m.through.seqs) {
    auto have = held_of(lane);
    if (!have.ok()) return Fail(have.status());
    now_held.seqs.emplace(lane, std::max(seq, *have));
  }
  Status s = replica_->Merge(peer_, m.components, m.through);
  if (!s.ok()) return Fail(s);
  stats_.components_received += m.components.size();
  // The peer read this batch from its own durable state, so it holds `through`: never
  // send it back (HQ would otherwise echo every store's writes to their author).
  stats_.peer_held.Merge(m.through);
  sent_.Merge(m.through);
  Send(Ack{m.number, std::move(now_held), /*gap=*/false, hlc_->Now()});
  last_sent_ms_ = now_ms;
}

void SyncSession::SendGapAck(uint64_t number, int64_t now_ms) {
  // A predecessor was lost or overtaken: applying the batch would claim what we lack.
  auto held = replica_->Held(peer_);
  if (!held.ok()) return Fail(held.status());
  Send(Ack{number, *held, /*gap=*/true, hlc_->Now()});
  last_sent_ms_ = now_ms;
}

void SyncSession::OnAck(const Ack& m, int64_t now_ms) {
  stats_.peer_held.Merge(m.held);
  if (!m.gap) stats_.last_ack_ms = hlc_->WallMillis();
  if (m.gap) {
    Rewind();
  } else {
    auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                           [&](const InFlight& f) { return f.number == m.number; });
    if (it != in_flight_.end()) in_flight_.erase(in_flight_.begin(), it + 1);
    oldest_unacked_ms_ = now_ms;
    retransmit_ms_ = options_.retransmit_ms;
  }
  Push(now_ms);
}

void SyncSession::Receive(std::string_view bytes, int64_t now_ms) {
  stats_.bytes_received += bytes.size();
  auto message = DecodeSyncMessage(bytes);
  if (!message.ok()) return Fail(message.status());
  stats_.peer_seen = true;
  stats_.last_heard_ms = hlc_->WallMillis();
  heard_at_ms_ = now_ms;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if (!hlc_->Observe(m.hlc)) Fail(Status::InvalidArgument("peer clock too far ahead"));
        if constexpr (std::is_same_v<T, Hello>) OnHello(m, now_ms);
        if constexpr (std::is_same_v<T, Batch>) OnBatch(m, now_ms);
        if constexpr (std::is_same_v<T, Ack>) OnAck(m, now_ms);
        if constexpr (std::is_same_v<T, Call> || std::is_same_v<T, CallReply>) {
          // Bounded: a peer cannot grow our memory faster than the daemon drains it.
          if (calls_.size() < kMaxQueuedCalls) calls_.push_back(m);
          else Fail(Status::TooLarge("too many calls waiting"));
        }
        if constexpr (std::is_same_v<T, Ping>) {
          stats_.clock_skew_ms = m.wall_ms - hlc_->WallMillis();
          stats_.peer_head = std::max(stats_.peer_head, m.head);
        }
      },
      *message);
}

void SyncSession::Tick(int64_t now_ms) {
  if (!in_flight_.empty() && now_ms - oldest_unacked_ms_ >= retransmit_ms_) {
    // A busy peer (HQ with hundreds of stores) must not be buried under resends: back off.
    retransmit_ms_ = std::min(retransmit_ms_ * 2, options_.max_retransmit_ms);
    Rewind();
  }
  if (!greeted_) {
    // Our hello may have been lost: greet again until the peer answers.
    if (now_ms - last_sent_ms_ >= options_.heartbeat_ms) SendHello(/*reply=*/false, now_ms);
    return;
  }
  Push(now_ms);
  if (now_ms - last_sent_ms_ >= options_.heartbeat_ms) {
    auto head = replica_->Head();
    Send(Ping{hlc_->Now(), hlc_->WallMillis(), head.ok() ? *head : 0});
    last_sent_ms_ = now_ms;
  }
}

void SyncSession::SendCall(uint64_t number, std::string request) {
  Send(Call{number, std::move(request), hlc_->Now()});
}

void SyncSession::SendCallReply(uint64_t number, std::string reply) {
  Send(CallReply{number, std::move(reply), hlc_->Now()});
}

std::vector<std::variant<Call, CallReply>> SyncSession::TakeCalls() {
  std::vector<std::variant<Call, CallReply>> out;
  out.swap(calls_);
  return out;
}

std::vector<std::string> SyncSession::TakeOutbox() {
  std::vector<std::string> out;
  out.swap(outbox_);
  return out;
}

bool SyncSession::SkippedDue(int64_t now_ms) const {
  return !skipped_.seqs.empty() && now_ms - skipped_since_ms_ >= options_.heartbeat_ms;
}

int64_t SyncSession::NextTimerMs() const {
  int64_t next = last_sent_ms_ + options_.heartbeat_ms;
  // Not while the window is full: the Ack that frees it pushes anyway.
  if (!skipped_.seqs.empty() && static_cast<int>(in_flight_.size()) < options_.window) {
    next = std::min(next, skipped_since_ms_ + options_.heartbeat_ms);
  }
  if (!in_flight_.empty()) next = std::min(next, oldest_unacked_ms_ + retransmit_ms_);
  return next;
}

bool SyncSession::PeerReachable(int64_t now_ms) const {
  return stats_.peer_seen && MsSinceHeard(now_ms) < options_.peer_timeout_ms;
}

}  // namespace kura
