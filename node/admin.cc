#include "admin.h"

#include <map>
#include <set>

#include "change_log.h"
#include "holds.h"
#include "hq_index.h"
#include "kura/schema/keys.h"
#include "kura/sync/pn_counter.h"

namespace kura {
namespace {

using nlohmann::json;

// Counts the keys under `prefix` for which `keep(value)` holds.
template <typename Keep>
Result<int64_t> CountKeys(Txn& txn, Cf cf, std::string_view prefix, Keep keep) {
  int64_t n = 0;
  KURA_RETURN_IF_ERROR(txn.Scan(cf, prefix, [&](std::string_view, std::string_view value) {
    if (keep(value)) ++n;
    return true;
  }));
  return n;
}

Result<std::vector<HoldCell>> AllHolds(Txn& txn, std::string_view store) {
  std::vector<HoldCell> holds;
  Status inner;
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kCells, keys::HoldPrefix(store), [&](std::string_view, std::string_view v) {
    HoldCell cell;
    inner = Decode(v, &cell);
    holds.push_back(std::move(cell));
    return inner.ok();
  }));
  KURA_RETURN_IF_ERROR(inner);
  return holds;
}

// Problems as admin.check lists them: of each kind, the first kMaxListed, then a count
// of the rest, so that a badly broken database still gives a short reply.
class ProblemList {
 public:
  static constexpr int kMaxListed = 20;
  explicit ProblemList(json* out) : out_(out) {}
  void Add(std::string problem) {
    if (++of_kind_ <= kMaxListed) out_->push_back(std::move(problem));
  }
  // Ends a kind: "<n> more <what>" for those not listed.
  void EndKind(std::string_view what) {
    if (of_kind_ > kMaxListed) out_->push_back(std::to_string(of_kind_ - kMaxListed) + " more " + std::string(what));
    of_kind_ = 0;
  }

 private:
  json* out_;
  int of_kind_ = 0;
};

// Every change-index entry must name a cell that exists. Returns the lanes' entries (the
// views, shared and per store, repeat them).
Result<int64_t> CheckChangeIndex(Txn& txn, ProblemList& problems) {
  int64_t changes = 0;
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kChanges, "", [&](std::string_view k, std::string_view value) {
    if (!k.starts_with(keys::kSharedChangePrefix) && !k.starts_with(keys::kStoreChangePrefix)) ++changes;
    std::string ignored;
    if (!txn.Get(Cf::kCells, ParseChangeEntry(value).cell_key, &ignored).ok()) {
      problems.Add("change index entry " + std::string(k.substr(0, k.size() - 8)) + " names a missing cell");
    }
    return true;
  }));
  problems.EndKind("change index entries name a missing cell");
  return changes;
}

// HQ's stock index against ExpectedStockIndex. Returns the index's entries. An entry of
// {0, 0} with no cells behind it is right: a hold that ended before its store's stock
// cell reached HQ leaves one.
Result<int64_t> CheckStockIndex(Txn& txn, ProblemList& problems) {
  KURA_ASSIGN_OR_RETURN(auto expected, ExpectedStockIndex(txn));
  auto compare = [&](const std::string& key, const HqStockEntry& index, const HqStockEntry& cells) {
    if (index.on_hand == cells.on_hand && index.held == cells.held) return;
    problems.Add("stock index " + key.substr(kStockIndexPrefix.size()) + ": on_hand " + std::to_string(index.on_hand) +
                 ", held " + std::to_string(index.held) + "; the cells say " + std::to_string(cells.on_hand) + ", " +
                 std::to_string(cells.held));
  };
  int64_t entries = 0;
  KURA_RETURN_IF_ERROR(txn.Scan(Cf::kLocal, kStockIndexPrefix, [&](std::string_view stored, std::string_view value) {
    ++entries;
    std::string key(stored);
    HqStockEntry index;
    if (!Decode(value, &index).ok()) {
      problems.Add("undecodable stock index entry " + key.substr(kStockIndexPrefix.size()));
    } else if (auto it = expected.find(key); it == expected.end()) {
      compare(key, index, HqStockEntry{});
    } else {
      compare(key, index, it->second);
      expected.erase(it);
    }
    return true;
  }));
  for (const auto& [key, cells] : expected) compare(key, HqStockEntry{}, cells);  // no entry
  problems.EndKind("stock index entries disagree with the cells");
  return entries;
}

}  // namespace

