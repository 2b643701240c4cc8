#include "escrow.h"

#include <algorithm>
#include <map>

#include "change_log.h"
#include "escrow_changes.h"
#include "held_index.h"
#include "hq_index.h"
#include "kura/schema/arg_limits.h"
#include "kura/schema/args.h"
#include "kura/schema/codec.h"
#include "kura/schema/ids.h"
#include "kura/schema/keys.h"
#include "kura/sync/pn_counter.h"
#include "kura/sync/rights_counter.h"
#include "registers.h"

namespace kura {
namespace {

using nlohmann::json;

Result<RightsCell> ReadRights(Txn& txn, std::string_view store, std::string_view sku) {
  KURA_ASSIGN_OR_RETURN(auto cell, txn.Read<RightsCell>(Cf::kCells, keys::Rights(store, sku)));
  return cell.value_or(RightsCell{});
}

// What HQ may promise from a rights cell.
int64_t HqShare(const RightsCell& cell) { return std::max<int64_t>(cell.Of(kHqOrigin), 0); }

// Applies `mutate(cell, seq)` (which returns the component's previous seq) to this
// replica's component of `cell`, the rights cell (store, sku) as this transaction read it,
// and writes it as one indexed write. Callers pass the cell they decided on rather than
// reading it again: every grant, spend and return would otherwise read it twice.
template <typename Mutate>
Status WriteRights(OpContext& ctx, std::string_view store, std::string_view sku, RightsCell cell,
                   Mutate mutate) {
  std::string key = keys::Rights(store, sku);
  KURA_ASSIGN_OR_RETURN(uint64_t seq, NextSeq(ctx.txn, ctx.origin()));
  uint64_t previous = mutate(cell, seq);
  if (!cell.components[ctx.origin()].WithinBounds()) {
    return Status::InvalidArgument("sku " + std::string(sku) + ": promise rights would pass " +
                                   std::to_string(kMaxCumulativeUnits) + " units");
  }
  ctx.txn.Write(Cf::kCells, key, cell);
  IndexChange(ctx.txn, ctx.origin(), previous, seq, key, ctx.now_ms);
  return Status::Ok();
}

Result<std::optional<AllotmentPolicy>> ReadPolicy(Txn& txn, std::string_view key) {
  KURA_ASSIGN_OR_RETURN(auto value, ReadRegister(txn, key));
  if (!value) return std::optional<AllotmentPolicy>();
  AllotmentPolicy policy;
  KURA_RETURN_IF_ERROR(Decode(*value, &policy));
  return std::optional<AllotmentPolicy>(policy);
}

json ToJson(const AllotmentPolicy& p) { return {{"share_pct", p.share_pct}, {"cap", p.cap}}; }

}  // namespace

int64_t AllotmentPolicy::Target(int64_t atp) const {
  if (atp <= 0) return 0;
  return std::min(cap, atp * share_pct / 100);
}

Result<AllotmentPolicy> LoadPolicy(Txn& txn, std::string_view store) {
  KURA_ASSIGN_OR_RETURN(auto own, ReadPolicy(txn, keys::Policy(store)));
  if (own) return *own;
  KURA_ASSIGN_OR_RETURN(auto chain, ReadPolicy(txn, keys::kDefaultPolicy));
  return chain.value_or(AllotmentPolicy{});
}

Result<int64_t> HqAllotment(Txn& txn, std::string_view store, std::string_view sku) {
  KURA_ASSIGN_OR_RETURN(RightsCell cell, ReadRights(txn, store, sku));
  return HqShare(cell);
}

namespace {

struct Grant {
  std::string sku;
  int64_t units = 0;
  RightsCell rights;  // the store's rights cell for the SKU, as read
};

// What the store grants HQ for one SKU: up to the target for its ATP, or 0.
Result<Grant> GrantFor(OpContext& ctx, const AllotmentPolicy& policy, const std::string& sku,
                       const PnCounter& stock) {
  Grant grant;
  grant.sku = sku;
  KURA_ASSIGN_OR_RETURN(int64_t held, HeldUnits(ctx.txn, sku));
  int64_t target = policy.Target(stock.Value() - held - ctx.options.safety_stock);
  if (target == 0) return grant;
  KURA_ASSIGN_OR_RETURN(grant.rights, ReadRights(ctx.txn, ctx.origin(), sku));
  grant.units = std::max<int64_t>(target - HqShare(grant.rights), 0);
  return grant;
}

// A fingerprint of every allotment policy (g/policy/...): a change means every SKU's
// target may have moved.
Result<uint64_t> PoliciesFingerprint(Txn& txn, int64_t safety_stock) {
  uint64_t h = Fnv1a64(std::to_string(safety_stock));
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kCells, keys::kPolicyPrefix, [&](std::string_view key, std::string_view value) {
    h = Fnv1a64(value, Fnv1a64(key, h));
    return true;
  }));
  return h;
}

}  // namespace

