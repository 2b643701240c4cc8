// The command tree: each Add*Commands registers one noun's subcommands, their options and
// --help text on `app`. When a leaf subcommand is parsed, its callback checks the local
// input (parse.h) and stores the request to send, or the error, in `plan`.
// REQUIRES: `plan` outlives the parse of `app`.
#pragma once

#include <functional>
#include <utility>

#include <CLI/CLI.hpp>

#include "invocation.h"

namespace kura::ctl {

// Makes `cmd` store `build()` in `plan` once it is parsed. `build` reads the option values
// CLI11 wrote, so it must own (or share) their storage.
inline void OnParsed(CLI::App* cmd, Plan* plan, std::function<Result<Invocation>()> build) {
  cmd->callback([plan, build = std::move(build)] { plan->invocation = build(); });
}

// An invocation of `op` on the kura-hq daemon (Target::kHq).
inline Invocation HqInvocation(std::string op, nlohmann::json args, bool mutating,
                               std::function<void(const nlohmann::json&, std::ostream&)> render) {
  Invocation inv{std::move(op), std::move(args), mutating, std::move(render), nullptr};
  inv.target = Target::kHq;
  return inv;
}

// `<parent> ticket ID [--qr] [--png F] [--svg F]`: shows a hold's signed pickup ticket,
// by `op` (hold.ticket at a store, hq.order.ticket at HQ).
struct TicketShow {
  const char* op;
  Target target;
  const char* what;     // the command's help, before what it prints
  const char* id_help;  // ID's help
  const char* example;  // the footer's example command line
};
void AddTicketShowCommand(CLI::App* parent, Plan* plan, const TicketShow& show);

void AddStockCommands(CLI::App& app, Plan* plan);
void AddHoldCommands(CLI::App& app, Plan* plan);
// `hold ticket` (REQUIRES: AddHoldCommands first) and `ticket verify|redeem`.
void AddTicketCommands(CLI::App& app, Plan* plan);
void AddSlipCommands(CLI::App& app, Plan* plan);
void AddJournalCommands(CLI::App& app, Plan* plan);
// `status` and `admin check`.
void AddStoreCommands(CLI::App& app, Plan* plan);
// `sync status`: the store's link to HQ.
void AddSyncCommands(CLI::App& app, Plan* plan);
// `hq ...`: commands for a kura-hq daemon (Target::kHq).
void AddHqCommands(CLI::App& app, Plan* plan);
// `directory` and `store-status` (at a store).
void AddDirectoryCommands(CLI::App& app, Plan* plan);
// `hq directory list|set` and `hq store-status`, under the `hq` command.
void AddHqDirectoryCommands(CLI::App* hq, Plan* plan);
// One line for the --help of the commands that deal in allotments.
inline constexpr const char* kAllotmentHelp =
    "An allotment is the part of a store's stock that the store sets aside for HQ, so that HQ can "
    "promise it to online customers even while the store is offline.";

// `hq availability` and `hq order place|cancel|status`: online orders HQ takes for a store.
void AddHqOrderCommands(CLI::App* hq, Plan* plan);
// `hq policy set|get`: the allotment policy (how many units a store sets aside for HQ).
void AddHqPolicyCommands(CLI::App* hq, Plan* plan);
// `keygen`: a local command, no daemon.
void AddKeygenCommand(CLI::App& app, Plan* plan);

}  // namespace kura::ctl
