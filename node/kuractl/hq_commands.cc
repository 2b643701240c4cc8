// kuractl hq ...: HQ staff's view across stores, against a kura-hq daemon (ops status,
// hq.stock, hq.sync_status, hq.exceptions). These commands default to HQ's API endpoint
// (kuractl_main.cc). The directory, online orders and allotment policy have their own
// files (directory_commands.cc, hq_order_commands.cc, hq_policy_commands.cc).
#include <memory>

#include "commands.h"
#include "kura/schema/arg_limits.h"
#include "kura/schema/ids.h"
#include "output.h"
#include "parse.h"

namespace kura::ctl {
namespace {

using nlohmann::json;
using A = Table::Align;

void PrintHqStatus(const json& s, std::ostream& out) {
  PrintFields({{"node", Cell(s.at("store_id"))},
               {"data dir", Cell(s.at("data_dir"))},
               {"uptime", FormatSpan(s.at("uptime_s").get<int64_t>())}},
              out);
}

void PrintHqStock(const json& r, std::ostream& out) {
  Table table({{"STORE"}, {"ON_HAND", A::kRight}, {"HELD", A::kRight}, {"ATP", A::kRight}});
  for (const json& s : r.at("stores")) {
    table.AddRow({Cell(s.at("store")), Cell(s.at("on_hand")), Cell(s.at("held")), Cell(s.at("atp"))});
  }
  const json& total = r.at("total");
  table.AddRow({"TOTAL", Cell(total.at("on_hand")), Cell(total.at("held")), Cell(total.at("atp"))});
  out << "SKU " << Cell(r.at("sku")) << " across stores (as HQ last heard):\n";
  table.Print(out);
}

void PrintHqSyncStatus(const json& r, std::ostream& out) {
  int64_t now = NowMs();
  const json& stores = r.at("stores");
  if (stores.empty()) {
    out << "no stores are allowed to sync ([stores] in kura-hq's config, or kura-hq --store)\n";
  } else {
    Table table({{"STORE"},
                 {"CONNECTED"},
                 {"LAST_SEEN"},
                 {"LAG(COMPONENTS)", A::kRight},
                 {"LAG(S)", A::kRight},
                 {"SKEW(MS)", A::kRight},
                 {"REJECTED", A::kRight}});
    std::vector<std::string> errors;
    for (const json& s : stores) {
      bool up = s.at("connected").get<bool>();
      std::string connected = up ? "yes" : "no";
      if (s.value("restoring", false)) connected += ", restoring";  // its disk was replaced
      else if (up && !s.value("greeted", true)) connected += ", not greeted";  // gets no orders yet
      table.AddRow({Cell(s.at("store")), connected,
                    FormatAgo(s.at("last_seen_ms").get<int64_t>(), now),
                    Cell(s.value("lag_components", json())), Cell(s.value("lag_s", json())),
                    Cell(s.value("clock_skew_ms", json())), Cell(s.value("rejected", json()))});
      std::string error = s.value("last_error", std::string());
      if (!error.empty()) errors.push_back(Cell(s.at("store")) + ": " + error);
    }
    table.Print(out);
    for (const std::string& e : errors) out << "last error of " << e << "\n";
  }
  out << "refused peers: " << Cell(r.at("refused_peers")) << "\n";
  if (r.value("dropped_unlisted", 0) > 0) {
    out << "messages dropped from keys taken off the list: " << Cell(r.at("dropped_unlisted")) << "\n";
  }
  if (r.contains("endpoint")) out << "sync endpoint: " << Cell(r.at("endpoint")) << "\n";
  if (r.contains("merge_commits")) {
    out << "merged: " << Cell(r.at("batches_merged")) << " store batches in " << Cell(r.at("merge_commits"))
        << " synced writes\n";
  }
}

void PrintHqExceptions(const json& r, std::ostream& out) {
  const json& exceptions = r.at("exceptions");
  if (exceptions.empty()) {
    out << "no exceptions\n";
    return;
  }
  Table table({{"AT (UTC)"}, {"KIND"}, {"STORE"}, {"MESSAGE"}});
  for (const json& e : exceptions) {
    table.AddRow({FormatUtcSeconds(e.at("at_ms").get<int64_t>()), Cell(e.at("kind")),
                  Cell(e.at("store")), Cell(e.at("message"))});
  }
  table.Print(out);
  if (r.value("more", false)) {
    out << "(" << exceptions.size() << " shown; more exist: --limit N shows up to " << kMaxExceptionsLimit
        << ")\n";
  }
}

}  // namespace

void AddHqCommands(CLI::App& app, Plan* plan) {
  CLI::App* hq = app.add_subcommand(
      "hq", std::string("Head office (a kura-hq daemon; API from --api, else $KURA_HQ_API, else ") +
                kDefaultHqApi + "; never $KURA_API, which names a store): stock across stores, "
                "sync health, exceptions, the store directory, online orders and allotments");
  hq->require_subcommand(1);

  CLI::App* status = hq->add_subcommand("status", "Show the HQ daemon's id, data directory and uptime");
  OnParsed(status, plan, []() -> Result<Invocation> {
    return HqInvocation("status", json::object(), false, PrintHqStatus);
  });

  auto sku = std::make_shared<std::string>();
  CLI::App* stock = hq->add_subcommand(
      "stock", "Show one SKU at every store as HQ last heard from it (on hand, held, ATP) and "
               "the total. ATP here is on hand - held: units promised to no customer yet, the store's "
               "own ATP and HQ's online allotment together (the store's safety stock not taken off); "
               "`kuractl stock get` at the store splits them");
  stock->add_option("SKU", *sku, "the SKU, e.g. TEE-M-BLK")->required()->type_name("");
  OnParsed(stock, plan, [sku]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(std::string valid, ParseId(*sku, "SKU", ValidateSku));
    return HqInvocation("hq.stock", {{"sku", valid}}, false, PrintHqStock);
  });

  CLI::App* sync = hq->add_subcommand(
      "sync-status", "Show each allowed store's link: connected (\"yes, restoring\" while HQ sends "
                     "a replaced disk its data back, \"yes, not greeted\" before its Hello; HQ "
                     "routes neither an order), last seen, how far HQ lags behind it, clock skew "
                     "and rejected messages; and peers refused for an unknown key");
  OnParsed(sync, plan, []() -> Result<Invocation> {
    return HqInvocation("hq.sync_status", json::object(), false, PrintHqSyncStatus);
  });

  auto limit = std::make_shared<std::string>();
  auto oldest = std::make_shared<bool>(false);
  CLI::App* exceptions = hq->add_subcommand(
      "exceptions", "List the newest exceptions HQ recorded (e.g. sync messages it rejected from "
                    "a store, till sales with override), oldest of them first");
  exceptions->add_option("--limit", *limit,
                         "list at most N, 1.." + std::to_string(kMaxExceptionsLimit) + " (daemon default 100)")
      ->type_name("N");
  exceptions->add_flag("--oldest", *oldest, "the first N the log holds instead of the newest");
  OnParsed(exceptions, plan, [limit, oldest]() -> Result<Invocation> {
    json args = {{"newest", *oldest ? 0 : 1}};
    if (!limit->empty()) {
      KURA_ASSIGN_OR_RETURN(args["limit"], ParseLimit(*limit, kMaxExceptionsLimit));
    }
    return HqInvocation("hq.exceptions", args, false, PrintHqExceptions);
  });

  AddHqDirectoryCommands(hq, plan);
  AddHqOrderCommands(hq, plan);
  AddHqPolicyCommands(hq, plan);
}

}  // namespace kura::ctl
