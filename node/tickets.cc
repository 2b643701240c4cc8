#include "tickets.h"

#include <sodium.h>

#include "holds.h"
#include "kura/schema/args.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "registers.h"

namespace kura {
namespace {

using nlohmann::json;

const unsigned char* In(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* Out(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

Status InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok ? Status::Ok() : Status::Internal("libsodium failed to initialise");
}

// This replica's Ed25519 secret key (libsodium layout: seed, then public key), made on
// first use. Kept as 64 raw bytes in cf meta.
Result<std::string> SigningSecret(OpContext& ctx) {
  KURA_RETURN_IF_ERROR(InitSodium());
  std::string secret;
  Status s = ctx.txn.Get(Cf::kMeta, keys::kMetaSigningKey, &secret);
  if (s.ok()) {
    if (secret.size() != kSignSecretKeyBytes) return Status::Corruption("meta sign/secret: wrong length");
    return secret;
  }
  if (s.code() != Status::Code::kNotFound) return s;
  std::string public_key(kSignPublicKeyBytes, '\0');
  secret.assign(kSignSecretKeyBytes, '\0');
  const std::string& seed = ctx.options.signing_seed;
  if (seed.size() == crypto_sign_SEEDBYTES) {
    crypto_sign_seed_keypair(Out(public_key), Out(secret), reinterpret_cast<const unsigned char*>(seed.data()));
  } else {
    crypto_sign_keypair(Out(public_key), Out(secret));
  }
  ctx.txn.Put(Cf::kMeta, keys::kMetaSigningKey, secret);
  return secret;
}

// Publishes `public_key` as this replica's entry of the key directory unless it is the
// entry already (a wiped replica may get its old entry back by sync: that is replaced).
Status PublishKey(OpContext& ctx, std::string_view public_key) {
  std::string key = keys::KeyDirectory(ctx.origin());
  KURA_ASSIGN_OR_RETURN(auto published, ReadRegister(ctx.txn, key));
  if (published && *published == public_key) return Status::Ok();
  return WriteRegister(ctx, key, std::string(public_key));
}

// This replica's secret, made and published as PublishSigningKey says.
Result<std::string> PublishedSecret(OpContext& ctx) {
  KURA_ASSIGN_OR_RETURN(std::string secret, SigningSecret(ctx));
  KURA_RETURN_IF_ERROR(PublishKey(ctx, std::string_view(secret).substr(crypto_sign_SEEDBYTES)));
  return secret;
}

json LinesJson(const std::vector<TicketLine>& lines) {
  json out = json::array();
  for (const auto& line : lines) out.push_back({{"sku", line.sku}, {"qty", line.qty}});
  return out;
}

HoldBody BodyOf(const TicketPayload& t) {
  HoldBody body;
  body.id = t.hold;
  body.store = t.store;
  body.kind = t.kind;
  for (const auto& line : t.lines) body.lines.push_back({line.sku, line.qty});
  body.expires_ms = t.expires_ms;  // created_ms stays 0: a ticket does not carry it
  body.issuer = t.issuer;
  return body;
}

}  // namespace

std::string_view TicketVerdictName(TicketVerdict verdict) {
  switch (verdict) {
    case TicketVerdict::kOk: return "ok";
    case TicketVerdict::kMalformed: return "malformed";
    case TicketVerdict::kUnknownIssuer: return "unknown_issuer";
    case TicketVerdict::kForged: return "forged";
    case TicketVerdict::kWrongStore: return "wrong_store";
    case TicketVerdict::kExpired: return "expired";
    case TicketVerdict::kAlreadyCollected: return "already_collected";
    case TicketVerdict::kHoldEnded: return "hold_ended";
  }
  return "malformed";
}

Status PublishSigningKey(OpContext& ctx) { return PublishedSecret(ctx).status(); }

Result<std::string> IssueTicket(OpContext& ctx, const HoldBody& body) {
  if (body.issuer != ctx.origin()) {
    return Status::InvalidArgument("id: hold " + body.id + " was issued by " + body.issuer +
                                   "; only " + body.issuer + " can sign its ticket");
  }
  std::string payload = EncodeTicketPayload(TicketOf(body));
  if (payload.size() + kTicketSignatureBytes > kMaxTicketBytes) {
    return Status::TooLarge("hold " + body.id + " is too large for a ticket");
  }
  KURA_ASSIGN_OR_RETURN(std::string secret, PublishedSecret(ctx));
  std::string signature(kTicketSignatureBytes, '\0');
  crypto_sign_detached(Out(signature), nullptr, In(payload), payload.size(), In(secret));
  return FormatTicketCode(payload, signature);
}

Result<TicketCheck> CheckTicket(OpContext& ctx, std::string_view code) {
  KURA_RETURN_IF_ERROR(InitSodium());
  TicketCheck check;
  auto refuse = [&check](TicketVerdict verdict, std::string message) {
    check.verdict = verdict;
    check.message = std::move(message);
    return check;
  };
  auto bytes = ParseTicketCode(code);
  if (!bytes.ok()) return refuse(TicketVerdict::kMalformed, bytes.status().message());
  auto payload = DecodeTicketPayload(bytes->payload);
  if (!payload.ok()) return refuse(TicketVerdict::kMalformed, payload.status().message());
  const TicketPayload& t = check.ticket.emplace(std::move(*payload));

  KURA_ASSIGN_OR_RETURN(auto key, ReadRegister(ctx.txn, keys::KeyDirectory(t.issuer)));
  if (!key || key->size() != kSignPublicKeyBytes) {
    return refuse(TicketVerdict::kUnknownIssuer, "no signing key of " + t.issuer + " in the key directory");
  }
  if (crypto_sign_verify_detached(In(bytes->signature), In(bytes->payload), bytes->payload.size(),
                                  In(*key)) != 0) {
    return refuse(TicketVerdict::kForged, "the signature does not verify with " + t.issuer + "'s key");
  }
  if (t.store != ctx.origin()) {
    return refuse(TicketVerdict::kWrongStore, "the ticket is for store " + t.store + ", not " + ctx.origin());
  }
  if (t.expires_ms <= ctx.now_ms) return refuse(TicketVerdict::kExpired, "the ticket has expired");

  KURA_ASSIGN_OR_RETURN(auto hold, ctx.txn.Read<HoldCell>(Cf::kCells, keys::Hold(t.store, t.hold)));
  if (hold) {
    HoldState state = check.hold.emplace(std::move(*hold)).State();
    if (state == HoldState::kCollected) {
      return refuse(TicketVerdict::kAlreadyCollected, "hold " + t.hold + " is collected already");
    }
    if (!IsActive(state) && state != HoldState::kUnknown) {
      return refuse(TicketVerdict::kHoldEnded, "hold " + t.hold + " is " + std::string(HoldStateName(state)));
    }
  }
  return refuse(TicketVerdict::kOk, "");
}

json ToJson(const TicketPayload& t) {
  return {{"hold", t.hold},       {"store", t.store},     {"kind", HoldKindName(t.kind)},
          {"lines", LinesJson(t.lines)}, {"expires_ms", t.expires_ms}, {"issuer", t.issuer}};
}

Result<json> OpHoldTicket(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string id, ArgString(args, "id", ValidateHoldId));
  KURA_ASSIGN_OR_RETURN(HoldCell cell, ReadHold(ctx, id));
  if (!IsActive(cell.State())) {
    return Status::Conflict("hold " + id + " is " + std::string(HoldStateName(cell.State())) +
                            "; tickets are only issued for active holds");
  }
  KURA_ASSIGN_OR_RETURN(std::string code, IssueTicket(ctx, cell.body));
  return json{{"code", code}, {"hold", ToJson(cell)}};
}

Result<json> OpTicketVerify(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string code, ArgString(args, "code", nullptr));
  KURA_ASSIGN_OR_RETURN(TicketCheck check, CheckTicket(ctx, code));
  json out = {{"valid", check.verdict == TicketVerdict::kOk},
              {"reason", TicketVerdictName(check.verdict)},
              {"message", check.message}};
  if (check.ticket) out["ticket"] = ToJson(*check.ticket);
  if (check.hold) out["hold"] = ToJson(*check.hold);
  return out;
}

Result<json> OpTicketRedeem(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string code, ArgString(args, "code", nullptr));
  KURA_ASSIGN_OR_RETURN(TicketCheck check, CheckTicket(ctx, code));
  std::string why = std::string(TicketVerdictName(check.verdict)) + ": " + check.message;
  switch (check.verdict) {
    case TicketVerdict::kOk: break;
    case TicketVerdict::kAlreadyCollected:
    case TicketVerdict::kHoldEnded: return Status::Conflict(why);
    default: return Status::InvalidArgument("code: " + why);
  }
  bool arrived = check.hold.has_value();
  // Not here yet: the hold is made from the ticket with only our collected state, so
  // when the issuer's hold arrives the merge lands on collected and never counts as held.
  HoldCell cell = arrived ? std::move(*check.hold) : HoldCell{BodyOf(*check.ticket), {}};
  KURA_RETURN_IF_ERROR(CollectHold(ctx, cell));
  return json{{"hold", ToJson(cell)}, {"ticket", ToJson(*check.ticket)}, {"hold_arrived", arrived}};
}

}  // namespace kura
