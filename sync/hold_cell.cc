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

namespace {

// Which of two replicas' bodies of one hold every replica keeps: none < one made from a
// pickup ticket (ticket.redeem before the issuer's hold arrived: no customer, created_ms 0,
// no routed) < the issuer's, which always has a created_ms. Two bodies of one rank are
// equal (the issuer writes its body once; a ticket-made one is a function of the ticket).
int BodyRank(const HoldBody& b) {
  if (b.id.empty()) return 0;
  return b.created_ms == 0 ? 1 : 2;
}

}  // namespace

void HoldCell::Merge(const HoldCell& other) {
  if (BodyRank(other.body) > BodyRank(body)) body = other.body;
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
