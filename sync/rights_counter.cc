#include "kura/sync/rights_counter.h"

namespace kura {

bool RightsComponent::Contains(const RightsComponent& older) const {
  if (created < older.created || spent < older.spent) return false;
  for (const auto& [to, amount] : older.sent) {
    auto it = sent.find(to);
    if (it == sent.end() || it->second < amount) return false;
  }
  return true;
}

bool RightsComponent::WithinBounds() const {
  if (!WithinUnits(created) || !WithinUnits(spent)) return false;
  for (const auto& [to, amount] : sent) {
    if (!WithinUnits(amount)) return false;
  }
  return true;
}

int64_t RightsCell::Of(const std::string& replica) const {
  int64_t rights = 0;
  for (const auto& [origin, c] : components) {
    if (origin == replica) {
      rights += c.created - c.spent;
      for (const auto& [to, amount] : c.sent) rights -= amount;
    } else if (auto it = c.sent.find(replica); it != c.sent.end()) {
      rights += it->second;
    }
  }
  return rights;
}

int64_t RightsCell::Unspent() const {
  int64_t total = 0;
  for (const auto& [origin, c] : components) total += c.created - c.spent;
  return total;
}

int64_t RightsCell::SentTo(const std::string& from, const std::string& to) const {
  auto c = components.find(from);
  if (c == components.end()) return 0;
  auto it = c->second.sent.find(to);
  return it == c->second.sent.end() ? 0 : it->second;
}

namespace {

uint64_t Stamp(RightsComponent& c, uint64_t seq) {
  uint64_t previous = c.seq;
  c.seq = seq;
  return previous;
}

}  // namespace

uint64_t RightsCell::Create(const std::string& origin, uint64_t seq, int64_t amount) {
  RightsComponent& c = components[origin];
  c.created += amount;
  return Stamp(c, seq);
}

uint64_t RightsCell::Spend(const std::string& origin, uint64_t seq, int64_t amount) {
  RightsComponent& c = components[origin];
  c.spent += amount;
  return Stamp(c, seq);
}

uint64_t RightsCell::Send(const std::string& origin, const std::string& to, uint64_t seq, int64_t amount) {
  RightsComponent& c = components[origin];
  c.sent[to] += amount;
  return Stamp(c, seq);
}

void RightsCell::Merge(const RightsCell& other) {
  for (const auto& [origin, theirs] : other.components) {
    RightsComponent& mine = components[origin];
    if (theirs.seq > mine.seq) mine = theirs;
  }
}

}  // namespace kura
