// Printf: snprintf into a std::string, for kura-sim's reports (a line is at most 511
// bytes; longer output is cut); Lines: text split for JSON; and kura::Printable (bytes as
// text, schema/printable.h) for the reports. Thread-safe.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "kura/schema/printable.h"

namespace kura::sim {

inline std::string Printf(const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

// The lines of `text`, each without its leading spaces (a trace tail's indent), for JSON.
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::size_t start = text.find_first_not_of(' ', at);
    if (start < end) lines.push_back(text.substr(start, end - start));
    at = end + 1;
  }
  return lines;
}

}  // namespace kura::sim
