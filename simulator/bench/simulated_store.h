// SimulatedStore: one store as the hq-ingest suite of kura-bench plays it: its own CURVE
// keypair and DEALER to HQ (SyncSpoke, exactly as kura-store dials), a SyncSession over an
// in-memory replica of its partition (MemoryReplica), and a stock catalog it keeps
// changing. Every change is a stock.receive of 1000 units (when the SKU is out) or a sale
// of one, written as a valid PN-counter slice of the store's own origin under
// s/<store>/<sku>, so HQ merges it exactly as it would a real store's.
// Not thread-safe: one thread drives every store; they share only the zmq::context_t,
// which must outlive them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "curve_keys.h"
#include "kura/sync/hlc.h"
#include "kura/sync/memory_replica.h"
#include "kura/sync/pn_counter.h"
#include "kura/sync/session.h"
#include "sync_transport.h"

namespace kura::bench {

class SimulatedStore {
 public:
  // A store `id` (must be on HQ's allow-list with `keys`) over a catalog of `skus` SKUs,
  // choosing which SKU changes with a generator seeded by `seed`. Its session rewinds and
  // resends when HQ has not acknowledged a batch within `retransmit_ms`.
  SimulatedStore(std::string id, CurveKeyPair keys, int skus, uint64_t seed, int64_t retransmit_ms);
  SimulatedStore(const SimulatedStore&) = delete;
  SimulatedStore& operator=(const SimulatedStore&) = delete;

  // Starts dialling HQ's sync endpoint. Errors as SyncSpoke::Connect.
  Status Connect(zmq::context_t& context, const std::string& hq_public_z85, const std::string& endpoint);

  // Makes `changes` stock changes to random SKUs (local writes; the session ships them).
  void Produce(int changes);
  // Greets HQ again after each (re)connect, feeds the session every message waiting from
  // HQ, lets it push new changes and sends what it wrote. Messages the link refuses are
  // left to the session's retransmission.
  void Pump(int64_t now_ms);

  // For zmq::poll (ZMQ_POLLIN).
  zmq::socket_ref socket() { return spoke_->socket(); }
  const std::string& id() const { return id_; }
  // Whether HQ has answered our hello since the last (re)connect.
  bool greeted() const { return session_.stats().peer_seen; }
  // Changes made so far (this store's highest seq).
  uint64_t head() const { return replica_.NextSeq() - 1; }
  // Changes HQ has acknowledged as durable (our seq in HQ's acknowledged vector).
  uint64_t acked_seq() const { return session_.stats().peer_held.Get(id_); }
  // Components (latest version of a changed SKU) shipped in batches HQ has acknowledged as
  // durable. Changes to one SKU made before it shipped travel as one component.
  uint64_t acked_components() const { return acked_components_; }
  const SessionStats& stats() const { return session_.stats(); }
  // The on-hand of SKU `sku` at this store; nullopt when it never changed.
  std::optional<int64_t> OnHand(int sku) const;

  static std::string Sku(int i) { return "SKU-" + std::to_string(i); }

 private:
  // The session's view of the replica: ships only this store's own origin, as kura-store's
  // replica does, and remembers how many components each batch carried (keyed by the seq
  // it ships through) so acknowledgements can be counted in components.
  class ShippingReplica final : public SyncReplica {
   public:
    explicit ShippingReplica(SimulatedStore* store) : store_(store) {}
    Result<uint64_t> Head() override { return store_->replica_.Head(); }
    Result<VersionVector> Held(const std::string& peer) override { return store_->replica_.Held(peer); }
    Result<std::vector<Component>> ReadBeyond(const std::string& peer, const VersionVector& from,
                                              std::size_t max_bytes, VersionVector* through) override;
    Status Merge(const std::string& peer, const std::vector<Component>& components,
                 const VersionVector& through) override {
      return store_->replica_.Merge(peer, components, through);
    }

   private:
    SimulatedStore* store_;
  };

  // Moves batches HQ acknowledged from shipped_ into acked_components_.
  void CountAcked();

  std::string id_;
  CurveKeyPair keys_;
  std::mt19937_64 rng_;
  std::vector<PnComponent> stock_;  // per SKU, this store's component
  MemoryReplica replica_;
  ShippingReplica shipping_{this};
  HybridLogicalClock hlc_;
  SyncSession session_;
  std::unique_ptr<SyncSpoke> spoke_;
  uint64_t handshakes_ = 0;
  std::map<uint64_t, uint64_t> shipped_;  // through seq -> components, not yet acked
  uint64_t acked_components_ = 0;
};

}  // namespace kura::bench
