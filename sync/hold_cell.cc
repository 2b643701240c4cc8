#include "kura/sync/hold_cell.h"

#include <algorithm>

namespace kura {

HoldState HoldCell::State() const {
  HoldState state = HoldState::kUnknown;
  for (const auto& [origin, c] : states) state = JoinHoldStates(state, c.state);
  return state;
}

int64_t HoldCell::StateSinceMs() const {
  HoldState state = State();
  int64_t since = 0;
  for (const auto& [origin, c] : states) {
    if (c.state == state) since = std::max(since, c.at_ms);
  }
  return since;
}

uint64_t HoldCell::Advance(const std::string& origin, uint64_t seq, HoldState state,
                           int64_t at_ms) {
  HoldStateComponent& c = states[origin];
  uint64_t previous = c.seq;
  c = HoldStateComponent{seq, state, at_ms};
  return previous;
}

void HoldCell::Merge(const HoldCell& other) {
  if (body.id.empty()) body = other.body;
  for (const auto& [origin, theirs] : other.states) {
    HoldStateComponent& mine = states[origin];
    if (theirs.state > mine.state || (theirs.state == mine.state && theirs.at_ms > mine.at_ms)) {
      mine.state = theirs.state;
      mine.at_ms = theirs.at_ms;
    }
    mine.seq = std::max(mine.seq, theirs.seq);
  }
}

}  // namespace kura
