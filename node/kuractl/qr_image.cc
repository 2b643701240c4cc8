#include "qr_image.h"

#include <png.h>
#include <qrencode.h>

#include <cstdint>
#include <fstream>
#include <memory>

namespace kura::ctl {
namespace {

constexpr int kQuietZone = 4;  // modules of light margin, as the QR standard asks

}  // namespace

Result<QrImage> QrImage::Encode(std::string_view text) {
  std::string owned(text);  // libqrencode wants a NUL-terminated string
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(owned.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!code) return Status::InvalidArgument("the code is too long for a QR image");
  int size = code->width + 2 * kQuietZone;
  std::vector<bool> dark(static_cast<std::size_t>(size) * size, false);
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width; ++x) {
      // Bit 0 of each libqrencode module byte is "dark".
      dark[static_cast<std::size_t>((y + kQuietZone) * size + x + kQuietZone)] =
          (code->data[y * code->width + x] & 1) != 0;
    }
  }
  return QrImage(size, std::move(dark));
}

std::string QrImage::Terminal(bool invert) const {
  static constexpr const char* kGlyphs[4] = {" ", "\u2584", "\u2580", "\u2588"};  // -, lower, upper, both
  std::string out;
  for (int y = 0; y < size_; y += 2) {
    for (int x = 0; x < size_; ++x) {
      bool top = Dark(x, y) == invert;
      bool bottom = y + 1 < size_ ? Dark(x, y + 1) == invert : !invert;
      out += kGlyphs[(top ? 2 : 0) + (bottom ? 1 : 0)];
    }
    out += '\n';
  }
  return out;
}

std::string QrImage::Svg(int module_px) const {
  std::string side = std::to_string(size_);
  std::string px = std::to_string(size_ * module_px);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + px +
                    "\" height=\"" + px + "\" viewBox=\"0 0 " + side + " " + side +
                    "\" shape-rendering=\"crispEdges\">\n"
                    "<rect width=\"" + side + "\" height=\"" + side + "\" fill=\"#ffffff\"/>\n"
                    "<path fill=\"#000000\" d=\"";
  // One rectangle per horizontal run of dark modules.
  for (int y = 0; y < size_; ++y) {
    for (int x = 0; x < size_;) {
      if (!Dark(x, y)) { ++x; continue; }
      int run = 0;
      while (x + run < size_ && Dark(x + run, y)) ++run;
      out += "M" + std::to_string(x) + " " + std::to_string(y) + "h" + std::to_string(run) + "v1h-" +
             std::to_string(run) + "z";
      x += run;
    }
  }
  out += "\"/>\n</svg>\n";
  return out;
}

Status QrImage::WritePng(const std::string& path, int module_px) const {
  int px = size_ * module_px;
  std::vector<uint8_t> pixels(static_cast<std::size_t>(px) * px);
  for (int y = 0; y < px; ++y) {
    for (int x = 0; x < px; ++x) {
      pixels[static_cast<std::size_t>(y) * px + x] = Dark(x / module_px, y / module_px) ? 0 : 255;
    }
  }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(px);
  image.height = static_cast<png_uint_32>(px);
  image.format = PNG_FORMAT_GRAY;
  if (png_image_write_to_file(&image, path.c_str(), 0, pixels.data(), px, nullptr) == 0) {
    std::string why = image.message;
    png_image_free(&image);
    return Status::IOError(path + ": cannot write the PNG: " + why);
  }
  return Status::Ok();
}

Status WriteTextFile(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) return Status::IOError(path + ": cannot write the file");
  return Status::Ok();
}

}  // namespace kura::ctl
