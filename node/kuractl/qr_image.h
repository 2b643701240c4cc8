// QR images of a pickup ticket code for kuractl: drawn in a terminal with Unicode half
// blocks, or written as an SVG (by hand) or a PNG (libpng). The symbol comes from
// libqrencode at error-correction level M, with the standard 4-module quiet zone around it.
// Not thread-safe (libqrencode may keep state).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kura/schema/status.h"

namespace kura::ctl {

class QrImage {
 public:
  // InvalidArgument when `text` is too long for a QR symbol.
  static Result<QrImage> Encode(std::string_view text);

  // Modules per side, quiet zone included.
  int size() const { return size_; }
  // Whether module (x, y) is dark; the quiet zone is light. REQUIRES: 0 <= x, y < size().
  bool Dark(int x, int y) const { return dark_[static_cast<std::size_t>(y * size_ + x)]; }

  // Two module rows per text line with ▀ ▄ █ and spaces. By default the light modules are
  // drawn (for the usual light-on-dark terminal); `invert` draws the dark ones.
  std::string Terminal(bool invert) const;
  // A square SVG document, black on white, `module_px` pixels a module.
  std::string Svg(int module_px) const;
  // Writes an 8-bit greyscale PNG, `module_px` pixels a module. IOError naming the path.
  Status WritePng(const std::string& path, int module_px) const;

 private:
  QrImage(int size, std::vector<bool> dark) : size_(size), dark_(std::move(dark)) {}

  int size_;
  std::vector<bool> dark_;
};

// Writes `contents` to `path` (created or truncated). IOError naming the path.
Status WriteTextFile(const std::string& path, std::string_view contents);

}  // namespace kura::ctl
