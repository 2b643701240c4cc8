#include "journal.h"

#include "change_log.h"
#include "kura/schema/keys.h"
#include "kura/schema/arg_limits.h"
#include "kura/schema/args.h"

namespace kura {

Result<Receipt> AppendReceipt(OpContext& ctx, Receipt receipt) {
  // The journal lane is its own change index (schema/keys.h, "Sequence lanes").
  KURA_ASSIGN_OR_RETURN(uint64_t seq, NextSeq(ctx.txn, keys::JournalLane(ctx.origin())));
  receipt.origin = ctx.origin();
  receipt.seq = seq;
  receipt.at_ms = ctx.now_ms;
  ctx.txn.Write(Cf::kCells, keys::Journal(ctx.origin(), seq), receipt);
  return receipt;
}

nlohmann::json ToJson(const Receipt& receipt) {
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& l : receipt.lines) {
    lines.push_back({{"sku", l.sku}, {"qty", l.qty}, {"price_cents", l.price_cents}});
  }
  nlohmann::json out = {{"origin", receipt.origin}, {"seq", receipt.seq},
                        {"kind", ReceiptKindName(receipt.kind)}, {"lines", lines},
                        {"at_ms", receipt.at_ms}};
  if (!receipt.customer.empty()) out["customer"] = receipt.customer;
  if (!receipt.hold_id.empty()) out["hold_id"] = receipt.hold_id;
  if (receipt.override_promised) out["override"] = true;
  return out;
}

Result<nlohmann::json> OpJournalList(OpContext& ctx, const nlohmann::json& args) {
  KURA_ASSIGN_OR_RETURN(int64_t limit, ArgOptInt(args, "limit", 1, kMaxJournalListLimit, 100));
  KURA_ASSIGN_OR_RETURN(int64_t after, ArgOptInt(args, "after_seq", 0, INT64_MAX, 0));
  nlohmann::json receipts = nlohmann::json::array();
  bool more = false;
  Status bad;
  Status s = ctx.txn.Scan(
      Cf::kCells, keys::JournalPrefix(ctx.origin()),
      [&](std::string_view, std::string_view value) {
        more = static_cast<int64_t>(receipts.size()) == limit;  // one more: stop here
        if (more) return false;
        Receipt r;
        bad = Decode(value, &r);
        if (!bad.ok()) return false;
        receipts.push_back(ToJson(r));
        return true;
      },
      keys::Journal(ctx.origin(), static_cast<uint64_t>(after) + 1));
  KURA_RETURN_IF_ERROR(s);
  KURA_RETURN_IF_ERROR(bad);
  return nlohmann::json{{"receipts", receipts}, {"more", more}};
}

Result<nlohmann::json> OpJournalCompact(OpContext& ctx, const nlohmann::json& args) {
  KURA_ASSIGN_OR_RETURN(int64_t retention_h, ArgOptInt(args, "retention_hours", 0, 24 * 3650, -1));
  int64_t retention_ms = retention_h >= 0 ? retention_h * 3600 * 1000 : ctx.options.journal_retention_ms;
  uint64_t acked = ctx.sync != nullptr ? ctx.sync->AckedJournalSeq() : 0;
  int64_t cutoff = ctx.now_ms - retention_ms;
  std::vector<std::string> doomed;
  Status bad;
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kCells, keys::JournalPrefix(ctx.origin()),
                                    [&](std::string_view key, std::string_view value) {
    Receipt r;
    bad = Decode(value, &r);
    if (!bad.ok() || r.seq > acked) return false;
    if (r.at_ms <= cutoff) doomed.emplace_back(key);
    return true;
  }));
  KURA_RETURN_IF_ERROR(bad);
  for (const std::string& key : doomed) ctx.txn.Delete(Cf::kCells, key);
  return nlohmann::json{{"compacted", doomed.size()}, {"acked_seq", acked}};
}

}  // namespace kura
