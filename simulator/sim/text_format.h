// Printf: snprintf into a std::string, for kura-sim's reports (a line is at most 511
// bytes; longer output is cut); Printable: bytes as text; Lines: text split for JSON. Thread-safe.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace kura::sim {

inline std::string Printf(const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

// `bytes` with every byte outside printable ASCII as \xNN: a key with binary parts (a
// journal entry's sequence number) in a message that must stay text.
inline std::string Printable(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
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
