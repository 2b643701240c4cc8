// EventQueue: the discrete-event core of kura-sim. Events run in (time, insertion order);
// nothing in the world reads wall time, so a seed replays the same run event for event.
// Trace: every event that matters writes a line; the lines are hashed (FNV-1a 64) into the
// run's fingerprint and the last few are kept for a violation report (all of them for
// kura-sim --trace). Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace kura::sim {

class EventQueue {
 public:
  using Fn = std::function<void()>;

  // Runs `fn` at sim time `at_ms` (not before now()).
  void At(int64_t at_ms, Fn fn);
  // Runs the next event; false when none is left or it lies beyond `until_ms`.
  bool RunNext(int64_t until_ms);
  // When the next event is due; the largest int64 when none is left.
  int64_t next_at() const { return heap_.empty() ? std::numeric_limits<int64_t>::max() : heap_.front().at; }
  int64_t now() const { return now_; }
  void set_now(int64_t now) { now_ = now; }
  uint64_t executed() const { return executed_; }
  bool empty() const { return heap_.empty(); }

 private:
  struct Event {
    int64_t at;
    uint64_t seq;
    Fn fn;
  };
  static bool Later(const Event& a, const Event& b) {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }
  std::vector<Event> heap_;
  uint64_t next_seq_ = 0;
  uint64_t executed_ = 0;
  int64_t now_ = 0;
};

class Trace {
 public:
  // The lines a trace keeps unless told otherwise: a violation's report shows as many.
  static constexpr std::size_t kKeptByDefault = 20;
  explicit Trace(std::size_t keep = kKeptByDefault) : keep_(keep) {}
  void Add(int64_t at_ms, const std::string& line);
  // Mixes bytes into the hash without keeping a line (message payloads, replies).
  void Mix(std::string_view bytes);
  // Mixes another trace's fingerprint into this one (the world's lanes keep a trace each).
  void MixHash(uint64_t other);
  uint64_t hash() const { return hash_; }
  uint64_t lines() const { return lines_; }
  // The last lines kept, each with its sim time.
  const std::deque<std::pair<int64_t, std::string>>& last() const { return last_; }
  // The first trace's hash with each other's mixed in, in order: a run's fingerprint.
  static uint64_t JoinedHash(const std::vector<const Trace*>& traces);
  // The lines several traces kept, together in sim-time order (earlier traces first at the
  // same time), each ending in a newline.
  static std::string Merged(const std::vector<const Trace*>& traces);
  // The last `lines` of Merged, each indented, for a violation's report.
  static std::string Tail(const std::vector<const Trace*>& traces, std::size_t lines);

 private:
  std::size_t keep_;
  std::deque<std::pair<int64_t, std::string>> last_;
  uint64_t hash_ = 1469598103934665603ULL;
  uint64_t lines_ = 0;
};

// "1d02h03m04.005s" for a sim time offset.
std::string FormatSimTime(int64_t ms);

}  // namespace kura::sim
