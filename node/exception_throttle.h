// ExceptionThrottle: lets the same exception (kind of refusal and store) through to HQ's
// exception log at most once per interval, and at most `max_kinds` kinds of one store per
// interval. A store whose every message is refused the same way (a clock more than five
// minutes ahead, say), or a different way each time (a hostile one varying the text),
// would otherwise write an exception for every ping and batch, burying every other
// exception, costing a synced write each and growing HQ's memory. The ones held back are
// counted and said with the next one let through. Not thread-safe (HQ's loop thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace kura {

class ExceptionThrottle {
 public:
  explicit ExceptionThrottle(int64_t interval_ms, std::size_t max_kinds = 8)
      : interval_ms_(interval_ms), max_kinds_(max_kinds) {}

  // The message to record for `store`'s `message` at `now_ms` (a clock that never jumps),
  // with "(and N more like it since)" and "(and N other refusals of this store since)"
  // when some were held back; nullopt to hold it back.
  std::optional<std::string> Admit(const std::string& store, const std::string& message, int64_t now_ms) {
    Store& of_store = stores_[store];
    auto kind = of_store.kinds.find(message);
    if (kind == of_store.kinds.end()) {
      ForgetStale(of_store, now_ms);
      if (of_store.kinds.size() >= max_kinds_) {
        ++of_store.others_held_back;
        return std::nullopt;
      }
      kind = of_store.kinds.emplace(message, Kind{}).first;
    }
    Kind& seen = kind->second;
    if (seen.recorded && now_ms - seen.at_ms < interval_ms_) {
      ++seen.held_back;
      return std::nullopt;
    }
    std::string out = message;
    if (seen.held_back > 0) out += " (and " + std::to_string(seen.held_back) + " more like it since)";
    if (of_store.others_held_back > 0) {
      out += " (and " + std::to_string(of_store.others_held_back) +
             " other refusals of this store since)";
      of_store.others_held_back = 0;
    }
    seen = Kind{true, now_ms, 0};
    return out;
  }

 private:
  struct Kind {
    bool recorded = false;
    int64_t at_ms = 0;
    int64_t held_back = 0;
  };
  struct Store {
    std::map<std::string, Kind> kinds;
    int64_t others_held_back = 0;  // of kinds forgotten, or not tracked for want of room
  };

  // Forgets the kinds recorded an interval or more ago (the next of them is let through
  // anyway), keeping the count of those they held back.
  void ForgetStale(Store& of_store, int64_t now_ms) {
    std::erase_if(of_store.kinds, [&](const auto& entry) {
      bool stale = now_ms - entry.second.at_ms >= interval_ms_;
      if (stale) of_store.others_held_back += entry.second.held_back;
      return stale;
    });
  }

  int64_t interval_ms_;
  std::size_t max_kinds_;
  std::map<std::string, Store> stores_;
};

}  // namespace kura
