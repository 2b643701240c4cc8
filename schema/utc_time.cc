#include "kura/schema/utc_time.h"

#include <ctime>

namespace kura {

std::string FormatUtcMillis(int64_t ms, const char* pattern) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, pattern, &tm);
  return std::string(buf, n);
}

}  // namespace kura
