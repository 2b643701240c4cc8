// kuractl journal list: the store's append-only journal of sale, return and collection
// receipts (op journal.list), paged by sequence number.
#include <limits>
#include <memory>

#include "commands.h"
#include "kura/schema/arg_limits.h"
#include "output.h"
#include "parse.h"

namespace kura::ctl {
namespace {

using nlohmann::json;

struct JournalArgs {
  std::string limit, after;
};

void PrintReceipts(const json& result, std::ostream& out) {
  const json& receipts = result.at("receipts");
  if (receipts.empty()) {
    out << "no receipts\n";
    return;
  }
  using A = Table::Align;
  Table table({{"SEQ", A::kRight}, {"AT (UTC)"}, {"KIND"}, {"CUSTOMER"}, {"HOLD"}, {"LINES"}});
  for (const json& r : receipts) {
    table.AddRow({Cell(r.at("seq")), FormatUtc(r.at("at_ms").get<int64_t>()), Cell(r.at("kind")),
                  Cell(r.value("customer", json())), Cell(r.value("hold_id", json())),
                  FormatLines(r.at("lines"))});
  }
  table.Print(out);
  if (result.value("more", false)) PrintMoreHint(receipts.size(), Cell(receipts.back().at("seq")), out);
}

}  // namespace

void AddJournalCommands(CLI::App& app, Plan* plan) {
  CLI::App* journal = app.add_subcommand("journal", "The store's receipts: sales, returns, collections");
  journal->require_subcommand(1);

  auto a = std::make_shared<JournalArgs>();
  CLI::App* list = journal->add_subcommand(
      "list", "List receipts in sequence order. Lines read SKU:QTY@PRICE; a return has a "
              "negative QTY");
  list->add_option("--limit", a->limit,
                   "list at most N receipts, 1.." + std::to_string(kMaxJournalListLimit) + " (daemon default 100)")
      ->type_name("N");
  list->add_option("--after", a->after, "start after sequence number SEQ (the last SEQ of the previous page)")
      ->type_name("SEQ");
  list->footer("Paging: kuractl journal list --limit 50, then --after <last SEQ shown>.");
  OnParsed(list, plan, [a]() -> Result<Invocation> {
    json args = json::object();
    if (!a->limit.empty()) {
      KURA_ASSIGN_OR_RETURN(args["limit"], ParseLimit(a->limit, kMaxJournalListLimit));
    }
    if (!a->after.empty()) {
      KURA_ASSIGN_OR_RETURN(args["after_seq"],
                            ParseInt(a->after, "--after", 0, std::numeric_limits<int64_t>::max()));
    }
    return Invocation{"journal.list", args, false, PrintReceipts, nullptr};
  });
}

}  // namespace kura::ctl
