// The anti-entropy session over a simulated link that drops, duplicates, reorders and
// delays messages: after the faults stop, both replicas hold exactly the same components.
#include <random>

#include <catch2/catch.hpp>

#include "kura/sync/memory_replica.h"
#include "kura/sync/session.h"

using kura::ManualClock;
using kura::MemoryReplica;

namespace {

struct Faults {
  double drop = 0, duplicate = 0, reorder = 0;
  int max_delay_ms = 0;
};

// Two sessions joined by a lossy two-way link under one fake clock.
class Link {
 public:
  Link(uint64_t seed, Faults faults)
      : store_("store-1"), hq_("hq"), rng_(seed), faults_(faults),
        store_hlc_(&clock_), hq_hlc_(&clock_),
        store_session_(&store_, "store-1", "hq", &store_hlc_),
        hq_session_(&hq_, "hq", "store-1", &hq_hlc_) {}

  void Start() {
    store_session_.Start(clock_.NowMillis());
    hq_session_.Start(clock_.NowMillis());
  }

  // Advances time by `ms` in 10 ms steps, moving messages and ticking both sides.
  void Run(int64_t ms) {
    for (int64_t t = 0; t < ms; t += 10) {
      clock_.Advance(10);
      int64_t now = clock_.NowMillis();
      Collect(store_session_, &to_hq_, now);
      Collect(hq_session_, &to_store_, now);
      Deliver(&to_hq_, hq_session_, now);
      Deliver(&to_store_, store_session_, now);
      store_session_.Tick(now);
      hq_session_.Tick(now);
    }
  }

  void Heal() { faults_ = Faults{}; }

  MemoryReplica store_, hq_;
  kura::SyncSession& store_session() { return store_session_; }

 private:
  struct InFlight {
    int64_t due_ms;
    std::string bytes;
  };

  void Collect(kura::SyncSession& from, std::vector<InFlight>* queue, int64_t now) {
    std::uniform_real_distribution<double> p(0, 1);
    for (auto& bytes : from.TakeOutbox()) {
      if (p(rng_) < faults_.drop) continue;
      int copies = p(rng_) < faults_.duplicate ? 2 : 1;
      for (int i = 0; i < copies; ++i) {
        int64_t delay = faults_.max_delay_ms > 0 ? static_cast<int64_t>(rng_() % faults_.max_delay_ms) : 0;
        queue->push_back({now + delay, bytes});
      }
    }
    if (queue->size() > 1 && p(rng_) < faults_.reorder) std::swap(queue->front(), queue->back());
  }

  void Deliver(std::vector<InFlight>* queue, kura::SyncSession& to, int64_t now) {
    std::vector<InFlight> later;
    for (auto& m : *queue) {
      if (m.due_ms <= now) to.Receive(m.bytes, now);
      else later.push_back(std::move(m));
    }
    queue->swap(later);
  }

  std::mt19937_64 rng_;
  Faults faults_;
  ManualClock clock_{1'700'000'000'000};
  kura::HybridLogicalClock store_hlc_, hq_hlc_;
  kura::SyncSession store_session_, hq_session_;
  std::vector<InFlight> to_hq_, to_store_;
};

void WriteRandom(MemoryReplica& r, std::mt19937_64& rng, int n, const std::string& prefix) {
  for (int i = 0; i < n; ++i) {
    r.Write(prefix + std::to_string(rng() % 50), std::string(1 + rng() % 40, 'a' + rng() % 26));
  }
}

}  // namespace

TEST_CASE("sync session converges over a clean link", "[sync][session]") {
  Link link(1, {});
  std::mt19937_64 rng(1);
  WriteRandom(link.store_, rng, 500, "s/store-1/");
  WriteRandom(link.hq_, rng, 100, "g/");
  link.Start();
  link.Run(2000);
  CHECK(link.store_.cells() == link.hq_.cells());
  // Delta-state: the store's 500 writes to 50 cells ship as at most 50 components.
  CHECK(link.store_session().stats().components_sent <= 50);
}

