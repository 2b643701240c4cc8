// Hold cell: a hold's immutable body plus its state as a per-origin lattice.
//
// States are totally ordered (schema/records.h, HoldState) and only move forward; each
// origin records the furthest state it has moved the hold to, and the hold's state is the
// join (max) over origins. So concurrent ends resolve the same way everywhere, and a
// collection, the greatest state, always wins. Thread-compatible value type.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <msgpack.hpp>

#include "kura/schema/msgpack_map.h"
#include "kura/schema/records.h"

namespace kura {

inline HoldState JoinHoldStates(HoldState a, HoldState b) { return a < b ? b : a; }
inline bool IsActive(HoldState s) {
  return s == HoldState::kHeld || s == HoldState::kConfirmed || s == HoldState::kReady;
}

struct HoldStateComponent {
  uint64_t seq = 0;
  HoldState state = HoldState::kUnknown;
  int64_t at_ms = 0;  // when this origin moved the hold to `state`
  KURA_MSGPACK_MAP(seq, state, at_ms);
  bool operator==(const HoldStateComponent&) const = default;
};

struct HoldCell {
  HoldBody body;
  std::map<std::string, HoldStateComponent> states;  // origin -> component
  KURA_MSGPACK_MAP(body, states);

  HoldState State() const;
  // When the hold reached its current state (the latest such origin stamp).
  int64_t StateSinceMs() const;

  // Moves `origin`'s component to `state`. Returns the component's previous seq (0 if
  // none). REQUIRES: state > State(), seq greater than the component's seq.
  uint64_t Advance(const std::string& origin, uint64_t seq, HoldState state, int64_t at_ms);

  // Joins `other` (a replica of the same hold) into this cell.
  void Merge(const HoldCell& other);
};

}  // namespace kura
