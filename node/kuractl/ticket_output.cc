#include "ticket_output.h"

#include <iostream>

#include "output.h"
#include "qr_image.h"

namespace kura::ctl {
namespace {

constexpr int kSvgModulePx = 8;
constexpr int kPngModulePx = 8;

}  // namespace

void AddTicketImageOptions(CLI::App* cmd, TicketImageArgs* a) {
  cmd->add_flag("--qr", a->qr, "also draw the QR image in the terminal (Unicode half blocks)");
  cmd->add_flag("--qr-invert", a->invert,
                "draw the QR image for a light terminal background (dark modules as blocks)");
  cmd->add_option("--png", a->png, "write the QR image as a PNG file")->type_name("FILE");
  cmd->add_option("--svg", a->svg, "write the QR image as an SVG file")->type_name("FILE");
}

void DrawTicketQr(const std::string& code, const TicketImageArgs& a, std::ostream& out) {
  if (!a.qr && !a.invert) return;
  auto image = QrImage::Encode(code);
  if (image.ok()) out << image->Terminal(a.invert);
}

void PrintImagesWritten(const TicketImageArgs& a, std::ostream& out) {
  if (!a.written) return;
  if (!a.svg.empty()) out << "QR image written to " << a.svg << "\n";
  if (!a.png.empty()) out << "QR image written to " << a.png << "\n";
}

bool WriteTicketImages(TicketImageArgs* images, const std::string& code) {
  const TicketImageArgs& a = *images;
  if (a.png.empty() && a.svg.empty()) return true;
  auto fail = [](const Status& s) {
    PrintError(s.code_name(), s.message(), false, std::cout, std::cerr);
    return false;
  };
  auto image = QrImage::Encode(code);
  if (!image.ok()) return fail(image.status());
  if (!a.svg.empty()) {
    if (Status s = WriteTextFile(a.svg, image->Svg(kSvgModulePx)); !s.ok()) return fail(s);
  }
  if (!a.png.empty()) {
    if (Status s = image->WritePng(a.png, kPngModulePx); !s.ok()) return fail(s);
  }
  images->written = true;
  return true;
}

}  // namespace kura::ctl
