// Signed pickup tickets: the replica's signing identity, signing a hold's ticket, checking
// a ticket offline against the replicated key directory, and the ticket ops.
//
// Each replica (a store, or HQ as "hq") signs with its own Ed25519 key (libsodium). The
// secret is made on first use and kept in cf meta `sign/secret`; it is never logged or
// replicated. The public key is published in the key-directory register g/keys/<origin>
// (registers.h), in the same write as the first ticket it signs, so the key travels by
// sync before, or with, any ticket a peer could be shown; HQ publishes its own when it
// starts, so stores have it before they are cut off. A wiped replica makes a new key:
// tickets signed with the old one then fail as forged and must be issued again.
//
// A ticket is accepted once and only at its store: redeeming one collects the hold — the
// hold cell is made from the ticket when the hold itself has not arrived yet, so that
// the hold lands on collected when it does. Not thread-safe (runs inside a commit group).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kura/schema/ticket.h"
#include "kura/sync/hold_cell.h"
#include "op_context.h"

namespace kura {

inline constexpr std::size_t kSignPublicKeyBytes = 32;
inline constexpr std::size_t kSignSecretKeyBytes = 64;

// Makes this replica's signing key if it has none, and publishes it in the key directory
// unless it is there already (writes only then). kura-hq does this when it starts, so that
// every store has HQ's key before HQ signs a ticket for a store it cannot reach (a store's
// own tickets are checked only by itself). REQUIRES: ctx.hlc set.
Status PublishSigningKey(OpContext& ctx);

// The text code of `body`'s ticket, signed with this replica's key (made and published on
// first use). InvalidArgument when this replica did not issue the hold; TooLarge when the
// hold is too big for a ticket. REQUIRES: ctx.hlc set.
Result<std::string> IssueTicket(OpContext& ctx, const HoldBody& body);

// Why a ticket is refused; kOk when it is accepted.
enum class TicketVerdict {
  kOk,
  kMalformed,        // not a ticket code, or its payload does not decode or check
  kUnknownIssuer,    // no key for the issuer in the key directory (g/keys/<issuer>)
  kForged,           // the signature does not verify with the issuer's key
  kWrongStore,       // the ticket is for another store
  kExpired,          // past the ticket's expiry
  kAlreadyCollected, // the hold is collected already (a ticket is accepted once)
  kHoldEnded,        // the hold was cancelled or expired
};
// "ok", "malformed", "unknown_issuer", "forged", "wrong_store", "expired",
// "already_collected", "hold_ended".
std::string_view TicketVerdictName(TicketVerdict verdict);

struct TicketCheck {
  TicketVerdict verdict = TicketVerdict::kMalformed;
  std::string message;                  // why, for people
  std::optional<TicketPayload> ticket;  // once the payload decoded
  std::optional<HoldCell> hold;         // the local hold cell, when it is here
};

// Checks `code` at this replica, in the order of TicketVerdict. Only storage errors are
// errors; every refusal is a TicketCheck. Reads only.
Result<TicketCheck> CheckTicket(OpContext& ctx, std::string_view code);

nlohmann::json ToJson(const TicketPayload& ticket);

Result<nlohmann::json> OpHoldTicket(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpTicketVerify(OpContext& ctx, const nlohmann::json& args);
Result<nlohmann::json> OpTicketRedeem(OpContext& ctx, const nlohmann::json& args);

}  // namespace kura
