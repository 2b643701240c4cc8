// kuractl hold ticket (and hq order ticket) / ticket verify / ticket redeem: signed pickup
// tickets (ops hold.ticket, hq.order.ticket, ticket.verify, ticket.redeem). A ticket is a short text code (KT1....)
// signed by the replica that made the hold; the store checks it offline against the
// replicated key directory and accepts it once. `hold ticket` can show it as a QR image.
#include <functional>
#include <memory>

#include "commands.h"
#include "kura/schema/ids.h"
#include "output.h"
#include "parse.h"
#include "ticket_output.h"

namespace kura::ctl {
namespace {

using nlohmann::json;

void PrintTicket(const json& t, std::ostream& out) {
  PrintFields({{"hold", Cell(t.at("hold"))},
               {"kind", Cell(t.at("kind"))},
               {"store", Cell(t.at("store"))},
               {"lines", FormatLines(t.at("lines"))},
               {"expires", FormatUtc(t.at("expires_ms").get<int64_t>()) + " UTC"},
               {"issuer", Cell(t.at("issuer"))}},
              out);
}

Result<std::string> CodeArg(const std::string& text) {
  std::string code;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') code += c;
  }
  if (code.empty()) return Status::InvalidArgument("CODE: a ticket code is required, e.g. KT1.8G...");
  return code;
}

}  // namespace

void AddTicketShowCommand(CLI::App* parent, Plan* plan, const TicketShow& show) {
  auto id = std::make_shared<std::string>();
  auto images = std::make_shared<TicketImageArgs>();
  CLI::App* cmd = parent->add_subcommand(
      "ticket", std::string(show.what) + ": its text code, and with --qr a QR image in the terminal; "
                "--png/--svg write the QR image to a file");
  cmd->add_option("ID", *id, show.id_help)->required()->type_name("");
  AddTicketImageOptions(cmd, images.get());
  cmd->footer(
      "The code is signed (Ed25519) by the replica that made the hold and carries hold id, store, "
      "lines, expiry and issuer. Any copy of it works once, at that store only: check it with "
      "'kuractl ticket verify CODE', hand the goods over with 'kuractl ticket redeem CODE'.\n"
      "Example: " + std::string(show.example));
  OnParsed(cmd, plan, [id, images, op = show.op, target = show.target]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(std::string hold_id, ParseId(*id, "ID", ValidateHoldId));
    Invocation inv{op, {{"id", hold_id}}, true, nullptr, nullptr};
    inv.target = target;
    inv.render = [images](const json& r, std::ostream& out) {
      std::string code = r.at("code").get<std::string>();
      out << code << "\n";
      DrawTicketQr(code, *images, out);
      PrintTicket({{"hold", r["hold"]["id"]}, {"kind", r["hold"]["kind"]}, {"store", r["hold"]["store"]},
                   {"lines", r["hold"]["lines"]}, {"expires_ms", r["hold"]["expires_ms"]},
                   {"issuer", r["hold"]["issuer"]}},
                  out);
      PrintImagesWritten(*images, out);
    };
    // The files are written whatever the output format, before anything is printed.
    inv.outcome = [images](const json& r) {
      return WriteTicketImages(images.get(), r.at("code").get<std::string>()) ? Exit::kOk
                                                                                  : Exit::kLocalOutput;
    };
    return inv;
  });
}

namespace {

// `ticket verify|redeem`: a subcommand taking one ticket CODE; `build` makes the
// invocation from the cleaned-up code.
CLI::App* AddCodeCommand(CLI::App* ticket, Plan* plan, const char* name, const char* help,
                         std::function<Invocation(std::string code)> build) {
  auto code = std::make_shared<std::string>();
  CLI::App* cmd = ticket->add_subcommand(name, help);
  cmd->add_option("CODE", *code, "the ticket code, e.g. KT1.8G... (upper or lower case)")
      ->required()
      ->type_name("");
  OnParsed(cmd, plan, [code, build]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(std::string cleaned, CodeArg(*code));
    return build(std::move(cleaned));
  });
  return cmd;
}

void AddVerify(CLI::App* ticket, Plan* plan) {
  CLI::App* cmd = AddCodeCommand(
      ticket, plan, "verify",
      "Check a ticket code at this store without using it: signature against the issuer's key "
      "in the replicated key directory, store, expiry, and whether its hold is still to be "
      "collected. Works offline, even before the hold has synced",
      [](std::string code) {
        Invocation inv{"ticket.verify", {{"code", std::move(code)}}, false, nullptr, nullptr};
        inv.render = [](const json& r, std::ostream& out) {
          if (r.at("valid").get<bool>()) {
            out << "ticket valid";
            if (r.contains("hold")) out << " (hold is " << Cell(r["hold"]["state"]) << ")";
            else out << " (hold not synced here yet)";
            out << "\n";
          } else {
            out << "ticket refused: " << Cell(r.at("reason")) << ": " << Cell(r.at("message")) << "\n";
          }
          if (r.contains("ticket")) PrintTicket(r.at("ticket"), out);
        };
        inv.outcome = [](const json& r) { return r.at("valid").get<bool>() ? Exit::kOk : Exit::kDaemonError; };
        return inv;
      });
  cmd->footer("Exit code 0 when the ticket would be accepted, 1 when it is refused; the reason is "
              "one of malformed, unknown_issuer, forged, wrong_store, expired, already_collected, "
              "hold_ended.");
}

void AddRedeem(CLI::App* ticket, Plan* plan) {
  CLI::App* cmd = AddCodeCommand(
      ticket, plan, "redeem",
      "Accept a ticket and collect its hold: the goods leave on hand and a collection receipt is "
      "journaled. Works before the hold has synced (the hold then arrives as collected). A "
      "ticket is accepted once; a refusal names the reason",
      [](std::string code) {
        return Invocation{"ticket.redeem", {{"code", std::move(code)}}, true,
                          [](const json& r, std::ostream& out) {
                            const json& h = r.at("hold");
                            out << "hold " << Cell(h.at("id")) << " is now " << Cell(h.at("state")) << " ("
                                << FormatLines(h.at("lines")) << "): hand the goods over\n";
                            if (!r.value("hold_arrived", true)) {
                              out << "the hold had not synced here yet; it will arrive as collected\n";
                            }
                          },
                          nullptr};
      });
  cmd->footer("Example: kuractl ticket redeem KT1.8G...");
}

}  // namespace

void AddTicketCommands(CLI::App& app, Plan* plan) {
  AddTicketShowCommand(app.get_subcommand("hold"), plan,
                       {"hold.ticket", Target::kStore, "Show the signed pickup ticket of an active hold this store made",
                        "hold id, e.g. tokyo-01.42", "kuractl hold ticket tokyo-01.42 --qr --png ticket.png"});
  CLI::App* ticket = app.add_subcommand("ticket", "Pickup tickets: check a code, or accept it and hand over");
  ticket->require_subcommand(1);
  AddVerify(ticket, plan);
  AddRedeem(ticket, plan);
}

}  // namespace kura::ctl
