// kuractl slip ...: the pick-slip queue that tells staff which goods to set aside for new
// pickup and try-on holds (ops slip.*).
#include <memory>

#include "commands.h"
#include "kura/schema/ids.h"
#include "output.h"
#include "parse.h"

namespace kura::ctl {
namespace {

using nlohmann::json;

void PrintSlipTable(const json& slips, std::ostream& out) {
  Table table({{"HOLD"}, {"KIND"}, {"SHELF"}, {"CUSTOMER"}, {"CREATED (UTC)"}, {"EXPIRES (UTC)"},
               {"ACKED (UTC)"}});
  for (const json& s : slips) {
    table.AddRow({Cell(s.at("hold_id")), Cell(s.at("kind")), Cell(s.at("shelf")),
                  Cell(s.value("customer", json())), FormatUtc(s.at("created_ms").get<int64_t>()),
                  FormatUtc(s.at("expires_ms").get<int64_t>()),
                  FormatUtc(s.value("acked_ms", int64_t{0}))});
  }
  table.Print(out);
}

// print and ack: the hold id a slip belongs to.
Result<json> IdArg(const std::string& id) {
  KURA_ASSIGN_OR_RETURN(std::string hold_id, ParseId(id, "ID", ValidateHoldId));
  return json{{"id", hold_id}};
}

}  // namespace

void AddSlipCommands(CLI::App& app, Plan* plan) {
  CLI::App* slip = app.add_subcommand("slip", "Pick slips: what staff must set aside for new holds");
  slip->require_subcommand(1);
  slip->footer("Usual round: kuractl slip list; kuractl slip print ID; put the goods on the shelf; "
               "kuractl slip ack ID.");

  auto all = std::make_shared<bool>(false);
  CLI::App* list = slip->add_subcommand("list", "List pick slips not yet acknowledged");
  list->add_flag("--all", *all, "include acknowledged slips of holds that are still active");
  OnParsed(list, plan, [all]() -> Result<Invocation> {
    return Invocation{"slip.list", {{"all", *all ? 1 : 0}}, false,
                      [](const json& r, std::ostream& out) {
                        if (r.at("slips").empty()) {
                          out << "no pick slips\n";
                        } else {
                          PrintSlipTable(r.at("slips"), out);
                        }
                      },
                      nullptr};
  });

  auto id = std::make_shared<std::string>();
  CLI::App* print = slip->add_subcommand(
      "print", "Print a hold's pick slip as text, ready for the slip printer (--json: the slip "
               "fields and the text)");
  print->add_option("ID", *id, "hold id, e.g. tokyo-01.42")->required()->type_name("");
  OnParsed(print, plan, [id]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(json args, IdArg(*id));
    return Invocation{"slip.print", args, false,
                      [](const json& r, std::ostream& out) { out << r.at("text").get<std::string>(); },
                      nullptr};
  });

  CLI::App* ack = slip->add_subcommand(
      "ack", "Acknowledge a pick slip once its goods are on the hold shelf (acknowledging twice "
             "is harmless)");
  ack->add_option("ID", *id, "hold id, e.g. tokyo-01.42")->required()->type_name("");
  OnParsed(ack, plan, [id]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(json args, IdArg(*id));
    return Invocation{"slip.ack", args, true,
                      [](const json& r, std::ostream& out) {
                        out << "slip for hold " << Cell(r.at("hold_id")) << " acknowledged (shelf "
                            << Cell(r.at("shelf")) << ")\n";
                      },
                      nullptr};
  });
}

}  // namespace kura::ctl
