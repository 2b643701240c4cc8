// Wall-clock milliseconds as UTC text, for slips and kuractl. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace kura {

// Formats `ms` (since the Unix epoch) with a strftime `pattern` in UTC.
std::string FormatUtcMillis(int64_t ms, const char* pattern);

}  // namespace kura
