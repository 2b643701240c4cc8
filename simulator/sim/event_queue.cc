#include "event_queue.h"

#include <algorithm>
#include <cstdio>

namespace kura::sim {

void EventQueue::At(int64_t at_ms, Fn fn) {
  heap_.push_back(Event{std::max(at_ms, now_), next_seq_++, std::move(fn)});
  std::push_heap(heap_.begin(), heap_.end(), Later);
}

bool EventQueue::RunNext(int64_t until_ms) {
  if (heap_.empty() || heap_.front().at > until_ms) return false;
  std::pop_heap(heap_.begin(), heap_.end(), Later);
  Event event = std::move(heap_.back());
  heap_.pop_back();
  now_ = event.at;
  ++executed_;
  event.fn();
  return true;
}

void Trace::Mix(std::string_view bytes) {
  for (unsigned char c : bytes) hash_ = (hash_ ^ c) * 1099511628211ULL;
}

void Trace::MixHash(uint64_t other) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(other >> (8 * i));
  Mix(std::string_view(bytes, sizeof bytes));
}

void Trace::Add(int64_t at_ms, const std::string& line) {
  std::string full = FormatSimTime(at_ms) + " " + line;
  Mix(full);
  Mix(std::string_view("\n", 1));
  ++lines_;
  last_.emplace_back(at_ms, std::move(full));
  if (last_.size() > keep_) last_.pop_front();
}

namespace {

// Every line the traces kept, in sim-time order (earlier traces first at the same time).
std::vector<const std::string*> InTimeOrder(const std::vector<const Trace*>& traces) {
  std::vector<std::pair<int64_t, const std::string*>> lines;
  for (const Trace* trace : traces) {
    for (const auto& [at, line] : trace->last()) lines.emplace_back(at, &line);
  }
  std::stable_sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const std::string*> out;
  out.reserve(lines.size());
  for (const auto& [at, line] : lines) out.push_back(line);
  return out;
}

}  // namespace

uint64_t Trace::JoinedHash(const std::vector<const Trace*>& traces) {
  Trace joined(0);
  if (!traces.empty()) joined.hash_ = traces.front()->hash_;
  for (std::size_t i = 1; i < traces.size(); ++i) joined.MixHash(traces[i]->hash_);
  return joined.hash_;
}

std::string Trace::Merged(const std::vector<const Trace*>& traces) {
  std::string out;
  for (const std::string* line : InTimeOrder(traces)) out += *line + "\n";
  return out;
}

std::string Trace::Tail(const std::vector<const Trace*>& traces, std::size_t lines) {
  std::vector<const std::string*> all = InTimeOrder(traces);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += "  " + *all[i] + "\n";
  }
  return out;
}

std::string FormatSimTime(int64_t ms) {
  char buf[48];
  bool negative = ms < 0;
  if (negative) ms = -ms;
  std::snprintf(buf, sizeof buf, "%s%lldd%02lldh%02lldm%02lld.%03llds", negative ? "-" : "",
                static_cast<long long>(ms / 86'400'000), static_cast<long long>(ms / 3'600'000 % 24),
                static_cast<long long>(ms / 60'000 % 60), static_cast<long long>(ms / 1000 % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

}  // namespace kura::sim
