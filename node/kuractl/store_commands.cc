// kuractl status and kuractl admin check: how the daemon is doing and whether its indexes
// agree with its data (ops status and admin.check).
#include "commands.h"
#include "output.h"

namespace kura::ctl {
namespace {

using nlohmann::json;

void PrintStatus(const json& s, std::ostream& out) {
  PrintFields({{"store", Cell(s.at("store_id"))},
               {"data dir", Cell(s.at("data_dir"))},
               {"uptime", FormatSpan(s.at("uptime_s").get<int64_t>())},
               {"skus", Cell(s.at("skus"))},
               {"active holds", Cell(s.at("active_holds"))},
               {"pending slips", Cell(s.at("pending_slips"))},
               {"receipts", Cell(s.at("receipts"))},
               {"origin seq", Cell(s.at("origin_seq"))}},
              out);
}

void PrintCheck(const json& r, std::ostream& out) {
  if (r.at("ok").get<bool>()) {
    bool hq = r.contains("stock_entries");  // kura-hq's check
    out << "ok: " << (hq ? Cell(r.at("stock_entries")) + " stock-index entries" : Cell(r.at("holds")) + " holds")
        << " and " << Cell(r.at("changes")) << " change-index entries are consistent\n";
    return;
  }
  out << "PROBLEMS (" << r.at("problems").size() << "):\n";
  for (const json& p : r.at("problems")) out << "  " << Cell(p) << "\n";
}

}  // namespace

void AddStoreCommands(CLI::App& app, Plan* plan) {
  CLI::App* status = app.add_subcommand(
      "status", "Show the daemon's store id, data directory, uptime and counts of SKUs, active "
                "holds, pending pick slips and receipts");
  OnParsed(status, plan, []() -> Result<Invocation> {
    return Invocation{"status", json::object(), false, PrintStatus, nullptr};
  });

  CLI::App* admin = app.add_subcommand("admin", "Maintenance commands for operators");
  admin->require_subcommand(1);
  CLI::App* check = admin->add_subcommand(
      "check", "Check that the held-units index, the expiry queue, the slip queue and the change "
               "index agree with the stored holds and cells (at kura-hq: its stock index, what "
               "HQ's stock views answer from, and its change index, read from a snapshot while "
               "HQ goes on serving; seconds at 200 stores, so raise --timeout). Read-only. "
               "Exits 1 when it finds problems");
  OnParsed(check, plan, []() -> Result<Invocation> {
    return Invocation{"admin.check", json::object(), false, PrintCheck, [](const json& r) {
                        return r.value("ok", false) ? Exit::kOk : Exit::kDaemonError;
                      }};
  });
}

}  // namespace kura::ctl
