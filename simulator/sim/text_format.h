// Printf: snprintf into a std::string, for kura-sim's reports (a line is at most 511
// bytes; longer output is cut). Thread-safe.
#pragma once

#include <cstdio>
#include <string>

namespace kura::sim {

inline std::string Printf(const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

}  // namespace kura::sim
