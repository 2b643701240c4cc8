// How kuractl shows a pickup ticket code beyond its text: a QR image drawn in the terminal
// (--qr, --qr-invert) or written to files (--png, --svg). Shared by `hold ticket` at a
// store and `hq order place` at HQ. Not thread-safe (QrImage; writes to the streams and
// files it is given).
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

namespace kura::ctl {

// The image options of one command line; empty paths and false flags ask for nothing.
struct TicketImageArgs {
  std::string png, svg;
  bool qr = false, invert = false;
  bool written = false;  // set by WriteTicketImages once every file asked for is written
};

// Adds --qr, --qr-invert, --png FILE and --svg FILE to `cmd`, stored in `*a`.
// REQUIRES: `*a` outlives the parse of `cmd`.
void AddTicketImageOptions(CLI::App* cmd, TicketImageArgs* a);

// Draws the QR image of `code` on `out` when --qr or --qr-invert asked for it.
void DrawTicketQr(const std::string& code, const TicketImageArgs& a, std::ostream& out);
// "QR image written to FILE" on `out` for each file asked for, once they are written.
void PrintImagesWritten(const TicketImageArgs& a, std::ostream& out);
// Writes the image files asked for and sets a->written. On failure says why on stderr and
// returns false.
bool WriteTicketImages(TicketImageArgs* a, const std::string& code);

}  // namespace kura::ctl