Result<json> OpStatus(OpContext& ctx, const json&) {
  auto any = [](std::string_view) { return true; };
  KURA_ASSIGN_OR_RETURN(int64_t skus, CountKeys(ctx.txn, Cf::kCells, keys::StockPrefix(ctx.origin()), any));
  KURA_ASSIGN_OR_RETURN(int64_t receipts, CountKeys(ctx.txn, Cf::kCells, keys::JournalPrefix(ctx.origin()), any));
  KURA_ASSIGN_OR_RETURN(int64_t active_holds, CountKeys(ctx.txn, Cf::kLocal, keys::kExpiryPrefix, any));
  KURA_ASSIGN_OR_RETURN(int64_t pending_slips, CountKeys(ctx.txn, Cf::kLocal, keys::kSlipPrefix, [](std::string_view v) {
    Slip slip;
    return Decode(v, &slip).ok() && slip.acked_ms == 0;
  }));
  KURA_ASSIGN_OR_RETURN(uint64_t seq, LastSeq(ctx.txn, ctx.origin()));
  KURA_ASSIGN_OR_RETURN(uint64_t journal_seq, LastSeq(ctx.txn, keys::JournalLane(ctx.origin())));
  return json{{"store_id", ctx.origin()},
              {"data_dir", ctx.options.data_dir},
              {"skus", skus},
              {"active_holds", active_holds},
              {"pending_slips", pending_slips},
              {"receipts", receipts},
              {"origin_seq", seq},
              {"journal_seq", journal_seq},
              {"uptime_s", ctx.uptime_ms / 1000}};
}

Result<json> OpSyncStatus(OpContext& ctx, const json&) {
  if (ctx.sync == nullptr) return json{{"configured", false}};
  json out = ctx.sync->Describe(ctx.now_ms);
  out["configured"] = true;
  return out;
}

Result<json> OpAdminCheck(OpContext& ctx, const json&) {
  json problems = json::array();
  KURA_ASSIGN_OR_RETURN(std::vector<HoldCell> holds, AllHolds(ctx.txn, ctx.origin()));

  std::map<std::string, int64_t> held;
  std::set<std::string> expiry_expected, slips_allowed;
  for (const HoldCell& h : holds) {
    if (!IsActive(h.State())) continue;
    for (const auto& line : h.body.lines) held[line.sku] += line.qty;
    expiry_expected.insert(keys::Expiry(h.body.expires_ms, h.body.id));
    slips_allowed.insert(keys::Slip(h.body.id));
  }
  std::map<std::string, int64_t> indexed;
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kLocal, "held/", [&](std::string_view k, std::string_view v) {
    int64_t units = 0;
    if (!Decode(v, &units).ok()) problems.push_back("undecodable " + std::string(k));
    indexed[std::string(k.substr(5))] = units;
    return true;
  }));
  if (indexed != held) problems.push_back("held index disagrees with active holds");
  std::set<std::string> expiry_found;
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kLocal, keys::kExpiryPrefix, [&](std::string_view k, std::string_view) {
    expiry_found.emplace(k);
    return true;
  }));
  if (expiry_found != expiry_expected) problems.push_back("expiry queue disagrees with active holds");
  ProblemList listed(&problems);
  KURA_RETURN_IF_ERROR(ctx.txn.Scan(Cf::kLocal, keys::kSlipPrefix, [&](std::string_view k, std::string_view) {
    if (!slips_allowed.count(std::string(k))) listed.Add("slip of an ended hold: " + std::string(k));
    return true;
  }));
  listed.EndKind("slips of ended holds");

  KURA_ASSIGN_OR_RETURN(int64_t changes, CheckChangeIndex(ctx.txn, listed));
  return json{{"ok", problems.empty()}, {"problems", problems}, {"holds", holds.size()},
              {"changes", changes}};
}

Result<json> OpHqAdminCheck(OpContext& ctx, const json&) { return HqAdminCheck(ctx.txn); }

Result<json> HqAdminCheck(Txn& txn) {
  json problems = json::array();
  ProblemList listed(&problems);
  KURA_ASSIGN_OR_RETURN(int64_t entries, CheckStockIndex(txn, listed));
  KURA_ASSIGN_OR_RETURN(int64_t changes, CheckChangeIndex(txn, listed));
  return json{{"ok", problems.empty()}, {"problems", problems}, {"stock_entries", entries},
              {"changes", changes}};
}

}  // namespace kura
