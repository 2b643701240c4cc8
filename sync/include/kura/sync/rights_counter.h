// Promise rights per (store, SKU): a bounded counter with rights transfer (the escrow of
// Balegas et al., "Putting Consistency Back into Eventual Consistency", 2015).
//
// Each origin's component records, as cumulative sums that only grow: the rights it
// created (`created`; only the owning store creates rights), the rights it used up
// (`spent`: units it promised in holds) and the rights it gave to each other replica
// (`sent`). A replica's rights are what it created, minus what it spent and sent, plus what
// others sent it. A replica spends or sends only within the rights it sees itself holding;
// since what others sent it can only be under-counted by a stale view, no merge order ever
// lets the replicas together spend more than was created.
//
// In kura the store sends HQ its online allotment (DESIGN.md, "Stock and promises"): HQ's
// rights are what it may still promise for that store while the store is unreachable.
// Merge keeps each origin's newest component (the highest seq): only that origin writes
// it, and each version contains the previous one. Thread-compatible value type.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <msgpack.hpp>

#include "kura/schema/msgpack_map.h"
#include "kura/schema/records.h"

namespace kura {

struct RightsComponent {
  uint64_t seq = 0;
  int64_t created = 0;                  // >= 0, grows
  int64_t spent = 0;                    // >= 0, grows
  std::map<std::string, int64_t> sent;  // to replica -> cumulative rights given, grows
  KURA_MSGPACK_MAP(seq, created, spent, sent);
  bool operator==(const RightsComponent&) const = default;

  // Whether every field is at least `older`'s: a later version of the same origin.
  bool Contains(const RightsComponent& older) const;
  // Every sum in 0..kMaxCumulativeUnits, as PnComponent::WithinBounds.
  bool WithinBounds() const;
};

struct RightsCell {
  std::map<std::string, RightsComponent> components;  // origin -> component
  KURA_MSGPACK_MAP(components);
  bool operator==(const RightsCell&) const = default;

  // The rights `replica` holds in this view.
  int64_t Of(const std::string& replica) const;
  // Rights created and not yet spent, wherever they are.
  int64_t Unspent() const;
  // Total given by `from` to `to` so far.
  int64_t SentTo(const std::string& from, const std::string& to) const;

  // Mutations of `origin`'s own component, stamped with `seq`; each returns the
  // component's previous seq (0 if none) for the change index. REQUIRES: amount > 0, seq
  // greater than the component's seq; Spend and Send also amount <= Of(origin).
  uint64_t Create(const std::string& origin, uint64_t seq, int64_t amount);
  uint64_t Spend(const std::string& origin, uint64_t seq, int64_t amount);
  uint64_t Send(const std::string& origin, const std::string& to, uint64_t seq, int64_t amount);

  void Merge(const RightsCell& other);
};

}  // namespace kura
