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

void Trace::Add(int64_t at_ms, const std::string& line) {
  std::string full = FormatSimTime(at_ms) + " " + line;
  Mix(full);
  Mix(std::string_view("\n", 1));
  ++lines_;
  last_.push_back(std::move(full));
  if (last_.size() > keep_) last_.pop_front();
}

std::string Trace::Tail() const {
  std::string out;
  for (const auto& line : last_) out += "  " + line + "\n";
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