TEST_CASE("sync session converges after dropped duplicated reordered and delayed messages", "[sync][session]") {
  for (int run = 0; run < 40; ++run) {
    const uint64_t seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    Link link(seed, Faults{0.3, 0.2, 0.3, 400});
    link.Start();
    for (int round = 0; round < 10; ++round) {
      WriteRandom(link.store_, rng, 30, "s/store-1/");
      WriteRandom(link.hq_, rng, 10, "g/");
      link.Run(300);
    }
    link.Heal();
    link.Run(10'000);
    INFO("store cells " << link.store_.cells().size() << " hq cells " << link.hq_.cells().size()
         << " rejected " << link.store_session().stats().rejected << " " << link.store_session().stats().last_error);
    REQUIRE(link.store_.cells() == link.hq_.cells());
  }
}

TEST_CASE("sync session resumes after a restart without resending acknowledged data", "[sync][session]") {
  Link link(7, {});
  std::mt19937_64 rng(7);
  WriteRandom(link.store_, rng, 200, "s/store-1/");
  link.Start();
  link.Run(2000);
  REQUIRE(link.store_.cells() == link.hq_.cells());
  uint64_t sent_before = link.store_session().stats().components_sent;
  link.Start();  // both ends restart: the hello says what HQ already holds
  link.Run(2000);
  CHECK(link.store_session().stats().components_sent == sent_before);
  WriteRandom(link.store_, rng, 5, "s/store-1/x");
  link.Run(2000);
  CHECK(link.store_.cells() == link.hq_.cells());
}

TEST_CASE("an idle session reads its replica again only after a write", "[sync][session]") {
  Link link(11, {});
  std::mt19937_64 rng(11);
  WriteRandom(link.store_, rng, 100, "s/store-1/");
  link.Start();
  link.Run(2000);
  REQUIRE(link.store_.cells() == link.hq_.cells());
  int reads = link.store_.reads;
  link.Run(10'000);  // ticks and pings, nothing written
  CHECK(link.store_.reads == reads);
  WriteRandom(link.store_, rng, 1, "s/store-1/late");
  link.Run(100);
  CHECK(link.store_.reads > reads);
  CHECK(link.store_.cells() == link.hq_.cells());
}

TEST_CASE("a merge failure is not acknowledged and the batch is sent again", "[sync][session]") {
  Link link(3, {});
  std::mt19937_64 rng(3);
  WriteRandom(link.store_, rng, 50, "s/store-1/");
  link.hq_.fail_merges = true;
  link.Start();
  link.Run(1000);
  CHECK(link.hq_.cells().empty());
  link.hq_.fail_merges = false;
  link.Run(5000);
  CHECK(link.store_.cells() == link.hq_.cells());
}

TEST_CASE("garbage on the link is rejected without a state change", "[sync][session]") {
  Link link(5, {});
  std::mt19937_64 rng(5);
  WriteRandom(link.store_, rng, 20, "s/store-1/");
  link.Start();
  link.Run(1000);
  auto before = link.hq_.cells();
  kura::ManualClock clock(0);
  kura::HybridLogicalClock hlc(&clock);
  MemoryReplica other("hq");
  kura::SyncSession session(&other, "hq", "store-1", &hlc);
  for (int i = 0; i < 500; ++i) {
    std::string junk(rng() % 100, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    session.Receive(junk, 0);
  }
  CHECK(other.cells().empty());
  CHECK(session.stats().rejected == 500);
  CHECK(link.hq_.cells() == before);
}

// What a refusal quotes of the peer (here a Hello's `from`) reaches status output and HQ's
// logs: it is kept short, and its line breaks and quotes cannot forge another log line.
TEST_CASE("a refusal's error quotes the peer briefly and printably", "[sync][session][security]") {
  kura::ManualClock clock(0);
  kura::HybridLogicalClock hlc(&clock);
  MemoryReplica hq("hq");
  kura::SyncSession session(&hq, "hq", "store-1", &hlc);
  std::string from = "x\" event=forged\nlevel=error " + std::string(60'000, 'y');
  session.Receive(kura::EncodeSyncMessage(kura::Hello{from, {}, 1, false}), 0);
  REQUIRE(session.stats().rejected == 1);
  const std::string& error = session.stats().last_error;
  CHECK(error.size() < 1'000);
  CHECK(error.find('\n') == std::string::npos);
  CHECK(error.find('"') == std::string::npos);
  CHECK_THAT(error, Catch::Contains("more bytes)"));
}

// PROTOCOL.md 2.2: a peer stamping more than 5 minutes past this replica's wall clock would
// drag its clock, and every stamp it makes, into the future; it is counted, not taken.
TEST_CASE("a peer's clock more than 5 minutes ahead is not taken, and its message is still handled",
          "[sync][session]") {
  ManualClock clock(1'700'000'000'000);
  kura::HybridLogicalClock hq_hlc(&clock);
  MemoryReplica hq("hq");
  kura::SyncSession at_hq(&hq, "hq", "store-1", &hq_hlc);
  auto reply_stamped = [&](uint64_t number, int64_t ahead_ms) {
    kura::HlcTimestamp stamp = kura::MakeHlc(clock.NowMillis() + ahead_ms, 0);
    at_hq.Receive(kura::EncodeSyncMessage(kura::CallReply{number, "reply", stamp}), clock.NowMillis());
    return stamp;
  };

  reply_stamped(1, 6 * 60'000);
  CHECK(at_hq.stats().rejected == 1);
  CHECK_THAT(at_hq.stats().last_error, Catch::Contains("peer clock too far ahead"));
  CHECK(kura::HlcMillis(hq_hlc.Now()) == clock.NowMillis());
  CHECK(at_hq.TakeCalls().size() == 1);  // handled all the same

  kura::HlcTimestamp near = reply_stamped(2, 4 * 60'000);
  CHECK(at_hq.stats().rejected == 1);
  CHECK(hq_hlc.Now() > near);  // within the bound: taken
}

TEST_CASE("calls pass through a session to the daemon uninterpreted, and a flood is bounded", "[sync][session]") {
  ManualClock clock(1'700'000'000'000);
  kura::HybridLogicalClock hq_hlc(&clock), store_hlc(&clock);
  MemoryReplica hq("hq"), store("store-1");
  kura::SyncSession at_hq(&hq, "hq", "store-1", &hq_hlc), at_store(&store, "store-1", "hq", &store_hlc);

  at_hq.SendCall(7, "request-bytes");
  for (const std::string& bytes : at_hq.TakeOutbox()) at_store.Receive(bytes, clock.NowMillis());
  auto calls = at_store.TakeCalls();
  REQUIRE(calls.size() == 1);
  CHECK(std::get<kura::Call>(calls[0]).number == 7);
  CHECK(std::get<kura::Call>(calls[0]).request == "request-bytes");
  CHECK(at_store.TakeCalls().empty());  // taken once

  at_store.SendCallReply(7, "reply-bytes");
  for (const std::string& bytes : at_store.TakeOutbox()) at_hq.Receive(bytes, clock.NowMillis());
  calls = at_hq.TakeCalls();
  REQUIRE(calls.size() == 1);
  CHECK(std::get<kura::CallReply>(calls[0]).reply == "reply-bytes");

  // A peer sending calls faster than the daemon takes them cannot grow the queue without end.
  for (int i = 0; i < 5000; ++i) at_hq.SendCall(static_cast<uint64_t>(i), "x");
  for (const std::string& bytes : at_hq.TakeOutbox()) at_store.Receive(bytes, clock.NowMillis());
  CHECK(at_store.TakeCalls().size() == 1024);
  CHECK(at_store.stats().rejected == 5000 - 1024);
}

TEST_CASE("a batch is not applied while an earlier one that advanced another lane was lost", "[sync][session]") {
  // Batches name in `from` only the lanes they and those still in flight advance (a chain
  // has hundreds of lanes); acks are cumulative, so leaving out the lost batch's lane
  // would let the next batch be acked for both and the lost one never be sent again.
  ManualClock clock(1'700'000'000'000);
  kura::HybridLogicalClock hq_hlc(&clock), store_hlc(&clock);
  MemoryReplica hq("hq"), store("store-1");
  kura::SyncSession relay(&hq, "hq", "store-1", &hq_hlc), receiver(&store, "store-1", "hq", &store_hlc);
  auto deliver = [&](kura::SyncSession& from, kura::SyncSession& to) {
    for (auto& bytes : from.TakeOutbox()) to.Receive(bytes, clock.NowMillis());
  };
  relay.Start(clock.NowMillis());
  receiver.Start(clock.NowMillis());
  deliver(relay, receiver);
  deliver(receiver, relay);
  deliver(relay, receiver);

  hq.Write("g/catalog", "v1");
  relay.Tick(clock.NowMillis());
  REQUIRE(relay.TakeOutbox().size() == 1);  // batch 1 (lane hq) is lost
  kura::VersionVector through;
  through.Advance("store-2", 1);
  REQUIRE(hq.Merge("store-2", {kura::Component{"g/keys/store-2", "store-2", 1, "k"}}, through).ok());
  relay.Tick(clock.NowMillis());  // batch 2 (lane store-2) arrives
  auto out = relay.TakeOutbox();
  REQUIRE(out.size() == 1);
  auto batch = kura::DecodeSyncMessage(out[0]);
  REQUIRE(batch.ok());
  REQUIRE(std::holds_alternative<kura::Batch>(*batch));
  CHECK(std::get<kura::Batch>(*batch).from.Get("hq") == 1);
  receiver.Receive(out[0], clock.NowMillis());
  auto ack = kura::DecodeSyncMessage(receiver.TakeOutbox().at(0));
  REQUIRE(ack.ok());
  REQUIRE(std::holds_alternative<kura::Ack>(*ack));
  CHECK(std::get<kura::Ack>(*ack).gap);
  CHECK(store.cells().empty());

  relay.Receive(kura::EncodeSyncMessage(*ack), clock.NowMillis());  // the gap rewinds the relay
  for (int i = 0; i < 5; ++i) {
    deliver(relay, receiver);
    deliver(receiver, relay);
  }
  CHECK(store.cells() == hq.cells());
}

TEST_CASE("a session times itself by now_ms and reports the wall clock of its HLC", "[sync][session]") {
  ManualClock wall(1'700'000'000'000);
  kura::HybridLogicalClock store_hlc(&wall), hq_hlc(&wall);
  MemoryReplica store("store-1"), hq("hq");
  kura::SyncSession s(&store, "store-1", "hq", &store_hlc), h(&hq, "hq", "store-1", &hq_hlc);
  int64_t now = 5'000;  // a clock that never jumps (the daemons' boot clock), on its own scale
  auto exchange = [&] {
    for (int round = 0; round < 4; ++round) {
      for (const std::string& bytes : s.TakeOutbox()) h.Receive(bytes, now);
      for (const std::string& bytes : h.TakeOutbox()) s.Receive(bytes, now);
    }
  };
  s.Start(now);
  h.Start(now);
  exchange();
  REQUIRE(s.PeerReachable(now));
  CHECK(s.stats().last_heard_ms == wall.NowMillis());

  // The peer goes silent: unreachable once the timeout has passed on now_ms, whatever the
  // wall clock read meanwhile.
  wall.Advance(3'600'000);
  now += kura::SessionOptions{}.peer_timeout_ms - 1;
  CHECK(s.PeerReachable(now));
  now += 1;
  CHECK_FALSE(s.PeerReachable(now));
}
