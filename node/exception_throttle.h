// ExceptionThrottle: lets the same exception (kind of refusal and store) through to HQ's
// exception log at most once per interval. A store whose every message is refused the
// same way (a clock more than five minutes ahead, say) would otherwise write an exception
// for every ping and batch, burying every other exception and costing a synced write each.
// The ones held back are counted and said with the next one let through. Not thread-safe
// (HQ's loop thread).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace kura {

class ExceptionThrottle {
 public:
  explicit ExceptionThrottle(int64_t interval_ms) : interval_ms_(interval_ms) {}

  // The message to record for `store`'s `message` at `now_ms` (a clock that never jumps),
  // with "(and N more like it since)" when some were held back; nullopt to hold it back.
  std::optional<std::string> Admit(const std::string& store, const std::string& message, int64_t now_ms) {
    Seen& seen = seen_[{store, message}];
    if (seen.recorded && now_ms - seen.at_ms < interval_ms_) {
      ++seen.held_back;
      return std::nullopt;
    }
    std::string out = message;
    if (seen.held_back > 0) out += " (and " + std::to_string(seen.held_back) + " more like it since)";
    seen = Seen{true, now_ms, 0};
    return out;
  }

 private:
  struct Seen {
    bool recorded = false;
    int64_t at_ms = 0;
    int64_t held_back = 0;
  };
  int64_t interval_ms_;
  std::map<std::pair<std::string, std::string>, Seen> seen_;
};

}  // namespace kura
