// A pickup ticket code as a customer shows it, for the simulator's tests: it names a hold
// and its store, and carries a zero signature (the sim reads a code unverified, as any
// client may; the stores verify).
#pragma once

#include <string>

#include "kura/schema/ticket.h"

namespace kura::sim {

inline std::string TicketCodeFor(const std::string& hold, const std::string& store) {
  TicketPayload ticket;
  ticket.hold = hold;
  ticket.store = store;
  ticket.kind = HoldKind::kPickup;
  ticket.lines = {{"SKU-1", 2}};
  ticket.expires_ms = 1;
  ticket.issuer = hold.substr(0, hold.find('.'));
  return FormatTicketCode(EncodeTicketPayload(ticket), std::string(kTicketSignatureBytes, '\0'));
}

}  // namespace kura::sim
