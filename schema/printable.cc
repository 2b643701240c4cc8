#include "kura/schema/printable.h"

#include <cstdio>

namespace kura {

std::string Printable(std::string_view bytes, std::size_t max_bytes) {
  std::string_view shown = bytes.substr(0, max_bytes);
  std::string out;
  out.reserve(shown.size());
  for (unsigned char c : shown) {
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (shown.size() < bytes.size()) {
    out += "...(" + std::to_string(bytes.size() - shown.size()) + " more bytes)";
  }
  return out;
}

}  // namespace kura
