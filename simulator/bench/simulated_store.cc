#include "simulated_store.h"

#include "kura/schema/codec.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "system_clock.h"

namespace kura::bench {
namespace {

constexpr int64_t kDeliveryUnits = 1000;  // what a receive brings when a SKU is out

}  // namespace

SimulatedStore::SimulatedStore(std::string id, CurveKeyPair keys, int skus, uint64_t seed, int64_t retransmit_ms)
    : id_(std::move(id)),
      keys_(std::move(keys)),
      rng_(seed),
      stock_(skus),
      replica_(id_),
      hlc_(SystemClock::Get()),
      session_(&shipping_, id_, kHqOrigin, &hlc_, SessionOptions{.retransmit_ms = retransmit_ms}) {}

Status SimulatedStore::Connect(zmq::context_t& context, const std::string& hq_public_z85,
                               const std::string& endpoint) {
  spoke_ = std::make_unique<SyncSpoke>(context, keys_, hq_public_z85, endpoint);
  return spoke_->Connect();
}

void SimulatedStore::Produce(int changes) {
  for (int i = 0; i < changes; ++i) {
    int sku = static_cast<int>(rng_() % stock_.size());
    PnComponent& mine = stock_[sku];
    if (mine.p - mine.n <= 0) {
      mine.p += kDeliveryUnits;
    } else {
      mine.n += 1;
    }
    mine.seq = replica_.NextSeq();
    PnCounter slice;
    slice.components[id_] = mine;
    replica_.Write(keys::Stock(id_, Sku(sku)), Encode(slice));
  }
}

void SimulatedStore::Pump(int64_t now_ms) {
  if (spoke_->connected() && spoke_->handshakes() != handshakes_) {
    handshakes_ = spoke_->handshakes();
    session_.Start(now_ms);
  }
  std::string bytes;
  while (spoke_->Receive(&bytes)) session_.Receive(bytes, now_ms);
  CountAcked();
  session_.Tick(now_ms);
  for (const std::string& message : session_.TakeOutbox()) spoke_->Send(message).IgnoreError();
}

std::optional<int64_t> SimulatedStore::OnHand(int sku) const {
  const PnComponent& mine = stock_[sku];
  if (mine.seq == 0) return std::nullopt;
  return mine.p - mine.n;
}

void SimulatedStore::CountAcked() {
  uint64_t acked = acked_seq();
  while (!shipped_.empty() && shipped_.begin()->first <= acked) {
    acked_components_ += shipped_.begin()->second;
    shipped_.erase(shipped_.begin());
  }
}

Result<std::vector<Component>> SimulatedStore::ShippingReplica::ReadBeyond(const std::string& peer,
                                                                          const VersionVector& from,
                                                                          std::size_t max_bytes,
                                                                          VersionVector* through) {
  const std::string& self = store_->id_;
  // Reading from `from` again (a rewind) replaces whatever was counted beyond it.
  store_->shipped_.erase(store_->shipped_.upper_bound(from.Get(self)), store_->shipped_.end());
  VersionVector all;
  KURA_ASSIGN_OR_RETURN(auto components, store_->replica_.ReadBeyond(peer, from, max_bytes, &all));
  std::vector<Component> own;
  for (Component& c : components) {
    if (c.origin == self) own.push_back(std::move(c));
  }
  through->seqs.clear();
  if (uint64_t read = all.Get(self); read > 0) through->Advance(self, read);
  if (!own.empty()) store_->shipped_[through->Get(self)] += own.size();
  return own;
}

}  // namespace kura::bench