Result<int64_t> GrantAllotments(OpContext& ctx) {
  KURA_ASSIGN_OR_RETURN(AllotmentPolicy policy, LoadPolicy(ctx.txn, ctx.origin()));
  KURA_ASSIGN_OR_RETURN(uint64_t fingerprint, PoliciesFingerprint(ctx.txn, ctx.options.safety_stock));
  KURA_ASSIGN_OR_RETURN(EscrowChanges changes, EscrowChanges::Load(ctx.txn, ctx.origin(), fingerprint));
  bool every_sku = changes.full_pass();
  std::vector<Grant> grants;
  auto consider = [&](const std::string& sku, const PnCounter& stock) -> Status {
    KURA_ASSIGN_OR_RETURN(Grant grant, GrantFor(ctx, policy, sku, stock));
    if (grant.units > 0) grants.push_back(std::move(grant));
    return Status::Ok();
  };
  std::size_t visited = 0;
  if (every_sku) {
    std::string prefix = keys::StockPrefix(ctx.origin());
    Status inner;
    KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kCells, prefix, [&](std::string_view key, std::string_view value) {
      PnCounter stock;
      inner = Decode(value, &stock);
      if (inner.ok()) inner = consider(std::string(key.substr(prefix.size())), stock);
      return inner.ok();
    }));
    KURA_RETURN_IF_ERROR(inner);
  } else {
    KURA_ASSIGN_OR_RETURN(visited, changes.Visit([&](std::string_view store, std::string_view sku) -> Status {
      if (store != ctx.origin()) return Status::Ok();
      KURA_ASSIGN_OR_RETURN(auto stock, ctx.txn.Read<PnCounter>(Cf::kCells, keys::Stock(ctx.origin(), sku)));
      return stock ? consider(std::string(sku), *stock) : Status::Ok();
    }));
  }
  int64_t total = 0;
  for (Grant& grant : grants) {
    int64_t units = grant.units;
    KURA_RETURN_IF_ERROR(WriteRights(ctx, ctx.origin(), grant.sku, std::move(grant.rights),
                                     [&](RightsCell& cell, uint64_t seq) {
                                       uint64_t previous = cell.Create(ctx.origin(), seq, units);
                                       cell.Send(ctx.origin(), kHqOrigin, seq, units);
                                       return previous;
                                     }));
    total += units;
  }
  if (every_sku || visited > 0) KURA_RETURN_IF_ERROR(changes.MarkSeen());
  return total;
}

Status SpendAllotment(OpContext& ctx, std::string_view store, std::string_view sku, int64_t qty) {
  KURA_ASSIGN_OR_RETURN(RightsCell rights, ReadRights(ctx.txn, store, sku));
  int64_t allotted = HqShare(rights);
  if (qty > allotted) {
    return Status::InsufficientStock("sku " + std::string(sku) + " at " + std::string(store) + ": " +
                                     std::to_string(qty) + " requested, HQ may promise " +
                                     std::to_string(allotted) + " (short by " +
                                     std::to_string(qty - allotted) + ")");
  }
  return WriteRights(ctx, store, sku, std::move(rights), [&](RightsCell& cell, uint64_t seq) {
    return cell.Spend(ctx.origin(), seq, qty);
  });
}

