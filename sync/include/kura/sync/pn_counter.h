// PN counter cell: a replicated integer (on-hand stock) made of per-origin components.
//
// Only origin O changes O's component, and each of its fields only grows: `p` sums O's
// increments, `n` its decrements, `seq` is O's sequence number of the latest change. The
// value is sum(p - n). Merge is the pointwise max of every field, so it is commutative,
// associative and idempotent: duplicated, reordered or retried deliveries are harmless.
// Thread-compatible value type.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <msgpack.hpp>

#include "kura/schema/msgpack_map.h"
#include "kura/schema/records.h"

namespace kura {

struct PnComponent {
  uint64_t seq = 0;
  int64_t p = 0;  // sum of increments, >= 0
  int64_t n = 0;  // sum of decrements, >= 0
  KURA_MSGPACK_MAP(seq, p, n);
  bool operator==(const PnComponent&) const = default;

  // Both sums in 0..kMaxCumulativeUnits (schema/records.h): a component beyond it is
  // neither written nor merged, so that sums over every store cannot overflow.
  bool WithinBounds() const { return WithinUnits(p) && WithinUnits(n); }
};

struct PnCounter {
  std::map<std::string, PnComponent> components;  // origin -> component
  KURA_MSGPACK_MAP(components);
  bool operator==(const PnCounter&) const = default;

  int64_t Value() const;

  // Adds `delta` (either sign) to `origin`'s component and stamps it with `seq`.
  // Returns the component's previous seq (0 if it had none), so the caller can retire that
  // version from the change index. REQUIRES: seq greater than the component's seq.
  uint64_t Add(const std::string& origin, uint64_t seq, int64_t delta);

  // Joins `other` into this counter.
  void Merge(const PnCounter& other);
};

// TEST ONLY: when set, PnCounter::Merge keeps the minimum of the decrement field `n`
// instead of the maximum — a deliberately broken merge that kura-sim --break-merge and
// its test use to show the simulator catches a wrong merge. Never set in a daemon. It
// holds for the calling thread only: kura-sim runs each world on one thread, several
// worlds at once (--jobs), and one world's switch must not reach another.
void TEST_SetBrokenPnMerge(bool broken);

}  // namespace kura