Result<int64_t> ReturnExcessAllotments(OpContext& ctx) {
  struct Excess { std::string store, sku; int64_t units; RightsCell rights; };
  std::vector<Excess> excess;
  std::map<std::string, AllotmentPolicy, std::less<>> policies;
  auto consider = [&](std::string_view store, std::string_view sku, const RightsCell& rights) -> Status {
    auto policy = policies.find(store);
    if (policy == policies.end()) {
      KURA_ASSIGN_OR_RETURN(AllotmentPolicy loaded, LoadPolicy(ctx.txn, store));
      policy = policies.emplace(std::string(store), loaded).first;
    }
    KURA_ASSIGN_OR_RETURN(auto entry, ctx.txn.Read<HqStockEntry>(Cf::kLocal, StockBySku(sku, store)));
    HqStockEntry e = entry.value_or(HqStockEntry{});
    int64_t mine = rights.Of(kHqOrigin);
    int64_t target = policy->second.Target(e.on_hand - e.held);
    if (mine > target) excess.push_back({std::string(store), std::string(sku), mine - target, rights});
    return Status::Ok();
  };
  KURA_ASSIGN_OR_RETURN(uint64_t fingerprint, PoliciesFingerprint(ctx.txn, ctx.options.safety_stock));
  KURA_ASSIGN_OR_RETURN(EscrowChanges changes, EscrowChanges::Load(ctx.txn, ctx.origin(), fingerprint));
  bool every_cell = changes.full_pass();
  std::size_t visited = 0;
  if (every_cell) {
    Status inner;
    KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kCells, "r/", [&](std::string_view key, std::string_view value) {
      RightsCell rights;
      inner = Decode(value, &rights);
      if (inner.ok()) inner = consider(keys::OwnerOf(key), keys::SkuOf(key), rights);
      return inner.ok();
    }));
    KURA_RETURN_IF_ERROR(inner);
  } else {
    KURA_ASSIGN_OR_RETURN(visited, changes.Visit([&](std::string_view store, std::string_view sku) -> Status {
      KURA_ASSIGN_OR_RETURN(auto rights, ctx.txn.Read<RightsCell>(Cf::kCells, keys::Rights(store, sku)));
      return rights ? consider(store, sku, *rights) : Status::Ok();
    }));
  }
  int64_t total = 0;
  for (Excess& x : excess) {
    KURA_RETURN_IF_ERROR(WriteRights(ctx, x.store, x.sku, std::move(x.rights), [&](RightsCell& cell, uint64_t seq) {
      return cell.Send(ctx.origin(), x.store, seq, x.units);
    }));
    total += x.units;
  }
  if (every_cell || visited > 0) KURA_RETURN_IF_ERROR(changes.MarkSeen());
  return total;
}

Result<json> OpEscrowGrant(OpContext& ctx, const json&) {
  KURA_ASSIGN_OR_RETURN(int64_t granted, GrantAllotments(ctx));
  return json{{"granted", granted}};
}

Result<json> OpHqPolicySet(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string store, ArgOptString(args, "store", ValidateStoreId));
  if (!store.empty()) KURA_RETURN_IF_ERROR(CheckKnownStore(ctx, store));
  AllotmentPolicy policy;
  KURA_ASSIGN_OR_RETURN(policy.share_pct, ArgInt(args, "share_pct", 0, kMaxSharePct));
  KURA_ASSIGN_OR_RETURN(policy.cap, ArgInt(args, "cap", 0, kMaxAllotmentCap));
  std::string key = store.empty() ? std::string(keys::kDefaultPolicy) : keys::Policy(store);
  KURA_RETURN_IF_ERROR(WriteRegister(ctx, key, Encode(policy)));
  json out = ToJson(policy);
  out["store"] = store.empty() ? "*" : store;
  return out;
}

Result<json> OpPolicyGet(OpContext& ctx, const json& args) {
  KURA_ASSIGN_OR_RETURN(std::string store, ArgOptString(args, "store", ValidateStoreId));
  if (store.empty()) store = ctx.origin() == kHqOrigin ? "" : ctx.origin();
  if (store.empty()) {
    KURA_ASSIGN_OR_RETURN(auto chain, ReadPolicy(ctx.txn, keys::kDefaultPolicy));
    json out = ToJson(chain.value_or(AllotmentPolicy{}));
    out["store"] = "*";
    return out;
  }
  KURA_ASSIGN_OR_RETURN(AllotmentPolicy policy, LoadPolicy(ctx.txn, store));
  json out = ToJson(policy);
  out["store"] = store;
  return out;
}

}  // namespace kura
